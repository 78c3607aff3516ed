"""Map stage: sheet to table, header to column, header row search, overrides and hints."""

from __future__ import annotations

import datetime as dt

import pytest

from kpireport.mapping import MappingOverrides, map_sheets
from kpireport.mapping.normalize import cell_ref, column_letter, header_keys, normalize_header
from kpireport.read import RawSheet
from kpireport.schema import default_schema


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
    mapped, _ = map_sheets([_sheet("Sayfa1", rows)])
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
    overrides = MappingOverrides(sheets={"Data": "orders"},
                                 columns={"orders": {"When": "order_date", "Money": "revenue"}})
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


# --- normalisation, more -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("InvoiceDate", "invoice date"),          # Online Retail
    ("CustomerID", "customer id"),
    ("UnitPrice", "unit price"),
    ("customerID", "customer id"),            # Telco churn
    ("IDNumber", "id no"),
    ("KPIs", "kpis"),
    ("Order Nr.", "order no"),
    ("Order Number", "order no"),
    ("Sipariş Numarası", "siparis no"),
    ("  Created   at ", "created at"),
    ("Sub-Category", "sub category"),
    ("MüşteriNo", "musteri no"),
])
def test_normalize_header_more(text: str, expected: str) -> None:
    assert normalize_header(text) == expected


@pytest.mark.parametrize(("text", "keys"), [
    ("Amount USD", ("amount usd", "amount")),
    ("Tutar TL", ("tutar tl", "tutar")),
    ("First reply time in minutes", ("first reply time in minutes", "first reply time")),
    ("Handle time (min)", ("handle time",)),
    ("Discount %", ("discount pct", "discount")),
    ("USD", ("usd",)),
    ("", ()),
])
def test_header_keys(text: str, keys: tuple[str, ...]) -> None:
    assert header_keys(text) == keys


def test_synonyms_are_unambiguous_within_each_table() -> None:
    """No header key maps to two columns of one table (a table's own column may shadow a dimension)."""
    schema = default_schema()
    for t in schema.tables.values():
        seen: dict[str, tuple[str, bool]] = {}
        for c in t.columns:
            for text in (c.name, c.name.replace("_", " "), *c.synonyms):
                key = normalize_header(text)
                if key in seen and seen[key][0] != c.name:
                    assert c.dimension and not seen[key][1], (t.name, key, seen[key][0], c.name)
                seen.setdefault(key, (c.name, c.dimension))


