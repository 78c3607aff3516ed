"""OpenDocument content.xml: the extent of each table, repeats expanded arithmetically (never
materialised), so LibreOffice's trailing empty repeats cost nothing and conjured values are refused."""

from __future__ import annotations

from ...errors import TooLargeError, UnsafeContentError
from . import limits
from .facts import SheetFacts
from .limits import cell_ref
from .xmlparse import Refuse


class OdsScan:
    """Extent of each top-level table of an ODS content.xml, repeats expanded arithmetically."""

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "

    def __init__(self, file: str) -> None:
        self.file = file
        self.sheets: list[SheetFacts] = []
        self.sheet: SheetFacts | None = None
        self.depth = 0          # nesting of table:table
        self.row = 0            # 0-based index of the current row's first repeat
        self.row_rep = 1
        self.col = 0
        self.row_valued = False
        self.row_last_col = 0
        self.repeated = 0
        self.cell: tuple[int, int, bool] | None = None  # (col, repeat, valued)

    def start(self, name: str, attrs: dict) -> None:
        t = self.TABLE
        if name == t + "table":
            self.depth += 1
            if self.depth == 1:
                self.sheet = SheetFacts(attrs.get(t + "name", f"Sheet{len(self.sheets) + 1}"), "content.xml")
                self.row = 0
                self.repeated = 0
            return
        if self.depth != 1 or self.sheet is None:
            return
        if name == t + "table-row":
            self.row_rep = _repeat(attrs.get(t + "number-rows-repeated"))
            self.col = 0
            self.row_valued = False
            self.row_last_col = 0
        elif name in (t + "table-cell", t + "covered-table-cell"):
            valued = (self.OFFICE + "value-type") in attrs
            self.cell = (self.col, _repeat(attrs.get(t + "number-columns-repeated")), valued)
        elif self.cell is not None and not self.cell[2] and name.endswith((" p", " span", " a", " s")):
            self.cell = (self.cell[0], self.cell[1], True)

    def text(self, data: str) -> None:
        if self.cell is not None and not self.cell[2] and data.strip():
            self.cell = (self.cell[0], self.cell[1], True)

    def end(self, name: str) -> None:
        t = self.TABLE
        if name == t + "table":
            if self.depth == 1 and self.sheet is not None:
                self.sheets.append(self.sheet)
                self.sheet = None
            self.depth -= 1
            return
        if self.depth != 1 or self.sheet is None:
            return
        s = self.sheet
        if name in (t + "table-cell", t + "covered-table-cell") and self.cell is not None:
            col, rep, valued = self.cell
            self.cell = None
            self.col = col + rep
            if valued:
                self.row_valued = True
                last_col = col + rep
                self.row_last_col = last_col
                if last_col > s.max_col:
                    s.max_col = last_col
                    s.far_col_cell = cell_ref(self.row + 1, last_col)
                s.cells += rep * self.row_rep
                self.repeated += rep * self.row_rep - 1
                if self.repeated > limits.MAX_ODS_REPEATED_CELLS:
                    raise Refuse(UnsafeContentError(
                        f"{self.file} / {s.name}: cell {cell_ref(self.row + 1, col + 1)} is repeated to fill "
                        f"{rep * self.row_rep:,} cells; with the repeats before it the sheet conjures over "
                        f"{limits.MAX_ODS_REPEATED_CELLS:,} values from a few bytes.",
                        "Open it in LibreOffice, delete the repeated rows or columns, save, and drop it again."))
                if s.cells > 4 * limits.MAX_SHEET_CELLS or last_col > 100 * limits.MAX_COLUMNS:
                    self._refuse_now(s)
        elif name == t + "table-row":
            if self.row_valued:
                last_row = self.row + self.row_rep
                s.rows_with_data += self.row_rep
                if last_row > s.max_row:
                    s.max_row = last_row
                    s.far_row_cell = cell_ref(last_row, max(self.row_last_col, 1))
                if s.rows_with_data > 4 * limits.MAX_SHEET_CELLS:
                    self._refuse_now(s)
            self.row += self.row_rep

    def _refuse_now(self, s: SheetFacts) -> None:
        raise Refuse(TooLargeError(f"{self.file} / {s.name}: the sheet repeats cells over more than "
                                    f"{limits.MAX_SHEET_CELLS:,} cells.", "Export a shorter period or fewer columns."))


def _repeat(value: str | None) -> int:
    if not value:
        return 1
    try:
        n = int(value)
    except ValueError:
        return 1
    return max(1, min(n, 1 << 40))
