"""What a configuration holds: every top-level key with its explanation, and the frozen
dataclasses the rest of kpireport reads, with the defaults a file without that key gets.

A new section is a line in `KEYS`, a field on `Config` (or a dataclass of its own, like
`EmailSettings`) and one entry in `load.SECTIONS` that checks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engines import spark_settings
from ..mapping import MappingOverrides
from ..periods import Grain
from ..validate import Locale

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
# A call answered within this many seconds counts toward the service level (the usual 80/20
# standard); `service_level_seconds` in the config replaces it in the catalog measure below.
SERVICE_LEVEL_SECONDS = 20.0
SERVICE_LEVEL_MEASURE = "calls_answered_in_time"


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

