"""Targets and budgets per KPI and period, from the `targets` table.

A row says: KPI (id or English/Turkish name), period (a month, quarter or year), value, and
optionally a dimension and member (line_of_business = Retail) and a kind (target or budget;
blank means target). Targets and budgets are kept apart, so an operating-expense budget and an
operating-expense target never overwrite each other.

Rolling a row to the report's grain (the rule per KPI is its `target_rollup`; `auto` picks
`sum` for additive KPIs - sums and differences of flow sums and counts, such as revenue or new
leads - `last` for stocks such as active customers, and `mean` for everything else: rates,
averages, scores):

- A coarser row (an annual figure in a monthly report) is spread over the report periods
  inside it. With `sum` it is split in proportion to days (a 365 000 annual revenue target is
  31 000 for January and 28 000 for February); otherwise every sub-period gets the same value
  (a 4.2 CSAT target holds in every month of the year).
- Finer rows (monthly targets in a quarterly report) are combined: `sum` adds them up, and only
  when they cover every day of the report period - two months of targets are not a quarter's
  target; `last` takes the latest; `mean` averages them.
- When rows of several grains land in one report period, the finest wins: a monthly target
  overrides the month's share of an annual one. Finer rows that do not cover a `sum` period
  give way to a coarser row (January's target alone does not make a Q1 target; the
  quarter's share of the annual target does).

An overall target is the row without dimension. When only member rows exist (budgets per line
of business) and the rule is `sum`, the overall figure is the sum over the members of the
dimension with the most members given for that period.
"""

from __future__ import annotations

import pandas as pd

from ..catalog.model import Catalog, Kpi
from ..periods import Grain, days_in, freq, grain_of, parse_period
from ..problems import Problem, ProblemLog

_RANK = {Grain.MONTH: 0, Grain.QUARTER: 1, Grain.YEAR: 2}
BUDGET_WORDS = frozenset({"budget", "budgets", "bütçe", "butce", "bütce", "plan", "بودجه", "proračun", "proracun"})
_BLANK = frozenset({"", "nan", "<na>", "none"})
INDEX = ["kpi", "dimension", "member"]


def rollup_rule(kpi: Kpi, catalog: Catalog | None = None) -> str:
    """sum, last or mean: how a target is split over or gathered from other grains (see module doc)."""
    if kpi.target_rollup != "auto":
        return kpi.target_rollup
    if catalog is None:
        return "sum" if kpi.unit in ("currency", "count") else "mean"
    if catalog.is_stock(kpi.id):
        return "last"
    return "sum" if catalog.is_additive(kpi.id) else "mean"


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


