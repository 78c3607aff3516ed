"""Cells a column reads one way that may mean another: flagged one by one, not only per column.

A column's reading is decided once (its decimal separator from its unambiguous values, else the
config or locale), and most cells agree. These do not, or cannot tell, and each is reported by
cell with what was read and what to do:

- a number shaped `1,234` or `1.000` (one separator, three digits after it) read as a fraction
  (1.234, 1.0): with a decimal comma in the column that is `$1,234` turned into 1.234; with no
  evidence in the column, `1.000` read as 1 by the default. (Read as thousands, 1,000 -> 1000,
  it is what exports write; the column's note says which reading was used.)
- full-width digits (１２３, typed with an East Asian input method) are read, and said;
- a percentage (`12%`) in an amount column: 0.12 of a currency is never what was meant, so the
  cell is left out and reported.
"""

from __future__ import annotations

import re

from ..parsing import CURRENCY

_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2}([.,])\d{3}$")
_FULL_WIDTH = re.compile(r"[\uff10-\uff19]")


def _clean(text: str) -> str:
    return CURRENCY.sub("", text).replace("\u00a0", "").replace(" ", "").strip().strip("()-+−")


def number_flags(texts: list[str], values: list[float | None], decimal: str, decided: bool,
                 amount: bool) -> tuple[dict[int, str], dict[int, str]]:
    """(warnings, failures) by index of distinct text: `values` are what the column read
    (None where it failed), `decided` whether the separator came from the column's own values."""
    warn: dict[int, str] = {}
    fail: dict[int, str] = {}
    sep_name = "comma" if decimal == "," else "point"
    for k, t in enumerate(texts):
        v = values[k]
        if v is None or not t:
            continue
        read = float(v)
        if amount and "%" in t:
            fail[k] = (f"{t!r} is a percentage in an amount column; cell left out. Type the amount, or map a rate "
                       "to a rate column")
            continue
        if _FULL_WIDTH.search(t):
            warn[k] = (f"{t!r} has full-width digits; read as {read:.10g}. Retype the number with ordinary "
                       "digits if that is wrong")
            continue
        m = _AMBIGUOUS.match(_clean(t))
        if m is None or m.group(1) != decimal:
            continue  # '1,000' read as 1000 in a decimal-point column: the grouping reading, as exports write it
        whole = float(_clean(t).replace(m.group(1), ""))
        source = ("like the rest of the column" if decided
                  else "from the config or locale; nothing in the column decides")
        warn[k] = (f"{t!r} read as {read:.10g} (a decimal {sep_name}, {source}); if it means {whole:.10g}, "
                   f"write it as {whole:.0f}" + ("" if decided else " or set `decimal` in the config"))
    return warn, fail
