"""The one-way flow: read -> map -> validate -> compute. Rendering and delivery read the Report."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog, load_catalog
from .compute.engine import compute_report
from .compute.report import Report
from .config import Config
from .dataset import Dataset
from .errors import MissingDataError
from .mapping import map_sheets
from .periods import Grain, parse_period
from .problems import ProblemLog
from .read import read_inputs
from .read.docprops import first_properties
from .read.readers import expand
from .validate import validate


def load_dataset(inputs: list[Path], config: Config, catalog: Catalog | None = None) -> Dataset:
    """Read, map and validate: the input half of the pipeline.

    The catalog (with the user's layers) is passed along so that a monthly KPI sheet may name
    KPIs that only the user's config defines.
    """
    catalog = catalog or catalog_for(config)
    sheets = read_inputs(inputs)
    problems = ProblemLog()
    mapped, problems = map_sheets(sheets, config.mapping, problems=problems, catalog=catalog)
    if not mapped:
        raise MissingDataError(
            "no input table was recognised in the files given.",
            "Name each sheet after its table (Orders, Customers, Leads, ...) or run `kpireport validate` to see why.",
        )
    dataset = validate(mapped, problems, config.input_locale, catalog=catalog)
    props = first_properties(expand(inputs))
    dataset.company, dataset.title, dataset.currency = props.company, props.title, props.currency
    return dataset


def identity(config: Config, dataset: Dataset) -> tuple[str, str]:
    """(company, currency) of a report: never the sample company's, never a guess.

    The company is the config's, else the first input workbook's Company property, else its
    Title, else '' (the outputs then leave it out of titles). The currency is the config's, else
    that workbook's custom property Currency, else the one of the locale's country (en_US: USD,
    tr_TR: TRY), else '' (numbers without a symbol).
    """
    from .config import locale_currency

    company = config.company or dataset.company or dataset.title
    return company, config.currency or dataset.currency or locale_currency(config.locale)


def catalog_for(config: Config) -> Catalog:
    return load_catalog(list(config.catalog_layers))


def run(inputs: list[Path], config: Config, grain: Grain | None = None, period: str | None = None) -> Report:
    return run_with_dataset(inputs, config, grain, period)[0]


def run_with_dataset(inputs: list[Path], config: Config, grain: Grain | None = None,
                     period: str | None = None) -> tuple[Report, Dataset]:
    """The report and the validated tables it was computed from."""
    catalog = catalog_for(config)
    dataset = load_dataset(inputs, config, catalog)
    if config.target_overrides:
        from .config import apply_target_overrides

        dataset.tables["targets"] = apply_target_overrides(dataset.tables.get("targets"), config.target_overrides,
                                                           config.fiscal_year_start)
    g = Grain(grain) if grain else config.grain
    chosen = None
    if period:
        chosen = parse_period(period, config.fiscal_year_start)
        from .periods import convert, grain_of

        if grain is None:
            g = grain_of(chosen)
        elif grain_of(chosen) != g:
            chosen = convert(chosen, g, config.fiscal_year_start)
    company, currency = identity(config, dataset)
    report = compute_report(dataset, catalog, g, chosen, config.fiscal_year_start, company, currency)
    return report, dataset
