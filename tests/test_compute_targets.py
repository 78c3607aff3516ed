"""Targets and budgets: kinds kept apart, spreading, rolling up, members, status against them."""

from __future__ import annotations

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.compute.status import AT_RISK, IMPROVING, OFF_TRACK, ON_TRACK, STEADY, WORSENING, status, trend
from kpireport.compute.targets import kind_of, overall, rollup_rule, target_table
from kpireport.periods import Grain, parse_period
from kpireport.problems import ProblemLog

from .kpi_fixture import dataset, num, text

CAT = default_catalog()
JAN, FEB, MAR = (parse_period(f"2026-0{m}") for m in (1, 2, 3))
MONTHS = [JAN, FEB, MAR]


def targets(rows: list[tuple], kind_col: bool = True) -> pd.DataFrame:
    cols = ["kpi", "period", "target", "dimension", "member", "kind"]
    df = pd.DataFrame(rows, columns=cols[: len(rows[0])])
    return df.astype({c: "string" for c in df.columns if c != "target"})


def table(rows: list[tuple], periods: list[pd.Period], kind: str | None = "target") -> pd.DataFrame:
    return target_table(targets(rows), CAT, periods, 1, ProblemLog(), kind)


@pytest.mark.parametrize(("kpi", "rule"), [
    ("revenue", "sum"), ("new_leads", "sum"), ("net_profit", "sum"), ("operating_expenses", "sum"),
    ("customers", "last"),                     # declared in the catalog
    ("gross_margin", "mean"), ("csat", "mean"), ("average_order_value", "mean"), ("cac", "mean"),
    ("customer_lifetime_value", "mean"), ("pipeline_age", "last"), ("revenue_vs_target", "mean"),
])
def test_rollup_rule_follows_the_formula_not_the_unit(kpi: str, rule: str) -> None:
    assert rollup_rule(CAT.kpis[kpi], CAT) == rule


def test_annual_target_of_an_additive_kpi_is_split_by_days() -> None:
    t = table([("revenue", "2026", 3650.0, None, None, None)], MONTHS)
    assert list(t.loc[("revenue", "", "")]) == pytest.approx([310.0, 280.0, 310.0])


def test_annual_target_of_a_rate_holds_in_every_month() -> None:
    t = table([("csat", "2026", 4.2, None, None, None)], MONTHS)
    assert list(t.loc[("csat", "", "")]) == [4.2, 4.2, 4.2]


def test_annual_target_into_quarters() -> None:
    quarters = [parse_period(f"2026-Q{q}") for q in (1, 2, 3, 4)]
    t = table([("revenue", "2026", 3650.0, None, None, None)], quarters)
    assert list(t.loc[("revenue", "", "")]) == pytest.approx([900.0, 910.0, 920.0, 920.0])


def test_a_monthly_target_overrides_the_months_share_of_the_annual_one() -> None:
    t = table([("revenue", "2026", 3650.0, None, None, None), ("revenue", "2026-02", 999.0, None, None, None)], MONTHS)
    assert list(t.loc[("revenue", "", "")]) == pytest.approx([310.0, 999.0, 310.0])


def test_monthly_targets_add_up_to_a_quarter_only_when_they_cover_it() -> None:
    q1, q2 = parse_period("2026-Q1"), parse_period("2026-Q2")
    rows = [("revenue", m, 100.0, None, None, None) for m in ("2026-01", "2026-02", "2026-03", "2026-04")]
    t = table([*rows, ("revenue", "2026", 3650.0, None, None, None)], [q1, q2])
    assert t.at[("revenue", "", ""), q1] == 300.0       # three months given
    assert t.at[("revenue", "", ""), q2] == 910.0       # April alone is not a Q2 target: the annual share


