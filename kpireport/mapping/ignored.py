"""Columns of a recognised table that are not read, said by file, sheet and column.

Three kinds are easy to miss and change what a reader of the sheet believes it says: a hidden
column (the user sees no such column), a column with no header that holds data (a figure
typed beside the table), and a column headed like `Amount.1` next to `Amount` (a second copy
that an export renamed). Each one is logged as ignored; a hidden column that is used is said
to be read. Ordinary unused headers stay in the Sources list on the Data quality sheet.
"""

from __future__ import annotations

import re

import numpy as np

from ..problems import Problem, ProblemLog, Severity
from ..read.sheet import RawSheet, is_blank
from .normalize import cell_ref, column_letter, normalize_header

_COPY = re.compile(r"^(.*\S)\s*[._](\d{1,2})$")  # Amount.1, Amount_2: pandas and some exports rename repeats
_WIDTH_ROWS = 200  # rows read to find the sheet's width when it is held as rows


def _width(sheet: RawSheet, header_row: int, headers: dict[int, str]) -> int:
    width = max(headers, default=-1) + 1
    if sheet.body is not None and sheet.body.columns:
        width = max(width, max(sheet.body.columns) + 1)
    for row in sheet.rows[header_row + 1:header_row + 1 + _WIDTH_ROWS]:
        width = max(width, len(row))
    return width


def report_ignored_columns(sheet: RawSheet, table: str, header_row: int, end_row: int | None,
                           columns: dict[str, int], headers: dict[int, str], problems: ProblemLog) -> list[str]:
    """Log hidden, header-less and `.1`-copy columns of one mapped table; returns their descriptions
    (for the Sources list's 'ignored' column)."""
    where = {"file": sheet.file, "sheet": sheet.sheet, "table": table}
    used = {j: c for c, j in columns.items()}
    keys = {normalize_header(t): j for j, t in headers.items()}
    first, end = header_row + 1, sheet.n_rows if end_row is None else min(end_row, sheet.n_rows)
    out: list[str] = []
    for j in range(_width(sheet, header_row, headers)):
        letter = column_letter(j)
        head = headers.get(j, "")
        at = {"cell": cell_ref(header_row, j), "column": head or letter}
        if j in used:
            if j in sheet.hidden_cols:
                problems.add(Problem(f"hidden column {letter} ({head!r}) is read as {used[j]}; unhide it to check "
                                     "it, or map it to 'ignore' in the config", severity=Severity.INFO, **at, **where))
            continue
        if j in sheet.hidden_cols and (head or _filled(sheet, j, first, end)):
            problems.add(Problem(f"hidden column {letter}{f' ({head!r})' if head else ''} ignored; unhide it and map "
                                 "it in the config if it should count", severity=Severity.INFO, **at, **where))
            out.append(f"{head or letter} (hidden)")
        elif not head and (n := _filled(sheet, j, first, end)):
            problems.add(Problem(f"column {letter} has no header but holds {n} value(s); ignored. Give it a header "
                                 "(and map it in the config) if it should count", severity=Severity.WARNING,
                                 **at, **where))
            out.append(f"{letter} (no header)")
        elif head and (m := _COPY.match(head)) and normalize_header(m.group(1)) in keys:
            original = headers[keys[normalize_header(m.group(1))]]
            problems.add(Problem(f"column {letter} ({head!r}) looks like a second copy of {original!r} renamed by an "
                                 "export; ignored. Map it in the config if it holds other figures",
                                 severity=Severity.WARNING, **at, **where))
            out.append(f"{head} (copy of {original})")
    return out


def _filled(sheet: RawSheet, j: int, first: int, end: int) -> int:
    """How many cells of column j below the header hold a value."""
    if end <= first:
        return 0
    return int(np.count_nonzero(~is_blank(sheet.column(j, first, end))))
