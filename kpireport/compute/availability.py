"""Which KPIs the data can give, and for the others exactly why not.

No data is not zero: a missing table or column, a recognised table with no row, or a column a
measure needs that is blank in every row makes the KPIs reading it "could not be computed"
with that reason. Which columns may be blank and still mean something ("none yet") is read
from the catalog's measure definitions, not from a hand list.
"""

from __future__ import annotations

from collections.abc import Callable

from ..catalog.formula import measure_names, names
from ..catalog.model import Catalog, Measure
from ..dataset import Dataset, placing_date
from ..schema import default_schema
from .report import Unavailable


def availability(catalog: Catalog, dataset: Dataset) -> tuple[dict[str, Unavailable], set[str]]:
    """Which KPIs can be computed; for the others exactly which tables and columns are missing
    or hold no data.

    No data is not zero: a recognised table with no row, or a column a measure needs that is
    blank in every row, makes the KPIs reading it "could not be computed" with that reason.
    Which columns may be blank is read from the catalog (`may_be_blank`): an empty lost_date
    means nobody left yet, and such a KPI gets its value (0, or no value with a note).
    """
    unavailable: dict[str, Unavailable] = {}
    usable: set[str] = set()
    blank_cache: dict[tuple[str, str], bool] = {}
    blank_ok: dict[str, frozenset[str]] = {}

    def is_blank(table: str, col: str) -> bool:
        if (table, col) not in blank_cache:
            blank_cache[(table, col)] = not dataset.filled(table, col)
        return blank_cache[(table, col)]

    for kid in catalog.kpi_order():
        missing: dict[str, tuple[str, ...]] = {}
        empty: dict[str, set[str]] = {}
        no_rows: set[str] = set()
        inputs = catalog.inputs(kid)
        for table, cols in inputs.items():
            if table not in dataset.tables:
                missing[table] = ()
            elif gap := dataset.missing(table, cols):
                missing[table] = tuple(sorted(gap))
        _measure_gaps(catalog, kid, dataset, is_blank, blank_ok, missing, empty, no_rows)
        if catalog.kpis[kid].requires_breakdown and not missing and not no_rows:
            _need_breakdown(catalog, kid, dataset, is_blank, missing, empty)
        for table, cols in empty.items():
            missing[table] = tuple(sorted(set(missing.get(table, ())) | cols))
        _inherit(catalog, kid, unavailable, missing, empty, no_rows)
        if missing or no_rows:  # sorted: the same text in every run, whatever the hash seed
            needed = {t: tuple(sorted(c)) for t, c in inputs.items()}
            unavailable[kid] = Unavailable(kid, dict(sorted(missing.items())), needed=needed,
                                           empty={t: tuple(sorted(c)) for t, c in sorted(empty.items())},
                                           no_rows=tuple(sorted(no_rows)))
        else:
            usable.add(kid)
    return unavailable, usable


def _measure_gaps(catalog: Catalog, kid: str, dataset: Dataset, is_blank: Callable[[str, str], bool],
                  blank_ok: dict[str, frozenset[str]], missing: dict[str, tuple[str, ...]],
                  empty: dict[str, set[str]], no_rows: set[str]) -> None:
    """What the KPI's measures lack in the data, added to `missing`, `empty` and `no_rows`: a table
    without rows, a column that must hold values but is blank in every row, one that never can."""
    for mid in sorted(catalog.measures_of(kid)):
        m = catalog.measures[mid]
        df = dataset.tables.get(m.table)
        if df is None or (m.table in missing and not missing[m.table]):
            continue
        if dataset.row_count(m.table) == 0:
            no_rows.add(m.table)
            continue
        if m.table not in blank_ok:
            blank_ok[m.table] = may_be_blank(catalog, m.table)
        for col in sorted(must_be_filled(m, blank_ok[m.table])):
            if col in df.columns and is_blank(m.table, col):
                empty.setdefault(m.table, set()).add(col)
        for col in _never_holds(m, dataset):
            missing[m.table] = tuple(sorted(set(missing.get(m.table, ())) | {col}))


