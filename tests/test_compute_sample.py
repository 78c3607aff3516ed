"""The whole catalog on the sample company's workbooks, checked against direct pandas maths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.engine import kpi_values
from kpireport.compute.run import compute_report
from kpireport.config import load_config
from kpireport.dataset import Dataset
from kpireport.periods import Grain
from kpireport.pipeline import run
from kpireport.render.json_out import report_dict
from kpireport.schema import default_schema

from .conftest import SAMPLES, sample_dataset

CAT = default_catalog()
pytestmark = pytest.mark.skipif(not any(SAMPLES.glob("*.xlsx")), reason="sample workbooks not generated")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return sample_dataset()


@pytest.fixture(scope="module")
def reports(ds: Dataset) -> dict[Grain, object]:
    return {g: compute_report(ds, CAT, g) for g in Grain}


@pytest.mark.parametrize("grain", list(Grain), ids=lambda g: g.value)
def test_every_kpi_has_a_value_for_the_latest_complete_period(reports: dict, grain: Grain) -> None:
    r = reports[grain]
    assert {k: u.reason() for k, u in r.unavailable.items()} == {}
    missing = {k: r.notes.get((k, r.period)) for k in CAT.kpis if r.value(k) is None}
    assert missing == {}
    assert len(r.computed) == len(CAT.kpis) == 97  # 70 + issue 16: 15 pipeline and shop, 12 service, churn, campaign


def test_sample_targets_budgets_okrs_and_breakdowns(reports) -> None:
    r = reports[Grain.MONTH]
    assert r.target("revenue") is not None and r.budget("operating_expenses") is not None
    expected = r.value("operating_expenses") / r.budget("operating_expenses")
    assert r.value("expenses_vs_budget") == pytest.approx(expected)
    assert sum(len(o.key_results) for o in r.okrs) == 6
    assert all(kr.current is not None for o in r.okrs for kr in o.key_results)
    dims = {(b.kpi, b.dimension) for b in r.breakdowns}
    for wanted in [("sales_by_region", "region"), ("revenue", "sales_rep"), ("revenue_vs_target", "line_of_business"),
                   ("expenses_vs_budget", "line_of_business"), ("hashtag_performance", "hashtag"),
                   ("revenue", "segment"), ("revenue", "channel")]:
        assert wanted in dims, wanted
    region = r.breakdown("sales_by_region", "region").values
    assert region["target"].notna().all() and region["value"].sum() == pytest.approx(r.value("revenue"))


def _in(s: pd.Series, p: pd.Period) -> pd.Series:
    return (s >= p.start_time) & (s <= p.end_time)


def test_quarter_equals_a_recomputation_from_only_that_quarters_rows(ds: Dataset, reports) -> None:
    """Flow KPIs of single-date tables: a Dataset cut down to the quarter's rows gives the same values."""
    rq = reports[Grain.QUARTER]
    q = rq.period
    schema = default_schema()
    cut: dict[str, pd.DataFrame] = {}
    for name, df in ds.tables.items():
        first = schema.tables[name].required[0]
        if pd.api.types.is_datetime64_any_dtype(df[first]):
            cut[name] = df[_in(df[first], q).to_numpy()]
    date_of = {n: schema.tables[n].required[0] for n in cut}
    chosen = [k for k in CAT.kpi_order() if CAT.is_flow(k) and "prev(" not in CAT.kpis[k].formula_text
              and "target(" not in CAT.kpis[k].formula_text and "budget(" not in CAT.kpis[k].formula_text
              and all(CAT.measures[m].table in cut and CAT.measures[m].date == date_of[CAT.measures[m].table]
                      for m in CAT.measures_of(k))]
    assert len(chosen) > 30
    values, _ = kpi_values(Dataset(tables=cut), CAT, [q], kpis=chosen)
    for k in chosen:
        assert values.at[k, q] == pytest.approx(rq.value(k), rel=1e-9), k