def test_finer_targets_of_rates_are_averaged_and_stocks_take_the_last() -> None:
    q1 = parse_period("2026-Q1")
    rows = [("csat", "2026-01", 4.0, None, None, None), ("csat", "2026-02", 4.3, None, None, None),
            ("customers", "2026-01", 10.0, None, None, None), ("customers", "2026-03", 30.0, None, None, None)]
    t = table(rows, [q1])
    assert t.at[("csat", "", ""), q1] == pytest.approx(4.15)
    assert t.at[("customers", "", ""), q1] == 30.0


def test_targets_and_budgets_never_collide() -> None:
    rows = [("operating_expenses", "2026-01", 190.0, None, None, "target"),
            ("operating_expenses", "2026-01", 180.0, None, None, "budget"),
            ("operating_expenses", "2026-01", 170.0, None, None, "Bütçe")]
    assert table(rows, MONTHS, "target").at[("operating_expenses", "", ""), JAN] == 190.0
    assert table(rows, MONTHS, "budget").at[("operating_expenses", "", ""), JAN] == 170.0  # the later row
    assert kind_of(None) == "target" and kind_of(pd.NA) == "target" and kind_of(" BUDGET ") == "budget"


def test_overall_is_the_members_sum_when_only_members_are_given() -> None:
    rows = [("operating_expenses", "2026-01", 120.0, "line_of_business", "Retail", "budget"),
            ("operating_expenses", "2026-01", 60.0, "line_of_business", "Online", "budget"),
            ("operating_expenses", "2026-01", 90.0, "region", "North", "budget")]
    t = table(rows, MONTHS, "budget")
    assert overall(t, CAT, MONTHS).at["operating_expenses", JAN] == 180.0   # the dimension with most members


def test_members_of_a_rate_are_not_added_up() -> None:
    rows = [("csat", "2026-01", 4.0, "region", "North", None), ("csat", "2026-01", 4.4, "region", "South", None)]
    assert "csat" not in overall(table(rows, MONTHS), CAT, MONTHS).index


def test_an_alias_kpi_shares_the_targets_of_the_kpi_it_shows() -> None:
    t = table([("revenue", "2026-01", 500.0, None, None, None)], MONTHS)
    assert overall(t, CAT, MONTHS).at["sales_by_region", JAN] == 500.0


def test_unknown_kpis_and_bad_periods_are_problems_not_errors() -> None:
    problems = ProblemLog()
    rows = targets([("no_such_kpi", "2026-01", 1.0, None, None, None), ("revenue", "soon", 1.0, None, None, None)])
    t = target_table(rows, CAT, MONTHS, 1, problems)
    assert t.empty
    reasons = [p.reason for p in problems]
    assert any("'no_such_kpi'" in r for r in reasons) and any("'soon'" in r for r in reasons)


def test_fiscal_year_targets() -> None:
    """FY2026 with an April start runs April 2025 - March 2026; its target spreads over those months."""
    months = [parse_period("2025-04"), parse_period("2026-03")]
    from kpireport.periods import freq
    months = list(pd.period_range("2025-04", "2026-03", freq=freq(Grain.MONTH, 4)))
    t = target_table(targets([("revenue", "FY2026", 3650.0, None, None, None)]), CAT, months, 4, ProblemLog())
    row = t.loc[("revenue", "", "")]
    assert row.sum() == pytest.approx(3650.0) and row[parse_period("2025-04")] == pytest.approx(300.0)


# --- in the report -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report():
    return compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-03"))


def test_report_targets_budgets_and_kinds(report) -> None:
    assert [report.target("revenue", p) for p in MONTHS] == pytest.approx([500.0, 280.0, 310.0])
    assert report.target("operating_expenses", JAN) == 190.0          # its target
    assert report.budget("operating_expenses", JAN) == 180.0          # Retail 120 + Online 60
    assert report.target("operating_expenses", FEB) == 150.0          # no target: the budget
    assert report.target_kinds["operating_expenses"] == "target"
    assert report.target("revenue_vs_target") == 1.0 and report.target_kinds["revenue_vs_target"] == "default"
    assert report.member_targets.at[("revenue", "region", "North"), JAN] == 300.0
    assert report.member_budgets.at[("operating_expenses", "line_of_business", "Retail"), JAN] == 120.0
    assert any("'no_such_kpi'" in p.reason for p in report.problems)


