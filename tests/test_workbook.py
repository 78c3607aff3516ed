"""The KPI workbook without LibreOffice: structure, cached values, formulas, text safety, Turkish.

A small hand-made company (14 months, so "same month last year" exists) keeps these tests
fast; test_workbook_recalc.py recalculates the sample data's workbooks in LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.config import Config
from kpireport.dataset import Dataset, Source
from kpireport.i18n import Translator, messages
from kpireport.periods import Grain, label
from kpireport.problems import Problem
from kpireport.render.json_out import report_dict
from kpireport.render.workbook import plan, render_workbook
from kpireport.render.workbook.layout import HEADER_ROW, cell

GENERATED = dt.date(2026, 11, 23)
TR = Config(language="tr", locale="tr_TR", currency="TRY")


def _dates(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[us]")


def _text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="string")


def small_company() -> Dataset:
    """Orders, leads, customers and targets from Sep 2025 to Oct 2026, typed like validate/ does."""
    months = pd.period_range("2025-09", "2026-10", freq="M")
    order_rows, lead_rows, customer_rows = [], [], []
    for i, m in enumerate(months):
        owners = (("North", "Ayşe Demir"), ("South", "James Walker"), ("North", "Ayşe Demir"))
        for j, (region, rep) in enumerate(owners):
            day = m.end_time.normalize() if j == 2 else m.start_time + pd.Timedelta(days=3 + 9 * j)
            revenue = 1000.0 + 100 * i + 250 * j
            order_rows.append((day, revenue, revenue * 0.6, "completed", region, rep, f"O{i}{j}", f"C{i % 5}"))
        for j in range(4 + i % 3):
            converted = m.start_time + pd.Timedelta(days=20) if j == 0 else None
            lead_rows.append((m.start_time + pd.Timedelta(days=2 * j), converted, "email" if j % 2 else "event"))
        customer_rows.append((f"C{i}", m.start_time + pd.Timedelta(days=5),
                              m.start_time + pd.Timedelta(days=40) if i % 4 == 0 else None, "North"))
    orders = pd.DataFrame(order_rows, columns=["order_date", "revenue", "cost", "status", "region", "sales_rep",
                                               "order_id", "customer_id"])
    leads = pd.DataFrame(lead_rows, columns=["created_date", "converted_date", "channel"])
    customers = pd.DataFrame(customer_rows, columns=["customer_id", "acquired_date", "lost_date", "region"])
    targets = pd.DataFrame({
        "kpi": ["revenue", "revenue", "revenue", "gross_margin", "revenue"],
        "period": ["2026-09", "2026-10", "2026-08", "2026", "2026-10"],
        "target": [2500.0, 5000.0, 1000.0, 0.35, 1800.0],
        "dimension": ["", "", "", "", "region"],
        "member": ["", "", "", "", "North"],
        "kind": ["target"] * 5,
    })
    for frame in (orders, leads, customers):
        for col in frame.columns:
            if col.endswith("_date"):
                frame[col] = _dates(list(frame[col]))
            elif pd.api.types.is_numeric_dtype(frame[col]):
                frame[col] = frame[col].astype("float64")
            else:
                frame[col] = _text(list(frame[col]))
    for col in ("kpi", "period", "dimension", "member", "kind"):
        targets[col] = _text(list(targets[col]))
    sources = [Source("orders.xlsx", "Orders", "orders", 1, len(orders), len(orders),
                      (("Order Date", "order_date"), ("Amount", "revenue")), ("Notes",))]
    return Dataset({"orders": orders, "leads": leads, "customers": customers, "targets": targets}, sources)


@pytest.fixture(scope="module")
def report():
    return compute_report(small_company(), default_catalog(), Grain.MONTH)


@pytest.fixture(scope="module")
def book(report) -> bytes:
    return render_workbook(report, Config(), GENERATED)


def _load(data: bytes, **kw) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines and x14 formats are not read by openpyxl
        return openpyxl.load_workbook(io.BytesIO(data), **kw)


def _plain(v: object) -> object:
    return "" if v is None else v


def test_sheets_in_order_dashboard_first_and_active(book, report):
    wb = _load(book)
    assert wb.sheetnames == ["Dashboard", "KPIs", "Breakdowns", "Measures", "Targets", "Definitions", "Data quality"]
    assert wb.active.title == "Dashboard"
    dash = wb["Dashboard"]
    assert dash.sheet_view.showGridLines is False
    assert dash.page_setup.orientation == "landscape"
    assert wb.properties.creator == report.company  # the config names none: the report's
    texts = {c.value for row in dash.iter_rows() for c in row if isinstance(c.value, str)}
    assert report.company in texts and "October 2026" in texts


def test_cached_kpi_values_equal_the_program_and_json(book, report):
    lay, _ = plan(report, Config())
    ws = _load(book, data_only=True)["KPIs"]
    kpis = report_dict(report, GENERATED)["kpis"]
    assert lay.kpis, "the small company must have computable KPIs"
    for k in lay.kpis:
        for j, p in enumerate(lay.periods):
            got = _plain(ws[lay.kpi_cell(k.id, j, sheet=False)].value)
            want = kpis[k.id]["values"][label(p)]
            if want is None:
                assert got == "", (k.id, p)
            else:
                scale = 86400 if k.unit == "duration" else 1
                assert math.isclose(got * scale, want, rel_tol=1e-6, abs_tol=1e-9), (k.id, p)


def test_kpi_cells_are_formulas_over_measures_targets_and_previous_columns(book, report):
    lay, _ = plan(report, Config())
    ws = _load(book)["KPIs"]
    j = lay.selected
    revenue = ws[lay.kpi_cell("revenue", j, sheet=False)].value
    assert revenue == f'=IFERROR({lay.measure_cell("net_sales", j)},"")'
    margin = ws[lay.kpi_cell("gross_margin", j, sheet=False)].value
    gp, rev = lay.kpi_cell("gross_profit", j, sheet=False), lay.kpi_cell("revenue", j, sheet=False)
    assert margin == f'=IFERROR({gp}/{rev},"")'
    vs_target = ws[lay.kpi_cell("revenue_vs_target", j, sheet=False)].value
    assert lay.target_cell("revenue", j) in vs_target  # target() reads the editable Targets cell
    status = ws[lay.kpi_cell("revenue", j, 2, sheet=False)].value
    assert status.startswith("=IF(NOT(ISNUMBER(") and '"On track"' in status and '"Improving"' in status
    # A formula reading prev() has no previous column in the first period: "" (the program's NaN).
    growth = [k for k in lay.kpis if "prev(" in k.formula_text]
    for k in growth:
        first = ws[lay.kpi_cell(k.id, 0, sheet=False)].value
        assert '""' in first.removeprefix("=IFERROR(").rsplit(",", 1)[0], (k.id, first)


def test_targets_are_yellow_inputs_and_blank_where_none(book, report):
    lay, _ = plan(report, Config())
    ws = _load(book)["Targets"]
    j = lay.selected
    c = ws[cell(lay.target_rows["revenue"], lay.col(j))]
    assert c.value == 5000 and c.fill.fgColor.rgb.endswith("FFF9DB")
    nothing = ws[cell(lay.target_rows["new_customers"], lay.col(j))]
    assert nothing.value is None and nothing.fill.fgColor.rgb.endswith("FFF9DB")


def test_kpi_table_has_unique_headers_filters_and_frozen_panes(book):
    ws = _load(book)["KPIs"]
    (table,) = ws.tables.values()
    headers = [c.value for c in ws[HEADER_ROW + 1] if c.value is not None]
    assert len(headers) == len(set(headers)) and all(isinstance(h, str) for h in headers)
    assert table.autoFilter is not None
    assert ws.freeze_panes == "D5"


def test_period_picker_is_a_list_of_the_period_labels(book, report):
    lay, dash = plan(report, Config())
    ws = _load(book)["Dashboard"]
    picker = cell(*dash.picker)
    (dv,) = [d for d in ws.data_validations.dataValidation if picker in str(d.sqref)]
    assert dv.type == "list"
    first, last = dv.formula1.replace("$", "").split(":")
    listed = [ws[f"{first[0]}{r}"].value for r in range(int(first[1:]), int(last[1:]) + 1)]
    assert listed == lay.labels and ws[picker].value == lay.labels[lay.selected]


def test_tiles_cache_the_report_period(book, report):
    _, dash = plan(report, Config())
    ws = _load(book, data_only=True)["Dashboard"]
    w = Translator()
    for kid, tile in dash.tiles.items():
        value = report.value(kid)
        got = _plain(ws[cell(*tile.value)].value)
        unit = report.catalog.kpis[kid].unit
        if value is None:
            assert got == ""
        else:
            assert math.isclose(got * (86400 if unit == "duration" else 1), value, rel_tol=1e-9)
        st = report.status.at[kid, report.period]
        assert _plain(ws[cell(*tile.status)].value) == (w(f"status.{st}") if isinstance(st, str) else "")


def test_breakdown_leaderboard_is_ranked(book, report):
    ws = _load(book, data_only=True)["Breakdowns"]
    texts = [(c.row, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Sales rep leaderboard" in v for _, v in texts)
    assert {"Ayşe Demir", "James Walker"} <= {v for _, v in texts}


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)",
           "http://example.com/report.xlsx", "www.example.com", "mailto:boss@example.com", "=cmd|' /C calc'!A0"]


def test_input_text_is_written_as_plain_strings(report):
    hostile = replace(report)
    hostile.sources = [Source(HOSTILE[0], HOSTILE[1], "orders", 1, 10, 9, ((HOSTILE[4], "revenue"),), (HOSTILE[5],)),
                       Source(HOSTILE[6], HOSTILE[7], "leads", 2, 5, 5, ())]
    problems = type(report.problems)()
    for text in HOSTILE:
        problems.add(Problem(text, file=HOSTILE[4], sheet=HOSTILE[3], cell="=A1", column=HOSTILE[2]))
    hostile.problems = problems
    first = report.breakdowns[0]
    values = first.values.copy()
    values.index = [HOSTILE[i % len(HOSTILE)] for i in range(len(values))]
    hostile.breakdowns = [replace(first, values=values), *report.breakdowns[1:]]
    wb = _load(render_workbook(hostile, Config(), GENERATED))
    found = {}
    for ws in wb.worksheets:
        assert not ws._hyperlinks, ws.title
        for row in ws.iter_rows():
            for c in row:
                if c.value in HOSTILE:
                    found[c.value] = c.data_type
    assert set(found) == set(HOSTILE)
    assert set(found.values()) == {"s"}


def _labels(lang: str) -> dict[str, str]:
    return {k: v for k, v in messages(lang).items() if k.startswith("workbook.")}


def test_turkish_workbook_takes_every_label_from_the_catalog(report):
    wb = _load(render_workbook(report, TR, GENERATED))
    tr, en = _labels("tr"), _labels("en")
    assert set(tr) == set(en), "en and tr workbook.yaml must have the same keys"
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    texts |= set(wb.sheetnames)
    for key in ("workbook.sheets.dashboard", "workbook.sheets.targets", "workbook.kpis.actual",
                "workbook.dashboard.target", "workbook.quality.sources", "workbook.definitions.formula"):
        assert tr[key] in texts, key
    assert "Ekim 2026" in texts and Translator("tr")("status.on_track") in texts
    english = {v for k, v in en.items() if "{" not in v and v != tr[k]}
    english |= {Translator("en")(f"status.{s}") for s in ("on_track", "at_risk", "off_track", "improving")}
    assert not (english & texts), sorted(english & texts)
