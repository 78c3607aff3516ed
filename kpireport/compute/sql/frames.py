"""The small relations the measure queries join against, built in Python because they are
calendar logic, not row work: the report's periods or spans, and the map from period texts
("2026-03", "2026-Q1") to dates.

Rows dated by a period text (market size, staff hours) that cover more than one report period
are split over the report periods inside them in proportion to days, for sums (a quarter's
market size is a third-ish in each month); for everything else a period text stands for its
first day. The map holds one row per (text, report period it falls on) with the day weights,
so the split itself happens in SQL as value * days / total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...periods import days_in, parse_period

Span = tuple[pd.Timestamp, pd.Timestamp]
_RANK = {"M": 0, "Q": 1, "Y": 2}


def _us(values: list[pd.Timestamp]) -> np.ndarray:
    return np.array([np.datetime64(v, "us") for v in values], dtype="datetime64[us]")


def spans_frame(spans: list[Span], at: str | None = None) -> pd.DataFrame:
    """One row per span: idx, lo, hi; with `at` ("start" or "end") also the instant a stock is
    read at and the calendar day its row expressions see (period_end, period_start)."""
    lo = [s for s, _ in spans]
    hi = [e for _, e in spans]
    out = pd.DataFrame({"idx": np.arange(len(spans), dtype=np.int64), "lo": _us(lo), "hi": _us(hi)})
    if at is not None:
        instant = lo if at == "start" else hi
        out["at"] = _us(instant)
        out["day"] = _us([t.normalize() for t in instant])
    return out


_EPOCH = pd.Timestamp("1970-01-01")


def _day(ts: pd.Timestamp) -> int:
    return (ts.normalize() - _EPOCH).days


def span_days(spans: list[Span]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spans of whole days as day numbers (idx, lo, hi, g), and their groups by first day (idx, lo, hi).

    A span must run from a midnight to the last instant of a day (Period.end_time), as year to
    date and trailing windows do; anything else is refused, not silently widened.
    """
    tick = pd.Timedelta(1, "us")
    for s, e in spans:
        if s != s.normalize() or e.normalize() + pd.Timedelta(days=1) - e > tick:
            raise ValueError(f"span {s} .. {e} is not made of whole days")
    lo = np.array([_day(s) for s, _ in spans], dtype=np.int64)
    hi = np.array([_day(e) for _, e in spans], dtype=np.int64)
    firsts = sorted(set(lo.tolist()))
    g = np.array([firsts.index(v) for v in lo], dtype=np.int64)
    spans_df = pd.DataFrame({"idx": np.arange(len(spans), dtype=np.int64), "lo": lo, "hi": hi, "g": g})
    groups = pd.DataFrame({"idx": np.arange(len(firsts), dtype=np.int64), "lo": np.array(firsts, dtype=np.int64),
                           "hi": np.array([hi[g == k].max() for k in range(len(firsts))], dtype=np.int64)})
    return spans_df, groups


def period_of_text(value: str, fiscal_year_start: int) -> pd.Period | None:
    """A period text as a Period; a date text as its day; junk as None."""
    if not value:
        return None
    try:
        return parse_period(value, fiscal_year_start)
    except Exception:
        ts = pd.to_datetime(value, errors="coerce")
        return None if pd.isna(ts) else pd.Period(ts, freq="D")


def period_map(texts: list[str], grain_freq: str | None, fiscal_year_start: int) -> pd.DataFrame:
    """txt -> (d, dq, total): the date a period text counts on, with weights dq / total.

    With `grain_freq` (the report's period frequency, for sums) a text coarser than the report
    grain gets one row per report period inside it, weighted by days; otherwise one row at its
    first day with weight 1.
    """
    rows: list[tuple[str, pd.Timestamp, float, float]] = []
    for txt in texts:
        p = period_of_text(txt, fiscal_year_start)
        if p is None:
            continue
        if grain_freq is not None and _RANK.get(p.freqstr[0], -1) > _RANK[grain_freq[0]]:
            total = float(days_in(p))
            rows.extend((txt, q.start_time, float(days_in(q)), total)
                        for q in pd.period_range(p.start_time, p.end_time, freq=grain_freq))
        else:
            rows.append((txt, p.start_time, 1.0, 1.0))
    return pd.DataFrame({"txt": pd.Series([r[0] for r in rows], dtype=object),
                         "d": _us([r[1] for r in rows]),
                         "dq": np.array([r[2] for r in rows], dtype="float64"),
                         "total": np.array([r[3] for r in rows], dtype="float64")})