@pytest.mark.parametrize(("table", "headers", "expected"), [
    ("orders", ["Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name",
                "Segment", "Country", "City", "State", "Postal Code", "Region", "Product ID", "Category",
                "Sub-Category", "Product Name", "Sales", "Quantity", "Discount", "Profit"],
     {"order_id": "Order ID", "order_date": "Order Date", "delivered_date": "Ship Date", "customer_id": "Customer ID",
      "segment": "Segment", "region": "Region", "line_of_business": "Category", "revenue": "Sales",
      "quantity": "Quantity", "discount": "Discount", "profit": "Profit", "product_id": "Product ID"}),
    ("orders", ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
                "Country"],
     {"order_id": "InvoiceNo", "quantity": "Quantity", "order_date": "InvoiceDate", "unit_price": "UnitPrice",
      "customer_id": "CustomerID", "region": "Country", "product_id": "StockCode"}),
    ("orders", ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal",
                "Shipping", "Taxes", "Total", "Discount Amount", "Created at", "Payment Method", "Source",
                "Shipping Province"],
     {"order_id": "Name", "customer_id": "Email", "status": "Financial Status", "revenue": "Subtotal",
      "freight": "Shipping", "discount": "Discount Amount",
      "order_date": "Created at", "payment": "Payment Method", "channel": "Source",
      "region": "Shipping Province"}),
    ("opportunities", ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date", "Amount", "Deal Owner",
                       "Pipeline"],
     {"opportunity_id": "Record ID", "stage": "Deal Stage", "closed_date": "Close Date",
      "created_date": "Create Date", "amount": "Amount", "sales_rep": "Deal Owner"}),
    ("opportunities", ["Opportunity Name", "Account Name", "Amount", "Close Date", "Stage", "Probability (%)",
                       "Created Date", "Opportunity Owner", "Lead Source"],
     {"customer_id": "Account Name", "amount": "Amount", "closed_date": "Close Date", "stage": "Stage",
      "created_date": "Created Date", "sales_rep": "Opportunity Owner", "probability": "Probability (%)"}),
    ("tickets", ["Id", "Requester", "Assignee", "Group", "Subject", "Status", "Via", "Created at", "Solved at",
                 "Satisfaction Score", "First reply time in minutes", "Full resolution time in minutes"],
     {"ticket_id": "Id", "customer_id": "Requester", "agent": "Assignee", "channel": "Via", "created_at": "Created at",
      "resolved_at": "Solved at", "csat": "Satisfaction Score", "wait_seconds": "First reply time in minutes",
      "resolution_seconds": "Full resolution time in minutes"}),
    ("web", ["Day Index", "Sessions", "Users", "Transactions", "Revenue", "Bounce Rate"],
     {"date": "Day Index", "visits": "Sessions", "visitors": "Users", "conversions": "Transactions",
      "revenue": "Revenue"}),
    ("customers", ["customerID", "gender", "SeniorCitizen", "tenure", "Contract", "Churn Date", "Join Date"],
     {"customer_id": "customerID", "lost_date": "Churn Date", "acquired_date": "Join Date", "tenure": "tenure",
      "contract": "Contract"}),  # a customer's own contract column, no longer read as its segment
    ("orders", ["Sipariş No", "Sipariş Tarihi", "Müşteri Kodu", "Tutar (TL)", "Bölge", "Satış Temsilcisi",
                "Ödeme Şekli"],
     {"order_id": "Sipariş No", "order_date": "Sipariş Tarihi", "customer_id": "Müşteri Kodu", "revenue": "Tutar (TL)",
      "region": "Bölge", "sales_rep": "Satış Temsilcisi", "payment": "Ödeme Şekli"}),
])
def test_headers_of_common_exports_are_recognised(table: str, headers: list[str], expected: dict[str, str]) -> None:
    rows = [headers, [None] * len(headers)]
    mapped, _ = map_sheets([_sheet("Sheet1", rows, file="export.xlsx")])
    assert [m.table for m in mapped] == [table]
    got = {col: headers[j] for col, j in mapped[0].columns.items()}
    assert got == expected


# --- header rows ----------------------------------------------------------------------------------

def _merged(name: str, rows: list[list[object]], merges: tuple = ()) -> RawSheet:
    return RawSheet("export.xlsx", name, rows, merges=merges)


def test_amount_merged_over_two_currencies_uses_the_first() -> None:
    rows = [["Order Date", "Amount", None, "Region"],
            [None, "USD", "TL", None],
            [dt.datetime(2026, 1, 1), 10.0, 345.0, "North"]]
    sheet = _merged("Sales", rows, ((0, 1, 0, 2), (0, 0, 1, 0), (0, 3, 1, 3)))
    mapped, problems = map_sheets([sheet])
    m = mapped[0]
    assert (m.table, m.header_row, m.header_rows) == ("orders", 1, 2)
    assert m.columns == {"order_date": 0, "revenue": 1, "region": 3}
    assert m.headers[2] == "Amount / TL"
    assert any("'Amount / TL' (column C) also matches revenue" in p.reason for p in problems)


def test_group_titles_over_real_headers() -> None:
    rows = [["Report: orders 2026", None, None, None],
            ["Order", None, "Figures", None],
            ["Order ID", "Order Date", "Revenue", "Cost"],
            ["A1", dt.datetime(2026, 1, 1), 10.0, 4.0]]
    sheet = _merged("Orders", rows, ((1, 0, 1, 1), (1, 2, 1, 3)))
    m = map_sheets([sheet])[0][0]
    assert (m.header_row, m.header_rows) == (2, 1)  # the titles add nothing: the lower row alone maps
    assert m.columns == {"order_id": 0, "order_date": 1, "revenue": 2, "cost": 3}


