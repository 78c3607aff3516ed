"""How every sheet prints: paper, orientation, scale, print titles, header and footer.

It runs after every sheet is written because the scale that makes a sheet one page wide
depends on the final column widths, and the running header needs the company and period,
which the sheet writers do not know. Decisions, and why:

- The Dashboard prints landscape at a fixed scale computed from its column widths: Excel
  ignores manual page breaks under "fit to page", and the breaks between tile rows and chart
  rows (`page_breaks`) are what keep a tile from being cut in two.
- The period sheets (KPIs, Measures, Targets) print their label columns and the last
  `PRINT_PERIODS` periods, one page wide: thirty-odd period columns at one page wide would be
  unreadable, and spread over pages they made the workbook print as 100+ sheets of paper.
  The file itself keeps every period; the KPIs sheet's trend column shows the whole history.
- Breakdowns, Measures and Targets print portrait (narrow columns: more rows per page); the
  other sheets landscape. Every sheet repeats its column headers where it has one row of
  them, and no sheet prints gridlines.
- Every sheet but the Dashboard is fitted one page wide *and* to the number of pages it takes
  at the scale that fits its width in the widest font a renderer may substitute (`page_budget`).
  Fitting the width alone would let a narrow font (Arial in Excel) print a sheet larger and
  on more pages than a wide one; with a page budget the count is the same everywhere.
- Sizes are computed for the smaller of A4 and Letter on each side, so a file set to A4 (or
  to Letter, in the US and the other Letter countries) prints whole on either paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from xlsxwriter.worksheet import Worksheet

from ...i18n import Translator
from .layout import FIRST_DATA_ROW, FIRST_PERIOD_COL, HEADER_ROW, Layout

PAPER_LETTER, PAPER_A4 = 1, 9
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "PA", "DO", "SV"})
# The smaller of A4 (8.27 x 11.69 in) and Letter (8.5 x 11 in) on each side, in inches.
SHORT_SIDE, LONG_SIDE = 8.27, 11.0
SIDE_MARGIN, TOP_MARGIN, BOTTOM_MARGIN, HEADER_MARGIN = 0.4, 0.5, 0.5, 0.2
# Column widths are in characters of the Normal font (Arial 10). Where Arial and its metric
# twin Liberation Sans are missing, LibreOffice measures them in DejaVu Sans, about a fifth
# wider: a fixed scale computed for Arial alone would cut the Dashboard's last tile.
WIDTH_SAFETY = 0.78
PRINT_PERIODS = 6
PAGE_FILL = 0.94
MAX_HEADER_CHARS = 80  # Excel refuses header/footer text over 255 characters, codes included


@dataclass(frozen=True)
class PageText:
    """The running header and footer, already in Excel's &-code syntax."""

    header: str
    footer: str


def paper_for(locale: str) -> int:
    """Letter where it is the usual paper (the US, Canada, much of the Americas), A4 elsewhere."""
    try:
        territory = Locale.parse(locale.replace("-", "_")).territory
    except (ValueError, UnknownLocaleError):
        territory = None
    return PAPER_LETTER if territory in LETTER_TERRITORIES else PAPER_A4


def escape(text: str) -> str:
    """Text safe inside an Excel header: '&' starts a code, so a literal one is '&&'."""
    text = " ".join(str(text).split())[:MAX_HEADER_CHARS]
    return text.replace("&", "&&")


def page_text(company: str, period: str, t: Translator) -> PageText:
    """Company left and period right in the header; sheet name left and 'Page 3 of 12' right below."""
    left = f"&L&8 {escape(company)}" if company else ""
    # a space after the size code: "&8" followed by "2024" would read as font size 82024
    header = f"{left}&R&8 {escape(period)}"
    footer = f"&L&8&A&R&8{t('workbook.print.page')}"
    return PageText(header, footer)


def printable_points(landscape: bool) -> tuple[float, float]:
    """(width, height) of the printable area in points, on the smaller paper."""
    width, height = (LONG_SIDE, SHORT_SIDE) if landscape else (SHORT_SIDE, LONG_SIDE)
    return (width - 2 * SIDE_MARGIN) * 72, (height - TOP_MARGIN - BOTTOM_MARGIN) * 72


