"""From a validated Dataset to a Report: the one entry point of the compute stage.

It calls the KPI core (`engine.py`) for the report's periods, then the parts built on that
core: year to date, breakdowns and OKRs. Living above all of them, it lets each import the core
without the core importing them back.
"""

from __future__ import annotations

import pandas as pd

from ..calendars import Calendar
from ..catalog.model import Catalog
from ..dataset import Dataset
from ..periods import Grain
from ..problems import Problem, ProblemLog, Severity
from ..ranges import is_range
from .availability import availability
from .breakdowns import compute_breakdowns
from .engine import (
    choose_periods,
    compute_measures,
    effective_targets,
    evaluate_kpis,
    note_gregorian_periods,
    note_no_previous,
    status_frames,
)
from .okrs import compute_okrs
from .partial import mark_partial
from .report import Report
from .sql import MeasureEngine
from .targets import empty_table, overall, target_table
from .typed import merge_typed, typed_targets, typed_values
from .ytd import compute_ytd


def compute_report(
    dataset: Dataset,
    catalog: Catalog,
    grain: Grain = Grain.MONTH,
    period: pd.Period | None = None,
    fiscal_year_start: int = 1,
    company: str = "Company",
    currency: str = "USD",
    calendar: Calendar | None = None,
) -> Report:
    """Every KPI the data allows, for every period up to `period` (default: the latest complete one).

    Steps: which KPIs the data can give (the rest get an exact "could not compute" reason);
    base measures per period from the rows; targets and budgets from the targets table (and
    the KPI sheet); KPI formulas; values typed in a KPI sheet over computed ones; status
    against the target, else a trend; then year-to-date, breakdowns and OKRs.

    A whole range (`period` from ranges.py) is one column with no targets, typed values, year
    to date or previous period. `calendar` says where each period lies in real time (Solar
    Hijri months with the Persian one, calendars.py).
    """
    calendar = calendar or Calendar()
    periods, chosen = choose_periods(dataset, grain, fiscal_year_start, period, calendar)
    engine = MeasureEngine.for_dataset(dataset, calendar)  # the tables registered once, for every measure
    unavailable, usable = availability(catalog, dataset)
    order = [k for k in catalog.kpi_order() if k in usable]
    mids = {m for kid in order for m in catalog.measures_of(kid)}
    measures = compute_measures(dataset, catalog, mids, periods, fiscal_year_start, engine)
    problems: ProblemLog = dataset.problems
    whole = is_range(chosen)  # targets, typed values and year to date are per month, quarter or year
    if calendar.persian:
        note_gregorian_periods(dataset, problems)
    raw = None if whole else typed_targets(dataset)
    member_targets = target_table(raw, catalog, periods, fiscal_year_start, problems, "target")
    member_budgets = target_table(raw, catalog, periods, fiscal_year_start, problems, "budget")
    targets, budgets = overall(member_targets, catalog, periods), overall(member_budgets, catalog, periods)
    values, notes = evaluate_kpis(catalog, order, measures, targets, periods, budgets)
    if whole:
        note_no_previous(catalog, order, notes, chosen)
        if (given := typed_targets(dataset)) is not None and not given.empty:
            problems.add(Problem("targets and budgets are set per month, quarter or year and are not applied to a "
                                 "whole range; report a single period to see them", table="targets",
                                 severity=Severity.INFO))
        typed = pd.DataFrame(columns=pd.PeriodIndex(periods), dtype="float64")
        typed_where: dict = {}
    else:
        typed, typed_where = typed_values(dataset, catalog, periods, fiscal_year_start)
    values = merge_typed(catalog, values, notes, unavailable, typed, typed_where)
    effective, kinds = effective_targets(catalog, list(values.index), targets, budgets, periods)
    st, basis = status_frames(catalog, values, effective)
    report = Report(
        catalog=catalog, grain=Grain(grain), fiscal_year_start=fiscal_year_start, periods=periods, period=chosen,
        measures=measures, values=values, targets=effective, status=st, status_basis=basis,
        notes=notes, unavailable=unavailable, breakdowns=[], sources=list(dataset.sources), problems=problems,
        company=company, currency=currency, calendar=calendar,
        member_targets=member_targets if not member_targets.empty else empty_table(periods),
        budgets=budgets, member_budgets=member_budgets, target_kinds=kinds,
        typed_values=typed.reindex(index=[k for k in typed.index if k in values.index]),
    )
    if not whole:
        mark_partial(report, dataset.first_date())  # reads report.calendar
        report.ytd, report.ytd_targets = compute_ytd(report, dataset, engine)
    report.breakdowns = compute_breakdowns(report, dataset, engine)
    report.okrs = compute_okrs(report, dataset, engine)
    return report
