"""Number formats, declared once per unit, used by the workbook and the HTML alike.

Values stay in their stored unit (percent as a fraction, duration in seconds). The workbook
shows a duration as Excel time (days), so its cells hold seconds / 86400: `excel_scale`.

Where the sign, the currency symbol and the percent sign go comes from the locale's own
patterns in babel (CLDR): `12.3%` and `$1,234` in en_US, `%12,3` and `₺1.234` in tr_TR,
`12,3 %` and `1.234 €` in de_DE. Only the number of decimals is ours. The few words a value
carries (percentage points, hours and minutes, days) come from the message catalog of the
locale's language, or of the Translator passed in. Where the locale writes its own digits
(fa_IR: ۱۲٫۳٪), babel's separators for its default numbering system are used and the digits
and percent sign swapped in (`i18n.native_digits`); the workbook keeps numbers as numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

from ..i18n import Translator, language_of, native_digits

if TYPE_CHECKING:
    from ..i18n import Translator

_NUMBER = re.compile(r"[#0,.]+")


@dataclass(frozen=True)
class UnitFormat:
    unit: str
    excel: str
    excel_scale: float = 1.0


@lru_cache(maxsize=32)
def _affixes(locale: str, kind: str) -> tuple[str, str]:
    """(prefix, suffix) around the number in the locale's standard percent or currency pattern."""
    loc = Locale.parse(locale or "en_US")
    pattern = (loc.percent_formats[None] if kind == "percent" else loc.currency_formats["standard"]).pattern
    positive = pattern.split(";")[0]
    m = _NUMBER.search(positive)
    if m is None:  # pragma: no cover - every CLDR pattern has digits
        return ("", "%") if kind == "percent" else ("¤", "")
    return positive[:m.start()], positive[m.end():]


def _digits(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def percent_pattern(locale: str, decimals: int = 1, signed: bool = False) -> str:
    """A babel pattern for a percentage in the locale's layout: '#,##0.0%' (en), '%#,##0.0' (tr)."""
    prefix, suffix = _affixes(locale, "percent")
    body = f"{prefix}{_digits(decimals)}{suffix}"
    return f"+{body};-{body}" if signed else body


def currency_pattern(locale: str, decimals: int = 0) -> str:
    """A babel pattern for money in the locale's layout: '¤#,##0' (en, tr), '#,##0 ¤' (de)."""
    prefix, suffix = _affixes(locale, "currency")
    return f"{prefix}{_digits(decimals)}{suffix}"


def percent_text(fraction: float, locale: str = "en_US", decimals: int = 1, signed: bool = False) -> str:
    """0.123 -> '12.3%' (en_US), '%12,3' (tr_TR), '12,3 %' (de_DE), '۱۲٫۳٪' (fa_IR)."""
    text = format_percent(fraction, percent_pattern(locale, decimals, signed), locale=locale,
                          numbering_system="default")
    return native_digits(text, locale)


def decimal_text(value: float, pattern: str, locale: str = "en_US") -> str:
    """A number in a babel pattern, with the locale's own separators and digits."""
    return native_digits(format_decimal(value, pattern, locale=locale, numbering_system="default"), locale)


def _excel_literal(text: str, symbol: str = "") -> str:
    """Affix text of a babel pattern as Excel number-format text: % stays bare, the rest is quoted."""
    out = []
    for part in re.split(r"(%)", text.replace("¤", symbol).replace('"', "")):
        if part == "%":
            out.append("%")
        elif part:
            out.append(f'"{part}"')
    return "".join(out)


def excel_percent(locale: str = "en_US", decimals: int = 1, signed: bool = False) -> str:
    """An Excel number format for a fraction shown as percent: '0.0%' (en), '%0.0' (tr)."""
    prefix, suffix = _affixes(locale, "percent")
    digits = "0" + ("." + "0" * decimals if decimals > 0 else "")
    body = f"{_excel_literal(prefix)}{digits}{_excel_literal(suffix)}"
    return f"+{body};-{body};{body}" if signed else body


def excel_currency(currency: str = "USD", locale: str = "en_US", decimals: int = 0) -> str:
    """An Excel number format for money: '"$"#,##0' (en_US), '"₺"#,##0' (tr_TR), '#,##0" €"' (de_DE);
    plain '#,##0' without a currency (no config and a locale without a country)."""
    if not currency:
        return _digits(decimals)
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    prefix, suffix = _affixes(locale, "currency")
    return f"{_excel_literal(prefix, symbol)}{_digits(decimals)}{_excel_literal(suffix, symbol)}"


def _translator(locale: str, t: Translator | None) -> Translator:
    if t is not None:
        return t
    return Translator(language_of(locale), locale)


def unit_words(locale: str = "en_US", t: Translator | None = None) -> dict[str, str]:
    """The words values carry, in the language of `t` (else of the locale): pp, d, h, min, days."""
    t = _translator(locale, t)
    return {"pp": t("html.units.pp"), "d": t("html.units.d"), "h": t("html.units.h"), "min": t("html.units.min"),
            "days": t("days_word")}


def unit_formats(currency: str = "USD", locale: str = "en_US", days_word: str | None = None,
                 t: Translator | None = None) -> dict[str, UnitFormat]:
    w = unit_words(locale, t)
    days = (days_word or w["days"]).replace('"', "")
    h, m = w["h"].replace('"', ""), w["min"].replace('"', "")
    return {
        "count": UnitFormat("count", "#,##0"),
        "percent": UnitFormat("percent", excel_percent(locale, 1)),
        "currency": UnitFormat("currency", excel_currency(currency, locale)),
        "duration": UnitFormat("duration", f'[h]"{h}" mm"{m}"', 1 / 86400),
        "days": UnitFormat("days", f'0.0" {days}"'),
        "score": UnitFormat("score", "0.0"),
        "ratio": UnitFormat("ratio", "0.00"),
    }


def format_duration(seconds: float, words: dict[str, str] | None = None, locale: str = "en_US") -> str:
    """'2h 05min', '3d 4h' (words from the message file), in the locale's digits."""
    return native_digits(_duration_text(seconds, words), locale)


def _duration_text(seconds: float, words: dict[str, str] | None) -> str:
    w = words or {"d": "d", "h": "h", "min": "min"}
    # Latin abbreviations stick to the number (2h, 2sa); words of other scripts (Persian ساعت) do not.
    sep = " " if any(ord(ch) > 0x24F for ch in w["h"] + w["min"]) else ""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} {w['min']}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}{sep}{w['h']} {minutes:02d}{sep}{w['min']}" if minutes else f"{hours}{sep}{w['h']}"
    days, hours = divmod(hours, 24)
    return f"{days}{sep}{w['d']} {hours}{sep}{w['h']}"


