"""Exact XML passes with expat: DOCTYPE and entities refused, and a worksheet's valued extent for
sheets whose XML the vectorised scan cannot read (prefixes, cells without r, odd attribute order)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.parsers import expat as pyexpat

from ...errors import CorruptFileError, TooLargeError, UnsafeContentError, UnsupportedFormatError
from .facts import SheetFacts
from .limits import cell_ref


class Refuse(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def expat(handler):
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_args):
        raise Refuse(UnsafeContentError(f"{handler.file}: the XML declares a DOCTYPE or entities.",
                                         "Do not open it; ask the sender for the original export."))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    return parser


class ExactSheetScan:
    """A worksheet's valued extent from a full expat parse: slow (~1 us per element), exact."""

    _REF = re.compile(r"^\s*([A-Za-z]{1,4})([0-9]{1,8})\s*$")

    def __init__(self, file: str, chunks: Iterator[bytes], sheet: SheetFacts) -> None:
        self.file, self.chunks, self.sheet = file, chunks, sheet
        self.row = 0
        self.col = 0
        self.cell: list | None = None   # [row, col, valued]
        self.in_v = False
        self.rows: set[int] = set()

    def run(self) -> None:
        parser = expat(self)
        chunks = self.chunks
        try:
            for piece in chunks:
                parser.Parse(piece, False)
            parser.Parse(b"", True)
        except Refuse as exc:
            raise exc.error from None
        except (CorruptFileError, UnsafeContentError, TooLargeError, UnsupportedFormatError):
            raise
        except Exception:  # malformed XML: calamine may read it anyway; leave the sheet unproven
            self.sheet.exact = False
            for _ in chunks:  # ... but inflate the rest: a damaged member (its CRC) is still caught here
                pass
        self.sheet.rows_with_data = len(self.rows)

    def start(self, name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.strip().isdigit() and len(r.strip()) <= 8 else self.row + 1
            self.col = 0
        elif local == "c":
            ref = attrs.get("r")
            m = self._REF.match(ref) if ref else None
            if m:
                col = 0
                for ch in m.group(1).upper():
                    col = col * 26 + ord(ch) - 64
                row = int(m.group(2))
            else:
                row, col = max(self.row, 1), self.col + 1
            self.col = col
            self.cell = [row, col, False]
        elif self.cell is not None and local == "is":
            self.cell[2] = True
        elif self.cell is not None and local == "v":
            self.in_v = True

    def text(self, data: str) -> None:
        if self.in_v and self.cell is not None and data:
            self.cell[2] = True

    def end(self, name: str) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "v":
            self.in_v = False
        elif local == "c" and self.cell is not None:
            row, col, valued = self.cell
            self.cell = None
            if not valued:
                return
            s = self.sheet
            s.cells += 1
            if len(self.rows) <= 1_100_000:  # Excel's 1,048,576 rows fit; a hostile file cannot grow it
                self.rows.add(row)
            if row > s.max_row:
                s.max_row, s.far_row_cell = row, cell_ref(row, col)
            if col > s.max_col:
                s.max_col, s.far_col_cell = col, cell_ref(row, col)
