"""The sections of the PDF summary, drawn from the HTML summary's template context.

The context (render/html/context.py) already holds every number as text in the report's
locale and every word translated, so the PDF says exactly what the HTML says; these functions
only place it. Each block is measured before it is drawn and kept on one page. Positions are
worked out from the reading side and mirrored by `pdf.mx` for right-to-left languages.
"""

from __future__ import annotations

import io

from fpdf.enums import XPos, YPos

from ..html.shape import AttentionItem, BreakdownRow, BreakdownTable, Context, KpiRow, label, label_group
from .document import FONT, INK, MARGIN, MUTED, NAVY, RULE, STATUS, TONES, SummaryPdf

TILES_PER_ROW = 3
GUTTER = 4.0
LINE = 3.9  # mm per line of 8-8.5 pt text
ROW_H = 5.6  # a breakdown table row
PAD = 1.5  # mm between a table cell's text and its neighbour


def title_block(pdf: SummaryPdf, ctx: Context) -> None:
    """Company, report title and period, subtitle: the top of the first page."""
    pdf.set_x(MARGIN)
    if ctx["company"]:
        pdf.set_font(FONT, "B", 18)
        pdf.set_text_color(NAVY)
        with pdf.own_direction():
            pdf.multi_cell(pdf.content_width, 8, ctx["company"], align=pdf.start, new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(INK)
    pdf.cell(pdf.content_width, 7, f"{ctx['heading']} · {ctx['period']}", align=pdf.start,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(f"{ctx['subtitle']} · {ctx['generated']}", size=9, colour=MUTED, gap=2)


def counts(pdf: SummaryPdf, ctx: Context) -> None:
    """'At a glance': how many KPIs are on track, at risk and off track."""
    c = ctx["counts"]
    pdf.heading(label(ctx["labels"], "sections.counts"), follow=20)
    if c["total"]:
        items = c["items"]
        w = (pdf.content_width - GUTTER * (len(items) - 1)) / len(items)
        y = pdf.get_y()
        for i, item in enumerate(items):
            border, fill, ink = STATUS[item["key"]]
            x = pdf.mx(MARGIN + i * (w + GUTTER), w)
            pdf.set_fill_color(fill)
            pdf.rect(x, y, w, 15, style="F")
            pdf.set_fill_color(border)
            pdf.rect(x, y, w, 1, style="F")
            pdf.set_text_color(ink)
            pdf.set_font(FONT, "B", 16)
            pdf.set_xy(x, y + 2)
            pdf.cell(w, 7, pdf.digits(str(item["count"])), align="C")
            pdf.set_font(FONT, "B", 8.5)
            pdf.set_xy(x, y + 9.5)
            pdf.cell(w, 4, item["label"], align="C")
        pdf.set_xy(MARGIN, y + 17)
        pdf.paragraph(c["caption"], size=8.5, colour=MUTED, gap=0.5)
    pdf.paragraph(c["trend_note"], size=8.5, colour=MUTED)


def _fit_name(pdf: SummaryPdf, text: str, width: float, lines: int = 2) -> tuple[float, str]:
    """The largest size (8 down to 6.5 pt) at which a tile's KPI name fits `lines` lines, else cut short."""
    for size in (8.0, 7.5, 7.0, 6.5):
        if pdf.text_lines(text, width, size, "B") <= lines:
            return size, text
    while len(text) > 4 and pdf.text_lines(text + "…", width, 6.5, "B") > lines:
        text = text[:-1]
    return 6.5, text.rstrip() + "…"


TILE_H = 41.0


def _tile(pdf: SummaryPdf, x: float, y: float, w: float, tile: KpiRow) -> None:
    border, _, _ = STATUS.get(tile["status"], STATUS["none"])
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, TILE_H)
    pdf.set_fill_color(border)
    pdf.rect(x, y, w, 1.2, style="F")
    inner = w - 6
    size, name = _fit_name(pdf, tile["name"], inner)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(MUTED)
    pdf.set_xy(x + 3, y + 3)
    pdf.multi_cell(inner, size * 0.46, name, align=pdf.start)
    pdf.set_font(FONT, "B", 15)
    pdf.set_text_color(INK)
    pdf.set_xy(x + 3, y + 11.5)
    pdf.cell(inner, 7, tile["value"], align=pdf.start)
    pill_w = pdf.pill_width(tile["status_label"])
    pdf.pill(x + 3 + inner - pill_w if pdf.rtl else x + 3, y + 19.5, tile["status"], tile["status_label"])
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(MUTED)
    pdf.set_xy(x + 3, y + 24.5)
    pdf.cell(inner, LINE, tile["target_line"], align=pdf.start)
    if tile["change_dir"] != "none":
        pdf.set_font(FONT, "B", 7.5)
        pdf.set_text_color(TONES.get(tile["change_tone"], MUTED))
        change = f"{tile['arrow']} {tile['change']}"
        change_w = pdf.get_string_width(change) + 1.5
        # The change, then what it is measured against, from the tile's reading side.
        pdf.set_xy(x + 3 + inner - change_w if pdf.rtl else x + 3, y + 24.5 + LINE)
        pdf.cell(change_w, LINE, change, align=pdf.start)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(MUTED)
        pdf.set_x(x + 3 if pdf.rtl else x + 3 + change_w)
        pdf.cell(inner - change_w, LINE, tile["vs"], align=pdf.start)
    if tile["year_ago"]:
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(MUTED)
        pdf.set_xy(x + 3, y + 24.5 + 2 * LINE)
        pdf.cell(inner, LINE, tile["year_ago"], align=pdf.start)


def tiles(pdf: SummaryPdf, ctx: Context) -> None:
    """The headline KPIs, three to a row; a row of tiles never straddles two pages."""
    if not ctx["tiles"]:
        return
    pdf.heading(label(ctx["labels"], "sections.headline"),
                follow=pdf.paragraph_height(ctx["tiles_intro"], 8.5, gap=2) + TILE_H)
    pdf.paragraph(ctx["tiles_intro"], size=8.5, colour=MUTED, gap=2)
    w = (pdf.content_width - GUTTER * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    row = ctx["tiles"]
    for start in range(0, len(row), TILES_PER_ROW):
        pdf.keep(TILE_H)
        y = pdf.get_y()
        for i, tile in enumerate(row[start:start + TILES_PER_ROW]):
            _tile(pdf, pdf.mx(MARGIN + i * (w + GUTTER), w), y, w, tile)
        pdf.set_xy(MARGIN, y + TILE_H + GUTTER)


def attention(pdf: SummaryPdf, ctx: Context) -> None:
    """KPIs off track or worsening, each with why and the catalog's next step; an item is never split."""
    a = ctx["attention"]
    labels = ctx["labels"]
    inner = pdf.content_width - 8
    guidance = {id(item): f"{label(labels, 'attention.next_step')}: {item['guidance']}" if item["guidance"] else ""
                for item in a["items"]}

    def height(item: AttentionItem) -> float:
        lines = pdf.text_lines(item["reason"], inner, 8.5) + pdf.text_lines(guidance[id(item)], inner, 8.5)
        return 3 + 5.5 + lines * LINE + 3

    intro_h = pdf.paragraph_height(a["intro"], 8.5, gap=2)
    pdf.heading(label(labels, "sections.attention"), follow=intro_h + (height(a["items"][0]) if a["items"] else 5))
    if not a["items"]:
        pdf.paragraph(a["none"], size=9)
        return
    pdf.paragraph(a["intro"], size=8.5, colour=MUTED, gap=2)
    for item in a["items"]:
        height_mm = height(item)
        pdf.keep(height_mm + 2)
        y = pdf.get_y()
        border, _, _ = STATUS.get(item["status"], STATUS["none"])
        pdf.set_fill_color("#fafbfc")
        pdf.rect(MARGIN, y, pdf.content_width, height_mm, style="F")
        pdf.set_fill_color(border)
        pdf.rect(pdf.mx(MARGIN, 1.4), y, 1.4, height_mm, style="F")
        x = MARGIN + 4  # the text box is inset 4 mm on both sides, so it needs no mirroring
        pdf.set_font(FONT, "B", 9.5)
        pdf.set_text_color(INK)
        name_w = min(pdf.get_string_width(item["name"]) + 2, inner - 60)
        pdf.set_xy(pdf.mx(x, name_w), y + 3)
        pdf.cell(name_w, 4.5, item["name"], align=pdf.start)
        pill_w = pdf.pill_width(item["status_label"])
        pdf.pill(pdf.mx(x + name_w + 1, pill_w), y + 3.3, item["status"], item["status_label"])
        pdf.set_font(FONT, "B", 10)
        pdf.set_xy(x, y + 3)
        pdf.cell(inner, 4.5, item["value"], align=pdf.end)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(INK)
        pdf.set_xy(x, y + 8.5)
        pdf.multi_cell(inner, LINE, item["reason"], align=pdf.start, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if guidance[id(item)]:
            pdf.set_text_color(MUTED)
            pdf.set_x(x)
            pdf.multi_cell(inner, LINE, guidance[id(item)], align=pdf.start, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(MARGIN, y + height_mm + 2)
    pdf.paragraph(a["more"], size=8.5, colour=MUTED)


def charts(pdf: SummaryPdf, ctx: Context, pngs: dict[str, bytes]) -> None:
    """The HTML summary's own PNG charts (drawn once, by render/charts.py), full width, each on one page."""
    shown = [c for c in ctx["charts"] if c["id"] in pngs]
    if not shown:
        return
    w = pdf.content_width
    for i, chart in enumerate(shown):
        h = w * chart["height"] / chart["width"]
        if i == 0:
            pdf.heading(label(ctx["labels"], "sections.charts"), follow=h + 8)
        pdf.keep(h + 8)
        pdf.set_font(FONT, "B", 9.5)
        pdf.set_text_color(INK)
        pdf.set_x(MARGIN)
        pdf.cell(w, 5.5, chart["title"], align=pdf.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.image(io.BytesIO(pngs[chart["id"]]), x=MARGIN, y=pdf.get_y(), w=w, h=h, alt_text=chart["alt"])
        pdf.set_xy(MARGIN, pdf.get_y() + h + 2.5)


def _columns(b: BreakdownTable, t: dict[str, str], width: float,
             rtl: bool = False) -> list[tuple[str, str, float, str]]:
    """(key, header, width, align) of a breakdown table from left to right, as the HTML shows them.

    In RTL the columns run from the right (reversed) and every alignment is mirrored."""
    cols: list[tuple[str, str, float, str]] = []
    if b["leaderboard"]:
        cols.append(("rank", t["rank"], 8, "C"))
    cols.append(("member", b["dimension_label"], 0, "L"))
    cols.append(("value", t["actual"], 26, "R"))
    if b["has_share"]:
        cols.append(("share", t["share"], 17, "R"))
    cols.append(("change", t["change"], 26, "R"))
    if b["show_target"]:
        cols.append(("target", t["target"], 26, "R"))
    if b["has_target"]:
        cols.append(("attainment", t["attainment"], 23, "R"))
        cols.append(("status", t["status"], 24, "C"))
    fixed = sum(c[2] for c in cols)
    if rtl:
        cols = [(k, h, w, {"L": "R", "R": "L"}.get(a, a)) for k, h, w, a in reversed(cols)]
    return [(k, h, w or width - fixed, a) for k, h, w, a in cols]


def _fit(pdf: SummaryPdf, text: str, width: float, style: str, size: float, smallest: float) -> str:
    """Set the largest font size down to `smallest` at which `text` fits `width`; cut it short if none does."""
    while size > smallest and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(FONT, style, size)
    while len(text) > 3 and pdf.get_string_width(text) > width:
        text = text[:-2] + "…"
    return text


def _cell(pdf: SummaryPdf, w: float, text: str, align: str) -> None:
    """A table cell with 1.5 mm of padding on its aligned side, so right-aligned neighbours never touch."""
    if align == "R":
        pdf.cell(w - PAD, ROW_H, text, align="R")
        pdf.cell(PAD, ROW_H, "")
    elif align == "L":
        pdf.cell(PAD / 2, ROW_H, "")
        pdf.cell(w - PAD / 2, ROW_H, text, align="L")
    else:
        pdf.cell(w, ROW_H, text, align=align)


def _table_header(pdf: SummaryPdf, cols: list[tuple[str, str, float, str]]) -> None:
    pdf.set_text_color(MUTED)
    pdf.set_x(MARGIN)
    for _key, head, w, align in cols:
        pdf.set_font(FONT, "B", 7.5)
        _cell(pdf, w, _fit(pdf, head, w - PAD, "B", 7.5, 6), align)
    pdf.ln(ROW_H)
    pdf.set_draw_color(NAVY)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + pdf.content_width, pdf.get_y())


def _table_row(pdf: SummaryPdf, cols: list[tuple[str, str, float, str]], row: BreakdownRow, top: bool) -> None:
    y = pdf.get_y()
    pdf.set_x(MARGIN)
    for key, _head, w, align in cols:
        x = pdf.get_x()
        if key == "status":
            if row["status_label"]:
                pdf.set_font(FONT, "B", 7)
                label_w = pdf.get_string_width(row["status_label"]) + 4
                pdf.pill(x + (w - label_w) / 2, y + 1.1, row["status"], row["status_label"], size=7)
            pdf.set_xy(x + w, y)
            continue
        text = f"{row['arrow']} {row['change']}".strip() if key == "change" else str(row.get(key, ""))
        style = "B" if key in ("member", "value") or top else ""
        pdf.set_font(FONT, style, 8)
        pdf.set_text_color(TONES.get(row["change_tone"], INK) if key == "change" else INK)
        _cell(pdf, w, _fit(pdf, text, w - PAD, style, 8, 6.5), align)
    pdf.set_draw_color("#e4e7eb")
    pdf.set_line_width(0.15)
    pdf.line(MARGIN, y + ROW_H, MARGIN + pdf.content_width, y + ROW_H)
    pdf.set_xy(MARGIN, y + ROW_H)


def breakdowns(pdf: SummaryPdf, ctx: Context) -> None:
    """The breakdown tables; a table moving to the next page takes its title and header along."""
    if not ctx["breakdowns"]:
        return
    t = label_group(ctx["labels"], "table")
    first = ctx["breakdowns"][0]
    pdf.heading(label(ctx["labels"], "sections.breakdowns"), follow=8 + ROW_H * (2 + min(3, len(first["rows"]))))
    for b in ctx["breakdowns"]:
        cols = _columns(b, t, pdf.content_width, pdf.rtl)
        pdf.keep(8 + ROW_H * (1 + min(3, len(b["rows"]))))
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(INK)
        pdf.set_x(MARGIN)
        pdf.cell(pdf.content_width, 7, b["title"], align=pdf.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _table_header(pdf, cols)
        for i, row in enumerate(b["rows"]):
            if pdf.get_y() + ROW_H > pdf.bottom:
                pdf.add_page()
                _table_header(pdf, cols)
            _table_row(pdf, cols, row, top=b["leaderboard"] and i == 0)
        pdf.ln(1.5)
        pdf.paragraph(b["more"], size=8, colour=MUTED)
        pdf.ln(2)
    pdf.paragraph(first["note"], size=8, colour=MUTED)


def closing(pdf: SummaryPdf, ctx: Context) -> None:
    """Where the numbers come from and how status is decided (the HTML's footer)."""
    f = ctx["footer"]
    pdf.ln(3)
    for text in (f["sources"], f["method"], f["delivery"], f["produced"]):
        pdf.paragraph(text, size=7.5, colour=MUTED, gap=1)
