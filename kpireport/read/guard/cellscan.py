"""The vectorised cell scan: every <c r="..."> of a worksheet's XML, found with numpy over the
inflated bytes, keeping the last row and column holding a value; canonical XML only (the rest
goes to the exact expat pass in xmlparse.py)."""

from __future__ import annotations

from typing import Any

from . import limits
from .facts import SheetFacts
from .limits import cell_ref

_np: Any = None             # numpy, imported on first use (the guard's CSV path never needs it)
_TABLES: dict[str, Any] = {}


def numpy() -> Any:
    global _np
    if _np is None:
        import numpy as np

        is_letter = np.zeros(256, bool)
        is_digit = np.zeros(256, bool)
        letter_value = np.zeros(256, np.int32)
        digit_value = np.zeros(256, np.int64)
        delim = np.zeros(256, bool)
        for i in range(26):
            is_letter[65 + i] = is_letter[97 + i] = True
            letter_value[65 + i] = letter_value[97 + i] = i + 1
        is_digit[48:58] = True
        digit_value[48:58] = np.arange(10)
        for ch in b" \t\r\n/>":
            delim[ch] = True
        global _DIGIT_OFFSETS, _POWERS
        _DIGIT_OFFSETS = np.arange(8)
        # _POWERS[k][j] = place value of digit j in a k-digit number (0 beyond the number)
        _POWERS = np.array([[10 ** (k - 1 - j) if j < k else 0 for j in range(7)] for k in range(9)], np.int32)
        _TABLES.update(is_letter=is_letter, is_digit=is_digit, letter_value=letter_value, digit_value=digit_value,
                       delim=delim)
        _np = np
    return _np


_PAD = b"\0" * 32
_DIGIT_OFFSETS: Any = None
_POWERS: Any = None


def max_gap(piece: bytes) -> int:
    """Longest run of bytes between two '<' (an upper bound on any text node's length)."""
    np = numpy()
    a = np.frombuffer(piece, np.uint8)
    lt = np.flatnonzero(a == 60)
    if lt.size == 0:
        return len(piece)
    return int(max(lt[0], len(piece) - lt[-1], int(np.diff(lt).max(initial=0))))


