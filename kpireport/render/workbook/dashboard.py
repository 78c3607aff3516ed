"""The Dashboard sheet: title band, period picker, KPI tiles grouped by category.

Every number on a tile is an INDEX over the KPIs sheet row of that KPI, at the column the
period picker selects (MATCH of the picked label in a hidden list of the period labels). So
picking another period, or editing a target or a measure, moves the tiles; the cached values
are the program's for the report period. Charts are added by `charts.py` below the tiles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ...catalog.model import Kpi
from ...compute.report import Report
from ...config import Config
from ...i18n import Translator
from .formulas import change_expr, change_format, change_value, scaled, status_word, words
from .layout import YEAR_STEPS, Layout, cell
from .sheets_data import status_conditional
from .styles import GREY, MID_GREY, NAVY, STATUS_COLOURS, TILE_HEAD, WHITE, Prop, Styles

TILES_PER_ROW = 5
TILE_COLS = 3  # label, value, gap
LABEL_W, VALUE_W, GAP_W = 12, 12, 2
LAST_COL = 1 + TILES_PER_ROW * TILE_COLS - 1  # the last gap column
HELPER_COL = LAST_COL + 2  # hidden: period list for the picker, then the picked index
PICKER_ROW, PICKER_COL = 3, 4  # label merged over B:C, picker over E:F
TILE_ROWS = 6  # name, value, target, vs previous, vs last year, status + sparkline
FIRST_TILE_ROW = 7
# Row heights in points: the header band, then per tile row: category, the six tile rows, a gap.
HEADER_HEIGHTS = (34, 20, 6, 24, 20, 22, 8)
TILE_HEIGHTS = (18, 26, 26, 14, 14, 14, 18, 6)
@dataclass(frozen=True)
class Tile:
    """One KPI tile: six rows by two columns; its properties give the (row, col) of each figure."""

    kpi: str
    row: int  # the tile's first row (name)
    col: int  # the tile's label column

    @property
    def value(self) -> tuple[int, int]:
        return self.row + 1, self.col

    @property
    def target(self) -> tuple[int, int]:
        return self.row + 2, self.col + 1

    @property
    def vs_previous(self) -> tuple[int, int]:
        return self.row + 3, self.col + 1

    @property
    def vs_year(self) -> tuple[int, int]:
        return self.row + 4, self.col + 1

    @property
    def status(self) -> tuple[int, int]:
        return self.row + 5, self.col


@dataclass
class DashboardPlan:
    """Positions on the Dashboard; the tests use it to find the cells they check."""

    picker: tuple[int, int] = (PICKER_ROW, PICKER_COL)
    index_cell: str = ""
    tiles: dict[str, Tile] = field(default_factory=dict)
    category_rows: list[tuple[int, list[tuple[str, list[Kpi]]]]] = field(default_factory=list)
    next_row: int = 0


def pack(kpis: list[Kpi]) -> list[list[tuple[str, list[Kpi]]]]:
    """Category groups packed into rows of four tiles, first fit, so short groups share a row.

    A group of more than four KPIs fills whole rows first; its remainder and the smaller
    groups go into the first row with room, which keeps the dashboard compact (no half-empty
    rows) while tiles of one category stay side by side under one heading.
    """
    groups: dict[str, list[Kpi]] = {}
    for k in kpis:
        groups.setdefault(k.category, []).append(k)
    rows: list[list[tuple[str, list[Kpi]]]] = []
    free: list[int] = []
    for cat, members in groups.items():
        while len(members) >= TILES_PER_ROW:
            rows.append([(cat, members[:TILES_PER_ROW])])
            free.append(0)
            members = members[TILES_PER_ROW:]
        if not members:
            continue
        for i, room in enumerate(free):
            if room >= len(members):
                rows[i].append((cat, members))
                free[i] -= len(members)
                break
        else:
            rows.append([(cat, members)])
            free.append(TILES_PER_ROW - len(members))
    return rows


def plan_dashboard(lay: Layout) -> DashboardPlan:
    """Tile positions, decided before writing so tests and charts can find them."""
    plan = DashboardPlan(index_cell=cell(0, HELPER_COL + 1, absolute=True))
    row = FIRST_TILE_ROW
    for packed in pack(lay.kpis):
        plan.category_rows.append((row, packed))
        slot = 0
        for _cat, members in packed:
            for k in members:
                plan.tiles[k.id] = Tile(k.id, row + 1, 1 + slot * TILE_COLS)
                slot += 1
        row += 1 + TILE_ROWS + 1
    plan.next_row = row
    return plan


def _category_name(report: Report, cid: str, lang: str) -> str:
    c = report.catalog.categories.get(cid)
    return (c.name.get(lang) or c.name.get("en") or cid) if c else cid


def write_dashboard(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator, config: Config,
                    generated: dt.date, plan: DashboardPlan) -> None:
    """Header band, period picker, legend and the tiles, category by category (charts come after)."""
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    for i in range(TILES_PER_ROW):
        base = 1 + i * TILE_COLS
        ws.set_column(base, base, LABEL_W)
        ws.set_column(base + 1, base + 1, VALUE_W)
        ws.set_column(base + 2, base + 2, GAP_W)
    _header(ws, st, report, lay, t, config, generated, plan)
    w = words(t)
    for row, packed in plan.category_rows:
        for i, h in enumerate(TILE_HEIGHTS):
            ws.set_row(row + i, h)
        slot = 0
        for cat, members in packed:
            first = 1 + slot * TILE_COLS
            last = 1 + (slot + len(members) - 1) * TILE_COLS + 1
            fmt = st.get(bold=True, font_color=NAVY, font_size=11, bottom=2, bottom_color=NAVY, valign="bottom")
            name = _category_name(report, cat, t.lang)
            if last > first:
                ws.merge_range(row, first, row, last, name, fmt)
            else:
                ws.write_string(row, first, name, fmt)
            slot += len(members)
    for k in lay.kpis:
        _tile(ws, st, report, lay, t, plan, plan.tiles[k.id], k, w)
    spots = [cell(*tl.status) for tl in plan.tiles.values()]
    if spots:
        r0, c0 = next(iter(plan.tiles.values())).status
        status_conditional(ws, st, t, r0, c0, r0, c0, multi_range=" ".join(spots))
        _status_counts(ws, st, report, t, plan, w)


def _status_counts(ws: Worksheet, st: Styles, report: Report, t: Translator, plan: DashboardPlan,
                   w: dict[str, str]) -> None:
    """How many tiles are on track / at risk / off track for the picked period (COUNTIF over the tiles)."""
    first = min(tl.row for tl in plan.tiles.values())
    area = f"{cell(first, 1, True)}:{cell(plan.next_row, LAST_COL, True)}"
    row = PICKER_ROW + 1
    label = st.get(font_color=GREY, align="right", font_size=9)
    ws.merge_range(row, 1, row, 2, "", label)
    ws.write_string(row, 1, t("workbook.dashboard.counts"), label)
    shown = [report.status.at[kid, report.period] for kid in plan.tiles if kid in report.status.index]
    for col, key in zip((PICKER_COL, PICKER_COL + 1, PICKER_COL + 3), ("on_track", "at_risk", "off_track"),
                        strict=True):
        word = w[key]
        fmt = st.get(bold=True, font_size=9, font_color=STATUS_COLOURS[key][1], align="left",
                     num_format='0" ' + word.replace('"', "") + '"')
        ws.write_formula(row, col, f'=COUNTIF({area},"{word}")', fmt, float(sum(s == key for s in shown)))


def _header(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator, config: Config,
            generated: dt.date, plan: DashboardPlan) -> None:
    """Title band, the period picker (validated list + hidden MATCH index) and the status legend."""
    band = st.band()
    for i, h in enumerate(HEADER_HEIGHTS):
        ws.set_row(i, h)
    for c in range(LAST_COL + 1):
        ws.write_blank(0, c, None, band)
        ws.write_blank(1, c, None, band)
    ws.write_string(0, 1, t("workbook.dashboard.title", company=config.company or report.company),
                    st.get(bold=True, font_size=18, font_color=WHITE, bg_color=NAVY))
    grain = t.grain(lay.periods[lay.selected], lay.grain)
    ws.write_string(1, 1, f"{t('workbook.dashboard.heading')}  ·  {t('workbook.dashboard.grain', grain=grain)}",
                    st.get(font_color="#C9D6E8", bg_color=NAVY, font_size=10))
    ws.write_string(1, LAST_COL - 1, t("workbook.dashboard.generated", date=t.date(generated)),
                    st.get(font_color="#C9D6E8", bg_color=NAVY, align="right"))
    period_label = st.get(bold=True, font_color=NAVY, align="right")
    ws.merge_range(PICKER_ROW, 1, PICKER_ROW, 2, "", period_label)
    ws.write_string(PICKER_ROW, 1, t("workbook.dashboard.period"), period_label)
    picker_fmt = st.get(bold=True, font_size=12, bg_color="#FFF2B3", border=1, border_color="#C9A400",
                        align="center", font_color=NAVY)
    ws.merge_range(PICKER_ROW, PICKER_COL, PICKER_ROW, PICKER_COL + 1, "", picker_fmt)
    ws.write_string(PICKER_ROW, PICKER_COL, lay.labels[lay.selected], picker_fmt)
    # Hidden helpers: the list the picker offers and the index it selects.
    hidden = st.get(font_color=GREY, font_size=8)
    for j, label in enumerate(lay.labels):
        ws.write_string(j, HELPER_COL, label, hidden)
    picker = cell(PICKER_ROW, PICKER_COL, absolute=True)
    options = f"${xl_col_to_name(HELPER_COL)}$1:${xl_col_to_name(HELPER_COL)}${len(lay.labels)}"
    ws.write_formula(0, HELPER_COL + 1, f"=MATCH({picker},{options},0)", hidden, lay.selected + 1)
    title = t("workbook.dashboard.picker_title")[:32]
    ws.data_validation(PICKER_ROW, PICKER_COL, PICKER_ROW, PICKER_COL, {
        "validate": "list", "source": "=" + options,
        "input_title": title, "input_message": t("workbook.dashboard.picker_help")[:255],
        "error_title": title, "error_message": t("workbook.dashboard.picker_error")[:255],
    })
    ws.set_column(HELPER_COL, HELPER_COL + 1, 12, None, {"hidden": True})
    # Legend of the status colours: target-based words on the first line, trend words below.
    legend = st.get(font_color=GREY, align="right", font_size=9)
    chips = (LAST_COL - 4, LAST_COL - 2, LAST_COL - 1)  # value col of tile 4, label + value col of tile 5
    ws.write_string(PICKER_ROW, chips[0] - 1, t("workbook.dashboard.legend_target"), legend)
    ws.write_string(PICKER_ROW + 1, chips[0] - 1, t("workbook.dashboard.legend_trend"), legend)
    spots = [(r, c) for r in (PICKER_ROW, PICKER_ROW + 1) for c in chips]
    for (r, c), (key, (fill, font)) in zip(spots, STATUS_COLOURS.items(), strict=True):
        ws.write_string(r, c, t(f"status.{key}"), st.get(bg_color=fill, font_color=font, bold=True, align="center",
                                                         font_size=9, border=1, border_color=WHITE))
    ws.merge_range(5, 1, 5, 8, "", st.get(font_color=GREY, font_size=8, italic=True, text_wrap=True, valign="top"))
    ws.write_string(5, 1, t("workbook.dashboard.help"), st.get(font_color=GREY, font_size=8, italic=True,
                                                               text_wrap=True, valign="top"))
    n = lay.window()[1] - lay.window()[0] + 1
    ws.merge_range(5, 9, 5, LAST_COL - 1, "", st.get(font_color=GREY, font_size=8, italic=True, align="right",
                                                     valign="top"))
    ws.write_string(5, 9, t("workbook.dashboard.trend_note", n=n), st.get(font_color=GREY, font_size=8, italic=True,
                                                                         align="right", valign="top"))


def _box(st: Styles, pos: str, side: str, **props: Prop) -> Format:
    """A tile cell format with the tile's outline on the sides it touches."""
    b: dict[str, Prop] = {"border_color": MID_GREY}
    if pos == "top":
        b["top"] = 1
    if pos == "bottom":
        b["bottom"] = 1
    if side in ("left", "both"):
        b["left"] = 1
    if side in ("right", "both"):
        b["right"] = 1
    b.update(props)
    return st.get(**b)


