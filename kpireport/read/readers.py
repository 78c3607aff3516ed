"""Read workbooks and CSV files into RawSheets.

Bulk cells come from python-calamine (a Rust reader, several times faster than openpyxl);
CSV goes through the standard library with the delimiter and encoding sniffed.

What calamine does not give is read from the .xlsx package itself, in one streamed pass over
each sheet's XML (about a tenth of calamine's own time): the 1904 date system
(`workbookPr date1904`), hidden rows, and cached formula errors, which calamine returns as
empty cells. Error cells are put back into `rows` as their text ("#DIV/0!") so validation
reports and counts them instead of reading them as blanks.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptFileError, InputError, NotAWorkbookError
from .isolate import read_guarded
from .sniff import sniff

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
CSV_ENCODINGS = ("utf-8-sig", "cp1254")
CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class RawSheet:
    """One sheet's cells as read: rows of Python values (str, float, int, bool, datetime, date,
    time, timedelta, or None / "" for an empty cell). Row 0 is the sheet's first row, column 0
    its column A.

    merges: merged ranges as (first_row, first_col, last_row, last_col), 0-based, inclusive;
    only the top-left cell of a merge holds its value. hidden_rows: 0-based rows hidden in
    Excel (their cells are still in `rows`). date1904: the workbook counts serial dates from
    1904 (old Mac Excel). excel_errors: cells whose cached value is an Excel error, written
    into `rows` as the error text. detail: how the file was read, for `kpireport validate`.
    """

    file: str
    sheet: str
    rows: list[list[object]]
    hidden: bool = False
    merges: tuple[tuple[int, int, int, int], ...] = ()
    hidden_rows: frozenset[int] = field(default_factory=frozenset)
    date1904: bool = False
    excel_errors: int = 0
    detail: str = ""


def read_path(path: Path) -> list[RawSheet]:
    if (guarded := read_guarded(path, read_path)) is not None:  # safety checks + isolated reading (isolate.py)
        return guarded
    kind = sniff(path)
    if kind == "csv":
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            raise NotAWorkbookError(
                f"{path.name}: this is a text file with a workbook's name, not a workbook.",
                "If it is a CSV export, rename it to .csv; otherwise open it in Excel and save it as .xlsx.",
            )
        return [_read_csv(path)]
    return _read_workbook(path)


def _read_workbook(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        # from_filelike detects the format from the bytes; from_path trusts the extension.
        with open(path, "rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
    except Exception as exc:  # calamine raises several error types for damaged files
        raise CorruptFileError(f"{path.name}: the workbook cannot be opened ({_short(exc)}).",
                               "Open it in Excel or LibreOffice, save it again, and drop the new copy.") from None
    extras = _xlsx_extras(path)
    kind = path.suffix.lower().lstrip(".") or "workbook"
    out: list[RawSheet] = []
    for meta in wb.sheets_metadata:
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise CorruptFileError(f"{path.name} / {meta.name}: the sheet cannot be read ({_short(exc)}).",
                                   "Open the file in Excel, save it again and retry.") from None
        hidden = meta.visible != SheetVisibleEnum.Visible
        cells = rows if isinstance(rows, list) and all(type(r) is list for r in rows[:1]) else [list(r) for r in rows]
        merges = tuple((int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in merged)
        hidden_rows, errors = extras.sheets.get(meta.name, (frozenset(), {}))
        for (r, c), text in errors.items():
            if r < len(cells) and c < len(cells[r]) and cells[r][c] in ("", None):
                cells[r][c] = text
        out.append(RawSheet(path.name, meta.name, cells, hidden, merges, hidden_rows, extras.date1904,
                            len(errors), kind + (" (1904 date system)" if extras.date1904 else "")))
    return out


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# --- what calamine does not tell: 1904 dates, hidden rows, cached errors (.xlsx / .xlsm) ----------

@dataclass
class _Extras:
    date1904: bool = False
    sheets: dict[str, tuple[frozenset[int], dict[tuple[int, int], str]]] = field(default_factory=dict)


_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_NUM = re.compile(rb'\br="(\d+)"')
_SMALL_PART = 16 << 20  # workbook.xml and its rels are small; refuse to inflate more


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _xlsx_extras(path: Path) -> _Extras:
    """1904 flag, hidden rows and cached error cells per sheet; empty when not an .xlsx package."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                return _Extras()
            book = _read_small(zf, "xl/workbook.xml")
            rels = _read_small(zf, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else ""
            targets = {}
            for tag in _REL_TAG.findall(rels):
                a = _attrs(tag)
                target = a.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[a.get("Id", "")] = target
            out = _Extras(bool(_DATE1904.search(book)))
            for tag in _SHEET_TAG.findall(book):
                a = _attrs(tag)
                rid = next((v for k, v in a.items() if k.endswith(":id")), "")
                part = targets.get(rid)
                if "name" not in a or part not in names:
                    continue
                out.sheets[a["name"]] = _scan_sheet(path, zf.getinfo(part))
            return out
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error, struct.error):
        return _Extras()


