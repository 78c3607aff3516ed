"""PostgreSQL as a report's engine: a connection with DuckDB's surface (see engines/__init__.py)
over psycopg 3, so the model's joins and every measure run in the database and only aggregates
come back.

- `execute(sql)` takes DuckDB's dialect and runs PostgreSQL's (pg_rules.py);
- `DESCRIBE SELECT ...` answers (name, DuckDB type name) rows from the columns of the query
  run with no row;
- `CREATE OR REPLACE TEMP VIEW` replaces a view whose columns changed too (PostgreSQL's own OR
  REPLACE only adds columns), `CREATE OR REPLACE TEMP TABLE` drops the table first;
- `register(name, frame)` uploads a small frame (periods, spans, plans) as a temporary table
  with COPY, `unregister` drops it.

The connection runs in autocommit, so a failed statement leaves the session usable; its
temporary objects live as long as it does. Times are read in UTC; JIT compilation is off. The password is never part
of a message: an error is shown as PostgreSQL's first line, with the password taken out in case
a server repeats it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import psycopg
from psycopg.types.numeric import FloatLoader

from ..sqltext import ident as _ident
from . import EngineError
from .pg_rules import to_postgres

CONNECT_TIMEOUT = 10  # seconds: a wrong host fails fast instead of hanging

# PostgreSQL type oid -> DuckDB's name for it (what DESCRIBE answers; compute reads kinds from it)
DUCK_TYPES = {16: "BOOLEAN", 20: "BIGINT", 21: "SMALLINT", 23: "INTEGER", 700: "FLOAT", 701: "DOUBLE",
              1700: "DECIMAL", 1082: "DATE", 1114: "TIMESTAMP", 1184: "TIMESTAMP WITH TIME ZONE"}
_NUMBER_OIDS = {20, 21, 23, 700, 701, 1700}
_TIME_OIDS = {1082, 1114, 1184}

# The safe casts TRY_CAST becomes (pg_rules.TRY_FUNCTIONS): NULL where the text does not read.
# Text must look like what DuckDB reads (PostgreSQL also reads 'today' or '5/1/2026' as dates).
NUMBER_TEXT = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*[-+]?(inf|infinity|nan)\s*$"
DATE_TEXT = r"^\s*\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?)?\s*$"
_SAFE = "EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$"
FUNCTIONS = [
    *(f"CREATE FUNCTION pg_temp.kp_try_double(v {t}) RETURNS double precision LANGUAGE sql IMMUTABLE "
      "AS 'SELECT v::double precision'" for t in ("double precision", "real", "bigint", "integer", "smallint",
                                                 "numeric")),
    "CREATE FUNCTION pg_temp.kp_try_double(v boolean) RETURNS double precision LANGUAGE sql IMMUTABLE "
    "AS 'SELECT CASE WHEN v THEN 1.0 WHEN NOT v THEN 0.0 END'",
    "CREATE FUNCTION pg_temp.kp_try_double(v text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$ "
    f"BEGIN IF v !~* '{NUMBER_TEXT}' THEN RETURN NULL; END IF; RETURN v::double precision; {_SAFE}",
    *(f"CREATE FUNCTION pg_temp.kp_try_bigint(v {t}) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ "
      f"BEGIN RETURN round(v)::bigint; {_SAFE}" for t in ("double precision", "numeric")),
    "CREATE FUNCTION pg_temp.kp_try_bigint(v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT v'",
    "CREATE FUNCTION pg_temp.kp_try_bigint(v text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ "
    f"BEGIN IF v !~ '^\\s*[-+]?\\d+\\s*$' THEN RETURN NULL; END IF; RETURN v::bigint; {_SAFE}",
    *(f"CREATE FUNCTION pg_temp.kp_try_{name}(v {t}) RETURNS {name} LANGUAGE sql IMMUTABLE AS 'SELECT v::{name}'"
      for name in ("timestamp", "date") for t in ("timestamp", "timestamptz", "date")),
    *(f"CREATE FUNCTION pg_temp.kp_try_{name}(v text) RETURNS {name} LANGUAGE plpgsql IMMUTABLE AS $$ "
      f"BEGIN IF v !~ '{DATE_TEXT}' THEN RETURN NULL; END IF; RETURN v::{name}; {_SAFE}"
      for name in ("timestamp", "date")),
]


class PostgresError(EngineError):
    """A statement PostgreSQL refused, or a connection it did not accept."""


def split_url(url: str) -> tuple[str, str]:
    """(the URL libpq is given, the schema): kpireport's own `schema` parameter taken out."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), "") or "public"
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


