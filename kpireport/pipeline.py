"""The one-way flow: read -> map -> validate -> compute. Rendering and delivery read the Report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cache import TableCache
from .calendars import Calendar
from .catalog import Catalog, load_catalog
from .catalog.loader import check_extra_columns
from .compute.engine import check_period, choose_periods
from .compute.report import Report
from .compute.run import compute_report
from .config import Config, apply_target_overrides, locale_currency
from .dataset import Dataset
from .duck import within_memory
from .errors import InputError, MissingDataError, UsageError
from .mapping import map_sheets
from .model import apply_model
from .periods import Grain, convert, grain_of, parse_period
from .problems import ProblemLog, Severity
from .ranges import is_range, parse_range, wants_all, whole
from .read import read_inputs
from .read.docprops import first_properties
from .read.inputs import expand
from .sources import SourceSpec, is_pushed_input, load_source, parse_source
from .validate import validate


def load_dataset(inputs: list[Path], config: Config, catalog: Catalog | None = None,
                 source: str | None = None, cache: TableCache | None = None) -> Dataset:
    """Read, map and validate: the input half of the pipeline.

    The catalog (with the user's layers) is passed along so that a monthly KPI sheet may name
    KPIs that only the user's config defines. A source that stays where it is (`--source`, a
    .parquet file or a folder of Parquet files: sources/) is recognised and validated in its
    engine instead of being read. With a `cache`, validated tables of the same files, settings
    and code come from it (cache.py) and reading is skipped.
    """
    catalog = catalog or catalog_for(config)
    spec = source_spec(inputs, source)
    if spec is not None:
        dataset = load_source(spec, config, catalog)
        if not dataset.sources:
            raise MissingDataError(f"no table was recognised in {spec.shown}.",
                                   "Name each table or file after its table (orders, customers, leads, ...) or map "
                                   "it under mapping: sheets in the config.")
        check_input(dataset)
        return modelled(dataset, [], config)
    problems = ProblemLog()
    files = expand(inputs, problems)  # once: a pipe is copied once; links out of a folder, own reports noted
    key = None
    if cache is not None:
        settings = (config.decimal, config.day_first, config.mapping, config.catalog_layers)
        key = cache.key(files, [p.one_line() for p in problems], settings)
        cached = cache.load(key)
        if cached is not None:
            check_input(cached)
            return _checked(modelled(cached, files, config), catalog)
    sheets = read_inputs(files, problems)
    mapped, problems = map_sheets(sheets, config.mapping, problems=problems, catalog=catalog)
    if not mapped:
        raise MissingDataError(
            "no input table was recognised in the files given.",
            "Name each sheet after its table (Orders, Customers, Leads, ...) or run `kpireport validate` to see why.",
        )
    dataset = validate(mapped, problems, config.input_locale, catalog=catalog)
    check_input(dataset)
    if cache is not None and key is not None:
        cache.store(key, dataset)
    return _checked(modelled(dataset, files, config), catalog)


def _checked(dataset: Dataset, catalog: Catalog) -> Dataset:
    """The dataset, once every extra column a custom measure reads is known to be there."""
    check_extra_columns(catalog, {t: set(map(str, df.columns)) for t, df in dataset.tables.items()})
    return dataset


def source_spec(inputs: list[Path], source: str | None) -> SourceSpec | None:
    """The SourceSpec of a run that reads in place (None for files read whole): --source, or a
    single .parquet file or folder of Parquet files given as the input."""
    if source is not None:
        if inputs:
            raise UsageError("give either input files or --source, not both.",
                             "Put the files in the source (a folder) or leave --source out.")
        return parse_source(source)
    if len(inputs) == 1 and is_pushed_input(inputs[0]):
        return SourceSpec("files", inputs[0], str(inputs[0]))
    return None


def modelled(dataset: Dataset, files: list[Path], config: Config) -> Dataset:
    """The validated tables through the semantic model (related files joined, snapshots dated),
    with the company and currency the input workbooks name: what `generate` and `validate` both
    go on from."""
    props = first_properties(files)
    dataset.company, dataset.title, dataset.currency = props.company, props.title, props.currency
    as_of, said = _as_of(files, config)
    turkish = config.language == "tr" or config.locale.lower().startswith("tr")
    return apply_model(dataset, as_of=as_of, as_of_said=said, turkish=turkish)


def _as_of(files: list[Path], config: Config) -> tuple[pd.Timestamp | None, str]:
    """The day a snapshot without dates describes: the config's as_of, else the newest input
    file's modified date (a churn list exported today tells how the last month ended)."""
    if config.as_of is not None:
        return pd.Timestamp(config.as_of), "as_of in the config"
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    if not newest:
        return None, ""
    return pd.Timestamp.fromtimestamp(newest).normalize(), "the input files' modified date"