class CellScan:
    """Max row / column of every `<c r="A1" ...>` in a sheet, in vectorised passes per chunk.

    Canonical XML only (unprefixed `<c r="...">`, r first, plain letters and digits); anything
    else clears `canonical` and the caller rescans exactly. A self-closing `<c .../>` holds no
    value and does not count towards the extent (calamine ignores it); cells with children count.
    """

    def __init__(self, cells: bool = True) -> None:
        self.cells_wanted = cells
        self.canonical = True
        self.long_text = False
        self.declaration = False
        self.max_row = 0
        self.max_col = 0
        self.far_row = (0, 0)
        self.far_col = (0, 0)
        self.cells = 0
        self.rows = 0
        self._last_row = -1

    def feed(self, piece: bytes) -> None:
        np = numpy()
        t = _TABLES
        n = len(piece)
        a = np.frombuffer(piece + _PAD, np.uint8)
        lt = np.flatnonzero(a[:n] == 60)
        if lt.size:
            gap = max(int(lt[0]), n - int(lt[-1]), int(np.diff(lt).max(initial=0)))
            if gap > limits.MAX_TEXT_CHARS:
                self.long_text = True
        elif n > limits.MAX_TEXT_CHARS:
            self.long_text = True
        if lt.size == 0:
            return
        b1 = a[lt + 1]
        bangs = lt[b1 == 33]  # '<!': comments ('<!-') and CDATA ('<![') are fine, '<!DOCTYPE', '<!ENTITY' are not
        if bangs.size and bool(t["is_letter"][a[bangs + 2]].any()):
            self.declaration = True
            return
        if not self.cells_wanted:
            return
        starts = lt[b1 == 99]
        starts = starts[t["delim"][a[starts + 2]]]
        colon = np.flatnonzero(a[:n] == 58)
        if colon.size and bool(((a[colon + 1] == 99) & t["delim"][a[colon + 2]]).any()):
            self.canonical = False  # a prefixed <x:c> or <x:row>: let expat resolve the names
            return
        if starts.size == 0:
            return
        ok = (a[starts + 2] == 32) & (a[starts + 3] == 114) & (a[starts + 4] == 61) & (a[starts + 5] == 34)
        if not bool(ok.all()):
            self.canonical = False
            return
        isl, isd = t["is_letter"], t["is_digit"]
        lv = t["letter_value"]
        c0, c1, c2, c3 = a[starts + 6], a[starts + 7], a[starts + 8], a[starts + 9]
        l1 = isl[c1]
        l12 = l1 & isl[c2]
        if not bool(isl[c0].all()) or bool((l12 & isl[c3]).any()):
            self.canonical = False
            return
        col = np.where(l12, lv[c0] * 676 + lv[c1] * 26 + lv[c2], np.where(l1, lv[c0] * 26 + lv[c1], lv[c0]))
        p = starts + 7 + l1 + l12
        window = a[p[:, None] + _DIGIT_OFFSETS]          # the 8 bytes after the letters
        isdig = isd[window]
        ndig = np.argmin(isdig, axis=1)                   # leading digits (8 = all eight: too many)
        if not bool(isdig[:, 0].all()) or bool((ndig == 0).any()) or \
                not bool((window[np.arange(ndig.size), ndig] == 34).all()):
            self.canonical = False
            return
        digits = window[:, :7].astype(np.int32) - 48      # bytes past the number get place value 0
        row = np.einsum("ij,ij->i", digits, _POWERS[ndig])  # right-aligned place values per length
        self.cells += int(starts.size)
        if row.size > 1:
            self.rows += int(np.count_nonzero(np.diff(row))) + (1 if int(row[0]) != self._last_row else 0)
        else:
            self.rows += 1 if int(row[0]) != self._last_row else 0
        self._last_row = int(row[-1])
        self._update(piece, starts, row, col)

    def _update(self, piece: bytes, starts, row, col) -> None:
        """Raise max_row / max_col to the largest *valued* cells of this chunk."""
        for key, attr in ((row, "max_row"), (col, "max_col")):
            best = self._largest_valued(piece, starts, key, getattr(self, attr))
            if best is None:
                continue
            r, c = int(row[best]), int(col[best])
            if attr == "max_row":
                self.max_row, self.far_row = r, (r, c)
            else:
                self.max_col, self.far_col = c, (r, c)

    @staticmethod
    def _largest_valued(piece: bytes, starts, key, floor: int):
        """Index of the valued cell with the largest `key` above `floor`, or None."""
        np = _np
        work = None
        for _ in range(64):
            k = key if work is None else work
            i = int(np.argmax(k))
            if int(k[i]) <= floor:
                return None
            if _valued(piece, int(starts[i])):
                return i
            if work is None:
                work = key.copy()
            work[i] = 0
        # many self-closing (empty, styled) cells beyond the data: find every tag's end at once
        a = np.frombuffer(piece, np.uint8)
        gt = np.flatnonzero(a == 62)
        if gt.size == 0:
            return None
        ends = gt[np.minimum(np.searchsorted(gt, starts), gt.size - 1)]
        valued = a[np.maximum(ends - 1, 0)] != 47
        masked = np.where(valued, key, 0)
        i = int(np.argmax(masked))
        return i if int(masked[i]) > floor else None

    def finish(self, sheet: SheetFacts) -> None:
        sheet.max_row, sheet.max_col = self.max_row, self.max_col
        sheet.rows_with_data = self.rows
        sheet.cells = self.cells
        sheet.far_row_cell = cell_ref(*self.far_row) if self.far_row[0] else ""
        sheet.far_col_cell = cell_ref(*self.far_col) if self.far_col[0] else ""


def declaration(piece: bytes, at: int) -> bool:
    """Whether the '<!' at `at` starts a DOCTYPE/ENTITY/ELEMENT/ATTLIST/NOTATION declaration."""
    return not piece.startswith((b"<!--", b"<![CDATA["), at) and piece[at + 2:at + 3].isalpha()


def _valued(piece: bytes, start: int) -> bool:
    end = piece.find(b">", start)
    return end > 0 and piece[end - 1:end] != b"/"
