"""Dates far outside the rest of their column: a typo (2031 for 2021, 1900-01-01 for a blank)
that would otherwise move the report's default period or open hundreds of empty periods.

The rule, on the distinct months of one event table's date column (all its sheets together):
sort them; a gap is more than GAP_MONTHS months with no row at all between two months that
have rows. The months before the first gap (or after the last one) are stray when they hold
at most max(STRAY_ROWS, STRAY_SHARE of the rows): a few rows cut off from the rest, never a
real stretch of history. The widest such cut at each end is taken. A business with a season
or a pause keeps its rows: a pause of up to a half year is not a gap, and a stretch with more
rows than the limit is history, whatever the gap.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset import Source, placing_date
from ..mapping.normalize import cell_ref
from ..problems import Problem, ProblemLog, Severity

GAP_MONTHS = 6
STRAY_ROWS = 2
STRAY_SHARE = 0.01


def stray_mask(dates: pd.Series) -> np.ndarray:
    """True for the rows whose date is far outside the rest of the column (see the module doc)."""
    valid = dates.notna().to_numpy()
    out = np.zeros(len(dates), dtype=bool)
    if valid.sum() < 3:
        return out
    months = dates.to_numpy()[valid].astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    low = int(months.min())
    per_month = np.bincount(months - low)  # a few thousand bins at most (pandas dates span 1677-2262)
    distinct = np.flatnonzero(per_month)
    counts = per_month[distinct]
    distinct = distinct + low
    if len(distinct) < 2:
        return out
    limit = max(STRAY_ROWS, STRAY_SHARE * len(months))
    gaps = np.flatnonzero(np.diff(distinct) > GAP_MONTHS + 1)  # gap after distinct[i]
    cum = np.cumsum(counts)
    total = int(cum[-1])
    lo, hi = None, None
    for i in gaps:  # widest cut at the start: the last gap whose left side is small enough
        if cum[i] <= limit:
            lo = distinct[i]
    for i in gaps[::-1]:  # widest cut at the end
        if total - cum[i] <= limit:
            hi = distinct[i + 1]
    if lo is None and hi is None:
        return out
    bad = np.zeros(len(months), dtype=bool)
    if lo is not None:
        bad |= months <= lo
    if hi is not None:
        bad |= months >= hi
    out[np.flatnonzero(valid)[bad]] = True
    return out


def main_range(dates: pd.Series, stray: np.ndarray) -> str:
    """The months the rest of the column runs over, for the message: '2024-01 to 2026-10'."""
    kept = dates[~stray].dropna()
    if kept.empty:
        return ""
    return f"{kept.min():%Y-%m} to {kept.max():%Y-%m}"


def drop_stray_dates(table: str, got: list, sources: list[Source], problems: ProblemLog) -> list:
    """Leave out, cell by cell, the rows of an event table dated far outside the rest: they would
    move the default period or open empty periods by the hundred.

    `got` holds, per sheet of the table, (rows, index of its Source, 0-based sheet row of each
    row, the MappedSheet); the same comes back without the stray rows, the Sources' rows_used
    lowered to match."""
    col = placing_date(table)
    frames = [f for f, *_ in got]
    if col is None or not all(col in f.columns for f in frames):
        return got
    dates = pd.concat([f[col] for f in frames], ignore_index=True)
    if not pd.api.types.is_datetime64_any_dtype(dates):
        return got
    stray = stray_mask(dates)
    if not stray.any():
        return got
    rest = main_range(dates, stray)
    out, start = [], 0
    for df, i, kept, m in got:
        mine = stray[start:start + len(df)]
        start += len(df)
        if not mine.any():
            out.append((df, i, kept, m))
            continue
        j = m.columns.get(col)
        where = {"file": m.sheet.file, "sheet": m.sheet.sheet, "table": table}
        for pos in np.flatnonzero(mine):
            problems.add(Problem(f"date far outside the rest of the column's dates ({df[col].iloc[pos]:%Y-%m-%d}; "
                                 f"the others run {rest}); row left out. Correct the date if the row belongs",
                                 cell=cell_ref(int(kept[pos]), j) if j is not None else "",
                                 column=m.headers.get(j, col) if j is not None else col,
                                 severity=Severity.WARNING, **where))
        n = int(mine.sum())
        sources[i] = replace(sources[i], rows_used=sources[i].rows_used - n)
        out.append((df.loc[~mine].reset_index(drop=True), i, kept[~mine], m))
    return out
