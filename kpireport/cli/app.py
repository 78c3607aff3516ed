"""The `kpireport` command line.

The library raises KpiReportError subclasses; this module alone turns them into one-line
messages with the fix and a distinct exit code (see `errors.EXIT_CODES`). `--debug` shows the
traceback instead.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__
from .config import Config, load_config
from .errors import KpiReportError, UsageError
from .periods import Grain

EPILOG_GENERATE = """\b
Examples:
  kpireport generate sample_workbooks --out report
  kpireport generate crm.xlsx sales.xlsx --out out --period 2026-Q3
  kpireport generate exports/ --out out --grain year --config kpireport.yaml
"""


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # noqa: D401 - click hook
        try:
            return super().invoke(ctx)
        except KpiReportError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"kpireport: error: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kpireport")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """kpireport: KPI workbooks and e-mail summaries from your CRM, sales and finance exports."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _config(path: Path | None) -> Config:
    if path is None:
        default = Path("kpireport.yaml")
        return load_config(default) if default.is_file() else Config()
    return load_config(path)


def _safe_name(name: str) -> str:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:80]
    return cleaned or "kpi-report"


@main.command(epilog=EPILOG_GENERATE)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report files (created if missing).")
@click.option("--period", help="Period to report: 2026-10, 2026-Q3 or 2026. Default: latest complete period.")
@click.option("--grain", type=click.Choice([g.value for g in Grain]), help="month, quarter or year (default from config: month).")
@click.option("--name", default="kpi-report", show_default=True, help="Base name of the output files.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def generate(inputs: tuple[Path, ...], out_dir: Path, period: str | None, grain: str | None, name: str,
             config_path: Path | None, quiet: bool) -> None:
    """Read INPUT files or folders and write <name>.xlsx, <name>.html and <name>.json to --out."""
    from .deliver.files import write_all
    from .pipeline import run
    from .render.html import render_html
    from .render.json_out import render_json
    from .render.workbook import render_workbook

    config = _config(config_path)
    report = run(list(inputs), config, Grain(grain) if grain else None, period)
    today = dt.date.today()
    base = _safe_name(name)
    outputs = {
        out_dir / f"{base}.xlsx": render_workbook(report, config, today),
        out_dir / f"{base}.html": render_html(report, config, today),
        out_dir / f"{base}.json": render_json(report, today),
    }
    written = write_all(outputs)
    if not quiet:
        _summary(report, written)


def _summary(report, written: list[Path]) -> None:
    from collections import Counter

    counts = Counter(report.status[report.period].dropna())
    computed = len(report.computed)
    click.echo(f"{report.company}: {computed} KPIs for {report.period_label()} ({report.grain.value})")
    if counts:
        click.echo("  " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items())))
    if report.unavailable:
        click.echo(f"  {len(report.unavailable)} KPI(s) could not be computed: "
                   + "; ".join(f"{k} ({u.reason()})" for k, u in list(report.unavailable.items())[:5]))
    warnings = [p for p in report.problems if p.severity.value != "info"]
    if warnings:
        click.echo(f"  {len(warnings)} data-quality warning(s); see the Data quality sheet")
    for p in written:
        click.echo(f"  wrote {p}")


@main.command()
@click.option("--out", "out_dir", default="sample_workbooks", show_default=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--seed", default=2026, show_default=True, type=int)
def sample(out_dir: Path, seed: int) -> None:
    """Write the bundled sample workbooks (a fictional company, generated from a seed)."""
    from .sample import write_sample_workbooks

    for p in write_sample_workbooks(out_dir, seed):
        click.echo(f"wrote {p}")


def run_cli() -> None:  # pragma: no cover - console-script entry
    try:
        main(prog_name="kpireport")
    except UsageError as exc:
        click.echo(f"kpireport: error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
