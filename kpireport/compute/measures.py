"""Base measures per period: the sums, counts and stocks every KPI is arithmetic over.

Quarter and year values are computed from their own rows here, never from months, so a
distinct count or a stock is right at every grain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalog.model import Condition, Measure
from .evaluate import evaluate


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower()


def condition_mask(df: pd.DataFrame, cond: Condition) -> pd.Series:
    col = df[cond.column]
    op, value = cond.op, cond.value
    if op == "isnull":
        return col.isna()
    if op == "notnull":
        return col.notna()
    if op == "is":
        as_bool = col.astype("boolean").fillna(False)
        return as_bool if value else ~as_bool
    if op in ("in", "not_in"):
        hit = _text(col).isin(list(value)).fillna(False).astype(bool)  # type: ignore[arg-type]
        return hit if op == "in" else ~hit
    if op in ("eq", "ne"):
        hit = (_text(col) == value) if isinstance(value, str) else (col == value)
        hit = hit.fillna(False).astype(bool)
        return hit if op == "eq" else ~hit
    if op in ("le_column", "gt_column"):
        other = df[str(value)]
        res = col <= other if op == "le_column" else col > other
        return res.fillna(False).astype(bool) & col.notna() & other.notna()
    num = pd.to_numeric(col, errors="coerce")
    res = {"gt": num > value, "ge": num >= value, "lt": num < value, "le": num <= value}[op]
    return res.fillna(False).astype(bool)


def _filtered(df: pd.DataFrame, m: Measure) -> pd.DataFrame:
    if not m.where:
        return df
    mask = np.ones(len(df), dtype=bool)
    for c in m.where:
        mask &= condition_mask(df, c).to_numpy(dtype=bool)
    return df[mask]


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


def _reduce(values: pd.Series, agg: str, keys: list[pd.Series]) -> pd.Series:
    if agg == "count":
        return values.groupby(keys, observed=True).size().astype("float64")
    if agg == "nunique":
        return values.groupby(keys, observed=True).nunique().astype("float64")
    return values.groupby(keys, observed=True).agg(agg).astype("float64")


def compute_measure(df: pd.DataFrame, m: Measure, periods: list[pd.Period], by: str | None = None) -> pd.DataFrame:
    """One measure for each period (rows) and, with `by`, each dimension member (columns).

    Without `by` the single column is named "". Periods with no rows get 0 for sums and
    counts and NaN for min, max and mean.
    """
    df = _filtered(df, m)
    if m.agg in ("stock", "last"):
        return _stock(df, m, periods, by)
    index = pd.PeriodIndex(periods)
    freq = index.freq
    dates = df[m.date]
    in_range = dates.notna()
    df = df[in_range.to_numpy()]
    period_of = df[m.date].dt.to_period(freq)
    vals = _values(df, m)
    if m.agg != "count":
        keep = vals.notna().to_numpy()
        vals, period_of, df = vals[keep], period_of[keep], df[keep]
    keys = [period_of.rename("period")]
    if by:
        keys.append(df[by].astype("string").fillna("(blank)").rename("member"))
    red = _reduce(vals, m.agg, keys)
    table = red.unstack("member") if by else red.to_frame("")
    table = table.reindex(index)
    if m.agg in ("sum", "count", "nunique"):
        table = table.fillna(0.0)
    return table


def _stock(df: pd.DataFrame, m: Measure, periods: list[pd.Period], by: str | None) -> pd.DataFrame:
    rows: dict[pd.Period, pd.Series] = {}
    start = df[m.date]
    end = df[m.end] if m.end else None
    members = df[by].astype("string").fillna("(blank)") if by else pd.Series("", index=df.index)
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
        env = {"period_end": t, "period_start": t} if m.as_of == "start" else {"period_end": t, "period_start": p.start_time}
        if m.agg == "last":
            group = [members[active]] + ([sub[m.by]] if m.by else [])
            ordered = sub.assign(_v=_values(sub, m, **env)).sort_values(m.date, kind="stable")
            last = ordered["_v"].groupby([g.reindex(ordered.index) for g in group], observed=True).last()
            rows[p] = last.groupby(level=0).sum() if m.by else last
        else:
            vals = _values(sub, m, **env)
            if m.expr is None:
                rows[p] = vals.groupby(members[active]).size().astype("float64")
            else:
                rows[p] = vals.groupby(members[active]).agg("sum" if m.column or m.agg == "stock" else m.agg)
    table = pd.DataFrame(rows).T.reindex(pd.PeriodIndex(periods))
    if not by:
        table = table.reindex(columns=[""])
    return table.fillna(0.0).astype("float64")
