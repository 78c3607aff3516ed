"""The user's configuration file (YAML), validated with messages that name the file and the key.

Everything a business user may want to change without Python lives here: company name,
currency, language and locale, fiscal year start, grain, column mapping, extra or changed
KPIs, hidden KPIs, target and status-band overrides, recipients and SMTP settings. Secrets
never do: SMTP credentials come from the environment (KPIREPORT_SMTP_USER /
KPIREPORT_SMTP_PASSWORD), and a key that looks like one is refused.

`KEYS` describes every top-level key once; `kpireport init` writes a commented file from
`CONFIG_TEMPLATE`, and a test checks that the two cover the same keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import default_catalog, load_catalog
from .engines import spark_settings
from .errors import ConfigError, UsageError
from .i18n import default_locale, languages
from .mapping import MappingOverrides
from .mapping.mapper import IGNORE_WORDS
from .periods import Grain, label, parse_period
from .schema import default_schema
from .validate import Locale
from .yamlfile import SafeLoader, parse_yaml

# Every top-level key, with the sentence `kpireport init` and the errors use to explain it.
KEYS: dict[str, str] = {
    "company": "Company name shown on the workbook, the summary and the e-mail.",
    "currency": "3-letter currency code of money columns (USD, EUR, TRY).",
    "language": "Language of the outputs: a message file in kpireport/data/messages (en, fa, sl, tr).",
    "locale": "Number, currency and date formats, e.g. en_US, en_GB, tr_TR, de_DE (default: the language's).",
    "fiscal_year_start": "Month (1-12) the fiscal year starts; quarters and years follow it.",
    "grain": "Default report grain: month, quarter or year.",
    "period": "Period to report when --period is not given: 2026-10, 2026-Q3, 2026, a range 2011..2014, or all.",
    "calendar": "Calendar of the report periods: gregorian, or persian (Solar Hijri months, quarters and years).",
    "decimal": "Decimal separator of numbers typed as text in the input: '.' or ',' (default from the locale).",
    "day_first": "Read 03/04/2026 as 3 April (true) or March 4 (false).",
    "as_of": "Date a customer snapshot without dates (a churn list) describes (default: the files' modified date).",
    "service_level_seconds": "Seconds within which an answered call counts toward the service level (default 20).",
    "mapping": "Help automatic recognition: sheets -> tables, and per table their header -> our column.",
    "kpis": "Add KPIs or change catalog KPIs key by key (direction, tolerance, name, ...), catalog format.",
    "measures": "Add or change the catalog's base measures, catalog format.",
    "categories": "Add or rename KPI categories, catalog format.",
    "hide": "KPI ids to leave out of every output (still computed for the KPIs that use them).",
    "targets": "Targets per KPI and period, over the input targets table: {kpi: {2026-10: 380000}}.",
    "bands": "Status band per KPI as a fraction of the target: {revenue: 0.03} is on track within 3 %.",
    "email": "Where `--email` and `kpireport send` deliver: host, port, security, sender, recipients, subject.",
    "templates": "Folder of your own HTML templates (overrides of templates/report.html.j2 or its partials).",
    "spark": "Where --source pyspark reads: master (default local[2]), catalog, database, conf (spark.* settings).",
}
EMAIL_KEYS = ("host", "port", "security", "sender", "recipients", "subject")
SECURITY = ("starttls", "ssl", "none")
_SECRET = re.compile(r"pass|pwd|secret|token|api[_ -]?key|credential|^auth|^login$|^user(name)?$|smtp_user", re.I)
_SECRET_HINT = ("Secrets do not belong in a file that ends up shared: set KPIREPORT_SMTP_USER and "
                "KPIREPORT_SMTP_PASSWORD in the environment instead.")
_EXAMPLES = {"company": '"Kuzey Outdoor A.Ş."', "currency": "EUR", "locale": "en_GB"}
# A call answered within this many seconds counts toward the service level (the usual 80/20
# standard); `service_level_seconds` in the config replaces it in the catalog measure below.
SERVICE_LEVEL_SECONDS = 20.0
SERVICE_LEVEL_MEASURE = "calls_answered_in_time"
_COMMA_LOCALES = ("tr", "de", "fr", "es", "it", "nl", "pt", "sl", "ru", "pl", "cs", "da", "fi", "nb", "sv", "id")


@dataclass(frozen=True)
class EmailSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""


@dataclass(frozen=True)
class Config:
    # No made-up defaults: an empty company comes from the input's document properties (or is
    # left out), an empty currency from the locale (pipeline.identity).
    company: str = ""
    currency: str = ""
    language: str = "en"
    locale: str = "en_US"
    fiscal_year_start: int = 1
    grain: Grain = Grain.MONTH
    decimal: str = "."
    day_first: bool = True
    mapping: MappingOverrides = field(default_factory=MappingOverrides)
    catalog_layers: tuple[tuple[Path, dict[str, Any]], ...] = ()
    email: EmailSettings = field(default_factory=EmailSettings)
    templates: Path | None = None
    source: Path | None = None
    # (kpi id, period as written: 2026-10 / 2026-Q4 / 2026, value): see `apply_target_overrides`.
    target_overrides: tuple[tuple[str, str, float], ...] = ()
    hidden: tuple[str, ...] = ()
    as_of: dt.date | None = None
    period: str = ""  # as --period takes it; empty: the latest complete period
    calendar: str = "gregorian"  # or "persian": see calendars.py
    service_level_seconds: float = SERVICE_LEVEL_SECONDS
    spark: spark_settings.SparkSettings = field(default_factory=spark_settings.SparkSettings)

    @property
    def input_locale(self) -> Locale:
        return Locale(decimal=self.decimal, day_first=self.day_first)


def _period_setting(path: Path, raw: Any, fiscal_year_start: int) -> str:
    """`period:` as --period takes it, checked for its form here (against the data at run time)."""
    from .errors import UsageError
    from .periods import parse_period
    from .ranges import parse_range, wants_all

    text = str(raw).strip()
    if wants_all(text):
        return "all"
    try:
        parse_range(text, fiscal_year_start) or parse_period(text, fiscal_year_start)
    except UsageError as exc:
        raise _fail(path, "period", exc.message, "Write 2026-10, 2026-Q3, 2026, 2011..2014 or all.") from None
    return text


def _as_of(path: Path, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _fail(path, "as_of", f"{raw!r} is not a date", "Write it as 2026-11-30.") from None
class ConfigKeyError(ConfigError):
    """A bad value (or unknown key) in the config, by its key path ('email.port', 'hide[0]').

    `load_config` adds where it is, from the YAML node marks: `kpireport.yaml:12:8: key
    'email.port': 'abc' is not a port number.` (line and column 1-based, as editors count).
    """

    def __init__(self, path: Path, key: str, problem: str, hint: str = "", at: tuple[int, int] | None = None):
        where = f"{path}:{at[0]}:{at[1]}" if at else f"{path}"
        super().__init__(f"{where}: key {key!r}: {problem}.", hint)
        self.path, self.key, self.problem, self.at = path, key, problem, at

    def located(self, text: str) -> ConfigKeyError:
        """The same error naming the line and column of the offending value (of the key itself
        for an unknown key); unchanged when the key cannot be found in `text`."""
        marks = _marks(text)
        found = marks.get(self.key)
        if found is None:
            return self
        value, key = found
        mark = key if self.problem.startswith("unknown key") or "password" in self.problem else value
        return ConfigKeyError(self.path, self.key, self.problem, self.hint, (mark.line + 1, mark.column + 1))


def _marks(text: str) -> dict[str, tuple[Any, Any]]:
    """{key path as the errors write it: (mark of the value, mark of the key)} over the whole file."""
    import yaml


    out: dict[str, tuple[Any, Any]] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                here = f"{prefix}.{name}" if prefix else name
                out.setdefault(here, (v.start_mark, k.start_mark))
                walk(v, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                here = f"{prefix}[{i}]"
                out.setdefault(here, (v.start_mark, v.start_mark))
                walk(v, here)

    try:
        walk(yaml.compose(text, Loader=SafeLoader), "")
    except yaml.YAMLError:
        return {}
    return out


def _fail(path: Path, key: str, problem: str, hint: str = "") -> ConfigError:
    return ConfigKeyError(path, key, problem, hint)


def _did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"Did you mean {close[0]!r}? " if close else ""


def _refuse_secrets(path: Path, raw: dict[str, Any], prefix: str = "") -> None:
    for key in raw:
        if _SECRET.search(str(key)):
            raise _fail(path, f"{prefix}{key}", "looks like a password or login, which kpireport never reads from a "
                        "config file", _SECRET_HINT)


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found.",
                          "Check the path, or run `kpireport init` to write one.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file.", "Pass the .yaml file with --config.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file in UTF-8.", "Save the config as UTF-8 text.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror}).") from None
    raw = parse_yaml(text, Path(path), ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected key: value lines at the top level.",
                          "Run `kpireport init` for a commented example.")
    try:
        return _config(path, raw)
    except ConfigKeyError as exc:
        raise exc.located(text) from None


def _config(path: Path, raw: dict[str, Any]) -> Config:
    """The Config of a parsed file; errors are ConfigKeyErrors naming the key path."""
    _refuse_secrets(path, raw)
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise _fail(path, unknown[0], "unknown key",
                    _did_you_mean(unknown[0], tuple(KEYS)) + f"Known keys: {', '.join(KEYS)}.")
    kw: dict[str, Any] = {"source": path}
    for key in ("company", "currency", "locale"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise _fail(path, key, "must be text", f"For example {key}: {_EXAMPLES[key]}")
            kw[key] = raw[key].strip()
    if "currency" in kw:
        _currency(path, kw)
    if "language" in raw:
        kw["language"] = _language(path, raw["language"])
        if "locale" not in kw:
            kw["locale"] = default_locale(kw["language"])
    if "locale" in kw:
        kw["locale"] = _locale(path, kw["locale"])
    if "fiscal_year_start" in raw:
        fy = raw["fiscal_year_start"]
        if not isinstance(fy, int) or isinstance(fy, bool) or not 1 <= fy <= 12:
            raise _fail(path, "fiscal_year_start", f"{fy!r} is not a month number 1-12", "For example 4 for April.")
        kw["fiscal_year_start"] = fy
    if "as_of" in raw:
        kw["as_of"] = _as_of(path, raw["as_of"])
    if "grain" in raw:
        try:
            kw["grain"] = Grain(raw["grain"])
        except ValueError:
            raise _fail(path, "grain", f"{raw['grain']!r} is not a grain", "Use month, quarter or year.") from None
    if "calendar" in raw:
        if raw["calendar"] not in ("gregorian", "persian"):
            raise _fail(path, "calendar", f"{raw['calendar']!r} is not a calendar", "Use gregorian or persian.")
        kw["calendar"] = raw["calendar"]
    if "period" in raw:
        kw["period"] = _period_setting(path, raw["period"], kw.get("fiscal_year_start", 1))
    if "decimal" in raw:
        if raw["decimal"] not in (".", ","):
            raise _fail(path, "decimal", f"{raw['decimal']!r} is not '.' or ','", "Quote it: decimal: ','")
        kw["decimal"] = raw["decimal"]
    elif kw.get("locale", "en_US").split("_")[0] in _COMMA_LOCALES:
        kw["decimal"] = ","
    if "day_first" in raw:
        if not isinstance(raw["day_first"], bool):
            raise _fail(path, "day_first", f"{raw['day_first']!r} is not true or false")
        kw["day_first"] = raw["day_first"]
    if "mapping" in raw:
        kw["mapping"] = _mapping(path, raw["mapping"])
    layers: list[tuple[Path, dict[str, Any]]] = []
    layer = {}
    for key in ("kpis", "measures", "categories"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], dict):
                raise _fail(path, key, "must map ids to definitions",
                            "For example kpis: {ces: {direction: lower}}")
            layer[key] = raw[key]
    if layer:
        layers.append((path, layer))
    definitions = list(layers)
    overlay: dict[str, dict[str, Any]] = {}
    named: list[tuple[str, str]] = []
    if raw.get("hide") is not None:
        kw["hidden"] = _id_list(path, "hide", raw["hide"])
        for i, kid in enumerate(kw["hidden"]):
            overlay.setdefault(kid, {})["hidden"] = True
            named.append((f"hide[{i}]", kid))
    if raw.get("bands") is not None:
        for kid, tol in _bands(path, raw["bands"]).items():
            overlay.setdefault(kid, {})["tolerance"] = tol
            named.append((f"bands.{kid}", kid))
    if raw.get("targets") is not None:
        kw["target_overrides"] = _targets(path, raw["targets"], kw.get("fiscal_year_start", 1))
        named += [(f"targets.{kid}", kid) for kid in dict.fromkeys(k for k, _, _ in kw["target_overrides"])]
    if named or definitions:
        _check_kpi_ids(path, definitions, named)
    if overlay:
        layers.append((path, {"kpis": overlay}))
    if "service_level_seconds" in raw:
        kw["service_level_seconds"] = _service_level(path, raw["service_level_seconds"])
        # first, so a measures: entry of the same file still wins over it
        layers.insert(0, (path, {"measures": {SERVICE_LEVEL_MEASURE: {"where": {
            "answered": True, "wait_seconds": {"le": kw["service_level_seconds"]}}}}}))
    if layers:
        kw["catalog_layers"] = tuple(layers)
    if "email" in raw:
        kw["email"] = _email(path, raw["email"])
    if "spark" in raw:
        if isinstance(raw["spark"], dict) and isinstance(raw["spark"].get("conf"), dict):
            _refuse_secrets(path, raw["spark"]["conf"], "spark.conf.")
        try:
            kw["spark"] = spark_settings.parse(raw["spark"])
        except spark_settings.SettingError as exc:
            raise _fail(path, ".".join(k for k in ("spark", exc.key) if k), exc.problem, exc.hint) from None
    if raw.get("templates") is not None:
        tdir = (path.parent / str(raw["templates"])).resolve()
        if not tdir.is_dir():
            raise _fail(path, "templates", f"folder {tdir} does not exist",
                        "Give a folder relative to the config file, holding your report.html.j2 or partials.")
        kw["templates"] = tdir
    return Config(**kw)


def locale_currency(locale: str) -> str:
    """The currency of the locale's country (en_US: USD, de_DE: EUR); '' for a locale without one."""
    from babel import Locale as BabelLocale
    from babel.numbers import get_territory_currencies

    try:
        territory = BabelLocale.parse(locale.replace("-", "_")).territory
        found = get_territory_currencies(territory, tender=True) if territory else []
    except Exception:  # babel's UnknownLocaleError and friends: no currency rather than a guess
        return ""
    return found[0] if found else ""


