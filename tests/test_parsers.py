"""Cell value parsers: table-driven rules plus properties over generated values."""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.parsing import (
    decimal_evidence,
    parse_bool,
    parse_date_text,
    parse_month,
    parse_number,
)
from kpireport.validate import columns as conv
from kpireport.validate import texts as texts_module


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
    (["1.234,56", "12,5"], [1234.56, 12.5]),
    (["1,234.56", "12.5"], [1234.56, 12.5]),
    (["1,234", "5"], [1234.0, 5.0]),  # nothing unambiguous: the default (decimal point)
    (["3,25", "4,10", "1.000,00"], [3.25, 4.1, 1000.0]),
])
def test_number_column_decides_its_decimal_separator(samples: list[str], expected: list[float]) -> None:
    series, failures = conv.to_number(samples, ".")
    assert not failures
    assert series.tolist() == pytest.approx(expected)


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


@pytest.mark.parametrize(("texts", "default", "expected"), [
    (["01/02/2026", "25/02/2026"], False, ["2026-02-01", "2026-02-25"]),  # 25 decides: day first
    (["01/02/2026", "02/25/2026"], True, ["2026-01-02", "2026-02-25"]),   # 25 decides: month first
    (["01/02/2026"], False, ["2026-01-02"]),                              # nothing decides: the default
])
def test_day_first_is_decided_by_the_column(texts: list[str], default: bool, expected: list[str]) -> None:
    series, failures = conv.to_date(texts, day_first_default=default)
    assert not failures
    assert series.tolist() == [pd.Timestamp(e) for e in expected]


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


@pytest.mark.parametrize(("serial", "date1904", "expected"), [
    (46022, False, "2025-12-31"),
    (46022.5, False, "2025-12-31 12:00"),
    (44560, True, "2025-12-31"),
])
def test_excel_serials_in_both_date_systems(serial: float, date1904: bool, expected: str) -> None:
    series, failures = conv.to_date([serial], date1904=date1904)
    assert not failures
    assert series.tolist() == [pd.Timestamp(expected)]


@pytest.mark.parametrize("serial", [-3, 0, 12, 60, 2026])
def test_implausible_serials_are_reported_not_read(serial: float) -> None:
    series, failures = conv.to_date([serial])
    assert series.isna().all()
    assert [pos for pos, _ in failures] == [0]


def test_number_column_reports_bad_cells_and_excel_errors() -> None:
    values = [1.0, "2,5", "#DIV/0!", None, "abc", True, "  "]
    series, failures = conv.to_number(values, ",")
    assert series.tolist()[:2] == [1.0, 2.5]
    assert pd.isna(series[3]) and pd.isna(series[6])
    reasons = dict(failures)
    assert set(reasons) == {2, 4, 5}  # TRUE in a number column is reported, never read as 1
    assert "cached Excel error #DIV/0!" in reasons[2]
    assert "yes/no value, not a number" in reasons[5]


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
        with contextlib.suppress(ValueError):
            parse(text)


