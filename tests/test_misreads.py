"""Silent misreads are flagged cell by cell: what was read, and what to do (issue 17, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.config import Config
from kpireport.pipeline import run
from kpireport.validate import columns as conv


@pytest.mark.parametrize(("values", "amount", "read", "flagged", "why"), [
    # '$1,234' in a column whose other values use decimal commas: read as 1.234, flagged
    (["1.234,56", "12,5", "$1,234"], True, [1234.56, 12.5, 1.234], [2], "read as 1.234 (a decimal comma"),
    # '1.000' where nothing decides: read as 1 by the default, flagged; '12' is not
    (["1.000", "12"], False, [1.0, 12.0], [0], "read as 1 (a decimal point, from the config"),
    # '1,000' where nothing decides: read as 1000, as exports write thousands; the column note says so
    (["1,000", "12"], False, [1000.0, 12.0], [], ""),
    # '1.234' in a decimal-comma column is 1234, as the column's own grouping says: not flagged
    (["1.234", "3,5", "7,25"], False, [1234.0, 3.5, 7.25], [], ""),
    # full-width digits are read and said
    (["１２３", "5"], False, [123.0, 5.0], [0], "full-width digits; read as 123"),
    # plain numbers: nothing to flag
    (["12.5", "7"], True, [12.5, 7.0], [], ""),
])
def test_cells_the_column_may_misread_are_flagged(values, amount, read, flagged, why) -> None:
    notes: list[conv.Note] = []
    series, failures = conv.to_number(values, ".", notes, amount=amount)
    assert not failures
    assert series.tolist() == pytest.approx(read)
    cells = [n for n in notes if n.position is not None]
    assert [n.position for n in cells] == flagged
    assert all(why in n.reason and n.severity == "warning" for n in cells)


@pytest.mark.parametrize(("amount", "read", "failed"), [(True, None, [0]), (False, 0.12, [])])
def test_a_percentage_in_an_amount_column_is_left_out(amount: bool, read, failed) -> None:
    series, failures = conv.to_number(["12%", "100"], ".", [], amount=amount)
    assert [p for p, _ in failures] == failed
    assert (series.iloc[0] != series.iloc[0]) if read is None else series.iloc[0] == pytest.approx(read)


@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([".", ","]), st.sampled_from([".", ","]))
def test_one_separator_and_three_digits_is_flagged_when_read_as_a_fraction(whole: int, frac: int, sep: str,
                                                                           default: str) -> None:
    text = f"{whole}{sep}{frac:03d}"
    notes: list[conv.Note] = []
    series, _ = conv.to_number([text, "7"], default, notes)
    fraction = sep == default
    assert series.iloc[0] == pytest.approx(whole + frac / 1000 if fraction else whole * 1000 + frac)
    assert [n.position for n in notes if n.position is not None] == ([0] if fraction else [])


@given(st.integers(0, 10**6), st.integers(0, 99))
def test_plain_numbers_are_never_flagged(whole: int, cents: int) -> None:
    notes: list[conv.Note] = []
    series, failures = conv.to_number([f"{whole}.{cents:02d}", f"{whole}"], ".", notes, amount=True)
    assert not failures and not [n for n in notes if n.position is not None]
    assert series.iloc[0] == pytest.approx(whole + cents / 100)


@pytest.mark.parametrize(("value", "ok"), [
    (dt.date(1900, 2, 28), False),   # Excel serial 59 or 60 (60: the non-existent 29 February 1900)
    (dt.date(1900, 1, 1), False),    # serial 1
    ("1900-01-01", False),
    (dt.date(1900, 3, 1), True),     # serial 61: a real day (a stray one is left out by the stray rule)
    (dt.date(2026, 1, 5), True),
    (60, False),                     # an untyped 60: not a serial of a business date either
])
def test_excel_days_before_march_1900_are_not_dates(value, ok: bool) -> None:
    series, failures = conv.to_date([value])
    assert (not failures) is ok and bool(series.notna().iloc[0]) is ok


def test_a_1900_date_among_2020s_dates_is_flagged_and_opens_no_periods(tmp_path: Path) -> None:
    rows = ["order_id;order_date;revenue", "A1;05.01.2026;1.234,50", "A2;1900-01-01;10,00",
            "A3;06.02.2026;$1,234", "A4;07.03.2026;12%", "A5;08.03.2026;100,25"]
    (tmp_path / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = run([tmp_path / "orders.csv"], Config(language="en"))
    assert len(report.periods) <= 3  # 2026-01 .. 2026-03, not 1,515 months from 1900
    flagged = {p.cell: p.reason for p in report.problems if p.cell}
    assert "not a real date" in flagged["B3"]
    assert "read as 1.234 (a decimal comma" in flagged["C4"]
    assert "percentage in an amount column" in flagged["C5"]
    assert report.value("revenue", report.periods[0]) == pytest.approx(1234.5)
