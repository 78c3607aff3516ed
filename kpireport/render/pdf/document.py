"""The PDF page: A4 portrait, a running header and a numbered footer, an embedded Unicode font.

fpdf2 is pure Python, so the PDF needs no system library and no browser on the user's
machine. Its core fonts are Latin-1 only (no ğ, ş, İ), so a TrueType font is embedded: DejaVu
Sans, which ships inside matplotlib (already a dependency for the charts) and covers Turkish,
the status arrows and the dashes the formatter prints. Only the glyphs used are embedded.

Right-to-left languages (Persian) get fpdf2's text shaping (HarfBuzz, through uharfbuzz): the
letters are joined and the runs ordered by the Unicode bidi algorithm. DejaVu Sans has the
Arabic-script glyphs and joining forms Persian needs. The layout is mirrored too: `mx` turns a
box's left-to-right x into its right-to-left one, and `start`/`end` are the alignments of text
and of numbers. Left-to-right languages keep shaping off, so their PDF is what it always was.

Nothing may be cut by a page break: every block (a tile row, an attention item, a chart, a
table row) measures its height first and calls `keep(height)`, which starts a new page when
the block would not fit. fpdf2's own automatic break is off for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

FONT = "DejaVu"
MARGIN = 15.0  # mm, all sides
HEADER_H = 9.0  # running header band below the top margin
FOOTER_H = 8.0
HEADING_H = 11.0  # what `heading` takes: space above, the title, the rule and space below
INK, MUTED, RULE, NAVY = "#1f2933", "#616e7c", "#cbd2d9", "#1f4e79"
# The HTML summary's colours (templates/styles.css): border, background and text per status.
STATUS = {
    "on_track": ("#2e9e52", "#dcf1e3", "#146c2e"),
    "at_risk": ("#e0a800", "#fff0c7", "#7a4f00"),
    "off_track": ("#d92d20", "#fbdcd9", "#a11d13"),
    "improving": ("#8fd1a5", "#eaf6ee", "#146c2e"),
    "worsening": ("#f0a39c", "#fdecea", "#b42318"),
    "steady": ("#cbd2d9", "#eef0f3", "#52606d"),
    "none": ("#cbd2d9", "#f5f7fa", "#52606d"),
}
TONES = {"good": "#146c2e", "bad": "#b42318", "neutral": "#52606d"}


def font_files() -> dict[str, Path]:
    """DejaVu Sans regular and bold from matplotlib's bundled fonts (no download, no system font)."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}


