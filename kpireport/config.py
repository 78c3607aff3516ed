"""The user's configuration file (YAML), validated with messages that name the key.

Everything a business user may want to change without Python lives here: company name,
currency, language and locale, fiscal year start, grain, column mapping, extra or changed
KPIs and recipients. Secrets never do: SMTP credentials come from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .mapping import MappingOverrides
from .periods import Grain
from .validate import Locale

LANGUAGES = ("en", "tr")
_KEYS = {"company", "currency", "language", "locale", "fiscal_year_start", "grain", "decimal", "day_first",
         "mapping", "kpis", "measures", "categories", "email", "templates"}


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
    company: str = "Northwind Outdoor Ltd."
    currency: str = "USD"
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

    @property
    def input_locale(self) -> Locale:
        return Locale(decimal=self.decimal, day_first=self.day_first)


def _fail(path: Path, key: str, problem: str, hint: str = "") -> ConfigError:
    return ConfigError(f"{path}: key {key!r}: {problem}", hint)


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found.", "Check the path, or run `kpireport init` to write one.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{at}.", "Check indentation and quotes.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected key: value lines at the top level.")
    unknown = set(raw) - _KEYS
    if unknown:
        raise _fail(path, sorted(unknown)[0], "unknown key", f"Known keys: {', '.join(sorted(_KEYS))}.")
    kw: dict[str, Any] = {"source": Path(path)}
    for key in ("company", "currency", "locale"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise _fail(path, key, "must be text")
            kw[key] = raw[key].strip()
    if "currency" in kw:
        if len(kw["currency"]) != 3 or not kw["currency"].isalpha():
            raise _fail(path, "currency", f"{kw['currency']!r} is not a 3-letter currency code", "For example USD, EUR or TRY.")
        kw["currency"] = kw["currency"].upper()
    if "language" in raw:
        if raw["language"] not in LANGUAGES:
            raise _fail(path, "language", f"{raw['language']!r} is not available", f"Use one of {', '.join(LANGUAGES)}.")
        kw["language"] = raw["language"]
        kw.setdefault("locale", {"en": "en_US", "tr": "tr_TR"}[raw["language"]])
    if "fiscal_year_start" in raw:
        fy = raw["fiscal_year_start"]
        if not isinstance(fy, int) or isinstance(fy, bool) or not 1 <= fy <= 12:
            raise _fail(path, "fiscal_year_start", "must be a month number 1-12", "For example 4 for April.")
        kw["fiscal_year_start"] = fy
    if "grain" in raw:
        try:
            kw["grain"] = Grain(raw["grain"])
        except ValueError:
            raise _fail(path, "grain", f"{raw['grain']!r}", "Use month, quarter or year.") from None
    if "decimal" in raw:
        if raw["decimal"] not in (".", ","):
            raise _fail(path, "decimal", "must be '.' or ','")
        kw["decimal"] = raw["decimal"]
    elif kw.get("locale", "en_US").split("_")[0] in ("tr", "de", "fr", "es", "it", "nl", "pt", "sl", "ru"):
        kw["decimal"] = ","
    if "day_first" in raw:
        kw["day_first"] = bool(raw["day_first"])
    if "mapping" in raw:
        kw["mapping"] = _mapping(path, raw["mapping"])
    layer = {k: raw[k] for k in ("kpis", "measures", "categories") if k in raw}
    if layer:
        kw["catalog_layers"] = ((Path(path), layer),)
    if "email" in raw:
        kw["email"] = _email(path, raw["email"])
    if "templates" in raw:
        tdir = (Path(path).parent / str(raw["templates"])).resolve()
        if not tdir.is_dir():
            raise _fail(path, "templates", f"folder {tdir} does not exist")
        kw["templates"] = tdir
    return Config(**kw)


def _mapping(path: Path, raw: Any) -> MappingOverrides:
    if not isinstance(raw, dict) or set(raw) - {"sheets", "columns"}:
        raise _fail(path, "mapping", "must have 'sheets' and/or 'columns'")
    sheets = raw.get("sheets") or {}
    columns = raw.get("columns") or {}
    if not isinstance(sheets, dict) or not isinstance(columns, dict):
        raise _fail(path, "mapping", "'sheets' maps sheet names to tables; 'columns' maps tables to {header: column}")
    return MappingOverrides({str(k): str(v) for k, v in sheets.items()},
                            {str(t): {str(h): str(c) for h, c in (cols or {}).items()} for t, cols in columns.items()})


def _email(path: Path, raw: Any) -> EmailSettings:
    if not isinstance(raw, dict):
        raise _fail(path, "email", "must be a mapping")
    allowed = {"host", "port", "security", "sender", "recipients", "subject"}
    unknown = set(raw) - allowed
    if unknown:
        bad = sorted(unknown)[0]
        hint = "Put SMTP credentials in KPIREPORT_SMTP_USER / KPIREPORT_SMTP_PASSWORD." if "pass" in bad or "user" in bad else ""
        raise _fail(path, f"email.{bad}", "unknown key", hint)
    recipients = raw.get("recipients") or []
    if isinstance(recipients, str):
        recipients = [recipients]
    security = raw.get("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise _fail(path, "email.security", "must be starttls, ssl or none")
    return EmailSettings(str(raw.get("host", "")), int(raw.get("port", 465 if security == "ssl" else 587)), security,
                         str(raw.get("sender", "")), tuple(str(r) for r in recipients), str(raw.get("subject", "")))
