"""Read workbooks and CSV files into RawSheets.

Cells come from python-calamine (a Rust reader, several times faster than openpyxl), cell
by cell; a large .xlsx sheet (FAST_MIN_CELLS in fastsheet.py) is read by typed column with
fastexcel instead. CSV goes through the standard library with the delimiter and encoding sniffed;
a large UTF-8 CSV through Arrow's multi-threaded parser into the same cells (csvfast.py).

The 1904 date system comes from the .xlsx package itself (`workbookPr date1904`, xlsxpkg.py).
This is the raw reader: no guard, no child process. The public entry, `entry.read_path`, guards
the file first and adds what the readers miss (hidden rows, merges, error cells).
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from ..errors import CorruptFileError, InputError, NotAWorkbookError
from . import csvfast, fastsheet
from .sheet import RawSheet
from .sniff import sniff
from .xlsxpkg import Package, package

CSV_ENCODINGS = ("utf-8-sig", "cp1254")
MEMO_TEXTS = 1 << 18  # distinct CSV texts remembered for sharing (a few MB of dictionary)
CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_raw(path: Path) -> list[RawSheet]:
    """The sheets of one file exactly as the readers give them, with no safety checks: call it only
    on a file the guard has passed (`entry.read_path` does, in this process or in a child)."""
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
    pkg, fast = _xlsx_parts(path)
    kind = path.suffix.lower().lstrip(".") or "workbook"
    date1904 = pkg is not None and pkg.date1904
    detail = kind + (" (1904 date system)" if date1904 else "")
    out: list[RawSheet] = []
    wb = None
    names = [(sp.name, sp.hidden) for sp in pkg.sheets] if pkg is not None and len(fast) == len(pkg.sheets) else None
    if names is None:
        wb = _open_calamine(path)
        names = [(meta.name, meta.visible != SheetVisibleEnum.Visible) for meta in wb.sheets_metadata]
    for name, hidden in names:
        if name in fast:
            sheet = _fast_sheet(path, name, hidden, fast[name], date1904, detail)
            if sheet is not None:
                out.append(sheet)
                continue
        wb = wb or _open_calamine(path)  # every sheet went by column so far: open it now
        out.append(_calamine_sheet(path, wb, name, hidden, date1904, detail))
    return out


def _open_calamine(path: Path):
    try:
        # from_filelike detects the format from the bytes; from_path trusts the extension.
        with open(path, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    except Exception as exc:  # calamine raises several error types for damaged files
        raise CorruptFileError(f"{path.name}: the workbook cannot be opened ({plain_reason(exc)}).",
                               "Open it in Excel or LibreOffice, save it again, and drop the new copy.") from exc


def _calamine_sheet(path: Path, wb, name: str, hidden: bool, date1904: bool, detail: str) -> RawSheet:
    try:
        sheet = wb.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:
        raise CorruptFileError(f"{path.name} / {name}: the sheet cannot be read ({plain_reason(exc)}).",
                               "Open the file in Excel, save it again and retry.") from exc
    cells = rows if isinstance(rows, list) and all(type(r) is list for r in rows[:1]) else [list(r) for r in rows]
    merges = tuple((int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in merged)
    return RawSheet(path.name, name, cells, hidden, merges, date1904=date1904, detail=detail)


def _fast_sheet(path: Path, name: str, hidden: bool, head: list[list[object]], date1904: bool,
                detail: str) -> RawSheet | None:
    """A large sheet by typed column (fastsheet.py); None when it must be read cell by cell."""
    body = fastsheet.read_body(path, name, len(head))
    if body is None:
        return None
    return RawSheet(path.name, name, head, hidden, date1904=date1904, detail=detail + ", read by column", body=body)


def _xlsx_parts(path: Path) -> tuple[Package | None, dict[str, list[list[object]]]]:
    """The package, and the head rows of the sheets large enough to read by column."""
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package(zf)
            if pkg is None:
                return None, {}
            fast: dict[str, list[list[object]]] = {}
            for sp in pkg.sheets:
                last_row, last_col = fastsheet.dimension(path, zf.getinfo(sp.part))
                if last_row > fastsheet.HEAD_ROWS and last_row * last_col >= fastsheet.FAST_MIN_CELLS:
                    fast[sp.name] = fastsheet.read_head(path, zf, pkg, sp.part, last_col)
            return pkg, fast
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, IndexError, zlib.error, struct.error):
        return None, {}


_PLAIN = (
    (("checksum", "crc"), "a part of it is damaged"),
    (("password", "encrypt"), "it is password-protected"),
    (("expecting", "xml", "unexpected", "eof", "syntax", "attribute", "tag"), "its XML is damaged"),
    (("zip", "archive", "deflate", "inflate"), "the package is damaged"),
)


def plain_reason(exc: BaseException) -> str:
    """What a reader's exception means, in words a user can act on. The reader's own text
    ("Expecting alphanumeric character, got 3C") is for developers: it stays in the exception
    chain, shown with --debug, never in the one-line message."""
    text = str(exc).lower()
    for needles, words in _PLAIN:
        if any(n in text for n in needles):
            return words
    return "its contents are not laid out as Excel or LibreOffice write them"


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
    """One sheet from a CSV file. Memory: the file's bytes are dropped once decoded, the text is
    handed to the csv module line by line (never copied whole again, nor widened into a
    StringIO's 4-byte characters), and a text repeated down a column is one object, not one per
    cell: a 63 MB export with 1.3 million rows reads in about 490 MB instead of 830 MB."""
    data = path.read_bytes()
    utf8 = "UTF-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    fast = csvfast.read(path.name, path.stem, data, _delimiter, lambda d: _csv_detail(d, utf8))
    if fast is not None:
        return fast
    try:
        text, encoding = _decode(data)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.message}", exc.hint) from None
    del data
    if "\x00" in text:  # sniffing saw only the first 8 KiB: a NUL further on is the same binary data
        raise NotAWorkbookError(f"{path.name}: this is not a workbook or a CSV file (it holds binary data).",
                                "Drop .xlsx, .xls, .ods or .csv files.")
    start = len(text) - len(text[:16].lstrip("\ufeff")) if text.startswith("\ufeff") else 0
    end = text.find("\n", start)
    first = text[start:end if end >= 0 else len(text)]
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:  # Excel's "sep=;" line
        delimiter, start = first.strip()[4], (end + 1 if end >= 0 else len(text))
    else:
        delimiter = _delimiter(text[start:start + 65536])
    try:
        reader = csv.reader(_lines(text, start), delimiter=delimiter)
        rows: list[list[object]] = []
        memo: dict[str, str] = {}  # one object per repeated text (dates, regions, customers): ~1/3 less memory
        share = memo.setdefault
        for row in reader:
            rows.append([share(c, c) if c else None for c in row])
            if len(memo) > MEMO_TEXTS:
                memo.clear()  # unique texts (order IDs, amounts) only churn it; repeated ones come back
    except csv.Error as exc:
        raise InputError(f"{path.name}: the CSV file cannot be read ({exc}).",
                         "Export it again from the source system, or open it in Excel and save it as .xlsx.") from None
    if not rows:
        raise NotAWorkbookError(f"{path.name}: the CSV file has no rows.", "Export it again with a header row.")
    width = max(map(len, rows))
    for short in rows:
        if len(short) < width:
            short.extend([None] * (width - len(short)))
    return RawSheet(path.name, path.stem, rows, detail=_csv_detail(delimiter, encoding))


def _csv_detail(delimiter: str, encoding: str) -> str:
    return f"CSV, {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated, {encoding}"


def _lines(text: str, start: int):
    """The lines of `text` from `start`, as the csv module's newline="" reading splits them: at
    "\n", "\r\n" and a lone "\r" (old Mac exports); each keeps its ending."""
    if text.count("\r", start) != text.count("\r\n", start):
        yield from io.StringIO(text[start:], newline="")  # lone carriage returns: rare, let io split them
        return
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1
