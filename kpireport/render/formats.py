"""Number formats, declared once per unit, used by the workbook and the HTML alike.

Values stay in their stored unit (percent as a fraction, duration in seconds). The workbook
shows a duration as Excel time (days), so its cells hold seconds / 86400: `excel_scale`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol


@dataclass(frozen=True)
class UnitFormat:
    unit: str
    excel: str
    excel_scale: float = 1.0


def unit_formats(currency: str = "USD", locale: str = "en_US", days_word: str = "d") -> dict[str, UnitFormat]:
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    money = f'#,##0 "{symbol}"' if locale.startswith("tr") else f'"{symbol}"#,##0'
    return {
        "count": UnitFormat("count", "#,##0"),
        "percent": UnitFormat("percent", "0.0%"),
        "currency": UnitFormat("currency", money),
        "duration": UnitFormat("duration", '[h]"h" mm"m"', 1 / 86400),
        "days": UnitFormat("days", f'0.0" {days_word}"'),
        "score": UnitFormat("score", "0.0"),
        "ratio": UnitFormat("ratio", "0.00"),
    }


def format_duration(seconds: float, words: dict[str, str] | None = None) -> str:
    w = words or {"d": "d", "h": "h", "min": "min"}
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} {w['min']}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}{w['h']} {minutes:02d}{w['min']}" if minutes else f"{hours}{w['h']}"
    days, hours = divmod(hours, 24)
    return f"{days}{w['d']} {hours}{w['h']}"


def format_value(value: float | None, unit: str, currency: str = "USD", locale: str = "en_US",
                 empty: str = "–", days_word: str = "days") -> str:
    """A value as a person reads it, in the report's locale."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    if unit == "percent":
        return format_percent(value, "#,##0.0%", locale=locale)
    if unit == "currency":
        digits = "#,##0" if abs(value) >= 100 else "#,##0.00"
        return format_currency(value, currency, format="¤" + digits if not locale.startswith("tr") else digits + " ¤",
                               locale=locale, currency_digits=False)
    if unit == "duration":
        return format_duration(value)
    if unit == "days":
        return f"{format_decimal(value, '#,##0.0', locale=locale)} {days_word}"
    if unit == "count":
        return format_decimal(value, "#,##0", locale=locale)
    if unit == "score":
        return format_decimal(value, "#,##0.0", locale=locale)
    return format_decimal(value, "#,##0.00", locale=locale)


def format_change(delta: float | None, unit: str, relative: float | None, locale: str = "en_US",
                  currency: str = "USD") -> str:
    """'+4.2%' for relative change; percentage-point change for percent KPIs."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    if unit == "percent":
        pts = format_decimal(delta * 100, "+#,##0.0;-#,##0.0", locale=locale)
        return f"{pts} pp"
    if relative is None or math.isnan(relative) or math.isinf(relative):
        sign = "+" if delta >= 0 else "−"
        return sign + format_value(abs(delta), unit, currency, locale)
    return format_percent(relative, "+#,##0.0%;-#,##0.0%", locale=locale)