def _currency(path: Path, kw: dict[str, Any]) -> None:
    code = kw["currency"]
    if len(code) != 3 or not code.isalpha():
        raise _fail(path, "currency", f"{code!r} is not a 3-letter currency code", "For example USD, EUR or TRY.")
    kw["currency"] = code.upper()


def _language(path: Path, value: Any) -> str:
    available = languages()
    if value not in available:
        hint = f"Use one of {', '.join(available)}, or add kpireport/data/messages/{value}.yaml (a copy of en.yaml)."
        raise _fail(path, "language", f"{value!r} is not available", _did_you_mean(str(value), available) + hint)
    return str(value)


def _locale(path: Path, value: str) -> str:
    from babel import Locale as BabelLocale
    from babel.core import UnknownLocaleError

    try:
        BabelLocale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise _fail(path, "locale", f"{value!r} is not a locale", "For example en_US, en_GB, tr_TR or de_DE.") from None
    return value.replace("-", "_")


def _mapping(path: Path, raw: Any) -> MappingOverrides:
    if raw is None:
        return MappingOverrides()
    example = 'For example mapping: {sheets: {"export.xlsx/Sheet1": orders}, columns: {orders: {"Datum": order_date}}}'
    if not isinstance(raw, dict):
        raise _fail(path, "mapping", "must have 'sheets' and/or 'columns'", example)
    extra = sorted(str(k) for k in set(raw) - {"sheets", "columns"})
    if extra:
        raise _fail(path, f"mapping.{extra[0]}", "unknown key; mapping has 'sheets' and 'columns'", example)
    sheets = raw.get("sheets") or {}
    columns = raw.get("columns") or {}
    if not isinstance(sheets, dict):
        raise _fail(path, "mapping.sheets", "must map sheet names to tables",
                    'For example {"export.xlsx/Sheet1": orders}')
    if not isinstance(columns, dict):
        raise _fail(path, "mapping.columns", "must map tables to {their header: our column}",
                    'For example {orders: {"Belegdatum": order_date}}')
    schema = default_schema()
    tables = [*schema.tables, "kpi_sheet"]
    for sheet, table in sheets.items():
        if str(table).strip().casefold() in IGNORE_WORDS - {""}:
            continue  # "ignore": the file or sheet is listed as ignored, never read as a table
        if str(table) not in tables:
            raise _fail(path, f"mapping.sheets.{sheet}", f"{table!r} is not a table",
                        _did_you_mean(str(table), tables) + f"Tables: {', '.join(tables)}; or 'ignore'.")
    for table, cols in columns.items():
        if str(table) not in schema.tables:
            raise _fail(path, f"mapping.columns.{table}", "is not a table",
                        _did_you_mean(str(table), list(schema.tables)) + f"Tables: {', '.join(schema.tables)}.")
        if cols is None:
            continue
        if not isinstance(cols, dict):
            raise _fail(path, f"mapping.columns.{table}", "must map their header to our column",
                        'For example {"Belegdatum": order_date}')
        names = [c.name for c in schema.tables[str(table)].columns]
        for header, ours in cols.items():
            if str(ours).strip().casefold() not in IGNORE_WORDS and str(ours) not in names:
                raise _fail(path, f"mapping.columns.{table}.{header}", f"{ours!r} is not a column of {table}",
                            _did_you_mean(str(ours), names) + f"Columns: {', '.join(names)}; or 'ignore'.")
    return MappingOverrides({str(k): str(v) for k, v in sheets.items()},
                            {str(t): {str(h): str(c) for h, c in (cols or {}).items()} for t, cols in columns.items()})


