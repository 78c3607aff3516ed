"""Large .xlsx sheets read by column: typed arrays from fastexcel, the first rows as Python values.

Reading a million-row sheet cell by cell into Python objects costs more than everything else
in a run. fastexcel (Rust, calamine underneath) returns each column as one typed Arrow array
in a single pass, but it needs to be told where the data starts, and the header may sit
anywhere in the first rows. So the sheet is read in two parts:

- the head, rows 1..HEAD_ROWS, parsed here from the start of the sheet's XML (the stream is
  closed as soon as the head is complete; shared strings are read only up to the highest
  index the head uses), as Python values like the cell-by-cell reader gives;
- the body, every row below, from fastexcel with types inferred from all rows and
  `dtype_coercion="strict"`: a column mixing types (numbers and text) makes fastexcel refuse,
  and the sheet is read cell by cell instead, so nothing is coerced.

One behaviour of fastexcel is undone: in a numeric or date column it reads the texts pandas
treats as missing ("NA", "n/a", "NULL", "#N/A", ...) as empty, where the cell-by-cell path
reports them. A typed column with empty cells is left `unverified`; where the guard saw that
such a text may exist (in the shared-string table, or the sheet holds texts of its own), the
reader reads those columns again as text and puts back any text found where the typed read
had nothing, so validation sees and reports it (readers._verify).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .sheet import RawSheet, SheetBody, unique_categories
from .xlsxpkg import NA_LIKE, ROW_NUM, Package, attrs, col_index, inflate

HEAD_ROWS = 64               # rows read as Python values: titles, header rows, the first data rows
FAST_MIN_CELLS = 200_000     # rows x columns (from <dimension>) from which a sheet is read by column
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_V = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z]{1,3}\d+:)?([A-Z]{1,3})(\d+)"')
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")


def _text(raw: bytes) -> str:
    s = html.unescape(raw.decode("utf-8", errors="replace"))
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def _runs(xml: bytes) -> str:
    return "".join(_text(t) for t in _T.findall(_RPH.sub(b"", xml)))


class _SharedStrings:
    """Shared strings parsed lazily: only as far as the highest index asked for."""

    def __init__(self, path: Path, info: zipfile.ZipInfo | None) -> None:
        # small blocks: the head rows of a million-row export need a few hundred of its strings, not
        # the ~80,000 one default block holds (half a second of regex parsing)
        self._blocks = inflate(path, info, chunk=1 << 13) if info is not None else iter(())
        self._buf = b""
        self.items: list[str] = []

    def get(self, i: int) -> str:
        while len(self.items) <= i:
            block = next(self._blocks, None)
            if block is None:
                raise IndexError(i)
            self._buf += block
            end = 0
            for m in _SI.finditer(self._buf):
                self.items.append(_runs(m.group(1) or b""))
                end = m.end()
            self._buf = self._buf[end:]
        return self.items[i]


class _Styles:
    """Which cell styles format numbers as dates or durations."""

    def __init__(self, xml: str) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        custom = {int(a["numFmtId"]): a.get("formatCode", "")
                  for a in map(attrs, re.findall(r"<(?:\w+:)?numFmt\b[^>]*>", xml)) if "numFmtId" in a}
        xfs = re.search(r"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", xml, re.S)
        self.kinds: list[str] = []
        for tag in re.findall(r"<(?:\w+:)?xf\b[^>]*>", xfs.group(0) if xfs else ""):
            fid = int(attrs(tag).get("numFmtId", "0") or 0)
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            self.kinds.append("delta" if is_timedelta_format(code) else "date" if is_date_format(code) else "")

    def kind(self, s: int) -> str:
        return self.kinds[s] if 0 <= s < len(self.kinds) else ""


def _value(a: dict[bytes, bytes], inner: bytes, sst: _SharedStrings, styles: _Styles, date1904: bool) -> object:
    t = a.get(b"t", b"n")
    if t == b"inlineStr":
        return _runs(inner)
    m = _V.search(inner)
    if m is None:
        return ""
    v = m.group(1)
    if t == b"s":
        return sst.get(int(v))
    if t in (b"str", b"e"):
        return _text(v)
    if t == b"b":
        return v.strip() in (b"1", b"true")
    if t == b"d":
        try:
            return dt.datetime.fromisoformat(_text(v))
        except ValueError:
            return _text(v)
    number = float(v)
    kind = styles.kind(int(a.get(b"s", b"0") or 0))
    if kind:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            return from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
                              timedelta=kind == "delta")
        except (ValueError, OverflowError):
            return number
    return number


def dimension(path: Path, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The sheet's declared last row and column (1-based), from the first block of its XML; (0, 0) if none."""
    buf = b""
    for block in inflate(path, info, chunk=1 << 14):
        buf += block
        if m := _DIMENSION.search(buf):
            return int(m.group(3)), col_index(m.group(2)) + 1
        if b"sheetData" in buf or len(buf) > 1 << 16:
            break
    return 0, 0


