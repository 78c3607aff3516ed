"""The cells of one raw column sorted by type, and what every converter shares: the type codes,
the findings (`Note`) and failures it reports, each distinct text parsed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import TypeAlias, TypeVar

import numpy as np
import pandas as pd

from ..parsing import is_excel_error

Failure = tuple[int, str]
# A raw column as the readers give it: Python values, or a typed array of a large sheet (float64,
# datetime64, or a Categorical of texts; see read/sheet.py).
Cells: TypeAlias = "list[object] | np.ndarray | pd.Categorical"
T = TypeVar("T")

BLANK, STR, NUM, BOOL, DATE, TIME, DELTA, OTHER = range(8)
_CODES: dict[type, int] = {
    type(None): BLANK, str: STR, float: NUM, int: NUM, bool: BOOL, dt.datetime: DATE, dt.date: DATE,
    pd.Timestamp: DATE, dt.time: TIME, dt.timedelta: DELTA, pd.Timedelta: DELTA,
    np.float64: NUM, np.float32: NUM, np.int64: NUM, np.int32: NUM, np.bool_: BOOL, np.datetime64: DATE,
}


@dataclass(frozen=True)
class Note:
    """A finding that does not stop the value being used: one per column, or per cell with `position`."""

    reason: str
    position: int | None = None
    severity: str = "info"  # info | warning


def classify(values: Cells) -> tuple[np.ndarray, np.ndarray]:
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


def texts_of(arr: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Positions of the text cells, the index of each one's distinct value, and the distinct values stripped."""
    idx = np.flatnonzero(kind == STR)
    if not len(idx):
        return idx, np.empty(0, dtype=np.intp), []
    if isinstance(arr, pd.Categorical):  # distinct texts in order of first appearance, as factorize gives
        codes, used = pd.factorize(arr.codes[idx])
        return idx, codes, [str(u).strip() for u in arr.categories.to_numpy(dtype=object)[used]]
    codes, uniques = pd.factorize(arr[idx])
    return idx, codes, [str(u).strip() for u in uniques]


def parse_distinct(texts: list[str], parse: Callable[[str], T]) -> tuple[list[T | None], dict[int, str]]:
    """Each distinct text parsed once: (value per text, None where blank or bad; {text: reason} of the bad)."""
    ok: list[T | None] = [None] * len(texts)
    bad: dict[int, str] = {}
    for k, t in enumerate(texts):
        if not t:
            continue
        try:
            ok[k] = parse(t)
        except ValueError as exc:
            bad[k] = error_reason(t, str(exc))
    return ok, bad


def error_reason(text: str, reason: str) -> str:
    """The reason a text failed, or that it is a cached Excel error (#N/A, #DIV/0!) with the fix."""
    if is_excel_error(text):
        return f"cached Excel error {text.strip()}; cell excluded (fix the formula in the source workbook)"
    return reason


def fail_texts(idx: np.ndarray, codes: np.ndarray, bad: dict[int, str], failures: list[Failure]) -> None:
    if not bad:
        return
    bad_codes = np.fromiter(bad, dtype=np.intp, count=len(bad))
    hit = np.isin(codes, bad_codes)
    for pos, code in zip(idx[hit].tolist(), codes[hit].tolist(), strict=True):
        failures.append((pos, bad[code]))


def fail_kind(arr: np.ndarray, kind: np.ndarray, codes: tuple[int, ...], what: str, failures: list[Failure]) -> None:
    """A failure for every cell of a type the column cannot take (a date in a number column)."""
    for i in np.flatnonzero(np.isin(kind, codes)).tolist():
        failures.append((i, f"{show(arr[i])} is {_kind_name(kind[i])}, not {what}"))


def show(v: object) -> str:
    """A cell's value as a message shows it."""
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