def test_distinct_counts_and_stocks_of_a_quarter_by_direct_pandas(ds: Dataset, reports) -> None:
    rq, q = reports[Grain.QUARTER], reports[Grain.QUARTER].period
    c = ds.tables["customers"]
    at_end = ((c["acquired_date"] <= q.end_time) & (c["lost_date"].isna() | (c["lost_date"] > q.end_time))).sum()
    at_start = ((c["acquired_date"] < q.start_time) & (c["lost_date"].isna() | (c["lost_date"] >= q.start_time))).sum()
    lost = _in(c["lost_date"], q).sum()
    assert rq.value("customers") == at_end
    assert rq.value("churn_rate") == pytest.approx(lost / at_start)
    camp = ds.tables["campaigns"]
    email = camp[_in(camp["date"], q) & (camp["channel"].str.lower() == "email")]
    assert rq.value("email_campaigns") == email["campaign_id"].nunique()
    o = ds.tables["orders"]
    o = o[_in(o["order_date"], q) & ~o["status"].str.lower().isin(["cancelled", "returned"])]
    per_customer = o.groupby("customer_id").size()
    assert rq.value("repeat_purchase_rate") == pytest.approx((per_customer >= 2).sum() / len(per_customer))
    # The quarter is not the mean of its months.
    rm = reports[Grain.MONTH]
    months = [p for p in rm.periods if p.end_time <= q.end_time and p.start_time >= q.start_time]
    assert len(months) == 3
    assert rq.value("repeat_purchase_rate") > max(rm.value("repeat_purchase_rate", p) for p in months)


def test_ytd_revenue_is_the_sum_from_the_year_start(ds: Dataset, reports) -> None:
    r = reports[Grain.MONTH]
    o = ds.tables["orders"]
    start = pd.Timestamp(year=r.period.year, month=1, day=1)
    keep = (o["order_date"] >= start) & (o["order_date"] <= r.period.end_time)
    keep &= ~o["status"].str.lower().isin(["cancelled", "returned"])
    assert r.ytd_value("revenue") == pytest.approx(o.loc[keep, "revenue"].sum())


def test_a_kpi_defined_only_in_the_config_file_is_computed(tmp_path: Path) -> None:
    config = tmp_path / "kpireport.yaml"
    config.write_text("""
measures:
  web_orders:
    label: {en: Web orders, tr: Web siparişleri}
    table: orders
    agg: count
    date: order_date
    where: {channel: {in: [web]}, status: {not_in: [cancelled, returned]}}
kpis:
  web_order_share:
    name: {en: Share of orders placed on the web, tr: Web siparişlerinin payı}
    category: ecommerce
    unit: percent
    direction: higher
    formula: web_orders / order_count
    breakdowns: [region]
  ces: {direction: lower}
  sms_sent: {hidden: true}
""", encoding="utf-8")
    cfg = load_config(config)
    report = run([SAMPLES], cfg)
    assert "web_order_share" in report.values.index
    share = report.value("web_order_share")
    assert share is not None and 0 < share < 1
    out = report_dict(report)
    assert out["kpis"]["web_order_share"]["value"] == pytest.approx(share)
    assert out["kpis"]["ces"]["direction"] == "lower"
    assert "sms_sent" not in out["kpis"]
    assert any(b["kpi"] == "web_order_share" and b["dimension"] == "region" for b in out["breakdowns"])


@pytest.mark.parametrize("grain", [Grain.MONTH, Grain.QUARTER], ids=lambda g: g.value)
def test_breakdowns_in_one_evaluation_equal_one_evaluation_per_member(ds, reports, grain, monkeypatch) -> None:
    """Every member of a breakdown is evaluated at once over frames; member by member gives the same."""
    from kpireport.compute import breakdowns

    at_once = reports[grain].breakdowns
    vectorised = [b for b in at_once if breakdowns.formula_calls(CAT, b.kpi) <= breakdowns._ELEMENTWISE]
    assert len(vectorised) > 0.8 * len(at_once)
    monkeypatch.setattr(breakdowns, "VECTOR", False)
    one_by_one = compute_report(ds, CAT, grain).breakdowns
    assert [(b.kpi, b.dimension) for b in at_once] == [(b.kpi, b.dimension) for b in one_by_one]
    for a, b in zip(at_once, one_by_one, strict=True):
        pd.testing.assert_frame_equal(a.values, b.values, obj=f"{a.kpi} by {a.dimension}")
