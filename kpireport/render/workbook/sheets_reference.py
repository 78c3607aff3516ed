"""The reference sheets: Definitions (what each KPI means) and Data quality (what was read).

Everything here is text for people; input text (file and sheet names, headers, problem
reasons) is always written with write_string, so "=cmd()" or "http://..." stays text.
"""

from __future__ import annotations

import math

from xlsxwriter.worksheet import Worksheet

from ...catalog.formula import BinOp, Call, Neg, Node, Ref, to_text
from ...catalog.model import Catalog, Kpi
from ...compute.report import Report, Unavailable
from ...i18n import Translator
from ..formats import percent_text
from .layout import by_category
from .sheets_data import sheet_heading
from .styles import MID_GREY, NAVY, Styles


def _lines(text: str, width: float, size: float = 10) -> int:
    """Wrapped lines a text needs in a column `width` characters wide (a generous estimate)."""
    per = max(1.0, width * 1.05 * 10 / size)
    return sum(max(1, math.ceil(len(part) / per)) for part in str(text).split("\n"))


def _fit_row(ws: Worksheet, row: int, cells: list[tuple[str, float] | tuple[str, float, float]]) -> None:
    """Set a row's height to its tallest wrapped cell; xlsxwriter cannot measure text itself."""
    heights = [1.25 * (c[2] if len(c) > 2 else 10) * _lines(c[0], c[1], c[2] if len(c) > 2 else 10)
               for c in cells]
    tallest = max(heights, default=0)
    if tallest > 15:
        ws.set_row(row, tallest + 3)


def _wordy(node: Node) -> Node:
    """Turn prev(x), target(x) and period_days() into names, so to_text can describe them in words."""
    if isinstance(node, Call):
        if node.func in ("prev", "target") and isinstance(node.args[0], Ref):
            return Ref(f"\x00{node.func}\x00{node.args[0].name}")
        if node.func == "period_days":
            return Ref("\x00period_days\x00")
        return Call(node.func, tuple(_wordy(a) for a in node.args))
    if isinstance(node, BinOp):
        return BinOp(node.op, _wordy(node.left), _wordy(node.right))
    if isinstance(node, Neg):
        return Neg(_wordy(node.operand))
    return node


def formula_words(cat: Catalog, k: Kpi, t: Translator) -> str:
    """The KPI's formula with measure and KPI labels instead of ids: "Net sales / Orders"."""

    def describe(name: str) -> str:
        if name.startswith("\x00"):
            _, func, inner = name.split("\x00")
            if func == "period_days":
                return t("workbook.definitions.period_days")
            key = "previous_of" if func == "prev" else "target_of"
            return t(f"workbook.definitions.{key}", name=describe(inner))
        if name in cat.measures:
            label = cat.measures[name].label
            return label.get(t.lang) or label["en"]
        if name in cat.kpis:
            return cat.kpis[name].label(t.lang)
        return name

    return to_text(_wordy(k.formula), describe)


def _text(d: dict[str, str], lang: str) -> str:
    return d.get(lang) or d.get("en") or ""


DEF_COLS = (("kpi", 28), ("category", 18), ("unit", 10), ("direction", 18), ("tolerance", 14), ("formula", 36),
            ("inputs", 30), ("description", 48), ("guidance", 54))


