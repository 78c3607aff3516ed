"""Shared-string amplification: a few kilobytes that make a reader build gigabytes of text.

An .xlsx stores each distinct text once, in the shared-string table, and cells point at it by
index. A 30,000-character string packs into a few dozen bytes of deflate, and 100,000 cells that
all point at it are 3 billion characters once a reader gives every cell its own copy (calamine
does, and so does the Python list it returns): 4 GB or an aborted process, from a 2 MB file.

The guard measures this while it streams the parts, before any reader runs:
- `Lengths` reads the table once and keeps the length of every string longer than LONG_CHARS
  (an upper bound: the bytes from its `<si` to the next, markup included; most tables hold none);
- `References` then sums, over the sheets' cells of type "s", the length of the long string each
  one points at, and `over()` says when that total passes MAX_SHARED_TEXT_CHARS.
Only when the table holds long strings does the sheet scan look at cell values at all. A cell
cut in two by a chunk boundary (one per 4 MB of sheet XML) is not counted: a bound, not a census.
"""

from __future__ import annotations

import re

import numpy as np

LONG_CHARS = 1_024                 # strings at most this long cannot amplify much (1M cells x 1 KB = 1 GB)
MAX_LONG_STRINGS = 1_000_000       # more long strings than this: every one is kept anyway, in one array
MAX_SHARED_TEXT_CHARS = 200_000_000  # characters that cells may copy out of long shared strings

_SI = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s>/])")
_S_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*)>\s*<(?:[\w.-]+:)?v>\s*(\d{1,10})\s*<")
_TYPE_S = re.compile(rb"""\bt\s*=\s*["']s["']""")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']""")


class Lengths:
    """Index -> length of the long strings of a shared-string table, fed in pieces cut before a '<'.

    Every `<si` opens string number `index` (so `<si/>` counts). Canonical tags are found with
    numpy, a few whole-array comparisons per piece; a piece with prefixed tags (`<x:si>`) goes
    through a regular expression instead. Call finish() after the last piece."""

    def __init__(self) -> None:
        self.index = 0          # strings opened so far
        self.long: dict[int, int] = {}
        self._open_at = -1      # absolute offset of the last <si>, -1 if none yet
        self._offset = 0

    def feed(self, piece: bytes) -> None:
        if b":si" in piece:
            self._feed_prefixed(piece)
        else:
            self._feed_canonical(piece)
        self._offset += len(piece)

    def _feed_canonical(self, piece: bytes) -> None:
        """A string's length is bounded by the distance from its `<si` to the next one (or to the
        end of the part): only the openings are found, with whole-array comparisons."""
        a = np.frombuffer(piece, np.uint8)
        if a.size < 4:
            return
        after = a[3:]
        hit = (a[:-3] == 60) & (a[1:-2] == 115) & (a[2:-1] == 105) & \
            ((after == 62) | (after == 32) | (after == 47) | (after == 10) | (after == 13) | (after == 9))
        starts = np.flatnonzero(hit).astype(np.int64) + self._offset
        if starts.size == 0:
            return
        if self._open_at >= 0:
            starts = np.concatenate(([self._open_at], starts))
            first = self.index - 1
        else:
            first = self.index
        sizes = np.diff(starts)
        for k in np.flatnonzero(sizes > LONG_CHARS).tolist():
            if len(self.long) < MAX_LONG_STRINGS:
                self.long[first + k] = int(sizes[k])
        self.index = first + int(starts.size)
        self._open_at = int(starts[-1])

    def finish(self) -> None:
        """The last string runs to the end of the part."""
        if self._open_at >= 0 and self._offset - self._open_at > LONG_CHARS and len(self.long) < MAX_LONG_STRINGS:
            self.long[self.index - 1] = self._offset - self._open_at

    def _feed_prefixed(self, piece: bytes) -> None:
        for m in _SI.finditer(piece):
            at = self._offset + m.start()
            if self._open_at >= 0 and at - self._open_at > LONG_CHARS and len(self.long) < MAX_LONG_STRINGS:
                self.long[self.index - 1] = at - self._open_at
            self._open_at = at
            self.index += 1


class References:
    """Characters the cells of the sheets copy out of long shared strings."""

    def __init__(self, long: dict[int, int]) -> None:
        self.long = long
        self.chars = 0
        self.cells = 0
        self.first = ""   # A1 reference of the first cell that points at a long string
        self.sheet = ""

    def feed(self, piece: bytes, sheet: str) -> None:
        if not self.long:
            return
        for m in _S_CELL.finditer(piece):
            attrs = m.group(1)
            if not _TYPE_S.search(attrs):
                continue
            size = self.long.get(int(m.group(2)))
            if size is None:
                continue
            self.chars += size
            self.cells += 1
            if not self.first:
                ref = _REF.search(attrs)
                self.first, self.sheet = (ref.group(1).decode().upper() if ref else ""), sheet

    def over(self) -> bool:
        return self.chars > MAX_SHARED_TEXT_CHARS