def check_input(dataset: Dataset) -> None:
    """What `generate` and `validate` both refuse, so that they agree on every input.

    An error in the input (a sheet named or mapped as a table that cannot be read as one, a
    config mapping that names no table) is an input error (exit 3). A recognised sheet with
    rows none of which is usable ("0 of 7,043 rows") is missing data (exit 7): reporting the
    rest would show its KPIs as "no data" for a file full of it. Warnings never stop a run.
    """
    errors = [p for p in dataset.problems if p.severity is Severity.ERROR]
    if errors:
        more = f" (and {len(errors) - 1:,} more errors)" if len(errors) > 1 else ""
        raise InputError(f"{errors[0].one_line().removeprefix('error: ')}{more}.",
                         "Fix it in the source file or map it in the config; a file or sheet that is not meant to "
                         "be read can be marked 'ignore' under mapping: sheets. `kpireport validate` lists every "
                         "issue.")
    for s in unusable(dataset):
        raise MissingDataError(
            f"{s.file} / {s.sheet}: recognised as table {s.table!r} but 0 of {s.rows_read:,} rows are usable: "
            "every row lacks a required value or has one that cannot be read.",
            "`kpireport validate` shows why by cell; fix the column or map another one in the config, or mark the "
            "sheet 'ignore' under mapping: sheets.")


def unusable(dataset: Dataset) -> list:
    """Recognised record sheets that had rows and kept none."""
    return [s for s in dataset.sources if s.kind == "records" and s.rows_read > 0 and s.rows_used == 0]

def identity(config: Config, dataset: Dataset) -> tuple[str, str]:
    """(company, currency) of a report: never the sample company's, never a guess.

    The company is the config's, else the first input workbook's Company property, else its
    Title, else '' (the outputs then leave it out of titles). The currency is the config's, else
    that workbook's custom property Currency, else the one of the locale's country (en_US: USD,
    tr_TR: TRY), else '' (numbers without a symbol).
    """
    company = config.company or dataset.company or dataset.title
    return company, config.currency or dataset.currency or locale_currency(config.locale)


def catalog_for(config: Config) -> Catalog:
    return load_catalog(list(config.catalog_layers))


def chosen_period(dataset: Dataset, text: str, fiscal_year_start: int, calendar: Calendar | None = None) -> pd.Period:
    """The period asked for: a month, quarter or year, a range (2011..2014) or `all` (the data's
    months, first to last, in the report's calendar; "no dated rows" when there are none)."""
    if wants_all(text):
        choose_periods(dataset, Grain.MONTH, fiscal_year_start, None)  # exit 7 when nothing is dated
        return whole(dataset.first_date() or dataset.last_date(), dataset.last_date(), calendar)
    return parse_range(text, fiscal_year_start) or parse_period(text, fiscal_year_start)


def run(inputs: list[Path], config: Config, grain: Grain | None = None, period: str | None = None,
        source: str | None = None) -> Report:
    return run_with_dataset(inputs, config, grain, period, source)[0]


def run_with_dataset(inputs: list[Path], config: Config, grain: Grain | None = None,
                     period: str | None = None, source: str | None = None,
                     cache: TableCache | None = None) -> tuple[Report, Dataset]:
    """The report and the validated tables it was computed from."""
    catalog = catalog_for(config)
    with within_memory():
        dataset = load_dataset(inputs, config, catalog, source, cache)
    if config.target_overrides:
        dataset.tables["targets"] = apply_target_overrides(dataset.tables.get("targets"), config.target_overrides,
                                                           config.fiscal_year_start)
    g = Grain(grain) if grain else config.grain
    chosen = None
    calendar = Calendar(config.calendar)
    period = period or config.period
    if period:
        chosen = chosen_period(dataset, period, config.fiscal_year_start, calendar)
        if is_range(chosen):
            g = grain_of(chosen)  # a range's bounds give its grain; --grain does not split it
        elif grain is None:
            g = grain_of(chosen)
        elif grain_of(chosen) != g:
            chosen = convert(chosen, g, config.fiscal_year_start)
        check_period(dataset, chosen, g, config.fiscal_year_start, calendar)
    company, currency = identity(config, dataset)
    with within_memory():
        report = compute_report(dataset, catalog, g, chosen, config.fiscal_year_start, company, currency, calendar)
    return report, dataset
