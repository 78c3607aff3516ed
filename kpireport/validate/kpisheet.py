"""Read a monthly KPI sheet (mapped by `mapping.kpisheet`) into rows of kpi, period, value, target.

Values are taken as typed, in the catalog's units: percentages as fractions ("12 %" and a
cell formatted as a percentage are 0.12; a plain 12 for a percentage KPI is read as 12 % with
a note), durations in seconds (an Excel duration such as 4:30:00 converts; a "Unit" column
saying hours or minutes converts; plain numbers are taken as seconds, with a note), money
and counts as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..catalog import default_catalog
from ..dataset import KPI_SHEET_COLUMNS, Source, empty_kpi_sheet
from ..mapping import MappedSheet
from ..mapping.kpisheet import KpiLayout, KpiResolver
from ..mapping.normalize import cell_ref, normalize_header
from ..parsing import is_excel_error
from ..problems import At, Problem, ProblemLog, Severity, Where
from . import columns as conv
from .locale import Locale

if TYPE_CHECKING:
    from ..catalog import Catalog

_UNIT_SECONDS = {"s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0, "sn": 1.0, "saniye": 1.0,
                 "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "dk": 60.0, "dakika": 60.0,
                 "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0, "saat": 3600.0,
                 "sa": 3600.0, "d": 86400.0, "day": 86400.0, "days": 86400.0, "gun": 86400.0}
_PERCENT_UNITS = {"pct", "percent", "percentage", "yuzde"}


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# (row, column, "value" | "target", month, kpi id) of each figure read, in `_Figures.cells` order
Meta = tuple[int, int, str, str, str]


@dataclass
class _Figures:
    """The figures of a KPI sheet's rows, in reading order, with where each came from."""

    cells: list[object] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)
    units: dict[int, str] = field(default_factory=dict)  # row -> its Unit column's text
    read: int = 0  # rows with figures
    used: int = 0  # of those, rows whose KPI is in the catalog


def read_kpi_sheet(m: MappedSheet, locale: Locale, problems: ProblemLog,
                   catalog: Catalog | None = None) -> tuple[pd.DataFrame, Source]:
    """The sheet's typed figures as rows of kpi, period, value, target, in catalog units; each
    figure that cannot be read, or reads implausibly, is a problem naming its cell."""
    catalog = catalog or default_catalog()
    layout = m.kpi_layout
    assert layout is not None
    where: Where = {"file": m.sheet.file, "sheet": m.sheet.sheet, "table": "kpi_sheet"}
    fig = _figures(m, layout, KpiResolver(catalog), catalog, problems, where)
    cells, meta = fig.cells, fig.meta
    notes: list[conv.Note] = []
    series, failures = conv.to_number(cells, locale.decimal, notes, duration_unit=1.0)
    values = series.to_numpy(copy=True)
    for pos, reason in failures[:20]:
        r, j = meta[pos][0], meta[pos][1]
        problems.add(Problem(reason, cell=cell_ref(r, j), column=str(m.headers.get(j, "")), **where))
    errors = sum(1 for pos, _ in failures if is_excel_error(cells[pos]))
    for note in notes:
        at: At = {} if note.position is None else {"cell": cell_ref(*meta[note.position][:2])}
        problems.add(Problem(note.reason, severity=Severity(note.severity), **at, **where))
    _units(values, cells, meta, fig.units, catalog, problems, where, m.sheet.percent_cells)
    _plausible(values, cells, meta, catalog, problems, where)
    frame = _frame(values, meta, m, problems, where)
    months = sorted(set(layout.values.values()) | set(layout.targets.values()))
    span = f"{months[0]} to {months[-1]}" if months else "no months"
    problems.add(Problem(f"monthly KPI sheet: {fig.used} KPI(s) typed for {len(months)} month(s) ({span}); typed "
                         "values are used as given and win over values computed from records",
                         severity=Severity.INFO, **where))
    source = Source(file=m.sheet.file, sheet=m.sheet.sheet, table="kpi_sheet", header_row=m.header_row + 1,
                    rows_read=fig.read, rows_used=fig.used, mapping=_mapping(m, layout), ignored=tuple(m.ignored),
                    kind="kpi sheet", recognised_by=m.recognised_by, excel_errors=errors, detail=m.sheet.detail)
    return frame, source


