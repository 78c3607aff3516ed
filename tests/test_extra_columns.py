"""Columns no canonical table names are kept as extra columns, and custom measures may read them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.catalog.formula import names, parse
from kpireport.config import load_config
from kpireport.errors import CatalogError
from kpireport.mapping.extras import safe_name
from kpireport.pipeline import run

ORDERS = """order_id,order_date,revenue,Gift Wrap Fee (TL),Coupon,Region
A1,2026-01-05,100,10,SPRING,North
A2,2026-01-20,200,15,,South
A3,2026-02-03,300,5,SPRING,North
A4,2026-02-10,50,2.5,WINTER,South
"""

CONFIG = """
measures:
  delivery_fees:
    label: {{en: Delivery fees}}
    table: orders
    agg: sum
    value: {value}
    date: order_date
  coupon_orders:
    table: orders
    agg: count
    date: order_date
    where: {{coupon: {{in: [spring]}}}}
kpis:
  delivery_fee_share:
    name: {{en: Delivery fees as a share of revenue}}
    category: financial
    unit: percent
    direction: lower
    formula: delivery_fees / revenue
  spring_coupon_orders:
    name: {{en: Orders with the spring coupon}}
    category: sales
    unit: count
    direction: higher
    formula: coupon_orders
"""


@pytest.mark.parametrize(("header", "name"), [
    ("Delivery Fee (TL)", "delivery_fee_tl"),
    ("Teslimat Ücreti", "teslimat_ucreti"),
    ("Kargo Şirketi", "kargo_sirketi"),
    ("2nd Price", "col_2nd_price"),
    ("Promised-By", "promised_by"),
    ("%", ""),
])
def test_safe_names(header: str, name: str) -> None:
    assert safe_name(header) == name


@given(st.text(max_size=30))
def test_a_safe_name_is_a_formula_name_or_empty(header: str) -> None:
    name = safe_name(header)
    assert name == "" or (re.fullmatch(r"[a-z_][a-z0-9_]*", name) and names(parse(name)) == {name})


def _setup(tmp_path: Path, value: str) -> tuple[Path, Path]:
    data = tmp_path / "orders.csv"
    data.write_text(ORDERS, encoding="utf-8")
    config = tmp_path / "kpireport.yaml"
    config.write_text(CONFIG.format(value=value), encoding="utf-8")
    return data, config


@pytest.mark.parametrize(("period", "fees", "revenue", "spring"), [
    ("2026-01", 25.0, 300.0, 1.0),   # A1 10 + A2 15; A1 has the spring coupon
    ("2026-02", 7.5, 350.0, 1.0),    # A3 5 + A4 2.5; A3 spring, A4 winter
])
def test_a_custom_kpi_reads_an_extra_column(tmp_path: Path, period: str, fees: float, revenue: float,
                                            spring: float) -> None:
    data, config = _setup(tmp_path, "gift_wrap_fee_tl")
    report = run([data], load_config(config), period=period)
    assert report.value("delivery_fee_share") == pytest.approx(fees / revenue)
    assert report.value("spring_coupon_orders") == spring
    kept = [p.reason for p in report.problems if "kept as extra column" in p.reason]
    assert kept == ["kept as extra column(s), which custom measures in the config may read: gift_wrap_fee_tl "
                    "('Gift Wrap Fee (TL)'), coupon ('Coupon')"]


def test_an_unknown_column_in_a_custom_measure_names_the_kpi_and_the_column(tmp_path: Path) -> None:
    data, config = _setup(tmp_path, "gift_wrap_fees_tl")
    with pytest.raises(CatalogError) as err:
        run([data], load_config(config))
    text = str(err.value) + " " + (err.value.hint or "")
    assert "KPI delivery_fee_share" in text and "'gift_wrap_fees_tl'" in text and "'orders'" in text
    assert "coupon, gift_wrap_fee_tl" in text
