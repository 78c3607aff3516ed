"""The relational engines a report's SQL runs on: the embedded DuckDB (duck.py), PostgreSQL and
Spark.

Every stage after the source writes its SQL in DuckDB's dialect and talks to a connection with
DuckDB's small Python surface: `execute(sql)` returning a result with `fetchall()` and `df()`,
`register(name, frame)` / `unregister(name)` for the run's small tables, and `close()`. An
engine other than DuckDB is a connection with that same surface that translates the SQL to its
own dialect (sqlglot, plus the few rules it cannot know) and uploads registered frames as
temporary tables. So the model's joins and every measure run unchanged where the data lives,
and only aggregates come back.

`DESCRIBE SELECT ...` is part of the surface: it answers (column name, DuckDB type name) rows,
whatever the engine, because the compute stage reads a column's kind from DuckDB's type names.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd


class EngineError(Exception):
    """A query failed in an engine other than DuckDB (DuckDB raises duckdb.Error)."""


class Result(Protocol):
    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def df(self) -> pd.DataFrame: ...


class Connection(Protocol):
    """What the stages use of a connection (duckdb.DuckDBPyConnection has it as it is)."""

    def execute(self, sql: str, parameters: Any = None) -> Result: ...

    def register(self, name: str, frame: pd.DataFrame) -> Any: ...

    def unregister(self, name: str) -> Any: ...

    def close(self) -> None: ...