def _figures(m: MappedSheet, layout: KpiLayout, resolve: KpiResolver, catalog: Catalog, problems: ProblemLog,
             where: Where) -> _Figures:
    """Every figure of the rows that name a catalog KPI; rows with figures but no (known) KPI
    name are problems, rows without figures (section titles) are skipped."""
    fig = _Figures()
    end = m.sheet.n_rows if m.end_row is None else m.end_row
    figures = [*layout.values, *layout.targets] + ([layout.target_col] if layout.target_col is not None else [])
    for r in range(m.header_row + 1, end):
        row = m.sheet.row(r)

        def at(j: int | None, row: list[object] = row) -> object:
            return row[j] if j is not None and j < len(row) else None

        has_values = any(not _empty(at(j)) for j in figures)
        name = at(layout.kpi_col)
        if _empty(name):
            if has_values:
                problems.add(Problem("figures without a KPI name in the KPI column; row ignored",
                                     cell=cell_ref(r, layout.kpi_col), **where))
            continue
        if not has_values:
            continue  # a section title or a KPI without figures yet
        fig.read += 1
        kid = resolve(name)
        if kid is None:
            guess = resolve.suggest(str(name))
            hint = f" (did you mean {catalog.kpis[guess].label()!r}, id {guess}?)" if guess else ""
            problems.add(Problem(f"KPI {str(name).strip()!r} is not in the catalog{hint}; row ignored. Use a KPI id "
                                 "or its English or Turkish name, or define it under `kpis` in the config",
                                 cell=cell_ref(r, layout.kpi_col), **where))
            continue
        fig.used += 1
        unit = at(layout.unit_col)
        if isinstance(unit, str):
            fig.units[r] = unit
        placed = [(j, "value", month) for j, month in layout.values.items()]
        placed += [(j, "target", month) for j, month in layout.targets.items()]
        if layout.target_col is not None:
            placed += [(layout.target_col, "target", month) for month in sorted(set(layout.values.values()))]
        for j, kind, month in placed:
            fig.cells.append(at(j))
            fig.meta.append((r, j, kind, month, kid))
    return fig


def _mapping(m: MappedSheet, layout: KpiLayout) -> tuple[tuple[str, str], ...]:
    """(header, what it was read as) for the Sources sheet."""
    mapping = [(m.headers.get(layout.kpi_col, ""), "kpi")]
    mapping += [(m.headers.get(j, month), f"value {month}") for j, month in sorted(layout.values.items())]
    mapping += [(m.headers.get(j, month), f"target {month}") for j, month in sorted(layout.targets.items())]
    if layout.target_col is not None:
        mapping.append((m.headers.get(layout.target_col, ""), "target (every month)"))
    return tuple(mapping)


def _unit_scale(text: str) -> tuple[str, float] | None:
    words = normalize_header(text.replace("%", " pct ")).split()
    for w in words:
        if w in _PERCENT_UNITS:
            return "percent", 0.01
        if w in _UNIT_SECONDS:
            return "duration", _UNIT_SECONDS[w]
    return None


def _units(values: np.ndarray, cells: list[object], meta: list[Meta], units: dict[int, str],
           catalog: Catalog, problems: ProblemLog, where: Where,
           percent_cells: frozenset[tuple[int, int]] = frozenset()) -> None:
    """Percent and duration rows into catalog units, in place. A cell formatted as a percentage
    holds its fraction already (94 % is stored as 0.94): its own format wins over a Unit column
    saying %, so it is not divided by 100 again."""
    by_row: dict[int, list[int]] = {}
    for pos, (r, *_rest) in enumerate(meta):
        by_row.setdefault(r, []).append(pos)
    told: set[str] = set()
    for r, positions in by_row.items():
        kid = meta[positions[0]][4]
        unit = catalog.kpis[kid].unit
        typed = [p for p in positions if not np.isnan(values[p]) and _plain_number(cells[p])
                 and (meta[p][0], meta[p][1]) not in percent_cells]
        given = _unit_scale(units[r]) if r in units else None
        if unit == "percent":
            if given and given[0] == "percent":
                values[typed] *= 0.01
            elif typed and all(1 < abs(values[p]) <= 100 for p in typed):
                values[typed] *= 0.01
                if kid not in told:
                    told.add(kid)
                    problems.add(Problem(f"{catalog.kpis[kid].label()}: values such as {cells[typed[0]]} read as "
                                         f"percentages ({cells[typed[0]]} %)", severity=Severity.INFO,
                                         cell=cell_ref(r, meta[typed[0]][1]), **where))
        elif unit == "duration":
            numeric = typed
            if given and given[0] == "duration":
                values[numeric] *= given[1]
            elif numeric and kid not in told:
                told.add(kid)
                problems.add(Problem(f"{catalog.kpis[kid].label()}: typed numbers read as seconds; add a Unit column "
                                     "(hours, minutes) or type durations as 4:30:00 if they are not",
                                     severity=Severity.INFO, cell=cell_ref(r, meta[numeric[0]][1]), **where))


