"""`--source pyspark`: the sample company as tables of a Spark database gives the workbooks'
JSON digit for digit, every query run by Spark SQL (local[2]); the config's spark: section
is checked; the translation rules Spark needs are each checked on their own.

Outside CI the Spark tests skip when pyspark or Java is missing; in CI (CI=true) they fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.config import Config, load_config
from kpireport.engines.spark_rules import to_spark
from kpireport.engines.spark_settings import SparkSettings
from kpireport.errors import ConfigError, InputError, UsageError
from kpireport.pipeline import run_with_dataset
from kpireport.render.json_out import render_json
from kpireport.sources import parse_source

from .sources_sample import SAMPLE, write_parquet

DAY = dt.date(2026, 12, 1)
DATABASE = "shop"
# tiny data on two cores: one shuffle partition, and no adaptive execution (it runs each query
# stage as a Spark job of its own: twice the jobs, and a job's fixed cost is most of a query's)
FAST = (("spark.sql.shuffle.partitions", "1"), ("spark.sql.adaptive.enabled", "false"))
CONFIG = dataclasses.replace(Config(), company="Test Company", currency="USD",
                             spark=SparkSettings(database=DATABASE, conf=FAST))


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


@pytest.mark.slow
def test_the_sample_in_spark_gives_the_workbooks_json_exactly(spark, excel_json: str) -> None:
    report, dataset = run_with_dataset([], CONFIG, source="pyspark")
    assert dataset.pushed is not None and {"orders", "tickets", "surveys"} <= set(dataset.pushed.views)
    assert type(dataset.pushed.con).__name__ == "SparkConnection"
    assert all(len(dataset.tables[t]) == 0 for t in dataset.pushed.views)  # no row came into Python
    assert render_json(report, DAY) == excel_json


CLI_SCRIPT = """
import runpy, sys
from kpireport.engines.spark import connect
from kpireport.engines.spark_settings import SparkSettings
con = connect(SparkSettings(conf=(("spark.sql.shuffle.partitions", "1"),)))
con.spark.sql("CREATE DATABASE lake")
con.spark.sql("CREATE TABLE lake.orders USING parquet LOCATION '{orders}'")
sys.argv = ["kpireport", "generate", "--source", "pyspark", "--config", "{config}", "--out", "{out}", "--no-pdf",
            "--period", "2026-02"]
runpy.run_module("kpireport", run_name="__main__")
"""


@pytest.mark.slow
def test_the_command_line_reports_from_a_spark_database_quietly(tmp_path: Path) -> None:
    """`kpireport generate --source pyspark` in a fresh process: Spark started from the config,
    the report written, exit 0, and none of the JVM's log on the terminal. (A Spark database
    lives in its process's catalog, so the script makes one before handing over to the command.)"""
    _ready()
    import duckdb

    orders = tmp_path / "orders.parquet"
    duckdb.sql("SELECT * FROM (VALUES ('A1', TIMESTAMP '2026-01-05 10:00:00', 100.0), "
               "('A2', TIMESTAMP '2026-02-03 00:00:00', 250.5), ('A3', TIMESTAMP '2026-02-14 00:00:00', 30.0)) "
               "t(\"Order ID\", \"Order Date\", \"Revenue\")").write_parquet(str(orders))
    config = tmp_path / "kpireport.yaml"
    config.write_text("company: Test Company\ncurrency: USD\nspark:\n  master: local[1]\n  database: lake\n  conf:\n"
                      "    spark.sql.shuffle.partitions: 1\n    spark.sql.adaptive.enabled: false\n", encoding="utf-8")
    script = CLI_SCRIPT.format(orders=orders, config=config, out=tmp_path / "out")
    got = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert got.returncode == 0, got.stderr[-2000:]
    revenue = json.loads((tmp_path / "out" / "kpi-report.json").read_text(encoding="utf-8"))
    assert '"revenue"' in json.dumps(revenue) and "280.5" in json.dumps(revenue)  # A2 + A3, February
    noise = [line for line in got.stderr.splitlines() if any(w in line for w in ("WARN", "log4j", "INFO", "Java"))]
    assert noise == []


@pytest.mark.slow
def test_a_missing_database_is_named(spark) -> None:
    settings = SparkSettings(database="nosuch")
    with pytest.raises(InputError) as err:
        run_with_dataset([], dataclasses.replace(CONFIG, spark=settings), source="pyspark")
    assert err.value.one_line().startswith("spark:spark_catalog.nosuch: cannot list the tables of "
                                           "spark_catalog.nosuch (")


@pytest.mark.slow
def test_the_sessions_temporary_views_are_not_tables_of_the_database(spark) -> None:
    from kpireport.sources.relations import open_source

    spark.createDataFrame([(1,)], "x int").createOrReplaceTempView("scratch")
    con, relations = open_source(parse_source("pyspark"), SparkSettings(database=DATABASE))
    names = {r.name for r in relations}
    assert "scratch" not in names and {"orders", "customers", "campaign_responses"} <= names
    assert next(r for r in relations if r.name == "orders").sql == '"spark_catalog"."shop"."orders"'
    con.close()


