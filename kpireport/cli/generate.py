"""`kpireport generate`: the main job."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..cache import TableCache, default_dir
from ..deliver.files import write_all
from ..errors import EXIT_CODES, UsageError
from ..i18n import Translator
from ..periods import Grain
from ..ranges import is_range
from ..render.data_workbook import write_data_workbook
from .app import load_cli_config, main, safe_name

EPILOG = """\b
Examples:
  kpireport generate sample_workbooks --out report
  kpireport generate crm.xlsx sales.xlsx --out out --period 2026-Q3
  kpireport generate exports/ --out out --period all      # totals over the whole data
  kpireport generate exports/ --out out --grain year --config kpireport.yaml
  kpireport generate exports/ --out out --email --dry-run   # write the .eml, do not send
  kpireport generate --source lake/ --out out               # Parquet/CSV read in place by DuckDB
  kpireport generate --source duckdb:///sales.duckdb --out out
  kpireport generate --source postgres://ann@db:5432/sales --out out   # password from PGPASSWORD
  kpireport generate --source pyspark --config kpireport.yaml --out out   # its spark: database
"""

STEPS = {"read": "reading and computing", "workbook": "writing the workbook", "html": "writing the summary",
         "pdf": "writing the PDF",
         "email": "writing the e-mail", "json": "writing the JSON", "write": "saving the files"}


def _exit_code_epilog() -> str:
    """The `kpireport --help` epilog: commands to start with and every exit code (from errors.EXIT_CODES)."""
    width = max(len(k) for k in EXIT_CODES)
    codes = "\n".join(f"  {code:>2}  {meaning:<{width}}" .rstrip() for meaning, code in
                      sorted(EXIT_CODES.items(), key=lambda kv: kv[1]))
    return ("\b\nStart here:\n"
            "  kpireport sample --out samples                 # the fictional sample company's exports\n"
            "  kpireport generate samples --out report        # a report from them\n"
            "  kpireport template                             # a blank input workbook to fill in\n"
            "  kpireport kpis churn_rate                      # what a KPI means and needs\n"
            "  kpireport init                                 # a commented kpireport.yaml\n"
            "  kpireport watch inbox --out reports            # a drop folder\n"
            "  kpireport serve                                # a drop page in the browser\n"
            "Run `kpireport COMMAND --help` for a command's options and examples.\n"
            "\n\b\nExit codes (scripts may rely on them):\n" + codes + "\n")


main.epilog = _exit_code_epilog()


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--source", help="Read the data where it lives instead of INPUTS: a folder of Parquet/CSV files, a "
                                ".parquet file, duckdb:///file.duckdb or postgres://user@host:port/db[?schema=name] "
                                "(the engine computes, only totals come back).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report files (created if missing).")
@click.option("--period", help="Period to report: 2026-10, 2026-Q3 or 2026; a whole range as 2011..2014 (or "
                              "2023-Q1..2023-Q3, 2023-01..2023-06) or all. Default: latest complete period.")
@click.option("--grain", type=click.Choice([g.value for g in Grain]),
              help="month, quarter or year (default from config: month).")
@click.option("--name", default="kpi-report", show_default=True, help="Base name of the output files.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
@click.option("--email", "email", is_flag=True,
              help="Also send the summary by e-mail (SMTP settings and recipients from the config).")
@click.option("--dry-run", is_flag=True, help="With --email: write the .eml but do not send it.")
@click.option("--with-data", is_flag=True,
              help="Also write <name>-data.xlsx: every validated input row, one sheet per table (streamed; "
                   "a million rows take about a minute).")
@click.option("--no-pdf", is_flag=True, help="Do not write <name>.pdf, the PDF summary.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (no progress, no summary).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for validated tables kept between runs (default: the user cache folder).")
@click.option("--no-cache", is_flag=True, help="Read every input again; neither use nor store validated tables.")
def generate(inputs: tuple[Path, ...], source: str | None, out_dir: Path, period: str | None, grain: str | None,
             name: str, config_path: Path | None, email: bool, dry_run: bool, with_data: bool, no_pdf: bool,
             quiet: bool, cache_dir: Path | None, no_cache: bool) -> None:
    """Read INPUT files or folders and write the report to --out.

    Writes <name>.xlsx (the KPI workbook), <name>.html (the summary), <name>.pdf (the summary
    on A4 pages; --no-pdf leaves it out), <name>.eml (the summary as an e-mail with the
    workbook attached) and <name>.json (every value); with --with-data
    also <name>-data.xlsx, the validated input rows (never copied into the KPI workbook). Every file is
    rendered before the first one is written, and each is replaced atomically, so a failed
    run leaves the previous report as it was and sends nothing. Progress shows on a terminal;
    a summary (KPIs on track, at risk, off track, what could not be computed, files written)
    ends the run. Validated tables are kept in a cache folder, so a re-run on the same files
    (another period, grain, target, language or template) skips reading them.
    """
    from ..deliver.email import is_draft, send
    from ..outputs import render_outputs
    from ..pipeline import run_with_dataset, source_spec

    if not inputs and source is None:
        raise click.UsageError("give INPUTS (files or folders) or --source.")
    if with_data and source_spec(list(inputs), source) is not None:
        raise UsageError("--with-data copies every input row into a workbook; a source read in place keeps its "
                         "rows where they are.", "Leave --with-data out, or query the source itself.")

    config = load_cli_config(config_path)
    today = dt.date.today()
    base = safe_name(name)
    steps = ["read", "workbook", "html", *([] if no_pdf else ["pdf"]), "email", "json", "write"]
    with _progress(steps, enabled=not quiet and _is_tty(sys.stderr)) as step:
        step("read")
        folder = None if no_cache else cache_dir or default_dir()
        cache = TableCache(folder) if folder is not None else None
        report, dataset = run_with_dataset(list(inputs), config, Grain(grain) if grain else None, period, source, cache)
        files, message = render_outputs(report, config, today, base, step, pdf=not no_pdf)
        outputs: dict = {out_dir / n: data for n, data in files.items()}
        if with_data:
            tables = dict(dataset.tables)
            outputs[out_dir / f"{base}-data.xlsx"] = lambda path: write_data_workbook(tables, path)
        del dataset
        step("write")
        written = write_all(outputs)
    if not quiet:
        words = Translator(config.language, config.locale, config.calendar).period(report.period)
        click.echo(summary_table(report, written, words, draft=is_draft(config.email)))
    if email and not dry_run:
        send(message, config.email)
        if not quiet:
            click.echo(f"  sent to {', '.join(config.email.recipients)}")
    elif email and not quiet:
        click.echo("  dry run: e-mail written, not sent")


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@contextlib.contextmanager
def _progress(steps: list[str], enabled: bool) -> Iterator:
    """A progress bar on stderr (only on a terminal): `step(name)` marks the start of each step."""
    if not enabled:
        yield lambda name: None
        return
    started: list[str] = []
    bar: Any
    with click.progressbar(length=len(steps), label="kpireport", file=sys.stderr, show_eta=False,
                           show_percent=False, show_pos=True, width=20,
                           item_show_func=lambda item: STEPS.get(item, item) if item else None) as bar:
        def step(name: str) -> None:
            bar.update(1 if started else 0, name)  # the previous step is done; show this one
            if not started:
                bar.render_progress()  # update(0) does not redraw
            started.append(name)

        yield step
        bar.update(1, None)


def summary_table(report, written: list[Path], period: str | None = None, draft: bool = False) -> str:
    """The end-of-run summary: KPI statuses, what could not be computed, warnings, files written.

    `draft`: the .eml has no sender or recipients (no e-mail config), so it is called a draft.
    """
    counts = report.status_counts()
    warnings = [p for p in report.problems if p.severity.value != "info"]
    suppressed = sum(getattr(report.problems, "suppressed", {}).values())
    period = period or report.period_label()
    grain = "whole range, no comparison with a previous period" if is_range(report.period) else report.grain.value
    head = f"{len(report.computed)} KPIs for {period} ({grain})"
    lines = [f"{report.company}: {head}" if report.company else head, ""]
    rows: list[tuple[str, int, str]] = []
    for key in ("on_track", "at_risk", "off_track"):
        rows.append((key.replace("_", " "), counts.get(key, 0), "vs target"))
    trend = [(key, counts.get(key, 0)) for key in ("improving", "worsening", "steady") if counts.get(key)]
    for key, n in trend:
        rows.append((key, n, "no target: trend vs the previous period"))
    unavailable = list(report.unavailable.items())
    detail = "; ".join(f"{k} ({u.reason()})" for k, u in unavailable[:3])
    if len(unavailable) > 3:
        detail += f"; and {len(unavailable) - 3} more (see the Data quality sheet)"
    rows.append(("could not be computed", len(unavailable), detail))
    rows.append(("data-quality warnings", len(warnings) + suppressed,
                 "see the Data quality sheet" if warnings or suppressed else ""))
    rows.append(("files written", len(written), str(written[0].parent) if written else ""))
    label_w = max(len(r[0]) for r in rows)
    num_w = max(len(str(r[1])) for r in rows)
    for label, n, note in rows:
        lines.append(f"  {label:<{label_w}}  {n:>{num_w}}  {note}".rstrip())
    lines.append("")
    lines += [f"  wrote {p}" + (" (a draft: no From or To; set email.sender and email.recipients in the config "
                                "to send it)" if draft and p.suffix == ".eml" else "") for p in written]
    return "\n".join(lines)
