"""The Breakdowns sheet: each KPI by region, line of business, channel, sales rep, segment.

Member values come from the program (each member's KPI is recomputed from its own rows,
which the workbook does not hold); change, attainment and status are formulas over them and
over the member targets, which are input cells a manager can change.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ...compute.report import Breakdown, Report
from ...i18n import Translator
from ..formats import excel_percent
from .formulas import change_format, change_value, scaled, status_expr, status_word, words
from .layout import Layout, cell
from .sheets_data import sheet_heading, status_conditional
from .styles import BLUE, MID_GREY, Styles, display_unit
from .widths import fit, value_width

COLS = ("rank", "member", "value", "previous", "change", "share", "target", "attainment", "status")
RANK, MEMBER, VALUE, PREVIOUS, CHANGE, SHARE, TARGET, ATTAIN, STATUS = range(len(COLS))
GAP_HEIGHT = 8  # points: the empty row between two tables, half a row (a hundred of them print)


@dataclass(frozen=True)
class BreakdownBlock:
    """Where one breakdown's member rows landed, for the dashboard's charts."""

    kpi: str
    dimension: str
    first_row: int
    last_row: int
    has_target: bool


def dimension_label(t: Translator, dim: str) -> str:
    """The translated dimension name; a dimension the catalog adds later still gets a readable one."""
    try:
        return t(f"dimension.{dim}")
    except KeyError:
        return dim.replace("_", " ").capitalize()


DIMENSION_ORDER = ("region", "line_of_business", "channel", "sales_rep", "segment")


def _dimensions(report: Report) -> list[str]:
    """The usual business cuts first (region, line of business, ...), then any others found."""
    found: list[str] = []
    for b in report.breakdowns:
        if b.dimension not in found:
            found.append(b.dimension)
    return [d for d in DIMENSION_ORDER if d in found] + [d for d in found if d not in DIMENSION_ORDER]


def write_breakdowns(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator) -> list[BreakdownBlock]:
    """A section per dimension, a small table per KPI; returns where each landed for the charts."""
    sheet_heading(ws, st, t("workbook.breakdowns.heading", period=lay.labels[lay.selected]),
                  t("workbook.breakdowns.help"), STATUS)
    w = words(t)
    heads = {
        RANK: t("workbook.breakdowns.rank"), MEMBER: t("workbook.breakdowns.member"),
        VALUE: t("workbook.common.value"), PREVIOUS: t("workbook.common.previous"),
        CHANGE: t("workbook.common.change"), SHARE: t("workbook.breakdowns.share"), TARGET: t("workbook.common.target"),
        ATTAIN: t("workbook.common.attainment"), STATUS: t("workbook.common.status"),
    }
    widths = {c: len(h) for c, h in heads.items()}
    blocks: list[BreakdownBlock] = []
    row = 3
    if not report.breakdowns:
        ws.write_string(row, 1, t("workbook.breakdowns.none"), st.subtitle())
    status_cells: list[str] = []
    for dim in _dimensions(report):
        label = dimension_label(t, dim)
        ws.merge_range(row, 0, row, STATUS, t("workbook.breakdowns.by", dimension=label), st.section())
        ws.set_row(row, 22)
        row += 2
        order = {k.id: i for i, k in enumerate(lay.kpis)}
        for b in sorted((x for x in report.breakdowns if x.dimension == dim), key=lambda x: order.get(x.kpi, 10**6)):
            block, row = _block(ws, st, report, lay, t, b, row, heads, widths, w, status_cells)
            blocks.append(block)
        row += 1
    if status_cells:
        status_conditional(ws, st, t, 0, STATUS, 0, STATUS, multi_range=" ".join(status_cells))
    ws.set_column(RANK, RANK, 6)
    ws.set_column(MEMBER, MEMBER, fit(widths[MEMBER], 16, 40))
    for c in (VALUE, PREVIOUS, TARGET):
        ws.set_column(c, c, fit(widths[c], 13))
    ws.set_column(CHANGE, CHANGE, fit(widths[CHANGE], 11))
    ws.set_column(ATTAIN, ATTAIN, fit(widths[ATTAIN], 11))
    ws.set_column(SHARE, SHARE, fit(widths[SHARE], 10))
    ws.set_column(STATUS, STATUS, fit(widths[STATUS], 13))
    return blocks


def _cached_ratio(a: float | str, b: float | str) -> float | str:
    return a / b if isinstance(a, float) and isinstance(b, float) and b != 0 else ""


def _block(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator, b: Breakdown, row: int,
           heads: dict[int, str], widths: dict[int, int], w: dict[str, str],
           status_cells: list[str]) -> tuple[BreakdownBlock, int]:
    """One KPI by one dimension: a header row and a row per member, best first."""
    k = report.catalog.kpis[b.kpi]
    scale = report_scale(st, k.unit)
    dim_label = dimension_label(t, b.dimension)
    leaderboard = b.dimension == "sales_rep"
    title = t("workbook.breakdowns.leaderboard", dimension=dim_label, kpi=k.label(t.lang)) if leaderboard \
        else k.label(t.lang)
    ws.write_string(row, RANK, title, st.get(bold=True, font_color=BLUE, font_size=11))
    row += 1
    with_share = "share" in b.values.columns and b.kpi in lay.kpi_rows
    for c, h in heads.items():
        text = h if c != SHARE or with_share else ""
        ws.write_string(row, c, text, st.header(align="left" if c <= MEMBER else "right"))
    row += 1
    first = row
    total = lay.kpi_cell(b.kpi, lay.selected) if with_share else ""
    has_target = False
    shown = [None if v != v else float(v) for c in ("value", "previous", "target") for v in b.values[c].tolist()
             if v is not None]
    unit = display_unit(k.unit, shown)
    fmt = st.unit(unit, border=1, border_color=MID_GREY)
    target_fmt = st.input(unit)
    grey = st.text(font_color="#6B7280", align="center")
    change_fmt = st.get(num_format=change_format(k.unit, t("workbook.common.pp"), t.locale), border=1,
                        border_color=MID_GREY)
    pct = st.get(num_format=excel_percent(t.locale), border=1, border_color=MID_GREY)
    status_fmt = st.text(align="center", font_size=9)
    for member, vals in b.values.iterrows():
        name = str(member)
        rank = vals.get("rank")
        if rank is None or rank != rank:
            ws.write_blank(row, RANK, None, grey)
        else:
            ws.write_number(row, RANK, float(rank), grey)
        ws.write_string(row, MEMBER, name, st.text(bold=leaderboard and rank == 1))
        widths[MEMBER] = max(widths[MEMBER], len(name))
        cached: dict[int, float | str] = {}
        for c, key in ((VALUE, "value"), (PREVIOUS, "previous"), (TARGET, "target")):
            raw = vals.get(key)
            raw = None if raw is None or raw != raw else float(raw)
            v = scaled(raw, scale)
            cached[c] = v
            f = target_fmt if c == TARGET else fmt
            if v == "":
                ws.write_blank(row, c, None, f)
            else:
                ws.write_number(row, c, float(v), f)
                widths[c] = max(widths[c], value_width(raw, k.unit, report.currency))
        has_target = has_target or cached[TARGET] != ""
        v, p, tg = cell(row, VALUE), cell(row, PREVIOUS), cell(row, TARGET)
        both = f"AND(ISNUMBER({v}),ISNUMBER({p}))"
        ws.write_formula(row, CHANGE, f'=IF({both},IFERROR({_change(v, p, k.unit)},""),"")', change_fmt,
                         change_value(cached[VALUE], cached[PREVIOUS], k.unit))
        ws.write_formula(row, ATTAIN, f'=IF(AND(ISNUMBER({v}),ISNUMBER({tg})),IFERROR({v}/{tg},""),"")', pct,
                         _cached_ratio(cached[VALUE], cached[TARGET]))
        expr = status_expr(v, tg, None, k, w, trend=False)
        if expr is None:
            ws.write_blank(row, STATUS, None, status_fmt)
        else:
            word = status_word(vals.get("status"), w)
            ws.write_formula(row, STATUS, "=" + expr, status_fmt, word)
            widths[STATUS] = max(widths[STATUS], len(word))
            status_cells.append(cell(row, STATUS))
        if with_share:
            share = _cached_ratio(cached[VALUE], scaled(lay.values[b.kpi][lay.selected], scale))
            ws.write_formula(row, SHARE, f'=IF(ISNUMBER({v}),IFERROR({v}/{total},""),"")', pct, share)
        else:
            ws.write_blank(row, SHARE, None, pct)
        row += 1
    last = row - 1
    if b.rest:  # a high-cardinality breakdown: the members between the top and bottom ones, in one line
        ws.write_blank(row, RANK, None, grey)
        rest = t("workbook.breakdowns.rest", count=b.rest)
        ws.write_string(row, MEMBER, rest, st.text(italic=True))
        widths[MEMBER] = max(widths[MEMBER], len(rest))
        for c, raw in ((VALUE, b.rest_value), (PREVIOUS, b.rest_previous)):
            v = scaled(raw, scale)
            if v == "":
                ws.write_blank(row, c, None, fmt)
            else:
                ws.write_number(row, c, float(v), fmt)
        row += 1
    if leaderboard and last >= first:
        ws.conditional_format(first, VALUE, last, VALUE, {"type": "data_bar", "bar_color": "#9DC3E6",
                                                          "bar_solid": True})
    ws.set_row(row, GAP_HEIGHT)
    return BreakdownBlock(b.kpi, b.dimension, first, last, has_target), row + 1


def _change(v: str, p: str, unit: str) -> str:
    return f"({v}-{p})*100" if unit == "percent" else f"({v}-{p})/ABS({p})"


def report_scale(st: Styles, unit: str) -> float:
    """Workbook scale of a unit (durations are stored as days)."""
    return st.units[unit].excel_scale if unit in st.units else 1.0
