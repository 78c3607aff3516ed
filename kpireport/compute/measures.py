"""Base measures per period: the sums, counts and stocks every KPI is arithmetic over.

Quarter and year values are computed from their own rows here, never from months, so a
distinct count or a stock is right at every grain. The same row preparation serves three
callers: one value per report period (`compute_measure`), one value per arbitrary date span
(`compute_spans`: year-to-date, trailing windows) and one value per dimension member
(`compute_measure(..., by=...)` for breakdowns).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ..catalog.model import Condition, Measure
from ..periods import days_in, parse_period
from .evaluate import evaluate

# Dimensions whose cells may hold several members ("#sale #summer"): a row counts for each.
MULTI_VALUED = frozenset({"hashtag"})
_SPLIT = re.compile(r"[\s,;]+")
_RANK = {"M": 0, "Q": 1, "Y": 2}
BLANK = "(blank)"

Span = tuple[pd.Timestamp, pd.Timestamp]
# sums, counts, means and distinct counts per period with numpy (else pandas groupby; tests compare the two)
NUMPY_BY_MEMBER = True


def _text(s: pd.Series) -> pd.Series:
    """Trimmed lower-case text; on a categorical column only its categories are transformed."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories.astype("string").str.strip().str.lower().to_numpy(dtype=object)
        return pd.Series(np.append(cats, None)[s.cat.codes.to_numpy()], index=s.index, dtype=object)
    return s.astype("string").str.strip().str.lower()


def _text_isin(col: pd.Series, wanted: list[str]) -> pd.Series:
    """Whether each cell, trimmed and lower-cased, is one of `wanted` (decided per category)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories.astype("string").str.strip().str.lower()
        hit = np.append(cats.isin(wanted), False)
        return pd.Series(hit[col.cat.codes.to_numpy()], index=col.index)
    return _text(col).isin(wanted).fillna(False).astype(bool)


def prepare_table(df: pd.DataFrame, counted: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The table as compute wants it: text columns as categoricals.

    Filtering and grouping a million-row text column stored as strings costs seconds per
    measure (every mask copies the strings); as a categorical it copies small integer codes.
    Done once per run, before any measure. `counted` names the columns distinct counts read
    (customer_id): hashed here once, even when nearly every value is its own, instead of once
    per distinct count (a dozen times a run with breakdowns and year to date).
    """
    out = {}
    for name, col in df.items():
        text = pd.api.types.is_string_dtype(col.dtype) or col.dtype == object
        if text and (name in counted or not _mostly_distinct(col)):
            out[name] = col.astype("category")
        else:
            out[name] = col
    return pd.DataFrame(out, index=df.index)


def _mostly_distinct(col: pd.Series, sample: int = 20_000) -> bool:
    """IDs (every value its own): as categories they would only cost a hash of every row."""
    if len(col) <= sample:
        return False
    head = col.iloc[:sample]
    return head.nunique(dropna=True) > 0.5 * max(1, int(head.notna().sum()))


def condition_mask(df: pd.DataFrame, cond: Condition) -> pd.Series:
    if cond.column not in df.columns and cond.optional:
        return pd.Series(True, index=df.index)
    col = df[cond.column]
    op, value = cond.op, cond.value
    if op == "isnull":
        return col.isna()
    if op == "notnull":
        return col.notna()
    if op == "is":
        as_bool = col.astype("boolean").fillna(False)
        return as_bool if value else ~as_bool
    if op in ("in", "not_in") or (op in ("eq", "ne") and isinstance(value, str)):
        wanted = list(value) if op in ("in", "not_in") else [value]  # type: ignore[arg-type]
        hit = _text_isin(col, wanted)
        return hit if op in ("in", "eq") else ~hit
    if op in ("eq", "ne"):
        hit = col == value
        hit = hit.fillna(False).astype(bool)
        return hit if op == "eq" else ~hit
    if op in ("le_column", "gt_column"):
        other = df[str(value)]
        res = col <= other if op == "le_column" else col > other
        return res.fillna(False).astype(bool) & col.notna() & other.notna()
    num = pd.to_numeric(col, errors="coerce")
    res = {"gt": num > value, "ge": num >= value, "lt": num < value, "le": num <= value}[op]
    return res.fillna(False).astype(bool)


