"""The Breakdowns sheet: each KPI by region, line of business, channel, sales rep, segment.

Member values come from the program (each member's KPI is recomputed from its own rows,
which the workbook does not hold); change, attainment and status are formulas over them and
over the member targets, which are input cells a manager can change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...catalog.model import Kpi
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
    shown = [None if v != v else float(v) for c in ("value", "previous", "target") for v in b.values[c].tolist()
             if v is not None]
    scale = report_scale(st, k.unit)
    ctx = _Rows(ws, st, k, scale, _formats(st, t, k.unit, display_unit(k.unit, shown)), widths, w, status_cells,
                leaderboard, report.currency,
                (lay.kpi_cell(b.kpi, lay.selected), scaled(lay.values[b.kpi][lay.selected], scale))
                if with_share else None)
    has_target = False
    for member, vals in b.values.iterrows():
        has_target = _member_row(ctx, row, str(member), vals) or has_target
        row += 1
    last = row - 1
    if b.rest:  # a high-cardinality breakdown: the members between the top and bottom ones, in one line
        _rest_row(ctx, row, t("workbook.breakdowns.rest", count=b.rest), b)
        row += 1
    if leaderboard and last >= first:
        ws.conditional_format(first, VALUE, last, VALUE, {"type": "data_bar", "bar_color": "#9DC3E6",
                                                          "bar_solid": True})
    ws.set_row(row, GAP_HEIGHT)
    return BreakdownBlock(b.kpi, b.dimension, first, last, has_target), row + 1


@dataclass(frozen=True)
class _Formats:
    """The cell formats of a block's rows, in the KPI's unit."""

    value: Format
    target: Format
    grey: Format
    change: Format
    percent: Format
    status: Format


def _formats(st: Styles, t: Translator, unit: str, shown_unit: str) -> _Formats:
    return _Formats(value=st.unit(shown_unit, border=1, border_color=MID_GREY), target=st.input(shown_unit),
                    grey=st.text(font_color="#6B7280", align="center"),
                    change=st.get(num_format=change_format(unit, t("workbook.common.pp"), t.locale), border=1,
                                  border_color=MID_GREY),
                    percent=st.get(num_format=excel_percent(t.locale), border=1, border_color=MID_GREY),
                    status=st.text(align="center", font_size=9))


@dataclass
class _Rows:
    """What every member row of one block writes with."""

    ws: Worksheet
    st: Styles
    k: Kpi
    scale: float
    f: _Formats
    widths: dict[int, int]
    w: dict[str, str]
    status_cells: list[str]
    leaderboard: bool
    currency: str
    share_of: tuple[str, float | str] | None  # (the KPI's total cell, its cached value) for the share column


def _member_row(ctx: _Rows, row: int, name: str, vals: pd.Series) -> bool:
    """One member's row: rank, name, value, previous, target, change, attainment, status, share.
    True when it has a target."""
    ws, st, k, f, widths = ctx.ws, ctx.st, ctx.k, ctx.f, ctx.widths
    rank = vals.get("rank")
    if rank is None or rank != rank:
        ws.write_blank(row, RANK, None, f.grey)
    else:
        ws.write_number(row, RANK, float(rank), f.grey)
    ws.write_string(row, MEMBER, name, st.text(bold=ctx.leaderboard and rank == 1))
    widths[MEMBER] = max(widths[MEMBER], len(name))
    cached: dict[int, float | str] = {}
    for c, key in ((VALUE, "value"), (PREVIOUS, "previous"), (TARGET, "target")):
        raw = vals.get(key)
        raw = None if raw is None or raw != raw else float(raw)
        v = scaled(raw, ctx.scale)
        cached[c] = v
        fmt = f.target if c == TARGET else f.value
        if v == "":
            ws.write_blank(row, c, None, fmt)
        else:
            ws.write_number(row, c, float(v), fmt)
            widths[c] = max(widths[c], value_width(raw, k.unit, ctx.currency))
    v, p, tg = cell(row, VALUE), cell(row, PREVIOUS), cell(row, TARGET)
    both = f"AND(ISNUMBER({v}),ISNUMBER({p}))"
    ws.write_formula(row, CHANGE, f'=IF({both},IFERROR({_change(v, p, k.unit)},""),"")', f.change,
                     change_value(cached[VALUE], cached[PREVIOUS], k.unit))
    ws.write_formula(row, ATTAIN, f'=IF(AND(ISNUMBER({v}),ISNUMBER({tg})),IFERROR({v}/{tg},""),"")', f.percent,
                     _cached_ratio(cached[VALUE], cached[TARGET]))
    expr = status_expr(v, tg, None, k, ctx.w, trend=False)
    if expr is None:
        ws.write_blank(row, STATUS, None, f.status)
    else:
        word = status_word(vals.get("status"), ctx.w)
        ws.write_formula(row, STATUS, "=" + expr, f.status, word)
        widths[STATUS] = max(widths[STATUS], len(word))
        ctx.status_cells.append(cell(row, STATUS))
    if ctx.share_of is not None:
        total, total_value = ctx.share_of
        share = _cached_ratio(cached[VALUE], total_value)
        ws.write_formula(row, SHARE, f'=IF(ISNUMBER({v}),IFERROR({v}/{total},""),"")', f.percent, share)
    else:
        ws.write_blank(row, SHARE, None, f.percent)
    return cached[TARGET] != ""


def _rest_row(ctx: _Rows, row: int, rest: str, b: Breakdown) -> None:
    """The one line standing for the members between the top and the bottom ones."""
    ctx.ws.write_blank(row, RANK, None, ctx.f.grey)
    ctx.ws.write_string(row, MEMBER, rest, ctx.st.text(italic=True))
    ctx.widths[MEMBER] = max(ctx.widths[MEMBER], len(rest))
    for c, raw in ((VALUE, b.rest_value), (PREVIOUS, b.rest_previous)):
        v = scaled(raw, ctx.scale)
        if v == "":
            ctx.ws.write_blank(row, c, None, ctx.f.value)
        else:
            ctx.ws.write_number(row, c, float(v), ctx.f.value)


def _change(v: str, p: str, unit: str) -> str:
    return f"({v}-{p})*100" if unit == "percent" else f"({v}-{p})/ABS({p})"


def report_scale(st: Styles, unit: str) -> float:
    """Workbook scale of a unit (durations are stored as days)."""
    return st.units[unit].excel_scale if unit in st.units else 1.0
