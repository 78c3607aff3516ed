"""The source's tables as relations on one DuckDB connection, read in place (out of core).

- a .parquet file is one relation, named by its file name;
- in a folder, each Parquet or CSV file is one relation, and each sub-folder of Parquet files
  (a lake table split into parts, hive-partitioned or not) is one relation named by the folder;
- a DuckDB database file is attached read-only, and each of its tables and views is one;
- a PostgreSQL database is connected to (engines/postgres.py, a connection taking DuckDB's
  SQL), and each table and view of its schema is one;
- with `--source pyspark`, each table and view of the config's Spark database is one, on a
  Spark connection (engines/spark.py) instead of DuckDB.

Nothing is loaded: a relation is a `FROM` text that the engine scans when a query asks
(DuckDB streams the files with its memory limit, duck.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..duck import connect
from ..engines import Connection, EngineError
from ..engines.spark_settings import SparkSettings
from ..errors import InputError
from ..sqltext import ident, text
from .locate import SourceSpec

SOURCE_DB = "src"


@dataclass(frozen=True)
class Relation:
    """One table of the source: `file` and `name` are what messages show (as file and sheet);
    `sql` is its FROM text on the connection; `engine` what reads it (for the Data quality sheet)."""

    file: str
    name: str
    sql: str
    engine: str = "DuckDB"


def open_source(spec: SourceSpec, spark: SparkSettings | None = None) -> tuple[Connection, list[Relation]]:
    """A connection (DuckDB's, or one with its surface: PostgreSQL's, Spark's) and the source's
    relations on it."""
    if spec.kind == "postgres":
        return _postgres(spec)
    if spec.kind == "pyspark":
        return _spark(spark or SparkSettings())
    con = connect()
    con.execute("SET enable_progress_bar = false")  # long scans would draw on the terminal
    try:
        if spec.kind == "duckdb":
            return con, _database(con, spec.path)
        return con, _files(spec.path)
    except duckdb.Error as exc:
        con.close()
        raise InputError(f"{spec.shown}: cannot be read ({str(exc).splitlines()[0][:200]}).",
                         "Check that the file is a valid Parquet, CSV or DuckDB file.") from exc


def _postgres(spec: SourceSpec) -> tuple[Connection, list[Relation]]:
    from ..engines.postgres import PostgresConnection  # psycopg is loaded only for a database source

    try:
        con = PostgresConnection(spec.url)
    except EngineError as exc:
        raise InputError(f"{spec.shown}: cannot connect ({exc}).",
                         "Check the host, port, database, user and password (in the URL or PGPASSWORD), and that "
                         "the server accepts connections from this machine.") from None
    try:
        rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                           f"{text(con.schema)} AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY 1").fetchall()
    except EngineError as exc:
        con.close()
        raise InputError(f"{spec.shown}: cannot list the tables ({exc}).",
                         "Check that the user may read the database's information_schema.") from None
    if not rows:
        con.close()
        raise InputError(f"{spec.shown}: no table or view in schema {con.schema!r}.",
                         "Name the schema that holds the tables with ?schema=name at the end of the URL, or check "
                         "that the user may see them.")
    return con, [Relation(spec.shown, str(name), f"{ident(con.schema)}.{ident(str(name))}", "PostgreSQL")
                 for (name,) in rows]


def _database(con: duckdb.DuckDBPyConnection, path: Path) -> list[Relation]:
    con.execute(f"ATTACH {text(str(path))} AS {SOURCE_DB} (READ_ONLY)")
    rows = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
                       "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ? "
                       "ORDER BY 1, 2", [SOURCE_DB, SOURCE_DB]).fetchall()
    return [Relation(path.name, name if schema == "main" else f"{schema}.{name}",
                     f"{SOURCE_DB}.{ident(schema)}.{ident(name)}") for schema, name in rows]


def _spark(settings: SparkSettings) -> tuple[Connection, list[Relation]]:
    """The tables and views of the configured database (not the session's temporary views)."""
    from ..engines.spark import connect as spark_connect  # only a Spark run loads sqlglot and the engine

    con = spark_connect(settings)
    where = f"{settings.catalog}.{settings.database}"
    try:
        rows = con.spark.sql(f"SHOW TABLES IN `{settings.catalog}`.`{settings.database}`").collect()
    except Exception as exc:
        con.close()
        raise InputError(f"{settings.shown}: cannot list the tables of {where} "
                         f"({str(exc).strip().splitlines()[0][:200]}).",
                         "Check catalog and database under spark: in the config file.") from None
    names = sorted(r["tableName"] for r in rows if not r["isTemporary"])
    if not names:
        raise InputError(f"{settings.shown}: the database {where} holds no table.",
                         "Name the database that holds the exports under spark: database: in the config file.")
    return con, [Relation(settings.shown, n, ".".join(ident(p) for p in (settings.catalog, settings.database, n)),
                          "Spark") for n in names]


def _scan(path: Path) -> str:
    if path.is_dir():
        return f"read_parquet({text(str(path / '**' / '*.parquet'))}, hive_partitioning = true, union_by_name = true)"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({text(str(path))})"
    return f"read_csv({text(str(path))}, header = true)"


def _files(path: Path) -> list[Relation]:
    if path.is_file():
        return [Relation(path.name, _stem(path), _scan(path))]
    out = []
    for p in sorted(path.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_dir() and any(p.rglob("*.parquet")):
            out.append(Relation(p.name, p.name, _scan(p)))
        elif p.is_file() and p.name.lower().endswith((".parquet", ".csv", ".tsv", ".csv.gz")):
            out.append(Relation(p.name, _stem(p), _scan(p)))
    if not out:
        raise InputError(f"{path}: no Parquet or CSV file in the folder.",
                         "Put the exports (.parquet or .csv) in the folder, one table per file or sub-folder.")
    return out


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".csv.gz", ".parquet", ".csv", ".tsv"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