def test_header_split_over_two_rows_without_merges() -> None:
    rows = [["Order", "Unit", "Qty"], ["Date", "Price", None], [dt.datetime(2026, 1, 1), 5.0, 2.0]]
    m = map_sheets([_merged("Orders", rows)])[0][0]
    assert (m.header_row, m.columns) == (1, {"order_date": 0, "unit_price": 1, "quantity": 2})


def test_a_units_row_under_the_header() -> None:
    rows = [["Created At", "Ticket ID", "Handle time"], [None, None, "(min)"], [dt.datetime(2026, 1, 1), "T1", 3.0]]
    mapped, problems = map_sheets([_merged("Tickets", rows)])
    m = mapped[0]
    assert m.header_row == 1 and m.scales == {"handle_seconds": 60.0}
    assert any("is in minutes: converted to seconds" in p.reason for p in problems)


@pytest.mark.parametrize(("header", "column", "scale"), [
    ("First reply time in minutes", "wait_seconds", 60.0),
    ("Resolution time (hrs)", "resolution_seconds", 3600.0),
    ("Handle time (sn)", "handle_seconds", None),
    ("Wait time", "wait_seconds", None),
    ("Run time (min)", "running_hours", 1 / 60),
    ("Contract term (months)", "contract_years", 1 / 12),
])
def test_units_in_headers(header: str, column: str, scale: float | None) -> None:
    from kpireport.mapping.units import unit_scale

    assert unit_scale(column, header)[0] == pytest.approx(scale or 1.0)


def test_a_repeated_header_row_prefers_the_first() -> None:
    rows = [["Order Date", "Revenue"], [dt.datetime(2026, 1, 1), 1.0], ["Order Date", "Revenue"],
            [dt.datetime(2026, 1, 2), 2.0]]
    assert map_sheets([_merged("Orders", rows)])[0][0].header_row == 0


def test_more_specific_synonym_wins_when_two_headers_match() -> None:
    rows = [["Date", "Order Date", "Revenue"], [dt.datetime(2026, 1, 9), dt.datetime(2026, 1, 1), 1.0]]
    mapped, problems = map_sheets([_merged("Orders", rows)])
    assert mapped[0].columns["order_date"] == 1
    assert any("'Date' (column A) also matches order_date" in p.reason for p in problems)


def test_duplicate_header_names_are_reported() -> None:
    rows = [["Order Date", "Revenue", "Revenue", "Note", "Note"], [dt.datetime(2026, 1, 1), 1.0, 2.0, "a", "b"]]
    mapped, problems = map_sheets([_merged("Orders", rows)])
    assert mapped[0].columns["revenue"] == 1
    reasons = [(p.severity.value, p.reason) for p in problems]
    assert ("warning", "2 columns are headed 'Revenue' (B, C); column B is used for revenue, the other(s) ignored") \
        in reasons
    assert ("info", "2 columns are headed 'Note' (D, E); none is used") in reasons


# --- which table --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "file", "table", "how"), [
    ("Orders 2026", "x.xlsx", "orders", "sheet name"),
    ("Sales Pipeline", "x.xlsx", "opportunities", "sheet name"),   # 'sales pipeline' is more specific than 'sales'
    ("Sheet1", "hubspot-crm-exports-all-deals-2026-01-05.xlsx", "opportunities", "file name"),
    ("Sayfa1", "Siparişler.xlsx", "orders", "file name"),
    ("Data", "export.xlsx", "opportunities", "headers"),
])
def test_table_by_sheet_name_file_name_or_headers(sheet: str, file: str, table: str, how: str) -> None:
    rows = [["Created Date", "Stage", "Amount", "Close Date", "Order Date", "Revenue"],
            [dt.datetime(2026, 1, 1), "won", 1.0, dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 1), 3.0]]
    if table == "opportunities" and how == "headers":
        rows = [r[:4] for r in rows]
    mapped, _ = map_sheets([RawSheet(file, sheet, rows)])
    assert (mapped[0].table, mapped[0].recognised_by) == (table, how)


