"""Whole-range report periods: `--period all` and `--period 2011..2014`.

A range is held as one pandas `Period` whose frequency is a multiple of its bounds' grain,
so that everything built on Periods (columns of the report's frames, start and end times,
hashing) keeps working with no second type beside it:

- `2011..2014` is `Period(2011, "4Y-DEC")` (fiscal years: `"4Y-MAR"` ...), running from the
  first bound's first day to the last bound's last day;
- `2023-Q1..2023-Q3` is `Period("2023Q1", "3Q-DEC")`, `2023-01..2023-06` is `Period("2023-01", "6M")`;
- `all` is the data's first month to its last, held as whole days (`"1461D"`): the day
  frequency is what tells "all the data" from a range the user typed, for the label.

A range report has one column: additive measures are summed over it, ratios are recomputed
over it (their parts are), stocks are read at its end. There is no previous range to compare
with (one of equal length would mostly lie before the data), so growth and trend are left out.
"""

from __future__ import annotations

import re

import pandas as pd

from . import periods
from .calendars import Calendar
from .errors import UsageError
from .periods import Grain, parse_period

ALL = "all"
SEPARATOR = re.compile(r"\s*(?:\.\.|–|—)\s*")  # 2011..2014, also the label's own dash: 2011 – 2014


def is_range(p: pd.Period) -> bool:
    """The period is a whole range (several months, quarters or years, or all the data)."""
    return p.freq.n > 1 or p.freqstr.endswith("D")


def is_all(p: pd.Period) -> bool:
    """The range is `all`: the data's whole span."""
    return p.freqstr.endswith("D")


def wants_all(text: str) -> bool:
    return str(text).strip().lower() == ALL


def bounds(p: pd.Period) -> tuple[pd.Period, pd.Period]:
    """The first and last period of the range, in the grain of its bounds (months for `all`)."""
    base = "M" if is_all(p) else p.freq.base
    return pd.Period(p.start_time, freq=base), pd.Period(p.end_time, freq=base)


def bound_grain(p: pd.Period) -> Grain:
    base = "M" if is_all(p) else p.freq.base.freqstr
    return Grain.MONTH if base.startswith("M") else Grain.QUARTER if base.startswith("Q") else Grain.YEAR


def between(first: pd.Period, last: pd.Period) -> pd.Period:
    """The range from `first` to `last` (periods of one grain); one period when they are equal."""
    if last < first:
        raise UsageError(f"the range {first}..{last} ends before it starts.",
                         "Write the earlier bound first: 2011..2014.")
    n = int(last.ordinal - first.ordinal) + 1
    return first if n == 1 else pd.Period(first.start_time, freq=f"{n}{first.freqstr}")


def whole(first_day: pd.Timestamp, last_day: pd.Timestamp, calendar: Calendar | None = None) -> pd.Period:
    """`all`: from the first data month to the last data month (months of the report's
    calendar: in Solar Hijri numbering with the Persian one, see calendars.py)."""
    calendar = calendar or Calendar()
    start = calendar.period_of(first_day, "M").start_time
    end = calendar.period_of(last_day, "M").end_time.normalize()
    return pd.Period(start, freq=f"{(end - start).days + 1}D")


def parse_range(text: str, fiscal_year_start: int = 1) -> pd.Period | None:
    """`A..B` (two periods of one grain: 2011..2014, 2023-Q1..2023-Q3, 2023-01..2023-06) as a
    range; None when the text is no range (a single period, or `all`, which needs the data)."""
    parts = SEPARATOR.split(str(text).strip())
    if len(parts) != 2:
        return None
    lo, hi = (parse_period(s, fiscal_year_start) for s in parts)
    if lo.freqstr != hi.freqstr:
        raise UsageError(f"{text!r} mixes a {_grain_word(lo)} and a {_grain_word(hi)}.",
                         "Give both bounds in one grain: 2011..2014, 2023-Q1..2023-Q3 or 2023-01..2023-06.")
    return between(lo, hi)


def _grain_word(p: pd.Period) -> str:
    return bound_grain(p).value


def label(p: pd.Period) -> str:
    """A stable label: 2011..2014, 2023-Q1..2023-Q3, 2023-01..2023-06; all: all (2011-01..2014-12)."""
    return periods.label(p)
