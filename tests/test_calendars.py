"""The Solar Hijri report calendar (`calendar: persian`): periods aligned to its months,
quarters and years, rows placed by their real day, labels in its month names.

Known dates (Iran's official calendar): Nowruz 1403 fell on 2024-03-20 and Nowruz 1404 on
2025-03-21, because 1403 is a leap year (Esfand 1403 has 30 days, Esfand 1402 has 29).
Farvardin 1403 is 2024-03-20 .. 2024-04-19, Mehr 1405 is 2026-09-23 .. 2026-10-22.

The command-line fixture (orders; day, revenue, and the Solar Hijri day it is):
    2024-03-19  100  1402-12-29, last day of Esfand 1402
    2024-03-20  200  1403-01-01, Nowruz
    2024-04-19  400  1403-01-31, last day of Farvardin
    2024-04-20  800  1403-02-01
    2024-08-15   10  1403-05-25 (Mordad)
    2024-12-15   20  1403-09-25 (Azar)
    2025-03-20 1600  1403-12-30, the leap day
    2025-03-21 3200  1404-01-01, Nowruz
so by Solar Hijri month: Esfand 1402 100, Farvardin 1403 600, Ordibehesht 800, Mordad 10,
Azar 20, Esfand 1403 1600, Farvardin 1404 3200 (Gregorian months would give March 2024 300,
April 1200, March 2025 4800). By quarter: 1403 Q1 1400, Q2 10, Q3 20, Q4 1600; the year 1403 3030.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from kpireport.calendars import Calendar
from kpireport.catalog import default_catalog
from kpireport.compute.engine import PERIOD_DAYS, compute_measures
from kpireport.compute.sql import MeasureEngine
from kpireport.errors import UsageError
from kpireport.i18n import Translator
from kpireport.periods import Grain

from .kpi_fixture import dataset, tables
from .test_cli import kpireport
from .test_trusted_input import _xlsx

PERSIAN = Calendar("persian")
D = dt.date
ORDERS = [["Order Date", "Order ID", "Revenue"],
          [D(2024, 3, 19), "O1", 100], [D(2024, 3, 20), "O2", 200], [D(2024, 4, 19), "O3", 400],
          [D(2024, 4, 20), "O4", 800], [D(2024, 8, 15), "O5", 10], [D(2024, 12, 15), "O6", 20],
          [D(2025, 3, 20), "O7", 1600], [D(2025, 3, 21), "O8", 3200]]


@pytest.mark.parametrize(("period", "freq", "first", "last", "days"), [
    ("1403-01", "M", "2024-03-20", "2024-04-19", 31),
    ("1402-12", "M", "2024-02-20", "2024-03-19", 29),
    ("1403-12", "M", "2025-02-19", "2025-03-20", 30),  # the leap Esfand
    ("1405-07", "M", "2026-09-23", "2026-10-22", 30),
    ("1403Q1", "Q-DEC", "2024-03-20", "2024-06-20", 93),
    ("1403", "Y-DEC", "2024-03-20", "2025-03-20", 366),
])
def test_a_solar_hijri_period_covers_its_real_days(period, freq, first, last, days):
    p = pd.Period(period, freq=freq)
    start, end = PERSIAN.span(p)
    assert (start, end.normalize()) == (pd.Timestamp(first), pd.Timestamp(last))
    assert end == pd.Timestamp(last) + pd.Timedelta(days=1) - pd.Timedelta(1, "us")
    assert PERSIAN.days(p) == days


@pytest.mark.parametrize(("day", "freq", "period"), [
    ("2024-03-19 23:59", "M", "1402-12"),
    ("2024-03-20 00:00", "M", "1403-01"),
    ("2025-03-20", "M", "1403-12"),
    ("2025-03-21", "M", "1404-01"),
    ("2024-06-21", "Q-DEC", "1403Q2"),
    ("2025-03-20", "Y-DEC", "1403"),
])
def test_a_real_day_falls_in_its_solar_hijri_period(day, freq, period):
    assert str(PERSIAN.period_of(pd.Timestamp(day), freq)) == period


def test_the_latest_complete_solar_hijri_month():
    assert str(PERSIAN.latest_complete(pd.Timestamp("2026-10-22"), Grain.MONTH)) == "1405-07"  # Mehr's last day
    assert str(PERSIAN.latest_complete(pd.Timestamp("2026-10-21"), Grain.MONTH)) == "1405-06"


def test_the_gregorian_calendar_is_pandas_own():
    p = pd.Period("2026-02", freq="M")
    assert Calendar().span(p) == (p.start_time, p.end_time) and Calendar().days(p) == 28


def test_an_unknown_calendar_is_refused():
    with pytest.raises(UsageError, match="calendar 'julian' is not known"):
        Calendar("julian")


@pytest.mark.parametrize(("lang", "locale", "period", "freq", "long", "short"), [
    ("en", "en_US", "1403-01", "M", "Farvardin 1403", "Far 03"),
    ("fa", "fa_IR", "1403-01", "M", "فروردین ۱۴۰۳", "فروردین ۰۳"),
    ("fa", "fa_IR", "1405-07", "M", "مهر ۱۴۰۵", "مهر ۰۵"),
    ("en", "en_US", "1403Q2", "Q-DEC", "Q2 1403", "Q2 03"),
    ("fa", "fa_IR", "1403", "Y-DEC", "۱۴۰۳", "۱۴۰۳"),
])
def test_solar_hijri_labels(lang, locale, period, freq, long, short):
    t = Translator(lang, locale, "persian")
    p = pd.Period(period, freq=freq)
    assert t.period(p) == long
    assert t.period_short(p) == short


def test_solar_hijri_dates_in_words():
    assert Translator("en", "en_US", "persian").date(dt.date(2024, 3, 20)) == "1 Farvardin 1403"
    assert Translator("fa", "fa_IR", "persian").date(dt.date(2026, 11, 3)) == "۱۲ آبان ۱۴۰۵"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("persian")
    _xlsx(folder / "orders.xlsx", {"Orders": ORDERS})
    (folder / "kpireport.yaml").write_text("calendar: persian\n", encoding="utf-8")
    return folder


def _revenue(shop: Path, out: Path, *args: str) -> dict:
    result = kpireport("generate", str(shop / "orders.xlsx"), "--out", str(out), "--config",
                       str(shop / "kpireport.yaml"), "--no-pdf", *args)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))
    return data | {"_stdout": result.stdout}


@pytest.mark.parametrize(("args", "period", "values"), [
    (["--period", "1404-01"], "1404-01",
     {"1402-12": 100, "1403-01": 600, "1403-02": 800, "1403-03": 0, "1403-05": 10, "1403-09": 20, "1403-12": 1600,
      "1404-01": 3200}),
    (["--period", "1403-Q4"], "1403-Q4", {"1402-Q4": 100, "1403-Q1": 1400, "1403-Q2": 10, "1403-Q3": 20,
                                          "1403-Q4": 1600}),
    (["--period", "1403"], "1403", {"1402": 100, "1403": 3030}),
    ([], "1403-12", {"1403-01": 600, "1403-12": 1600}),  # the latest complete month: Esfand 1403
])
def test_rows_are_placed_in_their_solar_hijri_period(shop, tmp_path, args, period, values):
    data = _revenue(shop, tmp_path / "out", *args)
    assert data["period"] == period and data["calendar"] == "persian"
    got = data["kpis"]["revenue"]["values"]
    for label, expected in values.items():
        assert got[label] == pytest.approx(expected), label


def test_the_summary_names_the_solar_hijri_month(shop, tmp_path):
    data = _revenue(shop, tmp_path / "out", "--period", "1403-01")
    assert "KPIs for Farvardin 1403 (month)" in data["_stdout"]
    assert "Farvardin 1403" in (tmp_path / "out" / "kpi-report.html").read_text(encoding="utf-8")


def test_a_solar_hijri_range(shop, tmp_path):
    data = _revenue(shop, tmp_path / "out", "--period", "1403-01..1403-12")
    assert data["period"] == "1403-01..1403-12"
    assert data["kpis"]["revenue"]["value"] == pytest.approx(3030)
    assert "KPIs for Farvardin 1403 – Esfand 1403" in data["_stdout"]
    whole = _revenue(shop, tmp_path / "all", "--period", "all")
    assert whole["period"] == "all (1402-12..1404-01)" and whole["kpis"]["revenue"]["value"] == pytest.approx(6330)


def test_a_gregorian_month_outside_the_solar_hijri_data_is_refused(shop, tmp_path):
    result = kpireport("generate", str(shop / "orders.xlsx"), "--out", str(tmp_path / "out"), "--config",
                       str(shop / "kpireport.yaml"), "--period", "2024-03")
    assert result.returncode == 2
    assert "2024-03 is after the data, which runs from 1402-12 to 1404-01" in result.stderr


# --- the engine on the catalog's fixture company (tests/kpi_fixture.py) ------------------------------------
# Orders 2026-01-05 C1 100 North, 01-12 C1 200 South, 01-20 C2 300 North, 01-25 C3 500 North (cancelled),
# 02-03 C2 400 South. Dey 1404 is 2025-12-22 .. 2026-01-20 (01-20 is its 30th and last day), Bahman
# 2026-01-21 .. 02-19, Esfand 02-20 .. 03-20. So Dey: net sales 600 from 3 orders of 2 buyers (North 400,
# South 200); Bahman: 400 from 1 order of 1 buyer (North 0: its order was cancelled, South 400); Esfand 0.
# Customers at each month's end (acquired by then, not lost by then): Dey C1 C2 C3 C4 (C4 acquired on
# 01-20; C6 lost 01-05) = 4; Bahman C1 C3 C5 (C4 lost 01-28, C2 02-10) = 3; Esfand the same 3.
MONTHS_1404 = [pd.Period(p, freq="M") for p in ("1404-10", "1404-11", "1404-12")]


@pytest.mark.parametrize(("measure", "expected"), [
    ("net_sales", [600, 400, 0]),
    ("order_count", [3, 1, 0]),
    ("buying_customers", [2, 1, 0]),
    ("customers_at_end", [4, 3, 3]),
])
def test_the_engine_places_rows_in_solar_hijri_months(measure, expected):
    engine = MeasureEngine(tables(), calendar=PERSIAN)
    got = engine.per_period([default_catalog().measures[measure]], MONTHS_1404)[measure][""]
    assert got.tolist() == expected


def test_solar_hijri_months_by_member_list_every_member():
    engine = MeasureEngine(tables(), calendar=PERSIAN)
    got = engine.per_period([default_catalog().measures["net_sales"]], MONTHS_1404, by="region")["net_sales"]
    assert got.to_dict(orient="list") == {"North": [400, 0, 0], "South": [200, 400, 0]}


def test_period_days_are_the_solar_hijri_months_days():
    measures = compute_measures(dataset(), default_catalog(), {"net_sales"}, MONTHS_1404,
                                engine=MeasureEngine(tables(), calendar=PERSIAN))
    assert measures.loc[PERIOD_DAYS].tolist() == [30, 30, 29]  # Dey, Bahman, Esfand of a common year


def test_an_unknown_calendar_in_the_config_names_its_line(shop, tmp_path):
    config = tmp_path / "kpireport.yaml"
    config.write_text("language: fa\ncalendar: julian\n", encoding="utf-8")
    result = kpireport("validate", str(shop / "orders.xlsx"), "--config", str(config))
    assert result.returncode != 0
    assert "kpireport.yaml:2" in result.stderr and "'julian' is not a calendar" in result.stderr
    assert "Use gregorian or persian" in result.stderr
