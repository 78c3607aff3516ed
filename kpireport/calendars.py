"""Report calendars: where a report period starts and ends in real time.

With the Gregorian calendar (the default) a report period is a pandas `Period` and means
what pandas says it means. With `calendar: persian` periods are aligned to the Solar Hijri
(Iranian) calendar: the same pandas `Period`s are used as *names* in Solar Hijri numbering
(`Period("1403-01", "M")` is Farvardin 1403, `Period("1403Q1", "Q-DEC")` its first quarter,
Farvardin to Khordad), and this module says which real days each covers (Farvardin 1403 is
2024-03-20 .. 2024-04-19). Keeping the names as Periods lets everything that only orders,
labels or steps through periods (columns, prev(), the Dashboard picker) work unchanged; only
code that compares periods with the data's timestamps asks the calendar.

The conversion is jdatetime's (the arithmetic Solar Hijri calendar that Iran's official
calendar follows for these centuries). Fiscal years: a fiscal year start month counts in
Solar Hijri months (1 = Farvardin, Iran's own fiscal year).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import jdatetime
import pandas as pd

from .errors import UsageError
from .periods import Grain, freq

GREGORIAN = "gregorian"
PERSIAN = "persian"
NAMES = (GREGORIAN, PERSIAN)

# Month names: Persian as written, and the usual Latin transliteration for other languages.
MONTHS_FA = tuple(jdatetime.date.j_months_fa)
MONTHS_LATIN = tuple(jdatetime.date.j_months_en)
_TICK = pd.Timedelta(1, "us")


@dataclass(frozen=True)
class Calendar:
    """A report calendar; `Calendar()` is the Gregorian one."""

    name: str = GREGORIAN

    def __post_init__(self) -> None:
        if self.name not in NAMES:
            raise UsageError(f"calendar {self.name!r} is not known.", "Use gregorian or persian.")

    @property
    def persian(self) -> bool:
        return self.name == PERSIAN

    def span(self, p: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The period's first instant and last instant (like Period.start_time / end_time)."""
        if not self.persian:
            return p.start_time, p.end_time
        first, last = p.start_time, p.end_time
        start = _to_gregorian(first.year, first.month)
        after = _to_gregorian(last.year + (last.month == 12), last.month % 12 + 1)
        return start, after - _TICK

    def start(self, p: pd.Period) -> pd.Timestamp:
        return self.span(p)[0]

    def end(self, p: pd.Period) -> pd.Timestamp:
        return self.span(p)[1]

    def days(self, p: pd.Period) -> int:
        start, end = self.span(p)
        return int((end.normalize() - start.normalize()).days) + 1

    def period_of(self, ts: pd.Timestamp | dt.date, freq: str) -> pd.Period:
        """The period (of frequency `freq`) a real instant falls in."""
        ts = pd.Timestamp(ts)
        if not self.persian:
            return ts.to_period(freq)
        j = jdatetime.date.fromgregorian(date=ts.date())
        return pd.Period(year=j.year, month=j.month, freq="M").asfreq(freq)

    def period_range(self, first: pd.Timestamp, last: pd.Timestamp, grain: Grain,
                     fiscal_year_start: int = 1) -> list[pd.Period]:
        """The periods from the one holding real instant `first` to the one holding `last`."""
        f = freq(grain, fiscal_year_start)
        return list(pd.period_range(self.period_of(first, f), self.period_of(last, f), freq=f))

    def latest_complete(self, last_date: pd.Timestamp, grain: Grain, fiscal_year_start: int = 1) -> pd.Period:
        """The latest period whose last day the data reaches."""
        p = self.period_of(last_date, freq(grain, fiscal_year_start))
        return p - 1 if pd.Timestamp(last_date).normalize() < self.end(p).normalize() else p

    def window(self, p: pd.Period, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The trailing `months` months ending with period p (never shorter than p itself)."""
        start = self.start(p.end_time.to_period("M") - (months - 1))
        return min(start, self.start(p)), self.end(p)

    def day(self, d: pd.Timestamp | dt.date) -> jdatetime.date:
        """A real day as a Solar Hijri date (year, month, day)."""
        return jdatetime.date.fromgregorian(date=pd.Timestamp(d).date())

    def month_name(self, p: pd.Period, lang: str) -> str:
        """The Solar Hijri month's name (Persian script for fa, else transliterated)."""
        return (MONTHS_FA if lang == "fa" else MONTHS_LATIN)[p.month - 1]


def gregorian_texts(texts: list[object]) -> list[str]:
    """The period texts (2026-10, 2026-Q3, 2026) that name a Gregorian year: with the Solar
    Hijri calendar, periods in targets and OKRs are Solar Hijri (1405-07), and a year of 1700
    or later cannot be one."""
    found = []
    for value in texts:
        m = _YEAR.match(str(value).strip())
        if m and int(m.group(1)) >= 1700:
            found.append(str(value).strip())
    return found


_YEAR = re.compile(r"^(?:FY|Q[1-4][- ]?)?(\d{4})", re.I)


def _to_gregorian(year: int, month: int) -> pd.Timestamp:
    """The real first day of Solar Hijri month `month` of `year`."""
    return pd.Timestamp(jdatetime.date(year, month, 1).togregorian())