def write_definitions(ws: Worksheet, st: Styles, report: Report, t: Translator) -> None:
    """Every visible catalog KPI, computed or not, so readers see what the catalog offers."""
    last = len(DEF_COLS) - 1
    sheet_heading(ws, st, t("workbook.definitions.heading"), t("workbook.definitions.help"), last)
    labels = {
        "kpi": t("workbook.common.kpi"), "category": t("workbook.common.category"), "unit": t("workbook.common.unit"),
        "direction": t("workbook.common.direction"), "tolerance": t("workbook.definitions.tolerance"),
        "formula": t("workbook.definitions.formula"), "inputs": t("workbook.definitions.inputs"),
        "description": t("workbook.definitions.description"), "guidance": t("workbook.definitions.guidance"),
    }
    for c, (key, width) in enumerate(DEF_COLS):
        ws.write_string(3, c, labels[key], st.header())
        ws.set_column(c, c, width)
    row = 4
    for k in by_category(report.catalog):
        catg = report.catalog.categories.get(k.category)
        inputs = "\n".join(f"{table}: {', '.join(sorted(cols))}" for table, cols in
                           sorted(report.catalog.inputs(k.id).items()))
        values = {
            "kpi": k.label(t.lang),
            "category": _text(catg.name, t.lang) if catg else k.category,
            "unit": t(f"unit.{k.unit}"),
            "direction": t(f"direction.{k.direction}"),
            "tolerance": "" if k.direction == "info" else
            t("workbook.definitions.tolerance_value", pct=percent_text(k.tolerance, t.locale, 0)),
            "formula": formula_words(report.catalog, k, t),
            "inputs": inputs,
            "description": _text(k.description, t.lang),
            "guidance": _text(k.guidance, t.lang),
        }
        for c, (key, _w) in enumerate(DEF_COLS):
            fmt = st.wrap(bold=True, font_color=NAVY) if key == "kpi" else st.wrap()
            ws.write_string(row, c, values[key], fmt)
        _fit_row(ws, row, [(values[key], w) for key, w in DEF_COLS])
        row += 1
    ws.freeze_panes(4, 1)
    ws.autofilter(3, 0, max(3, row - 1), last)


QUALITY_WIDTHS = (26, 22, 14, 11, 11, 11, 12, 46, 30)


def _missing_text(u: Unavailable, t: Translator) -> str:
    """Unavailable.detail() in the report's language: missing tables (with the columns they need),
    missing columns, and columns that are there but hold no value."""
    q = "workbook.quality."
    needed: dict[str, tuple[str, ...]] = getattr(u, "needed", {}) or {}
    empty: dict[str, tuple[str, ...]] = getattr(u, "empty", {}) or {}
    parts = [t(q + "no_rows", table=table) for table in getattr(u, "no_rows", ())]
    for table, cols in u.missing.items():
        if not cols:
            need = needed.get(table, ())
            parts.append(t(q + "missing_table_columns", table=table, columns=", ".join(need)) if need
                         else t(q + "missing_table", table=table))
            continue
        blank = set(empty.get(table, ()))
        absent = [c for c in cols if c not in blank]
        if absent:
            parts.append(t(q + "missing_columns", table=table, columns=", ".join(absent)))
        if blank:
            parts.append(t(q + "empty_columns", table=table, columns=", ".join(sorted(blank))))
    return t(q + "needs", what="; ".join(parts))


def write_quality(ws: Worksheet, st: Styles, report: Report, t: Translator) -> None:
    """What was read and how it was mapped, every problem noted, and each KPI that could not be had."""
    last = len(QUALITY_WIDTHS) - 1
    unavailable = {kid: u for kid, u in report.unavailable.items()
                   if kid in report.catalog.kpis and not report.catalog.kpis[kid].hidden}
    n_problems = len(report.problems) + sum(report.problems.suppressed.values())
    summary = t("workbook.quality.summary", files=len(report.sources), problems=n_problems, missing=len(unavailable))
    sheet_heading(ws, st, t("workbook.quality.heading"), summary, last)
    for c, w in enumerate(QUALITY_WIDTHS):
        ws.set_column(c, c, w)
    row = _quality_sources(ws, st, report, t, 3)
    row = _quality_problems(ws, st, report, t, row + 1)
    row = _quality_unavailable(ws, st, report, t, row + 1, unavailable)
    ws.set_row(1, 20)
    ws.write_blank(row + 1, 0, None, st.get(top=1, top_color=MID_GREY))


_Q = "workbook.quality."


