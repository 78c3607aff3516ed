"""The plain settings of a config file, each checked on its own: who the report is for (company,
currency, language, locale), how the input's numbers and dates read, which periods it covers, how
the input is mapped and where the user's templates are. Each checker takes the file's path (for
the error) and the raw YAML value, and returns the value the Config field holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel import Locale as BabelLocale
from babel.core import UnknownLocaleError
from babel.numbers import get_territory_currencies

from ..errors import UsageError
from ..i18n import default_locale, languages
from ..mapping import MappingOverrides
from ..mapping.mapper import IGNORE_WORDS
from ..periods import Grain, parse_period
from ..ranges import parse_range, wants_all
from ..schema import default_schema
from .errors import did_you_mean, fail

_EXAMPLES = {"company": '"Kuzey Outdoor A.Ş."', "currency": "EUR", "locale": "en_GB"}
_COMMA_LOCALES = ("tr", "de", "fr", "es", "it", "nl", "pt", "sl", "ru", "pl", "cs", "da", "fi", "nb", "sv", "id")


def identity(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """company, currency, language and locale as Config fields: only those the file sets (a
    language without a locale brings its usual locale)."""
    kw: dict[str, Any] = {}
    for key in ("company", "currency", "locale"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise fail(path, key, "must be text", f"For example {key}: {_EXAMPLES[key]}")
            kw[key] = raw[key].strip()
    if "currency" in kw:
        kw["currency"] = _currency(path, kw["currency"])
    if "language" in raw:
        kw["language"] = _language(path, raw["language"])
        if "locale" not in kw:
            kw["locale"] = default_locale(kw["language"])
    if "locale" in kw:
        kw["locale"] = _locale(path, kw["locale"])
    return kw


def decimal_mark(path: Path, raw: dict[str, Any], locale: str) -> str:
    """The decimal separator of numbers typed as text: the file's, else the locale's language's."""
    if "decimal" in raw:
        if raw["decimal"] not in (".", ","):
            raise fail(path, "decimal", f"{raw['decimal']!r} is not '.' or ','", "Quote it: decimal: ','")
        return str(raw["decimal"])
    return "," if locale.split("_")[0] in _COMMA_LOCALES else "."


def locale_currency(locale: str) -> str:
    """The currency of the locale's country (en_US: USD, de_DE: EUR); '' for a locale without one."""
    try:
        territory = BabelLocale.parse(locale.replace("-", "_")).territory
        found = get_territory_currencies(territory, tender=True) if territory else []
    except Exception:  # babel's UnknownLocaleError and friends: no currency rather than a guess
        return ""
    return found[0] if found else ""


def _currency(path: Path, code: str) -> str:
    if len(code) != 3 or not code.isalpha():
        raise fail(path, "currency", f"{code!r} is not a 3-letter currency code", "For example USD, EUR or TRY.")
    return code.upper()


def _language(path: Path, value: Any) -> str:
    available = languages()
    if value not in available:
        hint = f"Use one of {', '.join(available)}, or add kpireport/data/messages/{value}.yaml (a copy of en.yaml)."
        raise fail(path, "language", f"{value!r} is not available", did_you_mean(str(value), available) + hint)
    return str(value)


def _locale(path: Path, value: str) -> str:
    try:
        BabelLocale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise fail(path, "locale", f"{value!r} is not a locale", "For example en_US, en_GB, tr_TR or de_DE.") from None
    return value.replace("-", "_")


# ---- the calendar: which periods, read how ----------------------------------------------------

def fiscal_year_start(path: Path, fy: Any) -> int:
    if not isinstance(fy, int) or isinstance(fy, bool) or not 1 <= fy <= 12:
        raise fail(path, "fiscal_year_start", f"{fy!r} is not a month number 1-12", "For example 4 for April.")
    return fy


def grain(path: Path, raw: Any) -> Grain:
    try:
        return Grain(raw)
    except ValueError:
        raise fail(path, "grain", f"{raw!r} is not a grain", "Use month, quarter or year.") from None