def _id_list(path: Path, key: str, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(path, key, "must be a list of KPI ids", f"For example {key}: [sms_sent, app_downloads]")
    return tuple(dict.fromkeys(x.strip() for x in raw))


def _number(path: Path, key: str, value: Any) -> float:
    """A number from YAML: 380000, 0.25, "12%", "1.2e6", "380 000"."""
    if isinstance(value, bool):
        raise _fail(path, key, f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("_", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            number = float(text) * scale
        except ValueError:
            raise _fail(path, key, f"{value!r} is not a number",
                        "Write it without thousands separators: 380000, 0.25 or 25%.") from None
    else:
        raise _fail(path, key, f"{value!r} is not a number")
    if math.isnan(number) or math.isinf(number):
        raise _fail(path, key, f"{value!r} is not a number")
    return number


def _service_level(path: Path, raw: Any) -> float:
    """The service-level time in seconds: a positive number up to an hour."""
    key = "service_level_seconds"
    seconds = _number(path, key, raw)
    if not 0 < seconds <= 3600:
        raise _fail(path, key, f"{raw!r} is not a number of seconds between 1 and 3600",
                    "For example service_level_seconds: 20 (answered within 20 seconds).")
    return seconds


def _bands(path: Path, raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise _fail(path, "bands", "must map KPI ids to a fraction of the target", "For example bands: {revenue: 0.03}")
    out = {}
    for kid, value in raw.items():
        tol = _number(path, f"bands.{kid}", value)
        if not 0 <= tol <= 1:
            raise _fail(path, f"bands.{kid}", f"{value!r} is not a fraction between 0 and 1",
                        "For example 0.03 (or 3%) for on track within 3 % of the target.")
        out[str(kid)] = tol
    return out


def _period_text(path: Path, key: str, period: Any, fiscal_year_start: int) -> str:
    if isinstance(period, dt.date):
        period = f"{period.year}-{period.month:02d}"
    try:
        return label(parse_period(str(period), fiscal_year_start))
    except UsageError:
        raise _fail(path, key, f"{period!r} is not a period",
                    "Write a month as 2026-10, a quarter as 2026-Q4 or a year as 2026.") from None


def _targets(path: Path, raw: Any, fiscal_year_start: int) -> tuple[tuple[str, str, float], ...]:
    example = "For example targets: {revenue: {2026-10: 380000, 2026-Q4: 1150000}, churn_rate: {2026: 2%}}"
    if not isinstance(raw, dict):
        raise _fail(path, "targets", "must map KPI ids to {period: target}", example)
    out: list[tuple[str, str, float]] = []
    for kid, periods in raw.items():
        if not isinstance(periods, dict) or not periods:
            raise _fail(path, f"targets.{kid}", "must map periods to targets", example)
        for period, value in periods.items():
            key = f"targets.{kid}.{period}"
            out.append((str(kid), _period_text(path, key, period, fiscal_year_start), _number(path, key, value)))
    return tuple(out)


def _check_kpi_ids(path: Path, definitions: list[tuple[Path, dict[str, Any]]], named: list[tuple[str, str]]) -> None:
    """The config's catalog layer loads (errors name the file, KPI and key), and every KPI that hide,
    bands and targets name exists there or in the catalog."""
    catalog = load_catalog(definitions) if definitions else default_catalog()
    known = list(catalog.kpis)
    for key, kid in named:
        if kid not in catalog.kpis:
            raise _fail(path, key, f"{kid!r} is not a KPI id",
                        _did_you_mean(kid, known) + "`kpireport kpis` lists them.")


def _email(path: Path, raw: Any) -> EmailSettings:
    if raw is None:
        return EmailSettings()
    if not isinstance(raw, dict):
        raise _fail(path, "email", "must be a mapping",
                    "For example email: {host: smtp.example.com, sender: me@example.com, recipients: [a@example.com]}")
    _refuse_secrets(path, raw, "email.")
    unknown = sorted(str(k) for k in set(raw) - set(EMAIL_KEYS))
    if unknown:
        raise _fail(path, f"email.{unknown[0]}", "unknown key",
                    _did_you_mean(unknown[0], EMAIL_KEYS) + f"Known keys: {', '.join(EMAIL_KEYS)}.")
    security = raw.get("security", "starttls")
    if security not in SECURITY:
        raise _fail(path, "email.security", f"{security!r} is not starttls, ssl or none",
                    "Use starttls (port 587) or ssl (port 465).")
    port = raw.get("port", 465 if security == "ssl" else 587)
    if isinstance(port, str) and port.strip().isdigit():
        port = int(port.strip())
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise _fail(path, "email.port", f"{port!r} is not a port number", "Usually 587 (starttls) or 465 (ssl).")
    for key in ("host", "sender", "subject"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise _fail(path, f"email.{key}", "must be text")
    host = (raw.get("host") or "").strip()
    if host and not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        raise _fail(path, "email.host", f"{host!r} is not a host name", "For example smtp.example.com")
    sender = (raw.get("sender") or "").strip()
    if sender and not _address(sender):
        raise _fail(path, "email.sender", f"{sender!r} is not an e-mail address",
                    "For example reports@example.com or 'KPI reports <reports@example.com>'.")
    recipients = raw.get("recipients") or []
    if isinstance(recipients, str):
        recipients = [r for r in re.split(r"[,;]", recipients) if r.strip()]
    if not isinstance(recipients, list):
        raise _fail(path, "email.recipients", "must be a list of addresses", "For example [ceo@example.com]")
    for i, r in enumerate(recipients):
        if not isinstance(r, str) or not _address(r.strip()):
            raise _fail(path, f"email.recipients[{i}]", f"{r!r} is not an e-mail address")
    return EmailSettings(host, port, security, sender, tuple(r.strip() for r in recipients),
                         (raw.get("subject") or "").strip())


def _address(text: str) -> bool:
    from email.utils import parseaddr

    if any(c in text for c in "\r\n\x00"):
        return False
    _, addr = parseaddr(text)
    return bool(re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", addr))


def apply_target_overrides(targets: Any, overrides: tuple[tuple[str, str, float], ...],
                           fiscal_year_start: int = 1) -> Any:
    """The input targets table (a DataFrame or None) with the config's targets merged over it.

    An override replaces the table's overall target rows (no dimension, kind target) for the
    same KPI and period, and is appended as a row of its own, so the engine's usual rules hold:
    a monthly row still beats a month's share of a yearly one. KPIs are matched by id.
    Applying the same overrides twice gives the same table.
    """
    import pandas as pd


    if not overrides:
        return targets
    rows = pd.DataFrame({"kpi": [k for k, _, _ in overrides], "period": [p for _, p, _ in overrides],
                         "target": [float(v) for _, _, v in overrides], "dimension": [""] * len(overrides),
                         "member": [""] * len(overrides), "kind": ["target"] * len(overrides)})
    if targets is None or len(targets) == 0:
        typed = rows.astype({"kpi": "string", "period": "string", "dimension": "string", "member": "string",
                             "kind": "string"})
        if targets is not None:
            typed = typed[[c for c in typed.columns if c in targets.columns or c in ("kpi", "period", "target")]]
        return typed
    keys = {(k, p) for k, p, _ in overrides}

    def text(value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        return str(value).strip()

    def period_label(value: Any) -> str | None:
        try:
            return label(parse_period(text(value), fiscal_year_start))
        except Exception:
            return None

    def overridden(row: dict[str, Any]) -> bool:
        if text(row.get("dimension")).casefold() not in ("", "nan", "<na>", "none"):
            return False
        if text(row.get("kind")).casefold() in ("budget", "budgets", "bütçe", "butce", "bütce", "plan"):
            return False
        return (text(row.get("kpi")), period_label(row.get("period"))) in keys

    keep = targets[[not overridden(r) for r in targets.to_dict("records")]]
    rows = rows[[c for c in rows.columns if c in keep.columns or c in ("kpi", "period", "target")]]
    for column in rows.columns:
        if column in keep.columns:
            with contextlib.suppress(TypeError, ValueError):
                rows[column] = rows[column].astype(keep[column].dtype)
    return pd.concat([keep, rows], ignore_index=True)
