"""The read stage's public entry: a file is guarded, read (here or in a child) and completed.

`read_path(path)`:
1. `isolate.read_guarded` runs the guard (`guard.check`) and reads the file with the raw reader
   (`readers.read_raw`) in this process or in a limited child, as the guard's facts allow.
2. What neither reader gives is added from the guard's pass over each sheet's XML: hidden rows,
   merged ranges and cached formula errors, which both readers return as empty cells. Error cells
   are put back as their text ("#DIV/0!") so validation reports and counts them instead of
   reading them as blanks.

The imports go one way: entry -> isolate -> readers, so the raw reader never calls back up.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..problems import ProblemLog
from . import csvfast, fastsheet
from .duplicates import note_duplicates, unique_files
from .inputs import expand
from .isolate import column_texts, read_guarded
from .percents import percent_cells
from .sheet import RawSheet
from .xlsxpkg import SheetExtras, package, scan_sheet, shared_na_like


def read_path(path: Path) -> list[RawSheet]:
    """Every sheet of one file, guarded and complete."""
    sheets, facts = read_guarded(Path(path))
    return _with_extras(Path(path), sheets, facts)


def _with_extras(path: Path, sheets: list[RawSheet], facts) -> list[RawSheet]:
    """Hidden rows, merges and Excel error cells of each .xlsx sheet, from the guard's scan (which
    inflated every sheet anyway) or, where that scan stopped early, from a pass of our own."""
    if facts.kind != "xlsx":
        return sheets
    found = {s.name: s.extras for s in facts.sheets if s.extras is not None}
    if any(sheet.sheet not in found for sheet in sheets):
        found = {**_scan_extras(path, {sheet.sheet for sheet in sheets} - set(found)), **found}
    for sheet in sheets:
        extras = found.get(sheet.sheet)
        if extras is None:
            continue
        sheet.hidden_rows = extras.hidden_rows
        sheet.hidden_cols = extras.hidden_cols
        sheet.merges = sheet.merges or extras.merges
        sheet.excel_errors = len(extras.errors)
        if extras.errors:
            sheet.put_texts(extras.errors)
    small = {sheet.sheet for sheet in sheets if sheet.body is None}
    percents = percent_cells(path, small) if small else {}
    for sheet in sheets:
        if sheet.body is None and sheet.sheet in percents:
            sheet.percent_cells = percents[sheet.sheet]
    _verify(path, sheets, facts, found)
    return sheets


def _verify(path: Path, sheets: list[RawSheet], facts, found: dict[str, SheetExtras]) -> None:
    """Typed columns with empty cells: read them again as text only where an "NA"-like text could
    be hiding (fastsheet.py), i.e. the shared-string table holds one or the sheet has texts of its own."""
    todo = [s for s in sheets if s.body is not None and s.body.unverified]
    if not todo:
        return
    shared = facts.shared_na_like
    if shared is None:
        shared = _shared_na_like(path)
    for sheet in todo:
        body = sheet.body
        if body is None:
            continue
        extras = found.get(sheet.sheet)
        if not shared and extras is not None and not extras.inline_strings:
            body.unverified = {}  # every text of the sheet is a shared string, and none reads as missing
            continue
        fastsheet.restore_texts(sheet, column_texts(path, sheet.sheet, body.start, list(body.unverified.values())))


def _shared_na_like(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package(zf)
            if pkg is None or pkg.shared_strings is None:
                return False
            return shared_na_like(path, zf.getinfo(pkg.shared_strings))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error, struct.error):
        return True


def _scan_extras(path: Path, names: set[str]) -> dict[str, SheetExtras]:
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package(zf)
            parts = [] if pkg is None else [sp for sp in pkg.sheets if sp.name in names]
            return {sp.name: scan_sheet(path, zf.getinfo(sp.part)) for sp in parts}
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error, struct.error):
        return {}


def read_inputs(paths: list[Path], problems: ProblemLog | None = None) -> list[RawSheet]:
    """Every sheet of every input file, each file's content read once (inputs.py says which files;
    what it leaves out, and a file left out as a copy of another, goes to `problems`)."""
    files, dropped = unique_files(expand(paths, problems))
    if problems is not None:
        note_duplicates(dropped, problems)
    sheets: list[RawSheet] = []
    for read in _read_all(files):
        sheets.extend(read)
    return sheets


READ_WORKERS = 2  # files read at once: the machine this runs on may have two cores, and each large
                  # file's reader (Arrow, or the isolated child with fastexcel) uses its own


def _read_all(files: list[Path]):
    """Each file's sheets, in the order given. Several large files are read at once: the Arrow
    CSV parser and the isolated reader's wait release the GIL, so two files take about the time
    of the larger. A file's error is raised at its place in the order, as a sequential read
    would; the files still being read are finished first (each is bounded by its own limits)."""
    large = [f for f in files if _size(f) >= csvfast.MIN_BYTES]
    if len(files) < 2 or len(large) < 2:
        yield from map(read_path, files)
        return

    with ThreadPoolExecutor(READ_WORKERS, thread_name_prefix="kpireport-read") as pool:
        yield from pool.map(read_path, files)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
