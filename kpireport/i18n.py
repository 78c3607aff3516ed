"""Message catalogs: every label and sentence of the outputs, per language.

Messages live in `data/messages/<lang>/*.yaml` (flat or nested keys, joined with dots). A
missing key raises, so an untranslated label is caught by the tests, not by a reader.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
import yaml
from babel.dates import format_date

from .errors import ConfigError
from .periods import Grain, grain_of
from .resources import data_file


def _flatten(prefix: str, raw: Any, out: dict[str, str]) -> None:
    if isinstance(raw, dict):
        for k, v in raw.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = str(raw)


@lru_cache(maxsize=8)
def messages(lang: str) -> dict[str, str]:
    folder = data_file("messages") / lang
    if not folder.is_dir():
        raise ConfigError(f"no messages for language {lang!r}.", "Use en or tr.")
    out: dict[str, str] = {}
    for f in sorted(folder.glob("*.yaml")):
        _flatten("", yaml.safe_load(f.read_text(encoding="utf-8")) or {}, out)
    return out


class Translator:
    def __init__(self, lang: str = "en", locale: str = "en_US") -> None:
        self.lang = lang
        self.locale = locale
        self.messages = messages(lang)

    def __call__(self, key: str, **kw: Any) -> str:
        try:
            text = self.messages[key]
        except KeyError:
            raise KeyError(f"message {key!r} is missing for language {self.lang!r}") from None
        return text.format(**kw) if kw else text

    def period(self, p: pd.Period) -> str:
        """'October 2026' / 'Ekim 2026', 'Q3 2026' / '2026 3. Çeyrek', '2026'."""
        g = grain_of(p)
        if g is Grain.MONTH:
            return format_date(p.start_time.date(), "LLLL y", locale=self.locale)
        if g is Grain.QUARTER:
            return self("period.quarter", q=p.quarter, year=p.qyear)
        return self("period.year", year=p.qyear if hasattr(p, "qyear") else p.year)

    def period_short(self, p: pd.Period) -> str:
        g = grain_of(p)
        if g is Grain.MONTH:
            return format_date(p.start_time.date(), "LLL yy", locale=self.locale)
        if g is Grain.QUARTER:
            return self("period.quarter_short", q=p.quarter, year=str(p.qyear)[2:])
        return str(p.year)

    def date(self, d: Any) -> str:
        return format_date(d, "long", locale=self.locale)
