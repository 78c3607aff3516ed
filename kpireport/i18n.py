"""Message catalogs: every label and sentence of the outputs, one file per language.

Messages live in `data/messages/<lang>.yaml` (nested keys, read joined with dots:
`workbook.sheets.dashboard`). Adding a language is adding one such file: `languages()` finds
it, the config accepts its code, and its `meta.locale` is the default locale. A missing key
raises, so an untranslated label is caught by the tests (which compare every language's keys
with English), not by a reader.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date

from .calendars import Calendar
from .errors import ConfigError
from .periods import Grain, grain_of
from .ranges import bounds, is_all, is_range
from .resources import data_file
from .yamlfile import parse_yaml

_CODE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")
# The digit zero of the numbering systems CLDR gives as a locale's default where that is not
# Latin (babel names the system, fa_IR -> "arabext", but formats every number with 0-9).
_ZERO = {"arab": "\u0660", "arabext": "\u06f0", "beng": "\u09e6", "deva": "\u0966", "mymr": "\u1040",
         "tibt": "\u0f20"}


def _flatten(prefix: str, raw: Any, out: dict[str, str]) -> None:
    if isinstance(raw, dict):
        for k, v in raw.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = "" if raw is None else str(raw)


def languages() -> tuple[str, ...]:
    """The language codes that have a message file, English first."""
    found = sorted(p.stem for p in data_file("messages").glob("*.yaml") if _CODE.match(p.stem))
    return tuple(sorted(found, key=lambda c: (c != "en", c)))


@lru_cache(maxsize=8)
def messages(lang: str) -> dict[str, str]:
    """Every message of `lang`, flat: {"workbook.sheets.dashboard": "Dashboard", ...}."""
    if not isinstance(lang, str) or not _CODE.match(lang):
        raise ConfigError(f"{lang!r} is not a language code.", f"Use one of {', '.join(languages())}.")
    path = data_file("messages") / f"{lang}.yaml"
    if not path.is_file():
        raise ConfigError(f"no messages for language {lang!r}.", f"Use one of {', '.join(languages())}.")
    raw = parse_yaml(path.read_text(encoding="utf-8"), path, ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected nested key: value lines.")
    out: dict[str, str] = {}
    _flatten("", raw, out)
    return out


def default_locale(lang: str) -> str:
    """The locale a language uses when the config names none (its file's `meta.locale`)."""
    return messages(lang).get("meta.locale") or "en_US"


def language_of(locale: str) -> str:
    """The message language for a locale ('tr_TR' -> 'tr'), English when there is no such file."""
    code = str(locale or "en").replace("-", "_").split("_")[0].lower()
    return code if code in languages() else "en"


@lru_cache(maxsize=32)
def _digit_table(locale: str) -> dict[int, str] | None:
    try:
        loc = Locale.parse(str(locale or "en_US").replace("-", "_"))
    except (ValueError, TypeError):
        return None
    system = loc.default_numbering_system
    zero = _ZERO.get(system)
    if zero is None:
        return None
    table = {ord(str(d)): chr(ord(zero) + d) for d in range(10)}
    symbols = loc.number_symbols[system]
    # The signs carry a left-to-right mark in fa (U+200E), which keeps them beside the number in RTL text.
    for ascii_sign, name in (("%", "percentSign"), ("+", "plusSign"), ("-", "minusSign"), ("\u2212", "minusSign")):
        if symbols.get(name):
            table[ord(ascii_sign)] = symbols[name]
    return table


def native_digits(text: str, locale: str) -> str:
    """`text` with the locale's own digits and signs where it does not use 0-9: '12٫5%' -> '۱۲٫۵٪'.

    The separators come from babel's numbering_system="default" already; this swaps the digits,
    the percent sign and plus and minus (babel has the symbols but formats with ASCII ones)."""
    table = _digit_table(locale)
    return text.translate(table) if table else text


def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left (babel/CLDR: fa, ar, he, ur ...)."""
    try:
        return Locale.parse(lang).character_order == "right-to-left"
    except (ValueError, TypeError):
        return False


class Translator:
    def __init__(self, lang: str = "en", locale: str = "en_US", calendar: str = "gregorian") -> None:
        self.lang = lang
        self.locale = locale
        self.calendar = Calendar(calendar)  # Solar Hijri month names with calendar: persian
        self.messages = messages(lang)
        self.rtl = is_rtl(lang)

    def __call__(self, key: str, **kw: Any) -> str:
        try:
            text = self.messages[key]
        except KeyError:
            raise KeyError(f"message {key!r} is missing for language {self.lang!r}") from None
        if not kw:
            return text
        # Counts given as numbers are written in the locale's digits (Persian: ۱۲ for 12).
        kw = {k: self.digits(str(v)) if isinstance(v, int) and not isinstance(v, bool) else v
              for k, v in kw.items()}
        return text.format(**kw)

    def digits(self, text: str) -> str:
        """`text` with this locale's digits (see `native_digits`)."""
        return native_digits(text, self.locale)

    def get(self, key: str, default: str | None = None, **kw: Any) -> str | None:
        """The message, or `default` when this language has no such key."""
        if key not in self.messages:
            return default
        return self(key, **kw)

    def period(self, p: pd.Period) -> str:
        """'October 2026' / 'Ekim 2026', 'Q3 2026' / '2026 3. Çeyrek', '2026'; a range
        'January 2024 – June 2024', 'all data: January 2024 – October 2026'."""
        if is_range(p):
            return self._range(p, self.period)
        g = grain_of(p)
        if g is Grain.MONTH and self.calendar.persian:
            return self.digits(f"{self.calendar.month_name(p, self.lang)} {p.year}")
        if g is Grain.MONTH:
            return self.digits(format_date(p.start_time.date(), "LLLL y", locale=self.locale))
        if g is Grain.QUARTER:
            return self("period.quarter", q=p.quarter, year=p.qyear)
        return self("period.year", year=p.qyear if hasattr(p, "qyear") else p.year)

    def period_short(self, p: pd.Period) -> str:
        if is_range(p):
            return self._range(p, self.period_short)
        g = grain_of(p)
        if g is Grain.MONTH and self.calendar.persian:
            return self.digits(f"{self.month_short(p)} {str(p.year)[2:]}")
        if g is Grain.MONTH:
            return self.digits(format_date(p.start_time.date(), "LLL yy", locale=self.locale))
        if g is Grain.QUARTER:
            return self("period.quarter_short", q=p.quarter, year=self.digits(str(p.qyear)[2:]))
        return self.digits(str(p.year))

    def month_short(self, p: pd.Period) -> str:
        """A month's short name: 'Oct' (babel), Solar Hijri 'Far' (the whole name in Persian)."""
        if self.calendar.persian:
            name = self.calendar.month_name(p, self.lang)
            return name if self.lang == "fa" else name[:3]
        return format_date(p.start_time.date(), "LLL", locale=self.locale)

    def _range(self, p: pd.Period, one: Any) -> str:
        first, last = bounds(p)
        return self("period.all" if is_all(p) else "period.range", first=one(first), last=one(last))

    def grain(self, p: pd.Period, grain: Grain) -> str:
        """The grain word of a report for p: 'Monthly', or 'Whole range' for a range."""
        return self("grain.range") if is_range(p) else self(f"grain.{Grain(grain).value}")

    def date(self, d: Any) -> str:
        """A day in words: 'November 3, 2026'; with the Solar Hijri calendar '13 Aban 1405'."""
        if self.calendar.persian:
            j = self.calendar.day(d)
            month = self.calendar.month_name(pd.Period(year=j.year, month=j.month, freq="M"), self.lang)
            return self.digits(f"{j.day} {month} {j.year}")
        return self.digits(format_date(d, "long", locale=self.locale))


_EDGE = re.compile(r"^[\s·:–—|,-]+|[\s·:–—|,-]+$")
_DOUBLE = re.compile(r"\s*([·|])(?:\s*[·|])+\s*")


def tidy(text: str) -> str:
    """A message whose placeholder was empty, without the separators left dangling.

    With no company name, "{company} KPI report – {period}" gives " KPI report – October 2026";
    tidy makes it "KPI report – October 2026" (also " · month · ..." -> "month · ...").
    """
    return _EDGE.sub("", _DOUBLE.sub(lambda m: f" {m.group(1)} ", text))
