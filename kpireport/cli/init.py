"""`kpireport init`: write a commented kpireport.yaml with every key explained.

It never writes a made-up company or currency: it asks for them on a terminal, takes them from
--company / --currency, or leaves the keys commented out (the report then takes the company
from the input workbook's document properties and the currency from the locale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..config import load_config, locale_currency
from ..deliver.files import write_atomic
from ..errors import OutputError, UsageError
from ..i18n import default_locale, languages
from .app import main

EPILOG = """\b
Examples:
  kpireport init                                  # ./kpireport.yaml (asks for company and currency)
  kpireport init --language tr --company "Kuzey Rüzgârı A.Ş." --currency TRY
  kpireport init config/kpireport.yaml --force    # overwrite an existing file
"""

# Every key of config.KEYS appears here, set or commented out (a test checks).
CONFIG_TEMPLATE = """\
# kpireport configuration. kpireport reads ./kpireport.yaml, or the file given with --config.
# Every key is optional; delete what you do not need. Lines starting with # are comments.
# Check it with: kpireport validate <your files> --config {file_name}

# --- Who and how ---------------------------------------------------------------------------
{company_line}
{currency_line}
language: {language}                    # language of the outputs: {languages}
locale: {locale}                   # number, currency and date formats: en_US, en_GB, tr_TR, de_DE ...
fiscal_year_start: 1            # month the fiscal year starts (4 = April); quarters and years follow it
grain: month                    # default report period: month, quarter or year
# period: all                   # report this period when --period is not given: 2026-10, 2011..2014, all
# calendar: persian             # Solar Hijri months, quarters and years (default: gregorian)

# --- Reading your files --------------------------------------------------------------------
# decimal: "{decimal}"                # decimal separator of numbers typed as text ("1.234,56"); default from locale
# day_first: true               # 03/04/2026 is 3 April (true) or March 4 (false)
# as_of: 2026-11-30             # the day a customer snapshot without dates (a churn list) describes
# service_level_seconds: 20     # a call answered within this many seconds meets the service level
# mapping:                      # when a sheet or header is not recognised (kpireport validate tells you)
#   sheets:                     # "file/sheet", "sheet" or "file" -> table ('ignore' to leave it unread)
#     "export.xlsx/Sheet1": orders
#     "notes.csv": ignore
#   columns:                    # per table: your header -> our column ('ignore' to skip a column)
#     orders:
#       "Belegdatum": order_date
#       "Internal note": ignore

# --- The KPIs ------------------------------------------------------------------------------
# hide: [sms_sent, app_downloads]   # KPI ids to leave out of every output (`kpireport kpis` lists ids)
# targets:                      # targets over the input Targets sheet: KPI -> {{period: target}}
#   revenue: {{2026-10: 380000, 2026-Q4: 1150000, 2026: 4500000}}
#   churn_rate: {{2026: 2%}}      # percentages as 2% or 0.02
# bands:                        # status band: on track within this fraction of the target
#   revenue: 0.03               # (the catalog's default is 5 %)
#   csat: 2%
# kpis:                         # change catalog KPIs key by key, or add your own (catalog format,
#   ces: {{direction: lower}}     # see kpireport/data/catalog.yaml)
#   web_order_share:
#     name: {{en: Share of orders placed on the web, tr: Web siparişlerinin payı}}
#     category: ecommerce
#     unit: percent               # count, percent, currency, duration, days, score, ratio
#     direction: higher           # higher, lower, target, info
#     formula: web_orders / order_count
# measures:                     # base measures the formulas read (catalog format)
#   web_orders:
#     label: {{en: Web orders, tr: Web siparişleri}}
#     table: orders
#     agg: count
#     date: order_date
#     where: {{channel: {{in: [web]}}, status: {{not_in: [cancelled, returned]}}}}
# categories:                   # add or rename KPI categories
#   ecommerce: {{group: operations, name: {{en: Online shop, tr: Online mağaza}}}}