# --- more number rules --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("$(1,234.00)", ".", -1234.0),         # currency outside the brackets
    ("(1.234,56 TL)", ",", -1234.56),
    ("-$12", ".", -12.0),
    ("TL 1.234,56", ",", 1234.56),
    ("1.234,56₺", ",", 1234.56),
    ("%12", ",", 0.12),                    # Turkish writes the percent sign first
    ("12 %", ".", 0.12),
    ("−12", ".", -12.0),                   # a real minus sign
    ("1.5E+05", ".", 150000.0),            # scientific notation from CSV exports
    ("1 234 567,89", ",", 1234567.89),
    ("1\u00a0234,5", ",", 1234.5),         # non-breaking space as thousands separator
    ("1'234.50", ".", 1234.5),             # Swiss
    ("1.234.567", ",", 1234567.0),
    ("0,5", ",", 0.5),
    ("007", ".", 7.0),
    ("CHF 99.90", ".", 99.9),
])
def test_parse_number_more(text: str, decimal: str, expected: float) -> None:
    assert parse_number(text, decimal) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "decimal", "why"), [
    ("1,234.56", ",", "mixes separators"),       # a dot after the decimal comma
    ("12,345.67", ",", "mixes separators"),
    ("1,5", ".", "misplaced"),                   # a decimal comma in a decimal-point column
    ("12.", ".", "ends in a decimal"),
    ("1e999", ".", "too large"),
    ("12A", ".", "is not a number"),
    ("1.2.3", ".", "more than one decimal"),
])
def test_parse_number_refuses_with_a_reason(text: str, decimal: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_number(text, decimal)


@pytest.mark.parametrize(("samples", "expected"), [
    (["1.234.567", "12"], [1234567.0, 12.0]),    # two thousands dots: comma decimals
    (["1,234,567", "12"], [1234567.0, 12.0]),
    (["0,5"], [0.5]),
    (["0.25"], [0.25]),
    (["12,3456"], [12.3456]),
    (["1.234", "5.678"], [1.234, 5.678]),     # nothing decides: the default
])
def test_number_column_decimal_separator_more(samples: list[str], expected: list[float]) -> None:
    series, failures = conv.to_number(samples, ".")
    assert not failures
    assert series.tolist() == pytest.approx(expected)


def test_decimal_evidence_names_an_ambiguous_example() -> None:
    assert decimal_evidence(["1,234", "17"]) == (0, 0, "1,234")
    assert decimal_evidence(["1,234", "1.234,56"]) == (1, 0, "1,234")
    assert decimal_evidence(["12", "7"]) == (0, 0, None)


# --- more date rules ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("2026-01-05T14:03:22Z", True, "2026-01-05 14:03:22"),          # Zendesk: the zone is dropped
    ("2026-01-05 14:03:22 +0100", True, "2026-01-05 14:03:22"),     # Shopify
    ("2026-01-05T14:03:22.123+03:00", True, "2026-01-05 14:03:22"),
    ("20261231", True, "2026-12-31"),                               # Google Analytics
    ("1/5/2026 2:03:22 PM", False, "2026-01-05 14:03:22"),
    ("12/31/2026 12:00 AM", True, "2026-12-31 00:00"),
    ("12/31/2026 12:30 PM", True, "2026-12-31 12:30"),
    ("31-Dec-26", True, "2026-12-31"),
    ("Dec 31 2026", True, "2026-12-31"),
    ("December 31, 2026 14:05", True, "2026-12-31 14:05"),
    ("Thu, Dec 31, 2026", True, "2026-12-31"),
    ("2026 Aralık 31", True, "2026-12-31"),
    ("31 ARALIK 2026", True, "2026-12-31"),
    ("1 NİSAN 2026", True, "2026-04-01"),
    ("5 Şub. 2026", True, "2026-02-05"),
    ("5 Şubat 2026 14:05:09", True, "2026-02-05 14:05:09"),
    ("31.12.2026 23:59:59", False, "2026-12-31 23:59:59"),
    ("  2026-03-04  ", True, "2026-03-04"),
    ("03-04-2026", True, "2026-04-03"),
    ("03-04-2026", False, "2026-03-04"),
])
def test_parse_date_text_more(text: str, day_first: bool, expected: str) -> None:
    assert parse_date_text(text, day_first) == pd.Timestamp(expected)


@pytest.mark.parametrize(("text", "why"), [
    ("1899-12-31", "outside 1900-2100"),
    ("2026-02-29", "not a real date"),
    ("13/13/2026", "not a real date"),
    ("0000-00-00", "outside"),
    ("12:30 PM", "not a date"),
    ("5/13/2026 13:00 PM", "12-hour clock"),
])
def test_parse_date_text_refuses_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_date_text(text)


@pytest.mark.parametrize(("text", "ambiguous"), [
    ("03/04/2026", True), ("03-04-2026", True), ("13/04/2026", False), ("03.04.2026", False),
    ("04/04/2026", False), ("2026-03-04", False),
])
def test_ambiguous_dates_get_a_column_note(text: str, ambiguous: bool) -> None:
    notes: list[conv.Note] = []
    _series, failures = conv.to_date([text], notes=notes)
    assert not failures
    assert bool(notes) is ambiguous
    assert conv.day_first_evidence([text])[2] == (text if ambiguous else None)