def _plain_number(cell: object) -> bool:
    """A number, typed as one or as text without a % sign (which says its own unit)."""
    if isinstance(cell, str):
        return "%" not in cell
    return isinstance(cell, int | float) and not isinstance(cell, bool)


# A rate (a share of something: churn, retention, conversion) lies in 0-100 %; any other percentage
# (growth, margin, attainment, ROI) within -100 % and +1,000 %. Outside: flagged, still used.
RATE_RANGE, PERCENT_RANGE = (0.0, 1.0), (-1.0, 10.0)


def _is_rate(kid: str) -> bool:
    return kid.endswith("_rate") and "growth" not in kid


def _plausible(values: np.ndarray, cells: list[object], meta: list[Meta],
               catalog: Catalog, problems: ProblemLog, where: Where) -> None:
    """Flag, cell by cell, percentages outside the range their KPI can take."""
    for pos, (r, j, _kind, month, kid) in enumerate(meta):
        v = values[pos]
        if np.isnan(v) or catalog.kpis[kid].unit != "percent":
            continue
        low, high = RATE_RANGE if _is_rate(kid) else PERCENT_RANGE
        if not low <= v <= high:
            what = "a rate between 0 % and 100 %" if _is_rate(kid) else "between -100 % and 1,000 %"
            problems.add(Problem(f"{catalog.kpis[kid].label()} for {month} is {v * 100:.4g} % (cell {cells[pos]!r}), "
                                 f"outside what it can be ({what}); check the cell and the Unit column (a cell "
                                 "formatted as % holds 0.94 for 94 %)", cell=cell_ref(r, j),
                                 severity=Severity.WARNING, **where))


def _frame(values: np.ndarray, meta: list[Meta], m: MappedSheet,
           problems: ProblemLog, where: Where) -> pd.DataFrame:
    if not meta:
        return empty_kpi_sheet()
    figures: dict[tuple[str, str], dict[str, float]] = {}  # (kpi, month) -> {"value": .., "target": ..}
    cell_of: dict[tuple[str, str], str] = {}  # the cell of its value (else of its first target)
    for pos, (r, j, kind, month, kid) in enumerate(meta):
        v = float(values[pos])
        rec = figures.setdefault((kid, month), {"value": np.nan, "target": np.nan})
        cell_of.setdefault((kid, month), "")
        if np.isnan(v):
            continue
        if not np.isnan(rec[kind]) and rec[kind] != v:
            problems.add(Problem(f"{kid} for {month} is typed twice on this sheet ({rec[kind]:g} and {v:g}); the "
                                 f"later row, {cell_ref(r, j)}, is used", cell=cell_ref(r, j), **where))
        rec[kind] = v
        if kind == "value" or not cell_of[(kid, month)]:
            cell_of[(kid, month)] = cell_ref(r, j)
    rows = [{"kpi": kid, "period": month, "value": rec["value"], "target": rec["target"], "file": m.sheet.file,
             "sheet": m.sheet.sheet, "cell": cell_of[(kid, month)]} for (kid, month), rec in figures.items()]
    out = pd.DataFrame(rows, columns=list(KPI_SHEET_COLUMNS))
    out = out[out["value"].notna() | out["target"].notna()]
    return _typed(out)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    for c in ("kpi", "period", "file", "sheet", "cell"):
        df[c] = df[c].astype("string")
    for c in ("value", "target"):
        df[c] = df[c].astype("float64")
    return df


def combine(frames: list[pd.DataFrame], problems: ProblemLog) -> pd.DataFrame:
    """All KPI sheets of a run; a KPI and month typed twice keeps the later one, with a warning."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_kpi_sheet()
    df = pd.concat(frames, ignore_index=True)
    dup = df.duplicated(["kpi", "period"], keep="last")
    for _, row in df[dup].head(20).iterrows():
        later = df[(df["kpi"] == row["kpi"]) & (df["period"] == row["period"])].iloc[-1]
        problems.add(Problem(f"{row['kpi']} for {row['period']} is typed twice; the value in {later['file']} / "
                             f"{later['sheet']} / {later['cell']} is used", file=str(row["file"]),
                             sheet=str(row["sheet"]), cell=str(row["cell"]), table="kpi_sheet"))
    df = df.groupby(["kpi", "period"], sort=True, as_index=False).agg(
        value=("value", lambda s: s.dropna().iloc[-1] if s.notna().any() else np.nan),
        target=("target", lambda s: s.dropna().iloc[-1] if s.notna().any() else np.nan),
        file=("file", "last"), sheet=("sheet", "last"), cell=("cell", "last"))
    return _typed(df[list(KPI_SHEET_COLUMNS)])
