"""`kpireport template`: write the blank input workbook (see kpireport/template.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ..deliver.files import write_atomic
from ..errors import OutputError, UsageError
from ..i18n import default_locale, language_of, languages
from ..template import build_template
from .app import load_cli_config, main

EPILOG = """\b
Examples:
  kpireport template                               # ./kpireport-input.xlsx, in the config's language
  kpireport template girdi.xlsx --lang tr
  kpireport template vorodi.xlsx --lang fa       # Persian, sheets right to left
  kpireport template input.xlsx --config kpireport.yaml --force

\b
Then fill in the sheets you have data for and run:
  kpireport generate kpireport-input.xlsx --out report
"""


@main.command(epilog=EPILOG)
@click.argument("path", required=False, default="kpireport-input.xlsx",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", type=str, help="Language of sheet names, headers and instructions (default from the config).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present): language, locale, currency and your KPIs.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def template(path: Path, lang: str | None, config_path: Path | None, force: bool) -> None:
    """Write a blank input workbook: one sheet per input table, ready to fill in.

    Sheet names and headers are the ones kpireport recognises; date, money, id and period
    columns are formatted; list columns (order status, deal stage, campaign channel, yes/no,
    ...) have drop-downs; the Instructions sheet explains each table and which KPIs it feeds.
    """
    from ..pipeline import catalog_for

    config = load_cli_config(config_path)
    if lang:
        if lang not in languages():
            raise UsageError(f"{lang!r} is not an available language.", f"Use one of {', '.join(languages())}.")
        if language_of(config.locale) != lang:
            config = replace(config, language=lang, locale=default_locale(lang))
        else:
            config = replace(config, language=lang)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{path.name}: the template is an Excel workbook.", "Give a name ending in .xlsx.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder.", "Give a file name, e.g. kpireport-input.xlsx.")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; it was left as it was (it may hold your data).",
                         "Pass --force to overwrite it, or give another file name.")
    data = build_template(config, catalog_for(config), file_name=path.name)
    try:
        write_atomic(path, data)
    except OutputError as exc:
        raise OutputError(exc.message, "Give a path in a folder you can write to.") from None
    click.echo(f"wrote {path}")
    click.echo(f"  fill in the sheets you have data for, then: kpireport generate {path} --out report")
