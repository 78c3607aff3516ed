"""Pre-read safety checks: bound what a reader will cost before any reader touches the file.

Readers trust what a file declares. python-calamine allocates rows x columns for a sheet, so
one stray value at XFD1048576 asks for 17 billion cells and aborts the whole process; a shared
string table that declares uniqueCount="4000000000" does the same; neither calamine nor
openpyxl limits decompression. `check(path)` reads the file once, in bounded chunks, and
refuses (with a one-line message naming file, sheet and cell) what would hurt:

zip containers (.xlsx, .xlsm, .ods)
  - member count, central directory size, encrypted members, compression methods;
  - declared sizes: total over MAX_TOTAL_UNCOMPRESSED, or one member over RATIO_MIN_BYTES that
    compresses more than MAX_MEMBER_RATIO times (a zip bomb); nested archives outside
    xl/embeddings/ (never opened by us or calamine; refused because Excel never writes them);
  - parts are found the way readers find them (partmap.py: [Content_Types].xml, the workbook's
    relationships, the content itself), never by name alone: any part name is legal;
  - every XML part is actually inflated (raw deflate, CRC checked), so a member that inflates
    beyond its declared size is caught, whatever the declarations say;
  - XML with <!DOCTYPE or <!ENTITY (billion laughs, XXE) and UTF-16 XML parts are refused, in
    any part that is XML by name, by content type or by content;
  - each worksheet's real extent: <dimension ref> is read but only as a hint; the sheet XML is
    scanned for every <c r="..."> (vectorised with numpy; non-canonical XML -- prefixes, cells
    without r, odd attribute order -- falls back to an exact expat pass), keeping the last row
    and column that hold a value. Refused: a value beyond MAX_COLUMNS columns in a mostly empty
    range (a legitimately wide, filled sheet passes), a value more than
    STRAY_MIN_EMPTY_ROWS rows below a sheet whose rows are mostly empty (a stray cell), an
    extent over MAX_SHEET_CELLS cells;
  - sharedStrings uniqueCount far above the strings it holds; cells repeating long shared strings
    beyond a bound (shared-string amplification, sharedtext.py);
  - ODS: table:number-rows-repeated / number-columns-repeated are expanded arithmetically
    (never materialised) to the same extent rules; trailing empty repeats (LibreOffice writes
    1,048,576 x 1,024 of them) cost nothing and are allowed; repeats that conjure more than
    MAX_ODS_REPEATED_CELLS values are refused (a few bytes would otherwise cost gigabytes).
text (.csv): size over MAX_CSV_BYTES.
.xls: size over MAX_XLS_BYTES; the content is bounded by the isolated reader (isolate.py).

Cell text longer than Excel's 32,767 characters is refused (TooLargeError) after the read,
naming the cell: Excel cannot have written it, the report workbook could not hold it, and
truncating silently would change the data. The XML scan flags candidates so the exact
per-cell check only runs when needed (always for CSV and .xls).

A file that passes is "proven" when every allocation calamine makes for it is bounded by what
was measured (xlsx/ods): every sheet of the workbook was found and scanned exactly, and there
is at least one. isolate.py reads only proven files in-process; the rest go to the child.
defusedxml must import
(`require_defusedxml`): openpyxl only defends against XML attacks when it is installed.

The package: `limits.py` (every bound, with its reason), `facts.py` (the verdict), `zipguard.py`
(zip directory and members, inflated through `read/deflate.py` with length and CRC checked),
`cellscan.py` (the vectorised cell scan), `xmlparse.py` (exact expat passes), `ods.py`
(OpenDocument). This module is the entry: `check`, `check_text_lengths`, `require_defusedxml`.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InstallationError, TooLargeError
from ..sniff import sniff
from . import limits
from .cellscan import numpy
from .facts import Facts, SheetFacts
from .limits import cell_ref, mb
from .zipguard import ZipGuard

__all__ = ["Facts", "SheetFacts", "ZipGuard", "cell_ref", "check", "check_text_lengths", "limits",
           "require_defusedxml"]


def require_defusedxml() -> None:
    """defusedxml is a hard dependency: without it openpyxl parses XML entity bombs."""
    try:
        import defusedxml
        import defusedxml.ElementTree  # noqa: F401
    except Exception:  # ImportError, or a broken install
        raise InstallationError("the defusedxml package is missing or broken, and kpireport will not read XML "
                                "without it.", "Reinstall kpireport (pip install --force-reinstall kpireport) "
                                "or run: pip install defusedxml") from None


def check(path: Path, kind: str | None = None) -> Facts:
    """Sniff `path` and prove it safe and affordable to read, or raise a categorised error."""
    require_defusedxml()
    path = Path(path)
    kind = kind or sniff(path)
    size = path.stat().st_size
    facts = Facts(path, kind, size)
    if size > limits.MAX_FILE_BYTES:
        raise TooLargeError(f"{path.name}: the file is {mb(size)}; kpireport reads files up to "
                            f"{mb(limits.MAX_FILE_BYTES)}.",
                            "Export a shorter period or fewer columns.")
    if kind == "csv":
        if size > limits.MAX_CSV_BYTES:
            raise TooLargeError(f"{path.name}: the CSV file is {mb(size)}; kpireport reads CSV files up to "
                                f"{mb(limits.MAX_CSV_BYTES)}.", "Export a shorter period, or save it as .xlsx.")
        facts.long_text = size > limits.MAX_TEXT_CHARS
        facts.proven = True
        return facts
    if kind == "xls":
        if size > limits.MAX_XLS_BYTES:
            raise TooLargeError(f"{path.name}: the .xls file is {mb(size)}; kpireport reads .xls files up to "
                                f"{mb(limits.MAX_XLS_BYTES)}.", "Save it as .xlsx in Excel and drop the new copy.")
        facts.long_text = True
        return facts  # not proven: BIFF records are bounded by the isolated reader only
    ZipGuard(path, kind, facts).run()
    # Proven means measured, not "nothing found": a workbook whose sheets the scan did not see
    # (or with none) is read in the isolated child, under its limits.
    facts.proven = bool(facts.sheets) and not facts.unchecked and not facts.partial and \
        all(s.exact for s in facts.sheets)
    return facts


def check_text_lengths(sheets: list, facts: Facts | None = None) -> None:
    """Refuse any cell whose text exceeds Excel's limit (only scans when the guard flagged it)."""
    if facts is not None and not facts.long_text:
        return
    for sheet in sheets:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if type(value) is str and len(value) > limits.MAX_TEXT_CHARS:
                    _too_long(sheet, r, c, len(value))
        body = getattr(sheet, "body", None)
        if body is None:
            continue
        for c, col in body.columns.items():
            texts = col.categories.to_numpy(dtype=object) if hasattr(col, "categories") else col
            if hasattr(col, "categories") and max(map(len, texts), default=0) <= limits.MAX_TEXT_CHARS:
                continue  # all texts (a million IDs): one pass in C, no per-value isinstance
            for value in texts:
                if isinstance(value, str) and len(value) > limits.MAX_TEXT_CHARS:
                    k = int(numpy().flatnonzero(numpy().asarray(col == value))[0])
                    _too_long(sheet, body.start + k, c, len(value))


def _too_long(sheet, r: int, c: int, n: int) -> None:
    raise TooLargeError(
        f"{sheet.file} / {sheet.sheet} / {cell_ref(r + 1, c + 1)}: the cell holds {n:,} "
        f"characters, more than Excel's limit of {limits.MAX_TEXT_CHARS:,}.",
        "Shorten that text (or delete the column if the report does not need it) and drop the file again.")