@pytest.mark.parametrize(("value", "year", "expected"), [
    (dt.date(2026, 1, 15), None, "2026-01"),
    (dt.datetime(2026, 2, 1, 0, 0), None, "2026-02"),
    ("2026-01", None, "2026-01"),
    ("2026/3", None, "2026-03"),
    ("01.2026", None, "2026-01"),
    ("1/2026", None, "2026-01"),
    ("Oca 2026", None, "2026-01"),
    ("OCAK 2026", None, "2026-01"),
    ("Şubat 2026", None, "2026-02"),
    ("Jan-26", None, "2026-01"),
    ("Jan 26", None, "2026-01"),
    ("Jan'26", None, "2026-01"),
    ("January 2026", None, "2026-01"),
    ("2026 Ocak", None, "2026-01"),
    ("2026-01-01", None, "2026-01"),
    ("Ocak", 2025, "2025-01"),
    ("Ocak", None, None),
    ("Revenue", 2026, None),
    ("2026", None, None),
    ("2026-13", None, None),
    (12.5, None, None),
    (None, None, None),
])
def test_parse_month(value: object, year: int | None, expected: str | None) -> None:
    assert parse_month(value, year) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("✓", True), ("EVET", True), ("hayır", False), ("HAYIR", False), ("True", True), ("t", True), ("F", False),
    ("Doğru", True), ("Yanlış", False), ("var", True), ("yok", False), ("-", False), (1.0, True),
])
def test_parse_bool_more(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


# --- column converters ----------------------------------------------------------------------------

def test_date_column_in_the_1904_system_and_implausible_serials() -> None:
    series, failures = conv.to_date([44560.0, 44560.5, 5.0, 2026.0, 80000.0], date1904=True)
    assert series.tolist()[:2] == [pd.Timestamp("2025-12-31"), pd.Timestamp("2025-12-31 12:00")]
    reasons = dict(failures)
    assert set(reasons) == {2, 3, 4}
    assert "before 1930" in reasons[3] and "after 2100" in reasons[4]


def test_date_column_reads_yyyymmdd_numbers_and_refuses_times_of_day() -> None:
    series, failures = conv.to_date([20260131.0, 20261331.0, dt.time(12, 0), dt.timedelta(hours=1), True])
    assert series[0] == pd.Timestamp("2026-01-31")
    reasons = dict(failures)
    assert set(reasons) == {1, 2, 3, 4}
    assert "time of day without a date" in reasons[2]


def test_date_column_refuses_real_dates_outside_1900_2100() -> None:
    series, failures = conv.to_date([dt.datetime(1850, 1, 1), dt.date(2026, 1, 1)])
    assert pd.isna(series[0]) and series[1] == pd.Timestamp("2026-01-01")
    assert [p for p, _ in failures] == [0]


def test_ambiguous_dates_get_one_note_per_column_with_the_reading_used() -> None:
    notes: list[conv.Note] = []
    series, failures = conv.to_date(["03/04/2026", "05/06/2026", "03/04/2026"], day_first_default=True, notes=notes)
    assert series[0] == pd.Timestamp("2026-04-03") and not failures
    assert len(notes) == 1
    assert "'03/04/2026' could be day/month or month/day; read as day/month (03 April 2026)" in notes[0].reason
    notes = []
    series, _ = conv.to_date(["03/04/2026", "25/04/2026"], day_first_default=False, notes=notes)
    assert series[0] == pd.Timestamp("2026-04-03") and not notes  # 25/04 decides: day first


def test_mixed_date_orders_warn() -> None:
    notes: list[conv.Note] = []
    series, _ = conv.to_date(["25/04/2026", "04/25/2026", "26/04/2026", "03/04/2026"], notes=notes)
    assert series.tolist() == [pd.Timestamp(x) for x in ("2026-04-25", "2026-04-25", "2026-04-26", "2026-04-03")]
    assert [n.severity for n in notes] == ["warning"]


def test_many_distinct_iso_timestamps_take_the_fast_path_with_the_same_result() -> None:
    stamps = pd.date_range("2026-01-01", periods=3000, freq="37min")
    texts = [f"{t:%Y-%m-%d %H:%M:%S}" for t in stamps] + ["2026-02-30 10:00:00", "31.12.2026"]
    series, failures = conv.to_date(texts)
    assert series.iloc[:3000].tolist() == list(stamps)
    assert series.iloc[-1] == pd.Timestamp("2026-12-31")
    assert [p for p, _ in failures] == [3000]


def test_number_column_notes_an_ambiguous_thousands_reading() -> None:
    notes: list[conv.Note] = []
    series, _ = conv.to_number(["1,234", "17"], ".", notes)
    assert series.tolist() == [1234.0, 17.0]
    assert len(notes) == 1 and "read as 1234 (decimal point" in notes[0].reason
    notes = []
    series, _ = conv.to_number(["1,234", "2,50"], ".", notes)  # 2,50 decides: decimal comma
    # no column note; the cell read as a fraction is flagged by itself (issue 17 item 6: '$1,234' -> 1.234)
    assert series.tolist() == [1.234, 2.5] and [n.position for n in notes] == [0]


def test_number_column_scales_and_reads_excel_durations() -> None:
    series, failures = conv.to_number([2.0, "1,5", dt.timedelta(minutes=3), dt.time(0, 1, 30)], ",", scale=60.0,
                                      duration_unit=1.0)
    assert series.tolist() == [120.0, 90.0, 180.0, 90.0] and not failures
    series, failures = conv.to_number([dt.timedelta(minutes=3), dt.date(2026, 1, 1)])
    assert [p for p, _ in failures] == [0, 1]


def test_id_column_warns_about_numbers_excel_has_rounded() -> None:
    notes: list[conv.Note] = []
    series, failures = conv.to_id([1234567890123456.0, 123456789012345.0, "1.23457E+15", "#N/A", "A-7"], notes)
    assert series.tolist()[:3] == ["1234567890123456", "123456789012345", "1.23457E+15"]
    assert pd.isna(series[3]) and series[4] == "A-7"
    assert [p for p, _ in failures] == [3]
    assert [n.position for n in notes] == [0, 2]
    assert all(n.severity == "warning" for n in notes)
    assert "15 significant digits" in notes[0].reason


def test_text_column_excludes_excel_errors_and_writes_numbers_and_dates_plainly() -> None:
    series, failures = conv.to_text(["  North ", "#REF!", 12.0, 2.5, dt.datetime(2026, 1, 2), True, None, ""])
    assert series.tolist()[:6] == ["North", pd.NA, "12", "2.5", "2026-01-02", "TRUE"]
    assert [p for p, _ in failures] == [1]


def test_bool_column_numbers_and_words() -> None:
    series, failures = conv.to_bool([1.0, 0.0, 2.0, "Evet", "maybe", None])
    assert series.tolist()[:2] == [True, False]
    assert bool(series[3]) is True
    assert [p for p, _ in failures] == [2, 4]
    assert pd.isna(series[5])


def test_score_column_reads_satisfaction_words() -> None:
    notes: list[conv.Note] = []
    series, failures = conv.to_score(["Good", "Bad", "Offered", "Unoffered", 4.0, "meh"], ".", notes)
    assert series.tolist()[:2] == [5.0, 1.0] and series[4] == 4.0
    assert pd.isna(series[2]) and pd.isna(series[3])
    assert [p for p, _ in failures] == [5]
    assert len(notes) == 1 and "5 for good and 1 for bad" in notes[0].reason


def test_classify_blanks() -> None:
    _, kind = conv.classify([None, "", float("nan"), " ", 1, True, dt.date(2026, 1, 1), dt.time(1), "x"])
    assert kind.tolist() == [conv.BLANK, conv.BLANK, conv.BLANK, conv.STR, conv.NUM, conv.BOOL, conv.DATE,
                             conv.TIME, conv.STR]


# --- properties: the column converters agree with the scalar parsers --------------------------------

_money = st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


def _fmt(v: float, decimal: str, grouped: bool) -> str:
    text = f"{abs(v):,.2f}" if grouped else f"{abs(v):.2f}"
    if decimal == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


@given(st.lists(_money, min_size=1, max_size=30), st.sampled_from([".", ","]), st.booleans(),
       st.sampled_from(["-{}", "({})", "{}-", "−{}"]), st.sampled_from(["{}", "${}", "{} TL", "€ {}", "{} USD"]))
def test_number_column_round_trip(values, decimal: str, grouped: bool, negative: str, currency: str) -> None:
    floats = [float(v) for v in values]
    texts = [(negative if f < 0 else "{}").format(currency.format(_fmt(f, decimal, grouped))) for f in floats]
    texts.append("1" + decimal + "25")  # one value that shows the decimal separator
    series, failures = conv.to_number(texts, "." if decimal == "," else ",")
    assert not failures
    assert series.tolist()[:-1] == pytest.approx(floats, abs=1e-9)


@given(st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=1, max_size=20))
def test_percent_text_is_a_fraction(values) -> None:
    texts = [f"{v:.3f}%" for v in values]
    series, failures = conv.to_number(texts)
    assert not failures
    assert series.tolist() == pytest.approx([round(v, 3) / 100 for v in values], abs=1e-12)


