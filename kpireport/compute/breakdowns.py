"""KPIs by dimension member (region, line of business, channel, sales rep, segment).

Each member's KPI is recomputed from that member's own measures, so a region's churn rate
is its lost customers over its own starting customers, not a share of the total.
"""

from __future__ import annotations

import pandas as pd

from ..catalog.formula import names
from ..dataset import Dataset
from .evaluate import evaluate
from .measures import compute_measure
from .report import Breakdown, Report
from .status import status


def _measure_ids(report: Report, kid: str) -> set[str]:
    cat = report.catalog
    out: set[str] = set()
    for n in names(cat.kpis[kid].formula):
        if n in cat.measures:
            out.add(n)
        elif n in cat.kpis:
            out |= _measure_ids(report, n)
    return out


def compute_breakdowns(report: Report, dataset: Dataset) -> list[Breakdown]:
    cat = report.catalog
    prev = report.previous()
    periods = [p for p in (prev, report.period) if p is not None]
    cache: dict[tuple[str, str], pd.DataFrame] = {}
    out: list[Breakdown] = []
    for k in report.computed:
        for dim in k.breakdowns:
            mids = _measure_ids(report, k.id)
            if not mids or not all(dim in dataset.tables[cat.measures[m].table].columns for m in mids):
                continue
            frames = {}
            for mid in mids:
                if (mid, dim) not in cache:
                    m = cat.measures[mid]
                    cache[(mid, dim)] = compute_measure(dataset.tables[m.table], m, periods, by=dim)
                frames[mid] = cache[(mid, dim)]
            members = sorted(set().union(*(set(f.columns) for f in frames.values())))
            rows = []
            for member in members:
                series = {mid: f[member] if member in f.columns else pd.Series(0.0, index=f.index)
                          for mid, f in frames.items()}
                series = {mid: s.fillna(0.0) if cat.measures[mid].agg in ("sum", "count", "nunique", "stock") else s
                          for mid, s in series.items()}
                val = _kpi_series(report, k.id, series, periods)
                tgt = _member_target(report, k.id, dim, member)
                v = val.iloc[-1]
                rows.append({
                    "member": member,
                    "value": None if pd.isna(v) else float(v),
                    "previous": None if len(val) < 2 or pd.isna(val.iloc[0]) else float(val.iloc[0]),
                    "target": tgt,
                    "attainment": (float(v) / tgt) if tgt not in (None, 0) and not pd.isna(v) else None,
                    "status": status(v, tgt, k.direction, k.tolerance) if tgt is not None else None,
                })
            if not rows:
                continue
            frame = pd.DataFrame(rows).set_index("member")
            frame = frame.sort_values("value", ascending=k.direction == "lower", na_position="last")
            out.append(Breakdown(k.id, dim, frame))
    return out


def _kpi_series(report: Report, kid: str, measures: dict[str, pd.Series], periods: list[pd.Period]) -> pd.Series:
    cat = report.catalog
    cache: dict[str, pd.Series] = {}
    days = report.measures.loc["period_days"].reindex(pd.PeriodIndex(periods))

    def lookup(name: str) -> pd.Series:
        if name in measures:
            return measures[name]
        if name not in cache:
            cache[name] = _kpi_series(report, name, measures, periods)
        return cache[name]

    empty = pd.Series(float("nan"), index=pd.PeriodIndex(periods))
    res = evaluate(cat.kpis[kid].formula, lookup, prev=lambda n: lookup(n).shift(1),
                   target=lambda n: empty, period_days=days)
    return res if isinstance(res, pd.Series) else pd.Series(res, index=pd.PeriodIndex(periods))


def _member_target(report: Report, kid: str, dim: str, member: str) -> float | None:
    t = report.member_targets
    if t.empty or (kid, dim, member) not in t.index:
        return None
    v = t.loc[(kid, dim, member), report.period]
    return None if pd.isna(v) else float(v)
