"""`kpireport validate`: what kpireport makes of the input, without writing a report.

Prints the files read, each sheet recognised (sheet -> table, how, header row, rows read and
used), the header mapping (their header -> our column, ignored headers), the sheets not used,
every issue by cell, and which KPIs can and cannot be computed. Exit codes are those `generate`
would give on the same input: 0 when at least one table was recognised and nothing is an error;
otherwise the code of the first file that could not be read, 7 (missing data) when no table was
recognised, 3 (input error) when a table was recognised but errors were found, 7 again when a
recognised table has no usable row (pipeline.check_input) or no row is dated. Files given twice
are read once and listed; sheets the config marks 'ignore' are listed as not used.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from ..calendars import Calendar
from ..compute.availability import availability
from ..errors import InputError, KpiReportError, MissingDataError
from ..mapping import map_sheets
from ..periods import grain_of, label
from ..problems import ProblemLog
from ..read import read_path
from ..read.duplicates import describe, note_duplicates, unique_files
from ..read.inputs import expand
from ..validate import validate as validate_sheets
from .app import load_cli_config, main

EPILOG = """\b
Examples:
  kpireport validate exports/
  kpireport validate crm.xlsx orders.csv --config kpireport.yaml
"""


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--source", help="Check the data where it lives instead of INPUTS: a folder of Parquet/CSV files, a "
                                ".parquet file, duckdb:///file.duckdb or postgres://user@host:port/db (sampled and "
                                "counted by queries).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
@click.option("--period", help="Also check this period (as generate takes it: 2026-10, 2011..2014, all) "
                              "against the data's range.")
def validate(inputs: tuple[Path, ...], source: str | None, config_path: Path | None, period: str | None) -> None:
    """Check INPUT files or folders: what is recognised, how headers map, every issue by cell, and which
    KPIs can be computed. Writes nothing."""
    from ..compute.engine import choose_periods
    from ..pipeline import catalog_for, check_input, modelled, source_spec

    config = load_cli_config(config_path)
    catalog = catalog_for(config)
    if not inputs and source is None:
        raise click.UsageError("give INPUTS (files or folders) or --source.")
    spec = source_spec(list(inputs), source)
    if spec is not None:
        _validate_source(spec, config, catalog, period)
        return
    problems = ProblemLog()
    files, dropped = unique_files(expand(list(inputs), problems))
    sheets = []
    failed: list[tuple[Path, KpiReportError]] = []
    note_duplicates(dropped, problems)
    click.echo("Files")
    for skipped, kept in dropped:
        click.echo(f"  {skipped.name}: {describe(skipped, kept)}")
    for f in files:
        try:
            got = read_path(f)
        except KpiReportError as exc:
            failed.append((f, exc))
            click.echo(f"  {f.name}: cannot be read: {exc.one_line()}")
            continue
        sheets.extend(got)
        detail = got[0].detail if got and got[0].detail else f.suffix.lstrip(".")
        click.echo(f"  {f.name} ({detail}): {_plural(len(got), 'sheet')}")
    mapped, problems = map_sheets(sheets, config.mapping, problems=problems, catalog=catalog)
    dataset = validate_sheets(mapped, problems, config.input_locale, catalog=catalog)
    if dataset.tables:  # joins, derived customers and dated snapshots, as generate sees them
        dataset = modelled(dataset, [f for f in files if all(f != g for g, _ in failed)], config)
    _recognised(dataset)
    _not_used(sheets, dataset)
    errors = _issues(dataset)
    _kpis(catalog, dataset)
    if failed:
        raise failed[0][1]
    if not dataset.sources:
        raise MissingDataError("no input table was recognised in the files given.",
                               "Name each sheet after its table (Orders, Customers, Leads, ...) or map it in the "
                               "config (mapping: sheets).")
    if errors:
        # the first condition pipeline.check_input refuses in generate: the two exit alike
        raise InputError(f"{_plural(errors, 'error')} found in the input; see the issues above.",
                         "Fix them in the source files or map the columns in the config (a file or sheet not meant "
                         "to be read can be marked 'ignore' under mapping: sheets), then validate again.")
    check_input(dataset)  # and the rest of it: a table with no usable row
    choose_periods(dataset, config.grain, config.fiscal_year_start, None)  # generate's "no dated rows" (exit 7)
    _check_period(dataset, config, period)
    click.echo(f"OK: {_plural(len(dataset.sources), 'table')} recognised, no errors.")


def _check_period(dataset, config, period: str | None) -> None:
    """generate's period checks: not a period (exit 2), outside the data (exit 2)."""
    from ..compute.engine import check_period
    from ..pipeline import chosen_period

    if period:
        calendar = Calendar(config.calendar)
        chosen = chosen_period(dataset, period, config.fiscal_year_start, calendar)
        check_period(dataset, chosen, grain_of(chosen), config.fiscal_year_start, calendar)
        click.echo(f"Period {label(chosen)}: inside the data.")


