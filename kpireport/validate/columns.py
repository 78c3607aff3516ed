"""Convert one raw column (Python values from the reader) to its canonical type.

Each converter returns the typed Series and the positions that could not be converted, with
a reason; findings that do not stop a value from being used (an ambiguous date order, an ID
Excel may have rounded) are appended to `notes`. Nothing is ever turned silently into NaN, 0
or 1970: a cell is either converted, blank in the source, or reported.

Work is vectorised per column: cells are classified by type in one pass, typed numbers and
dates convert as arrays, and text is parsed once per distinct value (`pd.factorize`), so a
million rows with a few thousand distinct texts cost a few thousand parses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd

from ..parsing import (
    MAX_YEAR,
    MIN_YEAR,
    decimal_evidence,
    is_excel_error,
    parse_bool,
    parse_date_text,
    parse_number,
)
from .misreads import number_flags

Failure = tuple[int, str]

BLANK, STR, NUM, BOOL, DATE, TIME, DELTA, OTHER = range(8)
_CODES: dict[type, int] = {
    type(None): BLANK, str: STR, float: NUM, int: NUM, bool: BOOL, dt.datetime: DATE, dt.date: DATE,
    pd.Timestamp: DATE, dt.time: TIME, dt.timedelta: DELTA, pd.Timedelta: DELTA,
    np.float64: NUM, np.float32: NUM, np.int64: NUM, np.int32: NUM, np.bool_: BOOL, np.datetime64: DATE,
}
# Untyped numbers in a date column are read as Excel serials only inside 1930-2100: a 0, a 12 or
# a year typed as 2026 is reported, not turned into a day in 1900. (1900 system; 1904: 1,462 less.)
SERIAL_MIN, SERIAL_MAX = 10959.0, 73415.0  # 1930-01-01, 2100-12-31
# Serials 0-60 of the 1900 system (1900-01-00 .. the non-existent 1900-02-29): never a business date
EXCEL_FIRST_REAL = np.datetime64("1900-03-01", "us")
# Excel keeps 15 significant digits: an ID stored as a number with more digits has been changed.
EXCEL_DIGITS = 15
# Satisfaction given as words (Zendesk: good / bad; offered and unoffered mean "no answer").
SCORE_WORDS = {"good": 5.0, "bad": 1.0, "good, i'm satisfied": 5.0, "bad, i'm unsatisfied": 1.0,
               "satisfied": 5.0, "unsatisfied": 1.0, "memnun": 5.0, "memnun değil": 1.0, "iyi": 5.0, "kötü": 1.0}
SCORE_BLANKS = frozenset({"offered", "unoffered", "not offered", "no rating", "n/a", "na", "-"})


@dataclass(frozen=True)
class Note:
    """A finding that does not stop the value being used: one per column, or per cell with `position`."""

    reason: str
    position: int | None = None
    severity: str = "info"  # info | warning


def classify(values) -> tuple[np.ndarray, np.ndarray]:
    """The values as an array and a type code per value (BLANK for None, '' and NaN).

    Typed columns of a large sheet (read/sheet.py) are classified by their dtype and kept as
    they are: float64 (NUM), datetime64 (DATE), or a Categorical of texts (STR).
    """
    if isinstance(values, pd.Categorical):
        return values, np.where(values.codes < 0, BLANK, STR).astype(np.uint8)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values, np.where(np.isnan(values), BLANK, NUM).astype(np.uint8)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values, np.where(np.isnat(values), BLANK, DATE).astype(np.uint8)
    n = len(values)
    arr = np.empty(n, dtype=object)
    arr[:] = values
    kind = np.fromiter(map(_CODES.get, map(type, values), repeat(OTHER)), dtype=np.uint8, count=n)
    s = kind == STR
    if s.any():
        idx = np.flatnonzero(s)
        kind[idx[arr[idx] == ""]] = BLANK
    f = kind == NUM
    if f.any():
        idx = np.flatnonzero(f)
        kind[idx[np.isnan(arr[idx].astype(float))]] = BLANK
    other = np.flatnonzero(kind == OTHER)
    for i in other:  # rare: subclasses and foreign scalar types
        v = arr[i]
        kind[i] = (BOOL if isinstance(v, bool | np.bool_) else NUM if isinstance(v, int | float | np.number)
                   else DATE if isinstance(v, dt.date) else TIME if isinstance(v, dt.time)
                   else DELTA if isinstance(v, dt.timedelta) else STR if isinstance(v, str) else OTHER)
    return arr, kind


def _texts(arr: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Positions of the text cells, the index of each one's distinct value, and the distinct values stripped."""
    idx = np.flatnonzero(kind == STR)
    if not len(idx):
        return idx, np.empty(0, dtype=np.intp), []
    if isinstance(arr, pd.Categorical):  # distinct texts in order of first appearance, as factorize gives
        codes, used = pd.factorize(arr.codes[idx])
        return idx, codes, [str(u).strip() for u in arr.categories.to_numpy(dtype=object)[used]]
    codes, uniques = pd.factorize(arr[idx])
    return idx, codes, [str(u).strip() for u in uniques]