def calendar(path: Path, raw: Any) -> str:
    if raw not in ("gregorian", "persian"):
        raise fail(path, "calendar", f"{raw!r} is not a calendar", "Use gregorian or persian.")
    return str(raw)


def day_first(path: Path, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise fail(path, "day_first", f"{raw!r} is not true or false")
    return raw


def as_of(path: Path, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise fail(path, "as_of", f"{raw!r} is not a date", "Write it as 2026-11-30.") from None


def period_setting(path: Path, raw: Any, fiscal_year_start: int) -> str:
    """`period:` as --period takes it, checked for its form here (against the data at run time)."""
    text = str(raw).strip()
    if wants_all(text):
        return "all"
    try:
        parse_range(text, fiscal_year_start) or parse_period(text, fiscal_year_start)
    except UsageError as exc:
        raise fail(path, "period", exc.message, "Write 2026-10, 2026-Q3, 2026, 2011..2014 or all.") from None
    return text


# ---- the input's mapping and the user's templates -----------------------------------------------

def mapping(path: Path, raw: Any) -> MappingOverrides:
    """`mapping:` (sheets -> tables, per table header -> our column), every name checked."""
    if raw is None:
        return MappingOverrides()
    example = 'For example mapping: {sheets: {"export.xlsx/Sheet1": orders}, columns: {orders: {"Datum": order_date}}}'
    if not isinstance(raw, dict):
        raise fail(path, "mapping", "must have 'sheets' and/or 'columns'", example)
    extra = sorted(str(k) for k in set(raw) - {"sheets", "columns"})
    if extra:
        raise fail(path, f"mapping.{extra[0]}", "unknown key; mapping has 'sheets' and 'columns'", example)
    sheets = raw.get("sheets") or {}
    columns = raw.get("columns") or {}
    if not isinstance(sheets, dict):
        raise fail(path, "mapping.sheets", "must map sheet names to tables",
                   'For example {"export.xlsx/Sheet1": orders}')
    if not isinstance(columns, dict):
        raise fail(path, "mapping.columns", "must map tables to {their header: our column}",
                   'For example {orders: {"Belegdatum": order_date}}')
    schema = default_schema()
    tables = [*schema.tables, "kpi_sheet"]
    for sheet, table in sheets.items():
        if str(table).strip().casefold() in IGNORE_WORDS - {""}:
            continue  # "ignore": the file or sheet is listed as ignored, never read as a table
        if str(table) not in tables:
            raise fail(path, f"mapping.sheets.{sheet}", f"{table!r} is not a table",
                       did_you_mean(str(table), tables) + f"Tables: {', '.join(tables)}; or 'ignore'.")
    for table, cols in columns.items():
        if str(table) not in schema.tables:
            raise fail(path, f"mapping.columns.{table}", "is not a table",
                       did_you_mean(str(table), list(schema.tables)) + f"Tables: {', '.join(schema.tables)}.")
        if cols is None:
            continue
        if not isinstance(cols, dict):
            raise fail(path, f"mapping.columns.{table}", "must map their header to our column",
                       'For example {"Belegdatum": order_date}')
        names = [c.name for c in schema.tables[str(table)].columns]
        for header, ours in cols.items():
            if str(ours).strip().casefold() not in IGNORE_WORDS and str(ours) not in names:
                raise fail(path, f"mapping.columns.{table}.{header}", f"{ours!r} is not a column of {table}",
                           did_you_mean(str(ours), names) + f"Columns: {', '.join(names)}; or 'ignore'.")
    return MappingOverrides({str(k): str(v) for k, v in sheets.items()},
                            {str(t): {str(h): str(c) for h, c in (cols or {}).items()} for t, cols in columns.items()})



def templates(path: Path, raw: Any) -> Path | None:
    """The folder of the user's templates, relative to the config file; None when not given."""
    if raw is None:
        return None
    tdir = (path.parent / str(raw)).resolve()
    if not tdir.is_dir():
        raise fail(path, "templates", f"folder {tdir} does not exist",
                   "Give a folder relative to the config file, holding your report.html.j2 or partials.")
    return tdir
