"""Report helpers: comparisons, year-to-date, breakdowns, and "could not compute"."""

from __future__ import annotations

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.compute.ytd import ytd_kpis
from kpireport.periods import Grain, parse_period
from kpireport.render.json_out import render_json, report_dict

from .kpi_fixture import dataset, dt, num, text

CAT = default_catalog()
JAN, FEB, MAR = (parse_period(f"2026-0{m}") for m in (1, 2, 3))


@pytest.fixture(scope="module")
def report():
    return compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-03"))


# --- comparisons ---------------------------------------------------------------------------


def test_comparison_with_previous_period_and_target(report) -> None:
    c = report.comparison("revenue", FEB)
    assert c["value"] == 400.0 and c["previous"] == 600.0 and c["previous_period"] == JAN
    assert c["change"] == -200.0 and c["change_relative"] == pytest.approx(-1 / 3)
    assert c["target"] == 280.0 and c["target_kind"] == "target"
    assert c["vs_target"] == 120.0 and c["vs_target_relative"] == pytest.approx(120 / 280)
    assert c["attainment"] == pytest.approx(400 / 280)
    assert c["status"] == "on_track" and c["status_basis"] == "target"
    assert c["ytd"] == 1000.0


def test_comparison_defaults_to_the_report_period_and_handles_missing_bases(report) -> None:
    c = report.comparison("revenue")
    assert c["period"] == MAR and c["value"] == 0.0
    assert c["change_relative"] == pytest.approx(-1.0)
    assert c["year_ago"] is None and c["year_ago_period"] is None and c["change_year_ago"] is None
    first = report.comparison("revenue", JAN)
    assert first["previous"] is None and first["change"] is None
    zero_base = report.comparison("sales_calls", MAR)      # 0 after 0: no relative change
    assert zero_base["change"] == 0.0 and zero_base["change_relative"] is None
    none = report.comparison("gross_margin", MAR)
    assert none["value"] is None and none["note"] == "no value: Revenue (net sales) is 0 in this period"


def test_same_period_last_year() -> None:
    orders = dataset().tables["orders"]
    older = orders.assign(order_date=orders["order_date"] - pd.DateOffset(years=1), revenue=orders["revenue"] / 2)
    ds = dataset(orders=pd.concat([orders, older], ignore_index=True))
    r = compute_report(ds, CAT, Grain.MONTH, parse_period("2026-02"))
    c = r.comparison("revenue")
    assert c["year_ago_period"] == parse_period("2025-02") and c["year_ago"] == 200.0
    assert c["change_year_ago"] == 200.0 and c["change_year_ago_relative"] == pytest.approx(1.0)
    q = compute_report(ds, CAT, Grain.QUARTER, parse_period("2026-Q1")).comparison("revenue")
    assert q["year_ago"] == 500.0 and q["previous_period"] == parse_period("2025-Q4")


# --- year to date --------------------------------------------------------------------------


def test_ytd_is_recomputed_from_the_measures_over_the_span(report) -> None:
    assert [report.ytd_value("revenue", p) for p in (JAN, FEB, MAR)] == [600.0, 1000.0, 1000.0]
    # Distinct campaigns to date: CMP1 and CMP2, not 2 + 1.
    assert report.ytd_value("email_campaigns", FEB) == 2.0
    # A ratio to date is conversions to date over leads to date, not the mean of monthly rates.
    assert report.ytd_value("lead_conversion_rate", FEB) == pytest.approx(2 / 4)
    assert report.ytd_value("repeat_purchase_rate", FEB) == 1.0
    assert report.ytd_value("revenue_vs_target", FEB) == pytest.approx(1000 / 780)   # targets 500 + 280


def test_ytd_only_for_flow_kpis(report) -> None:
    assert report.ytd_value("customers") is None          # a stock
    assert report.ytd_value("churn_rate") is None         # reads stocks
    assert report.ytd_value("sales_growth") is None       # compares with the previous period
    assert report.ytd_value("dso") is None
    flows = ytd_kpis(CAT, CAT.kpi_order())
    assert "revenue" in flows and "customers" not in flows and "follower_growth_rate" not in flows


