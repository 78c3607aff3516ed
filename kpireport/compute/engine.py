"""The KPI core: which periods, measures per period, then KPIs, targets, status.

`kpi_values` is the reusable core (measures for some periods, then formulas), used for the
report's grain, for year to date, for OKR quarters and in tests. The report as a whole is put
together in `run.py`, which sits above this module and the parts built on it (ytd, breakdowns,
OKRs), so the imports go one way.
"""

from __future__ import annotations

import pandas as pd

from ..calendars import Calendar, gregorian_texts
from ..catalog.formula import BinOp, Call, Neg, Node, Ref, measure_names, names, target_names, to_text
from ..catalog.model import Catalog
from ..dataset import Dataset
from ..errors import MissingDataError, UsageError
from ..periods import Grain, freq, grain_of, label
from ..problems import Problem, ProblemLog
from ..ranges import bounds, is_range
from .availability import availability
from .evaluate import PeriodFunctions, evaluate, zero_denominators
from .sql import MeasureEngine
from .status import status, trend
from .targets import overall, target_table

PERIOD_DAYS = "period_days"


def choose_periods(dataset: Dataset, grain: Grain, fiscal_year_start: int,
                   period: pd.Period | None, calendar: Calendar | None = None) -> tuple[list[pd.Period], pd.Period]:
    """The periods to compute, from the data's first date to the chosen period.

    The default is the latest complete period of the data (Dataset.last_date: the event tables,
    stray dates left out at validation). A period given here is computed even when the data
    does not reach it (tests and callers may want an empty period); the command line refuses
    one outside the data first (`check_period`).
    """
    last = dataset.last_date()
    first = dataset.first_date() or last
    if last is None:
        raise MissingDataError("no dated rows were found in the input.",
                               "Check that the files hold orders, leads, tickets or other dated records.")
    if period is not None and is_range(period):
        return [period], period  # a whole range is one column: no previous range (ranges.py)
    cal = calendar or Calendar()
    chosen = period if period is not None else cal.latest_complete(last, grain, fiscal_year_start)
    start, end = cal.span(chosen)
    return cal.period_range(min(first, start), end, grain, fiscal_year_start), chosen


def check_period(dataset: Dataset, period: pd.Period, grain: Grain, fiscal_year_start: int,
                 calendar: Calendar | None = None) -> None:
    """A period asked for that lies wholly before or after the data is a usage error naming the
    data's range (and the complete periods to pick from), never a report of zeros."""
    last = dataset.last_date()
    if last is None:
        return  # choose_periods says "no dated rows"
    first = dataset.first_date() or last
    if (span := dataset.kpi_sheet_span()) is not None:  # months typed in a KPI sheet are data too
        last = max(last, span[1])
    cal = calendar or Calendar()
    if not is_range(period):
        _check_inside(period, first, last, grain, fiscal_year_start, cal)
        return
    f = freq(grain_of(period), fiscal_year_start)
    lo, hi = cal.period_of(first, f), cal.period_of(last, f)
    start, end = bounds(period)
    if lo <= start and end <= hi:
        return
    side = f"starts before the data ({label(start)})" if start < lo else f"ends after the data ({label(end)})"
    raise UsageError(f"the range {label(period)} {side}, which runs from {label(lo)} to {label(hi)}.",
                     f"Give a range inside {label(lo)}..{label(hi)}, or --period all for the whole data.")


def _check_inside(period: pd.Period, first: pd.Timestamp, last: pd.Timestamp, grain: Grain,
                  fiscal_year_start: int, cal: Calendar) -> None:
    f = freq(grain, fiscal_year_start)
    lo, hi = cal.period_of(first, f), cal.period_of(last, f)
    if lo <= period <= hi:
        return
    side = "after" if period > hi else "before"
    done = cal.latest_complete(last, grain, fiscal_year_start)
    pick = (f"pick a period from {label(lo)} to {label(done)}" if done >= lo
            else f"pick {label(lo)} (the data does not cover a whole {Grain(grain).value} yet)")
    raise UsageError(f"{label(period)} is {side} the data, which runs from {label(lo)} to {label(hi)}.",
                     f"{pick[0].upper()}{pick[1:]}, or leave --period out for the latest complete one.")


