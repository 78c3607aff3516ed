"""Scalar value parsers for what real exports put in cells.

Each parser returns the value or raises ValueError with a reason a user understands. They
are applied once per distinct text in a column (see `columns.py`), so a million rows with a
few thousand distinct dates cost a few thousand parses.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

CURRENCY = re.compile(r"(?i)(?:US\$|\$|€|£|₺|¥|\bTRY\b|\bTL\b|\bUSD\b|\bEUR\b|\bGBP\b|\bYTL\b)")
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#N/A N/A"})

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "evet", "e", "doğru", "dogru", "var", "ja", "si", "oui"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "hayır", "hayir", "h", "yanlış", "yanlis", "yok", "-"})

MONTHS = {
    # English
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    # Turkish
    "oca": 1, "ocak": 1, "şub": 2, "şubat": 2, "sub": 2, "subat": 2, "mart": 3, "nis": 4, "nisan": 4,
    "mayıs": 5, "mayis": 5, "haz": 6, "haziran": 6, "tem": 7, "temmuz": 7, "ağu": 8, "ağustos": 8, "agu": 8,
    "agustos": 8, "eyl": 9, "eylül": 9, "eylul": 9, "eki": 10, "ekim": 10, "kas": 11, "kasım": 11, "kasim": 11,
    "ara": 12, "aralık": 12, "aralik": 12,
}


def is_excel_error(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def parse_number(text: str, decimal: str = ".") -> float:
    """'$1,234.50' -> 1234.5; '1.234,56 TL' -> 1234.56 (decimal=','); '(12)' -> -12; '12%' -> 0.12."""
    s = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not s:
        raise ValueError("empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = CURRENCY.sub("", s).strip()
    percent = s.endswith("%") or s.startswith("%")
    s = s.strip("%").strip()
    if s.endswith("-") and not s.startswith("-"):
        negative, s = True, s[:-1].strip()
    if s.startswith(("-", "−")):
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = s.replace(" ", "").replace("'", "")
    thousands = "," if decimal == "." else "."
    if not re.fullmatch(r"\d[\d.,]*", s):
        raise ValueError(f"{text!r} is not a number")
    if thousands in s:
        groups = s.split(decimal)[0].split(thousands)
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise ValueError(f"{text!r} has misplaced '{thousands}' separators for decimal '{decimal}'")
        s = s.replace(thousands, "")
    if s.count(decimal) > 1:
        raise ValueError(f"{text!r} has more than one decimal separator")
    value = float(s.replace(decimal, "."))
    if percent:
        value /= 100.0
    return -value if negative else value


def guess_decimal(samples: list[str], default: str = ".") -> str:
    """Which decimal separator a column's text numbers use, from the unambiguous ones."""
    comma = dot = 0
    for s in samples:
        t = CURRENCY.sub("", s).strip().strip("%()-+ ")
        if re.search(r"\.\d{3},\d+$", t) or re.fullmatch(r"\d+,\d{1,2}", t) or re.fullmatch(r"\d+,\d{4,}", t):
            comma += 1
        elif re.search(r",\d{3}\.\d+$", t) or re.fullmatch(r"\d+\.\d{1,2}", t) or re.fullmatch(r"\d+\.\d{4,}", t):
            dot += 1
    if comma > dot:
        return ","
    if dot > comma:
        return "."
    return default


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not yes/no")
    s = str(value).strip().casefold().replace("i̇", "i")
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not yes/no (use Yes/No, True/False, 1/0, Evet/Hayır or x)")


def excel_serial(value: float, date1904: bool = False) -> pd.Timestamp:
    if not 0 < value < 2958466:
        raise ValueError(f"{value!r} is not a plausible Excel date serial")
    origin = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    return pd.Timestamp(origin + dt.timedelta(days=float(value))).round("s")


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NAMED = re.compile(r"^(\d{1,2})[\s.-]+([^\W\d_]+)\.?[\s.-]+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_NAMED_US = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) == 2 and n < 70 else n + 1900 if len(y) == 2 else n


def _ts(y: int, mo: int, d: int, h: str | None = None, mi: str | None = None, s: str | None = None) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.datetime(y, mo, d, int(h or 0), int(mi or 0), int(s or 0)))
    except ValueError:
        raise ValueError(f"{y:04d}-{mo:02d}-{d:02d} is not a real date") from None


def parse_date_text(text: str, day_first: bool = True) -> pd.Timestamp:
    """ISO, 31.12.2026, 12/31/2026 (by `day_first`), '31 Ara 2026', 'Dec 31, 2026'."""
    s = str(text).strip()
    if m := _ISO.match(s):
        return _ts(int(m[1]), int(m[2]), int(m[3]), m[4], m[5], m[6])
    if m := _DMY.match(s):
        a, b, y = int(m[1]), int(m[3]), _year(m[4])
        if m[2] == ".":
            day, month = a, b  # dotted dates are day-first everywhere they are used
        elif a > 12:
            day, month = a, b
        elif b > 12:
            day, month = b, a
        else:
            day, month = (a, b) if day_first else (b, a)
        return _ts(y, month, day, m[5], m[6], m[7])
    if m := _NAMED.match(s):
        month = MONTHS.get(m[2].casefold())
        if month is None:
            raise ValueError(f"{text!r}: {m[2]!r} is not a month name")
        return _ts(int(m[3]), month, int(m[1]), m[4], m[5], m[6])
    if m := _NAMED_US.match(s):
        month = MONTHS.get(m[1].casefold())
        if month is None:
            raise ValueError(f"{text!r}: {m[1]!r} is not a month name")
        return _ts(int(m[3]), month, int(m[2]))
    raise ValueError(f"{text!r} is not a date in a known format (use 2026-12-31 or 31.12.2026)")


def guess_day_first(samples: list[str], default: bool = True) -> bool:
    """For slash dates, whether the column is day-first: decided by any value over 12."""
    for s in samples:
        m = _DMY.match(str(s).strip())
        if m and m[2] != ".":
            if int(m[1]) > 12:
                return True
            if int(m[3]) > 12:
                return False
    return default
