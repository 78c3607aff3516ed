"""Cell value parsers: table-driven rules plus properties over generated values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.validate import columns as conv
from kpireport.validate.parsers import (
    excel_serial,
    guess_day_first,
    guess_decimal,
    parse_bool,
    parse_date_text,
    parse_number,
)


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("1234", ".", 1234.0),
    ("$1,234.50", ".", 1234.5),
    ("1.234,56 TL", ",", 1234.56),
    ("₺ 1.234.567,8", ",", 1234567.8),
    ("(12)", ".", -12.0),
    ("12-", ".", -12.0),
    ("-0.5", ".", -0.5),
    ("12%", ".", 0.12),
    ("12,5%", ",", 0.125),
    ("€ 99", ".", 99.0),
    ("1 234,5", ",", 1234.5),
    ("USD 2,000", ".", 2000.0),
    ("+7", ".", 7.0),
])
def test_parse_number(text: str, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "decimal"), [
    ("abc", "."), ("12A", "."), ("1,23,4.5", "."), ("1.2.3", ","), ("", "."), ("#DIV/0!", "."), ("1,2345.6", "."),
])
def test_parse_number_refuses(text: str, decimal: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text, decimal)


@pytest.mark.parametrize(("samples", "expected"), [
    (["1.234,56", "12,5"], ","),
    (["1,234.56", "12.5"], "."),
    (["1,234", "5"], "."),  # nothing unambiguous: the default
    (["3,25", "4,10", "1.000,00"], ","),
])
def test_guess_decimal(samples: list[str], expected: str) -> None:
    assert guess_decimal(samples, ".") == expected


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("2026-12-31", True, "2026-12-31"),
    ("2026-12-31 14:05", True, "2026-12-31 14:05"),
    ("2026-12-31T14:05:09", True, "2026-12-31 14:05:09"),
    ("31.12.2026", False, "2026-12-31"),
    ("12/31/2026", True, "2026-12-31"),
    ("03/04/2026", True, "2026-04-03"),
    ("03/04/2026", False, "2026-03-04"),
    ("31 Ara 2026", True, "2026-12-31"),
    ("1 Ocak 2026", True, "2026-01-01"),
    ("5 Şubat 2026", True, "2026-02-05"),
    ("14 Mar 2026", True, "2026-03-14"),
    ("Dec 31, 2026", True, "2026-12-31"),
    ("31.12.26", True, "2026-12-31"),
])
def test_parse_date_text(text: str, day_first: bool, expected: str) -> None:
    assert parse_date_text(text, day_first) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["31.02.2026", "2026-13-01", "yesterday", "31 Foo 2026", "12"])
def test_parse_date_text_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_text(text)


def test_day_first_is_decided_by_the_column() -> None:
    assert guess_day_first(["01/02/2026", "25/02/2026"], default=False) is True
    assert guess_day_first(["01/02/2026", "02/25/2026"], default=True) is False
    assert guess_day_first(["01/02/2026"], default=False) is False


@pytest.mark.parametrize(("value", "expected"), [
    ("Yes", True), ("no", False), ("Y", True), ("N", False), ("TRUE", True), ("false", False), ("1", True),
    ("0", False), (1, True), (0.0, False), ("Evet", True), ("Hayır", False), ("HAYIR", False), ("x", True),
    (True, True),
])
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", 2, "ja nee"])
def test_parse_bool_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_bool(value)


def test_excel_serials_in_both_date_systems() -> None:
    assert excel_serial(46022) == pd.Timestamp("2025-12-31")
    assert excel_serial(46022.5) == pd.Timestamp("2025-12-31 12:00")
    assert excel_serial(44560, date1904=True) == pd.Timestamp("2025-12-31")
    with pytest.raises(ValueError):
        excel_serial(-3)


def test_number_column_reports_bad_cells_and_excel_errors() -> None:
    values = [1.0, "2,5", "#DIV/0!", None, "abc", True, "  "]
    series, failures = conv.to_number(values, ",")
    assert series.tolist()[:2] == [1.0, 2.5]
    assert pd.isna(series[3]) and pd.isna(series[6])
    reasons = dict(failures)
    assert set(reasons) == {2, 4}
    assert "cached Excel error #DIV/0!" in reasons[2]


def test_id_column_keeps_text_exactly() -> None:
    series, _ = conv.to_id(["000123", 1234567890123456789.0, 42.0, "C-01 "])
    assert series.tolist() == ["000123", "1234567890123456768", "42", "C-01"]


def test_date_column_mixes_real_dates_serials_and_text() -> None:
    values = [dt.datetime(2026, 1, 2, 3, 4), 46022.0, "31.12.2026", dt.date(2026, 5, 1), "not a date", None]
    series, failures = conv.to_date(values)
    assert series.tolist()[:4] == [pd.Timestamp("2026-01-02 03:04"), pd.Timestamp("2025-12-31"),
                                   pd.Timestamp("2026-12-31"), pd.Timestamp("2026-05-01")]
    assert [pos for pos, _ in failures] == [4]


def test_bool_column_with_x_marks_treats_blank_as_no() -> None:
    series, failures = conv.to_bool(["x", None, "X", ""])
    assert series.tolist() == [True, False, True, False]
    assert not failures


# Properties: formatting a number the way exports do and parsing it back gives the number.

@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([".", ","]), st.booleans(), st.sampled_from(["", "$", " TL", " €"]))
def test_number_round_trip(value, decimal: str, grouped: bool, currency: str) -> None:
    v = float(value)
    text = f"{abs(v):,.2f}" if grouped else f"{abs(v):.2f}"
    if decimal == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    text = ("-" if v < 0 else "") + (currency + text if currency == "$" else text + currency)
    assert parse_number(text, decimal) == pytest.approx(v, abs=1e-9)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %b %Y"]))
def test_date_round_trip(day: dt.date, fmt: str) -> None:
    assert parse_date_text(day.strftime(fmt), day_first=True) == pd.Timestamp(day)


@given(st.text(max_size=30))
def test_parsers_only_ever_raise_value_error(text: str) -> None:
    for parse in (lambda t: parse_number(t, "."), lambda t: parse_number(t, ","), parse_date_text, parse_bool):
        try:
            parse(text)
        except ValueError:
            pass
