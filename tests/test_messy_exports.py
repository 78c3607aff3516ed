"""A first-time user drops the export of a popular tool, with its own header names, and gets a
correct report with no config: Superstore, Shopify, HubSpot, Salesforce, Zendesk, Google
Analytics and Online Retail style files, each with KPI values worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from kpireport.config import Config
from kpireport.pipeline import load_dataset, run
from kpireport.problems import Severity
from kpireport.render.json_out import report_dict


def _kpis(folder: Path) -> dict:
    dataset = load_dataset([folder], Config())
    errors = [p.one_line() for p in dataset.problems if p.severity is not Severity.INFO]
    assert not errors, errors
    return report_dict(run([folder], Config()))["kpis"]


def _value(kpis: dict, kid: str, period: str) -> float | None:
    return kpis[kid]["values"][period]


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(path: Path, sheet: str, rows: list[list[object]]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, stamp)
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def test_superstore(tmp_path: Path) -> None:
    head = ("Row ID,Order ID,Order Date,Ship Date,Ship Mode,Customer ID,Customer Name,Segment,Country,City,State,"
            "Postal Code,Region,Product ID,Category,Sub-Category,Product Name,Sales,Quantity,Discount,Profit\n")
    rows = [
        "1,CA-2026-1,1/5/2026,1/9/2026,Standard Class,CG-12520,Claire Gute,Consumer,United States,Henderson,Kentucky,"
        "42420,South,FUR-BO-1,Furniture,Bookcases,\"Bush Somerset Collection Bookcase, 5 Shelf\",100.00,2,0,20.00",
        "2,CA-2026-2,1/20/2026,1/22/2026,Second Class,DV-13045,Darrin Van Huff,Corporate,United States,Los Angeles,"
        "California,90036,West,OFF-LA-1,Office Supplies,Labels,Self-Adhesive Address Labels,300.00,3,0.2,-30.00",
        "3,CA-2026-3,2/13/2026,2/16/2026,Standard Class,CG-12520,Claire Gute,Consumer,United States,Henderson,"
        "Kentucky,42420,South,TEC-PH-1,Technology,Phones,Phone,50.00,1,0,10.00",
        "4,CA-2026-4,3/2/2026,3/6/2026,First Class,SO-20335,Sean O'Donnell,Consumer,United States,Fort Worth,Texas,"
        "76106,Central,FUR-TA-1,Furniture,Tables,Table,200.00,2,0.45,40.00",
        "5,CA-2026-5,3/31/2026,4/2/2026,Same Day,BH-11710,Brosina Hoffman,Consumer,United States,Los Angeles,"
        "California,90032,West,FUR-FU-1,Furniture,Furnishings,Clock,25.00,1,0,5.00",
    ]
    _csv(tmp_path / "Sample - Superstore.csv", head + "\n".join(rows) + "\n", "cp1252")
    kpis = _kpis(tmp_path)
    assert _value(kpis, "revenue", "2026-01") == 400.0
    assert _value(kpis, "revenue", "2026-02") == 50.0
    assert _value(kpis, "revenue", "2026-03") == 225.0
    assert _value(kpis, "gross_margin", "2026-01") == pytest.approx(-10 / 400)   # profit 20 - 30
    assert _value(kpis, "average_order_value", "2026-01") == 200.0
    orders = load_dataset([tmp_path], Config()).tables["orders"]
    assert orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05", "2026-01-20", "2026-02-13",
                                                                       "2026-03-02", "2026-03-31"]
    assert orders["region"].tolist()[:2] == ["South", "West"]  # Region, not Country, City or State
    assert orders["line_of_business"].tolist()[0] == "Furniture"


def test_shopify_orders(tmp_path: Path) -> None:
    head = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
            "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
            "Lineitem quantity,Lineitem name,Lineitem price,Billing Name,Payment Method,Source,Id\n")
    rows = [
        "#1001,ann@example.com,paid,2026-01-05 14:03:22 +0100,fulfilled,2026-01-06 09:00:00 +0100,yes,EUR,"
        "90.00,5.00,17.10,112.10,WELCOME10,10.00,Standard,2026-01-05 14:03:22 +0100,2,Tent,50.00,Ann Lee,"
        "Shopify Payments,web,5678901234567",
        "#1002,bob@example.com,paid,2026-01-20 08:00:00 +0100,fulfilled,,no,EUR,"
        "1234.50,0.00,234.56,1469.06,,0.00,Pickup,2026-01-20 08:00:00 +0100,1,Canoe,1234.50,Bob Roe,"
        "Shopify Payments,pos,5678901234568",
        "#1003,ann@example.com,pending,,unfulfilled,,yes,EUR,"
        "40.00,5.00,8.55,53.55,,0.00,Standard,2026-02-27 23:59:59 +0100,1,Lamp,40.00,Ann Lee,"
        "Manual,web,5678901234569",
    ]
    _csv(tmp_path / "orders_export_1.csv", head + "\n".join(rows) + "\n")
    kpis = _kpis(tmp_path)
    assert _value(kpis, "revenue", "2026-01") == pytest.approx(1324.5)   # Subtotal, not Total
    assert _value(kpis, "average_order_value", "2026-01") == pytest.approx(662.25)
    orders = load_dataset([tmp_path], Config()).tables["orders"]
    assert orders["order_id"].tolist() == ["#1001", "#1002", "#1003"]
    assert orders["customer_id"].tolist() == ["ann@example.com", "bob@example.com", "ann@example.com"]
    assert str(orders["order_date"][0]) == "2026-01-05 14:03:22"  # the shop's wall-clock time


def test_hubspot_deals(tmp_path: Path) -> None:
    d = dt.datetime
    rows = [["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date", "Amount", "Deal Owner", "Pipeline"],
            [9001, "Acme renewal", "Closed won", d(2026, 2, 3), d(2026, 1, 4), 12000, "Ann Lee", "Sales Pipeline"],
            [9002, "Beta", "Closed lost", d(2026, 2, 10), d(2026, 1, 15), 5000, "Bob Roe", "Sales Pipeline"],
            [9003, "Gamma", "Closed won", d(2026, 2, 24), d(2026, 2, 1), 8000, "Ann Lee", "Sales Pipeline"],
            [9004, "Delta", "Appointment scheduled", d(2026, 6, 30), d(2026, 2, 20), 3000, "Bob Roe",
             "Sales Pipeline"],
            [9005, "Eps", "Closed won", d(2026, 3, 2), d(2026, 3, 1), 1000, "Ann Lee", "Sales Pipeline"]]
    _xlsx(tmp_path / "hubspot-crm-exports-all-deals-2026-03-05.xlsx", "All deals", rows)
    kpis = _kpis(tmp_path)
    assert _value(kpis, "win_rate", "2026-02") == pytest.approx(2 / 3)
    assert _value(kpis, "sales_cycle_length", "2026-02") == pytest.approx(((30) + (23)) / 2)


def test_salesforce_opportunities(tmp_path: Path) -> None:
    head = ("Opportunity Name,Account Name,Amount,Close Date,Stage,Probability (%),Created Date,Opportunity Owner,"
            "Lead Source\n")
    rows = ["Big deal,Acme Corp,\"$12,000.00\",2/3/2026,Closed Won,100,1/4/2026,Ann Lee,Web",
            "Small deal,Beta Ltd,\"$5,000.00\",2/10/2026,Closed Lost,0,1/15/2026,Bob Roe,Partner",
            "Mid deal,Gamma Inc,\"$8,000.00\",2/24/2026,Closed Won,100,2/1/2026,Ann Lee,Web",
            "Next deal,Eps AG,\"$1,000.00\",3/2/2026,Closed Won,100,3/1/2026,Ann Lee,Web"]
    _csv(tmp_path / "report1700000000000.csv", "\ufeff" + head + "\n".join(rows) + "\n")
    kpis = _kpis(tmp_path)
    assert _value(kpis, "win_rate", "2026-02") == pytest.approx(2 / 3)
    opps = load_dataset([tmp_path], Config()).tables["opportunities"]
    assert opps["amount"].tolist() == [12000.0, 5000.0, 8000.0, 1000.0]
    assert opps["customer_id"].tolist()[0] == "Acme Corp"


def test_zendesk_tickets(tmp_path: Path) -> None:
    head = ("Id,Requester,Requester id,Assignee,Group,Subject,Status,Priority,Via,Ticket type,Created at,Solved at,"
            "Satisfaction Score,First reply time in minutes,Full resolution time in minutes\n")
    rows = ["101,Ann,5001,Sam,Support,Broken tent,solved,normal,Mail,problem,2026-01-05T09:00:00Z,"
            "2026-01-05T13:00:00Z,Good,30,240",
            "102,Bob,5002,Sam,Support,Late order,solved,high,Web form,incident,2026-01-10T10:00:00Z,"
            "2026-01-11T10:00:00Z,Bad,90,1440",
            "103,Cem,5003,Kim,Support,Question,open,low,Chat,question,2026-01-20T08:00:00Z,,Offered,,",
            "104,Dee,5004,Kim,Support,Refund,solved,normal,Mail,problem,2026-02-02T08:00:00Z,"
            "2026-02-02T10:00:00Z,Unoffered,15,120"]
    _csv(tmp_path / "zendesk_tickets.csv", head + "\n".join(rows) + "\n")
    kpis = _kpis(tmp_path)
    assert _value(kpis, "avg_resolution_time", "2026-01") == pytest.approx((4 * 3600 + 24 * 3600) / 2)
    assert _value(kpis, "first_response_time", "2026-01") == pytest.approx((30 + 90) / 2 * 60)
    assert _value(kpis, "tickets_opened", "2026-01") == 3
    tickets = load_dataset([tmp_path], Config()).tables["tickets"]
    assert tickets["csat"].tolist()[:2] == [5.0, 1.0]
    assert tickets["customer_id"].tolist()[0] == "5001"
    assert tickets["channel"].tolist()[0] == "Mail"


def test_google_analytics(tmp_path: Path) -> None:
    lines = ["# ----------------------------------------", "# All Web Site Data", "# Audience Overview",
             "# 20260101-20260228", "# ----------------------------------------", "",
             "Day Index,Sessions,Users,Transactions,Revenue"]
    lines += [f"2026{m:02d}{d:02d},\"1,000\",800,{d % 3},\"${d * 10:,.2f}\"" for m in (1, 2) for d in range(1, 29)]
    lines += [",\"56,000\",\"44,800\",56,\"$8,120.00\""]
    _csv(tmp_path / "Analytics All Web Site Data Audience Overview 20260101-20260228.csv", "\n".join(lines) + "\n")
    kpis = _kpis(tmp_path)
    transactions = sum(d % 3 for d in range(1, 29))
    assert _value(kpis, "website_conversion_rate", "2026-01") == pytest.approx(transactions / 28000)
    assert _value(kpis, "sales_per_visitor", "2026-02") == pytest.approx(sum(d * 10 for d in range(1, 29)) / 22400)


def test_online_retail(tmp_path: Path) -> None:
    d = dt.datetime
    rows = [["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
            ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6, d(2026, 1, 1, 8, 26), 2.55, 17850.0,
             "United Kingdom"],
            ["536365", "71053", "WHITE METAL LANTERN", 6, d(2026, 1, 1, 8, 26), 3.39, 17850.0, "United Kingdom"],
            ["536366", "22633", "HAND WARMER UNION JACK", 6, d(2026, 1, 12, 8, 28), 1.85, 17850.0, "United Kingdom"],
            ["536367", "84879", "ASSORTED COLOUR BIRD ORNAMENT", 32, d(2026, 2, 2, 8, 34), 1.69, 13047.0, "France"]]
    _xlsx(tmp_path / "Online Retail.xlsx", "Online Retail", rows)
    kpis = _kpis(tmp_path)
    assert _value(kpis, "revenue", "2026-01") == pytest.approx(6 * 2.55 + 6 * 3.39 + 6 * 1.85)
    orders = load_dataset([tmp_path], Config()).tables["orders"]
    assert orders["customer_id"].tolist() == ["17850", "17850", "17850", "13047"]
    assert orders["region"].tolist()[-1] == "France"
