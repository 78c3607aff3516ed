"""Objectives and key results: current value at quarter grain, progress, and odd rows."""

from __future__ import annotations

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.okrs import progress
from kpireport.compute.report import KeyResult, Objective
from kpireport.compute.run import compute_report
from kpireport.periods import Grain, parse_period

from .kpi_fixture import dataset, num, text

CAT = default_catalog()


@pytest.fixture(scope="module", params=[Grain.MONTH, Grain.QUARTER, Grain.YEAR], ids=lambda g: g.value)
def report(request):
    period = {Grain.MONTH: "2026-02", Grain.QUARTER: "2026-Q1", Grain.YEAR: "2026"}[request.param]
    return compute_report(dataset(), CAT, request.param, parse_period(period))


def key_results(report) -> dict[str, KeyResult]:
    return {kr.text: kr for o in report.okrs for kr in o.key_results}


def test_objectives_group_their_key_results_in_input_order(report) -> None:
    assert [o.objective for o in report.okrs] == ["Grow", "Service"]
    assert all(isinstance(o, Objective) for o in report.okrs)
    assert [kr.text for kr in report.okrs[0].key_results] == ["Revenue to 1200 in Q1", "Cut churn to 50 %"]


def test_current_is_the_quarter_value_whatever_the_report_grain(report) -> None:
    kr = key_results(report)["Revenue to 1200 in Q1"]
    assert kr.kpi_id == "revenue" and kr.kpi_name == "Revenue (net sales)"
    assert kr.period == parse_period("2026-Q1") and kr.current_period == parse_period("2026-Q1")
    assert kr.baseline == 800.0 and kr.target == 1200.0 and kr.current == 1000.0
    assert kr.progress_raw == pytest.approx(0.5) and kr.progress == pytest.approx(0.5)
    assert kr.progress_pct == pytest.approx(50.0)
    assert kr.complete is False                  # the data stop in February


def test_kpi_named_by_its_english_name_and_falling_target(report) -> None:
    kr = key_results(report)["Cut churn to 50 %"]
    assert kr.kpi_id == "churn_rate"
    assert kr.current == pytest.approx(1.0)      # Q1 churn: 3 lost / 3 at the start, not a month's
    assert kr.progress_raw == pytest.approx(0.5)  # (1.0 - 1.5) / (0.5 - 1.5)


def test_a_future_quarter_uses_the_latest_available_value(report) -> None:
    kr = key_results(report)["CSAT to 5"]
    assert kr.period == parse_period("2026-Q2") and kr.current_period == parse_period("2026-Q1")
    assert kr.current == pytest.approx(3.5) and kr.progress_raw == pytest.approx(0.25)
    assert "latest available" in kr.note


def test_unknown_kpi_is_kept_with_a_note_and_a_problem(report) -> None:
    kr = key_results(report)["Something unmeasured"]
    assert kr.kpi_id is None and kr.current is None and kr.progress is None and kr.note == "unknown KPI"
    assert any("no_such_kpi" in p.reason and p.table == "okrs" for p in report.problems)


@pytest.mark.parametrize(("baseline", "target", "current", "raw"), [
    (800, 1200, 1000, 0.5), (800, 1200, 1400, 1.5), (800, 1200, 600, -0.5),
    (1.5, 0.5, 1.0, 0.5), (1.5, 0.5, 2.0, -0.5), (5, 5, 6, None), (None, 5, 6, None), (1, 5, None, None),
])
def test_progress_keeps_the_raw_figure(baseline, target, current, raw) -> None:
    got = progress(baseline, target, current)
    assert got == (pytest.approx(raw) if raw is not None else None)


def test_progress_is_clipped_for_display_but_raw_is_kept() -> None:
    okrs = pd.DataFrame({"objective": text(["Grow"]), "key_result": text(["Beat it"]), "kpi": text(["revenue"]),
                         "period": text(["2026-Q1"]), "baseline": num([0]), "target": num([500])})
    r = compute_report(dataset(okrs=okrs), CAT, Grain.MONTH, parse_period("2026-02"))
    kr = r.okrs[0].key_results[0]
    assert kr.progress_raw == pytest.approx(2.0) and kr.progress == 1.0 and kr.progress_pct == 100.0
    assert r.okrs[0].progress == 1.0


def test_kpi_that_cannot_be_computed_says_why() -> None:
    okrs = pd.DataFrame({"objective": text(["Grow"]), "key_result": text(["Share"]), "kpi": text(["market_share"]),
                         "period": text(["2026-Q1"]), "baseline": num([0.05]), "target": num([0.1])})
    r = compute_report(dataset(okrs=okrs, market=None), CAT, Grain.MONTH, parse_period("2026-02"))
    kr = r.okrs[0].key_results[0]
    assert kr.current is None and kr.note == "could not compute: needs table 'market'"


def test_bad_quarter_is_a_problem() -> None:
    okrs = pd.DataFrame({"objective": text(["Grow"]), "key_result": text(["Soon"]), "kpi": text(["revenue"]),
                         "period": text(["someday"]), "baseline": num([0]), "target": num([1])})
    r = compute_report(dataset(okrs=okrs), CAT, Grain.MONTH, parse_period("2026-02"))
    assert r.okrs[0].key_results[0].period is None
    assert any("someday" in p.reason for p in r.problems)


def test_a_month_given_as_okr_period_means_its_quarter() -> None:
    okrs = pd.DataFrame({"objective": text(["Grow"]), "key_result": text(["By March"]), "kpi": text(["revenue"]),
                         "period": text(["2026-03"]), "baseline": num([0]), "target": num([2000])})
    r = compute_report(dataset(okrs=okrs), CAT, Grain.MONTH, parse_period("2026-02"))
    kr = r.okrs[0].key_results[0]
    assert kr.period == parse_period("2026-Q1") and kr.current == 1000.0


def test_without_an_okrs_table_there_are_none() -> None:
    assert compute_report(dataset(okrs=None), CAT, Grain.MONTH, parse_period("2026-02")).okrs == []
