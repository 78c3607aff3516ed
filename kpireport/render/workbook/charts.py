"""Native Excel charts on the Dashboard, below the tiles, two per row.

Charts read the KPIs, Measures and Breakdowns sheets (so a corrected measure redraws them);
the funnel and NPS mix read a small block of formulas on the Dashboard that follows the
period picker. Which charts appear depends on what the report has: a chart whose data is
missing is left out rather than drawn empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...catalog.model import Kpi
from ...compute.report import Report
from ...i18n import Translator
from ..formats import excel_percent
from .dashboard import GAP_W, LABEL_W, LAST_COL, TILE_COLS, TILES_PER_ROW, VALUE_W, DashboardPlan, _category_name
from .layout import CAPTION_ROW, Layout, cell, col_range, row_range
from .sheet_breakdowns import MEMBER, TARGET, VALUE, BreakdownBlock, dimension_label
from .styles import BLUE, FONT, GREY, MID_GREY, NAVY, ORANGE, SERIES, Styles

CHART_ROWS = 15  # rows a chart occupies, including the gap below it
CHART_H = 285
FUNNEL = ("leads_created", "leads_converted", "customers_acquired")
NPS = ("nps_promoters", "nps_detractors", "nps_responses")
GREEN, RED, SAND = "#4CAF50", "#E05252", "#BDBDBD"
NPS_COL = 2 * TILE_COLS + 2  # the NPS figures start under the right-hand chart column


def _px(width: float) -> int:
    """Pixel width of a column, as xlsxwriter computes it (7 px per character + 5 px padding)."""
    return int(width * 7 + 0.5) + 5


ROW_W = TILES_PER_ROW * (_px(LABEL_W) + _px(VALUE_W) + _px(GAP_W)) - _px(GAP_W)
CHART_GAP = 12
CHART_W = (ROW_W - CHART_GAP) // 2


@dataclass
class ChartContext:
    """What every chart builder needs; one object keeps their signatures short."""

    wb: Workbook
    ws: Worksheet
    st: Styles
    report: Report
    lay: Layout
    t: Translator
    plan: DashboardPlan
    blocks: list[BreakdownBlock]


def _style(chart: Chart, title: str, legend: bool = True) -> Chart:
    font = {"name": FONT, "size": 8, "color": GREY}
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 11, "bold": True, "color": NAVY},
                     "overlay": False})
    chart.set_legend({"position": "bottom", "font": font} if legend else {"none": True})
    chart.set_chartarea({"border": {"color": MID_GREY, "width": 0.75}, "fill": {"color": "#FFFFFF"}})
    chart.set_size({"width": CHART_W, "height": CHART_H})
    return chart


def _axis_format(ctx: ChartContext, unit: str, peak: float) -> str:
    """Value-axis labels: thousands or millions for big money and counts, else the unit format."""
    fmt = ctx.st.number_format(unit)
    if unit not in ("currency", "count") or peak < 10_000:
        return fmt
    k, m = ctx.t("workbook.charts.thousands"), ctx.t("workbook.charts.millions")
    scale, word = (",,", m) if peak >= 2_000_000 else (",", k)
    digits = "#,##0.0" if scale == ",," else "#,##0"
    base = fmt.split(";")[0]
    return base.replace("#,##0", f'{digits}{scale}"{word}"', 1)


def _axes(chart: Chart, num_format: str, value_axis: str = "y") -> None:
    font = {"name": FONT, "size": 8, "color": GREY}
    values = {"num_format": num_format, "num_font": font, "line": {"none": True},
              "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}}
    cats = {"num_font": font, "line": {"color": MID_GREY}, "major_tick_mark": "none", "label_position": "low"}
    if value_axis == "y":
        chart.set_y_axis(values)
        chart.set_x_axis(cats)
    else:
        chart.set_x_axis(values)
        chart.set_y_axis({**cats, "reverse": True})


def _peak(ctx: ChartContext, kpis: list[Kpi]) -> float:
    first, last = ctx.lay.window()
    vals = [abs(v) for k in kpis for v in ctx.lay.values[k.id][first:last + 1] if v is not None]
    return max(vals, default=0.0)


def _categories(ctx: ChartContext) -> str:
    first, last = ctx.lay.window()
    return row_range(ctx.lay.sheets.kpis, CAPTION_ROW, ctx.lay.col(first), ctx.lay.col(last))


def _vs_target_kpi(ctx: ChartContext) -> Kpi | None:
    """The headline KPI drawn against its target: revenue, else the first money KPI with targets."""
    first, last = ctx.lay.window()
    with_target = [k for k in ctx.lay.kpis if all(v is not None for v in ctx.lay.targets[k.id][first:last + 1])]
    by_id = {k.id: k for k in ctx.lay.kpis}
    if "revenue" in by_id:
        return by_id["revenue"]
    money = [k for k in with_target if k.unit == "currency"]
    chosen = money or with_target
    return chosen[0] if chosen else None


def chart_vs_target(ctx: ChartContext, k: Kpi) -> Chart:
    """Columns of actuals with the target as a line, over the trend window.

    The target line is drawn only when every period has one: Excel plots a "" cell as zero,
    which would draw a false dive to the axis.
    """
    first, last = ctx.lay.window()
    col = ctx.wb.add_chart({"type": "column"})
    col.add_series({"name": ctx.t("workbook.charts.actual"), "categories": _categories(ctx),
                    "values": ctx.lay.kpi_row_range(k.id, 0, first, last), "fill": {"color": BLUE}, "gap": 60})
    window = ctx.lay.periods[first:last + 1]
    if all(ctx.report.target(k.id, p) is not None for p in window):
        line = ctx.wb.add_chart({"type": "line"})
        line.add_series({"name": ctx.t("workbook.charts.target"), "categories": _categories(ctx),
                         "values": ctx.lay.kpi_row_range(k.id, 1, first, last),
                         "line": {"color": ORANGE, "width": 2.25}, "marker": {"type": "none"}})
        col.combine(line)
    _axes(col, _axis_format(ctx, k.unit, _peak(ctx, [k])))
    return _style(col, ctx.t("workbook.charts.vs_target", kpi=k.label(ctx.t.lang)))


def chart_breakdown(ctx: ChartContext, block: BreakdownBlock) -> Chart:
    """Actual (and target, where members have one) per member, read from the Breakdowns sheet."""
    k = ctx.report.catalog.kpis[block.kpi]
    sheet = ctx.lay.sheets.breakdowns
    chart = ctx.wb.add_chart({"type": "column"})
    cats = col_range(sheet, MEMBER, block.first_row, block.last_row)
    chart.add_series({"name": ctx.t("workbook.charts.actual"), "categories": cats,
                      "values": col_range(sheet, VALUE, block.first_row, block.last_row),
                      "fill": {"color": BLUE}, "gap": 80})
    if block.has_target:
        chart.add_series({"name": ctx.t("workbook.charts.target"), "categories": cats,
                          "values": col_range(sheet, TARGET, block.first_row, block.last_row),
                          "fill": {"color": "#F6C89F"}, "border": {"color": ORANGE}})
    b = next(x for x in ctx.report.breakdowns if x.kpi == block.kpi and x.dimension == block.dimension)
    peak = float(b.values["value"].abs().max()) if len(b.values) else 0.0
    _axes(chart, _axis_format(ctx, k.unit, peak))
    title = ctx.t("workbook.charts.by_dimension", kpi=k.label(ctx.t.lang),
                  dimension=dimension_label(ctx.t, block.dimension))
    return _style(chart, title, legend=block.has_target)


def chart_lines(ctx: ChartContext, title: str, kpis: list[Kpi]) -> Chart:
    """A category's comparable KPIs over the trend window (columns when there are only 2-3 periods)."""
    first, last = ctx.lay.window()
    few = last - first < 3  # two or three years read better as columns than as a line
    chart = ctx.wb.add_chart({"type": "column" if few else "line"})
    for i, k in enumerate(kpis):
        colour = SERIES[i % len(SERIES)]
        look = {"fill": {"color": colour}} if few else {"line": {"color": colour, "width": 2.25},
                                                         "marker": {"type": "none"}}
        chart.add_series({"name": k.label(ctx.t.lang), "categories": _categories(ctx),
                          "values": ctx.lay.kpi_row_range(k.id, 0, first, last), **look})
    _axes(chart, _axis_format(ctx, kpis[0].unit, _peak(ctx, kpis)))
    return _style(chart, title)


