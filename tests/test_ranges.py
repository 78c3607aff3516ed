"""Whole-range reports: `--period all` and `--period 2011..2014` give totals over the range.

The fixture is a small workbook written here. Its figures, by hand:

Orders (date, id, customer, revenue; no gap over 6 months, so no date is a stray):
    2011-01-10 O1 C1 100 | 2011-06-15 O2 C2 300 | 2011-06-20 O3 C3 100 | 2011-11-01 O4 C1 200
    2012-04-20 O5 C3 700 | 2012-09-05 O6 C2 500
Customers (id, acquired, lost): C1 2011-01-10 - | C2 2011-06-15 - | C3 2011-06-20 2012-05-01

- all (January 2011 - September 2012): revenue 1,900 from 6 orders, average order value
  1900 / 6 = 316.67; customers at the end 2 (C3 was lost in May 2012); 3 new, 1 lost. 2011..2012 has the
  same totals, and the customers at the end of December 2012: 2.
- 2011-01..2011-11: revenue 100 + 300 + 100 + 200 = 700 from 4 orders, average order value
  175; customers at the end of November 2011: 3; 3 new, none lost.
- 2011-Q2..2012-Q2: O2, O3, O4, O5: revenue 1,300 from 4 orders, average 325, recomputed over
  the range (the quarterly values 200, 200 and 700 would average to 366.67, which would be
  wrong); customers at the end of June 2012: 2; 2 new (C2, C3), 1 lost.
- 2011-06..2011-06: just June 2011, an ordinary month (400, 2 orders).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from kpireport.errors import UsageError
from kpireport.i18n import Translator
from kpireport.periods import grain_of, label, parse_period
from kpireport.ranges import bounds, is_all, is_range, parse_range, whole

from .test_cli import kpireport
from .test_trusted_input import _xlsx

D = dt.date
ORDERS = [["Order Date", "Order ID", "Customer ID", "Revenue"],
          [D(2011, 1, 10), "O1", "C1", 100], [D(2011, 6, 15), "O2", "C2", 300], [D(2011, 6, 20), "O3", "C3", 100],
          [D(2011, 11, 1), "O4", "C1", 200], [D(2012, 4, 20), "O5", "C3", 700], [D(2012, 9, 5), "O6", "C2", 500]]
CUSTOMERS = [["Customer ID", "Acquired Date", "Lost Date"],
             ["C1", D(2011, 1, 10), None], ["C2", D(2011, 6, 15), None], ["C3", D(2011, 6, 20), D(2012, 5, 1)]]


@pytest.mark.parametrize(("text", "fys", "start", "end", "stable"), [
    ("2011..2014", 1, "2011-01-01", "2014-12-31", "2011..2014"),
    ("2011..2014", 4, "2010-04-01", "2014-03-31", "2011..2014"),  # FY2011 ends in March 2011
    ("2023-Q1..2023-Q3", 1, "2023-01-01", "2023-09-30", "2023-Q1..2023-Q3"),
    ("2023-01..2023-06", 1, "2023-01-01", "2023-06-30", "2023-01..2023-06"),
    ("2023-01 .. 2023-06", 1, "2023-01-01", "2023-06-30", "2023-01..2023-06"),
    ("2011 – 2014", 1, "2011-01-01", "2014-12-31", "2011..2014"),  # the report's own label reads back
])
def test_a_range_runs_from_its_first_bound_to_its_last(text, fys, start, end, stable):
    p = parse_range(text, fys)
    assert is_range(p) and not is_all(p)
    assert p.start_time == pd.Timestamp(start)
    assert p.end_time.normalize() == pd.Timestamp(end)
    assert label(p) == stable
    assert label(parse_range(label(p), fys)) == stable


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-01..2023-01", "2023-01"),  # one month is that month, not a range
    ("2023-Q2..2023-Q2", "2023-Q2"),
])
def test_a_range_of_one_period_is_that_period(text, expected):
    p = parse_range(text)
    assert not is_range(p) and label(p) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("2014..2011", "ends before it starts"),
    ("2011..2023-Q1", "mixes a year and a quarter"),
    ("2011..soon", "is not a period"),
])
def test_a_bad_range_is_a_usage_error(text, message):
    with pytest.raises(UsageError, match=message):
        parse_range(text)


def test_single_periods_are_no_range():
    assert parse_range("2026-03") is None and parse_range("all") is None
    assert not is_range(parse_period("2026-Q1"))


def test_all_covers_the_data_months_and_says_so():
    p = whole(pd.Timestamp("2011-01-10"), pd.Timestamp("2014-12-05"))
    assert is_all(p) and grain_of(p).value == "month"
    assert (p.start_time, p.end_time.normalize()) == (pd.Timestamp("2011-01-01"), pd.Timestamp("2014-12-31"))
    assert [str(b) for b in bounds(p)] == ["2011-01", "2014-12"]
    assert label(p) == "all (2011-01..2014-12)"


@pytest.mark.parametrize(("text", "lang", "locale", "expected"), [
    ("2011..2014", "en", "en_US", "2011 – 2014"),
    ("2023-Q1..2023-Q3", "en", "en_US", "Q1 2023 – Q3 2023"),
    ("2023-01..2023-06", "en", "en_US", "January 2023 – June 2023"),
    ("2011..2014", "fa", "fa_IR", "۲۰۱۱ تا ۲۰۱۴"),
])
def test_range_labels_in_words(text, lang, locale, expected):
    assert Translator(lang, locale).period(parse_range(text)) == expected


def test_all_in_words():
    p = whole(pd.Timestamp("2011-01-10"), pd.Timestamp("2014-12-05"))
    assert Translator().period(p) == "all data: January 2011 – December 2014"
    assert Translator().period_short(p) == "all data: Jan 11 – Dec 14"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return _xlsx(tmp_path_factory.mktemp("ranges") / "shop.xlsx", {"Orders": ORDERS, "Customers": CUSTOMERS})


def _generate(workbook: Path, out: Path, period: str) -> dict:
    result = kpireport("generate", str(workbook), "--out", str(out), "--period", period, "--no-pdf")
    assert result.returncode == 0, result.stderr
    return json.loads((out / "kpi-report.json").read_text(encoding="utf-8")) | {"_stdout": result.stdout}


@pytest.mark.parametrize(("period", "stable", "words", "revenue", "aov", "customers", "new", "lost"), [
    ("all", "all (2011-01..2012-09)", "all data: January 2011 – September 2012", 1900, 1900 / 6, 2, 3, 1),
    ("2011..2012", "2011..2012", "2011 – 2012", 1900, 1900 / 6, 2, 3, 1),
    ("2011-01..2011-11", "2011-01..2011-11", "January 2011 – November 2011", 700, 175, 3, 3, 0),
    ("2011-Q2..2012-Q2", "2011-Q2..2012-Q2", "Q2 2011 – Q2 2012", 1300, 325, 2, 2, 1),
])
def test_range_totals_through_the_command_line(workbook, tmp_path, period, stable, words, revenue, aov, customers,
                                               new, lost):
    data = _generate(workbook, tmp_path / "out", period)
    assert data["period"] == stable and data["periods"] == [stable] and "calendar" not in data  # Gregorian
    k = data["kpis"]
    assert k["revenue"]["value"] == pytest.approx(revenue)
    assert k["average_order_value"]["value"] == pytest.approx(aov)  # recomputed, not an average of averages
    assert k["customers"]["value"] == pytest.approx(customers)  # a snapshot: at the range's end
    assert (k["new_customers"]["value"], k["lost_customers"]["value"]) == (new, lost)  # flows: over the range
    assert k["sales_growth"]["value"] is None
    assert k["sales_growth"]["note"] == "no value: a whole range has no previous period to compare with"
    assert f"KPIs for {words} (whole range, no comparison with a previous period)" in data["_stdout"]
    html = (tmp_path / "out" / "kpi-report.html").read_text(encoding="utf-8")
    assert words in html


def test_one_month_written_as_a_range_is_that_month(workbook, tmp_path):
    data = _generate(workbook, tmp_path / "out", "2011-06..2011-06")
    assert data["period"] == "2011-06" and data["kpis"]["revenue"]["value"] == pytest.approx(400)


@pytest.mark.parametrize(("period", "message"), [
    ("2010..2012", "the range 2010..2012 starts before the data (2010), which runs from 2011 to 2012"),
    ("2011-Q3..2012-Q4", "the range 2011-Q3..2012-Q4 ends after the data (2012-Q4), which runs from 2011-Q1 to "
                         "2012-Q3"),
])
@pytest.mark.parametrize("command", ["generate", "validate"])
def test_a_range_outside_the_data_is_a_usage_error(workbook, tmp_path, period, message, command):
    out = ["--out", str(tmp_path / "out")] if command == "generate" else []
    result = kpireport(command, str(workbook), *out, "--period", period)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("period", "said"), [("all", "Period all (2011-01..2012-09): inside the data."),
                                              ("2011..2012", "Period 2011..2012: inside the data.")])
def test_validate_takes_the_same_period(workbook, period, said):
    result = kpireport("validate", str(workbook), "--period", period)
    assert result.returncode == 0, result.stderr
    assert said in result.stdout


@pytest.mark.parametrize(("setting", "stable"), [("all", "all (2011-01..2012-09)"),
                                                 ("2011-Q2..2012-Q2", "2011-Q2..2012-Q2")])
def test_the_config_period_key_is_the_default_period(workbook, tmp_path, setting, stable):
    config = tmp_path / "kpireport.yaml"
    config.write_text(f"period: {setting}\n", encoding="utf-8")
    result = kpireport("generate", str(workbook), "--out", str(tmp_path / "out"), "--config", str(config), "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out" / "kpi-report.json").read_text(encoding="utf-8"))["period"] == stable


def test_a_config_period_that_is_no_period_names_its_line(workbook, tmp_path):
    config = tmp_path / "kpireport.yaml"
    config.write_text("language: en\nperiod: 2011..someday\n", encoding="utf-8")
    result = kpireport("validate", str(workbook), "--config", str(config))
    assert result.returncode != 0
    assert "kpireport.yaml:2" in result.stderr and "'someday' is not a period" in result.stderr


def test_targets_are_not_applied_to_a_range_and_it_says_so(tmp_path):
    book = _xlsx(tmp_path / "shop.xlsx", {"Orders": ORDERS, "Customers": CUSTOMERS,
                                          "Targets": [["KPI", "Period", "Target"], ["revenue", "2011-06", 500]]})
    month = _generate(book, tmp_path / "month", "2011-06")
    assert month["kpis"]["revenue"]["target"] == 500  # a single period has its target
    whole = _generate(book, tmp_path / "all", "all")
    assert whole["kpis"]["revenue"]["target"] is None
    assert any(p["reason"].startswith("targets and budgets are set per month, quarter or year and are not applied "
                                      "to a whole range") for p in whole["problems"])