def test_a_workbook_name_does_not_force_a_table_on_a_sheet_that_does_not_fit() -> None:
    pivot = RawSheet("sales_orders.xlsx", "Pivot", [["Region", "Sum of Revenue"], ["North", 10.0]])
    mapped, problems = map_sheets([pivot])
    assert mapped == []
    assert [p.severity.value for p in problems] == ["info"]


def test_missing_required_column_suggests_columns_by_their_values() -> None:
    rows = [["Belegdatum", "Revenue", "Kunde"], [dt.datetime(2026, 1, 1), 5.0, "K1"], [dt.datetime(2026, 1, 2), 6.0,
                                                                                         "K2"]]
    mapped, problems = map_sheets([_sheet("Orders", rows)])
    assert mapped == []
    [problem] = [p for p in problems if p.severity.value == "error"]
    assert "order_date (date): columns holding dates: 'Belegdatum'" in problem.reason
    assert '{orders: {"Your header": order_date}}' in problem.reason


def test_headers_only_recognition_of_an_incomplete_table_is_a_warning() -> None:
    rows = [["Revenue", "Region", "Sales Rep", "Cost"], [5.0, "North", "Ann", 2.0]]
    mapped, problems = map_sheets([_sheet("Data", rows)])
    assert mapped == []
    assert [p.severity.value for p in problems] == ["warning"]


def test_config_can_ignore_a_header_and_unknown_override_columns_are_errors() -> None:
    rows = [["Order Date", "Revenue", "Net Sales"], [dt.datetime(2026, 1, 1), 5.0, 4.0]]
    overrides = MappingOverrides(columns={"orders": {"Revenue": "ignore", "Net Sales": "revenue", "X": "revnue"}})
    mapped, problems = map_sheets([_sheet("Orders", rows)], overrides)
    assert mapped[0].columns == {"order_date": 0, "revenue": 2}
    [error] = [p for p in problems if p.severity.value == "error"]
    assert "'X' to 'revnue', which is not a column of 'orders' (did you mean revenue?)" in error.reason


def test_config_sheet_names_match_without_case() -> None:
    rows = [["When", "Money"], [dt.datetime(2026, 1, 1), 5.0]]
    overrides = MappingOverrides(sheets={"EXPORT.XLSX/data": "orders"},
                                 columns={"orders": {"When": "order_date", "Money": "revenue"}})
    mapped, _ = map_sheets([_sheet("Data", rows)], overrides)
    assert (mapped[0].table, mapped[0].recognised_by) == ("orders", "config")


def test_two_tables_on_one_sheet_separated_by_blank_rows() -> None:
    rows = [["Order Date", "Revenue", None],
            [dt.datetime(2026, 1, 1), 5.0, None],
            [dt.datetime(2026, 1, 2), 6.0, None],
            [None, None, None],
            ["Expenses", None, None],
            [None, None, None],
            ["Date", "Amount", "Category"],
            [dt.datetime(2026, 1, 3), 7.0, "rent"]]
    mapped, problems = map_sheets([_sheet("Report", rows)])
    assert [(m.table, m.header_row, m.end_row) for m in mapped] == [("orders", 0, 3), ("expenses", 6, None)]
    assert any("2 tables found on this sheet" in p.reason for p in problems)


# --- the monthly KPI sheet ------------------------------------------------------------------------

