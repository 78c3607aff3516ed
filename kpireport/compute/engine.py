"""From a validated Dataset to a Report: measures per period, then KPIs, targets, status.

The narrow entry point is `compute_report`.
"""

from __future__ import annotations

import pandas as pd

from ..catalog.formula import names, to_text
from ..catalog.model import Catalog, Kpi
from ..dataset import Dataset
from ..errors import MissingDataError, UsageError
from ..periods import Grain, days_in, latest_complete, period_range
from ..problems import ProblemLog
from .evaluate import evaluate, zero_denominators
from .measures import compute_measure
from .report import Breakdown, Report, Unavailable
from .status import status, trend
from .targets import target_table

PERIOD_DAYS = "period_days"


def _first_date(dataset: Dataset) -> pd.Timestamp | None:
    firsts = []
    for name in ("orders", "leads", "tickets", "invoices", "web", "campaigns", "surveys", "expenses"):
        df = dataset.tables.get(name)
        if df is None or df.empty:
            continue
        col = df.columns[0]
        for c in df.columns:
            if pd.api.types.is_datetime64_any_dtype(df[c]):
                col = c
                break
        if pd.api.types.is_datetime64_any_dtype(df[col]) and df[col].notna().any():
            firsts.append(df[col].min())
    return min(firsts) if firsts else None


def choose_periods(dataset: Dataset, grain: Grain, fiscal_year_start: int, period: pd.Period | None) -> tuple[list[pd.Period], pd.Period]:
    last = dataset.last_date()
    first = _first_date(dataset) or last
    if last is None:
        raise MissingDataError("no dated rows were found in the input.",
                               "Check that the files hold orders, leads, tickets or other dated records.")
    chosen = period if period is not None else latest_complete(last, grain, fiscal_year_start)
    periods = period_range(min(first, chosen.start_time), chosen.end_time, grain, fiscal_year_start)
    if chosen not in periods:
        raise UsageError(f"period {chosen} is not covered by the data.", "Pick a period inside the data's dates.")
    return periods, chosen


def _measures_needed(catalog: Catalog, dataset: Dataset) -> tuple[dict[str, Unavailable], set[str]]:
    unavailable: dict[str, Unavailable] = {}
    usable: set[str] = set()
    for kid in catalog.kpi_order():
        missing: dict[str, tuple[str, ...]] = {}
        for table, cols in catalog.inputs(kid).items():
            gap = dataset.missing(table, cols)
            if gap:
                missing[table] = () if table not in dataset.tables else tuple(sorted(gap))
        deps = {n for n in names(catalog.kpis[kid].formula) if n in catalog.kpis}
        for d in deps:
            if d in unavailable:
                for t, c in unavailable[d].missing.items():
                    missing.setdefault(t, c)
        if missing:
            unavailable[kid] = Unavailable(kid, missing)
        else:
            usable.add(kid)
    return unavailable, usable


def _evaluate_kpis(catalog: Catalog, kpis: list[str], measures: pd.DataFrame, targets: pd.DataFrame,
                   periods: list[pd.Period]) -> tuple[pd.DataFrame, dict[tuple[str, pd.Period], str]]:
    values: dict[str, pd.Series] = {}
    notes: dict[tuple[str, pd.Period], str] = {}
    empty = pd.Series(float("nan"), index=pd.PeriodIndex(periods))

    def lookup(name: str) -> pd.Series:
        return values[name] if name in values else measures.loc[name]

    def prev(name: str) -> pd.Series:
        return lookup(name).shift(1)

    def target(name: str) -> pd.Series:
        return targets.loc[name] if name in targets.index else empty

    days = measures.loc[PERIOD_DAYS]
    for kid in kpis:
        k = catalog.kpis[kid]
        result = evaluate(k.formula, lookup, prev=prev, target=target, period_days=days)
        if not isinstance(result, pd.Series):
            result = pd.Series(result, index=pd.PeriodIndex(periods))
        values[kid] = result.astype("float64")
        missing = result.isna()
        if missing.any():
            for denom, dval in zero_denominators(k.formula, lookup, prev=prev, target=target, period_days=days):
                if not isinstance(dval, pd.Series):
                    continue
                for p in dval.index[(dval == 0) & missing]:
                    notes.setdefault((kid, p), f"no value: {_describe(catalog, denom)} is 0 in this period")
                for p in dval.index[dval.isna() & missing]:
                    notes.setdefault((kid, p), f"no value: {_describe(catalog, denom)} is not available for this period")
    frame = pd.DataFrame(values).T if values else pd.DataFrame(columns=pd.PeriodIndex(periods))
    return frame, notes


