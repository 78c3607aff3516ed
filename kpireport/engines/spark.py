"""Spark as a report's engine: a connection with DuckDB's surface over a pyspark SparkSession.

The stages write DuckDB's SQL (see __init__.py); `execute` translates each statement once
(spark_rules.py) and runs it with Spark SQL, so the typed views, the model's joins and every
measure run on the cluster and only aggregates come back. Frames the run registers (period
maps, spans, small tables read whole) become temporary views. The run's own views are cached
when first read (spark_rules.py): a report reads each typed table a hundred times, and Spark
would otherwise redo its scans, joins and windows for every query.

The session works on its own `newSession()` of the process's Spark session: its temporary
views and SQL settings (UTC, timestamps without time zone, as DuckDB's TIMESTAMP) never touch
a session the caller has. Timestamps are TIMESTAMP_NTZ throughout, so a naive timestamp comes
back as the same naive timestamp.

Starting Spark prints the JVM's log on the terminal; kpireport starts it with the JVM's output
going to a log file instead (named in the error if Spark fails to start).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UsageError
from . import EngineError
from .spark_rules import to_spark
from .spark_settings import SparkSettings

# Settings of every session kpireport opens: small and quiet, timestamps as DuckDB has them.
DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "true",
}
_CACHE = re.compile(r"CACHE (?:LAZY )?TABLE `((?:[^`]|``)+)` AS ")
_DESCRIBE = re.compile(r"\s*DESCRIBE\s+(SELECT\b.*)", re.IGNORECASE | re.DOTALL)
LOG = Path(tempfile.gettempdir()) / "kpireport-spark.log"


class SparkUnavailable(UsageError):
    """pyspark or Java is missing, or Spark does not start."""


def connect(settings: SparkSettings) -> SparkConnection:
    """A connection on a new session of the process's Spark (started with `settings` if none runs)."""
    warnings.filterwarnings("ignore", module=r"pyspark(\..*)?$")  # e.g. its doubts about pandas 3
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable("--source pyspark: pyspark is not installed.",
                               'Install it with: pip install "kpireport[spark]"') from None
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)  # errors are ours to tell
    base = SparkSession.getActiveSession()
    if base is None:
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise SparkUnavailable("--source pyspark: Java is not installed (Spark needs a Java 17 or later runtime).",
                                   "Install one (Debian and Ubuntu: apt-get install default-jre-headless) or set "
                                   "JAVA_HOME.")
        builder = SparkSession.builder.master(settings.master).appName("kpireport")
        for key, value in [*DEFAULTS.items(), *settings.conf]:
            builder = builder.config(key, value)
        try:
            with _quiet_jvm():
                base = builder.getOrCreate()
        except Exception as exc:
            raise SparkUnavailable(f"--source pyspark: Spark did not start ({_first_line(exc)}).",
                                   f"Check the spark: section of the config (master {settings.master}) and Spark's "
                                   f"log, {LOG}.") from None
    session = base.newSession()
    for key, value in [*DEFAULTS.items(), *settings.conf]:
        if session.conf.isModifiable(key):
            session.conf.set(key, value)
    return SparkConnection(session)


@contextlib.contextmanager
def _quiet_jvm() -> Iterator[None]:
    """The JVM started inside writes its output (log4j's console, warnings) to LOG: it inherits
    this process's stdout and stderr at its start, which are the log file for that moment."""
    with open(LOG, "w", encoding="utf-8") as log:
        saved = [os.dup(1), os.dup(2)]
        try:
            for fd in (1, 2):
                os.dup2(log.fileno(), fd)
            yield
        finally:
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]


class SparkResult:
    """A query's answer, fetched when asked (a Spark DataFrame, or rows known already)."""

    def __init__(self, frame: Any = None, rows: list[tuple[Any, ...]] | None = None,
                 columns: list[str] | None = None) -> None:
        self._frame, self._rows, self._columns = frame, rows, columns

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self._rows is not None:
            return list(self._rows)
        if self._frame is None:
            return []
        try:
            return [tuple(r) for r in self._frame.collect()]
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from exc

    def df(self) -> pd.DataFrame:
        if self._rows is not None or self._frame is None:
            return pd.DataFrame(self._rows or [], columns=self._columns)
        try:
            return self._frame.toPandas()
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from exc