def test_ytd_restarts_with_the_fiscal_year() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-03"), fiscal_year_start=2)
    assert r.ytd_value("revenue", JAN) == 600.0           # FY2026 ran Feb 2025 - Jan 2026
    assert r.ytd_value("revenue", FEB) == 400.0           # FY2027 starts in February
    # "2026" is FY2026 here, which ended in January: February has no revenue target, so no YTD target.
    assert r.target("revenue", FEB) is None and pd.isna(r.ytd_targets.at["revenue", FEB])


# --- breakdowns ----------------------------------------------------------------------------


def test_breakdown_by_region_with_member_targets() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-01"))
    b = r.breakdown("sales_by_region", "region").values
    assert b.at["North", "value"] == 400.0 and b.at["South", "value"] == 200.0
    assert b.at["North", "target"] == 300.0 and b.at["North", "attainment"] == pytest.approx(400 / 300)
    assert b.at["North", "status"] == "on_track" and pd.isna(b.at["South", "target"])
    assert b.at["North", "share"] == pytest.approx(400 / 600)
    vs = r.breakdown("revenue_vs_target", "region").values
    assert vs.at["North", "value"] == pytest.approx(400 / 300) and pd.isna(vs.at["South", "value"])


def test_sales_rep_leaderboard_is_ranked_in_the_kpis_direction() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-01"))
    board = r.breakdown("revenue", "sales_rep").values
    assert list(board.index) == ["Ann", "Bob"] and list(board["rank"]) == [1, 2]
    assert board.at["Ann", "value"] == 400.0
    lower = r.breakdown("sales_cycle_length", "sales_rep").values     # lower is better
    assert lower.index[0] == "Ann"


def test_expenses_vs_budget_per_line_of_business() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-01"))
    b = r.breakdown("expenses_vs_budget", "line_of_business").values
    assert b.at["Retail", "value"] == pytest.approx(130 / 120)    # 100 marketing + 30 investment
    assert b.at["Online", "value"] == pytest.approx(70 / 60)      # 50 sales + 20 rent
    assert b.at["Retail", "target"] == 1.0
    ox = r.breakdown("operating_expenses", "line_of_business").values
    assert ox.at["Retail", "target"] == 120.0                    # the member's budget


def test_member_ratio_is_recomputed_from_the_members_rows() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-01"))
    churn = r.breakdown("churn_rate", "region").values
    # North: start {C1} (C3 not yet), lost none -> 0; South: start {C2, C6}, lost C4, C6 -> 1.
    assert churn.at["North", "value"] == 0.0 and churn.at["South", "value"] == 1.0


def test_no_breakdown_without_the_column() -> None:
    r = compute_report(dataset(), CAT, Grain.MONTH, parse_period("2026-01"))
    assert r.breakdown("cac", "region") is None                 # expenses have no region column here
    assert r.breakdown("revenue", "region") is not None


@pytest.mark.parametrize(("region", "reason"), [
    ("drop", "needs 'orders' columns region"),
    ("blank", "orders.region is blank in every row"),
])
def test_a_kpi_that_is_its_breakdown_is_not_the_total_without_the_column(region: str, reason: str) -> None:
    """sales_by_region over orders without regions: could not be computed, not revenue under its name."""
    orders = dataset().tables["orders"]
    orders = orders.drop(columns=["region"]) if region == "drop" else orders.assign(region=text([None] * len(orders)))
    r = compute_report(dataset(orders=orders), CAT, Grain.MONTH, parse_period("2026-01"))
    assert r.unavailable["sales_by_region"].reason() == reason
    assert "sales_by_region" not in r.values.index and r.value("revenue") == 600.0
    assert report_dict(r)["could_not_compute"]["sales_by_region"] == reason


def test_breakdowns_reach_the_json(report) -> None:
    out = report_dict(report)
    hashtags = [b for b in out["breakdowns"] if b["kpi"] == "hashtag_performance" and b["dimension"] == "hashtag"]
    assert hashtags and {m["member"] for m in hashtags[0]["members"]} == {"#a", "#b"}
    assert "NaN" not in render_json(report)


