"""Seeded messy variants of the clean sample: the same data, written the way real exports arrive.

`write_variant(name, out_dir)` writes one variant of `base_tables()` (the sample company over a
shorter window, so a test run stays quick) and returns the Config to read it with. Every
variant holds exactly the same records as `clean`, so every KPI must come out the same:

- clean: one workbook per source system, one sheet per table, headers on row 1 (as the sample).
- offset_merged: title blocks above the header; two-row headers with merged group titles
  ("Order" over "Order ID | Order Date"), vertical merges, "Revenue" merged over "USD | TL"
  (the TL column must be left alone), a units row ("(min)": wait times in minutes); totals
  rows and notes below every table; a header repeated inside a long table.
- turkish: Turkish sheet names and headers, numbers as text with decimal commas and thousands
  dots ("1.234,56 TL"), text dates "31.12.2026", "31 Ara 2026", "5 Şubat 2026 14:05:09",
  Evet/Hayır; read with `decimal: ","` (locale tr_TR).
- text_values: numbers as text ("$1,234.50", "1,234"), dates as text in several formats per
  column (ISO, 12/31/2026, "Dec 31, 2026", 20261231), Y/N, TRUE/FALSE, 1/0 and x/blank
  booleans; read with `day_first: false` (US).
- extra_hidden: extra sheets (a pivot, a README, an empty sheet, a lookup list), a hidden sheet
  with stale orders, hidden rows inside the data, a chart-data sheet.
- split: orders in two files (by year), customers over two sheets, leads over a CSV and a
  workbook, two tables on one sheet separated by blank rows.
- csv: every table as CSV: ';'-separated Windows-1254 with Turkish headers and decimal
  commas, ','-separated UTF-8 with BOM, tab-separated UTF-16 ("Unicode text"), '|'-separated.
- date1904: workbooks on the 1904 date system, dates as real dates and as bare serial numbers.

    python -m tests.messy --out DIR [--variant NAME] [--seed N]
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from kpireport.config import Config
from kpireport.mapping.normalize import normalize_header
from kpireport.sample import generate_tables
from kpireport.sample.generator import WORKBOOKS, header, sheet_name
from kpireport.schema import default_schema, load_schema

SEED = 2026
START, END = "2026-03-01", "2026-10-31"
MAX_ROWS = 800
VARIANTS = ("clean", "offset_merged", "turkish", "text_values", "extra_hidden", "split", "csv", "date1904")

TURKISH_SHEETS = {
    "orders": "Siparişler", "customers": "Müşteriler", "leads": "Müşteri Adayları", "opportunities": "Fırsatlar",
    "campaigns": "Kampanyalar", "web": "Web Sitesi", "tickets": "Destek Talepleri", "interactions": "Etkileşimler",
    "surveys": "Anketler", "expenses": "Giderler", "invoices": "Faturalar", "targets": "Hedefler",
    "market": "Pazar", "production": "Üretim", "social": "Sosyal Medya", "tasks": "Görevler",
    "staff": "Personel", "product_usage": "Kullanım", "okrs": "OKRs", "campaign_responses": "Kampanya Yanıtları",
    "payments": "Ödemeler",
}
TURKISH_MONTHS = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"]
TURKISH_MONTHS_LONG = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
                       "Kasım", "Aralık"]
# Group titles for two-row headers: a title merged over the listed columns.
GROUPS = {
    "orders": [("Order", ("order_id", "order_date")), ("Customer", ("customer_id",))],
    "tickets": [("Ticket", ("ticket_id", "created_at")), ("Timing", ("first_response_at", "resolved_at"))],
    "invoices": [("Invoice", ("invoice_id", "invoice_date")), ("Payment", ("due_date", "paid_date"))],
    "leads": [("Lead", ("created_date", "lead_id"))],
    "opportunities": [("Deal", ("opportunity_id", "created_date", "stage"))],
}


def base_tables(seed: int = SEED, start: str = START, end: str = END, max_rows: int | None = MAX_ROWS,
                ) -> dict[str, pd.DataFrame]:
    """The clean sample tables over a short window, money rounded to cents as exports show it; tables
    longer than `max_rows` keep a seeded random subset of their rows, in order (KPIs are compared
    between variants of the same rows, so a subset keeps every comparison exact and the test quick)."""
    schema = default_schema()
    tables = generate_tables(seed, start, end)
    rng = np.random.default_rng(seed)
    for name, df in tables.items():
        if max_rows is not None and len(df) > max_rows:
            keep = np.sort(rng.choice(len(df), size=max_rows, replace=False))
            df = tables[name] = df.iloc[keep].reset_index(drop=True)
        spec = schema.table(name)
        for col in df.columns:
            if spec.column(col).type == "money":
                df[col] = df[col].round(2)
    return tables


def kind_of(table: str, column: str) -> str:
    return default_schema().table(table).column(column).type


# --- cell formatting ---------------------------------------------------------------------------

def number_text(v: float, decimal: str = ".", group: bool = True, places: int | None = None) -> str:
    """A float as an export writes it, round-tripping exactly: '1,234.5' / '1.234,5'."""
    if places is not None:
        s = f"{abs(v):.{places}f}"
    elif float(v).is_integer():
        s = str(int(abs(v)))
    else:
        s = repr(abs(float(v)))
        assert "e" not in s, s
    whole, _, frac = s.partition(".")
    if group:
        whole = f"{int(whole):,}"
    thousands = "," if decimal == "." else "."
    whole = whole.replace(",", thousands if group else "")
    out = whole + (decimal + frac if frac else "")
    return ("-" if v < 0 else "") + out


def is_datetime(ts: pd.Timestamp) -> bool:
    return (ts.hour, ts.minute, ts.second) != (0, 0, 0)


@dataclass
class Cells:
    """How one variant writes each kind of value: a callable (table, column, value, rng) -> cell,
    where a cell is a float, a str, a datetime or None (blank)."""

    number: Callable = lambda t, c, v, rng: float(v)
    date: Callable = lambda t, c, v, rng: v.to_pydatetime()
    boolean: Callable = lambda t, c, v, rng: "Yes" if v else "No"
    text: Callable = lambda t, c, v, rng: str(v)


def cell_value(cells: Cells, table: str, column: str, value: object, rng: np.random.Generator) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    kind = kind_of(table, column)
    if kind == "date":
        return cells.date(table, column, pd.Timestamp(value), rng)
    if kind == "bool":
        return cells.boolean(table, column, bool(value), rng)
    if kind in ("number", "money", "score"):
        return cells.number(table, column, float(value), rng)
    return cells.text(table, column, value, rng)


# --- sheets --------------------------------------------------------------------------------------

@dataclass
class Sheet:
    name: str
    table: str
    df: pd.DataFrame
    headers: list[str]
    cells: Cells = field(default_factory=Cells)
    title: list[str] = field(default_factory=list)  # rows above the header
    groups: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # two-row header
    tl_column: bool = False  # "Revenue" merged over "USD | TL"
    units_row: dict[str, str] = field(default_factory=dict)  # column -> "(min)" under its header
    unit_scale: dict[str, float] = field(default_factory=dict)  # column -> divide values by this
    totals: str | None = None  # label of a totals row
    notes: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # data row positions
    repeat_header_every: int = 0
    hidden: bool = False
    raw_rows: list[list[object]] | None = None  # a sheet that is not a table (pivot, README)
    serial_dates: set[str] = field(default_factory=set)  # date columns written as bare serials
    next_table: Sheet | None = None  # a second table below this one, after blank rows


def _formats(wb: xlsxwriter.Workbook) -> dict:
    return {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "bold": wb.add_format({"bold": True}),
            "center": wb.add_format({"bold": True, "align": "center"})}


def write_workbook(path: Path, sheets: list[Sheet], rng: np.random.Generator, date_1904: bool = False) -> Path:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "date_1904": date_1904}
    wb = xlsxwriter.Workbook(str(path), options)
    try:
        fmt = _formats(wb)
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.name)
            if sheet.hidden:
                ws.hide()
            if sheet.raw_rows is not None:
                for r, row in enumerate(sheet.raw_rows):
                    for c, v in enumerate(row):
                        _write(ws, r, c, v, fmt)
                continue
            row = 0
            part: Sheet | None = sheet
            while part is not None:
                row = _write_table(ws, part, row, rng, fmt, date_1904) + 2
                part = part.next_table
    finally:
        wb.close()
    return path


def _write(ws, r: int, c: int, v: object, fmt: dict, number_format=None) -> None:
    if v is None:
        return
    if isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, fmt["datetime"] if (v.hour, v.minute, v.second) != (0, 0, 0) else fmt["date"])
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, number_format)
    else:
        ws.write_string(r, c, str(v))


def _write_table(ws, sheet: Sheet, row: int, rng: np.random.Generator, fmt: dict, date_1904: bool) -> int:
    """Write one table from `row`; returns the row after its last row (notes included)."""
    df = sheet.df
    cols = list(df.columns)
    for line in sheet.title:
        ws.write_string(row, 0, line, fmt["bold"])
        row += 1
    if sheet.title:
        row += 1  # a blank row between the title block and the header
    layout: list[tuple[str, str, str | None]] = []  # (column, bottom header, top header)
    for col, text in zip(cols, sheet.headers, strict=True):
        layout.append((col, text, None))
        if sheet.tl_column and col == "revenue":
            layout.append(("__tl__", "TL", None))
    two_rows = bool(sheet.groups or sheet.tl_column or sheet.units_row)
    bottom_texts: list[str | None] = [text for _, text, _ in layout]
    if two_rows:
        top, bottom = row, row + 1
        grouped: dict[str, str] = {c: title for title, members in sheet.groups for c in members}
        c = 0
        while c < len(layout):
            col, text, _ = layout[c]
            if sheet.tl_column and col == "revenue":
                ws.merge_range(top, c, top, c + 1, "Revenue", fmt["center"])
                bottom_texts[c:c + 2] = ["USD", "TL"]
                c += 2
                continue
            if col in grouped:
                title = grouped[col]
                last = c
                while last + 1 < len(layout) and grouped.get(layout[last + 1][0]) == title:
                    last += 1
                if last > c:
                    ws.merge_range(top, c, top, last, title, fmt["center"])
                else:
                    ws.write_string(top, c, title, fmt["center"])
                c = last + 1
                continue
            if col in sheet.units_row:
                ws.write_string(top, c, text, fmt["bold"])
                bottom_texts[c] = sheet.units_row[col]
            elif rng.random() < 0.5:
                ws.merge_range(top, c, bottom, c, text, fmt["bold"])  # a vertical merge
                bottom_texts[c] = None
            else:
                ws.write_string(top, c, text, fmt["bold"])  # the header in the top row only
                bottom_texts[c] = None
            c += 1
        for c, text in enumerate(bottom_texts):
            if text is not None:
                ws.write_string(bottom, c, text, fmt["bold"])
        row = bottom + 1
    else:
        for c, text in enumerate(bottom_texts):
            ws.write_string(row, c, text, fmt["bold"])
        row += 1
    values = {col: df[col].tolist() for col in cols}
    for i in range(len(df)):
        if sheet.repeat_header_every and i and i % sheet.repeat_header_every == 0:
            for c, text in enumerate(bottom_texts):  # a page header: the (lower) header row again
                if text is not None:
                    ws.write_string(row, c, text)
            row += 1
        for c, (col, _, _) in enumerate(layout):
            if col == "__tl__":
                v = values["revenue"][i]
                _write(ws, row, c, None if pd.isna(v) else round(v * 34.5, 2), fmt, fmt["money"])
                continue
            v = values[col][i]
            if col in sheet.unit_scale and not pd.isna(v):
                v = v / sheet.unit_scale[col]
            if col in sheet.serial_dates and not pd.isna(v):
                origin = pd.Timestamp("1904-01-01" if date_1904 else "1899-12-30")
                _write(ws, row, c, (pd.Timestamp(v) - origin) / pd.Timedelta(days=1), fmt)
                continue
            cell = cell_value(sheet.cells, sheet.table, col, v, rng)
            _write(ws, row, c, cell, fmt, fmt["money"] if kind_of(sheet.table, col) == "money" else None)
        if i in sheet.hidden_rows:
            ws.set_row(row, None, None, {"hidden": True})
        row += 1
    if sheet.totals:
        ws.write_string(row, 0, sheet.totals, fmt["bold"])
        for c, (col, _, _) in enumerate(layout):
            if col != "__tl__" and c > 0 and kind_of(sheet.table, col) == "money":
                ws.write_number(row, c, float(df[col].sum()), fmt["money"])
        row += 1
    if sheet.notes:
        row += 1
        for line in sheet.notes:
            ws.write_string(row, 0, line)
            row += 1
    return row


def write_csv(path: Path, headers: list[str], rows: list[list[str]], delimiter: str, encoding: str) -> Path:
    import csv
    import io

    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    text = buf.getvalue()
    if encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def csv_rows(table: str, df: pd.DataFrame, cells: Cells, rng: np.random.Generator) -> list[list[str]]:
    out = []
    cols = list(df.columns)
    data = {c: df[c].tolist() for c in cols}
    for i in range(len(df)):
        row = []
        for c in cols:
            v = cell_value(cells, table, c, data[c][i], rng)
            row.append("" if v is None else v if isinstance(v, str) else repr(v))
        out.append(row)
    return out


# --- headers ---------------------------------------------------------------------------------------

def turkish_headers(table: str, cols: list[str]) -> list[str]:
    """For each column, its last Turkish-looking synonym that still maps back to it (one per column).

    From tables.yaml itself: the packaged schema also holds the template words of every language
    (Persian, Slovenian), which a Turkish export in a Turkish code page would not carry."""
    spec = load_schema().table(table)
    taken: set[str] = set()
    index: dict[str, str] = {}
    for c in spec.columns:
        for text in (c.name, c.name.replace("_", " "), *c.synonyms):
            index.setdefault(normalize_header(text), c.name)
    out = []
    for col in cols:
        syns = list(spec.column(col).synonyms)
        turkish = [s for s in syns if any(ch in s for ch in "çğıöşüÇĞİÖŞÜâ")] or syns
        pick = next((s for s in reversed(turkish) if index.get(normalize_header(s)) == col
                     and normalize_header(s) not in taken), header(col))
        taken.add(normalize_header(pick))
        out.append(pick[:1].upper() + pick[1:])
    return out


# --- variants ------------------------------------------------------------------------------------

def _workbook_layout(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    return {name: list(members) for name, members in WORKBOOKS.items()}


def _plain(tables: dict[str, pd.DataFrame], out: Path, rng: np.random.Generator, **sheet_kw) -> list[Path]:
    paths = []
    for file, members in _workbook_layout(tables).items():
        sheets = [Sheet(sheet_name(t), t, tables[t], [header(c) for c in tables[t].columns], **sheet_kw)
                  for t in members]
        paths.append(write_workbook(out / file, sheets, rng))
    return paths


def variant_clean(tables, out, rng) -> Config:
    _plain(tables, out, rng)
    return Config()


def variant_offset_merged(tables, out, rng) -> Config:
    for file, members in _workbook_layout(tables).items():
        sheets = []
        for t in members:
            df = tables[t]
            s = Sheet(sheet_name(t), t, df, [header(c) for c in df.columns])
            s.title = ["Northwind Outdoor Ltd.", f"{sheet_name(t)} export", "Report generated on 01.11.2026 08:15"][
                : int(rng.integers(1, 4))]
            s.groups = GROUPS.get(t, [])
            s.tl_column = t == "orders"
            if t == "tickets":
                s.units_row = {"handle_seconds": "(min)"}
                s.unit_scale = {"handle_seconds": 60.0}
                s.headers = [("Handle time" if c == "handle_seconds" else h) for c, h in zip(df.columns, s.headers,
                                                                                               strict=True)]
            s.totals = "Total"
            s.notes = ["Source: Northwind ERP export. Figures in USD.", "Confidential - internal use only"]
            if t == "orders":
                s.repeat_header_every = 300
            sheets.append(s)
        write_workbook(out / file, sheets, rng)
    return Config()


def _tr_date(t, c, ts: pd.Timestamp, rng) -> str:
    form = int(rng.integers(0, 3))
    time = f" {ts:%H:%M:%S}" if is_datetime(ts) else ""
    if form == 0:
        return f"{ts:%d.%m.%Y}{time}"
    if form == 1:
        return f"{ts.day} {TURKISH_MONTHS[ts.month - 1]} {ts.year}{time}"
    return f"{ts.day} {TURKISH_MONTHS_LONG[ts.month - 1]} {ts.year}{time}"


def _tr_number(t, c, v, rng) -> object:
    kind = kind_of(t, c)
    if kind == "money":
        return number_text(v, ",", True, 2) + " TL"
    return number_text(v, ",", True)


TURKISH_CELLS = Cells(number=_tr_number, date=_tr_date, boolean=lambda t, c, v, rng: "Evet" if v else "Hayır")


def variant_turkish(tables, out, rng) -> Config:
    files = {"satis.xlsx": ["orders", "payments"], "crm.xlsx": ["customers", "leads", "opportunities", "campaigns",
                                                              "interactions", "campaign_responses"],
             "destek.xlsx": ["tickets", "surveys"], "web.xlsx": ["web", "social", "product_usage"],
             "finans.xlsx": ["expenses", "invoices", "targets", "market"], "operasyon.xlsx": ["production", "tasks",
                                                                                             "staff"],
             "okr.xlsx": ["okrs"]}
    for file, members in files.items():
        sheets = [Sheet(TURKISH_SHEETS[t], t, tables[t], turkish_headers(t, list(tables[t].columns)), TURKISH_CELLS)
                  for t in members]
        for s in sheets:
            s.totals = "Genel Toplam"
        write_workbook(out / file, sheets, rng)
    return Config(locale="tr_TR", language="tr", decimal=",")


def _us_date(t, c, ts: pd.Timestamp, rng) -> object:
    form = int(rng.integers(0, 5))
    if is_datetime(ts):
        hour = ts.hour % 12 or 12
        ampm = "AM" if ts.hour < 12 else "PM"
        return [f"{ts:%Y-%m-%d %H:%M:%S}", f"{ts.month}/{ts.day}/{ts.year} {hour}:{ts:%M:%S} {ampm}",
                f"{ts:%Y-%m-%dT%H:%M:%S}Z", f"{ts:%b} {ts.day}, {ts.year} {ts:%H:%M:%S}",
                ts.to_pydatetime()][form]
    return [f"{ts:%Y-%m-%d}", f"{ts.month}/{ts.day}/{ts.year}", f"{ts:%b} {ts.day}, {ts.year}", f"{ts:%Y%m%d}",
            ts.to_pydatetime()][form]


def _us_number(t, c, v, rng) -> object:
    kind = kind_of(t, c)
    form = int(rng.integers(0, 3))
    if form == 0:
        return v
    if kind == "money":
        return ("$" if form == 1 else "USD ") + number_text(v, ".", True, 2)
    return number_text(v, ".", form == 1)


_BOOL_FORMS = {"referred": ("x", None), "qualified": ("Y", "N"), "resolved": ("TRUE", "FALSE"),
               "self_service": ("1", "0"), "complaint": ("yes", "no"), "aware": ("True", "False"),
               "first_contact_resolved": ("Y", "N")}


def _us_bool(t, c, v, rng) -> object:
    yes, no = _BOOL_FORMS.get(c, ("Yes", "No"))
    return yes if v else no


US_CELLS = Cells(number=_us_number, date=_us_date, boolean=_us_bool)


def variant_text_values(tables, out, rng) -> Config:
    assert not tables["customers"]["referred"].isna().any()  # x / blank needs a value in every row
    _plain(tables, out, rng, cells=US_CELLS)
    return Config(day_first=False)


def variant_extra_hidden(tables, out, rng) -> Config:
    paths = _plain(tables, out, rng)
    pivot = tables["orders"].groupby("region")["revenue"].sum()
    extra = [
        Sheet("Pivot", "orders", tables["orders"], [], raw_rows=[["Region", "Sum of Revenue"]]
              + [[r, float(v)] for r, v in pivot.items()] + [["Grand Total", float(pivot.sum())]]),
        Sheet("README", "orders", tables["orders"], [], raw_rows=[["About this file"], ["Exported from the CRM."],
                                                                   ["Do not edit the data sheets."]]),
        Sheet("Sheet3", "orders", tables["orders"], [], raw_rows=[]),
        Sheet("Lookup", "orders", tables["orders"], [], raw_rows=[["Code", "Region name"], ["N", "North"],
                                                                   ["S", "South"]]),
        Sheet("Orders (old)", "orders", tables["orders"].head(500), [header(c) for c in tables["orders"].columns],
              hidden=True),
        Sheet("Chart data", "orders", tables["orders"], [], raw_rows=[["Month", "Revenue", "Target"],
                                                                       ["2026-01", 1.0, 2.0], ["2026-02", 3.0, 4.0]]),
    ]
    orders = tables["orders"]
    hidden = set(rng.choice(len(orders), size=25, replace=False).tolist())
    main = Sheet("Orders", "orders", orders, [header(c) for c in orders.columns], hidden_rows=hidden)
    pay = tables["payments"]
    payments = Sheet(sheet_name("payments"), "payments", pay, [header(c) for c in pay.columns])
    for p in paths:
        if p.name == "sales_orders.xlsx":
            write_workbook(p, [extra[0], extra[1], main, *extra[2:], payments], rng)
    return Config()


def variant_split(tables, out, rng) -> Config:
    orders = tables["orders"]
    early = orders[orders["order_date"] < "2026-01-01"]
    late = orders[orders["order_date"] >= "2026-01-01"]
    hdr = [header(c) for c in orders.columns]
    write_workbook(out / "orders_2025.xlsx", [Sheet("Orders", "orders", early, hdr)], rng)
    write_workbook(out / "orders_2026.xlsx", [Sheet("Orders", "orders", late, hdr)], rng)
    cust = tables["customers"]
    half = len(cust) // 2
    chdr = [header(c) for c in cust.columns]
    leads = tables["leads"]
    lhalf = len(leads) // 2
    crm = [Sheet("Customers 1", "customers", cust.iloc[:half], chdr),
           Sheet("Customers 2", "customers", cust.iloc[half:], chdr),
           Sheet("Leads", "leads", leads.iloc[:lhalf], [header(c) for c in leads.columns])]
    # two tables on one sheet: opportunities, then (after blank rows) campaigns
    opp = tables["opportunities"]
    first = Sheet("Pipeline and campaigns", "opportunities", opp, [header(c) for c in opp.columns])
    first.next_table = Sheet("", "campaigns", tables["campaigns"], [header(c) for c in tables["campaigns"].columns],
                             title=["Campaigns"])
    crm.append(first)
    crm.append(Sheet("Interactions", "interactions", tables["interactions"],
                     [header(c) for c in tables["interactions"].columns]))
    write_workbook(out / "crm.xlsx", crm, rng)
    write_csv(out / "leads_part2.csv", [header(c) for c in leads.columns],
              csv_rows("leads", leads.iloc[lhalf:], CSV_CELLS, rng), ",", "utf-8")
    for file, members in _workbook_layout(tables).items():
        members = [t for t in members if t not in ("orders", "customers", "leads", "opportunities", "campaigns",
                                                   "interactions")]
        if members:
            write_workbook(out / file, [Sheet(sheet_name(t), t, tables[t], [header(c) for c in tables[t].columns])
                                        for t in members], rng)
    return Config()


def _csv_date(t, c, ts: pd.Timestamp, rng) -> str:
    return f"{ts:%Y-%m-%d %H:%M:%S}" if is_datetime(ts) else f"{ts:%Y-%m-%d}"


CSV_CELLS = Cells(number=lambda t, c, v, rng: number_text(v, ".", False), date=_csv_date)
CSV_TR_CELLS = Cells(number=lambda t, c, v, rng: number_text(v, ",", False), date=lambda t, c, ts, rng: (
    f"{ts:%d.%m.%Y %H:%M:%S}" if is_datetime(ts) else f"{ts:%d.%m.%Y}"),
    boolean=lambda t, c, v, rng: "Evet" if v else "Hayır")


def variant_csv(tables, out, rng) -> Config:
    forms = [(";", "cp1254", True), (",", "utf-8-sig", False), ("\t", "utf-16", False), ("|", "utf-8", False)]
    for k, (name, df) in enumerate(tables.items()):
        delimiter, encoding, turkish = forms[k % len(forms)]
        cells = CSV_TR_CELLS if turkish else CSV_CELLS
        headers = turkish_headers(name, list(df.columns)) if turkish else [header(c) for c in df.columns]
        stem = TURKISH_SHEETS[name] if turkish else name
        write_csv(out / f"{stem}.csv", headers, csv_rows(name, df, cells, rng), delimiter, encoding)
    return Config()


def variant_date1904(tables, out, rng) -> Config:
    for file, members in _workbook_layout(tables).items():
        sheets = []
        for t in members:
            df = tables[t]
            s = Sheet(sheet_name(t), t, df, [header(c) for c in df.columns])
            if t in ("orders", "invoices", "web"):  # dates as bare serial numbers in the 1904 system
                s.serial_dates = {c for c in df.columns if kind_of(t, c) == "date"}
            sheets.append(s)
        write_workbook(out / file, sheets, rng, date_1904=True)
    return Config()


def write_variant(name: str, out: Path, seed: int = SEED, tables: dict[str, pd.DataFrame] | None = None) -> Config:
    """Write variant `name` of the sample into `out` (created); returns the Config to read it with."""
    out.mkdir(parents=True, exist_ok=True)
    tables = tables if tables is not None else base_tables(seed)
    rng = np.random.default_rng([seed, VARIANTS.index(name)])
    return globals()[f"variant_{name}"](tables, out, rng)


def close(a: float | None, b: float | None, rel: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.messy", description="Write messy variants of the sample.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--variant", choices=VARIANTS, action="append")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    tables = base_tables(args.seed)
    for name in args.variant or VARIANTS:
        config = write_variant(name, args.out / name, args.seed, tables)
        print(f"{args.out / name}  (decimal {config.decimal!r}, day_first {config.day_first})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