def _tile(ws: Worksheet, st: Styles, report: Report, lay: Layout, t: Translator, plan: DashboardPlan, tile: Tile,
          k: Kpi, w: dict[str, str]) -> None:
    """A tile's formulas: INDEX into the KPI's rows on the KPIs sheet at the picked column.

    Changes need the column `step` periods back, which exists only when the picked index is
    past `step`; INDEX(..., 0) would return the whole row, hence the IF guard.
    """
    r, c = tile.row, tile.col
    idx = plan.index_cell
    scale = lay.scale(k)
    p, j = report.period, lay.selected
    name_fmt = _box(st, "top", "both", bold=True, bg_color=TILE_HEAD, font_color=NAVY, text_wrap=True, indent=1)
    ws.merge_range(r, c, r, c + 1, "", name_fmt)
    ws.write_string(r, c, k.label(t.lang), name_fmt)
    actual = lay.kpi_row_range(k.id)
    value = scaled(report.value(k.id, p), scale)
    unit_fmt = st.number_format(lay.display_unit(k), text_dash=True)
    value_fmt = _box(st, "", "both", bold=True, font_size=18, font_color=NAVY, align="left", indent=1,
                     num_format=unit_fmt)
    ws.merge_range(r + 1, c, r + 1, c + 1, "", value_fmt)
    ws.write_formula(r + 1, c, f'=IFERROR(INDEX({actual},1,{idx}),"")', value_fmt, value)
    label = _box(st, "", "left", font_color=GREY, font_size=9, indent=1)
    num = _box(st, "", "right", align="right", indent=1, num_format=unit_fmt)
    ws.write_string(r + 2, c, t("workbook.dashboard.target"), label)
    ws.write_formula(r + 2, c + 1, f'=IFERROR(INDEX({lay.kpi_row_range(k.id, 1)},1,{idx}),"")', num,
                     scaled(report.target(k.id, p), scale))
    v_cell = cell(r + 1, c)
    change_fmt = _box(st, "", "right", align="right", indent=1,
                      num_format=change_format(k.unit, t("workbook.common.pp"), t.locale))
    steps = [(1, "workbook.dashboard.vs_previous")]
    if lay.grain.value != "year":
        steps.append((YEAR_STEPS[lay.grain], "workbook.dashboard.vs_last_year"))
    for i, (step, key) in enumerate(steps):
        before = f"INDEX({actual},1,{idx}-{step})"
        ws.write_string(r + 3 + i, c, t(key), label)
        cached = change_value(value, scaled(report.value(k.id, lay.periods[j - step]), scale), k.unit) \
            if j - step >= 0 else ""
        ws.write_formula(r + 3 + i, c + 1, f'=IF({idx}>{step},{change_expr(v_cell, before, k.unit)},"")',
                         change_fmt, cached)
    if len(steps) == 1:
        ws.write_blank(r + 4, c, None, label)
        ws.write_blank(r + 4, c + 1, None, num)
    status_fmt = _box(st, "bottom", "left", align="center", font_size=9, bold=True)
    if k.direction == "info":
        ws.write_blank(r + 5, c, None, status_fmt)
    else:
        ws.write_formula(r + 5, c, f'=IFERROR(INDEX({lay.kpi_row_range(k.id, 2)},1,{idx})&"","")', status_fmt,
                         status_word(report.status.at[k.id, p], w))
    ws.write_blank(r + 5, c + 1, None, _box(st, "bottom", "right"))
    first, last = lay.window()
    ws.add_sparkline(r + 5, c + 1, {"range": lay.kpi_row_range(k.id, 0, first, last), "series_color": NAVY,
                                    "markers": False, "last_point": True, "markers_color": "#E07A1F",
                                    "weight": 1.5})



def print_blocks(plan: DashboardPlan, chart_blocks: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The parts printing must not cut, as (first row, height in points): header band, tile rows, chart rows."""
    blocks: list[tuple[int, float]] = [(0, float(sum(HEADER_HEIGHTS)))]
    blocks += [(row, float(sum(TILE_HEIGHTS))) for row, _ in plan.category_rows]
    return blocks + chart_blocks
