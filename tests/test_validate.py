"""Read and validate stages: CSV dialects, what calamine does not say (1904 dates, hidden rows,
cached errors), totals and notes, required values, the monthly KPI sheet, and `kpireport validate`."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from kpireport.catalog import default_catalog
from kpireport.cli import main
from kpireport.config import Config
from kpireport.mapping import map_sheets
from kpireport.pipeline import load_dataset
from kpireport.read import RawSheet, read_path
from kpireport.validate import Locale, validate

from .conftest import SAMPLES


def _dataset(sheets: list[RawSheet], locale: Locale | None = None):
    mapped, problems = map_sheets(sheets)
    return validate(mapped, problems, locale)


def _reasons(dataset, severity: str | None = None) -> list[str]:
    return [p.reason for p in dataset.problems if severity is None or p.severity.value == severity]


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], date_1904: bool = False, hidden_rows=(),
          errors: dict[tuple[int, int], str] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date_1904, "strings_to_numbers": False})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, date)
                elif v is not None:
                    ws.write(r, c, v)
        for r in hidden_rows:
            ws.set_row(r, None, None, {"hidden": True})
        for (r, c), text in (errors or {}).items():
            ws.write_formula(r, c, "=1/0", None, text)
    wb.close()
    return path


# --- CSV -------------------------------------------------------------------------------------------

CSV_TEXT = "Sipariş Tarihi{d}Tutar{d}Bölge\r\n05.01.2026{d}\"1.234,56\"{d}Güney\r\n06.01.2026{d}\"12,5\"{d}Kuzey\r\n"


@pytest.mark.parametrize(("delimiter", "encoding", "detail"), [
    (";", "cp1254", "CSV, semicolon-separated, Windows-1254"),
    (",", "utf-8-sig", "CSV, comma-separated, UTF-8 with BOM"),
    ("\t", "utf-16", "CSV, tab-separated, UTF-16"),
    ("|", "utf-8", "CSV, pipe-separated, UTF-8"),
    (";", "utf-8", "CSV, semicolon-separated, UTF-8"),
])
def test_csv_dialects(tmp_path: Path, delimiter: str, encoding: str, detail: str) -> None:
    text = CSV_TEXT.format(d=delimiter)
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if encoding == "utf-16" else text.encode(encoding)
    path = tmp_path / "siparisler.csv"
    path.write_bytes(data)
    [sheet] = read_path(path)
    assert sheet.detail == detail
    assert sheet.rows[0] == ["Sipariş Tarihi", "Tutar", "Bölge"]
    assert sheet.rows[1] == ["05.01.2026", "1.234,56", "Güney"]
    ds = _dataset([sheet])
    assert ds.tables["orders"]["revenue"].tolist() == [1234.56, 12.5]
    assert ds.tables["orders"]["region"].tolist() == ["Güney", "Kuzey"]


def test_csv_sep_line_quotes_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('sep=;\nOrder Date;Revenue;Note\n2026-01-05;10;"a; b"\n2026-01-06;20\n', encoding="utf-8")
    [sheet] = read_path(path)
    assert sheet.rows == [["Order Date", "Revenue", "Note"], ["2026-01-05", "10", "a; b"], ["2026-01-06", "20", None]]


def test_google_analytics_csv_with_comment_lines_and_a_totals_row(tmp_path: Path) -> None:
    path = tmp_path / "Analytics All Web Site Data Audience Overview 20260101-20260131.csv"
    path.write_text("# ----------------------------------------\n# All Web Site Data\n# 20260101-20260131\n"
                    "# ----------------------------------------\n\nDay Index,Sessions,Users,Transactions\n"
                    "20260101,100,80,2\n20260102,\"1,200\",900,5\n,\"1,300\",980,7\n", encoding="utf-8")
    ds = _dataset(read_path(path))
    web = ds.tables["web"]
    assert web["date"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-02")]
    assert web["visits"].tolist() == [100.0, 1200.0]
    assert any("a totals row, left out" in r for r in _reasons(ds, "info"))
    assert not _reasons(ds, "warning")


# --- xlsx: errors, 1904 dates, hidden rows -------------------------------------------------------------

def test_cached_excel_errors_are_reported_counted_and_excluded(tmp_path: Path) -> None:
    rows = [["Order Date", "Revenue", "Cost", "Region"]]
    rows += [[dt.datetime(2026, 1, d), 10.0 * d, 4.0, "North"] for d in range(1, 6)]
    path = _xlsx(tmp_path / "orders.xlsx", {"Orders": rows}, errors={(2, 1): "#DIV/0!", (3, 2): "#N/A",
                                                                     (4, 3): "#REF!"})
    [sheet] = read_path(path)
    assert sheet.excel_errors == 3 and sheet.rows[2][1] == "#DIV/0!"
    ds = _dataset([sheet])
    orders = ds.tables["orders"]
    assert len(orders) == 4  # the row whose revenue is #DIV/0! is excluded (required)
    assert orders["cost"].isna().sum() == 1 and orders["region"].isna().sum() == 1
    assert ds.excel_errors == {("orders", "revenue"): 1, ("orders", "cost"): 1, ("orders", "region"): 1}
    cells = {p.cell for p in ds.problems if "cached Excel error" in p.reason}
    assert cells == {"B3", "C4", "D5"}
    catalog = default_catalog()
    assert ds.excel_errors_for("revenue", catalog) == 1
    assert ds.excel_errors_for("gross_margin", catalog) == 2
    assert ds.excel_errors_by_column("gross_margin", catalog) == {("orders", "cost"): 1, ("orders", "revenue"): 1}
    assert ds.sources[0].excel_errors == 3


def test_errors_in_columns_revenue_is_derived_from_count_for_revenue() -> None:
    rows = [["Order Date", "Qty", "Unit Price"], [dt.datetime(2026, 1, 1), 2.0, "#VALUE!"],
            [dt.datetime(2026, 1, 2), 3.0, 5.0]]
    ds = _dataset([RawSheet("x.xlsx", "Orders", rows)])
    assert ds.tables["orders"]["revenue"].tolist()[1] == 15.0
    assert ds.excel_errors[("orders", "revenue")] == 1


def test_1904_workbooks_read_real_dates_and_bare_serials(tmp_path: Path) -> None:
    rows = [["Order Date", "Due Date", "Revenue"], [dt.datetime(2026, 1, 5), 44568.0, 10.0]]  # 44568: 2026-01-08
    [sheet] = read_path(_xlsx(tmp_path / "mac.xlsx", {"Orders": rows}, date_1904=True))
    assert sheet.date1904 and "1904" in sheet.detail
    orders = _dataset([sheet]).tables["orders"]
    assert orders["order_date"][0] == pd.Timestamp("2026-01-05")
    assert orders["due_date"][0] == pd.Timestamp("2026-01-08")


def test_hidden_rows_are_data_with_a_note(tmp_path: Path) -> None:
    rows = [["Order Date", "Revenue"]] + [[dt.datetime(2026, 1, d), 1.0] for d in range(1, 5)]
    [sheet] = read_path(_xlsx(tmp_path / "h.xlsx", {"Orders": rows}, hidden_rows=(2, 3)))
    assert sheet.hidden_rows == frozenset({2, 3})
    ds = _dataset([sheet])
    assert len(ds.tables["orders"]) == 4
    assert "2 hidden row(s) are read as data (row 3, 4)" in " ".join(_reasons(ds, "info"))
    assert ds.sources[0].hidden_rows == 2


def test_merged_headers_read_from_a_real_workbook(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write(0, 0, "Sales report")
    ws.merge_range(2, 0, 3, 0, "Order Date")
    ws.merge_range(2, 1, 2, 2, "Amount")
    ws.write(3, 1, "USD")
    ws.write(3, 2, "TL")
    ws.write_datetime(4, 0, dt.datetime(2026, 1, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write(4, 1, 10.0)
    ws.write(4, 2, 345.0)
    wb.close()
    [sheet] = read_path(path)
    assert sheet.merges == ((2, 0, 3, 0), (2, 1, 2, 2))
    ds = _dataset([sheet])
    assert ds.tables["orders"]["revenue"].tolist() == [10.0]
    assert ds.sources[0].header_rows == 2 and ds.sources[0].header_row == 4


# --- rows: totals, notes, repeated headers, required values -----------------------------------------

def _orders(rows: list[list[object]]):
    return _dataset([RawSheet("x.xlsx", "Orders", [["Order Date", "Customer", "Revenue"], *rows])])


D = dt.datetime(2026, 1, 1)


@pytest.mark.parametrize(("row", "dropped"), [
    (["Total", None, 30.0], True),
    (["GENEL TOPLAM", None, 30.0], True),
    ([None, "Toplam:", 30.0], True),
    ([None, "Total North", 30.0], True),      # 'Total ...' with no date: a subtotal
    ([D, "Total Gym Ltd", 30.0], False),      # a customer called Total...: a real row
    ([None, None, 30.0], True),               # no label, no date, the sum of the rows above
])
def test_totals_rows(row: list[object], dropped: bool) -> None:
    ds = _orders([[D, "A", 10.0], [D, "B", 20.0], [D, "C", 0.0], row])
    assert len(ds.tables["orders"]) == (3 if dropped else 4)
    assert not _reasons(ds, "warning")


def test_notes_below_the_table_are_left_out() -> None:
    ds = _orders([[D, "A", 10.0], [D, "B", 20.0], [None, None, None], ["Source: CRM export", None, None],
                  ["Figures in USD", None, None]])
    assert len(ds.tables["orders"]) == 2
    assert "2 note(s) or lone value(s) below the table left out (row 5, 6)" in _reasons(ds, "info")
    assert not _reasons(ds, "warning")


def test_repeated_header_rows_are_left_out() -> None:
    ds = _orders([[D, "A", 10.0], ["Order Date", "Customer", "Revenue"], [D, "B", 20.0]])
    assert len(ds.tables["orders"]) == 2
    assert "1 repeated header row(s) left out (row 3)" in _reasons(ds, "info")


def test_rows_without_a_required_value_are_excluded_and_counted() -> None:
    rows = [[D, "A", None if i % 2 else 1.0] for i in range(50)]
    ds = _orders(rows)
    assert len(ds.tables["orders"]) == 25
    per_cell = [p for p in ds.problems if p.reason == "required value revenue is empty; row excluded"]
    assert len(per_cell) == 20 and per_cell[0].cell == "C3"
    assert ds.problems.suppressed[("x.xlsx", "Orders", "Revenue")] == 5
    assert "25 row(s) excluded because a required value is missing or unreadable" in _reasons(ds, "warning")


def test_long_ids_stored_as_numbers_are_reported_by_cell() -> None:
    rows = [["Customer ID", "Acquired Date"], [1234567890123456789.0, D], [42.0, D], ["007", D]]
    ds = _dataset([RawSheet("x.xlsx", "Customers", rows)])
    assert ds.tables["customers"]["customer_id"].tolist() == ["1234567890123456768", "42", "007"]
    [p] = [p for p in ds.problems if "16 or more digits" in p.reason]
    assert (p.cell, p.severity.value) == ("A2", "warning")


def test_discounts_below_one_are_rates_when_revenue_is_derived() -> None:
    rows = [["Order Date", "Quantity", "Unit Price", "Discount"], [D, 2.0, 50.0, 0.2], [D, 1.0, 10.0, None]]
    ds = _dataset([RawSheet("x.xlsx", "Orders", rows)])
    assert ds.tables["orders"]["revenue"].tolist() == [80.0, 10.0]
    assert any("read as rates" in r for r in _reasons(ds, "info"))


def test_locale_decides_ambiguous_numbers_and_dates_with_one_note_each() -> None:
    rows = [["Order Date", "Revenue"], ["03/04/2026", "1.234"], ["05/06/2026", "2.345"]]
    ds = _dataset([RawSheet("x.xlsx", "Orders", rows)], Locale(decimal=",", day_first=False))
    orders = ds.tables["orders"]
    assert orders["order_date"].tolist() == [pd.Timestamp("2026-03-04"), pd.Timestamp("2026-05-06")]
    assert orders["revenue"].tolist() == [1234.0, 2345.0]
    notes = _reasons(ds, "info")
    assert len(notes) == 2
    assert any("read as month/day (04 March 2026)" in n for n in notes)
    assert any("read as 1234 (decimal comma" in n for n in notes)


# --- the monthly KPI sheet ------------------------------------------------------------------------------

KPI_ROWS = [
    ["Northwind KPI tracker 2026"],
    [None],
    ["KPI", "Birim", "Oca 2026", "Şub 2026", "Mar 2026", "Hedef Oca 2026", "Hedef Şub 2026", "Notlar"],
    ["Satış", None, 1000, "1.250,50 TL", None, 1100, 1200, "ok"],
    ["Müşteri kayıp oranı", None, 2.5, 2.0, 1.5, None, None, None],
    ["NPS", None, 30, 31, 32, 35, 35, None],
    ["Churn rate", None, "2,1%", None, None, None, None, None],
    ["Ortalama çözüm süresi", "saat", 4, 3.5, None, None, None, None],
    ["Sales", None, None, None, None, None, None, None],   # a section title: no figures, skipped quietly
    ["Happiness index", None, 7, 8, 9, None, None, None],
]


def test_kpi_sheet_values_targets_and_units() -> None:
    sheet = RawSheet("kpis.xlsx", "Göstergeler", KPI_ROWS)
    ds = _dataset([sheet], Locale(decimal=","))
    k = ds.kpi_sheet.set_index(["kpi", "period"])
    assert list(ds.kpi_sheet.columns) == ["kpi", "period", "value", "target", "file", "sheet", "cell"]
    assert k.loc[("revenue", "2026-01"), "value"] == 1000 and k.loc[("revenue", "2026-01"), "target"] == 1100
    assert k.loc[("revenue", "2026-02"), "value"] == 1250.5
    assert k.loc[("revenue", "2026-02"), "cell"] == "D4"
    assert ("revenue", "2026-03") not in k.index  # nothing typed
    assert k.loc[("churn_rate", "2026-01"), "value"] == pytest.approx(0.021)  # '2,1%' typed later wins
    assert k.loc[("churn_rate", "2026-02"), "value"] == pytest.approx(0.02)   # 2.0 for a percentage: 2 %
    assert k.loc[("nps", "2026-03"), "value"] == 32 and k.loc[("nps", "2026-02"), "target"] == 35
    assert k.loc[("avg_resolution_time", "2026-02"), "value"] == 3.5 * 3600
    reasons = " | ".join(_reasons(ds))
    assert "KPI 'Happiness index' is not in the catalog" in reasons
    assert "churn_rate for 2026-01 is typed twice on this sheet (0.025 and 0.021); the later row, C7, is used" \
        in reasons
    assert "read as percentages" in reasons
    assert ds.typed_kpis() == {"revenue", "churn_rate", "nps", "avg_resolution_time"}
    assert ds.kpi_sheet_span() == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"))
    assert ds.last_date() == pd.Timestamp("2026-03-31")  # no record table: the KPI sheet's last month
    [src] = ds.sources
    assert (src.kind, src.rows_read, src.rows_used) == ("kpi sheet", 6, 5)


def test_kpi_sheet_durations_typed_as_excel_times_become_seconds() -> None:
    rows = [["KPI", "2026-01", "2026-02"], ["avg_resolution_time", dt.timedelta(hours=4, minutes=30), dt.time(2, 0)],
            ["first_response_time", 600, 540]]
    ds = _dataset([RawSheet("k.xlsx", "KPIs", rows)])
    k = ds.kpi_sheet.set_index(["kpi", "period"])["value"]
    assert k[("avg_resolution_time", "2026-01")] == 4.5 * 3600 and k[("avg_resolution_time", "2026-02")] == 7200
    assert k[("first_response_time", "2026-01")] == 600
    assert any("typed numbers read as seconds" in r for r in _reasons(ds, "info"))


def test_kpi_typed_in_two_sheets_keeps_the_later_with_a_warning() -> None:
    a = RawSheet("a.xlsx", "KPIs", [["KPI", "2026-01", "2026-02"], ["revenue", 1.0, 2.0]])
    b = RawSheet("b.xlsx", "KPIs", [["KPI", "2026-01", "2026-03"], ["revenue", 5.0, 6.0]])
    ds = _dataset([a, b])
    k = ds.kpi_sheet.set_index(["kpi", "period"])["value"]
    assert k.to_dict() == {("revenue", "2026-01"): 5.0, ("revenue", "2026-02"): 2.0, ("revenue", "2026-03"): 6.0}
    assert any("revenue for 2026-01 is typed twice; the value in b.xlsx / KPIs / B2 is used" in r
               for r in _reasons(ds, "warning"))


def test_records_and_a_kpi_sheet_together(tmp_path: Path) -> None:
    rows = [["Order Date", "Revenue"], [dt.datetime(2026, 1, 5), 10.0], [dt.datetime(2026, 2, 5), 20.0]]
    _xlsx(tmp_path / "orders.xlsx", {"Orders": rows})
    _xlsx(tmp_path / "kpis.xlsx", {"KPIs": [["KPI", "Jan-26", "Feb-26"], ["Revenue", 11.0, 21.0],
                                            ["NPS", 30, 40]]})
    ds = load_dataset([tmp_path], Config())
    assert set(ds.tables) == {"orders"} and ds.typed_kpis() == {"revenue", "nps"}
    assert ds.last_date() == pd.Timestamp("2026-02-05")  # records decide the period when there are any


# --- kpireport validate -----------------------------------------------------------------------------------

def _validate(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def test_validate_command_on_the_sample() -> None:
    result = _validate(str(SAMPLES))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "sales_orders.xlsx / Orders -> orders (by sheet name; header row 1; 20,301 rows read, 20,301 used)" in out
    assert "Order Date -> order_date" in out
    assert "KPIs: " in out and "OK: 21 tables recognised, no errors." in out


def test_validate_command_without_any_table(tmp_path: Path) -> None:
    _xlsx(tmp_path / "notes.xlsx", {"README": [["Nothing to see"]]})
    result = _validate(str(tmp_path))
    assert result.exit_code == 7
    assert "notes.xlsx / README: sheet not recognised" in result.output


def test_validate_command_with_errors(tmp_path: Path) -> None:
    _xlsx(tmp_path / "orders.xlsx", {"Orders": [["Order Dte", "Revenue"], [dt.datetime(2026, 1, 1), 1.0]],
                                     "Leads": [["Created Date", "Lead ID"], [dt.datetime(2026, 1, 1), "L1"]]})
    result = _validate(str(tmp_path))
    assert result.exit_code == 3, result.output
    assert "error: orders.xlsx / Orders / A1: recognised as table 'orders'" in result.output
    assert "did you mean 'Order Dte'?" in result.output
    assert "orders.xlsx / Leads -> leads" in result.output
    assert "cannot be computed" in result.output and "revenue: needs" in result.output


def test_validate_command_keeps_going_past_a_broken_file(tmp_path: Path) -> None:
    _xlsx(tmp_path / "leads.xlsx", {"Leads": [["Created Date", "Lead ID"], [dt.datetime(2026, 1, 1), "L1"]]})
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = _validate(str(tmp_path))
    assert result.exit_code == 5, result.output
    assert "broken.xlsx: cannot be read" in result.output
    assert "leads.xlsx / Leads -> leads" in result.output
