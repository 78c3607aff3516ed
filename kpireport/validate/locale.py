"""How the input's text is to be read, set by the config and used by every validator.

Its own module so that `config`, `validator` and `kpisheet` can all name it without importing
one another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    """How to read ambiguous text: decimal separator and day-first slash dates (from the config),
    and whether bare serial numbers count from 1904 (also set per workbook by the reader)."""

    decimal: str = "."
    day_first: bool = True
    date1904: bool = False
