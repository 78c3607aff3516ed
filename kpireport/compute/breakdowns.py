"""KPIs by dimension member (region, line of business, channel, sales rep, segment, hashtag).

Each member's KPI is recomputed from that member's own measures, so a region's churn rate
is its lost customers over its own starting customers, not a share of the total. A breakdown
is made wherever every table the KPI reads has the column; members are ranked best first in
the KPI's direction (a sales-rep breakdown is the leaderboard), and get their own target or
budget from the targets table (revenue by region against each region's target).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .evaluate import evaluate
from .report import Breakdown, Report
from .sql import MeasureEngine
from .status import status
from .targets import member_series
from .ytd import formula_calls


def compute_breakdowns(report: Report, dataset: Dataset, engine: MeasureEngine | None = None) -> list[Breakdown]:
    cat = report.catalog
    engine = engine if engine is not None else MeasureEngine.for_dataset(dataset)
    prev = report.previous()
    periods = [p for p in (prev, report.period) if p is not None]
    wanted: list[tuple[str, str, set[str]]] = []  # (kpi, dimension, measures): breakdowns the tables allow
    for k in report.computed:
        mids = cat.measures_of(k.id)
        for dim in k.breakdowns:
            if mids and all(engine.has(cat.measures[m].table, dim) for m in mids):
                wanted.append((k.id, dim, mids))
    grids: dict[str, dict[str, pd.DataFrame]] = {}  # per dimension, every measure at once
    for dim in dict.fromkeys(dim for _, dim, _ in wanted):
        needed = sorted({m for _, d, mids in wanted if d == dim for m in mids})
        grids[dim] = engine.per_period([cat.measures[m] for m in needed], periods, by=dim,
                                       fiscal_year_start=report.fiscal_year_start)
    out: list[Breakdown] = []
    for kid, dim, mids in wanted:
        frames = {mid: grids[dim][mid] for mid in mids}
        members = sorted(set().union(*(set(f.columns) for f in frames.values())))
        if not members:
            continue
        frame = _member_rows(report, kid, dim, members, frames, periods)
        b = trim(Breakdown(kid, dim, frame), cat.is_additive(kid))
        if not b.values.empty:  # trimmed to nothing: not one of its many members has a value
            out.append(b)
    return out


# A breakdown over more members than this (1,600 hashed customer IDs) keeps the KEEP best and
# the KEEP worst and folds the rest into one line: the list is for reading, not for storing.
MAX_MEMBERS = 50
KEEP = 10


def trim(b: Breakdown, additive: bool) -> Breakdown:
    """The top and bottom KEEP ranked members and a rest line (count, and sums for additive KPIs)."""
    frame = b.values
    if len(frame) <= MAX_MEMBERS:
        return b
    ranked = int(frame["value"].notna().sum())  # ranked members come first, unranked (no value) last
    keep = list(range(min(KEEP, ranked))) + list(range(max(KEEP, ranked - KEEP), ranked))
    rest = frame.drop(index=frame.index[keep])

    def total(col: str) -> float | None:
        return float(rest[col].sum()) if additive and rest[col].notna().any() else None

    return Breakdown(b.kpi, b.dimension, frame.iloc[keep], rest=len(rest), rest_value=total("value"),
                     rest_previous=total("previous"))


_FILLED = ("sum", "count", "nunique", "stock", "last")  # a member without rows has 0 of these
VECTOR = True  # every member of a breakdown in one evaluation (else one per member; tests compare the two)
_ELEMENTWISE = frozenset({"prev", "target", "budget", "period_days"})  # functions a frame evaluation supports


def _member_rows(report: Report, kid: str, dim: str, members: list[str], frames: dict[str, pd.DataFrame],
                 periods: list[pd.Period]) -> pd.DataFrame:
    cat = report.catalog
    k = cat.kpis[kid]
    additive = cat.is_additive(kid)
    total = report.value(kid)
    if VECTOR and formula_calls(cat, kid) <= _ELEMENTWISE:
        grid = {mid: _member_grid(f, members, cat.measures[mid].agg) for mid, f in frames.items()}
        values = kpi_frame(report, kid, grid, periods, dim, members)
        per_member = {member: values[member] for member in members}
    else:
        per_member = {}
        for member in members:
            series = {}
            for mid, f in frames.items():
                s = f[member] if member in f.columns else pd.Series(float("nan"), index=f.index)
                series[mid] = s.fillna(0.0) if cat.measures[mid].agg in _FILLED else s
            per_member[member] = kpi_series(report, kid, series, periods, dim, member)
    rows = []
    for member, val in per_member.items():
        v = val.iloc[-1]
        tgt = _member_target(report, kid, dim, member)
        value = None if pd.isna(v) else float(v)
        rows.append({
            "member": member,
            "value": value,
            "previous": None if len(val) < 2 or pd.isna(val.iloc[0]) else float(val.iloc[0]),
            "target": tgt,
            "attainment": value / tgt if tgt not in (None, 0) and value is not None else None,
            "status": status(value, tgt, k.direction, k.tolerance) if tgt is not None else None,
            "share": value / total if additive and value is not None and total not in (None, 0) else None,
        })
    frame = pd.DataFrame(rows).set_index("member")
    frame = frame.sort_values("value", ascending=k.direction == "lower", na_position="last", kind="stable")
    frame["rank"] = range(1, len(frame) + 1)
    frame.loc[frame["value"].isna(), "rank"] = None
    if not additive:
        frame = frame.drop(columns="share")
    return frame


def _member_grid(frame: pd.DataFrame, members: list[str], agg: str) -> pd.DataFrame:
    """A measure for every member of the breakdown (periods x members), 0 where a summed one had no rows."""
    grid = frame.reindex(columns=pd.Index(members, dtype=object)).astype("float64")
    return grid.fillna(0.0) if agg in _FILLED else grid


def kpi_frame(report: Report, kid: str, grid: dict[str, pd.DataFrame], periods: list[pd.Period], dim: str,
              members: list[str]) -> pd.DataFrame:
    """A KPI for every member at once (periods x members): the formula's arithmetic is elementwise,
    so one evaluation over frames gives what one evaluation per member gives, without the per-member
    cost that made breakdowns half of compute for a workbook of many tables."""
    cat = report.catalog
    index = pd.PeriodIndex(periods)
    columns = pd.Index(members, dtype=object)
    cache: dict[str, pd.DataFrame] = {}
    days = report.measures.loc["period_days"].reindex(index).to_numpy(dtype="float64")
    days_frame = pd.DataFrame(np.repeat(days[:, None], len(members), axis=1), index=index, columns=columns)

    def lookup(name: str) -> pd.DataFrame:
        if name in grid:
            return grid[name]
        if name not in cache:
            cache[name] = kpi_frame(report, name, grid, periods, dim, members)
        return cache[name]

    def per_member(table: pd.DataFrame, name: str) -> pd.DataFrame:
        return pd.DataFrame({m: member_series(table, cat, name, dim, m, periods) for m in members},
                            index=index, columns=columns)

    res = evaluate(cat.kpis[kid].formula, lookup, prev=lambda n: lookup(n).shift(1),
                   target=lambda n: per_member(report.member_targets, n), period_days=days_frame,
                   budget=lambda n: per_member(report.member_budgets, n))
    if not isinstance(res, pd.DataFrame):  # a constant formula
        res = pd.DataFrame(float(res), index=index, columns=columns)
    return res.astype("float64")


def kpi_series(report: Report, kid: str, measures: dict[str, pd.Series], periods: list[pd.Period],
               dim: str = "", member: str = "") -> pd.Series:
    """A KPI over `periods` from one member's measures; target()/budget() read that member's figures."""
    cat = report.catalog
    cache: dict[str, pd.Series] = {}
    index = pd.PeriodIndex(periods)
    days = report.measures.loc["period_days"].reindex(index)

    def lookup(name: str) -> pd.Series:
        if name in measures:
            return measures[name]
        if name not in cache:
            cache[name] = kpi_series(report, name, measures, periods, dim, member)
        return cache[name]

    def target(name: str) -> pd.Series:
        return member_series(report.member_targets, cat, name, dim, member, periods)

    def budget(name: str) -> pd.Series:
        return member_series(report.member_budgets, cat, name, dim, member, periods)

    res = evaluate(cat.kpis[kid].formula, lookup, prev=lambda n: lookup(n).shift(1), target=target,
                   period_days=days, budget=budget)
    return res if isinstance(res, pd.Series) else pd.Series(res, index=index)


def _member_target(report: Report, kid: str, dim: str, member: str) -> float | None:
    """The member's target, else its budget, else the KPI's default target (ratios like vs-target)."""
    for table in (report.member_targets, report.member_budgets):
        v = member_series(table, report.catalog, kid, dim, member, [report.period]).iloc[0]
        if not pd.isna(v):
            return float(v)
    return report.catalog.kpis[kid].default_target