def kind_of(value: object) -> str:
    """'budget' for budget rows (also 'bütçe'), 'target' for anything else, blank included."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip().casefold()
    return "budget" if text in BUDGET_WORDS else "target"


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.casefold() in _BLANK else text


def empty_table(periods: list[pd.Period]) -> pd.DataFrame:
    frame = pd.DataFrame(columns=pd.PeriodIndex(periods), dtype="float64")
    frame.index = pd.MultiIndex.from_tuples([], names=INDEX)
    return frame


def target_table(
    raw: pd.DataFrame | None,
    catalog: Catalog,
    periods: list[pd.Period],
    fiscal_year_start: int,
    problems: ProblemLog,
    kind: str | None = "target",
) -> pd.DataFrame:
    """Targets (or budgets, with kind="budget") indexed by (kpi, dimension, member), one column per period.

    The overall target has dimension and member "". kind=None takes both kinds, for callers
    that know a KPI has only one of them.
    """
    if raw is None or raw.empty:
        return empty_table(periods)
    grain = grain_of(periods[0])
    f = freq(grain, fiscal_year_start)
    bounds = [(p, p.start_time, p.end_time, days_in(p)) for p in periods]
    parsed: dict[str, pd.Period | None] = {}
    rules = {kid: rollup_rule(k, catalog) for kid, k in catalog.kpis.items()}
    cells: dict[tuple[str, str, str], dict[pd.Period, list[tuple[float, pd.Period]]]] = {}
    for idx, row in raw.iterrows():
        if kind is not None and kind_of(row.get("kind") if "kind" in raw.columns else None) != kind:
            continue
        kid = resolve_kpi(row["kpi"], catalog)
        if kid is None:
            problems.add(Problem(f"targets row names KPI {row['kpi']!r}, which the catalog does not have; row ignored",
                                 table="targets", cell=f"row {idx}", column="kpi"))
            continue
        value = pd.to_numeric(row["target"], errors="coerce")
        if pd.isna(value):
            continue
        tp = _target_period(row, idx, parsed, fiscal_year_start, problems)
        if tp is None:
            continue
        dim = _clean(row.get("dimension")) if "dimension" in raw.columns else ""
        member = _clean(row.get("member")) if "member" in raw.columns else ""
        if not dim or not member:
            dim = member = ""
        placed = _place(float(value), tp, rules[kid], grain, f, bounds, periods)
        for p, share in placed:
            cells.setdefault((kid, dim, member), {}).setdefault(p, []).append((share, tp))
    out: dict[tuple[str, str, str], dict[pd.Period, float]] = {}
    for key, by_period in cells.items():
        rule = rules[key[0]]
        combined = {p: _combine(p, parts, rule, grain) for p, parts in by_period.items()}
        out[key] = {p: v for p, v in combined.items() if v is not None}
    if not out:
        return empty_table(periods)
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame = frame.reindex(columns=pd.PeriodIndex(periods)).astype("float64")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=INDEX)
    return frame


def _target_period(row: pd.Series, idx: object, parsed: dict[str, pd.Period | None], fiscal_year_start: int,
                   problems: ProblemLog) -> pd.Period | None:
    """The period a targets row is for (each text parsed once, in `parsed`); None, reported, when
    it is not a month, quarter or year."""
    text = str(row["period"])
    if text not in parsed:
        try:
            parsed[text] = parse_period(text, fiscal_year_start)
        except Exception:
            parsed[text] = None
    tp = parsed[text]
    if tp is None:
        problems.add(Problem(f"targets period {row['period']!r} is not a month, quarter or year; row ignored",
                             table="targets", cell=f"row {idx}", column="period"))
    return tp


def _place(value: float, tp: pd.Period, rule: str, grain: Grain, f: str,
           bounds: list[tuple[pd.Period, pd.Timestamp, pd.Timestamp, int]],
           periods: list[pd.Period]) -> list[tuple[pd.Period, float]]:
    """The report periods a target for period `tp` applies to, with its share of each: a longer
    target covers every report period inside it (a flow KPI's split by days), a shorter one
    counts in the report period it ends in."""
    tgrain = grain_of(tp)
    if _RANK[tgrain] >= _RANK[grain]:
        t_start, t_end, total_days = tp.start_time, tp.end_time, days_in(tp)
        return [(p, float(value * p_days / total_days if rule == "sum" and tgrain != grain else value))
                for p, p_start, p_end, p_days in bounds if t_start <= p_start and p_end <= t_end]
    p = tp.end_time.to_period(f)
    return [(p, float(value))] if p in periods else []


def _combine(p: pd.Period, parts: list[tuple[float, pd.Period]], rule: str, grain: Grain) -> float | None:
    """One report period's figure from the rows landing in it: the finest usable grain wins."""
    for rank in sorted({_RANK[grain_of(tp)] for _, tp in parts}):
        chosen = sorted(((tp, v) for v, tp in parts if _RANK[grain_of(tp)] == rank), key=lambda x: x[0].start_time)
        vals = [v for _, v in chosen]
        if rank >= _RANK[grain]:
            return vals[-1]
        if rule == "sum":
            if sum(days_in(tp) for tp in {tp for tp, _ in chosen}) >= days_in(p):
                return sum(vals)
            continue  # sub-period targets that do not cover the period: try a coarser row
        return vals[-1] if rule == "last" else sum(vals) / len(vals)
    return None


def overall(table: pd.DataFrame, catalog: Catalog, periods: list[pd.Period]) -> pd.DataFrame:
    """Overall figures per KPI and period (index kpi): the dimension-less row, else the members' sum.

    KPIs whose formula is just another KPI (sales_by_region = revenue) share that KPI's figures.
    """
    cols = pd.PeriodIndex(periods)
    rows: dict[str, pd.Series] = {}
    if not table.empty:
        for kid in table.index.get_level_values("kpi").unique():
            sub = table.xs(kid, level="kpi")
            top = sub.loc[("", "")] if ("", "") in sub.index else pd.Series(float("nan"), index=cols)
            if rollup_rule(catalog.kpis[kid], catalog) == "sum":
                top = top.fillna(_members_total(sub.drop(index=("", ""), errors="ignore"), cols))
            if top.notna().any():
                rows[kid] = top
    for kid in catalog.kpis:
        alias = catalog.alias_of(kid)
        if kid not in rows and alias in rows:
            rows[kid] = rows[alias]
    if not rows:
        return pd.DataFrame(columns=cols, dtype="float64")
    return pd.DataFrame(rows).T.reindex(columns=cols).astype("float64")


def _members_total(members: pd.DataFrame, cols: pd.PeriodIndex) -> pd.Series:
    out = pd.Series(float("nan"), index=cols)
    if members.empty:
        return out
    for p in cols:
        given = members[p].dropna()
        if given.empty:
            continue
        counts = given.groupby(level="dimension").size()
        best = counts.sort_values(ascending=False, kind="stable").index[0]
        out[p] = float(given.xs(best, level="dimension").sum())
    return out


def member_series(table: pd.DataFrame, catalog: Catalog, kid: str, dim: str, member: str,
                  periods: list[pd.Period]) -> pd.Series:
    """A KPI's target for one dimension member per period (NaN where none), aliases followed."""
    cols = pd.PeriodIndex(periods)
    for k in (kid, catalog.alias_of(kid)):
        if k is not None and not table.empty and (k, dim, member) in table.index:
            return table.loc[(k, dim, member)].reindex(cols).astype("float64")
    return pd.Series(float("nan"), index=cols)
