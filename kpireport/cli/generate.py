"""`kpireport generate`: the main job."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..periods import Grain
from .app import load_cli_config, main, safe_name

EPILOG = """\b
Examples:
  kpireport generate sample_workbooks --out report
  kpireport generate crm.xlsx sales.xlsx --out out --period 2026-Q3
  kpireport generate exports/ --out out --grain year --config kpireport.yaml
"""


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the report files (created if missing).")
@click.option("--period", help="Period to report: 2026-10, 2026-Q3 or 2026. Default: latest complete period.")
@click.option("--grain", type=click.Choice([g.value for g in Grain]), help="month, quarter or year (default from config: month).")
@click.option("--name", default="kpi-report", show_default=True, help="Base name of the output files.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
@click.option("--email", "email", is_flag=True,
              help="Also send the summary by e-mail (SMTP settings and recipients from the config).")
@click.option("--dry-run", is_flag=True, help="With --email: write the .eml but do not send it.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def generate(inputs: tuple[Path, ...], out_dir: Path, period: str | None, grain: str | None, name: str,
             config_path: Path | None, email: bool, dry_run: bool, quiet: bool) -> None:
    """Read INPUT files or folders and write the report to --out.

    Writes <name>.xlsx (the KPI workbook), <name>.html (the summary), <name>.eml (the summary
    as an e-mail with the workbook attached) and <name>.json (every value). Every file is
    rendered before the first one is written, and each is replaced atomically, so a failed
    run leaves the previous report as it was and sends nothing.
    """
    from ..deliver.email import build_message, message_bytes, send
    from ..deliver.files import write_all
    from ..pipeline import run
    from ..render.html import render_html
    from ..render.json_out import render_json
    from ..render.workbook import render_workbook

    config = load_cli_config(config_path)
    report = run(list(inputs), config, Grain(grain) if grain else None, period)
    today = dt.date.today()
    base = safe_name(name)
    workbook = render_workbook(report, config, today)
    message = build_message(report, config, today, workbook, f"{base}.xlsx")
    outputs = {
        out_dir / f"{base}.xlsx": workbook,
        out_dir / f"{base}.html": render_html(report, config, today),
        out_dir / f"{base}.eml": message_bytes(message),
        out_dir / f"{base}.json": render_json(report, today),
    }
    written = write_all(outputs)
    if not quiet:
        _summary(report, written)
    if email and not dry_run:
        send(message, config.email)
        if not quiet:
            click.echo(f"  sent to {', '.join(config.email.recipients)}")
    elif email and not quiet:
        click.echo("  dry run: e-mail written, not sent")


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


