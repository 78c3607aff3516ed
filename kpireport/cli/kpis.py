"""`kpireport kpis`: list the catalog's KPIs, or explain one in plain words."""

from __future__ import annotations

import difflib
import re
import shutil
import textwrap
from pathlib import Path

import click

from ..catalog.formula import measure_names
from ..compute.targets import resolve_kpi
from ..errors import UsageError
from ..i18n import Translator, default_locale, language_of, languages
from ..render.formats import percent_text
from ..template import header_for, sheet_for
from .app import load_cli_config, main

EPILOG = """\b
Examples:
  kpireport kpis                          # every KPI, by category
  kpireport kpis --category customer_service
  kpireport kpis churn_rate               # formula in words, inputs, direction, guidance
  kpireport kpis "Churn rate" --lang tr
  kpireport kpis --config kpireport.yaml  # with your own KPIs and changes
"""


@main.command(epilog=EPILOG)
@click.argument("kpi", required=False)
@click.option("--category", help="Only this category (id or name; `kpireport kpis` shows them).")
@click.option("--lang", type=str, help="Language of names and texts (default from the config: en).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present); its KPIs and changes are included.")
@click.option("--all", "show_all", is_flag=True, help="Also list hidden KPIs.")
def kpis(kpi: str | None, category: str | None, lang: str | None, config_path: Path | None,
         show_all: bool) -> None:
    """List the KPIs kpireport computes, or explain KPI (an id or a name) in plain words."""
    from ..pipeline import catalog_for

    config = load_cli_config(config_path)
    language = lang or config.language
    if language not in languages():
        raise UsageError(f"{language!r} is not an available language.", f"Use one of {', '.join(languages())}.")
    locale = config.locale if language_of(config.locale) == language else default_locale(language)
    t = Translator(language, locale)
    catalog = catalog_for(config)
    if kpi:
        click.echo(explain(catalog, find_kpi(catalog, kpi), t))
        return
    chosen = find_category(catalog, category, t) if category else None
    click.echo(listing(catalog, t, chosen, show_all))


def find_kpi(catalog, text: str) -> str:
    """A KPI id from an id or a name in any language (case-insensitive); UsageError with a suggestion."""
    exact = resolve_kpi(text, catalog)
    if exact is not None:
        return exact
    low = text.strip().casefold()
    word = re.compile(rf"(?<!\w){re.escape(low)}(?!\w)")
    hits = [kid for kid, k in catalog.kpis.items()
            if word.search(kid.casefold().replace("_", " ")) or any(word.search(v.casefold()) for v in k.name.values())]
    if len(hits) == 1:
        return hits[0]
    if hits:
        shown = ", ".join(hits[:12]) + (", ..." if len(hits) > 12 else "")
        raise UsageError(f"{text!r} matches {len(hits)} KPIs: {shown}.", "Give one of these ids.")
    names = {v.casefold(): kid for kid, k in catalog.kpis.items() for v in k.name.values()}
    close = difflib.get_close_matches(low, [*catalog.kpis, *names], n=1, cutoff=0.6)
    hint = f"Did you mean {names.get(close[0], close[0])!r}? " if close else ""
    raise UsageError(f"no KPI {text!r} in the catalog.", hint + "Run `kpireport kpis` for the list.")


def find_category(catalog, text: str, t) -> str:
    low = text.strip().casefold()
    for cid, c in catalog.categories.items():
        if cid.casefold() == low or any(v.casefold() == low for v in c.name.values()):
            return cid
    close = difflib.get_close_matches(low, list(catalog.categories), n=1, cutoff=0.6)
    hint = f"Did you mean {close[0]!r}? " if close else ""
    raise UsageError(f"no category {text!r}.", hint + "Categories: " + ", ".join(catalog.categories) + ".")


def _width() -> int:
    return max(60, min(110, shutil.get_terminal_size((100, 24)).columns))


