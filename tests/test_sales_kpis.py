"""Issue 16's CRM-pipeline and shop KPIs on real export shapes, at month, quarter and year.

Every figure is hand-computed in the docstring of its shape in tests/export_shapes.py. A KPI a
shape cannot give must be "could not be computed" naming what is missing, never 0.
"""

from __future__ import annotations

import pytest

from kpireport.config import Config
from kpireport.pipeline import load_dataset, run

from . import export_shapes as shapes

SHAPES = {
    "crm_deals": shapes.crm_deals,
    "order_lines_year": shapes.order_lines_year,
    "marketplace_year": shapes.marketplace_year,
    "superstore_year": shapes.superstore_year,
}
PERIODS = (shapes.MONTH, shapes.QUARTER, shapes.YEAR)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for name, make in SHAPES.items():
        folder = tmp_path_factory.mktemp(name)
        out[name] = (folder, make(folder))
    return out


@pytest.fixture(scope="module")
def reports(built):
    return {(name, p): run([folder], Config(), period=p) for name, (folder, _) in built.items() for p in PERIODS}


def _expected(name):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        return SHAPES[name](Path(d))


CASES = [(name, kid, i) for name in SHAPES for kid in _expected(name)["figures"] for i in range(3)]
BREAKDOWNS = [(name, kid, dim) for name in SHAPES for kid, dim in _expected(name)["quarter_breakdowns"]]
CANNOT = [(name, kid) for name in SHAPES for kid in _expected(name)["cannot"]]


@pytest.mark.parametrize(("shape", "kpi", "grain"), CASES, ids=[f"{s}-{k}-{PERIODS[g]}" for s, k, g in CASES])
def test_figure_at_month_quarter_and_year(built, reports, shape, kpi, grain):
    period = PERIODS[grain]
    report = reports[(shape, period)]
    assert kpi not in report.unavailable, report.unavailable.get(kpi)
    want = built[shape][1]["figures"][kpi][grain]
    assert report.value(kpi) == pytest.approx(want, rel=1e-9), f"{shape}: {kpi} at {period}"


@pytest.mark.parametrize(("shape", "kpi", "dim"), BREAKDOWNS)
def test_quarter_breakdown(built, reports, shape, kpi, dim):
    b = reports[(shape, shapes.QUARTER)].breakdown(kpi, dim)
    assert b is not None, f"no {dim} breakdown of {kpi}"
    want = built[shape][1]["quarter_breakdowns"][(kpi, dim)]
    got = {m: b.values["value"].get(m) for m in want}
    assert got == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize(("shape", "kpi"), CANNOT)
def test_what_the_shape_lacks_is_not_computed_and_named(built, reports, shape, kpi):
    report = reports[(shape, shapes.YEAR)]
    assert kpi in report.unavailable and report.value(kpi) is None
    why = report.unavailable[kpi].missing
    lacking = built[shape][1]["cannot"][kpi]
    assert lacking in why or any(lacking in cols for cols in why.values()), why


def test_a_percent_probability_is_read_as_a_fraction(built):
    folder = built["crm_deals"][0]
    ds = load_dataset([folder], Config())
    deals = ds.tables["opportunities"].set_index("opportunity_id")
    assert deals.loc["e9", "probability"] == pytest.approx(0.6)
    assert any("read as percentages" in p.reason for p in ds.problems)


def test_a_discount_rate_becomes_the_amount_off_the_list_price(built):
    ds = load_dataset([built["superstore_year"][0]], Config())
    orders = ds.tables["orders"]
    assert sorted(orders["discount"].round(9).tolist()) == [0, 0, 0, 0, 10, 25, 40, 100]
    assert any("holds rates between 0 and 1" in p.reason for p in ds.problems)


def test_a_discount_in_money_is_left_as_it_is(tmp_path):
    (tmp_path / "orders.csv").write_text(
        "order_id,order_date,revenue,discount,status\nA1,2026-09-02,90,10,completed\nA2,2026-09-03,50,0.5,completed\n",
        encoding="utf-8")
    report = run([tmp_path], Config(), period=shapes.MONTH)
    assert report.value("discount_rate") == pytest.approx(10.5 / 150.5)


@pytest.mark.parametrize(("delivered", "due", "on_time"), [
    ("2026-09-10 15:00", "2026-09-10", 1.0),      # delivered on the due day, after midnight: on time
    ("2026-09-11 00:30", "2026-09-10", 0.0),      # the next day: late
    ("2026-09-10 15:00", "2026-09-10 12:00", 0.0),  # both with a time of day: compared by the minute
])
def test_on_time_compares_a_date_only_side_by_day(tmp_path, delivered, due, on_time):
    (tmp_path / "orders.csv").write_text(
        "order_id,order_date,revenue,due_date,delivered_date\n"
        f"A1,2026-09-01,100,{due},{delivered}\nA2,2026-09-02,100,2026-09-12,2026-09-05 09:00\n", encoding="utf-8")
    report = run([tmp_path], Config(), period=shapes.MONTH)
    assert report.value("on_time_order_delivery") == pytest.approx((on_time + 1) / 2)


@pytest.mark.parametrize(("shape", "first_tiles"), [
    ("crm_deals", ["won_revenue", "win_rate", "open_pipeline_value"]),
    ("superstore_year", ["revenue", "gross_profit", "gross_margin", "new_customers", "average_order_value",
                         "return_rate"]),
])
def test_a_pipeline_or_a_shop_alone_leads_the_summary_with_its_headline(reports, shape, first_tiles):
    import datetime as dt

    from kpireport.render.html import build_context

    ctx = build_context(reports[(shape, shapes.QUARTER)], Config(), dt.date(2026, 10, 5), {}, email=False)
    assert [t["id"] for t in ctx["tiles"]][:len(first_tiles)] == first_tiles


def test_a_sum_with_a_key_takes_each_order_once_in_periods_and_year_to_date(tmp_path):
    """O1 has three lines delivered after 10 days, O2 one line after 2 days, O3 (August) one line
    after 4 days: September averages (10 + 2) / 2 = 6 days, not (3 x 10 + 2) / 4 = 8; the year to
    September (10 + 2 + 4) / 3, not (30 + 2 + 4) / 5."""
    (tmp_path / "order_lines.csv").write_text(
        "order_id,order_date,revenue,delivered_date\n"
        "O3,2026-08-01,40,2026-08-05\n"
        "O1,2026-09-01,10,2026-09-11\nO1,2026-09-01,20,2026-09-11\nO1,2026-09-01,30,2026-09-11\n"
        "O2,2026-09-10,50,2026-09-12\n", encoding="utf-8")
    report = run([tmp_path], Config(), period=shapes.MONTH)
    assert report.value("avg_delivery_days") == pytest.approx(6.0)
    assert report.ytd_value("avg_delivery_days") == pytest.approx(16 / 3)
