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
from .validate import validate


def load_dataset(inputs: list[Path], config: Config, catalog: Catalog | None = None) -> Dataset:
    """Read, map and validate: the input half of the pipeline.

    The catalog (with the user's layers) is passed along so that a monthly KPI sheet may name
    KPIs that only the user's config defines.
    """
    catalog = catalog or catalog_for(config)
    problems = ProblemLog()
    sheets = read_inputs(inputs, problems)  # files left out (links out of a folder, own reports) are noted
    mapped, problems = map_sheets(sheets, config.mapping, problems=problems, catalog=catalog)
    if not mapped:
        raise MissingDataError(
            "no input table was recognised in the files given.",
            "Name each sheet after its table (Orders, Customers, Leads, ...) or run `kpireport validate` to see why.",
        )
    return validate(mapped, problems, config.input_locale, catalog=catalog)


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
    report = compute_report(dataset, catalog, g, chosen, config.fiscal_year_start, config.company, config.currency)
    return report, dataset
