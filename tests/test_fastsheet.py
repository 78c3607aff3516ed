"""Reading a sheet by typed column (read/fastsheet.py) gives what reading it cell by cell gives.

The column path is only taken for large sheets; here the thresholds are lowered so small,
hand-made sheets go through it, and every table, problem and source must come out as the
cell-by-cell path gives them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpireport.config import Config
from kpireport.pipeline import load_dataset
from kpireport.read import fastsheet, isolate, read_path
from kpireport.read.sheet import RawSheet, SheetBody, as_objects, join, unique_categories

from .messy import VARIANTS, write_variant


@pytest.fixture(autouse=True)
def _in_process(monkeypatch):
    monkeypatch.setenv("KPIREPORT_ISOLATE", "never")


def _load(paths: list[Path], config: Config, monkeypatch, fast: bool, head: int = 4):
    monkeypatch.setattr(fastsheet, "HEAD_ROWS", head)
    monkeypatch.setattr(fastsheet, "FAST_MIN_CELLS", 0 if fast else 10**15)
    return load_dataset(paths, config)


def _same(paths: list[Path], config: Config, monkeypatch, head: int = 4) -> tuple[object, object]:
    fast = _load(paths, config, monkeypatch, True, head)
    exact = _load(paths, config, monkeypatch, False, head)
    assert sorted(fast.tables) == sorted(exact.tables)
    for name in exact.tables:
        pd.testing.assert_frame_equal(fast.tables[name], exact.tables[name], check_dtype=True, obj=name)
    assert [p.one_line() for p in fast.problems.items] == [p.one_line() for p in exact.problems.items]
    assert fast.problems.suppressed == exact.problems.suppressed
    strip = [dataclasses.replace(s, detail="") for s in fast.sources]
    assert strip == [dataclasses.replace(s, detail="") for s in exact.sources]
    assert fast.excel_errors == exact.excel_errors
    return fast, exact


def _by_column(paths: list[Path], monkeypatch, head: int = 4) -> list[RawSheet]:
    monkeypatch.setattr(fastsheet, "HEAD_ROWS", head)
    monkeypatch.setattr(fastsheet, "FAST_MIN_CELLS", 0)
    return [s for p in paths for s in read_path(p) if s.body is not None]


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "csv"])
def test_messy_variants_read_by_column_equal_cell_by_cell(variant, tmp_path, monkeypatch):
    config = write_variant(variant, tmp_path)
    paths = sorted(tmp_path.iterdir())
    _same(paths, config, monkeypatch)
    if variant in ("clean", "offset_merged", "extra_hidden", "date1904"):  # the others mix text into number columns
        assert _by_column([p for p in paths if p.suffix == ".xlsx"], monkeypatch), "no sheet took the column path"


def _workbook(path: Path, rows: list[list[object]], name: str = "Orders", hidden_rows: tuple[int, ...] = (),
              formulas: dict[tuple[int, int], tuple[str, object]] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet(name)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    for r in hidden_rows:
        ws.set_row(r, None, None, {"hidden": True})
    for (r, c), (f, value) in (formulas or {}).items():
        ws.write_formula(r, c, f, None, value)
    wb.close()
    return path


HEADER = ["Order ID", "Order Date", "Customer ID", "Revenue", "Region"]


def _orders(n: int, start: int = 0) -> list[list[object]]:
    return [[f"O{k:05d}", dt.datetime(2026, 1 + k % 9, 1 + k % 27), f"C{k % 7}", 100.0 + k, ["North", "NA"][k % 2]]
            for k in range(start, start + n)]


def test_leading_blank_rows_and_columns_keep_their_positions(tmp_path, monkeypatch):
    rows = [[], [None, "Sales export"], [], [None, *HEADER]] + [[None, *r] for r in _orders(30)]
    path = _workbook(tmp_path / "o.xlsx", rows)
    fast, _ = _same([path], Config(), monkeypatch)
    assert fast.sources[0].header_row == 4
    sheet = _by_column([path], monkeypatch)[0]
    assert sheet.row(10)[1:3] == ["O00006", dt.datetime(2026, 7, 7)]


def test_texts_read_as_missing_by_fastexcel_are_put_back_and_reported(tmp_path, monkeypatch):
    rows = [HEADER, *_orders(30)]
    rows[12][3] = "n/a"
    rows[20][3] = "NULL"
    rows[25][1] = "#N/A"
    path = _workbook(tmp_path / "o.xlsx", rows)
    fast, _ = _same([path], Config(), monkeypatch)
    text = " | ".join(p.one_line() for p in fast.problems.items)
    assert "'n/a'" in text and "'NULL'" in text and "#N/A" in text
    assert (fast.tables["orders"]["region"] == "NA").sum() == 13  # a region called NA stays a region (2 rows out)


def test_error_cells_hidden_rows_and_totals_row(tmp_path, monkeypatch):
    rows = [HEADER, *_orders(40), ["Total", None, None, 4780.0, None]]
    path = _workbook(tmp_path / "o.xlsx", rows, hidden_rows=(7, 30), formulas={(15, 3): ("=1/0", "#DIV/0!")})
    fast, _ = _same([path], Config(), monkeypatch)
    assert fast.excel_errors
    lines = " | ".join(p.one_line() for p in fast.problems.items)
    assert "hidden row" in lines and "totals row" in lines


def test_second_table_below_a_blank_row_in_the_body(tmp_path, monkeypatch):
    customers = [["Customer ID", "Signup Date", "Region"]] + [[f"C{i}", dt.date(2025, 1, 1 + i), "North"]
                                                              for i in range(8)]
    rows = [HEADER, *_orders(25), [], [], *customers]
    path = _workbook(tmp_path / "o.xlsx", rows, name="Data")
    fast, _ = _same([path], Config(), monkeypatch)
    assert set(fast.tables) >= {"orders", "customers"}


def test_a_mixed_column_is_read_cell_by_cell(tmp_path, monkeypatch):
    rows = [HEADER, *_orders(30)]
    rows[17][3] = "about 200"
    path = _workbook(tmp_path / "o.xlsx", rows)
    _same([path], Config(), monkeypatch)
    assert _by_column([path], monkeypatch) == []


def test_header_below_the_head_rows(tmp_path, monkeypatch):
    rows = [["Report"]] + [[] for _ in range(8)] + [HEADER] + _orders(20)
    path = _workbook(tmp_path / "o.xlsx", rows)
    _same([path], Config(), monkeypatch, head=3)


def test_body_travels_from_the_isolated_reader(tmp_path):
    """A sheet large enough for the column path, read in the child process, unpickled with the allow-list."""
    n = 45_000
    rows = [HEADER, *_orders(n)]
    path = _workbook(tmp_path / "big.xlsx", rows)
    sheets = isolate.read_in_child(path)
    sheet = sheets[0]
    assert sheet.body is not None and sheet.n_rows == n + 1
    assert sheet.row(n) == _orders(1, n - 1)[0]
    assert isinstance(sheet.column(0, 1), pd.Categorical)
    assert sheet.column(3, 1).dtype == np.float64


def test_join_keeps_types_when_the_head_fits():
    typed = np.array([1.5, np.nan])
    assert join(np.array([None, 2, 3.5], dtype=object), typed).dtype == np.float64
    mixed = join(np.array(["x"], dtype=object), typed)
    assert mixed.dtype == object and list(mixed) == ["x", 1.5, None]
    cat = pd.Categorical.from_codes([0, -1, 1], categories=pd.Index(["a", "b"], dtype=object))
    joined = join(np.array(["c", "", "a"], dtype=object), cat)
    assert list(as_objects(joined)) == ["c", None, "a", "a", None, "b"]
    # head texts new to the body (IDs) extend the categories, still distinct and of object dtype
    assert list(joined.categories) == ["a", "b", "c"] and joined.categories.dtype == object
    assert joined.categories.is_unique


def test_unique_categories_equal_the_checked_dtype():
    cats = pd.Index(["O2", "O1", "ü"], dtype=object)
    fast = pd.Categorical.from_codes([2, -1, 0, 1], dtype=unique_categories(cats))
    checked = pd.Categorical.from_codes([2, -1, 0, 1], categories=cats)
    assert fast.dtype == checked.dtype
    assert list(as_objects(fast)) == list(as_objects(checked)) == ["ü", None, "O2", "O1"]


cell = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(["NA", "n/a", "x", " y ", "None"]),
                 st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=5, max_size=5), min_size=6, max_size=14))
def test_any_sheet_reads_the_same_both_ways(tmp_path_factory, monkeypatch, data):
    path = _workbook(tmp_path_factory.mktemp("h") / "o.xlsx", [HEADER, *_orders(4), *data])
    monkeypatch.setenv("KPIREPORT_ISOLATE", "never")
    exact = _cells(path, monkeypatch, False)
    fast = _cells(path, monkeypatch, True)
    assert fast == exact


def _cells(path: Path, monkeypatch, fast: bool) -> list[list[object]]:
    monkeypatch.setattr(fastsheet, "HEAD_ROWS", 3)
    monkeypatch.setattr(fastsheet, "FAST_MIN_CELLS", 0 if fast else 10**15)
    sheet = read_path(path)[0]
    out = []
    for i in range(sheet.n_rows):
        row = [None if v in ("", None) else v for v in sheet.row(i)]
        row = [dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v for v in row]
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def test_sheet_body_round_trips_through_pickle():
    import pickle

    body = SheetBody(2, 3, {0: pd.Categorical.from_codes([0, -1, 0], categories=pd.Index(["a"], dtype=object)),
                            1: np.array([1.0, np.nan, 2.0])})
    back = pickle.loads(pickle.dumps(body))
    assert list(as_objects(back.columns[0])) == ["a", None, "a"]
    assert np.array_equal(back.columns[1], body.columns[1], equal_nan=True)


def test_inline_string_sheets_are_checked_for_missing_like_texts(tmp_path, monkeypatch):
    """A workbook written with inline strings (no shared-string table) still has "n/a" put back."""
    rows = [HEADER, *_orders(30)]
    rows[9][3] = "n/a"
    rows[14][3] = None
    path = tmp_path / "o.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("Orders")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
    wb.close()
    fast, _ = _same([path], Config(), monkeypatch)
    assert "'n/a'" in " | ".join(p.one_line() for p in fast.problems.items)


def test_a_region_called_na_in_the_shared_strings_makes_blank_number_cells_checked(tmp_path, monkeypatch):
    rows = [HEADER, *_orders(30)]
    rows[9][3] = None
    path = _workbook(tmp_path / "o.xlsx", rows)
    calls = []
    from kpireport.read import entry

    real = entry.column_texts
    monkeypatch.setattr(entry, "column_texts", lambda *a: calls.append(a) or real(*a))
    _same([path], Config(), monkeypatch)
    assert calls, "an 'NA' in the shared strings could hide in a number column: it must be read again"


def test_blank_cells_without_missing_like_texts_are_not_read_twice(tmp_path, monkeypatch):
    from kpireport.read import entry

    rows = [[*r[:4], "South" if r[4] == "NA" else r[4]] for r in [HEADER, *_orders(30)]]  # no "NA" anywhere
    rows[9][3] = None
    rows[14][1] = None
    path = _workbook(tmp_path / "o.xlsx", rows)

    def refuse(*args, **kwargs):
        raise AssertionError("columns read a second time although no 'NA'-like text can hide in them")

    monkeypatch.setattr(entry, "column_texts", refuse)
    _same([path], Config(), monkeypatch)
    sheet = _by_column([path], monkeypatch)[0]
    assert sheet.body.unverified == {} and np.isnan(sheet.column(3, 1)[8])
