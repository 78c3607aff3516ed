"""Reading the config file: the text, its YAML, then each section checked into a `Config`.

Errors name the file, the line and column and the key ('email.port'), with the fix. A new
section whose value stands on its own is one entry in `SECTIONS` (plus its line in
`model.KEYS` and its field on `Config`); the settings that depend on each other (the locale on
the language, the period on the fiscal year, the catalog layers on one another) are read after
them, in `_config`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..yamlfile import parse_yaml
from . import sections
from .errors import ConfigKeyError, did_you_mean, fail, refuse_secrets
from .kpis import catalog_settings
from .mail import email_settings
from .model import KEYS, Config
from .spark import spark_section

# key -> its checker (the file's path, the raw value) giving the Config field of the same name,
# called when the file has the key, in this order (the first bad key is the one reported).
SECTIONS: dict[str, Callable[[Path, Any], Any]] = {
    "fiscal_year_start": sections.fiscal_year_start,
    "as_of": sections.as_of,
    "grain": sections.grain,
    "calendar": sections.calendar,
    "day_first": sections.day_first,
    "mapping": sections.mapping,
    "email": email_settings,
    "templates": sections.templates,
    "spark": spark_section,
}


def load_config(path: Path | None) -> Config:
    """The Config of the file at `path` (the defaults without one); a ConfigError otherwise."""
    if path is None:
        return Config()
    path = Path(path)
    text = _read(path)
    raw = parse_yaml(text, Path(path), ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected key: value lines at the top level.",
                          "Run `kpireport init` for a commented example.")
    try:
        return _config(path, raw)
    except ConfigKeyError as exc:
        raise exc.located(text) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found.",
                          "Check the path, or run `kpireport init` to write one.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file.", "Pass the .yaml file with --config.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file in UTF-8.", "Save the config as UTF-8 text.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror}).") from None


def _config(path: Path, raw: dict[str, Any]) -> Config:
    """The Config of a parsed file; errors are ConfigKeyErrors naming the key path."""
    refuse_secrets(path, raw)
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise fail(path, unknown[0], "unknown key",
                   did_you_mean(unknown[0], tuple(KEYS)) + f"Known keys: {', '.join(KEYS)}.")
    kw: dict[str, Any] = {"source": path, **sections.identity(path, raw)}
    for key, check in SECTIONS.items():
        if key in raw:
            kw[key] = check(path, raw[key])
    fiscal_year_start = kw.get("fiscal_year_start", 1)
    if "period" in raw:
        kw["period"] = sections.period_setting(path, raw["period"], fiscal_year_start)
    kw["decimal"] = sections.decimal_mark(path, raw, kw.get("locale", "en_US"))
    kw.update(catalog_settings(path, raw, fiscal_year_start))
    return Config(**kw)
