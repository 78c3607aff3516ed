"""Read a monthly KPI sheet (mapped by `mapping.kpisheet`) into rows of kpi, period, value, target.

Values are taken as typed, in the catalog's units: percentages as fractions ("12 %" and a
cell formatted as a percentage are 0.12; a plain 12 for a percentage KPI is read as 12 % with
a note), durations in seconds (an Excel duration such as 4:30:00 converts; a "Unit" column
saying hours or minutes converts; plain numbers are taken as seconds, with a note), money
and counts as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..catalog import default_catalog
from ..dataset import KPI_SHEET_COLUMNS, Source, empty_kpi_sheet
from ..mapping import MappedSheet
from ..mapping.kpisheet import KpiResolver
from ..mapping.normalize import cell_ref, normalize_header
from ..parsing import is_excel_error
from ..problems import Problem, ProblemLog, Severity
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


def read_kpi_sheet(m: MappedSheet, locale: Locale, problems: ProblemLog,
                   catalog: Catalog | None = None) -> tuple[pd.DataFrame, Source]:
    catalog = catalog or default_catalog()
    resolve = KpiResolver(catalog)
    layout = m.kpi_layout
    assert layout is not None
    where = {"file": m.sheet.file, "sheet": m.sheet.sheet, "table": "kpi_sheet"}
    first = m.header_row + 1
    end = m.sheet.n_rows if m.end_row is None else m.end_row
    months = sorted(set(layout.values.values()) | set(layout.targets.values()))
    cells: list[object] = []
    meta: list[tuple[int, int, str, str, str]] = []  # (row, col, value|target, month, kpi)
    units: dict[int, str] = {}
    read = used = 0
    for r in range(first, end):
        row = m.sheet.row(r)

        def at(j: int | None, row: list[object] = row) -> object:
            return row[j] if j is not None and j < len(row) else None

        figures = [*layout.values, *layout.targets] + ([layout.target_col] if layout.target_col is not None else [])
        has_values = any(not _empty(at(j)) for j in figures)
        name = at(layout.kpi_col)
        if _empty(name):
            if has_values:
                problems.add(Problem("figures without a KPI name in the KPI column; row ignored",
                                     cell=cell_ref(r, layout.kpi_col), **where))
            continue
        if not has_values:
            continue  # a section title or a KPI without figures yet
        read += 1
        kid = resolve(name)
        if kid is None:
            guess = resolve.suggest(str(name))
            hint = f" (did you mean {catalog.kpis[guess].label()!r}, id {guess}?)" if guess else ""
            problems.add(Problem(f"KPI {str(name).strip()!r} is not in the catalog{hint}; row ignored. Use a KPI id "
                                 "or its English or Turkish name, or define it under `kpis` in the config",
                                 cell=cell_ref(r, layout.kpi_col), **where))
            continue
        used += 1
        if layout.unit_col is not None and isinstance(at(layout.unit_col), str):
            units[r] = str(at(layout.unit_col))
        for j, month in layout.values.items():
            cells.append(at(j))
            meta.append((r, j, "value", month, kid))
        for j, month in layout.targets.items():
            cells.append(at(j))
            meta.append((r, j, "target", month, kid))
        if layout.target_col is not None:
            for month in sorted(set(layout.values.values())):
                cells.append(at(layout.target_col))
                meta.append((r, layout.target_col, "target", month, kid))
    notes: list[conv.Note] = []
    series, failures = conv.to_number(cells, locale.decimal, notes, duration_unit=1.0)
    values = series.to_numpy(copy=True)
    for pos, reason in failures[:20]:
        r, j = meta[pos][0], meta[pos][1]
        problems.add(Problem(reason, cell=cell_ref(r, j), column=str(m.headers.get(j, "")), **where))
    errors = sum(1 for pos, _ in failures if is_excel_error(cells[pos]))
    for note in notes:
        at = {} if note.position is None else {"cell": cell_ref(*meta[note.position][:2])}
        problems.add(Problem(note.reason, severity=Severity(note.severity), **at, **where))
    _units(values, cells, meta, units, catalog, problems, where, m.sheet.percent_cells)
    _plausible(values, cells, meta, catalog, problems, where)
    frame = _frame(values, meta, m, problems, where)
    mapping = [(m.headers.get(layout.kpi_col, ""), "kpi")]
    mapping += [(m.headers.get(j, month), f"value {month}") for j, month in sorted(layout.values.items())]
    mapping += [(m.headers.get(j, month), f"target {month}") for j, month in sorted(layout.targets.items())]
    if layout.target_col is not None:
        mapping.append((m.headers.get(layout.target_col, ""), "target (every month)"))
    span = f"{months[0]} to {months[-1]}" if months else "no months"
    problems.add(Problem(f"monthly KPI sheet: {used} KPI(s) typed for {len(months)} month(s) ({span}); typed "
                         "values are used as given and win over values computed from records",
                         severity=Severity.INFO, **where))
    source = Source(file=m.sheet.file, sheet=m.sheet.sheet, table="kpi_sheet", header_row=m.header_row + 1,
                    rows_read=read, rows_used=used, mapping=tuple(mapping), ignored=tuple(m.ignored),
                    kind="kpi sheet", recognised_by=m.recognised_by, excel_errors=errors, detail=m.sheet.detail)
    return frame, source


def _unit_scale(text: str) -> tuple[str, float] | None:
    words = normalize_header(text.replace("%", " pct ")).split()
    for w in words:
        if w in _PERCENT_UNITS:
            return "percent", 0.01
        if w in _UNIT_SECONDS:
            return "duration", _UNIT_SECONDS[w]
    return None


def _units(values: np.ndarray, cells: list[object], meta: list[tuple[int, int, str, str, str]], units: dict[int, str],
           catalog: Catalog, problems: ProblemLog, where: dict,
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
        typed = [p for p in positions if not np.isnan(values[p]) and not (isinstance(cells[p], str) and "%" in cells[p])
                 and isinstance(cells[p], int | float | str) and not isinstance(cells[p], bool)
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


# A rate (a share of something: churn, retention, conversion) lies in 0-100 %; any other percentage
# (growth, margin, attainment, ROI) within -100 % and +1,000 %. Outside: flagged, still used.
RATE_RANGE, PERCENT_RANGE = (0.0, 1.0), (-1.0, 10.0)


def _is_rate(kid: str) -> bool:
    return kid.endswith("_rate") and "growth" not in kid


def _plausible(values: np.ndarray, cells: list[object], meta: list[tuple[int, int, str, str, str]],
               catalog: Catalog, problems: ProblemLog, where: dict) -> None:
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


def _frame(values: np.ndarray, meta: list[tuple[int, int, str, str, str]], m: MappedSheet,
           problems: ProblemLog, where: dict) -> pd.DataFrame:
    if not meta:
        return empty_kpi_sheet()
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for pos, (r, j, kind, month, kid) in enumerate(meta):
        v = values[pos]
        rec = rows.setdefault((kid, month), {"kpi": kid, "period": month, "value": np.nan, "target": np.nan,
                                             "file": m.sheet.file, "sheet": m.sheet.sheet, "cell": ""})
        if np.isnan(v):
            continue
        if not np.isnan(rec[kind]) and rec[kind] != v:  # type: ignore[arg-type]
            problems.add(Problem(f"{kid} for {month} is typed twice on this sheet ({rec[kind]:g} and {v:g}); the "
                                 f"later row, {cell_ref(r, j)}, is used", cell=cell_ref(r, j), **where))
        rec[kind] = float(v)
        if kind == "value" or not rec["cell"]:
            rec["cell"] = cell_ref(r, j)
    out = pd.DataFrame(list(rows.values()), columns=list(KPI_SHEET_COLUMNS))
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