# --- could not compute ---------------------------------------------------------------------


def test_missing_table_and_columns_are_named_exactly() -> None:
    tickets = dataset().tables["tickets"].drop(columns=["first_contact_resolved", "handle_seconds"])
    r = compute_report(dataset(market=None, tickets=tickets), CAT, Grain.MONTH, parse_period("2026-02"))
    assert r.unavailable["market_share"].reason() == "needs table 'market'"
    assert r.unavailable["market_share"].detail() == "needs table 'market' (with columns market_sales, period)"
    assert r.unavailable["first_contact_resolution"].reason() == "needs 'tickets' columns first_contact_resolved"
    assert r.unavailable["average_handle_time"].reason() == "needs 'tickets' columns handle_seconds"
    assert r.value("revenue") == 400.0 and "complaints" in r.values.index


def test_a_blank_column_is_not_missing() -> None:
    """Nobody has churned yet: lost_date is there but empty; churn is 0, not "could not compute"."""
    customers = dataset().tables["customers"].assign(lost_date=dt([None] * 6))
    r = compute_report(dataset(customers=customers), CAT, Grain.MONTH, parse_period("2026-02"))
    assert "churn_rate" not in r.unavailable and r.value("churn_rate") == 0.0


def test_kpis_built_on_unavailable_kpis_inherit_the_reason() -> None:
    r = compute_report(dataset(expenses=None), CAT, Grain.MONTH, parse_period("2026-02"))
    for kid in ("operating_expenses", "net_profit", "net_margin", "roi", "cac", "expenses_vs_budget"):
        assert r.unavailable[kid].missing == {"expenses": ()}, kid
    assert "roi" in report_dict(r)["could_not_compute"]


def test_optional_filter_columns_may_be_absent() -> None:
    orders = dataset().tables["orders"].drop(columns=["status"])     # without status every order counts
    r = compute_report(dataset(orders=orders), CAT, Grain.MONTH, parse_period("2026-01"))
    assert r.value("revenue") == 1100.0


def test_only_one_table_still_reports_what_it_can() -> None:
    ds = dataset()
    ds.tables = {"orders": ds.tables["orders"]}
    r = compute_report(ds, CAT, Grain.MONTH, parse_period("2026-02"))
    assert r.value("revenue") == 400.0 and r.value("average_order_value") == 400.0
    assert len(r.unavailable) > 50
    assert r.unavailable["customers"].reason() == "needs table 'customers'"
    assert r.okrs == [] and r.ytd_value("revenue") == 1000.0


def test_notes_for_first_period_prev_and_targets(report) -> None:
    assert report.notes[("sales_growth", JAN)].startswith("no value: the previous period's Revenue")


def test_single_period_dataset() -> None:
    orders = pd.DataFrame({"order_date": dt(["2026-01-05"]), "revenue": num([10]), "status": text(["completed"])})
    ds = dataset()
    ds.tables = {"orders": orders}
    r = compute_report(ds, CAT, Grain.MONTH, parse_period("2026-01"))
    assert r.periods == [JAN] and r.value("revenue") == 10.0 and r.value("sales_growth") is None


@pytest.mark.parametrize(("start", "grain", "period", "revenue", "customers_at_end"), [
    (2, Grain.QUARTER, "2026-Q4", 600.0, 3.0),   # fiscal year from February: FY2026 Q4 is Nov 2025 - Jan 2026
    (2, Grain.QUARTER, "2027-Q1", 400.0, 3.0),   # Feb - Apr 2026
    (4, Grain.YEAR, "2026", 1000.0, 3.0),        # April start: FY2026 is Apr 2025 - Mar 2026
])
def test_fiscal_periods_are_computed_from_their_own_rows(start, grain, period, revenue, customers_at_end) -> None:
    r = compute_report(dataset(), CAT, grain, parse_period(period, start), fiscal_year_start=start)
    assert r.value("revenue") == revenue and r.value("customers") == customers_at_end
    assert r.value("email_campaigns") == (2.0 if revenue != 400.0 else 1.0)