@pytest.mark.parametrize(("duckdb_sql", "spark_sql"), [
    # a compensated sum: Spark's SUM (the report rounds far above its error)
    ("SELECT FSUM(x) FILTER (WHERE y > 1) FROM t", "SELECT SUM(x) FILTER(WHERE y > 1) FROM t"),
    # the n-th smallest value of a group, NULL when it has fewer
    ("SELECT LIST_EXTRACT(MIN(x, 3) FILTER (WHERE y), 3) FROM t",
     "SELECT TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(x) FILTER(WHERE y)), 3) FROM t"),
    # decimal literals divide in floating point, as in DuckDB
    ("SELECT s / 86400.0, CAST(0.5 AS DOUBLE) FROM t",
     "SELECT s / CAST(86400.0 AS DOUBLE), CAST(0.5 AS DOUBLE) FROM t"),
    # ROW_NUMBER needs an order in Spark
    ("SELECT ROW_NUMBER() OVER (PARTITION BY a) FROM t",
     "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY 1 NULLS LAST) FROM t"),
    # a star with exceptions, and a star under QUALIFY, spelt out
    ('SELECT * EXCLUDE (__row) FROM "v"', "SELECT `a`, `b` FROM `v`"),
    ('SELECT * FROM "v" QUALIFY row_number() OVER (PARTITION BY a ORDER BY __row) = 1',
     "SELECT `a`, `__row`, `b` FROM (SELECT `a`, `__row`, `b`, ROW_NUMBER() OVER (PARTITION BY a ORDER BY __row "
     "NULLS LAST) AS _w FROM `v`) AS _t WHERE _w = 1"),
    # multi-valued cells split into members
    ("SELECT UNNEST(CASE WHEN LEN(LIST_FILTER(REGEXP_SPLIT_TO_ARRAY(h, ' '), lambda x: x <> '')) = 0 THEN ['-'] "
     "ELSE LIST_FILTER(REGEXP_SPLIT_TO_ARRAY(h, ' '), lambda x: x <> '') END) FROM t",
     "SELECT EXPLODE(CASE WHEN SIZE(FILTER(SPLIT(h, ' '), x -> x <> '')) = 0 THEN ARRAY('-') "
     "ELSE FILTER(SPLIT(h, ' '), x -> x <> '') END) FROM t"),
    # a temporary table is a view computed once; NOT MATERIALIZED is only a hint
    ('CREATE OR REPLACE TEMP TABLE "m" AS SELECT 1 AS a', "CACHE TABLE `m` AS SELECT 1 AS a"),
    # a temporary view is kept when first read (every measure reads it again)
    ('CREATE OR REPLACE TEMP VIEW "_m_1" AS SELECT * EXCLUDE (__row) FROM "v"', "CACHE LAZY TABLE `_m_1` AS "
     "SELECT `a`, `b` FROM `v`"),
    ('CREATE OR REPLACE VIEW "w" AS SELECT 1 AS a', "CREATE OR REPLACE VIEW `w` AS SELECT 1 AS a"),
    ("WITH rows AS NOT MATERIALIZED (SELECT 1 AS a) SELECT a FROM rows",
     "WITH rows AS (SELECT 1 AS a) SELECT a FROM rows"),
])
def test_duckdb_sql_is_translated_for_spark(duckdb_sql: str, spark_sql: str) -> None:
    assert to_spark(duckdb_sql, lambda name: {"v": ["a", "__row", "b"]}[name]) == spark_sql


@pytest.mark.parametrize(("section", "settings"), [
    ("spark:\n  database: sales\n", SparkSettings(database="sales")),
    ("spark:\n  master: spark://head:7077\n  catalog: lake\n  database: sales\n  conf:\n"
     "    spark.sql.shuffle.partitions: 64\n    spark.sql.ansi.enabled: false\n",
     SparkSettings("spark://head:7077", "lake", "sales", (("spark.sql.shuffle.partitions", "64"),
                                                         ("spark.sql.ansi.enabled", "false")))),
    ("company: X\n", SparkSettings()),
])
def test_the_spark_section_of_the_config(tmp_path: Path, section: str, settings: SparkSettings) -> None:
    path = tmp_path / "kpireport.yaml"
    path.write_text(section, encoding="utf-8")
    assert load_config(path).spark == settings


@pytest.mark.parametrize(("section", "said"), [
    ("spark:\n  databse: sales\n", "key 'spark.databse': unknown key"),
    ("spark:\n  database: 'my sales'\n", "key 'spark.database': 'my sales' is not a plain name"),
    ("spark: local\n", "key 'spark': must be a mapping"),
    ("spark:\n  conf:\n    shuffle.partitions: 4\n", "key 'spark.conf.shuffle.partitions': is not a Spark setting"),
    ("spark:\n  conf:\n    spark.hadoop.fs.s3a.secret.key: abc\n",
     "key 'spark.conf.spark.hadoop.fs.s3a.secret.key': looks like a password"),
])
def test_a_bad_spark_section_names_the_file_and_key(tmp_path: Path, section: str, said: str) -> None:
    path = tmp_path / "kpireport.yaml"
    path.write_text(section, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in err.value.one_line() and said in err.value.one_line()


def test_pyspark_as_a_source_takes_its_settings_from_the_config() -> None:
    assert parse_source("pyspark").kind == "pyspark"
    with pytest.raises(UsageError) as err:
        parse_source("pyspark://head:7077/sales")
    assert "spark:" in err.value.one_line()


def test_without_pyspark_the_message_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpireport.engines import spark as engine

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if not installed
    with pytest.raises(UsageError) as err:
        engine.connect(SparkSettings())
    assert err.value.one_line() == ('--source pyspark: pyspark is not installed. '
                                    'Install it with: pip install "kpireport[spark]"')


def test_without_java_the_message_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark not installed (the message without it is tested above)")
    from pyspark.sql import SparkSession

    from kpireport.engines import spark as engine

    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(engine.shutil, "which", lambda name: None)
    with pytest.raises(UsageError) as err:
        engine.connect(SparkSettings())
    assert "Java is not installed" in err.value.one_line() and "default-jre-headless" in err.value.one_line()