def _parse_distinct(texts: list[str], parse: Callable[[str], object]) -> tuple[list[object], dict[int, str]]:
    ok: list[object] = [None] * len(texts)
    bad: dict[int, str] = {}
    for k, t in enumerate(texts):
        if not t:
            continue
        try:
            ok[k] = parse(t)
        except ValueError as exc:
            bad[k] = _error_reason(t, str(exc))
    return ok, bad


def _error_reason(text: str, reason: str) -> str:
    if is_excel_error(text):
        return f"cached Excel error {text.strip()}; cell excluded (fix the formula in the source workbook)"
    return reason


def _fail_texts(idx: np.ndarray, codes: np.ndarray, bad: dict[int, str], failures: list[Failure]) -> None:
    if not bad:
        return
    bad_codes = np.fromiter(bad, dtype=np.intp, count=len(bad))
    hit = np.isin(codes, bad_codes)
    for pos, code in zip(idx[hit].tolist(), codes[hit].tolist(), strict=True):
        failures.append((pos, bad[code]))


def _fail_kind(arr: np.ndarray, kind: np.ndarray, codes: tuple[int, ...], what: str, failures: list[Failure]) -> None:
    for i in np.flatnonzero(np.isin(kind, codes)).tolist():
        failures.append((i, f"{_show(arr[i])} is {_kind_name(kind[i])}, not {what}"))


def _show(v: object) -> str:
    if isinstance(v, np.datetime64):
        v = pd.Timestamp(v)
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return repr(v)


def _kind_name(k: int) -> str:
    return {BOOL: "a yes/no value", DATE: "a date", TIME: "a time of day without a date", DELTA: "a duration",
            NUM: "a number", STR: "text"}.get(int(k), "an unsupported value")


# --- numbers -----------------------------------------------------------------------------------

_PLAIN = {".": re.compile(r"[+-]?\d+(?:\.\d+)?"), ",": re.compile(r"[+-]?\d+(?:,\d+)?")}


# A duration typed as a clock in a duration column (call-centre exports): 0:02:23, 02:23, 1:05:00.5
_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?")


def _clock_seconds(m: re.Match[str]) -> float:
    """h:mm:ss, or mm:ss without hours (a talk time is minutes and seconds far more often than hours)."""
    a, b, c = m.groups()
    return int(a) * 60 + int(b) if c is None else int(a) * 3600 + int(b) * 60 + float(c)


