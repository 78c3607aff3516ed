"""The data sheets behind the dashboard: Measures, Targets and KPIs.

Measures and Targets hold numbers (the inputs of every formula); the KPIs sheet holds only
formulas over them, each with the program's value cached. Rows and columns come from the
shared `Layout`, so the formulas written here and on the dashboard point at the same cells.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...catalog.model import Kpi
from ...compute.engine import PERIOD_DAYS
from ...compute.report import Report
from ...i18n import Translator
from ...schema import default_schema
from .formulas import KpiFormulas, scaled, status_expr, status_word, words
from .layout import CAPTION_ROW, FIRST_DATA_ROW, FIRST_PERIOD_COL, HEADER_ROW, SUBTITLE_ROW, Layout
from .styles import MID_GREY, NAVY, Prop, Styles
from .widths import fit, value_width


def sheet_heading(ws: Worksheet, st: Styles, title: str, help_text: str, last_col: int) -> None:
    """Title band across the used columns and a one-line explanation under it."""
    ws.set_row(0, 30)
    for c in range(last_col + 1):
        ws.write_blank(0, c, None, st.title())
    ws.write_string(0, 0, title, st.title())
    ws.set_row(SUBTITLE_ROW, 30)
    ws.merge_range(SUBTITLE_ROW, 0, SUBTITLE_ROW, min(last_col, 8), "", st.help())
    ws.write_string(SUBTITLE_ROW, 0, help_text, st.help())


def status_conditional(ws: Worksheet, st: Styles, t: Translator, first_row: int, first_col: int,
                       last_row: int, last_col: int, multi_range: str | None = None) -> None:
    """Colour status cells by their text: the words are the translated status labels."""
    for key, word in words(t).items():
        opts = {"type": "cell", "criteria": "==", "value": '"' + word.replace('"', '""') + '"',
                "format": st.status_format(key)}
        if multi_range:
            opts["multi_range"] = multi_range
        ws.conditional_format(first_row, first_col, last_row, last_col, opts)


def _measure_unit(report: Report, mid: str) -> str:
    """How a measure's numbers read: money for sums of money columns, days, or plain counts."""
    if mid == PERIOD_DAYS:
        return "0"
    m = report.catalog.measures[mid]
    spec = default_schema().tables.get(m.table)
    summed = m.column if m.agg in ("sum", "stock", "min", "max", "mean", "last") else None
    if summed and spec is not None and spec.has(summed) and spec.column(summed).type == "money":
        return "currency"
    return "count" if m.agg in ("count", "nunique") or (m.agg == "stock" and not m.column) else "#,##0.##"


def _header_row(ws: Worksheet, st: Styles, heads: list[str]) -> list[int]:
    """The column headers of a period sheet (labels left, periods right); returns their widths."""
    for c, h in enumerate(heads):
        ws.write_string(HEADER_ROW, c, h, st.header(align="left" if c < FIRST_PERIOD_COL else "right"))
    return [len(h) for h in heads]


