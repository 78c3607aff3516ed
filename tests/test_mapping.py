"""Map stage: sheet to table, header to column, header row search, overrides and hints."""

from __future__ import annotations

import datetime as dt

import pytest

from kpireport.mapping import MappingOverrides, map_sheets
from kpireport.mapping.normalize import cell_ref, column_letter, normalize_header
from kpireport.read import RawSheet


@pytest.mark.parametrize(("text", "expected"), [
    ("Order Date", "order date"),
    ("ORDER_DATE", "order date"),
    ("Amount (USD)", "amount"),
    ("Tutar (TL)", "tutar"),
    ("Müşteri No", "musteri no"),
    ("SATIŞ TEMSİLCİSİ", "satis temsilcisi"),
    ("Bölge:", "bolge"),
    ("  Net   sales ", "net sales"),
    ("Order #", "order no"),
    (None, ""),
])
def test_normalize_header(text: object, expected: str) -> None:
    assert normalize_header(text) == expected


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_cell_ref() -> None:
    assert cell_ref(0, 0) == "A1"
    assert cell_ref(9, 27) == "AB10"


def _sheet(name: str, rows: list[list[object]], file: str = "export.xlsx", hidden: bool = False) -> RawSheet:
    return RawSheet(file, name, rows, hidden)


def test_turkish_headers_below_a_title_block() -> None:
    rows = [
        ["Satış Raporu", None, None],
        ["Oluşturma: 01.11.2026", None, None],
        [None, None, None],
        ["Sipariş Tarihi", "Tutar (TL)", "Bölge"],
        [dt.datetime(2026, 1, 1), 10.0, "Kuzey"],
    ]
    mapped, problems = map_sheets([_sheet("Sayfa1", rows)])
    assert len(mapped) == 1
    m = mapped[0]
    assert m.table == "orders"
    assert m.header_row == 3
    assert m.columns == {"order_date": 0, "revenue": 1, "region": 2}


def test_sheet_name_decides_between_tables_with_similar_headers() -> None:
    rows = [["Date", "Amount", "Category"], [dt.datetime(2026, 1, 1), 5.0, "marketing"]]
    mapped, _ = map_sheets([_sheet("Expenses", rows)])
    assert mapped[0].table == "expenses"


def test_missing_required_column_says_did_you_mean() -> None:
    rows = [["Order Dte", "Revenue"], [dt.datetime(2026, 1, 1), 5.0]]
    mapped, problems = map_sheets([_sheet("Orders", rows)])
    assert mapped == []
    [problem] = [p for p in problems if p.severity.value == "error"]
    assert "order_date" in problem.reason
    assert "did you mean 'Order Dte'" in problem.reason
    assert (problem.file, problem.sheet, problem.cell) == ("export.xlsx", "Orders", "A1")


def test_overrides_map_sheet_and_header() -> None:
    rows = [["When", "Money"], [dt.datetime(2026, 1, 1), 5.0]]
    overrides = MappingOverrides(sheets={"Data": "orders"}, columns={"orders": {"When": "order_date", "Money": "revenue"}})
    mapped, _ = map_sheets([_sheet("Data", rows)], overrides)
    assert mapped[0].table == "orders"
    assert mapped[0].columns == {"order_date": 0, "revenue": 1}


def test_hidden_and_empty_and_unknown_sheets_are_ignored_with_a_note() -> None:
    hidden = _sheet("Orders", [["Order Date", "Revenue"], [dt.datetime(2026, 1, 1), 1.0]], hidden=True)
    empty = _sheet("Notes", [[None, None]])
    unknown = _sheet("Pivot", [["Foo", "Bar"], [1, 2]])
    mapped, problems = map_sheets([hidden, empty, unknown])
    assert mapped == []
    reasons = " | ".join(p.reason for p in problems)
    assert "hidden sheet ignored" in reasons
    assert "empty sheet ignored" in reasons
    assert "not recognised" in reasons


def test_quantity_times_price_stands_in_for_revenue() -> None:
    rows = [["Order Date", "Qty", "Unit Price"], [dt.datetime(2026, 1, 1), 2.0, 5.0]]
    mapped, _ = map_sheets([_sheet("Orders", rows)])
    assert mapped[0].columns == {"order_date": 0, "quantity": 1, "unit_price": 2}