def to_number(values: list[object], decimal_default: str = ".", notes: list[Note] | None = None, *,
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
    idx, codes, texts = _texts(arr, kind)
    if texts:
        comma, dot, example = decimal_evidence(texts[:5000])
        decimal = "," if comma > dot else "." if dot > comma else decimal_default
        plain = _PLAIN[decimal]

        def parse(t: str) -> float:
            if plain.fullmatch(t):
                return float(t.replace(",", "."))
            if duration_unit and (clock := _CLOCK.fullmatch(t.strip())):
                return _clock_seconds(clock) / duration_unit
            return parse_number(t, decimal)

        ok, bad = _parse_distinct(texts, parse)
        warn, wrong = number_flags(texts, ok, decimal, bool(comma or dot), amount)
        for k in wrong:
            ok[k] = None
        bad.update(wrong)
        parsed = np.array([np.nan if v is None else v for v in ok], dtype=float)
        out[idx] = parsed[codes]
        _fail_texts(idx, codes, bad, failures)
        if notes is not None and warn:
            flagged: list[Failure] = []
            _fail_texts(idx, codes, warn, flagged)
            notes.extend(Note(reason, pos, "warning") for pos, reason in sorted(flagged))
        if notes is not None:
            if comma and dot:
                notes.append(Note(f"the column mixes decimal commas and decimal points; read with a decimal "
                                  f"{'comma' if decimal == ',' else 'point'} (the majority); values that do not fit "
                                  "are reported", severity="warning"))
            elif example is not None and not comma and not dot:
                value = parse_number(example, decimal)
                notes.append(Note(f"numbers such as {example.strip()!r} could be read either way; read as "
                                  f"{value:.10g} (decimal {'comma' if decimal == ',' else 'point'}, from the "
                                  f"{decimal_source}); set `decimal` in the config if that is wrong"))
    if scale != 1.0:
        out *= scale
    if duration_unit:
        for code, conv in ((DELTA, lambda v: v.total_seconds()),
                           (TIME, lambda v: v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6)):
            pos = np.flatnonzero(kind == code)
            if len(pos):
                out[pos] = np.array([conv(v) for v in arr[pos]], dtype=float) / duration_unit
        _fail_kind(arr, kind, (BOOL, DATE, OTHER), "a number", failures)
    else:
        _fail_kind(arr, kind, (BOOL, DATE, TIME, DELTA, OTHER), "a number", failures)
    failures.sort()
    return pd.Series(out, dtype="float64"), failures


def to_score(values: list[object], decimal_default: str = ".", notes: list[Note] | None = None,
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


# --- dates ---------------------------------------------------------------------------------------

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


def to_date(values: list[object], day_first_default: bool = True, date1904: bool = False,
            notes: list[Note] | None = None, day_first_source: str = "config or locale",
            ) -> tuple[pd.Series, list[Failure]]:
    """Real dates, Excel serials (1900 or 1904 system, 1930-2100), yyyymmdd numbers and text dates.

    Slash dates are read day-first or month-first as the column's unambiguous values say, else
    by `day_first_default`, with one note when some value (03/04/2026) could read either way.
    """
    arr, kind = classify(values)
    n = len(arr)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    failures: list[Failure] = []
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
            failures.append((i, f"{_show(arr[i])} is not a plausible date"))
    num = np.flatnonzero(kind == NUM)
    if len(num):
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
    idx, codes, texts = _texts(arr, kind)
    if texts:
        dmy, mdy, example = day_first_evidence(texts)
        day_first = True if dmy > mdy else False if mdy > dmy else day_first_default
        stamps: list[pd.Timestamp | None] = [None] * len(texts)
        todo = list(range(len(texts)))
        if len(texts) >= FAST_PATH_MIN:  # many distinct ISO texts (timestamps): parse them as one array
            iso = [k for k in todo if _ISO_FAST.fullmatch(texts[k])]
            if iso:
                fast = pd.to_datetime(pd.Series([texts[k] for k in iso]), format="ISO8601", errors="coerce")
                for k, ts in zip(iso, fast.tolist(), strict=True):
                    if not pd.isna(ts) and MIN_YEAR <= ts.year <= MAX_YEAR:
                        stamps[k] = ts
                todo = [k for k in todo if stamps[k] is None]
        bad: dict[int, str] = {}
        for k in todo:
            t = texts[k]
            if not t:
                continue
            try:
                stamps[k] = parse_date_text(t, day_first)
            except ValueError as exc:
                bad[k] = _error_reason(t, str(exc))
        parsed = np.array([np.datetime64("NaT") if s is None else np.datetime64(s, "us") for s in stamps],
                          dtype="datetime64[us]")
        out[idx] = parsed[codes]
        _fail_texts(idx, codes, bad, failures)
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
    bad_year = np.flatnonzero(~np.isnat(out))
    if len(bad_year):
        years = out[bad_year].astype("datetime64[Y]").astype(int) + 1970
        for i in bad_year[(years < MIN_YEAR) | (years > MAX_YEAR)].tolist():
            failures.append((i, f"{_show(arr[i])} is outside {MIN_YEAR}-{MAX_YEAR}; not a plausible date"))
            out[i] = np.datetime64("NaT")
        early = bad_year[(out[bad_year] < EXCEL_FIRST_REAL) & ~np.isnat(out[bad_year])]
        for i in early.tolist():
            failures.append((i, f"{_show(arr[i])} is not a real date: Excel shows the numbers 0 to 60 as days "
                                "before 1 March 1900 (60 as a 29 February 1900 that never was), so this is a number "
                                "or an empty formula formatted as a date; cell left out"))
            out[i] = np.datetime64("NaT")
    _fail_kind(arr, kind, (BOOL, TIME, DELTA, OTHER), "a date", failures)
    failures.sort()
    return pd.Series(out, dtype="datetime64[us]"), failures


# --- yes/no ----------------------------------------------------------------------------------------

def to_bool(values: list[object], notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    """Yes/No, Y/N, TRUE/FALSE, 1/0, Evet/Hayır; a column marked with "x" reads blanks as no."""
    arr, kind = classify(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    failures: list[Failure] = []
    b = np.flatnonzero(kind == BOOL)
    out[b] = arr[b].astype(bool)
    known[b] = True
    num = np.flatnonzero(kind == NUM)
    if len(num):
        vals = arr[num].astype(float)
        good = (vals == 0) | (vals == 1)
        out[num[good]] = vals[good] == 1
        known[num[good]] = True
        for i, v in zip(num[~good].tolist(), vals[~good].tolist(), strict=True):
            failures.append((i, f"{v:g} is not yes/no (use 1 or 0)"))
    idx, codes, texts = _texts(arr, kind)
    uses_x = False
    if texts:
        ok, bad = _parse_distinct(texts, parse_bool)
        uses_x = any(t.casefold() in ("x", "✓", "✔") for t in texts)
        value = np.array([bool(v) for v in ok], dtype=bool)
        good_code = np.array([v is not None for v in ok], dtype=bool)
        out[idx] = value[codes]
        known[idx] = good_code[codes]
        _fail_texts(idx, codes, bad, failures)
    _fail_kind(arr, kind, (DATE, TIME, DELTA, OTHER), "yes/no", failures)
    if uses_x:
        blank = ~known
        if failures:
            blank[[p for p, _ in failures]] = False
        out[blank] = False
        known |= blank
    failures.sort()
    result = pd.array(out, dtype="boolean")
    result[~known] = pd.NA
    return pd.Series(result, dtype="boolean"), failures


# --- text, IDs, periods ----------------------------------------------------------------------------

def _number_text(vals: np.ndarray) -> list[str]:
    """Numbers as they would be typed: 42.0 -> '42', 12.5 -> '12.5'."""
    whole = (vals == np.round(vals)) & (np.abs(vals) < 2.0 ** 63)
    out = [repr(v) for v in vals.tolist()]
    if whole.any():
        ints = vals[whole].astype(np.int64).tolist()
        for k, i in zip(np.flatnonzero(whole).tolist(), ints, strict=True):
            out[k] = str(i)
    return out


ARROW_MIN_TEXTS = 50_000  # distinct texts from which a typed text column is cleaned with Arrow compute
# what str.strip() removes among ASCII characters (str.isspace() is true for \x1c-\x1f too)
_ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _arrow_texts(arr: pd.Categorical, kind: np.ndarray):
    """(idx, codes, stripped distinct texts as an Arrow array) for a typed text column of many
    distinct ASCII texts (a million order IDs); None otherwise. Same texts as `_texts`, without a
    Python loop over each: that loop was most of validating such a column."""
    if len(arr.categories) < ARROW_MIN_TEXTS:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    idx = np.flatnonzero(kind == STR)
    codes, used = pd.factorize(arr.codes[idx])
    dictionary = pa.array(arr.categories.to_numpy(dtype=object)[used], type=pa.string())
    if not pc.all(pc.string_is_ascii(dictionary)).as_py():
        return None
    return idx, codes, pc.utf8_trim(dictionary, characters=_ASCII_SPACE)


def _textual_arrow(found, failures: list[Failure], seen: list | None, arr, kind):
    """`_textual` for what `_arrow_texts` found: Excel errors among the few texts starting with '#'."""
    import pyarrow as pa
    import pyarrow.compute as pc

    idx, codes, texts = found
    if seen is not None:
        seen.extend((arr, kind, idx, codes, texts))
    hashed = np.flatnonzero(pc.starts_with(texts, "#").to_numpy(zero_copy_only=False))
    bad = {k: _error_reason(texts[k].as_py(), "") for k in hashed.tolist() if is_excel_error(texts[k].as_py())}
    _fail_texts(idx, codes, bad, failures)
    drop = pc.equal(pc.utf8_length(texts), 0).to_numpy(zero_copy_only=False).copy()
    drop[list(bad)] = True
    clean = pc.if_else(pa.array(drop), pa.scalar(None, pa.string()), texts)
    full = np.full(len(arr), -1, dtype=np.int32)
    full[idx] = codes
    return pa.DictionaryArray.from_arrays(pa.array(full, mask=full < 0), clean)


def _textual(values: list[object], failures: list[Failure], date_text: Callable[[object], str],
             seen: list | None = None):
    """Every cell as text (None for blanks and Excel errors): an object array, or for a typed text
    column (a Categorical) an Arrow dictionary array, built without a string per row. `seen`, if
    given, receives (arr, kind, idx, codes, texts) for callers that look further; texts is a list
    of str, or an Arrow array for a column of many distinct texts."""
    arr, kind = classify(values)
    if isinstance(arr, pd.Categorical) and (found := _arrow_texts(arr, kind)) is not None:
        return _textual_arrow(found, failures, seen, arr, kind)
    idx, codes, texts = _texts(arr, kind)
    if seen is not None:
        seen.extend((arr, kind, idx, codes, texts))
    bad = {k: _error_reason(t, "") for k, t in enumerate(texts) if t[:1] == "#" and is_excel_error(t)}
    _fail_texts(idx, codes, bad, failures)
    clean = [None if (not t or k in bad) else t for k, t in enumerate(texts)]
    if isinstance(arr, pd.Categorical):
        import pyarrow as pa

        full = np.full(len(arr), -1, dtype=np.int32)
        full[idx] = codes
        return pa.DictionaryArray.from_arrays(pa.array(full, mask=full < 0), pa.array(clean, type=pa.string()))
    out = np.full(len(arr), None, dtype=object)
    if texts:
        out[idx] = np.array(clean, dtype=object)[codes]
    num = np.flatnonzero(kind == NUM)
    if len(num):
        out[num] = _number_text(arr[num].astype(float))
    for code, fn in ((DATE, date_text), (BOOL, lambda v: "TRUE" if v else "FALSE"),
                     (TIME, lambda v: v.isoformat()), (DELTA, str), (OTHER, str)):
        pos = np.flatnonzero(kind == code)
        if len(pos):
            vals = pd.DatetimeIndex(arr[pos]) if arr.dtype.kind == "M" else arr[pos]
            out[pos] = [fn(v) for v in vals]
    return out


def _date_text(v: object) -> str:
    if isinstance(v, dt.datetime | pd.Timestamp) and (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
        return v.isoformat(sep=" ")
    return v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else str(v)


def _string_series(out) -> pd.Series:
    if not isinstance(out, np.ndarray):  # an Arrow dictionary array from a typed text column
        return pd.Series(pd.array(out.dictionary_decode(), dtype="string"))
    series = pd.Series(out, dtype=object)
    return series.astype("string")


def to_text(values: list[object], notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    failures: list[Failure] = []
    out = _textual(values, failures, _date_text)
    failures.sort()
    return _string_series(out), failures


_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d{1,3}$")


def to_id(values: list[object], notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    """IDs as text, exactly: '000123' stays, 42.0 becomes '42'. An ID Excel stored as a number with
    16+ digits (rounded to 15 significant digits) or as '1.23457E+15' text is kept and reported."""
    failures: list[Failure] = []
    seen: list = []
    out = _textual(values, failures, _date_text, seen)
    if notes is not None:
        arr, kind, idx, codes, texts = seen
        num = np.flatnonzero(kind == NUM)
        if len(num):
            vals = np.abs(arr[num].astype(float))
            for i in num[vals >= 10.0 ** EXCEL_DIGITS].tolist():
                notes.append(Note(f"ID {out[i]} has 16 or more digits and was stored as a number: Excel keeps only "
                                  f"{EXCEL_DIGITS} significant digits, so it may have been changed; format the "
                                  "column as Text in the source before exporting", i, "warning"))
        if isinstance(texts, list):
            sci = [k for k, t in enumerate(texts) if t[:1].isdigit() and _SCIENTIFIC.match(t)]
        else:  # ASCII texts: RE2's \d is Python's \d there
            import pyarrow.compute as pc

            sci = np.flatnonzero(pc.match_substring_regex(texts, _SCIENTIFIC.pattern).to_numpy(
                zero_copy_only=False)).tolist()
        if sci:
            hit = np.isin(codes, np.array(sci, dtype=np.intp))
            for i in idx[hit].tolist():
                notes.append(Note(f"ID {str(arr[i]).strip()!r} is a number Excel shortened to scientific notation; "
                                  "the original ID is lost. Export the column as text", i, "warning"))
    failures.sort()
    return _string_series(out), failures


def _period_date(v: object) -> str:
    return f"{v.year:04d}-{v.month:02d}"  # type: ignore[attr-defined]


def to_period_text(values: list[object], notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    """Periods stay text ("2026-03", "2026-Q1", "2026"); a real date becomes its month."""
    failures: list[Failure] = []
    out = _textual(values, failures, _period_date)
    failures.sort()
    return _string_series(out), failures