@pytest.mark.parametrize("months", [
    ["Oca 2026", "Şub 2026", "Mar 2026"],
    ["Jan-26", "Feb-26", "Mar-26"],
    ["2026-01", "2026-02", "2026-03"],
    [dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 1)],
    ["01.2026", "02.2026", "03.2026"],
])
def test_kpi_sheet_layout_is_recognised(months: list[object]) -> None:
    rows = [["KPI", "Unit", *months], ["Revenue", None, 1.0, 2.0, 3.0], ["Churn rate", "%", 2.0, 1.5, 1.0],
            ["Net Promoter Score", None, 30, 31, 32]]
    mapped, _ = map_sheets([_sheet("Sheet1", rows)])
    [m] = mapped
    assert m.table == "kpi_sheet"
    layout = m.kpi_layout
    assert (layout.kpi_col, layout.unit_col) == (0, 1)
    assert layout.values == {2: "2026-01", 3: "2026-02", 4: "2026-03"}


def test_kpi_sheet_with_bare_month_names_takes_the_year_from_the_title() -> None:
    rows = [["KPI tracker 2026"], [None], ["Gösterge", "Ocak", "Şubat", "Hedef Ocak", "Hedef Şubat"],
            ["Ciro", 1.0, 2.0, 1.5, 2.5], ["Müşteri kayıp oranı", 0.02, 0.03, None, None]]
    [m] = map_sheets([_sheet("Göstergeler", rows)])[0]
    assert m.table == "kpi_sheet" and m.header_row == 2
    assert m.kpi_layout.values == {1: "2026-01", 2: "2026-02"}
    assert m.kpi_layout.targets == {3: "2026-01", 4: "2026-02"}


def test_kpi_sheet_with_actual_and_target_groups() -> None:
    rows = [[None, "Actual", None, "Target", None],
            ["KPI", "Jan 2026", "Feb 2026", "Jan 2026", "Feb 2026"],
            ["revenue", 1.0, 2.0, 1.5, 2.5],
            ["nps", 30, 31, 35, 35]]
    sheet = RawSheet("kpis.xlsx", "KPIs", rows, merges=((0, 1, 0, 2), (0, 3, 0, 4)))
    [m] = map_sheets([sheet])[0]
    assert m.kpi_layout.values == {1: "2026-01", 2: "2026-02"}
    assert m.kpi_layout.targets == {3: "2026-01", 4: "2026-02"}


def test_a_wide_targets_sheet_is_read_as_targets() -> None:
    rows = [["KPI", "2026-01", "2026-02"], ["revenue", 100.0, 110.0], ["nps", 35, 36]]
    [m] = map_sheets([_sheet("Targets", rows)])[0]
    assert m.table == "kpi_sheet" and m.kpi_layout.target_only
    assert m.kpi_layout.targets == {1: "2026-01", 2: "2026-02"} and not m.kpi_layout.values


def test_a_long_targets_table_is_still_the_targets_table() -> None:
    rows = [["KPI", "Period", "Target"], ["revenue", "2026-01", 100.0], ["revenue", "2026-02", 110.0]]
    [m] = map_sheets([_sheet("Targets", rows)])[0]
    assert m.table == "targets"


@pytest.mark.parametrize(("name", "headers", "values", "targets"), [
    ("KPI Targets", ["KPI", "2026-01", "2026-02"], {}, {1: "2026-01", 2: "2026-02"}),
    ("Hedefler", ["Gösterge", "Oca 2026", "Şub 2026"], {}, {1: "2026-01", 2: "2026-02"}),
    ("KPIs vs targets", ["KPI", "Actual Jan-26", "Target Jan-26"], {1: "2026-01"}, {2: "2026-01"}),
    ("KPIs", ["KPI", "Jan-26", "Target Jan-26"], {1: "2026-01"}, {2: "2026-01"}),
])
def test_kpi_sheet_values_or_targets_by_sheet_name_and_headers(name: str, headers: list[str],
                                                                values: dict, targets: dict) -> None:
    rows = [headers, ["revenue", 1.0, 2.0], ["nps", 3.0, 4.0]]
    [m] = map_sheets([_sheet(name, rows)])[0]
    assert (m.kpi_layout.values, m.kpi_layout.targets) == (values, targets)
