"""Year-to-date values: each flow KPI over the span from the fiscal year's start to a period's end.

A YTD value is recomputed from the measures over the whole span (a YTD conversion rate is all
conversions to date over all leads to date; a YTD count of distinct campaigns counts each
campaign once), never by adding or averaging the KPI's monthly values. Only KPIs whose
measures are all flows get one: a stock (active customers) has no year-to-date, and
comparisons with the previous period (prev()) have no meaning over a growing span.

Year-to-date targets are the sums of the period targets in the span, for additive KPIs, and
only when every period of the span has one; so revenue_vs_target also has a YTD attainment.
"""

from __future__ import annotations

import pandas as pd

from ..calendars import Calendar
from ..catalog.formula import Call, walk
from ..catalog.model import Catalog
from ..dataset import Dataset
from ..periods import Grain, freq, grain_of, period_range
from .availability import availability
from .engine import PERIOD_DAYS, evaluate_kpis
from .report import Report
from .sql import MeasureEngine
from .sql.frames import Span
from .targets import rollup_rule


def fiscal_year_start_of(p: pd.Period, fiscal_year_start: int) -> pd.Timestamp:
    """First day of the fiscal year holding period p (in the periods' own numbering)."""
    return p.end_time.to_period(freq(Grain.YEAR, fiscal_year_start)).start_time


def ytd_spans(periods: list[pd.Period], fiscal_year_start: int, calendar: Calendar | None = None) -> list[Span]:
    """Year to date of each period, in real time: from its fiscal year's first day to its last."""
    cal = calendar or Calendar()
    year = freq(Grain.YEAR, fiscal_year_start)
    return [(cal.start(p.end_time.to_period(year)), cal.end(p)) for p in periods]


def formula_calls(catalog: Catalog, kid: str, seen: set[str] | None = None) -> set[str]:
    """Functions used by a KPI's formula and, recursively, by the KPIs it reads."""
    seen = seen if seen is not None else set()
    if kid in seen:
        return set()
    seen.add(kid)
    f = catalog.kpis[kid].formula
    out = {n.func for n in walk(f) if isinstance(n, Call)}
    for n in walk(f):
        name = getattr(n, "name", None)
        if name in catalog.kpis:
            out |= formula_calls(catalog, name, seen)
    return out


def ytd_kpis(catalog: Catalog, kpis: list[str]) -> list[str]:
    """The KPIs (in the given order) that have a year-to-date value."""
    return [k for k in kpis if catalog.is_flow(k) and "prev" not in formula_calls(catalog, k)]


def _span_sum(frame: pd.DataFrame, periods: list[pd.Period], fiscal_year_start: int, catalog: Catalog) -> pd.DataFrame:
    """Per KPI, the sum of its per-period figures from the fiscal year start, where complete."""
    index = pd.PeriodIndex(periods)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=index, dtype="float64")
    rows: dict[str, pd.Series] = {}
    grain = grain_of(periods[0])
    for kid in frame.index:
        if kid not in catalog.kpis or rollup_rule(catalog.kpis[kid], catalog) != "sum":
            continue
        series = frame.loc[kid].reindex(index)
        out = pd.Series(float("nan"), index=index)
        for p in periods:
            span = period_range(fiscal_year_start_of(p, fiscal_year_start), p.end_time, grain, fiscal_year_start)
            vals = [series.get(q) for q in span]
            if all(v is not None and not pd.isna(v) for v in vals):
                out[p] = float(sum(vals))
        rows[kid] = out
    if not rows:
        return pd.DataFrame(columns=index, dtype="float64")
    return pd.DataFrame(rows).T.reindex(columns=index).astype("float64")


def compute_ytd(report: Report, dataset: Dataset, engine: MeasureEngine | None = None,
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(YTD values, YTD targets), both indexed by KPI id with one column per report period."""
    cat, periods = report.catalog, report.periods
    index = pd.PeriodIndex(periods)
    _, usable = availability(cat, dataset)
    typed = set(report.typed_values.index) if not report.typed_values.empty else set()
    order = ytd_kpis(cat, [k for k in cat.kpi_order() if k in report.values.index and k in usable])
    spans = ytd_spans(periods, report.fiscal_year_start, report.calendar)
    mids = {m for k in order for m in cat.measures_of(k)}
    engine = engine if engine is not None else MeasureEngine.for_dataset(dataset)
    spanned = engine.per_span([cat.measures[mid] for mid in sorted(mids)], spans, periods,
                              fiscal_year_start=report.fiscal_year_start)
    rows: dict[str, pd.Series] = {mid: pd.Series(values, index=index) for mid, values in spanned.items()}
    rows[PERIOD_DAYS] = pd.Series([float((e.normalize() - s.normalize()).days + 1) for s, e in spans], index=index)
    measures = pd.DataFrame(rows).T
    targets = _span_sum(report.targets, periods, report.fiscal_year_start, cat)
    budgets = _span_sum(report.budgets, periods, report.fiscal_year_start, cat)
    values, _ = evaluate_kpis(cat, order, measures, targets, periods, budgets)
    # KPIs typed in a KPI sheet: year to date only where the typed values add up.
    if typed:
        typed_ytd = _span_sum(report.values.loc[sorted(typed)], periods, report.fiscal_year_start, cat)
        values = pd.concat([values.drop(index=list(typed), errors="ignore"), typed_ytd])
        values = values.reindex([k for k in cat.kpi_order() if k in values.index])
    return values, targets
