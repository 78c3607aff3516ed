"""The few SQL spellings that differ between engines, in one place.

Everything else the compiler writes is standard SQL (CASE, COALESCE, FILTER, COUNT(DISTINCT),
window functions). Targeting PostgreSQL or Spark later means changing these helpers only
(or transpiling their output), not the compiler.
"""

from __future__ import annotations

import math

import pandas as pd

from ...sqltext import ident as ident  # compute quotes names through this module (d.ident)
from ...sqltext import text

BLANK = "(blank)"
# Dimensions whose cells may hold several members ("#sale #summer"): a row counts for each.
MULTI_VALUED = frozenset({"hashtag"})
SPLIT_PATTERN = r"[\s,;]+"


def number(value: float | int | bool) -> str:
    """A numeric (or boolean) literal, exact for every float (repr round-trips)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"no SQL literal for {value!r}")
    return f"CAST({float(value)!r} AS DOUBLE)"


# What Python's str.strip() removes from report text: spaces, tabs, line breaks, no-break spaces.
_WHITESPACE = " \t\n\r\v\f\u00a0"


def trimmed(expr: str) -> str:
    """Text with surrounding whitespace removed."""
    return f"TRIM(CAST({expr} AS VARCHAR), {text(_WHITESPACE)})"


def clean_text(expr: str) -> str:
    """Text trimmed and lower-cased, as conditions compare it."""
    return f"LOWER({trimmed(expr)})"


def timestamp(value: object) -> str:
    """A timestamp literal (microseconds)."""
    return f"TIMESTAMP '{pd.Timestamp(value).strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def as_double(expr: str, numeric: bool) -> str:
    """A column as a float; text that is no number gives NULL (like pandas' to_numeric(errors='coerce'))."""
    return f"CAST({expr} AS DOUBLE)" if numeric else f"TRY_CAST({expr} AS DOUBLE)"


def seconds_between(later: str, earlier: str) -> str:
    """later - earlier in seconds, from whole microseconds (exactly what pandas' total_seconds() gives)."""
    return f"(DATE_DIFF('microsecond', {earlier}, {later}) / 1000000.0)"


def months_between(later: str, earlier: str) -> str:
    """later - earlier in whole calendar months, a month counted when its day is reached: a
    customer since 2025-12-31 is 9 months old on 2026-10-30 and 10 on 2026-10-31 (a month's last
    day stands for the days it lacks, so since 2026-01-31 is 1 month on 2026-02-28)."""
    months = (f"(12 * (YEAR({later}) - YEAR({earlier})) + MONTH({later}) - MONTH({earlier}))")
    short = (f"(DAY({later}) < DAY({earlier}) AND CAST({later} AS DATE) <> LAST_DAY(CAST({later} AS DATE)))")
    return f"CAST({months} - CASE WHEN {short} THEN 1 ELSE 0 END AS DOUBLE)"


def day_of(expr: str) -> str:
    """A timestamp's calendar day (midnight)."""
    return f"CAST(CAST({expr} AS DATE) AS TIMESTAMP)"


def month_number(expr: str) -> str:
    """Months since year 0 (year * 12 + month - 1): report periods are whole months, so a row's
    period is arithmetic on this, with no join."""
    return f"(EXTRACT(YEAR FROM {expr}) * 12 + EXTRACT(MONTH FROM {expr}) - 1)"


def day_number(expr: str) -> str:
    """Days since 1970-01-01 (the calendar day of a timestamp)."""
    return f"DATE_DIFF('day', DATE '1970-01-01', CAST({expr} AS DATE))"


def floor_div(expr: str, k: int) -> str:
    """Integer division rounding down (negative numbers too)."""
    return f"CAST(FLOOR(({expr}) / {float(k)!r}) AS BIGINT)"


def nth_smallest(expr: str, n: int, where: str = "TRUE") -> str:
    """An aggregate: the n-th smallest value of expr among the group's rows where `where` holds
    (NULL when there are fewer)."""
    if n == 1:
        return f"MIN({expr}) FILTER (WHERE {where})"
    return f"LIST_EXTRACT(MIN({expr}, {int(n)}) FILTER (WHERE {where}), {int(n)})"


def exact_sum(expr: str) -> str:
    """A compensated (Kahan-Babuska) sum: rounds like math.fsum for report data, whatever the row order."""
    return f"FSUM({expr})"


def split_members(expr: str) -> str:
    """The members of a multi-valued cell as a list: split on whitespace, commas and semicolons,
    empty pieces dropped; a cell with no piece is the one member BLANK."""
    parts = f"LIST_FILTER(REGEXP_SPLIT_TO_ARRAY({expr}, {text(SPLIT_PATTERN)}), lambda x: x <> '')"
    return f"UNNEST(CASE WHEN LEN({parts}) = 0 THEN [{text(BLANK)}] ELSE {parts} END)"