def _quality_sources(ws: Worksheet, st: Styles, report: Report, t: Translator, row: int) -> int:
    """The section listing each sheet read: its table, rows and mapping; returns the next row."""
    last = len(QUALITY_WIDTHS) - 1
    ws.merge_range(row, 0, row, last, t(_Q + "sources"), st.section())
    row += 1
    heads = ["file", "sheet", "table", "header_row", "rows_read", "rows_used", "rows_excluded", "mapping", "ignored"]
    for c, h in enumerate(heads):
        ws.write_string(row, c, t(_Q + h), st.header(align="left" if c < 3 or c > 6 else "right"))
    _fit_row(ws, row, [(t(_Q + h), w) for h, w in zip(heads, QUALITY_WIDTHS, strict=True)])
    row += 1
    num = st.text(num_format="#,##0", valign="top")
    for s in report.sources:
        mapping = "\n".join(f"{theirs} → {ours}" for theirs, ours in s.mapping)
        ignored = ", ".join(s.ignored)
        ws.write_string(row, 0, s.file, st.wrap())
        ws.write_string(row, 1, s.sheet, st.wrap())
        ws.write_string(row, 2, s.table, st.wrap())
        for c, count in ((3, s.header_row), (4, s.rows_read), (5, s.rows_used), (6, s.rows_read - s.rows_used)):
            ws.write_number(row, c, count, num)
        ws.write_string(row, 7, mapping, st.wrap(font_size=9))
        ws.write_string(row, 8, ignored, st.wrap(font_size=9, font_color="#6B7280"))
        _fit_row(ws, row, [(s.file, 26), (s.sheet, 22), (mapping, 46, 9), (ignored, 30, 9)])
        row += 1
    return row


def _quality_problems(ws: Worksheet, st: Styles, report: Report, t: Translator, row: int) -> int:
    """The section listing every problem noted (and how many more like one were left out)."""
    last = len(QUALITY_WIDTHS) - 1
    ws.merge_range(row, 0, row, last, t(_Q + "problems"), st.section())
    row += 1
    if not report.problems.items and not report.problems.suppressed:
        ws.write_string(row, 0, t(_Q + "no_problems"), st.subtitle())
        return row + 1
    for c, h in enumerate(["severity", "file", "sheet", "cell", "column", "reason"]):
        ws.write_string(row, c, t(_Q + h), st.header())
    ws.merge_range(row, 5, row, last, t(_Q + "reason"), st.header())
    row += 1
    colours = {"error": "#9C0006", "warning": "#7F5200", "info": "#404040"}
    for p in report.problems:
        sev = p.severity.value
        ws.write_string(row, 0, t(_Q + f"severities.{sev}"), st.text(bold=True, font_color=colours.get(sev)))
        for c, v in ((1, p.file), (2, p.sheet), (3, p.cell), (4, p.column)):
            ws.write_string(row, c, v, st.wrap())
        ws.merge_range(row, 5, row, last, "", st.wrap())
        ws.write_string(row, 5, p.reason, st.wrap())
        _fit_row(ws, row, [(p.file, 26), (p.sheet, 22), (p.reason, sum(QUALITY_WIDTHS[5:]))])
        row += 1
    for (file, sheet, col), n in report.problems.suppressed.items():
        ws.write_string(row, 0, t(_Q + "severities.warning"), st.text(bold=True, font_color=colours["warning"]))
        for c, v in ((1, file), (2, sheet), (3, ""), (4, col)):
            ws.write_string(row, c, v, st.wrap())
        ws.merge_range(row, 5, row, last, "", st.wrap())
        ws.write_string(row, 5, t(_Q + "more", n=n), st.wrap(italic=True))
        row += 1
    return row


def _quality_unavailable(ws: Worksheet, st: Styles, report: Report, t: Translator, row: int,
                         unavailable: dict[str, Unavailable]) -> int:
    """The section naming each KPI that could not be computed, and what it needs; returns its last row."""
    last = len(QUALITY_WIDTHS) - 1
    ws.merge_range(row, 0, row, last, t(_Q + "unavailable"), st.section())
    row += 1
    if not unavailable:
        ws.write_string(row, 0, t(_Q + "all_computed"), st.subtitle())
        return row
    ws.merge_range(row, 0, row, 1, t("workbook.common.kpi"), st.header())
    ws.merge_range(row, 2, row, last, t(_Q + "missing"), st.header())
    row += 1
    for kid, u in unavailable.items():
        text = _missing_text(u, t)
        ws.merge_range(row, 0, row, 1, report.catalog.kpis[kid].label(t.lang), st.wrap(bold=True))
        ws.merge_range(row, 2, row, last, "", st.wrap())
        ws.write_string(row, 2, text, st.wrap())
        _fit_row(ws, row, [(text, sum(QUALITY_WIDTHS[2:]))])
        row += 1
    return row