def test_status_against_target_with_tolerance(report) -> None:
    assert report.status.at["revenue", JAN] == ON_TRACK             # 600 vs 500
    assert report.status.at["revenue", FEB] == ON_TRACK             # 400 vs 280
    assert report.status.at["revenue", MAR] == OFF_TRACK            # 0 vs 310
    assert report.status.at["csat", JAN] == OFF_TRACK               # 4.0 vs 4.2: 4.8 % below, band 3 %
    assert report.status.at["expenses_vs_budget", FEB] == ON_TRACK  # 93 % of budget, lower is better
    assert report.status.at["expenses_vs_budget", JAN] == OFF_TRACK  # 111 %
    assert report.status_basis.at["csat", JAN] == "target"


def test_trend_when_there_is_no_target_labelled_as_such(report) -> None:
    assert report.status.at["new_leads", FEB] == WORSENING and report.status_basis.at["new_leads", FEB] == "trend"
    assert report.status.at["avg_interaction_cost", FEB] == IMPROVING   # 2.0 -> 0.6, lower is better
    assert report.status.at["new_leads", JAN] is None                   # nothing to compare with


def test_info_kpis_never_get_a_status(report) -> None:
    for kid in ("email_campaigns", "sales_calls", "sms_sent", "tickets_opened"):
        assert all(v is None for v in report.status.loc[kid]), kid


@pytest.mark.parametrize(("value", "target", "direction", "tolerance", "expected"), [
    (100, 100, "higher", 0.05, ON_TRACK),
    (96, 100, "higher", 0.05, AT_RISK),
    (95, 100, "higher", 0.05, AT_RISK),
    (94, 100, "higher", 0.05, OFF_TRACK),
    (104, 100, "lower", 0.05, AT_RISK),
    (90, 100, "lower", 0.05, ON_TRACK),
    (106, 100, "lower", 0.05, OFF_TRACK),
    (104, 100, "target", 0.05, ON_TRACK),
    (92, 100, "target", 0.05, AT_RISK),
    (111, 100, "target", 0.05, OFF_TRACK),
    (94, 100, "higher", 0.10, AT_RISK),
    (5, 100, "info", 0.05, None),
    (None, 100, "higher", 0.05, None),
    (float("nan"), 100, "higher", 0.05, None),
    (5, None, "higher", 0.05, None),
])
def test_status_bands(value, target, direction, tolerance, expected) -> None:
    assert status(value, target, direction, tolerance) == expected


@pytest.mark.parametrize(("value", "previous", "direction", "expected"), [
    (110, 100, "higher", IMPROVING), (90, 100, "higher", WORSENING), (100.5, 100, "higher", STEADY),
    (90, 100, "lower", IMPROVING), (5, 1, "info", None), (5, 1, "target", None), (5, None, "higher", None),
])
def test_trend_words(value, previous, direction, expected) -> None:
    assert trend(value, previous, direction) == expected


def test_tolerance_from_a_config_layer_changes_the_status() -> None:
    from pathlib import Path

    from kpireport.catalog import load_catalog

    cat = load_catalog(extra=[(Path("user.yaml"), {"kpis": {"csat": {"tolerance": 0.1}}})])
    r = compute_report(dataset(), cat, Grain.MONTH, parse_period("2026-01"))
    assert r.status.at["csat", JAN] == AT_RISK


def test_targets_given_as_kpi_names_in_turkish() -> None:
    t = pd.DataFrame({"kpi": text(["Gelir (net satışlar)"]), "period": text(["2026-01"]), "target": num([700])})
    r = compute_report(dataset(targets=t), CAT, Grain.MONTH, parse_period("2026-01"))
    assert r.target("revenue") == 700.0