def comparable(ctx: ChartContext, kpis: list[Kpi]) -> list[Kpi]:
    """The largest set of a category's KPIs sharing a unit and a scale (within 4x), at most 4.

    Lines of very different size on one axis flatten the small ones into the floor, so a
    chart only shows KPIs that can be read against each other.
    """
    first, last = ctx.lay.window()
    kpis = [k for k in kpis if all(v is not None for v in ctx.lay.values[k.id][first:last + 1])]  # "" plots as 0
    peaks = {k.id: _peak(ctx, [k]) for k in kpis}
    best: list[Kpi] = []
    for lead in kpis:
        size = peaks[lead.id]
        if size == 0:
            continue
        group = [k for k in kpis if k.unit == lead.unit and peaks[k.id] > 0
                 and max(size, peaks[k.id]) <= 4 * min(size, peaks[k.id])]
        if len(group) > len(best):
            best = group
    return best[:4]


Block = tuple[int, int, int]  # first row, last row, value column of a figures block


def _now(ctx: ChartContext, mid: str) -> float | str:
    """A measure in the report period, as cached: "" when there is no value."""
    v = ctx.report.measures.at[mid, ctx.report.period]
    return "" if v != v else float(v)


def _picked(ctx: ChartContext, mid: str) -> str:
    """A measure in the period the picker selects."""
    return f'IFERROR(INDEX({ctx.lay.measure_row_range(mid)},1,{ctx.plan.index_cell}),"")'


