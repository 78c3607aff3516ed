"""Number columns: typed numbers, and numbers typed as text in any local format ('$1,234.50',
'1.234,56 TL', '(12)', '12%', a talk time as 0:02:23), the decimal separator decided per column;
satisfaction scores, also given as words."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..parsing import decimal_evidence, parse_number
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
    fail_kind,
    fail_texts,
    parse_distinct,
    texts_of,
)
from .misreads import number_flags

# Satisfaction given as words (Zendesk: good / bad; offered and unoffered mean "no answer").
SCORE_WORDS = {"good": 5.0, "bad": 1.0, "good, i'm satisfied": 5.0, "bad, i'm unsatisfied": 1.0,
               "satisfied": 5.0, "unsatisfied": 1.0, "memnun": 5.0, "memnun değil": 1.0, "iyi": 5.0, "kötü": 1.0}
SCORE_BLANKS = frozenset({"offered", "unoffered", "not offered", "no rating", "n/a", "na", "-"})

_PLAIN = {".": re.compile(r"[+-]?\d+(?:\.\d+)?"), ",": re.compile(r"[+-]?\d+(?:,\d+)?")}


# A duration typed as a clock in a duration column (call-centre exports): 0:02:23, 02:23, 1:05:00.5
_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?")


def _clock_seconds(m: re.Match[str]) -> float:
    """h:mm:ss, or mm:ss without hours (a talk time is minutes and seconds far more often than hours)."""
    a, b, c = m.groups()
    return int(a) * 60 + int(b) if c is None else int(a) * 3600 + int(b) * 60 + float(c)


def to_number(values: Cells, decimal_default: str = ".", notes: list[Note] | None = None, *,
              scale: float = 1.0, duration_unit: float | None = None, decimal_source: str = "config or locale",
              amount: bool = False) -> tuple[pd.Series, list[Failure]]:
    """Numbers, also from text ('$1,234.50', '1.234,56 TL', '(12)', '12%').

    The decimal separator is decided per column from its unambiguous values, else
    `decimal_default`; when a value such as '1,234' could read either way, one note says which
    reading was used. `scale` multiplies every number (a header in minutes for a seconds column:
    60); with `duration_unit` (seconds per unit of the column) Excel durations and times of day
    become numbers in that unit. Cells the column's reading may get wrong are flagged one by one
    (misreads.py); in an `amount` column a percentage is left out and reported.
    """
    arr, kind = classify(values)
    out = np.full(len(arr), np.nan)
    failures: list[Failure] = []
    num = np.flatnonzero(kind == NUM)
    if len(num):
        out[num] = arr[num].astype(float)
    _text_numbers(arr, kind, out, failures, notes, decimal_default, decimal_source,
                  duration_unit=duration_unit, amount=amount)
    if scale != 1.0:
        out *= scale
    if duration_unit:
        for code, conv in ((DELTA, lambda v: v.total_seconds()),
                           (TIME, lambda v: v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6)):
            pos = np.flatnonzero(kind == code)
            if len(pos):
                out[pos] = np.array([conv(v) for v in arr[pos]], dtype=float) / duration_unit
        fail_kind(arr, kind, (BOOL, DATE, OTHER), "a number", failures)
    else:
        fail_kind(arr, kind, (BOOL, DATE, TIME, DELTA, OTHER), "a number", failures)
    failures.sort()
    return pd.Series(out, dtype="float64"), failures


def _text_numbers(arr: np.ndarray, kind: np.ndarray, out: np.ndarray, failures: list[Failure],
                  notes: list[Note] | None, decimal_default: str, decimal_source: str, *,
                  duration_unit: float | None, amount: bool) -> None:
    """Numbers typed as text, each distinct text parsed once with the column's decimal separator,
    into `out`; the notes on that separator and the cells it may misread."""
    idx, codes, texts = texts_of(arr, kind)
    if not texts:
        return
    comma, dot, example = decimal_evidence(texts[:5000])
    decimal = "," if comma > dot else "." if dot > comma else decimal_default
    plain = _PLAIN[decimal]

    def parse(t: str) -> float:
        if plain.fullmatch(t):
            return float(t.replace(",", "."))
        if duration_unit and (clock := _CLOCK.fullmatch(t.strip())):
            return _clock_seconds(clock) / duration_unit
        return parse_number(t, decimal)

    ok, bad = parse_distinct(texts, parse)
    warn, wrong = number_flags(texts, ok, decimal, bool(comma or dot), amount)
    for k in wrong:
        ok[k] = None
    bad.update(wrong)
    parsed = np.array([np.nan if v is None else v for v in ok], dtype=float)
    out[idx] = parsed[codes]
    fail_texts(idx, codes, bad, failures)
    if notes is None:
        return
    if warn:
        flagged: list[Failure] = []
        fail_texts(idx, codes, warn, flagged)
        notes.extend(Note(reason, pos, "warning") for pos, reason in sorted(flagged))
    point = "comma" if decimal == "," else "point"
    if comma and dot:
        notes.append(Note(f"the column mixes decimal commas and decimal points; read with a decimal {point} (the "
                          "majority); values that do not fit are reported", severity="warning"))
    elif example is not None and not comma and not dot:
        value = parse_number(example, decimal)
        notes.append(Note(f"numbers such as {example.strip()!r} could be read either way; read as {value:.10g} "
                          f"(decimal {point}, from the {decimal_source}); set `decimal` in the config if that is "
                          "wrong"))


def to_score(values: Cells, decimal_default: str = ".", notes: list[Note] | None = None,
             decimal_source: str = "config or locale") -> tuple[pd.Series, list[Failure]]:
    """A number, or satisfaction given as words: good -> 5, bad -> 1 on the 1-5 scale (with a note);
    'offered' / 'unoffered' (asked, no answer) are blanks."""
    series, failures = to_number(values, decimal_default, notes, decimal_source=decimal_source)
    if not failures:
        return series, failures
    words = {pos: str(values[pos]).strip().casefold() for pos, _ in failures if isinstance(values[pos], str)}
    used = {w for w in words.values() if w in SCORE_WORDS}
    if not used and not any(w in SCORE_BLANKS for w in words.values()):
        return series, failures
    out = series.to_numpy(copy=True)
    keep: list[Failure] = []
    for pos, reason in failures:
        w = words.get(pos)
        if w in SCORE_WORDS:
            out[pos] = SCORE_WORDS[w]
        elif w not in SCORE_BLANKS:
            keep.append((pos, reason))
    if used and notes is not None:
        notes.append(Note(f"satisfaction given as words ({', '.join(sorted(used))}): read as 5 for good and 1 for "
                          "bad on the 1-5 scale; 'offered' / 'unoffered' count as no answer"))
    return pd.Series(out, dtype="float64"), keep
