"""Column widths that fit their content, estimated from the text and numbers written.

xlsxwriter cannot measure rendered text, and a number wider than its column shows as ####,
so every sheet tracks the longest thing it puts in each column and sizes the column from it.
"""

from __future__ import annotations

import math


def value_width(value: float | None, unit: str, currency: str = "USD") -> int:
    """Characters a value needs in its unit's Excel format (with grouping and a symbol or suffix)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 1
    v = abs(value)
    if unit == "duration":
        return len(f"{int(v // 3600)}h 00m") + 2
    if unit == "percent":
        return len(f"{v * 100:,.1f}%") + 2
    if unit == "currency":
        return len(f"{v:,.0f}") + len(currency) + 1
    if unit == "days":
        return len(f"{v:,.1f}") + 6
    if unit == "count":
        return len(f"{v:,.0f}") + 2
    if unit == "score":
        return len(f"{v:,.1f}") + 2
    return len(f"{v:,.2f}") + 2


def fit(chars: float, minimum: float = 8, maximum: float = 60) -> float:
    """A column width (in Excel character units) for `chars` characters of 10-point Arial."""
    return max(minimum, min(maximum, chars * 1.1 + 2))