def compute_measures(dataset: Dataset, catalog: Catalog, measure_ids: set[str], periods: list[pd.Period],
                     fiscal_year_start: int = 1, engine: MeasureEngine | None = None) -> pd.DataFrame:
    """The measures (rows) per period (columns), plus the number of days in each period.

    `engine` holds the report's tables; without one they are registered for this call.
    """
    engine = engine if engine is not None else MeasureEngine.for_dataset(dataset)
    wanted = [catalog.measures[mid] for mid in sorted(measure_ids)]
    computed = engine.per_period(wanted, periods, fiscal_year_start=fiscal_year_start)
    rows: dict[str, pd.Series] = {mid: frame[""] for mid, frame in computed.items()}
    rows[PERIOD_DAYS] = pd.Series([float(engine.calendar.days(p)) for p in periods], index=pd.PeriodIndex(periods))
    return pd.DataFrame(rows).T.reindex(columns=pd.PeriodIndex(periods)).astype("float64")


def evaluate_kpis(catalog: Catalog, kpis: list[str], measures: pd.DataFrame, targets: pd.DataFrame,
                  periods: list[pd.Period], budgets: pd.DataFrame | None = None,
                  ) -> tuple[pd.DataFrame, dict[tuple[str, pd.Period], str]]:
    """KPI values (index kpi, columns periods) and a note for every value that could not be had.

    `kpis` must come in dependency order (Catalog.kpi_order). A zero or missing denominator
    gives NaN and a note naming it; the run goes on.
    """
    index = pd.PeriodIndex(periods)
    values: dict[str, pd.Series] = {}
    notes: dict[tuple[str, pd.Period], str] = {}
    empty = pd.Series(float("nan"), index=index)
    budgets = budgets if budgets is not None else pd.DataFrame(columns=index, dtype="float64")

    def lookup(name: str) -> pd.Series:
        return values[name] if name in values else measures.loc[name]

    def prev(name: str) -> pd.Series:
        return lookup(name).shift(1)

    def target(name: str) -> pd.Series:
        return targets.loc[name].reindex(index) if name in targets.index else empty

    def budget(name: str) -> pd.Series:
        return budgets.loc[name].reindex(index) if name in budgets.index else empty

    kw: PeriodFunctions = {"prev": prev, "target": target, "budget": budget, "period_days": measures.loc[PERIOD_DAYS]}
    for kid in kpis:
        k = catalog.kpis[kid]
        result = evaluate(k.formula, lookup, **kw)
        if not isinstance(result, pd.Series):
            result = pd.Series(result, index=index)
        result = result.astype("float64").where(lambda s: ~s.isin([float("inf"), float("-inf")]))
        values[kid] = result
        missing = result.isna()
        if not missing.any():
            continue
        for denom, dval in zero_denominators(k.formula, lookup, **kw):
            if not isinstance(dval, pd.Series):
                continue
            for p in dval.index[(dval == 0) & missing]:
                notes.setdefault((kid, p), f"no value: {describe(catalog, denom)} is 0 in this period")
            for p in dval.index[dval.isna() & missing]:
                notes.setdefault((kid, p), f"no value: {describe(catalog, denom)} is not available for this period")
        for n in sorted(names(k.formula)):
            series = lookup(n) if n in values or n in measures.index else None
            if series is None:
                continue
            for p in series.index[series.isna() & missing]:
                notes.setdefault((kid, p), f"no value: {describe(catalog, Ref(n))} has no data in this period")
        for p in result.index[missing]:
            notes.setdefault((kid, p), "no value for this period")
    frame = pd.DataFrame(values).T if values else pd.DataFrame(columns=index)
    return frame.reindex(columns=index).astype("float64"), notes


def note_gregorian_periods(dataset: Dataset, problems: ProblemLog) -> None:
    """With the Solar Hijri calendar, targets and OKRs name Solar Hijri periods; rows that name
    Gregorian ones match no report period, which is said once per table, never silently."""
    for table in ("targets", "okrs"):
        df = dataset.tables.get(table)
        if df is None or "period" not in df.columns:
            continue
        found = gregorian_texts(df["period"].dropna().tolist())
        if found:
            problems.add(Problem(f"{len(found)} row(s) name Gregorian periods (such as {found[0]}); with calendar: "
                                 "persian the report's periods are Solar Hijri (such as 1405-07), so these rows match "
                                 "none and are not used", table=table, column="period"))