_day = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


@given(_day, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
       st.sampled_from(["%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d/%m/%Y %H:%M:%S"]))
def test_datetime_round_trip(day: dt.date, h: int, m: int, s: int, fmt: str) -> None:
    stamp = dt.datetime(day.year, day.month, day.day, h, m, s)
    assert parse_date_text(stamp.strftime(fmt), day_first=True) == pd.Timestamp(stamp)


@given(_day, st.sampled_from(["tr_short", "tr_long", "en_long", "us_slash", "us_named", "compact"]))
def test_date_round_trip_in_more_formats(day: dt.date, form: str) -> None:
    tr = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"]
    tr_long = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
               "Aralık"]
    text = {"tr_short": f"{day.day} {tr[day.month - 1]} {day.year}",
            "tr_long": f"{day.day} {tr_long[day.month - 1].upper()} {day.year}",
            "en_long": day.strftime("%d %B %Y"),
            "us_slash": f"{day.month}/{day.day}/{day.year}",
            "us_named": day.strftime("%b %d, %Y"),
            "compact": day.strftime("%Y%m%d")}[form]
    assert parse_date_text(text, day_first=False) == pd.Timestamp(day)


@given(st.lists(_day, min_size=1, max_size=40), st.booleans())
def test_date_column_matches_the_scalar_parser(days, day_first: bool) -> None:
    texts = [d.strftime("%d/%m/%Y" if day_first else "%m/%d/%Y") for d in days]
    series, failures = conv.to_date(texts, day_first_default=day_first)
    assert not failures
    assert series.tolist() == [pd.Timestamp(d) for d in days]


