"""Date columns: real dates, Excel serials (1900 or 1904 system), yyyymmdd numbers and dates
typed as text, the day/month order decided per column; a date Excel could not have meant is
reported, never turned into a day in 1900."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..parsing import MAX_YEAR, MIN_YEAR, parse_date_text
from .cells import (
    BOOL,
    DATE,
    DELTA,
    NUM,
    OTHER,
    TIME,
    Cells,
    Failure,
    Note,
    classify,
    error_reason,
    fail_kind,
    fail_texts,
    show,
    texts_of,
)

# Untyped numbers in a date column are read as Excel serials only inside 1930-2100: a 0, a 12 or
# a year typed as 2026 is reported, not turned into a day in 1900. (1900 system; 1904: 1,462 less.)
SERIAL_MIN, SERIAL_MAX = 10959.0, 73415.0  # 1930-01-01, 2100-12-31
# Serials 0-60 of the 1900 system (1900-01-00 .. the non-existent 1900-02-29): never a business date
EXCEL_FIRST_REAL = np.datetime64("1900-03-01", "us")
_ISO_FAST = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
_SLASH = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})\b")
FAST_PATH_MIN = 2000


def _one_date(v: object) -> object:
    try:
        ts = pd.Timestamp(v)
        return ts.tz_localize(None) if ts.tzinfo is not None else ts
    except (ValueError, TypeError, OverflowError):
        return pd.NaT


def day_first_evidence(texts: list[str]) -> tuple[int, int, str | None]:
    """(day-first votes, month-first votes, an ambiguous example such as '03/04/2026')."""
    dmy = mdy = 0
    example = None
    for t in texts:
        m = _SLASH.match(t)
        if not m:
            continue
        a, b = int(m[1]), int(m[2])
        if a > 12 >= b:
            dmy += 1
        elif b > 12 >= a:
            mdy += 1
        elif example is None and a != b:
            example = t
    return dmy, mdy, example


def to_date(values: Cells, day_first_default: bool = True, date1904: bool = False,
            notes: list[Note] | None = None, day_first_source: str = "config or locale",
            ) -> tuple[pd.Series, list[Failure]]:
    """Real dates, Excel serials (1900 or 1904 system, 1930-2100), yyyymmdd numbers and text dates.

    Slash dates are read day-first or month-first as the column's unambiguous values say, else
    by `day_first_default`, with one note when some value (03/04/2026) could read either way.
    """
    arr, kind = classify(values)
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[us]")
    failures: list[Failure] = []
    _real_dates(arr, kind, out, failures)
    _number_dates(arr, kind, out, failures, date1904)
    _text_dates(arr, kind, out, failures, day_first_default, notes, day_first_source)
    _implausible_dates(arr, out, failures)
    fail_kind(arr, kind, (BOOL, TIME, DELTA, OTHER), "a date", failures)
    failures.sort()
    return pd.Series(out, dtype="datetime64[us]"), failures


def _real_dates(arr: np.ndarray, kind: np.ndarray, out: np.ndarray, failures: list[Failure]) -> None:
    """The cells that hold dates already (a typed date column as it is), into `out`."""
    d = np.flatnonzero(kind == DATE)
    if len(d) and arr.dtype.kind == "M":  # a typed date column
        out[d] = arr[d].astype("datetime64[us]")
    elif len(d):
        try:
            conv = pd.to_datetime(pd.Series(arr[d], dtype=object), errors="coerce").astype("datetime64[us]")
        except (ValueError, TypeError):  # mixed time zones and the like: one by one
            conv = pd.Series([_one_date(v) for v in arr[d]], dtype="datetime64[us]")
        conv = conv.to_numpy()
        out[d] = conv
        for i in d[np.isnat(conv)].tolist():
            failures.append((i, f"{show(arr[i])} is not a plausible date"))


def _number_dates(arr: np.ndarray, kind: np.ndarray, out: np.ndarray, failures: list[Failure], date1904: bool) -> None:
    """Numbers as Excel serials (inside 1930-2100) or yyyymmdd, into `out`; any other number fails."""
    num = np.flatnonzero(kind == NUM)
    if not len(num):
        return
    vals = arr[num].astype(float)
    compact = (vals >= 19000101) & (vals <= 21001231) & (vals == np.round(vals))
    shift = 1462.0 if date1904 else 0.0  # the 1904 system counts 1,462 days fewer
    serial = (vals >= SERIAL_MIN - shift) & (vals < SERIAL_MAX + 1 - shift)
    if serial.any():
        origin = np.datetime64("1904-01-01" if date1904 else "1899-12-30", "s")
        secs = np.round(vals[serial] * 86400.0).astype(np.int64)
        out[num[serial]] = (origin + secs.astype("timedelta64[s]")).astype("datetime64[us]")
    for i, v in zip(num[compact].tolist(), vals[compact].tolist(), strict=True):
        try:
            out[i] = np.datetime64(parse_date_text(str(int(v))), "us")
        except ValueError as exc:
            failures.append((i, str(exc)))
    for i, v in zip(num[~(serial | compact)].tolist(), vals[~(serial | compact)].tolist(), strict=True):
        failures.append((i, f"{v:g} is not a plausible date (as an Excel serial it would be "
                            f"{'before 1930' if v < SERIAL_MIN - shift else 'after 2100'})"))


def _text_dates(arr: np.ndarray, kind: np.ndarray, out: np.ndarray, failures: list[Failure], day_first_default: bool,
                notes: list[Note] | None, day_first_source: str) -> None:
    """Dates typed as text, each distinct text parsed once, into `out`; with the note on the
    day/month order when some text could read either way."""
    idx, codes, texts = texts_of(arr, kind)
    if not texts:
        return
    dmy, mdy, example = day_first_evidence(texts)
    day_first = True if dmy > mdy else False if mdy > dmy else day_first_default
    stamps = _iso_stamps(texts)
    bad: dict[int, str] = {}
    for k, t in enumerate(texts):
        if stamps[k] is not None or not t:
            continue
        try:
            stamps[k] = parse_date_text(t, day_first)
        except ValueError as exc:
            bad[k] = error_reason(t, str(exc))
    parsed = np.array([np.datetime64("NaT") if s is None else np.datetime64(s, "us") for s in stamps],
                      dtype="datetime64[us]")
    out[idx] = parsed[codes]
    fail_texts(idx, codes, bad, failures)
    if notes is not None and example is not None:
        reading = pd.Timestamp(parse_date_text(example, day_first))
        order = "day/month" if day_first else "month/day"
        if dmy and mdy:
            notes.append(Note(f"the column mixes day/month and month/day dates; ambiguous ones such as "
                              f"{example!r} were read as {order} ({reading:%d %B %Y}), the majority",
                              severity="warning"))
        elif not dmy and not mdy:
            notes.append(Note(f"dates such as {example!r} could be day/month or month/day; read as {order} "
                              f"({reading:%d %B %Y}) from the {day_first_source}; set `day_first` in the "
                              "config if that is wrong"))


def _iso_stamps(texts: list[str]) -> list[pd.Timestamp | None]:
    """Per distinct text, its timestamp when it is ISO and there are many texts (timestamps of a
    large export, parsed as one array); None for every other text, parsed one by one after."""
    stamps: list[pd.Timestamp | None] = [None] * len(texts)
    if len(texts) < FAST_PATH_MIN:
        return stamps
    iso = [k for k, t in enumerate(texts) if _ISO_FAST.fullmatch(t)]
    if iso:
        fast = pd.to_datetime(pd.Series([texts[k] for k in iso]), format="ISO8601", errors="coerce")
        for k, ts in zip(iso, fast.tolist(), strict=True):
            if not pd.isna(ts) and MIN_YEAR <= ts.year <= MAX_YEAR:
                stamps[k] = ts
    return stamps


def _implausible_dates(arr: np.ndarray, out: np.ndarray, failures: list[Failure]) -> None:
    """Dates outside the years a business date can have, and Excel's days before 1 March 1900,
    taken out of `out` and reported."""
    bad_year = np.flatnonzero(~np.isnat(out))
    if not len(bad_year):
        return
    years = out[bad_year].astype("datetime64[Y]").astype(int) + 1970
    for i in bad_year[(years < MIN_YEAR) | (years > MAX_YEAR)].tolist():
        failures.append((i, f"{show(arr[i])} is outside {MIN_YEAR}-{MAX_YEAR}; not a plausible date"))
        out[i] = np.datetime64("NaT")
    early = bad_year[(out[bad_year] < EXCEL_FIRST_REAL) & ~np.isnat(out[bad_year])]
    for i in early.tolist():
        failures.append((i, f"{show(arr[i])} is not a real date: Excel shows the numbers 0 to 60 as days "
                            "before 1 March 1900 (60 as a 29 February 1900 that never was), so this is a number "
                            "or an empty formula formatted as a date; cell left out"))
        out[i] = np.datetime64("NaT")