def height_points(ws: Worksheet, first_row: int, last_row: int) -> float:
    """Printed height of rows first..last at 100 %, from the heights the sheet set (hidden ones are 0)."""
    default = [ws.default_row_height, False]
    sizes = (ws.row_sizes.get(r, default) for r in range(first_row, last_row + 1))
    return sum(px for px, hidden in sizes if not hidden) * 0.75


def width_points(ws: Worksheet, first_col: int, last_col: int) -> float:
    """Printed width of columns first..last at 100 %, from the widths the sheet set (hidden ones are 0)."""
    return sum(ws._size_col(c) for c in range(first_col, last_col + 1)) * 0.75


def fit_scale(content_points: float, landscape: bool) -> int:
    """The print scale (10-100 %) at which `content_points` of columns fit one page wide."""
    available = printable_points(landscape)[0] * WIDTH_SAFETY
    return max(10, min(100, math.floor(100 * available / max(content_points, 1.0))))


def page_budget(width: float, height: float, landscape: bool) -> int:
    """Pages tall a `width` x `height` point sheet takes at the scale that fits its width in the widest font.

    A page holds a little less than its height (a row is never split, the header row repeats),
    hence PAGE_FILL. At least 1.
    """
    scale = fit_scale(width, landscape) / 100
    return max(1, math.ceil(height * scale / (printable_points(landscape)[1] * PAGE_FILL)))


def page_breaks(blocks: list[tuple[int, float]], capacity: float) -> list[int]:
    """Rows to break pages before, so no block (a tile row, a chart row) is cut in half.

    `blocks` are (first row, height in points) in order; `capacity` is the page height in the
    sheet's own points (the printable height divided by the scale).
    """
    breaks: list[int] = []
    used = 0.0
    for start, height in blocks:
        if used and used + height > capacity:
            breaks.append(start)
            used = 0.0
        used += height
    return breaks


def _common(ws: Worksheet, text: PageText, paper: int, landscape: bool) -> None:
    ws.set_paper(paper)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.hide_gridlines(1 if ws.screen_gridlines else 2)  # never printed; on screen as the sheet had it
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_MARGIN, bottom=BOTTOM_MARGIN)
    ws.set_header(text.header, {"margin": HEADER_MARGIN})
    ws.set_footer(text.footer, {"margin": HEADER_MARGIN})


def dashboard(ws: Worksheet, text: PageText, paper: int, last_col: int, last_row: int,
              blocks: list[tuple[int, float]]) -> int:
    """Landscape, one page wide at a fixed scale, page breaks between blocks; returns the scale."""
    _common(ws, text, paper, landscape=True)
    scale = fit_scale(width_points(ws, 0, last_col), landscape=True)
    ws.set_print_scale(scale)
    ws.print_area(0, 0, last_row, last_col)
    capacity = printable_points(landscape=True)[1] * 100 / scale
    ws.set_h_pagebreaks(page_breaks(blocks, capacity))
    return scale


def period_sheet(ws: Worksheet, text: PageText, paper: int, lay: Layout, last_row: int, extra_cols: int = 0,
                 landscape: bool = True) -> None:
    """A Measures/Targets/KPIs sheet: label columns plus the last PRINT_PERIODS periods, one page wide.

    The print area starts at the first printed period; the label columns come in as repeated
    print titles, so every page shows which row is which.
    """
    _common(ws, text, paper, landscape)
    first = lay.col(max(0, lay.selected - PRINT_PERIODS + 1))
    last = lay.last_col + extra_cols
    last_row = max(last_row, FIRST_DATA_ROW)
    ws.print_area(0, first, last_row, last)
    ws.repeat_columns(0, FIRST_PERIOD_COL - 1)
    ws.repeat_rows(HEADER_ROW)
    width = width_points(ws, 0, FIRST_PERIOD_COL - 1) + width_points(ws, first, last)
    ws.fit_to_pages(1, page_budget(width, height_points(ws, 0, last_row), landscape))


def plain_sheet(ws: Worksheet, text: PageText, paper: int, header_row: int | None, landscape: bool = True) -> None:
    """Any other sheet: one page wide within its page budget, its header row repeated when it has one."""
    _common(ws, text, paper, landscape)
    if header_row is not None:
        ws.repeat_rows(header_row)
    width, height = width_points(ws, 0, ws.dim_colmax or 0), height_points(ws, 0, ws.dim_rowmax or 0)
    ws.fit_to_pages(1, page_budget(width, height, landscape))
