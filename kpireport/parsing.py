"""Scalar value parsers for what real exports put in cells.

Each parser returns the value or raises ValueError with a reason a user understands. They
are applied once per distinct text in a column (see `validate/columns.py`), so a million rows
with a few thousand distinct dates cost a few thousand parses.

The module sits below the mapping and validate stages because both parse values: mapping to
recognise a month header or a date column, validate to convert every cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
from babel.dates import get_month_names

CURRENCY = re.compile(r"(?i)(?:US\$|\$|€|£|₺|¥|\bTRY\b|\bTL\b|\bUSD\b|\bEUR\b|\bGBP\b|\bYTL\b|\bCHF\b)")
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#N/A N/A", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                          "#EXTERNAL!", "#PYTHON!"})

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "evet", "e", "doğru", "dogru", "var", "ja", "si", "oui",
                        "✓", "✔", "☑", "✅", "da", "بله", "آری", "درست"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "hayır", "hayir", "h", "yanlış", "yanlis", "yok", "-", "✗",
                         "✘", "☐", "ne", "خیر", "نه", "غلط"})

# Month names as exports write them, from babel (CLDR): wide and abbreviated, in the format and
# stand-alone forms, for the Gregorian-calendar languages kpireport speaks; each also without
# Turkish/Slovenian letters ("subat", "agustos"), as systems that drop them write it.
MONTH_LANGUAGES = ("en", "tr", "sl")
_ASCII = str.maketrans("şğıüöçčšž", "sgiuoccsz")


def _month_names() -> dict[str, int]:
    out: dict[str, int] = {"sept": 9}  # the one English spelling CLDR does not list
    for language in MONTH_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    key = name.casefold().replace("i̇", "i").rstrip(".")
                    out.setdefault(key, number)
                    out.setdefault(key.translate(_ASCII), number)
    return out


MONTHS = _month_names()
# Dates outside these years are not business dates: a serial or a typo, reported instead of used.
MIN_YEAR, MAX_YEAR = 1900, 2100


def is_excel_error(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def _fold(text: str) -> str:
    """casefold with the Turkish capital İ folded to a plain i."""
    return text.casefold().replace("i̇", "i")


def month_number(name: str) -> int | None:
    """'Oca', 'OCAK', 'Jan.', 'january' -> 1; None if not a month name."""
    return MONTHS.get(_fold(name.strip().rstrip(".")))


_NUMBER = re.compile(r"\d[\d.,]*")
_EXPONENT = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d{1,3}")


def parse_number(text: str, decimal: str = ".") -> float:
    """'$1,234.50' -> 1234.5; '1.234,56 TL' -> 1234.56 (decimal=','); '(12)' -> -12; '12%' -> 0.12."""
    s = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ").replace("−", "-")
    if not s:
        raise ValueError("empty")
    s = CURRENCY.sub("", s).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, CURRENCY.sub("", s[1:-1]).strip()
    percent = s.endswith("%") or s.startswith("%")
    s = s.strip("%").strip()
    if s.endswith("-") and not s.startswith("-"):
        negative, s = not negative, s[:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = CURRENCY.sub("", s).strip().replace(" ", "").replace("'", "")
    if decimal == "." and _EXPONENT.fullmatch(s):
        value = float(s)
        if not math.isfinite(value):
            raise ValueError(f"{text!r} is too large to be a number")
    else:
        if not _NUMBER.fullmatch(s):
            raise ValueError(f"{text!r} is not a number")
        value = _grouped(s, decimal, text)
    if percent:
        value /= 100.0
    return -value if negative else value


def _grouped(s: str, decimal: str, text: str) -> float:
    thousands = "," if decimal == "." else "."
    whole, sep, frac = s.partition(decimal)
    if decimal in frac:
        raise ValueError(f"{text!r} has more than one decimal separator '{decimal}'")
    if thousands in frac:
        raise ValueError(f"{text!r} mixes separators: '{thousands}' after the decimal '{decimal}'")
    if thousands in whole:
        groups = whole.split(thousands)
        if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            raise ValueError(f"{text!r} has misplaced '{thousands}' separators for decimal '{decimal}'")
        whole = "".join(groups)
    if sep and not frac:
        raise ValueError(f"{text!r} ends in a decimal separator")
    return float(f"{whole}.{frac}" if frac else whole)


_COMMA_DECIMAL = (re.compile(r"\.\d{3},\d+$"), re.compile(r"^\d+,\d{1,2}$"), re.compile(r"^\d+,\d{4,}$"),
                  re.compile(r"^\d{1,3}(?:\.\d{3}){2,}$"), re.compile(r"^0,\d+$"))
_DOT_DECIMAL = (re.compile(r",\d{3}\.\d+$"), re.compile(r"^\d+\.\d{1,2}$"), re.compile(r"^\d+\.\d{4,}$"),
                re.compile(r"^\d{1,3}(?:,\d{3}){2,}$"), re.compile(r"^0\.\d+$"))
_AMBIGUOUS_NUMBER = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")


def _clean_for_guess(s: str) -> str:
    return CURRENCY.sub("", s).replace("\u00a0", "").replace(" ", "").strip().strip("%()-+−")


def decimal_evidence(samples: list[str]) -> tuple[int, int, str | None]:
    """(comma-decimal votes, dot-decimal votes, an example that reads either way, e.g. '1,234')."""
    comma = dot = 0
    example = None
    for s in samples:
        t = _clean_for_guess(s)
        if any(p.search(t) for p in _COMMA_DECIMAL):
            comma += 1
        elif any(p.search(t) for p in _DOT_DECIMAL):
            dot += 1
        elif example is None and _AMBIGUOUS_NUMBER.match(t):
            example = s
    return comma, dot, example


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not yes/no")
    s = _fold(str(value).strip())
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not yes/no (use Yes/No, True/False, 1/0, Evet/Hayır, Da/Ne, بله/خیر or x)")


_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_ZONE = r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _ZONE + "$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})" + _TIME + _ZONE + "$")
_NAMED = re.compile(r"^(\d{1,2})[\s.-]+([^\W\d_]+)\.?,?[\s.-]+(\d{4}|\d{2})" + _TIME + "$")
_NAMED_US = re.compile(r"^(?:[^\W\d_]+,?\s+)?([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$")
_NAMED_YMD = re.compile(r"^(\d{4})[\s.-]+([^\W\d_]+)\.?[\s.-]+(\d{1,2})" + _TIME + "$")


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) == 2 and n < 70 else n + 1900 if len(y) == 2 else n


def _ts(y: int, mo: int, d: int, h: str | None = None, mi: str | None = None, s: str | None = None,
        ampm: str | None = None) -> pd.Timestamp:
    hour = int(h or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour} is not an hour on a 12-hour clock")
        pm = ampm[0] in "Pp"
        hour = (hour % 12) + (12 if pm else 0)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(f"year {y} is outside {MIN_YEAR}-{MAX_YEAR}; not a plausible date")
    try:
        return pd.Timestamp(dt.datetime(y, mo, d, hour, int(mi or 0), int(s or 0)))
    except ValueError:
        raise ValueError(f"{y:04d}-{mo:02d}-{d:02d} is not a real date") from None


def _month(name: str, text: str) -> int:
    month = month_number(name)
    if month is None:
        raise ValueError(f"{text!r}: {name!r} is not a month name")
    return month


def parse_date_text(text: str, day_first: bool = True) -> pd.Timestamp:
    """ISO (with T, fractions and a zone, which is dropped: the wall-clock time is kept),
    20261231, 31.12.2026, 12/31/2026 (by `day_first`, with AM/PM), '31 Ara 2026',
    '31-Dec-26', 'Dec 31, 2026', '2026 Aralık 31'."""
    s = " ".join(str(text).split())
    if m := _ISO.match(s):
        return _ts(int(m[1]), int(m[2]), int(m[3]), m[4], m[5], m[6], m[7])
    if m := _COMPACT.match(s):
        return _ts(int(m[1]), int(m[2]), int(m[3]))
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
        return _ts(y, month, day, m[5], m[6], m[7], m[8])
    if m := _NAMED.match(s):
        return _ts(_year(m[3]), _month(m[2], text), int(m[1]), m[4], m[5], m[6], m[7])
    if m := _NAMED_US.match(s):
        return _ts(int(m[3]), _month(m[1], text), int(m[2]), m[4], m[5], m[6], m[7])
    if m := _NAMED_YMD.match(s):
        return _ts(int(m[1]), _month(m[2], text), int(m[3]), m[4], m[5], m[6], m[7])
    raise ValueError(f"{text!r} is not a date in a known format (use 2026-12-31 or 31.12.2026)")


# --- months, for the monthly KPI sheet's column headers -------------------------------------

_YM = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
_NAME_Y = re.compile(r"^([^\W\d_]+)\.?\s*[-/.' ]?\s*'?(\d{4}|\d{2})$")
_Y_NAME = re.compile(r"^(\d{4})\s*[-/. ]?\s*([^\W\d_]+)\.?$")
_NAME_ONLY = re.compile(r"^([^\W\d_]+)\.?$")


def parse_month(value: object, year: int | None = None) -> str | None:
    """A month column header as 'YYYY-MM': a date, '2026-01', '01.2026', 'Oca 2026', 'Jan-26',
    'January 2026', '2026 Ocak'; a bare month name ('Ocak', 'Jan') only when `year` is given.
    None when the value is not a month."""
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        return None
    s = " ".join(value.split())
    if not s:
        return None
    y: int | None
    mo: int | None
    if m := _YM.match(s):
        y, mo = int(m[1]), int(m[2])
    elif m := _MY.match(s):
        y, mo = int(m[2]), int(m[1])
    elif m := _NAME_Y.match(s):
        y, mo = _year(m[2]), month_number(m[1])
    elif m := _Y_NAME.match(s):
        y, mo = int(m[1]), month_number(m[2])
    elif (m := _NAME_ONLY.match(s)) and year is not None:
        y, mo = year, month_number(m[1])
    else:
        try:
            ts = parse_date_text(s)
        except ValueError:
            return None
        y, mo = ts.year, ts.month
    if mo is None or not 1 <= mo <= 12 or y is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    return f"{y:04d}-{mo:02d}"