def note_no_previous(catalog: Catalog, kpis: list[str], notes: dict[tuple[str, pd.Period], str],
                     period: pd.Period) -> None:
    """A range has no previous range: KPIs that compare with the previous period (growth) say so."""
    for kid in kpis:
        if target_names(catalog.kpis[kid].formula, ("prev",)):
            notes[(kid, period)] = "no value: a whole range has no previous period to compare with"


def describe(catalog: Catalog, node: Node) -> str:
    """A formula part in words, with measure and KPI labels: for notes a user can act on."""

    def label(name: str) -> str:
        if name in catalog.measures:
            return catalog.measures[name].label["en"].lower()
        if name in catalog.kpis:
            return catalog.kpis[name].label("en")
        return name

    if isinstance(node, Call) and node.func in ("target", "budget", "prev") and isinstance(node.args[0], Ref):
        what = {"target": "the target of", "budget": "the budget of", "prev": "the previous period's"}[node.func]
        return f"{what} {label(node.args[0].name)}"
    if isinstance(node, BinOp | Neg):
        return f"({to_text(node, label)})"
    return to_text(node, label)


def effective_targets(catalog: Catalog, kpis: list[str], targets: pd.DataFrame, budgets: pd.DataFrame,
                      periods: list[pd.Period]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The figure status is judged against: a target, else a budget, else the catalog's default_target."""
    index = pd.PeriodIndex(periods)
    rows: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    for kid in kpis:
        series = pd.Series(float("nan"), index=index)
        kind = ""
        for source, name in ((targets, "target"), (budgets, "budget")):
            if kid in source.index:
                given = source.loc[kid].reindex(index)
                if given.notna().any() and not kind:
                    kind = name
                series = series.fillna(given)
        default = catalog.kpis[kid].default_target
        if default is not None:
            if series.isna().any() and not kind:
                kind = "default"
            series = series.fillna(default)
        rows[kid] = series
        if kind:
            kinds[kid] = kind
    frame = pd.DataFrame(rows).T if rows else pd.DataFrame(columns=index)
    return frame.reindex(columns=index).astype("float64"), kinds


def status_frames(catalog: Catalog, values: pd.DataFrame, targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status per KPI and period against its target; without one, a trend word labelled "trend"."""
    blank = [[None] * len(values.columns) for _ in values.index]
    st = pd.DataFrame(blank, index=values.index, columns=values.columns, dtype=object)
    basis = pd.DataFrame([row[:] for row in blank], index=values.index, columns=values.columns, dtype=object)
    for kid in values.index:
        k = catalog.kpis[kid]
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


def kpi_values(dataset: Dataset, catalog: Catalog, periods: list[pd.Period], fiscal_year_start: int = 1,
               kpis: list[str] | None = None, problems: ProblemLog | None = None,
               engine: MeasureEngine | None = None) -> tuple[pd.DataFrame, dict]:
    """KPI values for the given periods, computed from the dataset's rows (no status, no breakdowns).

    `engine`: the report's MeasureEngine, when there is one (its tables are registered already).
    """
    _, usable = availability(catalog, dataset)
    wanted = set(kpis) if kpis is not None else usable
    order = [k for k in catalog.kpi_order() if k in usable and (k in wanted or _needed_by(catalog, k, wanted))]
    mids = {m for kid in order for m in catalog.measures_of(kid)}
    measures = compute_measures(dataset, catalog, mids, periods, fiscal_year_start, engine)
    problems = problems if problems is not None else ProblemLog()
    raw = dataset.tables.get("targets")
    tgt = overall(target_table(raw, catalog, periods, fiscal_year_start, problems, "target"), catalog, periods)
    bud = overall(target_table(raw, catalog, periods, fiscal_year_start, problems, "budget"), catalog, periods)
    return evaluate_kpis(catalog, order, measures, tgt, periods, bud)


def _needed_by(catalog: Catalog, kid: str, wanted: set[str]) -> bool:
    """kid is read (directly or not) by one of the wanted KPIs' formulas."""
    stack, seen = list(wanted), set()
    while stack:
        w = stack.pop()
        if w in seen or w not in catalog.kpis:
            continue
        seen.add(w)
        deps = measure_names(catalog.kpis[w].formula) & set(catalog.kpis)
        if kid in deps:
            return True
        stack.extend(deps)
    return False