def _funnel_block(ctx: ChartContext, row: int, steps: list[str], fmts: dict) -> Block:
    """Leads created -> converted -> customers gained for the picked period, with each step's share."""
    base, ws = 1, ctx.ws
    vcol = base + TILE_COLS
    ws.write_string(row, base, ctx.t("workbook.charts.funnel"), fmts["title"])
    first_cell, first_value = cell(row + 1, vcol, absolute=True), _now(ctx, steps[0])
    for i, m in enumerate(steps):
        r = row + 1 + i
        ws.merge_range(r, base, r, base + 2, "", fmts["label"])
        ws.write_string(r, base, ctx.t(f"workbook.charts.{m}"), fmts["label"])
        value = _now(ctx, m)
        ws.write_formula(r, vcol, "=" + _picked(ctx, m), fmts["num"], value)
        share = value / first_value if isinstance(value, float) and isinstance(first_value, float) and first_value \
            else ""
        ws.write_formula(r, vcol + 1, f'=IFERROR({cell(r, vcol)}/{first_cell},"")', fmts["pct"], share)
    return row + 1, row + len(steps), vcol


def _nps_block(ctx: ChartContext, row: int, fmts: dict) -> Block:
    """Promoters, passives (answers minus the other two) and detractors for the picked period."""
    base, ws = NPS_COL, ctx.ws
    vcol = base + TILE_COLS
    ws.write_string(row, base, ctx.t("workbook.charts.nps_mix"), fmts["title"])
    promoters, detractors = cell(row + 1, vcol), cell(row + 3, vcol)
    values = {m: _now(ctx, m) for m in NPS}
    answers, promoters_n, detractors_n = values["nps_responses"], values["nps_promoters"], values["nps_detractors"]
    rest: float | str = ""
    if isinstance(answers, float) and isinstance(promoters_n, float) and isinstance(detractors_n, float):
        rest = answers - promoters_n - detractors_n
    total = f"INDEX({ctx.lay.measure_row_range('nps_responses')},1,{ctx.plan.index_cell})"
    rows = (("promoters", "=" + _picked(ctx, "nps_promoters"), values["nps_promoters"]),
            ("passives", f'=IFERROR({total}-{promoters}-{detractors},"")', rest),
            ("detractors", "=" + _picked(ctx, "nps_detractors"), values["nps_detractors"]))
    for i, (key, formula, cached) in enumerate(rows):
        r = row + 1 + i
        ws.merge_range(r, base, r, base + 2, "", fmts["label"])
        ws.write_string(r, base, ctx.t(f"workbook.charts.{key}"), fmts["label"])
        ws.write_formula(r, vcol, formula, fmts["num"], cached)
    return row + 1, row + 3, vcol


def _data_block(ctx: ChartContext, row: int) -> tuple[Block | None, Block | None]:
    """Funnel and NPS figures for the picked period, as formulas, side by side under the charts.

    They are what the funnel and NPS charts draw, so those two charts follow the period picker.
    """
    funnel = [m for m in FUNNEL if m in ctx.lay.measure_rows]
    has_nps = all(m in ctx.lay.measure_rows for m in NPS)
    if len(funnel) < 2 and not has_nps:
        return None, None
    st = ctx.st
    ctx.ws.merge_range(row, 1, row, LAST_COL - 1, ctx.t("workbook.dashboard.chart_data"), st.section())
    fmts = {"title": st.get(bold=True, font_color=BLUE),
            "label": st.get(font_color=NAVY, bottom=1, bottom_color=MID_GREY),
            "num": st.get(num_format="#,##0", bottom=1, bottom_color=MID_GREY, bold=True),
            "pct": st.get(num_format=excel_percent(ctx.t.locale), bottom=1, bottom_color=MID_GREY, font_color=GREY)}
    return (_funnel_block(ctx, row + 1, funnel, fmts) if len(funnel) >= 2 else None,
            _nps_block(ctx, row + 1, fmts) if has_nps else None)


