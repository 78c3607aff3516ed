"""Real export shapes, no config: every hand-computed figure of tests/export_shapes.py comes out.

Line grain (an order id on every line), related files joined by key (items -> orders ->
customers, items -> products, reviews -> orders, deals -> sales teams), a returns list and
customers derived from first orders.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

from kpireport.config import Config
from kpireport.pipeline import load_dataset, run

from . import export_shapes

OCTOBER = "2026-10"
SHAPES = {
    "order_lines": export_shapes.order_lines,
    "marketplace": export_shapes.marketplace,
    "superstore": export_shapes.superstore,
    "crm_pipeline": export_shapes.crm_pipeline,
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = {}
    for name, make in SHAPES.items():
        folder = tmp_path_factory.mktemp(name)
        expected = make(folder)
        out[name] = (run([folder], Config(), period=OCTOBER), expected, folder)
    return out


_KEYS = {
    "order_lines": ["revenue", "order_count", "average_order_value", "repeat_purchase_rate", "sales_growth",
                    "new_customers", "region:United Kingdom", "region:France", "region:Germany"],
    "marketplace": ["revenue", "order_count", "average_order_value", "csat", "new_customers", "repeat_purchase_rate",
                    "region:SP", "region:RJ", "line_of_business:cama_mesa_banho", "line_of_business:beleza_saude",
                    "line_of_business:esporte_lazer"],
    "superstore": ["revenue", "order_count", "average_order_value"],
    "crm_pipeline": ["win_rate", "sales_cycle_length", "manager:Dustin Brinkmann", "manager:Melvin Marxen",
                     "regional_office:Central", "regional_office:West"],
}
_KPI_FOR_BREAKDOWN = {"order_lines": "revenue", "marketplace": "revenue", "crm_pipeline": "win_rate"}


@pytest.mark.parametrize(("shape", "figure"), [(n, k) for n in _KEYS for k in _KEYS[n]])
def test_hand_computed_figure(reports, shape, figure):
    report, expected, _ = reports[shape]
    assert str(report.period) == OCTOBER
    if ":" in figure:
        dim, member = figure.split(":", 1)
        b = report.breakdown(_KPI_FOR_BREAKDOWN[shape], dim)
        assert b is not None, f"no {dim} breakdown of {_KPI_FOR_BREAKDOWN[shape]} for {shape}"
        got = b.values["value"].get(member)
    elif figure == "order_count":
        got = float(report.measures.loc["order_count", pd.Period(OCTOBER, "M")])
    else:
        got = report.value(figure)
    assert got == pytest.approx(expected[figure], rel=1e-9), f"{shape}: {figure}"


def test_every_expected_figure_is_checked(tmp_path):
    for name, make in SHAPES.items():
        folder = tmp_path / name
        folder.mkdir()
        assert set(make(folder)) == set(_KEYS[name])


def test_order_lines_keep_line_grain_and_derive_customers(tmp_path):
    export_shapes.order_lines(tmp_path)
    ds = load_dataset([tmp_path], Config())
    assert len(ds.tables["orders"]) == 12  # lines, not orders: revenue sums lines
    customers = ds.tables["customers"]
    assert sorted(customers["customer_id"]) == ["12583", "13047", "17850"]
    first = dict(zip(customers["customer_id"], customers["acquired_date"].dt.strftime("%Y-%m-%d"), strict=True))
    assert first == {"17850": "2026-09-03", "13047": "2026-09-15", "12583": "2026-10-20"}
    assert any("derived from the orders" in p.reason for p in ds.problems)


def test_marketplace_tables_are_joined_and_said(tmp_path):
    export_shapes.marketplace(tmp_path)
    ds = load_dataset([tmp_path], Config())
    orders = ds.tables["orders"]
    assert len(orders) == 8  # one row per item
    assert set(orders["customer_id"]) == {"u1", "u2", "u3"}  # the unique id, not the per-order one
    assert orders.loc[orders["order_id"] == "o4", "region"].tolist() == ["SP"] * 3
    assert ds.tables["surveys"]["customer_id"].tolist() == ["u1", "u2", "u1", "u2"]
    reasons = " | ".join(p.reason for p in ds.problems)
    assert "joined to their orders by order_id" in reasons
    assert "1 orders in the orders file have no lines" in reasons  # o6
    assert "5 customer ids belong to 3 unique customers" in reasons
    recognised = {s.table for s in ds.sources}
    assert {"orders", "order_items", "customers", "products", "surveys", "payments"} <= recognised


def test_returns_sheet_marks_orders_returned(tmp_path):
    export_shapes.superstore(tmp_path)
    ds = load_dataset([tmp_path], Config())
    orders = ds.tables["orders"]
    assert orders.loc[orders["order_id"] == "CA-3", "status"].tolist() == ["returned"]
    assert orders.loc[orders["order_id"] == "CA-1", "status"].isna().all()
    assert any("1 order(s) in the returns list" in p.reason for p in ds.problems)


def test_deals_take_manager_and_office_from_sales_teams(tmp_path):
    export_shapes.crm_pipeline(tmp_path)
    ds = load_dataset([tmp_path], Config())
    deals = ds.tables["opportunities"].set_index("opportunity_id")
    assert deals.loc["d4", "manager"] == "Melvin Marxen"
    assert deals.loc["d4", "regional_office"] == "West"


def test_repeated_customer_key_is_reported_by_cell_and_counted_once(tmp_path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,signup_date,region\nK1,2026-09-01,North\nK2,2026-10-03,South\nK1,2026-09-01,North\n"
        "K3,2026-10-09,South\n", encoding="utf-8")
    ds = load_dataset([tmp_path], Config())
    assert sorted(ds.tables["customers"]["customer_id"]) == ["K1", "K2", "K3"]
    cell = [p for p in ds.problems if "repeats row" in p.reason]
    assert [(p.cell, p.reason.split(";")[0]) for p in cell] == [("A4", "customer_id K1 repeats row 2")]
    report = run([tmp_path], Config(), period=OCTOBER)
    assert report.value("new_customers") == 2


def test_a_customer_in_two_files_is_counted_once(tmp_path):
    (tmp_path / "customers_north.csv").write_text(
        "customer_id,signup_date,region\nK1,2026-09-01,North\nK2,2026-10-03,North\n", encoding="utf-8")
    (tmp_path / "customers_south.csv").write_text(
        "customer_id,signup_date,region\nK2,2026-10-03,North\nK3,2026-10-09,South\n", encoding="utf-8")
    ds = load_dataset([tmp_path], Config())
    assert sorted(ds.tables["customers"]["customer_id"]) == ["K1", "K2", "K3"]
    warning = [p for p in ds.problems if "repeat a customer_id already seen" in p.reason]
    assert warning and "'K2'" in warning[0].reason and warning[0].column == "customer_id"
    assert run([tmp_path], Config(), period=OCTOBER).value("new_customers") == 2


def test_cli_reports_the_marketplace_with_no_config(tmp_path):
    data = tmp_path / "exports"
    data.mkdir()
    expected = export_shapes.marketplace(data)
    out = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(data), "--out", str(out),
                           "--period", OCTOBER, "-q"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    kpis = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))["kpis"]
    assert kpis["revenue"]["value"] == pytest.approx(expected["revenue"])
    assert kpis["csat"]["value"] == pytest.approx(expected["csat"])


def test_churn_snapshot_is_reported_as_of_a_date(tmp_path):
    expected = export_shapes.churn_snapshot(tmp_path)
    report = run([tmp_path], Config(as_of=dt.date(2026, 11, 30)), period="2026-11")
    for kid in ("churn_rate", "retention_rate", "new_customers", "customers"):
        assert report.value(kid) == pytest.approx(expected[kid]), kid
    by_contract = report.breakdown("churn_rate", "contract").values["value"]
    for member in ("Month-to-month", "One year", "Two year"):
        assert by_contract[member] == pytest.approx(expected[f"contract:{member}"]), member
    note = [p.reason for p in report.problems if "snapshot without dates" in p.reason]
    assert note and "as of 2026-11-30 (as_of in the config)" in note[0] and "describes 2026-11" in note[0]


def test_snapshot_alone_reports_its_own_month(tmp_path):
    export_shapes.churn_snapshot(tmp_path)
    report = run([tmp_path], Config(as_of=dt.date(2026, 12, 4)))
    assert [str(p) for p in report.periods] == ["2026-11"]  # not months of invented zero churn before it
    assert report.value("churn_rate") == pytest.approx(0.6)


@pytest.mark.parametrize(("as_of", "month"), [("2026-11-30", "2026-11"), ("2026-12-04", "2026-11"),
                                               ("2027-01-31", "2027-01"), ("2027-03-01", "2027-02")])
def test_snapshot_month_is_the_last_complete_month(as_of, month):
    from kpireport.model.snapshot import snapshot_month

    assert str(snapshot_month(pd.Timestamp(as_of))) == month


def test_call_centre_export(tmp_path):
    expected = export_shapes.call_centre(tmp_path)
    report = run([tmp_path], Config(), period=OCTOBER)
    for kid, value in expected.items():
        assert report.value(kid) == pytest.approx(value), kid
    assert ("Answered (Y/N)", "answered") in report.sources[0].mapping  # recognised, not ignored


@pytest.mark.parametrize("shape", ["marketplace", "churn_snapshot"])
def test_validate_sees_what_generate_computes(tmp_path, shape):
    """validate goes through the same semantic model: joined and snapshot tables give the same KPIs."""
    data = tmp_path / "exports"
    data.mkdir()
    getattr(export_shapes, shape)(data)
    done = subprocess.run([sys.executable, "-m", "kpireport", "validate", str(data)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = done.stdout.split("from records", 1)[1].split("cannot be computed", 1)[0]
    report = run([data], Config())
    assert {k.strip(" ,\n") for k in listed.split(":", 1)[1].split(",")} == {k.id for k in report.computed}


def test_campaign_response_list_is_read_as_customers(tmp_path):
    expected = export_shapes.campaign_responses(tmp_path)
    report = run([tmp_path], Config(), period=OCTOBER)
    assert report.value("new_customers") == expected["new_customers"]
    assert {s.table for s in report.sources} == {"customers"}


def test_order_items_without_their_orders_file_are_said_not_used(tmp_path):
    (tmp_path / "order_items.csv").write_text(
        "order_id,order_item_id,product_id,price\no1,1,p1,100.00\no1,2,p2,50.00\n", encoding="utf-8")
    ds = load_dataset([tmp_path], Config())
    said = [p for p in ds.problems if "has no orders file to take dates from" in p.reason]
    assert said and said[0].severity == "warning" and said[0].table == "order_items"
