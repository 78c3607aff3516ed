"""`--source pyspark`: the sample company as tables of a Spark database gives the workbooks'
JSON digit for digit, every query run by Spark SQL (local[2]); the config's spark: section
is checked; the translation rules Spark needs are each checked on their own.

Outside CI the Spark tests skip when pyspark or Java is missing; in CI (CI=true) they fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.config import Config, load_config
from kpireport.engines.spark_rules import to_spark
from kpireport.engines.spark_settings import SparkSettings
from kpireport.errors import ConfigError, UsageError
from kpireport.pipeline import run_with_dataset
from kpireport.render.json_out import render_json
from kpireport.sources import parse_source

from .sources_sample import SAMPLE, write_parquet

DAY = dt.date(2026, 12, 1)
DATABASE = "shop"
CONFIG = dataclasses.replace(Config(), company="Test Company", currency="USD",
                             spark=SparkSettings(database=DATABASE))


def _ready() -> None:
    missing = [what for what, there in (("pyspark", importlib.util.find_spec("pyspark") is not None),
                                        ("java", bool(os.environ.get("JAVA_HOME") or shutil.which("java"))))
               if not there]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Spark tests: {', '.join(missing)} missing (see .ci/run)")
        pytest.skip(f"{', '.join(missing)} not installed")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_parquet(tmp_path_factory.mktemp("spark") / "lake")


@pytest.fixture(scope="module")
def spark(lake: Path):
    """One local Spark for the module, with the sample's tables in database `shop` (each a
    catalog table over the Parquet file DuckDB wrote)."""
    _ready()
    from kpireport.engines.spark import connect

    con = connect(SparkSettings())  # starts Spark as `--source pyspark` does
    session = con.spark
    session.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    for f in sorted(lake.glob("*.parquet")):
        session.sql(f"CREATE TABLE IF NOT EXISTS {DATABASE}.`{f.stem.replace(' ', '_')}` USING parquet LOCATION '{f}'")
    yield session


@pytest.fixture(scope="module")
def excel_json() -> str:
    report, _ = run_with_dataset([SAMPLE], CONFIG)
    return render_json(report, DAY)


def test_the_sample_in_spark_gives_the_workbooks_json_exactly(spark, excel_json: str) -> None:
    report, dataset = run_with_dataset([], CONFIG, source="pyspark")
    assert dataset.pushed is not None and {"orders", "tickets", "surveys"} <= set(dataset.pushed.views)
    assert type(dataset.pushed.con).__name__ == "SparkConnection"
    assert all(len(dataset.tables[t]) == 0 for t in dataset.pushed.views)  # no row came into Python
    assert render_json(report, DAY) == excel_json