def format_value(value: float | None, unit: str, currency: str = "USD", locale: str = "en_US",
                 empty: str = "–", days_word: str | None = None, t: Translator | None = None) -> str:
    """A value as a person reads it, in the report's locale (words in `t`'s language, else the locale's)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    return native_digits(_value_text(value, unit, currency, locale, days_word, t), locale)


def _value_text(value: float, unit: str, currency: str, locale: str, days_word: str | None,
                t: Translator | None) -> str:
    if unit == "percent":
        return percent_text(value, locale, 1)
    if unit == "currency" and not currency:  # no currency known: the number without a symbol
        return format_decimal(value, "#,##0" if abs(value) >= 100 else "#,##0.00", locale=locale)
    if unit == "currency":
        decimals = 0 if abs(value) >= 100 else 2
        return format_currency(value, currency, format=currency_pattern(locale, decimals), locale=locale,
                               currency_digits=False, numbering_system="default")
    if unit == "duration":
        return format_duration(value, unit_words(locale, t), locale)
    if unit == "days":
        return f"{decimal_text(value, '#,##0.0', locale)} {days_word or unit_words(locale, t)['days']}"
    if unit == "count":
        return decimal_text(value, "#,##0", locale)
    if unit == "score":
        return decimal_text(value, "#,##0.0", locale)
    return decimal_text(value, "#,##0.00", locale)


def format_change(delta: float | None, unit: str, relative: float | None, locale: str = "en_US",
                  currency: str = "USD", t: Translator | None = None) -> str:
    """'+4.2%' for relative change (in the locale's layout); percentage points for percent KPIs."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    if unit == "percent":
        pts = decimal_text(delta * 100, "+#,##0.0;-#,##0.0", locale)
        return f"{pts} {unit_words(locale, t)['pp']}"
    if relative is None or math.isnan(relative) or math.isinf(relative):
        sign = native_digits("+" if delta >= 0 else "−", locale)
        return sign + format_value(abs(delta), unit, currency, locale, t=t)
    return percent_text(relative, locale, 1, signed=True)