class SparkConnection:
    """DuckDB's connection surface (execute/sql, register, unregister, close) on a SparkSession."""

    name = "Spark"

    def __init__(self, session: Any) -> None:
        self.spark = session
        self._translated: dict[str, str] = {}

    def execute(self, sql: str, parameters: Any = None) -> SparkResult:
        described = _DESCRIBE.match(sql)
        if described:
            return self._describe(described.group(1))
        text = self.translate(sql)
        cached = _CACHE.match(text)
        if cached:  # CREATE OR REPLACE: CACHE TABLE will not replace a view of the same name
            self.spark.catalog.dropTempView(cached.group(1).replace("``", "`"))
        try:
            return SparkResult(self.spark.sql(text, args=list(parameters) if parameters else None))
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from exc

    sql = execute  # duckdb's connection has both names

    def translate(self, sql: str) -> str:
        """The statement in Spark SQL (translated once per text)."""
        if sql not in self._translated:
            try:
                self._translated[sql] = to_spark(sql, self._columns)
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"cannot translate for Spark ({_first_line(exc)}): {sql[:200]}") from exc
        return self._translated[sql]

    def _columns(self, name: str) -> list[str]:
        quoted = ".".join(f"`{p.replace('`', '``')}`" for p in name.split("."))
        try:
            return list(self.spark.sql(f"SELECT * FROM {quoted} LIMIT 0").columns)
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from exc

    def _describe(self, select: str) -> SparkResult:
        """(name, DuckDB type name) per column, as DuckDB's DESCRIBE answers."""
        try:
            fields = self.spark.sql(self.translate(select)).schema.fields
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"Spark: {_first_line(exc)}") from exc
        return SparkResult(rows=[(f.name, duck_type(f.dataType.simpleString()), "YES") for f in fields],
                           columns=["column_name", "column_type", "null"])

    def register(self, name: str, frame: pd.DataFrame) -> None:
        try:
            self.spark.createDataFrame(_plain(frame), schema=_schema(frame)).createOrReplaceTempView(name)
        except Exception as exc:
            raise EngineError(f"Spark: cannot upload {name} ({_first_line(exc)})") from exc

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        """Drops this session's temporary views (the Spark application lives on in the process)."""
        with contextlib.suppress(Exception):
            for t in self.spark.catalog.listTables():
                if t.isTemporary and not t.namespace:
                    self.spark.catalog.dropTempView(t.name)


# Spark's simple type names -> DuckDB's (what kind_of and typing_sql read)
_TYPES = {"double": "DOUBLE", "float": "FLOAT", "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT",
          "tinyint": "TINYINT", "string": "VARCHAR", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP",
          "timestamp_ntz": "TIMESTAMP", "binary": "BLOB"}


def duck_type(spark_type: str) -> str:
    t = spark_type.lower()
    if t.startswith("decimal"):
        return t.upper()
    if t.startswith(("varchar", "char")):
        return "VARCHAR"
    return _TYPES.get(t, t.upper())


def _spark_type(dtype: Any) -> str:
    kind = str(dtype).lower()
    if kind.startswith("datetime64"):
        return "timestamp_ntz"
    if kind in ("bool", "boolean"):
        return "boolean"
    if kind.startswith(("int", "uint")):
        return "bigint"
    if kind.startswith("float"):
        return "double"
    return "string"


def _schema(frame: pd.DataFrame) -> Any:
    from pyspark.sql.types import StructField, StructType, _parse_datatype_string

    return StructType([StructField(str(c), _parse_datatype_string(_spark_type(frame[c].dtype)), True)
                       for c in frame.columns])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python strings or None (Arrow reads pandas' own string types unevenly)."""
    out = {}
    for c in frame.columns:
        col = frame[c]
        if _spark_type(col.dtype) == "string":
            out[c] = pd.Series([None if pd.isna(v) else str(v) for v in col], dtype=object, index=frame.index)
        elif str(col.dtype).startswith(("Int", "UInt", "boolean")):
            out[c] = col.astype(object).where(col.notna(), None)
        else:
            out[c] = col
    return pd.DataFrame(out, index=frame.index)
