"""Hidden, header-less and `Amount.1` columns of a recognised table are logged as ignored, by
file, sheet and column (item 9 of the second hardening round)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from kpireport.mapping import map_sheets
from kpireport.read import RawSheet
from kpireport.read.xlsxpkg import ExtrasScan

D = dt.datetime(2026, 1, 5)


def _orders(header: list[str], rows: list[list[object]], hidden_cols: frozenset[int] = frozenset()) -> RawSheet:
    return RawSheet("shop.xlsx", "Orders", [header, *rows], hidden_cols=hidden_cols)


@pytest.mark.parametrize(("header", "rows", "hidden", "expected"), [
    # D has no header and holds two figures
    (["Order ID", "Date", "Amount", ""], [["A1", D, 10.0, 5.0], ["A2", D, 20.0, 7.0]], frozenset(),
     [("D1", "D", "warning", "column D has no header but holds 2 value(s); ignored")]),
    # a blank header over blank cells is nothing
    (["Order ID", "Date", "Amount", ""], [["A1", D, 10.0, None], ["A2", D, 20.0, ""]], frozenset(), []),
    # Amount.1: a renamed second copy
    (["Order ID", "Date", "Amount", "Amount.1"], [["A1", D, 10.0, 11.0]], frozenset(),
     [("D1", "Amount.1", "warning", "column D ('Amount.1') looks like a second copy of 'Amount' renamed")]),
    # a hidden unused column and a hidden column that is read
    (["Order ID", "Date", "Amount", "Memo"], [["A1", D, 10.0, "x"]], frozenset({2, 3}),
     [("C1", "Amount", "info", "hidden column C ('Amount') is read as revenue"),
      ("D1", "Memo", "info", "hidden column D ('Memo') ignored")]),
])
def test_ignored_columns_are_logged_by_cell(header, rows, hidden, expected) -> None:
    mapped, problems = map_sheets([_orders(header, rows, hidden)])
    assert [m.table for m in mapped] == ["orders"]
    got = [(p.cell, p.column, p.severity.value, p.reason) for p in problems
           if "hidden column" in p.reason or "no header" in p.reason or "second copy" in p.reason]
    assert len(got) == len(expected)
    for (cell, column, severity, reason), want in zip(got, expected, strict=True):
        assert (cell, column, severity) == want[:3] and reason.startswith(want[3])
        assert all(p.file == "shop.xlsx" and p.sheet == "Orders" for p in problems)
    if expected and not any("is read as" in e[3] for e in expected):
        assert mapped[0].ignored[-1].split(" (")[0] in {"D", "Amount.1", "Memo"}


@pytest.mark.parametrize(("xml", "hidden"), [
    (b'<cols><col min="2" max="3" width="9" hidden="1"/><col min="5" max="5" hidden="true"/></cols>', {1, 2, 4}),
    (b'<cols><col min="1" max="1" width="9"/></cols><row r="4" hidden="1">', set()),
    (b'<cols><col min="20" max="16384" hidden="1"/></cols>', set()),  # the empty rest of the sheet
])
def test_hidden_columns_are_found_in_the_sheet_xml(xml: bytes, hidden: set[int]) -> None:
    scan = ExtrasScan()
    for k in range(0, len(xml), 7):  # fed in small pieces, as the guard does
        scan.feed(xml[k:k + 7])
    assert set(scan.result().hidden_cols) == hidden


def test_a_hidden_column_in_a_real_workbook_reaches_the_problems(tmp_path: Path) -> None:
    import xlsxwriter

    from kpireport.read import read_inputs

    path = tmp_path / "orders.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Orders")
    for r, row in enumerate([["Order ID", "Date", "Amount", "Secret"], ["A1", "2026-01-05", 10, 99],
                             ["A2", "2026-01-06", 20, 98]]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    ws.set_column(3, 3, None, None, {"hidden": True})
    wb.close()
    assert zipfile.is_zipfile(path)
    _, problems = map_sheets(read_inputs([path]))
    hits = [p for p in problems if "hidden column D ('Secret') ignored" in p.reason]
    assert len(hits) == 1 and hits[0].cell == "D1" and hits[0].file == "orders.xlsx"