def write_measures(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator) -> None:
    """The inputs of every KPI formula; a measure with no value is a `=""` cell, never a blank (= 0)."""
    lang = t.lang
    sheet_heading(ws, st, t("workbook.measures.heading"), t("workbook.measures.help"), lay.last_col)
    heads = [t("workbook.measures.measure"), t("workbook.measures.id"), t("workbook.measures.table"), *lay.labels]
    widths = _header_row(ws, st, heads)
    for mid in lay.measure_ids:
        r = lay.measure_rows[mid]
        if mid == PERIOD_DAYS:
            label, table = t("workbook.measures.period_days"), ""
        else:
            m = report.catalog.measures[mid]
            label, table = m.label.get(lang) or m.label["en"], m.table
        ws.write_string(r, 0, label, st.text(bold=True))
        ws.write_string(r, 1, mid, st.text(font_color="#6B7280"))
        ws.write_string(r, 2, table, st.text(font_color="#6B7280"))
        widths[0], widths[1] = max(widths[0], len(label)), max(widths[1], len(mid))
        widths[2] = max(widths[2], len(table))
        unit = _measure_unit(report, mid)
        fmt = st.unit(unit, border=1, border_color=MID_GREY)
        for j, p in enumerate(lay.periods):
            v = report.measures.at[mid, p]
            c = lay.col(j)
            if pd.isna(v):
                ws.write_formula(r, c, '=""', fmt, "")  # "no value", never a 0 the formulas would use
            else:
                ws.write_number(r, c, float(v), fmt)
                widths[c] = max(widths[c], value_width(float(v), unit, report.currency))
    for c, w in enumerate(widths):
        ws.set_column(c, c, fit(w, 10 if c >= FIRST_PERIOD_COL else 8))
    ws.freeze_panes(FIRST_DATA_ROW, FIRST_PERIOD_COL)
    ws.autofilter(HEADER_ROW, 0, FIRST_DATA_ROW + len(lay.measure_ids) - 1, lay.last_col)


def write_targets(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator) -> None:
    """Editable targets (yellow), in the units the user types: 12% as 0.12, durations as time."""
    sheet_heading(ws, st, t("workbook.targets.heading"), t("workbook.targets.help"), lay.last_col)
    heads = [t("workbook.common.kpi"), t("workbook.common.unit"), t("workbook.targets.kind"), *lay.labels]
    widths = _header_row(ws, st, heads)
    for k in lay.kpis:
        r = lay.target_rows[k.id]
        name = k.label(t.lang)
        kind = report.target_kinds.get(k.id)
        source = t(f"workbook.targets.kinds.{kind}") if kind in ("target", "budget", "default") else ""
        ws.write_string(r, 0, name, st.text(bold=True))
        ws.write_string(r, 1, t(f"unit.{k.unit}"), st.text(font_color="#6B7280"))
        ws.write_string(r, 2, source, st.text(font_color="#6B7280"))
        widths[0] = max(widths[0], len(name))
        widths[2] = max(widths[2], len(source))
        fmt = st.input(lay.display_unit(k))
        for j, raw in enumerate(lay.targets[k.id]):
            v = scaled(raw, lay.scale(k))
            c = lay.col(j)
            if v == "":
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, float(v), fmt)
                widths[c] = max(widths[c], value_width(raw, k.unit, report.currency))
    for c, w in enumerate(widths):
        ws.set_column(c, c, fit(w, 10 if c >= FIRST_PERIOD_COL else 8))
    ws.freeze_panes(FIRST_DATA_ROW, FIRST_PERIOD_COL)


def write_kpis(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator) -> None:
    """Three rows per KPI (actual, target, status) inside one filterable Excel table."""
    trend_col = lay.last_col + 1
    sheet_heading(ws, st, t("workbook.kpis.heading"), t("workbook.kpis.help"), trend_col)
    w = words(t)
    f = KpiFormulas(report, lay)
    kinds = (t("workbook.kpis.actual"), t("workbook.kpis.target"), t("workbook.kpis.status"))
    heads = [t("workbook.common.kpi"), t("workbook.common.category"), t("workbook.kpis.row"), *lay.labels,
             t("workbook.common.trend")]
    last_row = FIRST_DATA_ROW + 3 * len(lay.kpis) - 1
    widths = [len(h) for h in heads]
    for j, short in enumerate(lay.short_labels):
        ws.write_string(CAPTION_ROW, lay.col(j), short, st.get(font_color="#9CA3AF", font_size=8, align="right"))
    if lay.kpis:
        ws.add_table(HEADER_ROW, 0, last_row, trend_col, {
            "name": "KpiTable", "style": "Table Style Light 1", "banded_rows": False, "autofilter": True,
            "columns": [{"header": h, "header_format": st.header(align="left" if c < FIRST_PERIOD_COL else "right")}
                        for c, h in enumerate(heads)],
        })
    for k in lay.kpis:
        _kpi_rows(ws, st, report, lay, t, k, kinds, f, w, widths)
    status_conditional(ws, st, t, FIRST_DATA_ROW, FIRST_PERIOD_COL, last_row, lay.last_col)
    ws.set_column(0, 0, fit(widths[0], 20, 46))
    ws.set_column(1, 1, fit(widths[1], 12, 28))
    ws.set_column(2, 2, fit(widths[2], 9))
    for c in range(FIRST_PERIOD_COL, lay.last_col + 1):
        ws.set_column(c, c, fit(widths[c], 11))
    ws.set_column(trend_col, trend_col, 18)
    ws.freeze_panes(FIRST_DATA_ROW, FIRST_PERIOD_COL)
    ws.set_row(CAPTION_ROW, 12)