class SummaryPdf(FPDF):
    """An A4 page whose header repeats the company and period and whose footer numbers the pages."""

    def __init__(self, company: str, period: str, page_label: str, generated: dt.date, lang: str,
                 rtl: bool = False, digits: Callable[[str], str] = str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, path in font_files().items():
            self.add_font(FONT, style, str(path))
        self.company, self.period, self.page_label = company, period, page_label
        self.rtl, self.digits = rtl, digits
        # Text starts at the reading side; numbers and the page number sit at the other one.
        self.start, self.end = ("R", "L") if rtl else ("L", "R")
        self._numbered = False
        if rtl:
            self.set_text_shaping(True, direction="rtl")
        self.set_margins(MARGIN, MARGIN + HEADER_H, MARGIN)
        self.set_auto_page_break(False)
        self.set_creation_date(dt.datetime.combine(generated, dt.time(0, 0), tzinfo=dt.UTC))
        self.set_title(f"{company} {period}".strip())
        self.set_author(company)
        self.set_creator("kpireport")
        self.set_lang(lang)

    @property
    def content_width(self) -> float:
        return self.w - 2 * MARGIN

    @property
    def bottom(self) -> float:
        """The lowest y a block may reach on this page."""
        return self.h - MARGIN - FOOTER_H

    def mx(self, x: float, w: float) -> float:
        """The x of a box `w` wide placed at `x` counted from the reading side (mirrored in RTL)."""
        return self.w - x - w if self.rtl else x

    @contextmanager
    def own_direction(self) -> Iterator[None]:
        """Text laid out in its own direction: a Latin company name in a Persian report keeps 'Co.' whole."""
        if self.rtl:
            self.set_text_shaping(True)
        try:
            yield
        finally:
            if self.rtl:
                self.set_text_shaping(True, direction="rtl")

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(MUTED)
        half = self.content_width / 2
        self.set_xy(self.mx(MARGIN, half), MARGIN)
        with self.own_direction():
            self.cell(half, 4, self.company, align=self.start)
        self.set_xy(self.mx(MARGIN + half, half), MARGIN)
        self.cell(half, 4, self.period, align=self.end)
        self.set_draw_color(RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, MARGIN + 5.5, self.w - MARGIN, MARGIN + 5.5)
        self.set_xy(MARGIN, MARGIN + HEADER_H)

    def footer(self) -> None:
        if self.rtl:
            return  # numbered in `output`, once the total is known (fpdf2's {nb} would print 0-9 digits)
        self._page_number(str(self.page_no()), "{nb}")

    def _page_number(self, page: str, pages: str) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(MUTED)
        self.set_xy(MARGIN, self.h - MARGIN - 4)
        self.cell(self.content_width, 4, self.page_label.format(page=page, pages=pages), align=self.end)

    def output(self, *args: Any, **kwargs: Any) -> Any:
        """The PDF; in RTL every page is numbered first, in the language's digits ('صفحه ۱ از ۳')."""
        if self.rtl and not self._numbered:
            self._numbered = True
            last = self.page
            for n in range(1, last + 1):
                self.page = n
                self.current_font_is_set_on_page = False  # the font last set was on another page
                self._page_number(self.digits(str(n)), self.digits(str(last)))
            self.page = last
        return super().output(*args, **kwargs)

    # -- helpers the sections share --------------------------------------------------------
    def keep(self, height: float) -> None:
        """Start a new page unless a block `height` mm tall fits below the cursor."""
        if self.get_y() + height > self.bottom:
            self.add_page()

    def text_lines(self, text: str, width: float, size: float, style: str = "") -> int:
        """How many lines `text` takes in a box `width` mm wide (measured, not guessed)."""
        if not text:
            return 0
        self.set_font(FONT, style, size)
        lines = self.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES)
        assert isinstance(lines, list)  # what output=LINES returns
        return max(1, len(lines))

    def paragraph_height(self, text: str, size: float = 9, style: str = "", gap: float = 1.5) -> float:
        """The height `paragraph` will take, so a heading can bring the start of its section along."""
        return self.text_lines(text, self.content_width, size, style) * size * 0.48 + gap if text else 0.0

    def paragraph(self, text: str, size: float = 9, colour: str = INK, style: str = "", gap: float = 1.5,
                  width: float | None = None) -> None:
        """Wrapped text from the reading side's margin, kept on one page."""
        if not text:
            return
        width = width or self.content_width
        line_h = size * 0.48
        self.keep(self.text_lines(text, width, size, style) * line_h + gap)
        self.set_font(FONT, style, size)
        self.set_text_color(colour)
        self.set_x(self.mx(MARGIN, width))
        self.multi_cell(width, line_h, text, align=self.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def heading(self, text: str, follow: float = 20.0) -> None:
        """A section heading, moved to the next page with the first `follow` mm of its section."""
        self.keep(HEADING_H + follow)
        self.ln(2)
        self.set_font(FONT, "B", 12.5)
        self.set_text_color(NAVY)
        self.set_x(MARGIN)
        self.cell(self.content_width, 6.5, text, align=self.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(NAVY)
        self.set_line_width(0.4)
        self.line(MARGIN, self.get_y(), MARGIN + self.content_width, self.get_y())
        self.ln(2.5)

    def pill_width(self, label: str, size: float = 7.5) -> float:
        """How wide `pill` draws `label` (0 when there is none)."""
        if not label:
            return 0.0
        self.set_font(FONT, "B", size)
        return self.get_string_width(label) + 4

    def pill(self, x: float, y: float, status: str, label: str, size: float = 7.5) -> float:
        """A rounded status label at (x, y); returns its width."""
        if not label:
            return 0.0
        _, fill, ink = STATUS.get(status, STATUS["none"])
        w = self.pill_width(label, size)
        self.set_fill_color(fill)
        self.rect(x, y, w, size * 0.5, style="F", round_corners=True, corner_radius=1.2)
        self.set_text_color(ink)
        self.set_xy(x, y)
        self.cell(w, size * 0.5, label, align="C")
        return w