def _filtered(df: pd.DataFrame, m: Measure, by: str | None = None, span: Span | None = None) -> pd.DataFrame:
    """The rows the measure counts, with only the columns it reads (copying fewer columns).

    With `span`, rows dated (by a real date column) outside it are left out first: a breakdown
    for two months of a three-year table then groups a few percent of the rows.
    """
    wanted = m.columns() | m.optional_columns() | {by}
    df = df[[c for c in df.columns if c in wanted]]
    mask = _row_mask(df, m, span)
    return df if mask is None else df[mask]


def _row_mask(df: pd.DataFrame, m: Measure, span: Span | None = None) -> np.ndarray | None:
    """Which rows pass the measure's conditions (and fall in `span`); None when all do."""
    dated = span is not None and m.date in df.columns and pd.api.types.is_datetime64_any_dtype(df[m.date].dtype)
    if not m.where and not dated:
        return None
    mask = np.ones(len(df), dtype=bool)
    if dated:
        dates = df[m.date].to_numpy()
        mask &= (dates >= np.datetime64(span[0])) & (dates <= np.datetime64(span[1]))  # type: ignore[index]
    for c in m.where:
        mask &= condition_mask(df, c).to_numpy(dtype=bool)
    return mask


def _values(df: pd.DataFrame, m: Measure, **env: object) -> pd.Series:
    if m.expr is None:
        return pd.Series(1.0, index=df.index)
    if m.column is not None:
        return pd.to_numeric(df[m.column], errors="coerce") if m.agg != "nunique" else df[m.column]

    def lookup(name: str):
        return env[name] if name in env else df[name]

    out = evaluate(m.expr, lookup)
    if not isinstance(out, pd.Series):
        out = pd.Series(out, index=df.index)
    return out


def _period_of_text(col: pd.Series, fiscal_year_start: int) -> pd.Series:
    """Period text ("2026-03", "2026-Q1", "2026") as Periods; dates and junk fall back to NaT."""
    cache: dict[str, object] = {}
    out = []
    for v in col.astype("string").fillna(""):
        if v not in cache:
            try:
                cache[v] = parse_period(v, fiscal_year_start) if v else None
            except Exception:
                ts = pd.to_datetime(v, errors="coerce")
                cache[v] = None if pd.isna(ts) else pd.Period(ts, freq="D")
        out.append(cache[v])
    return pd.Series(out, index=col.index, dtype=object)


