"""Text, ID and period columns: every cell as the text it shows (a number as typed: 42, not
42.0), Excel error values reported; an ID Excel may have changed (16+ digits, scientific
notation) kept and flagged. A typed text column of many distinct texts is cleaned with Arrow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..parsing import is_excel_error
from .cells import (
    BOOL,
    DATE,
    DELTA,
    NUM,
    OTHER,
    STR,
    TIME,
    Cells,
    Failure,
    Note,
    classify,
    error_reason,
    fail_texts,
    texts_of,
)

# Excel keeps 15 significant digits: an ID stored as a number with more digits has been changed.
EXCEL_DIGITS = 15


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


def _arrowtexts_of(arr: pd.Categorical, kind: np.ndarray):
    """(idx, codes, stripped distinct texts as an Arrow array) for a typed text column of many
    distinct ASCII texts (a million order IDs); None otherwise. Same texts as `_texts`, without a
    Python loop over each: that loop was most of validating such a column."""
    if len(arr.categories) < ARROW_MIN_TEXTS:
        return None
    idx = np.flatnonzero(kind == STR)
    codes, used = pd.factorize(arr.codes[idx])
    dictionary = pa.array(arr.categories.to_numpy(dtype=object)[used], type=pa.string())
    if not pc.all(pc.string_is_ascii(dictionary)).as_py():
        return None
    return idx, codes, pc.utf8_trim(dictionary, characters=_ASCII_SPACE)


def _textual_arrow(found, failures: list[Failure], seen: list | None, arr, kind):
    """`_textual` for what `_arrow_texts` found: Excel errors among the few texts starting with '#'."""
    idx, codes, texts = found
    if seen is not None:
        seen.extend((arr, kind, idx, codes, texts))
    hashed = np.flatnonzero(pc.starts_with(texts, "#").to_numpy(zero_copy_only=False))
    bad = {k: error_reason(texts[k].as_py(), "") for k in hashed.tolist() if is_excel_error(texts[k].as_py())}
    fail_texts(idx, codes, bad, failures)
    drop = pc.equal(pc.utf8_length(texts), 0).to_numpy(zero_copy_only=False).copy()
    drop[list(bad)] = True
    clean = pc.if_else(pa.array(drop), pa.scalar(None, pa.string()), texts)
    full = np.full(len(arr), -1, dtype=np.int32)
    full[idx] = codes
    return pa.DictionaryArray.from_arrays(pa.array(full, mask=full < 0), clean)


def _textual(values: Cells, failures: list[Failure], date_text: Callable[[object], str],
             seen: list | None = None):
    """Every cell as text (None for blanks and Excel errors): an object array, or for a typed text
    column (a Categorical) an Arrow dictionary array, built without a string per row. `seen`, if
    given, receives (arr, kind, idx, codes, texts) for callers that look further; texts is a list
    of str, or an Arrow array for a column of many distinct texts."""
    arr, kind = classify(values)
    if isinstance(arr, pd.Categorical) and (found := _arrowtexts_of(arr, kind)) is not None:
        return _textual_arrow(found, failures, seen, arr, kind)
    idx, codes, texts = texts_of(arr, kind)
    if seen is not None:
        seen.extend((arr, kind, idx, codes, texts))
    bad = {k: error_reason(t, "") for k, t in enumerate(texts) if t[:1] == "#" and is_excel_error(t)}
    fail_texts(idx, codes, bad, failures)
    clean = [None if (not t or k in bad) else t for k, t in enumerate(texts)]
    if isinstance(arr, pd.Categorical):
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


def to_text(values: Cells, notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    failures: list[Failure] = []
    out = _textual(values, failures, _date_text)
    failures.sort()
    return _string_series(out), failures


_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d{1,3}$")


def to_id(values: Cells, notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
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
    """A real date in a period column: its month."""
    return f"{v.year:04d}-{v.month:02d}" if isinstance(v, dt.date) else str(v)


def to_period_text(values: Cells, notes: list[Note] | None = None) -> tuple[pd.Series, list[Failure]]:
    """Periods stay text ("2026-03", "2026-Q1", "2026"); a real date becomes its month."""
    failures: list[Failure] = []
    out = _textual(values, failures, _period_date)
    failures.sort()
    return _string_series(out), failures
