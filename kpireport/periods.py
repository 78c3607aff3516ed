"""Reporting periods: month, quarter and year, with a configurable fiscal-year start.

Periods are pandas `Period`s so that assigning a million rows to their period is one
vectorised `to_period` call. Fiscal quarters and years are named by the calendar year in
which they end (pandas' and most finance teams' convention: the year April 2025 - March 2026
is FY2026).
"""

from __future__ import annotations

import re
from enum import StrEnum

import pandas as pd

from .errors import UsageError

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


class Grain(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def freq(grain: Grain, fiscal_year_start: int = 1) -> str:
    if not 1 <= fiscal_year_start <= 12:
        raise UsageError(f"fiscal year start month {fiscal_year_start} is not 1-12.",
                         "Use a month number such as 4 for April.")
    end = _MONTHS[(fiscal_year_start - 2) % 12]
    return {Grain.MONTH: "M", Grain.QUARTER: f"Q-{end}", Grain.YEAR: f"Y-{end}"}[Grain(grain)]


def label(period: pd.Period) -> str:
    """A stable, human label: 2026-03, 2026-Q1, 2026 (a range: 2011..2014, see ranges.py)."""
    if period.freq.n > 1 or period.freqstr.endswith("D"):  # a whole range (ranges.py): 2011..2014
        whole = period.freqstr.endswith("D")  # `all`, held as whole days
        base = "M" if whole else period.freq.base
        text = f"{label(pd.Period(period.start_time, freq=base))}..{label(pd.Period(period.end_time, freq=base))}"
        return f"all ({text})" if whole else text
    text = str(period)
    if re.fullmatch(r"\d{4}Q[1-4]", text):
        return f"{text[:4]}-{text[4:]}"
    return text


_PATTERNS = (
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), Grain.QUARTER),
    (re.compile(r"^Q([1-4])[- ]?(\d{4})$", re.I), Grain.QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Grain.MONTH),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), Grain.MONTH),
    (re.compile(r"^(?:FY)?(\d{4})$", re.I), Grain.YEAR),
)


def parse_period(text: str, fiscal_year_start: int = 1) -> pd.Period:
    """Parse 2026-03, 2026-Q1, Q1 2026, 2026 or FY2026 into a Period of the matching grain."""
    s = str(text).strip()
    for pattern, grain in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        f = freq(grain, fiscal_year_start)
        if grain is Grain.QUARTER:
            year, q = (m.group(1), m.group(2)) if s[0].isdigit() else (m.group(2), m.group(1))
            return pd.Period(f"{year}Q{q}", freq=f)
        if grain is Grain.MONTH:
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            return pd.Period(year=int(m.group(1)), month=month, freq=f)
        return pd.Period(year=int(m.group(1)), freq=f) if fiscal_year_start == 1 else _fiscal_year(int(m.group(1)), f)
    raise UsageError(f"{text!r} is not a period.", "Write a month as 2026-03, a quarter as 2026-Q1 or a year as 2026.")


def _fiscal_year(year: int, f: str) -> pd.Period:
    # A fiscal year named Y ends in year Y: take its last month.
    end_month = _MONTHS.index(f.split("-")[1]) + 1
    return pd.Period(year=year, month=end_month, freq=f)


def grain_of(period: pd.Period) -> Grain:
    """The grain of a period (of a range: of its bounds, months for `all`)."""
    name = "M" if period.freqstr.endswith("D") else period.freq.base.freqstr
    if name.startswith("M"):
        return Grain.MONTH
    if name.startswith("Q"):
        return Grain.QUARTER
    return Grain.YEAR


def period_range(first: pd.Timestamp, last: pd.Timestamp, grain: Grain, fiscal_year_start: int = 1) -> list[pd.Period]:
    f = freq(grain, fiscal_year_start)
    return list(pd.period_range(pd.Timestamp(first).to_period(f), pd.Timestamp(last).to_period(f), freq=f))


def latest_complete(last_date: pd.Timestamp, grain: Grain, fiscal_year_start: int = 1) -> pd.Period:
    """The latest period whose last day the data reaches."""
    f = freq(grain, fiscal_year_start)
    p = pd.Timestamp(last_date).to_period(f)
    if pd.Timestamp(last_date).normalize() < p.end_time.normalize():
        p = p - 1
    return p


def days_in(period: pd.Period) -> int:
    return int((period.end_time.normalize() - period.start_time.normalize()).days) + 1


def convert(period: pd.Period, grain: Grain, fiscal_year_start: int = 1) -> pd.Period:
    """The period of another grain that contains this period's last day."""
    return period.end_time.to_period(freq(grain, fiscal_year_start))
