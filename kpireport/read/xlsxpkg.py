"""What the .xlsx package says beyond the cell values, read with the standard library.

calamine and fastexcel give values; these give the rest, from the package's XML:
- `package(path)`: sheet names, parts and visibility, the 1904 date system, the styles and
  shared-strings parts;
- `scan_sheet(path, info)`: one streamed pass over a sheet's XML for hidden rows, cached error
  cells (which both readers return as empty cells) and merged ranges;
- `inflate(path, info)`: a member's bytes streamed through `deflate.Inflater`, the guard's own
  raw-deflate reader. No CRC check here: the guard inflated every XML part once and checked its
  length and CRC before any reader opens the file (zipfile's reader would check it again).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .deflate import Inflater

_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
ROW_NUM = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_SMALL_PART = 16 << 20  # workbook.xml and its rels are small; refuse to inflate more
_TAIL = 4096


def attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str
    hidden: bool


@dataclass
class Package:
    date1904: bool = False
    sheets: list[SheetPart] = field(default_factory=list)
    styles: str | None = None
    shared_strings: str | None = None


@dataclass
class SheetExtras:
    hidden_rows: frozenset[int] = frozenset()
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: tuple[tuple[int, int, int, int], ...] = ()
    inline_strings: bool = True  # the sheet may hold texts of its own (inline or formula), not only shared ones
    hidden_cols: frozenset[int] = frozenset()  # 0-based columns hidden by <col min max hidden="1">


# pandas' NA strings: the texts fastexcel reads as missing in a number or date column (fastsheet.py).
NA_LIKE = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})
# ... as they appear in a shared-string table: <t>NA</t>, <t xml:space="preserve">n/a</t>, <t>&lt;NA&gt;</t>.
# Rich text (<r> runs) could spell one in pieces, so a table with runs counts as possibly holding one.
NA_LIKE_SHARED = re.compile(rb">(?:" + b"|".join(re.escape(html.escape(t, quote=False).encode())
                                                 for t in sorted(NA_LIKE - {""})) + rb")</(?:\w+:)?t>|<(?:\w+:)?r>")
_INLINE = (b't="inlineStr"', b"t='inlineStr'", b't="str"', b"t='str'")


def package(zf: zipfile.ZipFile) -> Package | None:
    """The workbook's sheets and shared parts; None when this is not an .xlsx package."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        return None
    book = read_small(zf, "xl/workbook.xml")
    rels = read_small(zf, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else ""
    targets: dict[str, str] = {}
    out = Package(bool(_DATE1904.search(book)))
    for tag in _REL_TAG.findall(rels):
        a = attrs(tag)
        target = a.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[a.get("Id", "")] = target
        kind = a.get("Type", "").rsplit("/", 1)[-1]
        if kind == "styles" and target in names:
            out.styles = target
        elif kind == "sharedStrings" and target in names:
            out.shared_strings = target
    for tag in _SHEET_TAG.findall(book):
        a = attrs(tag)
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        part = targets.get(rid)
        if "name" in a and part in names:
            out.sheets.append(SheetPart(a["name"], part, a.get("state", "visible") != "visible"))
    return out


def read_small(zf: zipfile.ZipFile, name: str) -> str:
    if zf.getinfo(name).file_size > _SMALL_PART:
        raise ValueError(f"{name} is implausibly large")
    return zf.read(name).decode("utf-8", errors="replace")


def inflate(path: Path, info: zipfile.ZipInfo, chunk: int = 1 << 18) -> Iterator[bytes]:
    """A zip member's bytes, streamed (deflate.py; the guard has checked them already)."""
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        with zipfile.ZipFile(path) as zf, zf.open(info) as fh:
            while block := fh.read(chunk):
                yield block
        return
    with open(path, "rb") as fh:
        yield from Inflater(fh, info, chunk)


_COL_SPAN = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"')
# <col min="20" max="16384" hidden="1"/> hides the empty rest of a sheet: only spans this short are kept
_MAX_HIDDEN_SPAN = 1000


class ExtrasScan:
    """Hidden rows (`<row r="5" hidden="1">`), error cells (`<c r="C7" t="e"><v>#N/A</v>`) and merges,
    from a sheet's XML fed in pieces of any size (the guard feeds the pieces it inflates anyway)."""

    def __init__(self) -> None:
        self.hidden: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.errors: dict[tuple[int, int], str] = {}
        self.merges: dict[tuple[int, int, int, int], None] = {}
        self.inline = False
        self._tail = b""

    def feed(self, block: bytes) -> None:
        buf = self._tail + block
        if not self.inline:
            self.inline = any(token in buf for token in _INLINE)
        for needle in (b'hidden="1"', b'hidden="true"'):
            pos = buf.find(needle)
            while pos >= 0:
                start = buf.rfind(b"<", 0, pos)
                tag = buf[start + 1:pos].split(b" ", 1)[0].rsplit(b":", 1)[-1] if start >= 0 else b""
                if tag == b"row":
                    m = ROW_NUM.search(buf, start, pos)
                    if m:
                        self.hidden.add(int(m.group(1)) - 1)
                elif tag == b"col":
                    end = buf.find(b">", pos)
                    span = _COL_SPAN.search(buf[start:end if end >= 0 else len(buf)])
                    if span and int(span.group(2)) - int(span.group(1)) < _MAX_HIDDEN_SPAN:
                        self.hidden_cols.update(range(int(span.group(1)) - 1, int(span.group(2))))
                pos = buf.find(needle, pos + 1)
        pos = buf.find(b't="e"')
        while pos >= 0:
            _error_cell(buf, pos, self.errors)
            pos = buf.find(b't="e"', pos + 1)
        pos = buf.find(b"mergeCell ")
        if pos >= 0:  # after the cells, at the end of the part
            for m in _MERGE.finditer(buf, max(0, pos - 16)):
                r0, c0 = int(m.group(2)) - 1, col_index(m.group(1))
                r1, c1 = (int(m.group(4)) - 1, col_index(m.group(3))) if m.group(3) else (r0, c0)
                self.merges[(r0, c0, r1, c1)] = None
        self._tail = buf[-_TAIL:]

    def result(self) -> SheetExtras:
        return SheetExtras(frozenset(self.hidden), self.errors, tuple(self.merges), self.inline,
                           frozenset(self.hidden_cols))


def shared_na_like(path: Path, info: zipfile.ZipInfo) -> bool:
    """Whether a shared-string table holds (or may spell) a text fastexcel reads as missing."""
    tail = b""
    for block in inflate(path, info):
        if NA_LIKE_SHARED.search(tail + block):
            return True
        tail = block[-64:]
    return False


def scan_sheet(path: Path, info: zipfile.ZipInfo) -> SheetExtras:
    scan = ExtrasScan()
    for block in inflate(path, info):
        scan.feed(block)
    return scan.result()


def _error_cell(buf: bytes, pos: int, errors: dict[tuple[int, int], str]) -> None:
    start = buf.rfind(b"<", 0, pos)
    gt = buf.find(b">", pos)
    if start < 0 or gt < 0 or buf[gt - 1:gt] == b"/":
        return
    if buf[start + 1:pos].split(b" ", 1)[0].rsplit(b":", 1)[-1] != b"c":
        return
    ref = _CELL_REF.search(buf, start, gt)
    ends = [e for e in (buf.find(b"</c>", gt), buf.find(b"<c ", gt)) if e >= 0]
    vstart = buf.find(b"<v>", gt)
    if not ref or not ends or vstart < 0 or vstart > min(ends):
        return
    vend = buf.find(b"</v>", vstart)
    if vend < 0:
        return
    text = html.unescape(buf[vstart + 3:vend].decode("utf-8", errors="replace")).strip()
    if text:
        errors[(int(ref.group(2)) - 1, col_index(ref.group(1)))] = text


def col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1