def as_dates(col: pd.Series, fiscal_year_start: int = 1) -> pd.Series:
    """A date column as datetimes; a period column (staff, market) as each period's first day."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    periods = _period_of_text(col, fiscal_year_start)
    return pd.Series([p.start_time if p is not None else pd.NaT for p in periods], index=col.index,
                     dtype="datetime64[ns]")


def _member_names(col: pd.Series) -> np.ndarray:
    """A categorical column's member name per code, trimmed, blanks as BLANK; the last entry is
    for code -1 (an empty cell)."""
    names = col.cat.categories.astype("string").str.strip().to_numpy(dtype=object)
    return np.append(np.where(names == "", BLANK, names), BLANK).astype(str)


def _members(df: pd.DataFrame, by: str | None) -> pd.Series:
    if not by or by not in df.columns:  # one member, "": as codes, cheap to filter on a million rows
        return pd.Series(pd.Categorical.from_codes(np.zeros(len(df), dtype=np.int8), categories=[""]), index=df.index)
    col = df[by]
    if isinstance(col.dtype, pd.CategoricalDtype):
        # Trimming may merge categories ("North " and "North"): recode through the unique names.
        uniq, recode = np.unique(_member_names(col), return_inverse=True)
        codes = recode[col.cat.codes.to_numpy()]
        return pd.Series(pd.Categorical.from_codes(codes, categories=uniq), index=df.index)
    return col.astype("string").str.strip().replace("", pd.NA).fillna(BLANK)


def _listed_members(df: pd.DataFrame, m: Measure, by: str) -> np.ndarray | None:
    """The members with rows the measure counts in any period, sorted, from the codes alone.

    A breakdown shows two periods but lists every member the data has (0 where it had none);
    finding them from the whole table's codes spares copying all its rows. None where the
    dimension is not a plain categorical on a date column (split hashtags, period-dated rows).
    """
    col = df[by] if by in df.columns else None
    if (col is None or by in MULTI_VALUED or not isinstance(col.dtype, pd.CategoricalDtype)
            or not pd.api.types.is_datetime64_any_dtype(df[m.date].dtype)):
        return None
    mask = _row_mask(df, m)
    keep = df[m.date].notna().to_numpy()
    if m.agg != "count" and m.column is not None:
        keep = keep & _values(df, m).notna().to_numpy()
    keep = keep if mask is None else keep & mask
    names = _member_names(col)
    seen = np.bincount(col.cat.codes.to_numpy()[keep] + 1, minlength=len(names))
    return np.unique(names[np.roll(seen, -1) > 0])


def _work(df: pd.DataFrame, m: Measure, freq: str, fiscal_year_start: int, by: str | None,
          span: Span | None = None) -> pd.DataFrame:
    """Flow rows as (_date, _val, _member), ready to be grouped by period or filtered by span.

    Rows dated by a period column (market size, staff hours) that cover more than one report
    period are split over the report periods inside them in proportion to days, for sums; a
    row of finer or equal grain falls in the period holding its first day.
    """
    df = _filtered(df, m, by, span)
    vals = _values(df, m)
    members = _members(df, by)
    col = df[m.date]
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        work = pd.DataFrame({"_date": col, "_val": vals, "_member": members})
    else:
        periods = _period_of_text(col, fiscal_year_start)
        rows = []
        for p, v, mem in zip(periods, vals, members, strict=True):
            if p is None:
                continue
            if m.agg == "sum" and _RANK.get(p.freqstr[0], -1) > _RANK[freq[0]]:
                inside = pd.period_range(p.start_time, p.end_time, freq=freq)
                total = days_in(p)
                rows.extend((q.start_time, v * days_in(q) / total, mem) for q in inside)
            else:
                rows.append((p.start_time, v, mem))
        work = pd.DataFrame(rows, columns=["_date", "_val", "_member"])
        work["_date"] = pd.to_datetime(work["_date"])
    keep = work["_date"].notna().to_numpy()
    if m.agg != "count":
        keep = keep & work["_val"].notna().to_numpy()
    work = work if keep.all() else work[keep]  # one copy of the rows, not one per test
    if by in MULTI_VALUED:
        split = work["_member"].astype(object).map(lambda s: [t for t in _SPLIT.split(str(s)) if t] or [BLANK])
        work = work.assign(_member=split)
        work = work.explode("_member")
    return work


def _reduce(work: pd.DataFrame, m: Measure, keys: list[str]) -> pd.Series:
    """One number per key group (period, member)."""
    if work.empty:
        return pd.Series(dtype="float64")
    grouped = work.groupby(keys, observed=True, sort=False)
    if m.agg == "count":
        return grouped.size().astype("float64")
    if m.agg == "nunique":
        seen = work.groupby([*keys, "_val"], observed=True, sort=False).size()
        seen = seen[seen >= m.min_count]
        if seen.empty:
            return pd.Series(dtype="float64")
        return seen.groupby(level=list(range(len(keys)))).size().astype("float64")
    return grouped["_val"].agg(m.agg).astype("float64")


def _fill(table: pd.DataFrame, m: Measure) -> pd.DataFrame:
    """Periods without rows are 0 for sums and counts; min, max and mean have no value there."""
    return table.fillna(0.0) if m.agg in ("sum", "count", "nunique") else table


def compute_measure(df: pd.DataFrame, m: Measure, periods: list[pd.Period], by: str | None = None,
                    fiscal_year_start: int = 1) -> pd.DataFrame:
    """One measure for each period (rows) and, with `by`, each dimension member (columns).

    Without `by` the single column is named "". Periods with no rows get 0 for sums and
    counts and NaN for min, max and mean.
    """
    index = pd.PeriodIndex(periods)
    if m.agg in ("stock", "last"):
        return _stock(df, m, periods, by, fiscal_year_start)
    freq = index.freqstr
    if m.window is not None:
        spans = [window_span(p, m.window) for p in periods]
        work = _work(df, m, freq, fiscal_year_start, by, _cover(spans))
        return compute_spans(df, m, spans, periods, by, fiscal_year_start, work=work).set_axis(index, axis=0)
    cover = _cover([(p.start_time, p.end_time) for p in periods])
    # with `by`, every member with rows in any period is listed (0 where it had none)
    listed = _listed_members(df, m, by) if by else None
    work = _work(df, m, freq, fiscal_year_start, by, None if by and listed is None else cover)
    numpy_path = NUMPY_BY_MEMBER and m.agg in ("sum", "count", "mean", "nunique") and \
        index.is_monotonic_increasing and index.is_unique
    if not by:
        if numpy_path and m.agg in ("count", "nunique"):  # (sums: pandas' grouped sum is faster than fsum per period)
            table = _by_member(work, m, index, np.array([""], dtype=object), single=True)
            table.columns.name = None
            return table
        work = work.assign(_period=work["_date"].dt.to_period(freq))
        red = _reduce(work, m, ["_period"])
        if not red.empty:
            red.index = pd.PeriodIndex(red.index, freq=freq)
        table = pd.DataFrame({"": red.reindex(index) if not red.empty else pd.Series(np.nan, index=index)})
        table.index.name = "period"
        return _fill(table.astype("float64"), m)
    col = work["_member"]
    if listed is not None:
        members = listed.astype(object)
    elif isinstance(col.dtype, pd.CategoricalDtype):  # the members seen, from the codes (no strings built)
        seen = np.unique(col.cat.codes.to_numpy())
        members = col.cat.categories.to_numpy(dtype=object)[seen[seen >= 0]]
    else:
        members = pd.unique(col.to_numpy())
    if numpy_path:
        return _by_member(work, m, index, members)
    start, end = cover  # type: ignore[misc]
    dates = work["_date"].to_numpy()
    work = work[(dates >= np.datetime64(start)) & (dates <= np.datetime64(end))]  # group only the rows that count
    work = work.assign(_period=work["_date"].dt.to_period(freq))
    red = _reduce(work, m, ["_period", "_member"])
    if red.empty:
        table = pd.DataFrame(np.nan, index=index, columns=pd.Index(members), dtype="float64")
    else:
        table = red.unstack("_member")
        table.index = pd.PeriodIndex(table.index, freq=freq)
        table = table.reindex(index=index, columns=pd.Index(members))
    table.index.name, table.columns.name = "period", "member"
    return _fill(table.astype("float64"), m)


def _by_member(work: pd.DataFrame, m: Measure, index: pd.PeriodIndex, members: np.ndarray,
               single: bool = False) -> pd.DataFrame:
    """Sums, counts, means and distinct counts per (period, member) with numpy: each row's period
    found by a binary search over the period starts, then one bincount over period x member.
    `single`: no dimension, every row is the one member."""
    starts = index.start_time.to_numpy(dtype="datetime64[ns]")
    ends = index.end_time.to_numpy(dtype="datetime64[ns]")
    dates = work["_date"].to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(starts, dates, side="right") - 1
    inside = (pos >= 0) & (dates <= ends[np.clip(pos, 0, len(ends) - 1)])
    col = work["_member"]
    if single:
        codes = np.zeros(len(work), dtype=np.intp)
    elif isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories.to_numpy(dtype=object)
        lookup = {name: k for k, name in enumerate(members)}
        remap = np.array([lookup.get(c, -1) for c in cats] + [-1], dtype=np.intp)
        codes = remap[col.cat.codes.to_numpy()]
    else:
        codes = pd.Index(members).get_indexer(col.to_numpy())
    rows = np.flatnonzero(inside & (codes >= 0))
    k, n_p = len(members), len(index)
    cell = pos[rows] * k + codes[rows]
    count = np.bincount(cell, minlength=n_p * k).reshape(n_p, k).astype("float64")
    if m.agg == "count":
        values = count
    elif m.agg == "nunique":
        values = _distinct_per_cell(work["_val"], rows, cell, n_p * k, m.min_count).reshape(n_p, k)
    else:
        vals = work["_val"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        # correctly rounded per cell (math.fsum): 147141.16, not the 147141.1600000001 a plain running sum gives
        small = cell.astype(np.uint16) if n_p * k <= np.iinfo(np.uint16).max else cell  # radix sort
        order = np.argsort(small, kind="stable")
        bounds = np.searchsorted(cell[order], np.arange(n_p * k + 1))
        ordered = vals[order]
        total = np.array([math.fsum(ordered[bounds[c]:bounds[c + 1]]) for c in range(n_p * k)]).reshape(n_p, k)
        values = total if m.agg == "sum" else total / np.where(count > 0, count, 1)
    values = np.where(count > 0, values, np.nan)  # no rows: no value (_fill makes sums and counts 0)
    table = pd.DataFrame(values, index=index, columns=pd.Index(members))
    table.index.name, table.columns.name = "period", "member"
    return _fill(table.astype("float64"), m)


def _value_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Each value's code (-1 where empty) and how many codes there are: a categorical's own codes,
    else codes of the values as they occur."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), len(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


def _distinct_per_cell(values: pd.Series, rows: np.ndarray, cell: np.ndarray, cells: int, min_count: int) -> np.ndarray:
    """How many distinct values occur at least `min_count` times in each cell (rows already chosen)."""
    codes, n_values = _value_codes(values.iloc[rows])
    known = codes >= 0
    pair = cell[known].astype(np.int64) * max(n_values, 1) + codes[known]
    pairs, times = np.unique(pair, return_counts=True)
    return np.bincount(pairs[times >= min_count] // max(n_values, 1), minlength=cells).astype("float64")


def _cover(spans: list[Span]) -> Span | None:
    """The one span holding all of them (rows outside it count for none)."""
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def window_span(p: pd.Period, months: int) -> Span:
    """The trailing `months` months ending with period p (never shorter than p itself)."""
    start = (p.end_time.to_period("M") - (months - 1)).start_time
    return min(start, p.start_time), p.end_time


def compute_spans(df: pd.DataFrame, m: Measure, spans: list[Span], periods: list[pd.Period], by: str | None = None,
                  fiscal_year_start: int = 1, work: pd.DataFrame | None = None) -> pd.DataFrame:
    """A flow measure over arbitrary date spans (year to date, trailing windows), recomputed from rows.

    One row per span; `periods` gives the report grain for splitting period-dated rows.
    """
    if not m.is_flow:
        raise ValueError(f"measure {m.id!r} is not a flow; spans apply to flows only")
    if work is None:
        work = _work(df, m, pd.PeriodIndex(periods).freqstr, fiscal_year_start, by, _cover(spans))
    if not by:
        return pd.DataFrame({"": _spans_total(work, m, spans)})
    dates = work["_date"]
    out = []
    for i, (start, end) in enumerate(spans):
        part = work[((dates >= start) & (dates <= end)).to_numpy()]
        red = _reduce(part.assign(_span=i), m, ["_span", "_member"])
        out.append(red.droplevel(0) if not red.empty else pd.Series(dtype="float64"))
    table = pd.DataFrame(out).reset_index(drop=True)
    table.columns.name = "member"
    return _fill(table.astype("float64"), m)


def _spans_total(work: pd.DataFrame, m: Measure, spans: list[Span]) -> np.ndarray:
    """One number per span without grouping: running sums for sums and counts, a pass per span otherwise."""
    dates = work["_date"].to_numpy().astype("datetime64[ns]")
    starts = np.array([np.datetime64(s, "ns") for s, _ in spans], dtype="datetime64[ns]")
    ends = np.array([np.datetime64(e, "ns") for _, e in spans], dtype="datetime64[ns]")
    if m.agg in ("sum", "count") and len(dates) and _whole_days(spans):
        # spans of whole days (periods, year to date, trailing windows): running totals per day
        vals = None if m.agg == "count" else work["_val"].to_numpy(dtype="float64")
        day = dates.astype("datetime64[D]")
        first = day.min()
        per_day = np.bincount((day - first).astype(np.int64), weights=vals)
        running = np.concatenate([[0.0], np.cumsum(per_day)])
        lo = np.clip((starts.astype("datetime64[D]") - first).astype(np.int64), 0, len(per_day))
        hi = np.clip((ends.astype("datetime64[D]") - first).astype(np.int64) + 1, 0, len(per_day))
        return np.where(hi > lo, running[hi] - running[np.minimum(lo, hi)], 0.0)
    if m.agg in ("sum", "count"):
        order = np.argsort(dates, kind="stable")
        vals = np.ones(len(work)) if m.agg == "count" else work["_val"].to_numpy(dtype="float64")
        running = np.concatenate([[0.0], np.cumsum(vals[order])])
        lo = np.searchsorted(dates[order], starts, side="left")
        hi = np.searchsorted(dates[order], ends, side="right")
        return running[hi] - running[lo]
    out = np.full(len(spans), np.nan)
    if m.agg == "nunique":  # distinct values per span: rows sorted by date once, then a bincount per slice
        codes, n_values = _value_codes(work["_val"])
        known = codes >= 0
        order = np.argsort(dates[known], kind="stable")
        dates, codes = dates[known][order], codes[known][order]
        lo = np.searchsorted(dates, starts, side="left")
        hi = np.searchsorted(dates, ends, side="right")
        for i in range(len(spans)):
            out[i] = float((np.bincount(codes[lo[i]:hi[i]], minlength=n_values) >= m.min_count).sum())
        return out
    for i in range(len(spans)):
        part = work["_val"][(dates >= starts[i]) & (dates <= ends[i])]
        if len(part):
            out[i] = float(pd.to_numeric(part).agg(m.agg))
    return out


def _stock_by_events(m: Measure, periods: list[pd.Period], by: str | None, start: pd.Series,
                     end: pd.Series | None, members: pd.Series) -> pd.DataFrame:
    """A stock count, for every period in one pass.

    A row counts at instant t while it has started and not yet ended (the same tests as the
    period loop in `_stock`). Each row therefore enters at one period and leaves at a later
    one (or never): +1 at the first, -1 at the second, a running sum over the periods.
    """
    n_p = len(periods)
    if m.as_of == "start":
        times = np.array([np.datetime64(p.start_time, "ns") for p in periods])
        side = "right"  # counted at t when start < t (and end >= t): enters at the first t > start
    else:
        times = np.array([np.datetime64(p.end_time, "ns") for p in periods])
        side = "left"   # counted at t when start <= t (and end > t): enters at the first t >= start
    s = start.to_numpy(dtype="datetime64[ns]")
    enter = np.where(np.isnat(s), n_p, np.searchsorted(times, s, side=side))
    leave = np.full(len(s), n_p)
    if end is not None:
        e = end.to_numpy(dtype="datetime64[ns]")
        # gone at t when end < t (as of start) or end <= t (as of end): leaves at the first such t
        gone = np.searchsorted(times, e, side="right" if m.as_of == "start" else "left")
        leave = np.where(np.isnat(e), n_p, np.maximum(gone, 0))
    codes, labels = pd.factorize(members, sort=False) if by else (np.zeros(len(s), dtype=np.intp), pd.Index([""]))
    if not len(labels):  # no rows at all: no member, nothing counted
        out = pd.DataFrame(index=pd.PeriodIndex(periods), columns=pd.Index([] if by else [""]), dtype="float64")
        out.index.name, out.columns.name = "period", "member" if by else None
        return out.fillna(0.0)
    k = len(labels)
    rows = np.flatnonzero((enter < leave) & (codes >= 0))
    cells = (n_p + 1) * k
    grid = np.bincount(enter[rows] * k + codes[rows], minlength=cells) - \
        np.bincount(leave[rows] * k + codes[rows], minlength=cells)
    table = np.cumsum(grid.reshape(n_p + 1, k), axis=0)[:n_p].astype("float64")
    present = (table > 0).any(axis=0)  # members with a counted row in some period
    out = pd.DataFrame(table, index=pd.PeriodIndex(periods), columns=pd.Index(list(labels)))
    if by:
        out = out.loc[:, present]
    out.index.name, out.columns.name = "period", "member" if by else None
    return out.astype("float64")


def _whole_days(spans: list[Span]) -> bool:
    """Spans from a midnight to the last instant of a day (Period.end_time: 23:59:59.999999 in
    pandas 3, .999999999 before)."""
    tick = pd.Timedelta(1, "us")
    return all(s == s.normalize() and e != e.normalize() and e.normalize() + pd.Timedelta(days=1) - e <= tick
               for s, e in spans)


def _stock(df: pd.DataFrame, m: Measure, periods: list[pd.Period], by: str | None,
           fiscal_year_start: int, events: bool = True) -> pd.DataFrame:
    df = _filtered(df, m, by)
    start = as_dates(df[m.date], fiscal_year_start)
    end = as_dates(df[m.end], fiscal_year_start) if m.end else None
    members = _members(df, by)
    index = pd.PeriodIndex(periods)
    ascending = index.is_monotonic_increasing and index.is_unique
    if events and m.agg == "stock" and ascending and m.expr is None:  # counts: whole numbers, exact in one pass
        return _stock_by_events(m, periods, by, start, end, members)
    group_col = m.by if m.by and m.by in df.columns else None
    rows: dict[pd.Period, pd.Series] = {}
    for p in periods:
        if m.as_of == "start":
            t = p.start_time
            active = start < t
            if end is not None:
                active &= end.isna() | (end >= t)
        else:
            t = p.end_time
            active = start <= t
            if end is not None:
                active &= end.isna() | (end > t)
        active = active.fillna(False).to_numpy(dtype=bool)
        sub = df[active]
        # Row expressions see the instant as a calendar day (an open deal created on Jan 10 is
        # 21 days old on Jan 31), so ages in days come out whole.
        day = t.normalize()
        env = {"period_end": day, "period_start": day} if m.as_of == "start" else {
            "period_end": day, "period_start": p.start_time}
        if m.agg == "last":
            keys = [members[active].rename("_member")]
            if group_col:
                keys.append(sub[group_col].astype("string").fillna(BLANK).rename("_group"))
            ordered = pd.DataFrame({"_v": _values(sub, m, **env), "_d": start[active]}).sort_values("_d", kind="stable")
            ordered = ordered[ordered["_v"].notna()]
            last = ordered["_v"].groupby([k.reindex(ordered.index) for k in keys], observed=True).last()
            rows[p] = last.groupby(level=0).sum() if group_col else last
        else:
            vals = _values(sub, m, **env)
            if m.expr is None:
                rows[p] = vals.groupby(members[active]).size().astype("float64")
            else:
                rows[p] = vals.groupby(members[active]).sum()
    table = pd.DataFrame(rows).T.reindex(index)
    table.index.name, table.columns.name = "period", "member" if by else None
    if not by:
        table = table.reindex(columns=[""])
    return table.fillna(0.0).astype("float64")