def _inherit(catalog: Catalog, kid: str, unavailable: dict[str, Unavailable], missing: dict[str, tuple[str, ...]],
             empty: dict[str, set[str]], no_rows: set[str]) -> None:
    """A KPI built on other KPIs that could not be computed lacks what they lack."""
    for d in sorted(measure_names(catalog.kpis[kid].formula) & set(catalog.kpis)):
        if d in unavailable:
            dep = unavailable[d]
            for t, c in dep.missing.items():
                missing.setdefault(t, c)
            for t, c in dep.empty.items():
                empty.setdefault(t, set()).update(c)
            no_rows.update(dep.no_rows)


def _need_breakdown(catalog: Catalog, kid: str, dataset: Dataset, is_blank, missing: dict, empty: dict) -> None:
    """A KPI that is its breakdown (sales by region) needs one of its breakdown columns with data
    in every table it reads; else the columns go into `missing` / `empty` (no total shown instead)."""
    tables = sorted({catalog.measures[m].table for m in catalog.measures_of(kid)})
    dims = catalog.kpis[kid].breakdowns

    def ok(dim: str) -> bool:
        return all(dim in dataset.tables[t].columns and not is_blank(t, dim) for t in tables)

    if any(ok(dim) for dim in dims):
        return
    for t in tables:
        cols = dataset.tables[t].columns
        absent = tuple(d for d in dims if d not in cols)
        blank = {d for d in dims if d in cols and is_blank(t, d)}
        if absent or blank:
            missing[t] = tuple(sorted(set(missing.get(t, ())) | set(absent)))
        if blank:
            empty.setdefault(t, set()).update(blank)


def _never_holds(m: Measure, dataset: Dataset) -> set[str]:
    """Columns the model made (Dataset.derived) that a measure picks values from which the made
    column never holds: a status made from a returns list has no cancellations, so a cancellation
    rate over it is not 0 but could not be computed (the file has no status column)."""
    out = set()
    for c in m.where:
        made = dataset.derived.get((m.table, c.column))
        if made is None or c.op not in ("in", "eq"):
            continue
        wanted = list(c.value) if c.op == "in" and isinstance(c.value, (list, tuple)) else [c.value]
        if not {str(w).strip().lower() for w in wanted} & set(made):
            out.add(c.column)
    return out


# Conditions that a blank cell simply passes or fails as "not there (yet)": a column only read
# by them may be blank in every row (nobody converted, no first reply recorded yet).
_BLANK_OK_OPS = ("isnull", "notnull", "ne", "not_in")


def may_be_blank(catalog: Catalog, table: str) -> frozenset[str]:
    """Columns of `table` that may be blank in every row and still mean something ("none yet").

    Read from the catalog's measures: a stock's `end` (lost_date: nobody left), a column some
    measure tests with isnull/notnull/ne/not_in (converted_date, first_response_at), and a date
    other than the one that places the table's rows (resolved_at, closed_date: the event has
    not happened yet for any row).
    """
    spec = default_schema().tables.get(table)
    placing = placing_date(table)
    out: set[str] = set()
    for m in catalog.measures.values():
        if m.table != table:
            continue
        if m.end:
            out.add(m.end)
        # (not the date that places the rows: a notnull on it only pairs it with another date)
        out |= {c.column for c in m.where if c.op in _BLANK_OK_OPS and c.column != placing}
        used = {m.date} | (names(m.expr) if m.expr is not None else set())
        for col in used:
            if spec is not None and spec.has(col) and spec.column(col).type == "date" and col != placing:
                out.add(col)
    return frozenset(out)


def must_be_filled(m: Measure, blank_ok: frozenset[str]) -> set[str]:
    """Columns measure `m` needs at least one value in: its date, its value and its filters,
    less what may be blank (`blank_ok`, from may_be_blank)."""
    cols = {m.date} | ({m.column} if m.column else set())
    if m.expr is not None:
        cols |= names(m.expr) - {"period_end", "period_start"}
    cols |= {c.column for c in m.where}
    cols |= {str(c.value) for c in m.where if c.op in ("le_column", "gt_column")}
    return cols - blank_ok
