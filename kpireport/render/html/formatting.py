"""Values and changes as text in the report's locale, for the HTML and the plain text alike.

A thin layer over `render.formats` (shared with the workbook) that adds the translated words
formats.py cannot know: percentage points ("pp" / "puan") and duration units ("h" / "sa").
"""

from __future__ import annotations

from ...compute.report import finite_number
from ...i18n import Translator
from ..formats import decimal_text, format_change, format_duration, format_value, percent_text

ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "none": ""}


number = finite_number


class Formatter:
    """Locale-aware text for values and changes, shared by the HTML and the plain text."""

    def __init__(self, t: Translator, currency: str) -> None:
        self.t = t
        self.locale = t.locale
        self.currency = currency
        self.empty = "–"
        self._duration_words = {"d": t("html.units.d"), "h": t("html.units.h"), "min": t("html.units.min")}

    def value(self, v: float | None, unit: str) -> str:
        if v is None:
            return self.empty
        if unit == "duration":
            return format_duration(v, self._duration_words, self.locale)
        return format_value(v, unit, self.currency, self.locale, empty=self.empty, days_word=self.t("days_word"))

    def change(self, now: float | None, before: float | None, unit: str) -> str:
        if now is None or before is None:
            return self.empty
        delta = now - before
        if unit == "percent":
            pts = decimal_text(delta * 100, "+#,##0.0;-#,##0.0", self.locale)
            return f"{pts} {self.t('html.units.pp')}"
        if before <= 0:
            # A relative change from zero or a negative base (a loss turning into a profit)
            # is meaningless or misleading: show the absolute change in the KPI's unit.
            return self.t.digits("+" if delta >= 0 else "-") + self.value(abs(delta), unit)
        return format_change(delta, unit, delta / before, self.locale, self.currency)

    def gap(self, value: float, target: float, unit: str) -> str:
        """How far a value is from its target, without sign: '12.3%' or '4.1 pp'."""
        if unit == "percent":
            pts = decimal_text(abs(value - target) * 100, "#,##0.0", self.locale)
            return f"{pts} {self.t('html.units.pp')}"
        if target:
            return percent_text(abs(value - target) / abs(target), self.locale, 1)
        return self.value(abs(value - target), unit)

    def percent(self, fraction: float | None) -> str:
        if fraction is None:
            return self.empty
        return percent_text(fraction, self.locale, 0)

    def count(self, n: float) -> str:
        return decimal_text(n, "#,##0", self.locale)


def direction_of(now: float | None, before: float | None, direction: str) -> tuple[str, str]:
    """(up|down|flat|none, good|bad|neutral): the arrow and its colour for a change."""
    if now is None or before is None:
        return "none", "neutral"
    delta = now - before
    if delta == 0 or (before and abs(delta) / abs(before) < 0.0005):
        return "flat", "neutral"
    arrow = "up" if delta > 0 else "down"
    if direction == "higher":
        return arrow, "good" if delta > 0 else "bad"
    if direction == "lower":
        return arrow, "good" if delta < 0 else "bad"
    return arrow, "neutral"
