"""The validated input rows as a workbook of their own (`generate --with-data`), streamed to disk.

The KPI workbook never carries raw rows: a million of them would make it slow to write, to
open and to e-mail. Who wants to pivot the rows the KPIs were computed from asks for this
file instead. It is written with xlsxwriter's constant_memory mode, one row at a time, so a
million rows cost tens of seconds but no more memory than one row: every canonical table on
its own sheet, canonical column names as headers, dates as dates, numbers as numbers. A table
longer than one Excel sheet continues on "orders (2)", "orders (3)", ...
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from .. import marker

MAX_DATA_ROWS = 1_048_575  # an Excel sheet's rows under its header row


def _cells(col: pd.Series) -> tuple[str, list[object]]:
    """A column as (kind, Python values with None for blanks), converted once per column."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        values = [None if v is pd.NaT else v.to_pydatetime() for v in col]
        return "date", values
    if pd.api.types.is_bool_dtype(col.dtype):
        return "bool", [None if v is pd.NA or v is None else bool(v) for v in col.astype(object)]
    if pd.api.types.is_numeric_dtype(col.dtype):
        arr = col.to_numpy(dtype="float64", na_value=np.nan)
        return "number", [None if v != v else v for v in arr.tolist()]
    return "text", [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
                    for v in col.astype(object)]


def _width(header: str, kind: str, sample: list[object]) -> float:
    """Column width from the header and the first values (room for the filter button)."""
    if kind == "date":
        longest = 16 if any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in sample) else 11
    elif kind == "number":
        longest = max((len(f"{v:,.2f}") for v in sample if v is not None), default=8)
    else:
        longest = max((len(str(v)) for v in sample if v is not None), default=8)
    return float(min(45, max(len(header) + 4, longest + 2, 9)))


def write_data_workbook(tables: dict[str, pd.DataFrame], path: Path, max_rows: int = MAX_DATA_ROWS) -> Path:
    """Write every table to `path` (an .xlsx), row by row in constant memory."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    try:
        wb.set_custom_property(marker.PROPERTY, marker.DATA_WORKBOOK)  # never read back as input (marker.py)
        head = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF"})
        date = wb.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
        for name in sorted(tables):
            df = tables[name]
            cols = [_cells(df[c]) for c in df.columns]
            timed = [kind == "date" and any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in values)
                     for kind, values in cols]
            parts = max(1, -(-len(df) // max_rows))
            for part in range(parts):
                title = name[:31] if part == 0 else f"{name[:25]} ({part + 1})"
                ws = wb.add_worksheet(title)
                lo, hi = part * max_rows, min(len(df), (part + 1) * max_rows)
                ws.freeze_panes(1, 0)
                for c, (name_, (kind, values)) in enumerate(zip(df.columns, cols, strict=True)):
                    ws.set_column(c, c, _width(str(name_), kind, values[lo:lo + 200]))
                ws.write_row(0, 0, list(df.columns), head)
                ws.autofilter(0, 0, max(1, hi - lo), max(0, len(df.columns) - 1))
                for r in range(lo, hi):
                    row = r - lo + 1
                    for c, (kind, values) in enumerate(cols):
                        v = values[r]
                        if v is None:
                            continue
                        if kind == "date":
                            ws.write_datetime(row, c, v, stamp if timed[c] else date)
                        elif kind == "number":
                            ws.write_number(row, c, v)  # General: every decimal the source had
                        elif kind == "bool":
                            ws.write_boolean(row, c, v)
                        else:
                            ws.write_string(row, c, v)
    finally:
        wb.close()
    return path