def listing(catalog, t, category: str | None = None, show_all: bool = False) -> str:
    order = [catalog.kpis[k] for k in catalog.kpi_order() if show_all or not catalog.kpis[k].hidden]
    if category:
        order = [k for k in order if k.category == category]
    groups: dict[str, list] = {}
    for cid in catalog.categories:
        groups[cid] = [k for k in order if k.category == cid]
    lines = []
    if category:
        cname = catalog.categories[category].name
        lines.append(t("kpis.list_title_category", count=len(order), category=cname.get(t.lang) or cname["en"]))
    else:
        lines.append(t("kpis.list_title", count=len(order)))
    idw = max((len(k.id) for k in order), default=10)
    for cid, items in groups.items():
        if not items:
            continue
        cname = catalog.categories[cid].name
        lines += ["", f"{cname.get(t.lang) or cname['en']} ({cid})"]
        for k in items:
            unit = t.get(f"unit.{k.unit}") or k.unit
            flag = " *" if k.hidden else ""
            lines.append(f"  {k.id:<{idw}}  {k.label(t.lang)}  [{unit}]{flag}")
    lines += ["", t("kpis.more")]
    return "\n".join(lines)


def explain(catalog, kid: str, t) -> str:
    from ..render.workbook.sheets_reference import formula_words

    k = catalog.kpis[kid]
    width = _width()
    rows: list[tuple[str, str]] = []
    cname = catalog.categories[k.category].name
    rows.append((t("kpis.id"), k.id + (f"  {t('kpis.hidden')}" if k.hidden else "")))
    rows.append((t("kpis.category"), f"{cname.get(t.lang) or cname['en']} ({k.category})"))
    rows.append((t("kpis.unit"), t.get(f"unit.{k.unit}") or k.unit))
    rows.append((t("kpis.direction"), t.get(f"direction.{k.direction}") or k.direction))
    rows.append((t("kpis.formula"), formula_words(catalog, k, t)))
    rows.append((t("kpis.formula_ids"), k.formula_text))
    needs = catalog.inputs(kid)
    if needs:
        rows.append((t("kpis.inputs"), "; ".join(
            t("kpis.input_table", table=sheet_for(t, table),
              columns=", ".join(sorted(header_for(t, table, c) for c in cols)))
            for table, cols in sorted(needs.items()))))
    if k.breakdowns:
        rows.append((t("kpis.breakdowns"), ", ".join(t.get(f"dimension.{b}") or b for b in k.breakdowns)))
    if k.direction != "info":
        decimals = 0 if round(k.tolerance * 100, 6).is_integer() else 1
        rows.append((t("kpis.band"), t("kpis.band_value", pct=percent_text(k.tolerance, t.locale, decimals))))
    users = [o.label(t.lang) for oid, o in catalog.kpis.items()
             if oid != kid and not o.hidden and _reads(catalog, oid, kid)]
    if users:
        rows.append((t("kpis.used_by"), ", ".join(users)))
    for field_name, key in (("description", "kpis.description"), ("guidance", "kpis.guidance")):
        text = k.text(field_name, t.lang)
        if text:
            rows.append((t(key), text))
    label_w = min(28, max(len(label) for label, _ in rows) + 1)
    out = [k.label(t.lang), "=" * len(k.label(t.lang))]
    for label, value in rows:
        head = f"{label}:".ljust(label_w + 1)
        wrapped = textwrap.wrap(value, width - label_w - 1, break_long_words=False, break_on_hyphens=False) or [""]
        if len(head) > label_w + 1:
            out.append(head)
            out += [" " * (label_w + 1) + line for line in wrapped]
        else:
            out.append(head + wrapped[0])
            out += [" " * (label_w + 1) + line for line in wrapped[1:]]
    return "\n".join(out)


def _reads(catalog, kid: str, other: str) -> bool:
    return other in measure_names(catalog.kpis[kid].formula)