def _describe(catalog: Catalog, node) -> str:
    def label(name: str) -> str:
        if name in catalog.measures:
            return catalog.measures[name].label["en"].lower()
        if name in catalog.kpis:
            return catalog.kpis[name].label("en")
        return name

    return to_text(node, label)


def _status_frames(catalog: Catalog, values: pd.DataFrame, targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    st = pd.DataFrame(None, index=values.index, columns=values.columns, dtype=object)
    basis = pd.DataFrame(None, index=values.index, columns=values.columns, dtype=object)
    for kid in values.index:
        k: Kpi = catalog.kpis[kid]
        prev_val = None
        for p in values.columns:
            v = values.at[kid, p]
            t = targets.at[kid, p] if kid in targets.index else None
            s = status(v, t, k.direction, k.tolerance)
            if s is not None:
                st.at[kid, p], basis.at[kid, p] = s, "target"
            else:
                tr = trend(v, prev_val, k.direction)
                if tr is not None:
                    st.at[kid, p], basis.at[kid, p] = tr, "trend"
            prev_val = v
    return st, basis


def compute_report(
    dataset: Dataset,
    catalog: Catalog,
    grain: Grain = Grain.MONTH,
    period: pd.Period | None = None,
    fiscal_year_start: int = 1,
    company: str = "Company",
    currency: str = "USD",
) -> Report:
    periods, chosen = choose_periods(dataset, grain, fiscal_year_start, period)
    unavailable, usable = _measures_needed(catalog, dataset)
    needed = {n for kid in usable for n in names(catalog.kpis[kid].formula) if n in catalog.measures}
    rows: dict[str, pd.Series] = {}
    for mid in sorted(needed):
        m = catalog.measures[mid]
        rows[mid] = compute_measure(dataset.tables[m.table], m, periods)[""]
    rows[PERIOD_DAYS] = pd.Series([float(days_in(p)) for p in periods], index=pd.PeriodIndex(periods))
    measures = pd.DataFrame(rows).T
    problems: ProblemLog = dataset.problems
    all_targets = target_table(dataset.tables.get("targets"), catalog, periods, fiscal_year_start, problems)
    overall = _overall(all_targets, periods)
    order = [k for k in catalog.kpi_order() if k in usable]
    values, notes = _evaluate_kpis(catalog, order, measures, overall, periods)
    st, basis = _status_frames(catalog, values, overall)
    report = Report(
        catalog=catalog, grain=Grain(grain), fiscal_year_start=fiscal_year_start, periods=periods, period=chosen,
        measures=measures, values=values, targets=overall.reindex(values.index), status=st, status_basis=basis,
        notes=notes, unavailable=unavailable, breakdowns=[], sources=list(dataset.sources), problems=problems,
        company=company, currency=currency, member_targets=all_targets,
    )
    from .breakdowns import compute_breakdowns

    report.breakdowns = compute_breakdowns(report, dataset)
    return report


def _overall(all_targets: pd.DataFrame, periods: list[pd.Period]) -> pd.DataFrame:
    if all_targets.empty:
        return pd.DataFrame(columns=pd.PeriodIndex(periods), dtype="float64")
    overall = all_targets[(all_targets.index.get_level_values("dimension") == "")
                          & (all_targets.index.get_level_values("member") == "")]
    overall.index = overall.index.get_level_values("kpi")
    return overall.astype("float64")