def _message(exc: Exception, secret: str | None) -> str:
    lines = [s.strip() for s in str(exc).splitlines() if s.strip()]
    text = " ".join(lines[:2])[:300] if lines else type(exc).__name__
    return text.replace(secret, "***") if secret else text


class Result:
    """A finished query: rows and column descriptions, with DuckDB's fetchall() and df()."""

    def __init__(self, rows: list[tuple[Any, ...]], columns: list[tuple[str, int]]) -> None:
        self.rows = rows
        self.columns = columns

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def df(self) -> pd.DataFrame:
        """The rows as a frame typed as DuckDB's df() types them: numbers as float64 (int64 for
        integers without NULLs), times as datetime64[us], the rest as objects."""
        out = {}
        for j, (name, oid) in enumerate(self.columns):
            values = [r[j] for r in self.rows]
            if oid in _NUMBER_OIDS:
                col = pd.Series(values, dtype="float64" if oid in (700, 701, 1700) or None in values else "int64")
            elif oid in _TIME_OIDS:  # a time with a zone as its UTC time (the session's zone)
                times = pd.to_datetime(pd.Series(values, dtype=object), utc=oid == 1184)
                col = (times.dt.tz_localize(None) if oid == 1184 else times).astype("datetime64[us]")
            elif oid == 16:
                col = pd.Series(values, dtype="bool" if None not in values else object)
            else:
                col = pd.Series(values, dtype=object)
            out[name] = col
        return pd.DataFrame(out, index=pd.RangeIndex(len(self.rows)))


