"""Every catalog KPI against numbers worked out by hand on tests/kpi_fixture.py.

Months: January and February 2026 carry the activity; March is empty for most tables, so
its ratios have no value (and a note). Quarter values are recomputed from the quarter's own
rows: Q1 repeat purchase rate is 2 / 2 (C1 and C2 both bought twice in the quarter), not
the mean of January's 1/2 and February's 0/1.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.report import Report
from kpireport.compute.run import compute_report
from kpireport.periods import Grain, parse_period

from .kpi_fixture import dataset

NAN = float("nan")
DAY = 86400.0

# kpi: (January, February, March, Q1)
EXPECTED: dict[str, tuple[float, float, float, float]] = {
    # --- A. CRM -------------------------------------------------------------------------
    "email_campaigns": (2, 1, 0, 2),                      # CMP1, CMP2 | CMP2 | - | CMP1, CMP2 once each
    "email_ctr": (100 / 2500, 10 / 500, NAN, 110 / 3000),  # clicks / sent on email rows ("Email" too)
    "website_conversion_rate": (50 / 2000, 5 / 500, NAN, 55 / 2500),
    "sales_calls": (40, 0, 0, 40),
    "sms_sent": (200, 0, 0, 200),
    "avg_interaction_cost": (300 / 150, 60 / 100, NAN, 360 / 250),
    "self_service_rate": (1 / 4, 0 / 1, NAN, 1 / 5),
    "new_leads": (3, 1, 0, 4),
    "cost_per_lead": (300 / 3, 300 / 1, NAN, 600 / 4),     # all campaign cost / leads created
    "lead_conversion_rate": (2 / 3, 0, NAN, 2 / 4),
    "cac": (150 / 2, 80 / 1, NAN, 230 / 3),                # marketing + sales expenses / customers acquired
    "retention_rate": (1 / 3, 2 / 3, 3 / 3, 0 / 3),        # (CE - CN) / CS: (3-2)/3, (3-1)/3, (3-0)/3, (3-3)/3
    "acquisition_rate": (2 / 3, 1 / 3, 0, 3 / 3),
    "churn_rate": (2 / 3, 1 / 3, 0, 3 / 3),
    "complaints": (2, 0, 0, 2),
    "first_contact_resolution": (2 / 3, NAN, NAN, 2 / 3),  # Feb: no ticket answered by an agent
    "avg_resolution_time": ((7200 + 172800 + 600) / 3, 259200, NAN, (180600 + 259200) / 4),
    "csat": ((5 + 4 + 3) / 3, 2, NAN, 14 / 4),
    "ces": ((4 + 5 + 3) / 3, 2, NAN, 14 / 4),
    "sales_cycle_length": (45, (40 + 10) / 2, NAN, 95 / 3),
    "roi": (70 / 30, 60 / 60, NAN, 130 / 90),              # net profit / investment expenses
    "customer_lifetime_value": (200 * 1.5 * 0.45 / (2 / 3), 400 * 1 * 0.5 / (1 / 3), NAN, 250 * 2 * 0.47 / 1),
    "market_share": (600 / 6000, 400 / 5000, NAN, 1000 / 11000),
    "repeat_purchase_rate": (1 / 2, 0 / 1, NAN, 2 / 2),
    "nps": ((2 - 1) / 4 * 100, -100, NAN, 0),
    "brand_awareness": (3 / 4, 0 / 1, NAN, 3 / 5),
    # --- B. Balanced scorecard ----------------------------------------------------------
    "revenue": (600, 400, 0, 1000),                        # the cancelled 500 is left out
    "cogs": (330, 200, 0, 530),
    "gross_profit": (270, 200, 0, 470),
    "gross_margin": (0.45, 0.5, NAN, 0.47),
    "operating_expenses": (200, 140, 0, 340),
    "net_profit": (70, 60, 0, 130),
    "net_margin": (70 / 600, 60 / 400, NAN, 130 / 1000),
    "revenue_vs_target": (600 / 500, 400 / 280, 0 / 310, 1000 / 900),   # monthly 500; annual 3650 by days
    "expenses_vs_budget": (200 / 180, 140 / 150, NAN, NAN),  # Jan: Retail 120 + Online 60; Q1: incomplete
    "dso": (500 / 1500 * 31, 300 / 300 * 28, NAN, 300 / 1800 * 90),
    "sales_by_region": (600, 400, 0, 1000),
    "customers": (3, 3, 3, 3),
    "new_customers": (2, 1, 0, 3),
    "lost_customers": (2, 1, 0, 3),
    "tickets_opened": (4, 1, 0, 5),
    "tickets_resolved": (3, 1, 0, 4),
    "defect_rate": (25 / 1500, 8 / 800, NAN, 33 / 2300),
    "units_per_hour": (1500 / 150, 800 / 100, NAN, 2300 / 250),
    "uptime": (280 / 320, 100 / 100, NAN, 380 / 420),
    # --- C. Sales, service, social, e-commerce, productivity -----------------------------
    "average_order_value": (200, 400, NAN, 250),
    "annual_contract_value": (12000 / 2, (3000 + 9000 / 3) / 2, NAN, (6000 + 3000 + 3000) / 3),
    "referral_customers": (1, 0, 0, 1),
    "pipeline_age": ((21 + 11) / 2, 39, 70, 70),           # open at Jan 31: D3 (21 d), D4 (11 d)
    "win_rate": (1 / 2, 2 / 2, NAN, 3 / 4),
    "sales_growth": (NAN, 400 / 600 - 1, 0 / 400 - 1, NAN),
    "mql": (2, 1, 0, 3),
    "first_response_time": ((1800 + 3600 + 3600) / 3, 600, NAN, 9600 / 4),
    "average_handle_time": ((600 + 1200 + 900) / 3, NAN, NAN, 900),
    "agent_utilization": (640 / 960, 720 / 800, NAN, 1360 / 1760),
    "sales_per_visitor": (3000 / 1500, 500 / 500, NAN, 3500 / 2000),
    "cart_abandonment_rate": (130 / 200, 45 / 50, NAN, 175 / 250),
    "monthly_active_users": (1000, 1200, NAN, 1100),
    "app_downloads": (100, 150, 0, 250),
    "social_reach": (900, 1500, 0, 2400),
    "social_impressions": (1500, 2000, 0, 3500),
    "social_engagement_rate": (75 / 1500, 40 / 2000, NAN, 115 / 3500),
    "follower_growth_rate": (120 / 1500, 50 / 1620, 0, 170 / 1500),  # 1000+500 -> 1100+520 -> 1150+520
    "social_ctr": (15 / 1500, 20 / 2000, NAN, 35 / 3500),
    "hashtag_performance": (75, 40, 0, 115),
    "task_completion_rate": (2 / 3, 2 / 1, NAN, 4 / 4),
    "on_time_delivery_rate": (1 / 2, 1 / 1, NAN, 2 / 3),
    "cycle_time": ((5 + 14) / 2 * DAY, 10 * DAY, NAN, (5 + 14 + 10) / 3 * DAY),
    "error_density": (1 / 2, 3 / 2, NAN, 4 / 4),
    "employee_productivity": (600 / 6, 400 / 7, 0 / 7, 1000 / 7),  # headcount: latest per team, added
    # --- issue 16: call centre, churn, campaigns -------------------------------------------
    "answer_rate": (2 / 3, 1, NAN, 3 / 4),                 # answered / with a flag: Jan T, T, F | Feb T
    "abandon_rate": (1 / 3, 0, NAN, 1 / 4),
    "service_level": (1 / 3, 1, NAN, 2 / 4),               # answered within 20 s: Jan 15 s (60 s late) | Feb 10 s
    "call_resolution_rate": (1 / 2, 0, NAN, 1 / 3),        # answered and resolved / answered with a flag
    "csat_top_two_box": (2 / 3, 0, NAN, 2 / 4),            # ratings 5, 4, 3 | 2
    "revenue_at_risk": (30 + 20, 50, 0, 100),              # charges of C4 and C6 (Jan), C2 (Feb)
    "average_tenure": ((1 + 2 + 0) / 3, (2 + 1 + 0) / 3, (3 + 2 + 1) / 3, 2),  # whole months at the period end
    "campaign_response_rate": (1 / 3, 1, NAN, 2 / 4),      # accepted / contacted (Feb's K not contacted)
    "cost_per_response": (8, 3, NAN, 11 / 2),
    "campaign_roi": ((10 - 8) / 8, (6 - 3) / 3, NAN, 5 / 11),
    "campaign_spend": (8, 3, 0, 11),
    "campaign_complaint_rate": (1 / 3, 0, NAN, 1 / 4),
    # --- issue 16: CRM pipeline (D1 won 12000 Jan, D2 lost Jan, D3 won 3000 and D5 won 9000 Feb,
    # D4 open 8000 at 50 %) and shop (orders: quantity 1-5, discount 0/50/0/0/100, freight
    # 5/10/0/7/20, delivered 4, 5, 5 days in January and 3 in February; payments 100 + 305, 420)
    "won_revenue": (12000, 12000, 0, 24000),
    "avg_won_deal_size": (12000, 6000, NAN, 8000),
    "open_pipeline_value": (3000 + 8000, 8000, 8000, 8000),   # open at Jan 31: D3 and D4
    "open_pipeline_deals": (2, 1, 1, 1),
    "weighted_pipeline": (3000 + 4000, 4000, 4000, 4000),
    "lost_deal_rate": (1 / 2, 0 / 2, NAN, 1 / 4),
    "closed_deals": (2, 2, 0, 4),
    "return_rate": (0 / 3, 0 / 1, NAN, 0 / 4),
    "cancellation_rate": (1 / 4, 0 / 1, NAN, 1 / 5),
    "revenue_with_shipping": (600 + 15, 400 + 20, 0, 1035),   # cancelled order and its freight left out
    "cash_collected": (405, 420, 0, 825),
    "items_per_order": (6 / 3, 5 / 1, NAN, 11 / 4),
    "discount_rate": (50 / 650, 100 / 500, NAN, 150 / 1150),
    "on_time_order_delivery": (2 / 3, 1 / 1, NAN, 3 / 4),    # the second order is two days late
    "avg_delivery_days": (14 / 3, 3, NAN, 17 / 4),
}
MONTHS = ("2026-01", "2026-02", "2026-03")


@pytest.fixture(scope="module")
def monthly() -> Report:
    return compute_report(dataset(), default_catalog(), Grain.MONTH, parse_period("2026-03"))


@pytest.fixture(scope="module")
def quarterly() -> Report:
    return compute_report(dataset(), default_catalog(), Grain.QUARTER, parse_period("2026-Q1"))


@pytest.fixture(scope="module")
def yearly() -> Report:
    return compute_report(dataset(), default_catalog(), Grain.YEAR, parse_period("2026"))


def same(actual: float | None, expected: float) -> bool:
    if math.isnan(expected):
        return actual is None
    return actual is not None and actual == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_every_catalog_kpi_has_an_expectation() -> None:
    assert set(EXPECTED) == set(default_catalog().kpis)


@pytest.mark.parametrize("kpi", sorted(EXPECTED))
@pytest.mark.parametrize("month", range(3), ids=MONTHS)
def test_monthly_value(monthly: Report, kpi: str, month: int) -> None:
    p = parse_period(MONTHS[month])
    assert same(monthly.value(kpi, p), EXPECTED[kpi][month]), (kpi, p, monthly.value(kpi, p))


@pytest.mark.parametrize("kpi", sorted(EXPECTED))
def test_quarter_value_from_its_own_rows(quarterly: Report, kpi: str) -> None:
    assert same(quarterly.value(kpi), EXPECTED[kpi][3]), (kpi, quarterly.value(kpi))


YEAR_DIFFERS = {
    "sales_growth": NAN,                        # no previous year in the data
    "pipeline_age": 345,                        # D4 still open on Dec 31 (created Jan 20)
    "average_tenure": (12 + 11 + 10) / 3,       # C1, C3, C5 active on Dec 31 (since Dec 1, Jan 10, Feb 15)
    "dso": 300 / 1800 * 365,
    "revenue_vs_target": 1000 / 3650,           # the annual target itself
}


@pytest.mark.parametrize("kpi", sorted(EXPECTED))
def test_year_value(yearly: Report, kpi: str) -> None:
    expected = YEAR_DIFFERS.get(kpi, EXPECTED[kpi][3])
    assert same(yearly.value(kpi), expected), (kpi, yearly.value(kpi))


def test_no_kpi_is_unavailable_on_the_full_fixture(monthly: Report) -> None:
    assert monthly.unavailable == {}
    assert [k.id for k in monthly.computed] == list(default_catalog().kpi_order())


@pytest.mark.parametrize(("kpi", "period", "note"), [
    ("gross_margin", "2026-03", "no value: Revenue (net sales) is 0 in this period"),
    ("lead_conversion_rate", "2026-03", "no value: leads created is 0 in this period"),
    ("first_contact_resolution", "2026-02", "no value: requests answered by an agent is 0 in this period"),
    ("sales_growth", "2026-01", "no value: the previous period's Revenue (net sales) is not available for this period"),
    ("expenses_vs_budget", "2026-03",
     "no value: the budget of Operating expenses (cost) is not available for this period"),
    ("dso", "2026-03", "no value: credit sales (invoiced) is 0 in this period"),
    ("monthly_active_users", "2026-03", "no value: active-user readings is 0 in this period"),
])
def test_zero_denominator_gives_no_value_and_a_note(monthly: Report, kpi: str, period: str, note: str) -> None:
    p = parse_period(period)
    assert monthly.value(kpi, p) is None
    assert monthly.notes[(kpi, p)] == note


def test_every_missing_value_has_a_note(monthly: Report) -> None:
    for kid in monthly.values.index:
        for p in monthly.periods:
            if monthly.value(kid, p) is None:
                assert (kid, p) in monthly.notes, (kid, p)


def test_empty_period_counts_are_zero_not_missing(monthly: Report) -> None:
    march = parse_period("2026-03")
    for kid in ("new_leads", "complaints", "revenue", "app_downloads", "tickets_opened", "email_campaigns"):
        assert monthly.value(kid, march) == 0.0


def test_whole_empty_dataset_period_still_computes() -> None:
    """A month before any activity: every count 0, every ratio without value, no exception."""
    report = compute_report(dataset(), default_catalog(), Grain.MONTH, parse_period("2026-03"))
    assert report.value("customers", parse_period("2026-03")) == 3.0
    assert report.value("csat", parse_period("2026-03")) is None


def test_hashtag_breakdown_counts_a_row_for_each_of_its_hashtags() -> None:
    report = compute_report(dataset(), default_catalog(), Grain.MONTH, parse_period("2026-01"))
    b = report.breakdown("hashtag_performance", "hashtag")
    assert b is not None
    assert b.values["value"].to_dict() == {"#b": 75.0, "#a": 50.0}   # "#a #b" gives its 50 to both
    assert list(b.values["rank"]) == [1, 2]


def test_followers_by_platform_use_each_platforms_latest_count() -> None:
    report = compute_report(dataset(), default_catalog(), Grain.MONTH, parse_period("2026-02"))
    m = report.measures
    assert m.at["followers_at_start", parse_period("2026-02")] == 1100 + 520
    assert m.at["followers_at_end", parse_period("2026-02")] == 1150 + 520


def test_market_given_per_year_is_split_over_months_by_days() -> None:
    market = pd.DataFrame({"period": pd.Series(["2026"], dtype="string"), "market_sales": [36500.0]})
    report = compute_report(dataset(market=market), default_catalog(), Grain.MONTH, parse_period("2026-02"))
    assert report.measures.at["market_sales_total", parse_period("2026-01")] == pytest.approx(3100.0)
    assert report.value("market_share", parse_period("2026-02")) == pytest.approx(400 / 2800)
