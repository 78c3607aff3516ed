"""The user's configuration file (YAML), validated with messages that name the file and the key.

Everything a business user may want to change without Python lives here: company name,
currency, language and locale, fiscal year start, grain, column mapping, extra or changed
KPIs, hidden KPIs, target and status-band overrides, recipients and SMTP settings. Secrets
never do: SMTP credentials come from the environment (KPIREPORT_SMTP_USER /
KPIREPORT_SMTP_PASSWORD), and a key that looks like one is refused.

`KEYS` describes every top-level key once; `kpireport init` writes a commented file from
`CONFIG_TEMPLATE`, and a test checks that the two cover the same keys.

The parts: `model` (KEYS, the dataclasses and their defaults), `load` (the file read, and the
table of sections it checks), `sections` / `kpis` / `mail` (the checkers of each section),
`errors` (errors located at the key's line and column) and `targets` (the config's targets
merged over the input's at run time).
"""

from __future__ import annotations

from .errors import ConfigKeyError
from .load import SECTIONS, load_config
from .model import EMAIL_KEYS, KEYS, SECURITY, SERVICE_LEVEL_MEASURE, SERVICE_LEVEL_SECONDS, Config, EmailSettings
from .sections import locale_currency
from .targets import apply_target_overrides

__all__ = ["EMAIL_KEYS", "KEYS", "SECTIONS", "SECURITY", "SERVICE_LEVEL_MEASURE", "SERVICE_LEVEL_SECONDS", "Config",
           "ConfigKeyError", "EmailSettings", "apply_target_overrides", "load_config", "locale_currency"]
