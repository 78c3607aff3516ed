"""The fictional company behind the sample data: who sells what, where, and how the year moves.

Every table builder draws on these names, regions and curves, so the sample workbooks read as
one business (Northwind Outdoor Ltd.) rather than unrelated random sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPANY = "Northwind Outdoor Ltd."
CURRENCY = "USD"  # written into the sample workbooks (custom property Currency), read back as the report currency

REGIONS = ("North", "South", "East", "West")
REGION_WEIGHTS = np.array([0.30, 0.21, 0.22, 0.27])
LINES = ("Retail", "Online", "Wholesale")
SEGMENTS = ("Consumer", "SMB", "Enterprise")
SEGMENT_WEIGHTS = np.array([0.78, 0.18, 0.04])

# Two account owners per region; the first of each pair carries slightly more accounts so the
# leaderboard is not a tie.
SALES_REPS: dict[str, str] = {
    "Ayşe Demir": "North",
    "James Walker": "North",
    "Mehmet Yılmaz": "South",
    "Emma Clarke": "South",
    "Zeynep Kaya": "East",
    "Oliver Bennett": "East",
    "Elif Şahin": "West",
    "Daniel Hughes": "West",
}
SUPPORT_AGENTS = ("Can Öztürk", "Sophie Turner", "Deniz Arslan", "Harry Evans", "Merve Çelik", "Lucy Morgan")
OPS_TEAM = ("Burak Aydın", "Grace Holmes", "Selin Koç", "Thomas Reid", "Hakan Yıldız", "Chloe Baker")

CAMPAIGN_CHANNELS = ("email", "sms", "call", "social", "paid")
LEAD_CHANNELS = (*CAMPAIGN_CHANNELS, "organic", "referral", "event")

# Outdoor gear: spring/summer season plus the November/December gift peak (mean 1).
_SEASON_RAW = np.array([0.74, 0.76, 0.94, 1.08, 1.18, 1.24, 1.20, 1.04, 0.90, 0.86, 1.10, 1.30])
SEASON = _SEASON_RAW / _SEASON_RAW.mean()
YEARLY_GROWTH = 0.19

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Window:
    """The reporting window; all growth is measured from its first month."""

    start: np.datetime64
    end: np.datetime64

    @classmethod
    def of(cls, start: str, end: str) -> Window:
        s, e = np.datetime64(start, "D"), np.datetime64(end, "D")
        if e < s:
            raise ValueError(f"end {end} is before start {start}")
        return cls(s, e)

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(str(self.start), str(self.end), freq="M")

    @property
    def first_month(self) -> pd.Period:
        return pd.Period(str(self.start), freq="M")

    def years(self, month: pd.Period) -> float:
        """Years from the window's first month (negative before it)."""
        return (month.ordinal - self.first_month.ordinal) / 12.0

    def trend(self, month: pd.Period) -> float:
        return float((1.0 + YEARLY_GROWTH) ** self.years(month))

    def level(self, month: pd.Period, seasonality: float = 1.0) -> float:
        """Trend times (optionally damped) seasonality: the expected activity of a month."""
        return self.trend(month) * (1.0 + seasonality * (SEASON[month.month - 1] - 1.0))

    def bounds(self, month: pd.Period) -> tuple[np.datetime64, np.datetime64]:
        """First and last day of the month, clipped to the window."""
        lo = np.datetime64(month.start_time.date(), "D")
        hi = np.datetime64(month.end_time.date(), "D")
        return max(lo, self.start), min(hi, self.end)


def month_start(month: pd.Period) -> np.datetime64:
    return np.datetime64(month.start_time.date(), "D")


def days_in(rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64, n: int) -> np.ndarray:
    """n uniform random days in [lo, hi]."""
    span = int((hi - lo) / DAY) + 1
    return lo + rng.integers(0, span, n).astype("timedelta64[D]")


def days(values: np.ndarray) -> np.ndarray:
    """Whole days as a timedelta array, for date arithmetic."""
    return np.rint(np.asarray(values, dtype=float)).astype(np.int64).astype("timedelta64[D]")


def reps_for(rng: np.random.Generator, regions: np.ndarray) -> np.ndarray:
    """The account owner for each region index: one of the region's two reps (55/45)."""
    names = np.array(list(SALES_REPS))
    region_of = np.array([REGIONS.index(r) for r in SALES_REPS.values()])
    first = np.array([np.flatnonzero(region_of == r)[0] for r in range(len(REGIONS))])
    second = np.array([np.flatnonzero(region_of == r)[1] for r in range(len(REGIONS))])
    pick_first = rng.random(len(regions)) < 0.55
    return names[np.where(pick_first, first[regions], second[regions])]


def pick(rng: np.random.Generator, options: tuple[str, ...], weights, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.array(options, dtype=object)[rng.choice(len(options), size=n, p=w / w.sum())]


def to_dates(values: np.ndarray) -> pd.Series:
    """Numpy day/second arrays (NaT for blanks) as a pandas datetime column."""
    return pd.Series(np.asarray(values).astype("datetime64[ns]"))


def unknown_where(flags: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """The flags as Python values, None where `unknown` (a question that does not apply)."""
    out = flags.astype(object)
    out[unknown] = None
    return out


def yes_no(flags: np.ndarray) -> pd.Series:
    """A nullable boolean column (written as Yes/No, blank where unknown)."""
    return pd.Series(pd.array(flags, dtype="boolean"))


def money(values: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(values, dtype=float), 2)


def month_text(month: pd.Period) -> str:
    return f"{month.year}-{month.month:02d}"


def quarter_text(month: pd.Period) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
