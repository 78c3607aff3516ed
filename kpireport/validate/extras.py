"""Extra columns (mapping/extras.py) typed for the kept rows: numbers, dates (a typed date
column) or text.

No KPI of the catalog reads them, so nothing is reported about their cells; a custom measure
that reads one is checked against the data by `catalog.loader.check_extra_columns`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..mapping import MappedSheet
from . import columns as conv

_EXTRA_SAMPLE = 200  # cells of an extra column tried as numbers before the whole column is


def extra_series(m: MappedSheet, j: int, numbers: np.ndarray, decimal: str) -> pd.Series:
    """An extra column's kept rows: numbers when every filled cell reads as one, else text.
    Nothing is reported: no KPI of the catalog reads it (a custom measure that does says so)."""
    first = m.header_row + 1
    end = m.sheet.n_rows if m.end_row is None else min(m.end_row, m.sheet.n_rows)
    values = m.sheet.column(j, first, end)[numbers - first]
    if isinstance(values, pd.Categorical):  # a typed text column of a large sheet: no number in it
        return conv.to_text(values)[0]
    if not (isinstance(values, np.ndarray) and values.dtype.kind in "fM"):
        sample = [v for v in values[:_EXTRA_SAMPLE] if not (v is None or v == "")]
        if conv.to_number(sample, decimal)[1]:  # text a few cells in: text, without parsing every cell
            return conv.to_text(values)[0]
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return conv.to_date(values)[0]  # a datetime64 array reads as it is
    series, failures = conv.to_number(values, decimal)
    return series if not failures else conv.to_text(values)[0]