def _kpi_rows(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator, k: Kpi,
              kinds: tuple[str, str, str], f: KpiFormulas, w: dict[str, str], widths: list[int]) -> None:
    """One KPI's three rows: its actual and target per period as live formulas, and its status."""
    trend_col = lay.last_col + 1
    r = lay.kpi_rows[k.id]
    name, cat = k.label(t.lang), _category(report, k.category, t.lang)
    widths[0], widths[1] = max(widths[0], len(name)), max(widths[1], len(cat))
    last: dict[str, Prop] = {"bottom": 1, "bottom_color": NAVY}
    for i, kind in enumerate(kinds):
        extra: dict[str, Prop] = last if i == 2 else {}
        grey: dict[str, Prop] = {"font_color": "#6B7280"} if i else {"bold": True}
        ws.write_string(r + i, 0, name, st.get(**grey, **extra))
        ws.write_string(r + i, 1, cat, st.get(font_color="#6B7280", **extra))
        ws.write_string(r + i, 2, kind, st.get(font_color="#6B7280", italic=i > 0, **extra))
    scale = lay.scale(k)
    actual_fmt = st.unit(lay.display_unit(k), bold=True)
    target_fmt = st.unit(lay.display_unit(k), font_color="#6B7280", italic=True)
    status_fmt = st.get(align="center", font_size=9, **last)
    raw_values, raw_targets = lay.values[k.id], lay.targets[k.id]
    statuses = report.status.loc[k.id].reindex(pd.PeriodIndex(lay.periods)).tolist() \
        if k.id in report.status.index else [None] * len(lay.periods)
    for j in range(len(lay.periods)):
        c = lay.col(j)
        ws.write_formula(r, c, f.value_formula(k, j), actual_fmt, scaled(raw_values[j], scale))
        ws.write_formula(r + 1, c, f.target_formula(k, j), target_fmt, scaled(raw_targets[j], scale))
        for v in (raw_values[j], raw_targets[j]):
            if v is not None:
                widths[c] = max(widths[c], value_width(v, k.unit, report.currency))
        prev = lay.kpi_cell(k.id, j - 1, sheet=False) if j > 0 else None
        expr = status_expr(lay.kpi_cell(k.id, j, sheet=False), lay.kpi_cell(k.id, j, 1, sheet=False), prev, k, w)
        if expr is None:
            ws.write_blank(r + 2, c, None, status_fmt)
        else:
            cached = status_word(statuses[j], w)
            ws.write_formula(r + 2, c, "=" + expr, status_fmt, cached)
            widths[c] = max(widths[c], len(cached))
    ws.add_sparkline(r, trend_col, {"range": lay.kpi_row_range(k.id), "markers": False, "series_color": NAVY,
                                    "high_point": False, "last_point": True, "weight": 1.25})
    for i in (1, 2):
        ws.write_blank(r + i, trend_col, None, st.get(**(last if i == 2 else {})))
    ws.set_row(r + 2, 16)


def _category(report: Report, cid: str, lang: str) -> str:
    c = report.catalog.categories.get(cid)
    return (c.name.get(lang) or c.name.get("en") or cid) if c else cid