@given(st.lists(st.datetimes(min_value=dt.datetime(1931, 1, 1), max_value=dt.datetime(2099, 12, 31)), max_size=30),
       st.booleans())
def test_excel_serials_round_trip(stamps, date1904: bool) -> None:
    stamps = [s.replace(microsecond=0) for s in stamps]
    origin = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    serials = [(s - origin).total_seconds() / 86400 for s in stamps]
    series, failures = conv.to_date(serials, date1904=date1904)
    assert not failures
    assert series.tolist() == [pd.Timestamp(s) for s in stamps]


@given(st.integers(1950, 2099), st.integers(1, 12),
       st.sampled_from(["{y}-{m:02d}", "{m:02d}.{y}", "{mon} {y}", "{mon}-{yy:02d}", "{tr} {y}", "{y} {tr}"]))
def test_month_headers_round_trip(year: int, month: int, form: str) -> None:
    mon = dt.date(2000, month, 1).strftime("%b")
    tr = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"][month - 1]
    text = form.format(y=year, m=month, mon=mon, yy=year % 100, tr=tr)
    expected = f"{year:04d}-{month:02d}" if "{yy" not in form or year >= 2000 or year >= 1970 else None
    got = parse_month(text)
    if "{yy" in form:  # two-digit years: 70-99 -> 1900s, 00-69 -> 2000s
        yy = year % 100
        expected = f"{(2000 + yy) if yy < 70 else (1900 + yy):04d}-{month:02d}"
    assert got == expected


@given(st.lists(st.text(max_size=12), max_size=30))
def test_column_converters_never_raise(texts) -> None:
    for convert in (conv.to_number, conv.to_date, conv.to_bool, conv.to_id, conv.to_text, conv.to_period_text,
                    conv.to_score):
        series, failures = convert(texts)
        assert len(series) == len(texts)
        assert all(0 <= p < len(texts) for p, _ in failures)


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none(), st.dates()))
def test_parse_month_never_raises(value) -> None:
    got = parse_month(value)
    assert got is None or (len(got) == 7 and got[4] == "-")


_id_texts = st.one_of(st.sampled_from(["", " ", "#N/A", " #DIV/0! ", "#hashtag", "1.23457E+15", "9e5", "1,5E+3",
                                       "O-1", " O-1", "O-1\t", "\x1cX\x1f", "0042", "E5", "12E+1234"]),
                      st.text(alphabet=st.characters(codec="ascii"), max_size=8),
                      st.text(max_size=4))


@given(st.lists(st.one_of(st.none(), _id_texts), max_size=40))
def test_many_distinct_texts_cleaned_with_arrow_equal_the_python_path(cells) -> None:
    """A text column with many distinct texts is stripped, checked for Excel errors and for IDs in
    scientific notation with Arrow compute; the result equals the per-text Python path."""
    values = pd.Categorical(cells)

    def run(threshold: int, convert):
        old, texts_module.ARROW_MIN_TEXTS = texts_module.ARROW_MIN_TEXTS, threshold
        try:
            notes: list = []
            series, failures = convert(values, notes)
        finally:
            texts_module.ARROW_MIN_TEXTS = old
        return series.tolist(), failures, [(n.position, n.reason, n.severity) for n in notes]

    for convert in (conv.to_id, conv.to_text):
        assert run(0, convert) == run(10**9, convert)