def _validate_source(spec, config, catalog, period: str | None = None) -> None:
    """`validate` of a source read in place: recognised on samples, problems counted by queries."""
    from ..compute.engine import choose_periods
    from ..pipeline import check_input, modelled
    from ..sources import load_source

    click.echo("Source")
    click.echo(f"  {spec.shown}: read in place (a sample of each table recognised, problems counted by queries)")
    dataset = modelled(load_source(spec, config, catalog), [], config)
    _recognised(dataset)
    _issues(dataset)
    _kpis(catalog, dataset)
    if not dataset.sources:
        raise MissingDataError(f"no table was recognised in {spec.shown}.",
                               "Name each table or file after its table (orders, customers, leads, ...) or map it "
                               "under mapping: sheets in the config.")
    check_input(dataset)
    choose_periods(dataset, config.grain, config.fiscal_year_start, None)
    _check_period(dataset, config, period)
    click.echo(f"OK: {_plural(len(dataset.sources), 'table')} recognised, no errors.")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _wrap(text: str, indent: int) -> str:
    pad = " " * indent
    return textwrap.fill(text, width=110, initial_indent=pad, subsequent_indent=pad + "  ",
                         break_long_words=False, break_on_hyphens=False)


def _recognised(dataset) -> None:
    click.echo("Recognised")
    if not dataset.sources:
        click.echo("  nothing")
    for s in dataset.sources:
        what = "monthly KPI sheet" if s.kind == "kpi sheet" else s.table
        header = (f"header row {s.header_row}" if s.header_rows == 1
                  else f"header rows {s.header_row - 1}-{s.header_row}")
        unit = "KPI row" if s.kind == "kpi sheet" else "row"
        extra = [f"by {s.recognised_by}"] if s.recognised_by else []
        extra += [header, f"{_plural(s.rows_read, unit)} read, {s.rows_used:,} used"
                  + (" - no usable row" if s.rows_read and not s.rows_used else "")]
        if s.excel_errors:
            extra.append(f"{_plural(s.excel_errors, 'cell')} with Excel errors")
        if s.hidden_rows:
            extra.append(f"{_plural(s.hidden_rows, 'hidden row')} read as data")
        click.echo(f"  {s.file} / {s.sheet} -> {what} ({'; '.join(extra)})")
        pairs = ", ".join(f"{theirs or '?'} -> {ours}" for theirs, ours in s.mapping)
        click.echo(_wrap(f"columns: {pairs}", 6))
        if s.ignored:
            click.echo(_wrap("ignored headers: " + ", ".join(s.ignored), 6))


def _not_used(sheets, dataset) -> None:
    used = {(s.file, s.sheet) for s in dataset.sources}
    rest = [s for s in sheets if (s.file, s.sheet) not in used]
    if not rest:
        return
    click.echo("Not used")
    for s in rest:
        why = next((p.reason for p in dataset.problems if p.file == s.file and p.sheet == s.sheet), "not recognised")
        click.echo(_wrap(f"{s.file} / {s.sheet}: {why}", 2))


def _issues(dataset) -> int:
    items = list(dataset.problems)
    order = {"error": 0, "warning": 1, "info": 2}
    items.sort(key=lambda p: order[p.severity.value])
    counts = {k: sum(1 for p in items if p.severity.value == k) for k in order}
    more = sum(dataset.problems.suppressed.values())
    click.echo(f"Issues: {_plural(counts['error'], 'error')}, {_plural(counts['warning'] + more, 'warning')}, "
               f"{_plural(counts['info'], 'note')}")
    for p in items:
        click.echo(_wrap(p.one_line(), 2))
    for (file, sheet, col), n in dataset.problems.suppressed.items():
        click.echo(_wrap(f"warning: {file} / {sheet} (column {col}): {n:,} more problems like the above", 2))
    if dataset.excel_errors:
        per = ", ".join(f"{t}.{c}: {n}" for (t, c), n in sorted(dataset.excel_errors.items()))
        click.echo(_wrap(f"cells with cached Excel errors, excluded: {per}", 2))
    return counts["error"]


def _kpis(catalog, dataset) -> None:
    try:
        unavailable, usable = availability(catalog, dataset)
        reasons = {k: u.reason() for k, u in unavailable.items()}
    except ImportError:  # pragma: no cover - the engine always has it today
        reasons = {}
        for kid in catalog.kpi_order():
            gaps = {t: sorted(dataset.missing(t, c)) for t, c in catalog.inputs(kid).items()}
            gaps = {t: c for t, c in gaps.items() if c or t not in dataset.tables}
            if gaps:
                reasons[kid] = "needs " + "; ".join(f"{t}: {', '.join(c)}" for t, c in gaps.items())
        usable = set(catalog.kpis) - set(reasons)
    typed = dataset.typed_kpis()
    order = [k for k in catalog.kpi_order() if not catalog.kpis[k].hidden]
    computed = [k for k in order if k in usable]
    only_typed = [k for k in order if k not in usable and k in typed]
    missing = [k for k in order if k not in usable and k not in typed]
    click.echo(f"KPIs: {len(computed) + len(only_typed)} of {len(order)} can be reported")
    if computed:
        click.echo(_wrap(f"from records ({len(computed)}): " + ", ".join(computed), 2))
    if only_typed:
        click.echo(_wrap(f"typed in the KPI sheet only ({len(only_typed)}): " + ", ".join(only_typed), 2))
    both = [k for k in computed if k in typed]
    if both:
        click.echo(_wrap(f"typed and computable ({len(both)}; the typed value wins): " + ", ".join(both), 2))
    if missing:
        click.echo(f"  cannot be computed ({len(missing)}):")
        for k in missing:
            click.echo(_wrap(f"{k}: {reasons.get(k, 'no data')}", 4))
