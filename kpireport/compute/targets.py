"""Targets and budgets per KPI and period, from the `targets` table.

A target row may be given at any grain. Rolled to the report's grain:
- a coarser target (an annual figure in a monthly report) is spread: flow KPIs counted in
  money or units are split evenly over the months or quarters, by days; ratios, scores and
  stocks keep the same target in every sub-period;
- finer targets (monthly targets in a quarterly report) are summed for flow money/count KPIs,
  the last one is taken for stocks (customers), and averaged for everything else.
The rule per KPI comes from its `target_rollup` (auto derives it from the unit).
"""

from __future__ import annotations

import pandas as pd

from ..catalog.model import Catalog, Kpi
from ..periods import Grain, days_in, freq, grain_of, parse_period
from ..problems import Problem, ProblemLog

_RANK = {Grain.MONTH: 0, Grain.QUARTER: 1, Grain.YEAR: 2}
STOCK_KPIS = frozenset({"customers"})


def rollup_rule(kpi: Kpi) -> str:
    if kpi.target_rollup != "auto":
        return kpi.target_rollup
    if kpi.id in STOCK_KPIS:
        return "last"
    return "sum" if kpi.unit in ("currency", "count") else "mean"


def resolve_kpi(name: str, catalog: Catalog) -> str | None:
    """A targets row may name a KPI by id or by its English or Turkish name."""
    key = str(name).strip()
    if key in catalog.kpis:
        return key
    low = key.casefold()
    for kid, k in catalog.kpis.items():
        if kid.casefold() == low or any(v.casefold() == low for v in k.name.values()):
            return kid
    return None


def target_table(
    raw: pd.DataFrame | None,
    catalog: Catalog,
    periods: list[pd.Period],
    fiscal_year_start: int,
    problems: ProblemLog,
    kind: str | None = None,
) -> pd.DataFrame:
    """Targets as a frame indexed by (kpi, dimension, member), one column per period.

    The overall target has dimension and member "". `kind` filters target vs budget rows
    (None takes both; a KPI has one or the other).
    """
    if raw is None or raw.empty:
        return pd.DataFrame(columns=pd.PeriodIndex(periods))
    grain = grain_of(periods[0])
    f = freq(grain, fiscal_year_start)
    cells: dict[tuple[str, str, str], dict[pd.Period, list[tuple[float, pd.Period]]]] = {}
    for idx, row in raw.iterrows():
        if kind is not None and "kind" in raw.columns and str(row.get("kind") or "target").strip().lower() != kind:
            continue
        kid = resolve_kpi(row["kpi"], catalog)
        if kid is None:
            problems.add(Problem(f"targets row names KPI {row['kpi']!r}, which the catalog does not have; row ignored",
                                 table="targets", cell=f"row {idx}", column="kpi"))
            continue
        value = row["target"]
        if pd.isna(value):
            continue
        try:
            tp = parse_period(str(row["period"]), fiscal_year_start)
        except Exception:
            problems.add(Problem(f"targets period {row['period']!r} is not a month, quarter or year; row ignored",
                                 table="targets", cell=f"row {idx}", column="period"))
            continue
        dim = str(row.get("dimension") or "").strip() if "dimension" in raw.columns else ""
        member = str(row.get("member") or "").strip() if "member" in raw.columns else ""
        dim = "" if dim.lower() in ("nan", "<na>", "none") else dim
        member = "" if member.lower() in ("nan", "<na>", "none") else member
        key = (kid, dim, member)
        tgrain = grain_of(tp)
        rule = rollup_rule(catalog.kpis[kid])
        if _RANK[tgrain] >= _RANK[grain]:
            # Spread a coarser (or equal) target over the report periods inside it.
            inside = [p for p in periods if tp.start_time <= p.start_time and p.end_time <= tp.end_time]
            total_days = days_in(tp)
            for p in inside:
                share = value * days_in(p) / total_days if rule == "sum" and tgrain != grain else value
                cells.setdefault(key, {}).setdefault(p, []).append((float(share), tp))
        else:
            p = tp.end_time.to_period(f)
            cells.setdefault(key, {}).setdefault(p, []).append((float(value), tp))
    out: dict[tuple[str, str, str], dict[pd.Period, float]] = {}
    for key, by_period in cells.items():
        rule = rollup_rule(catalog.kpis[key[0]])
        row: dict[pd.Period, float] = {}
        for p, parts in by_period.items():
            finest = min(_RANK[grain_of(tp)] for _, tp in parts)
            parts = sorted((tp, v) for v, tp in parts if _RANK[grain_of(tp)] == finest)
            vals = [v for _, v in parts]
            if finest < _RANK[grain]:
                row[p] = sum(vals) if rule == "sum" else vals[-1] if rule == "last" else sum(vals) / len(vals)
            else:
                row[p] = vals[-1]
        out[key] = row
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame = frame.reindex(columns=pd.PeriodIndex(periods))
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["kpi", "dimension", "member"])
    return frame
