"""The twelve walking-skeleton KPIs against hand-computed values, at every grain.

Quarter and year values are worked out from their own rows (see fixtures.py), never from
months: Q1 churn is 2 lost / 3 at the start of January, not the mean of monthly churn.
"""

from __future__ import annotations

import functools
import math

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.periods import Grain, parse_period

from .fixtures import small_dataset

NAN = float("nan")

CASES = [
    # (kpi, period, expected)
    ("revenue", "2026-01", 400.0),            # 100 + 300
    ("revenue", "2026-02", 200.0),            # the cancelled 999 is left out
    ("revenue", "2026-03", 0.0),
    ("revenue", "2026-Q1", 600.0),
    ("revenue", "2026-Q2", 400.0),            # the returned 100 is left out
    ("revenue", "2026", 1000.0),
    ("gross_margin", "2026-01", 140 / 400),
    ("gross_margin", "2026-02", 0.5),
    ("gross_margin", "2026-03", NAN),         # no revenue: no value
    ("gross_margin", "2026-Q1", 240 / 600),
    ("gross_margin", "2026-Q2", 0.25),
    ("gross_margin", "2026", 340 / 1000),
    ("average_order_value", "2026-01", 200.0),
    ("average_order_value", "2026-03", NAN),  # no orders
    ("average_order_value", "2026-Q1", 200.0),
    ("average_order_value", "2026", 250.0),   # 1000 / 4 orders
    ("new_leads", "2026-01", 2.0),
    ("new_leads", "2026-02", 3.0),
    ("new_leads", "2026-03", 0.0),
    ("new_leads", "2026-Q1", 5.0),
    ("new_leads", "2026", 6.0),
    ("lead_conversion_rate", "2026-01", 0.5),
    ("lead_conversion_rate", "2026-02", 1 / 3),
    ("lead_conversion_rate", "2026-03", NAN),
    ("lead_conversion_rate", "2026-Q1", 0.4),
    ("lead_conversion_rate", "2026-Q2", 1.0),
    ("lead_conversion_rate", "2026", 0.5),
    # Customers: A, B, D at the start of January; C and G join in January, D leaves on Jan 5,
    # B on Feb 10, E joins on Mar 1 and leaves on May 20, F joins on Apr 30 and H on May 25.
    ("customers", "2026-01", 4.0),            # A, B, C, G (D lost on Jan 5)
    ("customers", "2026-02", 3.0),            # A, C, G
    ("customers", "2026-03", 4.0),            # A, C, E, G
    ("customers", "2026-Q1", 4.0),
    ("customers", "2026-Q2", 5.0),            # A, C, F, G, H
    ("customers", "2026", 5.0),
    ("retention_rate", "2026-01", 2 / 3),     # (end 4 - acquired 2) / start 3
    ("retention_rate", "2026-02", 3 / 4),     # (3 - 0) / 4
    ("retention_rate", "2026-03", 1.0),       # (4 - 1) / 3
    ("retention_rate", "2026-Q1", 1 / 3),     # (4 - 3) / 3
    ("retention_rate", "2026-Q2", 3 / 4),     # (5 - 2) / 4
    ("retention_rate", "2026", 0.0),          # (5 - 5) / 3
    # churn = lost / customers at the START; the end count differs in every row with a loss,
    # so dividing by it gives another number (shown after "not").
    ("churn_rate", "2026-01", 1 / 3),         # D lost, 3 at the start (not 1 / 4)
    ("churn_rate", "2026-02", 1 / 4),         # B lost, 4 at the start (not 1 / 3)
    ("churn_rate", "2026-03", 0.0),
    ("churn_rate", "2026-Q1", 2 / 3),         # D and B lost, 3 at the start (not 2 / 4)
    ("churn_rate", "2026-Q2", 1 / 4),         # E lost, 4 at the start (not 1 / 5)
    ("churn_rate", "2026", 1.0),              # D, B, E lost, 3 at the start (not 3 / 5)
    ("avg_resolution_time", "2026-01", 14400.0),
    ("avg_resolution_time", "2026-02", 90000.0),   # (172800 + 7200) / 2
    ("avg_resolution_time", "2026-03", NAN),
    ("avg_resolution_time", "2026-Q1", 64800.0),   # (14400 + 172800 + 7200) / 3
    ("avg_resolution_time", "2026-Q2", 86400.0),
    ("avg_resolution_time", "2026", 70200.0),
    ("csat", "2026-01", 11 / 3),              # blank rating not counted
    ("csat", "2026-02", 3.0),
    ("csat", "2026-03", NAN),
    ("csat", "2026-Q1", 3.5),
    ("csat", "2026", 3.8),
    ("nps", "2026-01", 25.0),                 # (2 - 1) / 4 answers
    ("nps", "2026-02", -100.0),
    ("nps", "2026-03", NAN),
    ("nps", "2026-Q1", 0.0),
    ("nps", "2026-Q2", 100.0),
    ("nps", "2026", 100 / 6),
    ("dso", "2026-01", 31.0),                 # 1500 open / 1500 invoiced x 31 days
    ("dso", "2026-02", 7.0),                  # 500 / 2000 x 28
    ("dso", "2026-03", 800 / 300 * 31),
    ("dso", "2026-Q1", 800 / 3800 * 90),
    ("dso", "2026-Q2", 500 / 600 * 91),
    ("dso", "2026", 500 / 4400 * 365),
]


