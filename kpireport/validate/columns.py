"""Convert one raw column (Python values from the reader) to its canonical type.

Returns the typed Series and the positions that could not be converted, with a reason.
Fast paths handle values that are already numbers or dates; text is parsed once per
distinct value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from .parsers import excel_serial, guess_day_first, guess_decimal, is_excel_error, parse_bool, parse_date_text, parse_number

Failure = tuple[int, str]


def _kinds(values: list[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = len(values)
    is_str = np.fromiter((isinstance(v, str) for v in values), bool, n)
    is_num = np.fromiter((isinstance(v, int | float) and not isinstance(v, bool) for v in values), bool, n)
    is_dt = np.fromiter((isinstance(v, dt.date | dt.datetime | pd.Timestamp) for v in values), bool, n)
    is_none = np.fromiter((v is None or (isinstance(v, float) and v != v) for v in values), bool, n)
    return is_str, is_num & ~is_none, is_dt, is_none


def _parse_unique(texts: list[str], parse: Callable[[str], object]) -> tuple[dict[str, object], dict[str, str]]:
    ok: dict[str, object] = {}
    bad: dict[str, str] = {}
    for t in set(texts):
        try:
            ok[t] = parse(t)
        except ValueError as exc:
            bad[t] = str(exc)
    return ok, bad


def _blank_text(values: list[object], is_str: np.ndarray) -> np.ndarray:
    out = is_str.copy()
    idx = np.flatnonzero(is_str)
    for i in idx:
        out[i] = not str(values[i]).strip()
    return out


def to_number(values: list[object], decimal_default: str = ".") -> tuple[pd.Series, list[Failure]]:
    is_str, is_num, is_dt, is_none = _kinds(values)
    blank = _blank_text(values, is_str)
    out = np.full(len(values), np.nan)
    num_idx = np.flatnonzero(is_num)
    out[num_idx] = [float(values[i]) for i in num_idx]  # type: ignore[arg-type]
    failures: list[Failure] = []
    str_idx = np.flatnonzero(is_str & ~blank)
    if len(str_idx):
        texts = [str(values[i]).strip() for i in str_idx]
        decimal = guess_decimal(list(dict.fromkeys(texts))[:2000], decimal_default)
        ok, bad = _parse_unique(texts, lambda t: parse_number(t, decimal))
        for i, t in zip(str_idx, texts):
            if t in ok:
                out[i] = ok[t]
            else:
                failures.append((int(i), _error_reason(t, bad[t])))
    for i in np.flatnonzero(~(is_str | is_num | is_none)):
        if isinstance(values[i], bool):
            out[i] = float(values[i])  # type: ignore[arg-type]
        else:
            failures.append((int(i), f"{values[i]!r} is not a number"))
    return pd.Series(out, dtype="float64"), failures


def _error_reason(text: str, reason: str) -> str:
    if is_excel_error(text):
        return f"cached Excel error {text.strip()}; cell excluded (fix the formula in the source workbook)"
    return reason


def to_date(values: list[object], day_first_default: bool = True, date1904: bool = False) -> tuple[pd.Series, list[Failure]]:
    is_str, is_num, is_dt, is_none = _kinds(values)
    blank = _blank_text(values, is_str)
    out = pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[us]")
    failures: list[Failure] = []
    dt_idx = np.flatnonzero(is_dt)
    if len(dt_idx):
        conv = pd.to_datetime(pd.Series([values[i] for i in dt_idx], dtype=object), errors="coerce")
        out.iloc[dt_idx] = conv.astype("datetime64[us]").to_numpy()
    num_idx = np.flatnonzero(is_num)
    for i in num_idx:
        try:
            out.iat[i] = excel_serial(float(values[i]), date1904)  # type: ignore[arg-type]
        except ValueError as exc:
            failures.append((int(i), str(exc)))
    str_idx = np.flatnonzero(is_str & ~blank)
    if len(str_idx):
        texts = [str(values[i]).strip() for i in str_idx]
        uniq = list(dict.fromkeys(texts))
        day_first = guess_day_first(uniq, day_first_default)
        ok, bad = _parse_unique(texts, lambda t: parse_date_text(t, day_first))
        positions, stamps = [], []
        for i, t in zip(str_idx, texts):
            if t in ok:
                positions.append(i)
                stamps.append(ok[t])
            else:
                failures.append((int(i), _error_reason(t, bad[t])))
        if positions:
            out.iloc[positions] = pd.to_datetime(pd.Series(stamps)).astype("datetime64[us]").to_numpy()
    for i in np.flatnonzero(~(is_str | is_num | is_dt | is_none)):
        failures.append((int(i), f"{values[i]!r} is not a date"))
    return out, failures


def to_bool(values: list[object]) -> tuple[pd.Series, list[Failure]]:
    is_str, is_num, is_dt, is_none = _kinds(values)
    blank = _blank_text(values, is_str)
    out: list[object] = [pd.NA] * len(values)
    failures: list[Failure] = []
    uses_x = any(isinstance(v, str) and v.strip().lower() == "x" for v in values[:5000])
    for i, v in enumerate(values):
        if is_none[i] or blank[i]:
            out[i] = False if uses_x else pd.NA
            continue
        try:
            out[i] = parse_bool(v)
        except ValueError as exc:
            failures.append((i, _error_reason(str(v), str(exc))))
    return pd.Series(out, dtype="boolean"), failures


def to_id(values: list[object]) -> tuple[pd.Series, list[Failure]]:
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and v != v):
            return pd.NA
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v).strip()
        return s if s else pd.NA

    return pd.Series([one(v) for v in values], dtype="string"), []


def to_text(values: list[object]) -> tuple[pd.Series, list[Failure]]:
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and v != v):
            return pd.NA
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v).strip()
        return s if s else pd.NA

    return pd.Series([one(v) for v in values], dtype="string"), []


def to_period_text(values: list[object]) -> tuple[pd.Series, list[Failure]]:
    """Periods stay text ("2026-03", "2026-Q1", "2026"); a real date becomes its month."""
    out: list[object] = []
    for v in values:
        if isinstance(v, dt.date | dt.datetime):
            out.append(f"{v.year:04d}-{v.month:02d}")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        elif v is None or (isinstance(v, str) and not v.strip()):
            out.append(pd.NA)
        else:
            out.append(str(v).strip())
    return pd.Series(out, dtype="string"), []