def read_head(path: Path, zf: zipfile.ZipFile, pkg: Package, part: str, last_col: int) -> list[list[object]]:
    """Rows 0..HEAD_ROWS-1 as Python values, at least `last_col` (the <dimension>'s, 1-based) wide."""
    buf = b""
    cut = None
    for block in inflate(path, zf.getinfo(part)):
        buf += block
        end = _SHEET_DATA_END.search(buf)
        if end is not None:
            cut = end.start()
            break
        tags = list(_ROW_TAG.finditer(buf))
        numbered = [int(n.group(1)) for n in ROW_NUM.finditer(buf, tags[-1].start(), tags[-1].end())] if tags else []
        if len(tags) > HEAD_ROWS + 1 or (numbered and numbered[0] > HEAD_ROWS + 1):
            cut = tags[-1].start()
            break
    buf = buf if cut is None else buf[:cut]
    sst = _SharedStrings(path, zf.getinfo(pkg.shared_strings) if pkg.shared_strings else None)
    styles = _Styles(zf.read(pkg.styles).decode("utf-8", errors="replace") if pkg.styles else "")
    rows: dict[int, dict[int, object]] = {}
    r = -1
    for m in _ROW_TAG.finditer(buf):
        a = dict(_ATTR.findall(m.group(1)))
        r = int(a[b"r"]) - 1 if b"r" in a else r + 1
        if r >= HEAD_ROWS:
            break
        if m.group(2):  # <row/>
            continue
        stop = _ROW_END.search(buf, m.end())
        segment = buf[m.end():stop.start() if stop else len(buf)]
        cells: dict[int, object] = {}
        c = -1
        for cm in _CELL.finditer(segment):
            ca = dict(_ATTR.findall(cm.group(1)))
            ref = _REF.fullmatch(ca.get(b"r", b""))
            c = col_index(ref.group(1)) if ref else c + 1
            value = _value(ca, cm.group(2) or b"", sst, styles, pkg.date1904)
            if value != "":
                cells[c] = value
        rows[r] = cells
    width = max([last_col, *(max(c) + 1 for c in rows.values() if c)])
    out: list[list[object]] = [[""] * width for _ in range(HEAD_ROWS)]
    for r, cells in rows.items():
        for c, v in cells.items():
            out[r][c] = v
    return out


def _typed(col) -> object:
    """An Arrow column as the array RawSheet keeps (see sheet.py); None for a column with no values."""
    kind = col.type
    if pa.types.is_null(kind) or col.null_count == len(col):
        return None
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        return col.to_numpy(zero_copy_only=False).astype(np.float64)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return pc.cast(col, pa.timestamp("ms")).to_numpy(zero_copy_only=False).astype("datetime64[ms]")
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        enc = (col.combine_chunks() if hasattr(col, "combine_chunks") else col).dictionary_encode()
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
        cats = enc.dictionary.to_pylist()
        if "" in cats:
            codes[codes == cats.index("")] = -1
        return pd.Categorical.from_codes(codes, dtype=unique_categories(pd.Index(cats, dtype=object)))
    out = np.empty(len(col), dtype=object)
    out[:] = col.to_pylist()
    return out


def read_body(path: Path, sheet: str, start: int) -> SheetBody | None:
    """Rows from `start` down as typed columns; None when a column mixes types (read cell by cell)."""
    try:
        import fastexcel  # optional at run time: without it, sheets are read cell by cell
    except ImportError:
        return None
    try:
        reader = fastexcel.read_excel(str(path))
        loaded = reader.load_sheet(sheet, header_row=None, skip_rows=start, schema_sample_rows=None,
                                   dtype_coercion="strict")
        table = loaded.to_arrow()
        where = [(c.absolute_index, c.name) for c in loaded.selected_columns]
    except Exception:  # mixed types (UnsupportedColumnTypeCombinationError) or anything fastexcel refuses
        return None
    del loaded  # the parsed cells: the largest allocation, no longer needed once the columns are built
    body = SheetBody(start, table.num_rows)
    recheck: dict[int, str] = {}
    columns = dict(enumerate(table.columns))
    del table
    for k, (j, name) in enumerate(where):
        col = columns.pop(k)  # each Arrow column is let go as soon as its array is made
        typed = _typed(col)
        if typed is None:
            continue
        body.columns[j] = typed
        if not isinstance(typed, pd.Categorical) and col.null_count:
            recheck[j] = name
    body.unverified = recheck
    return body


def column_texts(path: Path, sheet: str, start: int, names: list[str]) -> list[tuple[np.ndarray, list[str]]]:
    """Per column (fastexcel's names), from row `start` down: the positions and texts of the cells
    holding an NA-like text (only those, so little crosses the isolated reader's pipe)."""
    import fastexcel  # as in read_body: called only where read_body could use it

    table = fastexcel.read_excel(str(path)).load_sheet(
        sheet, header_row=None, skip_rows=start, use_columns=names, dtypes=dict.fromkeys(names, "string")).to_arrow()
    wanted = pa.array(sorted(NA_LIKE - {""}), type=pa.string())
    out = []
    for k in range(len(names)):
        col = table.column(k)
        hit = pc.is_in(col, value_set=wanted).fill_null(False).to_numpy(zero_copy_only=False)
        pos = np.flatnonzero(hit)
        out.append((pos, col.take(pa.array(pos)).to_pylist() if len(pos) else []))
    return out


def restore_texts(sheet: RawSheet, found: list[tuple[np.ndarray, list[str]]]) -> None:
    """Put back the texts fastexcel read as empty in typed columns ('NA', 'n/a', 'NULL', '#N/A', ...),
    `found` being `column_texts` of the body's unverified columns, in order."""
    body = sheet.body
    assert body is not None
    cells = {(body.start + int(p), j): text for j, (pos, texts) in zip(list(body.unverified), found, strict=True)
             for p, text in zip(pos.tolist(), texts, strict=True)}
    sheet.put_texts(cells)  # only where the typed read had nothing, as for Excel error values
    body.unverified = {}