def add_charts(ctx: ChartContext, start: int) -> tuple[int, list[tuple[int, float]]]:
    """Charts in a two-column grid from row `start`, then the funnel/NPS figures.

    Returns the next free row and the printable blocks (first row, height in points) for page breaks.
    """
    lay, t = ctx.lay, ctx.t
    lead = _vs_target_kpi(ctx)
    has_funnel = sum(m in lay.measure_rows for m in FUNNEL) >= 2
    has_nps = all(m in lay.measure_rows for m in NPS)
    charts: list[Callable[[Block | None, Block | None], Chart]] = []
    if lead is not None:
        charts.append(lambda f, n: chart_vs_target(ctx, lead))
        region = [b for b in ctx.blocks if b.kpi == lead.id and b.dimension == "region"] or \
            [b for b in ctx.blocks if b.kpi == lead.id]
        if region:
            charts.append(lambda f, n: chart_breakdown(ctx, region[0]))
    if has_funnel:
        charts.append(lambda f, n: _funnel_chart(ctx, f))
    if has_nps:
        charts.append(lambda f, n: _nps_chart(ctx, n))
    def lines(name: str, chosen: list[Kpi]) -> Callable[[Block | None, Block | None], Chart]:
        return lambda f, n: chart_lines(ctx, name, chosen)

    groups: dict[str, list[Kpi]] = {}
    for k in lay.kpis:
        groups.setdefault(k.category, []).append(k)
    for cat, members in groups.items():
        chosen = comparable(ctx, members)
        if len(chosen) >= 2:
            name = _category_name(ctx.report, cat, t.lang)
            charts.append(lines(name, chosen))
    if not charts:
        return start, []
    ctx.ws.merge_range(start, 1, start, LAST_COL - 1, t("workbook.dashboard.charts"), ctx.st.section())
    ctx.ws.set_row(start, 22)
    data_row = start + 2 + ((len(charts) + 1) // 2) * CHART_ROWS
    funnel, nps = _data_block(ctx, data_row)
    for i, make in enumerate(charts):
        r = start + 2 + (i // 2) * CHART_ROWS
        x = 0 if i % 2 == 0 else CHART_W + CHART_GAP
        ctx.ws.insert_chart(r, 1, make(funnel, nps), {"object_position": 1, "x_offset": x})
    n_rows = (len(charts) + 1) // 2
    blocks = [(start if i == 0 else start + 2 + i * CHART_ROWS, CHART_ROWS * 15.0 + (37 if i == 0 else 0))
              for i in range(n_rows)]
    if funnel or nps:
        blocks.append((data_row, 7 * 15.0))
        return data_row + 7, blocks
    return data_row, blocks


def _funnel_chart(ctx: ChartContext, block: Block | None) -> Chart:
    assert block is not None, "the funnel figures are written whenever the funnel is drawn"
    first, last, vcol = block
    sheet = ctx.lay.sheets.dashboard
    chart = ctx.wb.add_chart({"type": "bar"})
    colours = (NAVY, BLUE, "#7FA7D1")
    chart.add_series({"name": ctx.t("workbook.charts.funnel"), "categories": col_range(sheet, 1, first, last),
                      "values": col_range(sheet, vcol, first, last), "gap": 40,
                      "points": [{"fill": {"color": colours[i % 3]}} for i in range(last - first + 1)],
                      "data_labels": {"value": True, "num_format": "#,##0", "font": {"name": FONT, "size": 9}}})
    _axes(chart, "#,##0", value_axis="x")
    return _style(chart, ctx.t("workbook.charts.funnel"), legend=False)


def _nps_chart(ctx: ChartContext, block: Block | None) -> Chart:
    assert block is not None, "the NPS figures are written whenever the NPS chart is drawn"
    first, last, vcol = block
    sheet = ctx.lay.sheets.dashboard
    chart = ctx.wb.add_chart({"type": "doughnut"})
    chart.add_series({"name": ctx.t("workbook.charts.nps_mix"),
                      "categories": col_range(sheet, NPS_COL, first, last),
                      "values": col_range(sheet, vcol, first, last),
                      "points": [{"fill": {"color": c}} for c in (GREEN, SAND, RED)],
                      "data_labels": {"percentage": True, "font": {"name": FONT, "size": 9, "bold": True}}})
    chart.set_hole_size(55)
    return _style(chart, ctx.t("workbook.charts.nps_mix"))