def _read_small(zf: zipfile.ZipFile, name: str) -> str:
    if zf.getinfo(name).file_size > _SMALL_PART:
        raise ValueError(f"{name} is implausibly large")
    return zf.read(name).decode("utf-8", errors="replace")


def _inflate(path: Path, info: zipfile.ZipInfo, chunk: int = 1 << 18) -> Iterator[bytes]:
    """A zip member's bytes, streamed. Raw zlib: zipfile's own reader also checks the CRC, which
    doubles the cost and which calamine has done already."""
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        with zipfile.ZipFile(path) as zf, zf.open(info) as fh:
            while block := fh.read(chunk):
                yield block
        return
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if header[:4] != b"PK\x03\x04":
            raise ValueError("bad local header")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        left = info.compress_size
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            block = fh.read(min(chunk, left))
            if not block:
                break
            left -= len(block)
            yield inflater.decompress(block) if inflater else block
        if inflater:
            yield inflater.flush()


_TAIL = 4096


def _scan_sheet(path: Path, info: zipfile.ZipInfo) -> tuple[frozenset[int], dict[tuple[int, int], str]]:
    """Hidden rows (`<row r="5" hidden="1">`) and error cells (`<c r="C7" t="e"><v>#N/A</v>`)."""
    hidden: set[int] = set()
    errors: dict[tuple[int, int], str] = {}
    tail = b""
    for block in _inflate(path, info):
        buf = tail + block
        for needle in (b'hidden="1"', b'hidden="true"'):
            pos = buf.find(needle)
            while pos >= 0:
                start = buf.rfind(b"<", 0, pos)
                if start >= 0 and buf[start + 1:pos].split(b" ", 1)[0].rsplit(b":", 1)[-1] == b"row":
                    m = _ROW_NUM.search(buf, start, pos)
                    if m:
                        hidden.add(int(m.group(1)) - 1)
                pos = buf.find(needle, pos + 1)
        pos = buf.find(b't="e"')
        while pos >= 0:
            _error_cell(buf, pos, errors)
            pos = buf.find(b't="e"', pos + 1)
        tail = buf[-_TAIL:]
    return frozenset(hidden), errors


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
        errors[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = text


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


# --- CSV -------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    """Text and a name for its encoding: a BOM decides (UTF-8, UTF-16 as Excel's "Unicode text"),
    else strict UTF-8, else Windows-1254 (Turkish; a superset of what Western files use)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            return data[3:].decode("cp1254", errors="replace"), "Windows-1254"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputError("the file starts like UTF-16 text but is not valid UTF-16.",
                             "Export it again, as CSV UTF-8.") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1254", errors="replace"), "Windows-1254"


def _delimiter(sample: str) -> str:
    """The delimiter that splits the most lines into the same number (> 1) of fields; on a tie,
    the one giving more fields (';' beats ',' in "1.234,56;North" rows)."""
    lines = sample.splitlines(keepends=True)
    if len(sample) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    text = "".join(lines[:200])
    best: tuple[int, int] = (0, 0)
    choice = ","
    for d in CSV_DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=d) if r]
        except csv.Error:
            continue
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        fields, freq = Counter(multi).most_common(1)[0]
        if (freq, fields) > best:
            best, choice = (freq, fields), d
    return choice


def _read_csv(path: Path) -> RawSheet:
    data = path.read_bytes()
    try:
        text, encoding = _decode(data)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.message}", exc.hint) from None
    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:  # Excel's "sep=;" line
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = _delimiter(text[:65536])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[object]] = [[c if c != "" else None for c in row] for row in reader]
    except csv.Error as exc:
        raise InputError(f"{path.name}: the CSV file cannot be read ({exc}).",
                         "Export it again from the source system, or open it in Excel and save it as .xlsx.") from None
    if not rows:
        raise NotAWorkbookError(f"{path.name}: the CSV file has no rows.", "Export it again with a header row.")
    width = max(map(len, rows))
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    detail = f"CSV, {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated, {encoding}"
    return RawSheet(path.name, path.stem, rows, detail=detail)


def expand(paths: list[Path]) -> list[Path]:
    """Files named, plus the supported files inside named folders (Office lock files skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in SUPPORTED
                              and not q.name.startswith(("~$", ".~lock", "."))))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder.", "Check the path and try again.")
    if not out:
        raise InputError("no input files were found.",
                         "Name .xlsx, .xls, .ods or .csv files, or a folder holding them.")
    return out


def read_inputs(paths: list[Path]) -> list[RawSheet]:
    sheets: list[RawSheet] = []
    for p in expand(paths):
        sheets.extend(read_path(p))
    return sheets
