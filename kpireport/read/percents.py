"""Which cells of an .xlsx sheet are formatted as a percentage.

Neither reader gives number formats, and one matters: a monthly KPI sheet whose Unit column
says `%` may hold 94 % as 0.94 in a cell formatted as a percentage, or as a plain 94. The
cell's own format says which (validate/kpisheet.py). Only sheets held as rows (small ones:
a KPI sheet has a few dozen rows) are scanned, and only when the workbook has a percent style.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from .xlsxpkg import attrs, col_index, inflate, package, read_small

_NUMFMT = re.compile(r"<(?:\w+:)?numFmt\b[^>]*>")
_XFS = re.compile(r"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(r"<(?:\w+:)?xf\b[^>]*>")
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bs="(\d+)"|'
                   rb'<(?:\w+:)?c\b[^>]*?\bs="(\d+)"[^>]*?\br="([A-Z]{1,3})(\d+)"')
_BUILTIN_PERCENT = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.')


def percent_styles(styles_xml: str) -> frozenset[int]:
    """Indices of the cell styles (cellXfs) whose number format shows a percentage."""
    custom = {int(a["numFmtId"]): a.get("formatCode", "") for a in map(attrs, _NUMFMT.findall(styles_xml))
              if a.get("numFmtId", "").isdigit()}
    xfs = _XFS.search(styles_xml)
    out = set()
    for i, tag in enumerate(_XF.findall(xfs.group(0) if xfs else "")):
        fid = attrs(tag).get("numFmtId", "0")
        fid_n = int(fid) if fid.isdigit() else 0
        if fid_n in _BUILTIN_PERCENT or "%" in _QUOTED.sub("", custom.get(fid_n, "")):
            out.add(i)
    return frozenset(out)


def percent_cells(path: Path, sheets: set[str]) -> dict[str, frozenset[tuple[int, int]]]:
    """Per sheet name, the (0-based row, column) of cells formatted as a percentage."""
    try:
        with zipfile.ZipFile(path) as zf:
            pkg = package(zf)
            if pkg is None or pkg.styles is None:
                return {}
            styles = percent_styles(read_small(zf, pkg.styles))
            if not styles:
                return {}
            out: dict[str, frozenset[tuple[int, int]]] = {}
            for sp in pkg.sheets:
                if sp.name in sheets:
                    out[sp.name] = _cells(path, zf.getinfo(sp.part), styles)
            return out
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error, struct.error):
        return {}


def _cells(path: Path, info: zipfile.ZipInfo, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    tail = b""
    for block in inflate(path, info):
        buf = tail + block
        cut = buf.rfind(b"<")
        body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
        for m in _CELL.finditer(body):
            letters, row, style = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (
                m.group(5), m.group(6), m.group(4))
            if int(style) in styles:
                found.add((int(row) - 1, col_index(letters)))
    return frozenset(found)
