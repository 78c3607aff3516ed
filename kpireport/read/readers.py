"""Read workbooks and CSV files into RawSheets.

Bulk cells come from python-calamine (a Rust reader, several times faster than openpyxl);
CSV goes through the standard library with the delimiter and encoding sniffed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptFileError, InputError, NotAWorkbookError
from .sniff import sniff

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
CSV_ENCODINGS = ("utf-8-sig", "cp1254")


@dataclass
class RawSheet:
    """One sheet's cells as read: rows of Python values (str, float, int, bool, datetime, date,
    time, timedelta or None). Row 0 is the sheet's first row, column 0 its column A."""

    file: str
    sheet: str
    rows: list[list[object]]
    hidden: bool = False


def read_path(path: Path) -> list[RawSheet]:
    kind = sniff(path)
    if kind == "csv":
        return [_read_csv(path)]
    return _read_workbook(path)


def _read_workbook(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise CorruptFileError(f"{path.name}: the workbook cannot be opened ({_short(exc)}).",
                               "Open it in Excel or LibreOffice, save it again, and drop the new copy.") from None
    out: list[RawSheet] = []
    for meta in wb.sheets_metadata:
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise CorruptFileError(f"{path.name} / {meta.name}: the sheet cannot be read ({_short(exc)}).",
                                   "Open the file in Excel, save it again and retry.") from None
        hidden = meta.visible != SheetVisibleEnum.Visible
        out.append(RawSheet(path.name, meta.name, [list(r) for r in rows], hidden))
    return out


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _read_csv(path: Path) -> RawSheet:
    data = path.read_bytes()
    text = None
    for enc in CSV_ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:  # pragma: no cover - cp1254 decodes nearly everything
        raise InputError(f"{path.name}: the text encoding is not recognised.", "Save the CSV as UTF-8.")
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = [[c if c != "" else None for c in row] for row in reader]
    if not rows:
        raise NotAWorkbookError(f"{path.name}: the CSV file has no rows.", "Export it again with a header row.")
    return RawSheet(path.name, path.stem, rows)


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
        raise InputError("no input files were found.", "Name .xlsx, .xls, .ods or .csv files, or a folder holding them.")
    return out


def read_inputs(paths: list[Path]) -> list[RawSheet]:
    sheets: list[RawSheet] = []
    for p in expand(paths):
        sheets.extend(read_path(p))
    return sheets