@functools.cache
def _report(period: str):
    """One report per period for all its cases (the cases only read it)."""
    p = parse_period(period)
    grain = {"M": Grain.MONTH, "Q": Grain.QUARTER, "Y": Grain.YEAR}[p.freqstr[0]]
    return compute_report(small_dataset(), default_catalog(), grain, p)


def _value(kpi: str, period: str) -> float:
    return _report(period).values.at[kpi, parse_period(period)]


@pytest.mark.parametrize(("kpi", "period", "expected"), CASES, ids=[f"{k}-{p}" for k, p, _ in CASES])
def test_kpi_value(kpi: str, period: str, expected: float) -> None:
    got = _value(kpi, period)
    if math.isnan(expected):
        assert pd.isna(got)
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_zero_denominator_gives_a_note_not_zero() -> None:
    p = parse_period("2026-03")
    report = compute_report(small_dataset(), default_catalog(), Grain.MONTH, p)
    assert pd.isna(report.values.at["gross_margin", p])
    assert "is 0 in this period" in report.notes[("gross_margin", p)]
    assert "orders" in report.notes[("average_order_value", p)].lower()


def test_quarter_is_not_the_mean_of_its_months() -> None:
    months = compute_report(small_dataset(), default_catalog(), Grain.MONTH, parse_period("2026-03"))
    monthly = [months.values.at["churn_rate", parse_period(f"2026-0{m}")] for m in (1, 2, 3)]
    quarter = _value("churn_rate", "2026-Q1")
    assert quarter == pytest.approx(2 / 3)
    assert quarter != pytest.approx(sum(monthly) / 3)


def test_missing_table_is_reported_and_the_rest_still_computes() -> None:
    ds = small_dataset()
    del ds.tables["surveys"]
    ds.tables["tickets"] = ds.tables["tickets"].drop(columns=["resolved_at"])
    report = compute_report(ds, default_catalog(), Grain.MONTH, parse_period("2026-02"))
    assert report.unavailable["nps"].reason() == "needs table 'surveys'"
    assert report.unavailable["avg_resolution_time"].reason() == "needs 'tickets' columns resolved_at"
    assert report.values.at["revenue", parse_period("2026-02")] == 200.0


def test_latest_complete_period_is_the_default() -> None:
    report = compute_report(small_dataset(), default_catalog(), Grain.MONTH)
    # The last dated row is the 2026-06-10 payment... but event dates (order, lead, ticket,
    # invoice, survey) end on 2026-05-05, so May is not complete and April is the default.
    assert str(report.period) == "2026-04"