# --- Delivery ------------------------------------------------------------------------------
# email:                        # used by `generate --email` and `kpireport send`
#   host: smtp.example.com
#   port: 587                   # 587 with starttls, 465 with ssl
#   security: starttls          # starttls, ssl or none
#   sender: "KPI reports <reports@example.com>"
#   recipients: [ceo@example.com, sales-team@example.com]
#   subject: "KPI report {{period}} - {{company}}"
# The SMTP login never goes in this file: set KPIREPORT_SMTP_USER and
# KPIREPORT_SMTP_PASSWORD in the environment.
# templates: my_templates       # folder with your own report.html.j2 or partials (relative to this file)

# --- Data in Spark (generate --source pyspark) -----------------------------------------------
# spark:
#   master: "local[2]"          # or spark://head:7077, yarn, k8s://...; default local[2]
#   catalog: spark_catalog      # the catalog holding the database
#   database: sales             # its tables and views are read like sheets
#   conf:                       # further Spark settings, as spark-submit --conf takes them
#     spark.sql.shuffle.partitions: 64
"""


def config_text(file_name: str = "kpireport.yaml", company: str = "", currency: str = "",
                language: str = "en", locale: str | None = None) -> str:
    """The commented config; an empty company or currency is written commented out, with what happens instead."""
    locale = locale or default_locale(language)
    decimal = "," if locale.split("_")[0] in ("tr", "de", "fr", "es", "it", "nl", "pt", "ru") else "."
    if company:
        company_line = f"company: {_yaml_text(company)}       # shown on the workbook, the summary and the e-mail"
    else:
        company_line = ('# company: "Your Company Ltd."   # shown on the reports; unset: the Company (or Title) '
                        "property of your first input workbook, else none")
    if currency:
        currency_line = f"currency: {currency}                 # 3-letter code of your money columns: USD, EUR, TRY"
    else:
        fallback = locale_currency(locale)
        currency_line = (f"# currency: EUR                # 3-letter code of your money columns; unset: the locale's "
                         f"({fallback or 'none: numbers without a symbol'})")
    return CONFIG_TEMPLATE.format(file_name=file_name, company_line=company_line, currency_line=currency_line,
                                  language=language, locale=locale, languages=", ".join(languages()),
                                  decimal=decimal)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(question: str) -> str:
    """The answer on a terminal; '' (leave it out) when not run on one (scripts, CI)."""
    if not _interactive():
        return ""
    return click.prompt(question, default="", show_default=False)


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


@main.command(epilog=EPILOG)
@click.argument("path", required=False, default="kpireport.yaml", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--company", help="Company name shown on the reports (asked on a terminal; unset: from the input "
                                "workbook's document properties).")
@click.option("--currency", help="3-letter currency code (asked on a terminal; unset: the locale's, e.g. USD for "
                                 "en_US).")
@click.option("--language", "--lang", "language", default="en", show_default=True, help="Language of the outputs.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, company: str | None, currency: str | None, language: str, force: bool) -> None:
    """Write a commented config file (default ./kpireport.yaml) with every key explained.

    On a terminal it asks for the company name and currency not given as options; Enter leaves
    them out (the reports then use the input's document properties and the locale's currency).
    """
    if language not in languages():
        raise UsageError(f"{language!r} is not an available language.", f"Use one of {', '.join(languages())}.")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; it was left as it was.",
                         "Pass --force to overwrite it, or give another file name.")
    if company is None:
        company = _ask("Company name shown on the reports (Enter: take it from your files)")
    if currency is None:
        currency = _ask("Currency of your money columns, e.g. EUR (Enter: the locale's)")
    company, currency = company.strip(), currency.strip()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise UsageError(f"{currency!r} is not a 3-letter currency code.", "For example USD, EUR or TRY.")
    if path.exists() and path.is_dir():
        raise UsageError(f"{path} is a folder.", "Give a file name, e.g. kpireport.yaml.")
    text = config_text(path.name, company, currency.upper(), language)
    try:
        write_atomic(path, text)
    except OutputError as exc:
        raise OutputError(exc.message, "Give a path in a folder you can write to.") from None
    load_config(path)  # what we wrote must load; a failure here is a bug, reported as one
    click.echo(f"wrote {path}")
    click.echo("  edit it, then check your files with: kpireport validate <files>"
               + ("" if path.name == "kpireport.yaml" and path.parent == Path() else f" --config {path}"))