class PostgresConnection:
    """A PostgreSQL session that takes DuckDB's SQL (see the module)."""

    def __init__(self, url: str) -> None:
        conninfo, self.schema = split_url(url)
        self._secret = urlsplit(url).password
        try:
            self._con = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                        application_name="kpireport")
        except psycopg.Error as exc:
            raise PostgresError(_message(exc, self._secret)) from None
        self._con.adapters.register_loader("numeric", FloatLoader)
        self._run("SET TimeZone = 'UTC'")
        # JIT compiling a report's wide aggregates took 2 of a query's 2.2 seconds on the sample's
        # 7,000 tickets (PostgreSQL 15's default jit_above_cost is met by any wide join): off here
        self._run("SET jit = off")
        for sql in FUNCTIONS:
            self._run(sql)

    # ---- DuckDB's surface -------------------------------------------------------------------
    def execute(self, sql: str, parameters: Any = None) -> Result:
        """Run one DuckDB statement (`?` parameters as DuckDB takes them)."""
        text = sql.strip().rstrip(";")
        head = text[:40].upper()
        if head.startswith("DESCRIBE "):
            return self._describe(text[len("DESCRIBE "):])
        if re.match(r"CREATE\s+OR\s+REPLACE\s+TEMP(ORARY)?\s+(VIEW|TABLE)\b", head):
            return self._replace(text)
        return self._run(self._translate(text), parameters)

    sql = execute  # DuckDB's con.sql(query), used the same way

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """The frame as a temporary table `name` (replacing one of that name)."""
        self._run(f"DROP TABLE IF EXISTS {_ident(name)}")
        self.upload(_ident(name), frame, temporary=True)

    def upload(self, table: str, frame: pd.DataFrame, temporary: bool = False) -> None:
        """A new table `table` (SQL text, schema-qualified if wanted) holding the frame's rows,
        columns typed by their dtypes, filled with COPY."""
        cols = ", ".join(f"{_ident(str(c))} {_pg_type(frame[c])}" for c in frame.columns)
        self._run(f"CREATE {'TEMP ' if temporary else ''}TABLE {table} ({cols})")
        if not (len(frame) and len(frame.columns)):
            return
        names = ", ".join(_ident(str(c)) for c in frame.columns)
        columns = [_python(frame[c]) for c in frame.columns]
        try:
            with self._con.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise PostgresError(_message(exc, self._secret)) from None

    def unregister(self, name: str) -> None:
        self._run(f"DROP TABLE IF EXISTS {_ident(name)}")

    def close(self) -> None:
        self._con.close()

    # ---- what DuckDB says differently -------------------------------------------------------
    def _translate(self, sql: str) -> str:
        try:
            return to_postgres(sql)
        except Exception as exc:  # sqlglot's parse and rule errors alike: a statement we cannot run
            raise PostgresError(f"cannot translate a query for PostgreSQL ({str(exc).splitlines()[0][:200]})") \
                from exc

    def _run(self, sql: str, parameters: Any = None) -> Result:
        if parameters is not None:
            sql = sql.replace("?", "%s")  # DuckDB's placeholders (the queries here hold no other ?)
        try:
            with self._con.cursor() as cur:
                cur.execute(sql, parameters)
                if cur.description is None:
                    return Result([], [])
                return Result(cur.fetchall(), [(c.name, c.type_code) for c in cur.description])
        except psycopg.Error as exc:
            raise PostgresError(_message(exc, self._secret)) from None

    def _describe(self, query: str) -> Result:
        """(column, DuckDB type) rows of a query, from its columns with no row fetched."""
        got = self._run(f"SELECT * FROM ({self._translate(query)}) AS _d LIMIT 0")
        return Result([(name, DUCK_TYPES.get(oid, "VARCHAR"), "YES", None, None, None) for name, oid in got.columns],
                      [(n, 25) for n in ("column_name", "column_type", "null", "key", "default", "extra")])

    def _replace(self, sql: str) -> Result:
        """CREATE OR REPLACE TEMP VIEW / TABLE, whatever the old one's columns."""
        m = re.match(r"CREATE\s+OR\s+REPLACE\s+TEMP(?:ORARY)?\s+(VIEW|TABLE)\s+(\"(?:[^\"]|\"\")+\"|\w+)\s+AS\s+",
                     sql, re.IGNORECASE | re.DOTALL)
        if m is None:
            raise PostgresError(f"cannot translate a statement for PostgreSQL: {sql[:80]}")
        kind, name, body = m.group(1).upper(), m.group(2), self._translate(sql[m.end():])
        if kind == "TABLE":
            self._run(f"DROP TABLE IF EXISTS {name}")
            return self._run(f"CREATE TEMP TABLE {name} AS {body}")
        try:
            return self._run(f"CREATE OR REPLACE TEMP VIEW {name} AS {body}")
        except PostgresError:  # other columns than the old view's: PostgreSQL cannot replace it in place
            self._run(f"DROP VIEW IF EXISTS {name}")
            return self._run(f"CREATE TEMP VIEW {name} AS {body}")


def _pg_type(col: pd.Series) -> str:
    """The column type a frame's column is uploaded as."""
    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_integer_dtype(col):
        return "bigint"
    if pd.api.types.is_float_dtype(col):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "timestamptz" if getattr(col.dtype, "tz", None) is not None else "timestamp"
    return "text"


def _python(col: pd.Series) -> list[Any]:
    """The column's values as Python objects psycopg writes (None for every kind of missing)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        values = [None if pd.isna(v) else v.to_pydatetime() for v in col]
    elif pd.api.types.is_float_dtype(col):
        values = [None if v is None or np.isnan(v) else float(v) for v in col.astype("float64")]
    elif pd.api.types.is_integer_dtype(col) or pd.api.types.is_bool_dtype(col):
        values = [None if pd.isna(v) else v for v in col.astype(object)]
        values = [v if v is None else (bool(v) if pd.api.types.is_bool_dtype(col) else int(v)) for v in values]
    else:
        values = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
                  for v in col.astype(object)]
    return values
