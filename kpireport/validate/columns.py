"""Convert one raw column (Python values from the reader) to its canonical type.

Each converter returns the typed Series and the positions that could not be converted, with
a reason; findings that do not stop a value from being used (an ambiguous date order, an ID
Excel may have rounded) are appended to `notes`. Nothing is ever turned silently into NaN, 0
or 1970: a cell is either converted, blank in the source, or reported.

Work is vectorised per column: cells are classified by type in one pass, typed numbers and
dates convert as arrays, and text is parsed once per distinct value (`pd.factorize`), so a
million rows with a few thousand distinct texts cost a few thousand parses.

One module per kind: cells.py (classification and what the converters share), numbers.py,
dates.py, yesno.py and texts.py; the validator and the KPI sheet use them through this module.
"""

from __future__ import annotations

from .cells import BLANK, BOOL, DATE, DELTA, NUM, OTHER, STR, TIME, Failure, Note, classify
from .dates import day_first_evidence, to_date
from .numbers import to_number, to_score
from .texts import ARROW_MIN_TEXTS, to_id, to_period_text, to_text
from .yesno import to_bool

__all__ = ["ARROW_MIN_TEXTS", "BLANK", "BOOL", "DATE", "DELTA", "NUM", "OTHER", "STR", "TIME", "Failure", "Note",
           "classify", "day_first_evidence", "to_bool", "to_date", "to_id", "to_number", "to_period_text", "to_score",
           "to_text"]
