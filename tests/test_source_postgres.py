"""A PostgreSQL database as the source (`--source postgres://...`): the sample company loaded
into a real server gives the workbooks' JSON digit for digit, with the model and every measure
run in PostgreSQL; bad values are counted by queries; the password is never shown; a wrong
host, password or database is one line saying what to fix.

The server is a throw-away cluster (tests/pg_server.py), or the database KPIREPORT_TEST_PG_URL
names. With CI=true a server that cannot start fails the tests; elsewhere they are skipped
when PostgreSQL is not installed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd
import pytest

from kpireport.config import Config
from kpireport.engines.postgres import PostgresConnection
from kpireport.errors import InputError
from kpireport.pipeline import run_with_dataset
from kpireport.render.json_out import render_json

from . import pg_server
from .sources_sample import SAMPLE, sample_tables
from .test_sources import CUSTOMERS, ORDERS

CONFIG = dataclasses.replace(Config(), company="Test Company", currency="USD")
DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A database URL on a running server, with the messy orders in schema messy and a table of
    PostgreSQL's own types in schema native."""
    try:
        with pg_server.server() as url:
            con = PostgresConnection(url)
            con.execute("DROP SCHEMA IF EXISTS messy CASCADE")
            con.execute("CREATE SCHEMA messy")
            for name, df in (("orders", ORDERS), ("customers", CUSTOMERS)):
                con.upload(f'messy."{name}"', df)
            con.execute("DROP SCHEMA IF EXISTS native CASCADE")
            con.execute("CREATE SCHEMA native")
            for sql in NATIVE:
                con.execute(sql)
            con.close()
            yield url
    except pg_server.NoServer as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))


# PostgreSQL's own column types (integer ids, date, numeric, varchar, boolean), as a database
# designed by hand holds them, rather than the text and doubles of an export
NATIVE = [
    "CREATE TABLE native.orders (order_id integer PRIMARY KEY, order_date date NOT NULL, "
    "customer_id varchar(10), revenue numeric(12, 2), express boolean, status text)",
    "INSERT INTO native.orders VALUES (1, '2026-01-05', 'C1', 100.10, true, 'completed'), "
    "(2, '2026-01-31', 'C2', 20.20, false, ' Completed '), (3, '2026-02-01', 'C1', 5.05, NULL, 'cancelled'), "
    "(4, '2026-02-28', 'C3', 0.01, true, 'completed')",
]


def test_postgres_column_types_read_as_their_kinds(pg_url: str) -> None:
    report, dataset = run_with_dataset([], CONFIG, source=_with(pg_url, query="schema=native"), period="2026-02")
    assert not [p for p in dataset.problems if "not a" in p.one_line()]
    revenue = report.values.loc["revenue"]
    assert revenue[pd.Period("2026-01", "M")] == pytest.approx(120.30, abs=1e-9)  # 100.10 + 20.20
    assert revenue[pd.Period("2026-02", "M")] == pytest.approx(0.01, abs=1e-9)  # order 3 is cancelled
    src = next(s for s in dataset.sources if s.table == "orders")
    assert (src.rows_read, src.rows_used) == (4, 4)


def _with(url: str, **parts: str) -> str:
    """The URL with its password, database (path) or query replaced."""
    p = urlsplit(url)
    user = parts.get("user", p.username or "")
    password = parts.get("password", p.password)
    port = parts.get("port", str(p.port) if p.port else "")
    netloc = f"{user}{':' + password if password else ''}@{p.hostname}{':' + port if port else ''}"
    return urlunsplit((p.scheme, netloc, parts.get("path", p.path), parts.get("query", p.query), ""))


@pytest.fixture(scope="module")
def excel_json() -> str:
    report, _ = run_with_dataset([SAMPLE], CONFIG)
    return render_json(report, DAY)


@pytest.fixture(scope="module")
def sample_url(pg_url: str) -> str:
    """The database with the sample company's sheets as tables in schema public."""
    con = PostgresConnection(pg_url)
    for name, df in sample_tables().items():
        con.execute(f'DROP TABLE IF EXISTS public."{name}" CASCADE')
        con.upload(f'public."{name}"', df)
    con.close()
    return pg_url


@pytest.fixture(scope="module")
def pg_run(sample_url: str):
    return run_with_dataset([], CONFIG, source=sample_url)


@pytest.mark.slow  # the sample company's report run in PostgreSQL
def test_the_sample_in_postgres_gives_the_workbooks_json_exactly(pg_run, excel_json: str) -> None:
    report, dataset = pg_run
    assert render_json(report, DAY) == excel_json
    assert dataset.pushed is not None and {"orders", "tickets", "surveys"} <= set(dataset.pushed.views)
    assert all(len(dataset.tables[t]) == 0 for t in dataset.pushed.views)  # no row came into Python
    assert type(dataset.pushed.con).__name__ == "PostgresConnection"
    orders = next(s for s in dataset.sources if s.table == "orders")
    assert orders.detail == 'read in place by PostgreSQL: "public"."Orders"'
    assert orders.rows_read == len(sample_tables()["Orders"])


@pytest.mark.slow  # the sample company's report run in PostgreSQL
def test_the_password_is_never_shown(pg_run, pg_url: str) -> None:
    report, dataset = pg_run
    password = urlsplit(pg_url).password
    assert password and dataset.pushed is not None
    assert password not in dataset.pushed.shown and ":***@" in dataset.pushed.shown
    said = [p.one_line() for p in dataset.problems] + [repr(s) for s in dataset.sources]
    assert not [s for s in said if password in s]
    assert password not in render_json(report, DAY)


@pytest.mark.slow  # the sample company's report run in PostgreSQL
def test_the_command_line_writes_a_report_without_the_password(sample_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    got = subprocess.run([sys.executable, "-m", "kpireport", "generate", "--source", sample_url, "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert got.returncode == 0, got.stderr[-2000:]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".xlsx" for p in written) and any(p.suffix == ".json" for p in written)
    password = urlsplit(sample_url).password
    assert password
    assert password not in got.stdout + got.stderr
    for p in written:
        data = p.read_bytes()
        assert password.encode() not in data, p.name
    if any(p.suffix == ".xlsx" for p in written):  # the workbook is a zip: look inside too
        import zipfile

        book = next(p for p in written if p.suffix == ".xlsx")
        with zipfile.ZipFile(book) as z:
            assert not [n for n in z.namelist() if password.encode() in z.read(n)]


def test_counting_queries_report_what_does_not_read(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The messy orders of test_sources, in schema messy, the password given by PGPASSWORD."""
    password = urlsplit(pg_url).password
    monkeypatch.setenv("PGPASSWORD", password or "")
    url = _with(pg_url, password="", query="schema=messy")
    report, dataset = run_with_dataset([], CONFIG, source=url, period="2026-02")
    said = [p.one_line() for p in dataset.problems]
    where = f"{url} / orders"
    assert f"warning: {where} (column Order Date): 1 value(s) are not a date (such as 'not a date'); " \
           "read as empty" in said
    assert f"warning: {where} (column Revenue): 1 value(s) are not an amount (such as 'n/a'); read as empty" in said
    src = next(s for s in dataset.sources if s.table == "orders")
    assert (src.rows_read, src.rows_used) == (6, 3)  # A2 (n/a), A3 (no date) and A5 (empty date) left out
    assert any(f"{where}: 3 row(s) excluded" in s for s in said)
    assert any("column customer_id: 1 row(s) repeat a customer_id already seen ('C2' ...)" in s for s in said)
    revenue = report.values.loc["revenue"]
    assert revenue[pd.Period("2026-01", "M")] == 100.0
    assert revenue[pd.Period("2026-02", "M")] == 280.5


@pytest.mark.parametrize(("change", "said"), [
    ({"password": "wrong-pw"}, "password authentication failed"),
    ({"path": "/no_such_db"}, 'database "no_such_db" does not exist'),
    ({"port": "1"}, "Connection refused"),
])
def test_a_wrong_server_password_or_database_is_one_line(pg_url: str, change: dict[str, str], said: str) -> None:
    if os.environ.get("KPIREPORT_TEST_PG_URL") and "port" in change:
        pytest.skip("the given server may listen anywhere")
    url = _with(pg_url, **change)
    with pytest.raises(InputError) as err:
        run_with_dataset([], CONFIG, source=url)
    line = err.value.one_line()
    assert said in line and "\n" not in line
    assert "cannot connect" in line and "PGPASSWORD" in line
    password = urlsplit(pg_url).password
    assert password and password not in line and "wrong-pw" not in line


def test_the_command_line_exits_with_the_input_error_code(pg_url: str, tmp_path: Path) -> None:
    url = _with(pg_url, password="wrong-pw")
    got = subprocess.run([sys.executable, "-m", "kpireport", "generate", "--source", url, "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert got.returncode == InputError.exit_code
    assert "Traceback" not in got.stderr and "wrong-pw" not in got.stderr + got.stdout
    assert "password authentication failed" in got.stderr


def test_a_schema_without_tables_is_named(pg_url: str) -> None:
    with pytest.raises(InputError, match="no table or view in schema 'nothing_here'"):
        run_with_dataset([], CONFIG, source=_with(pg_url, query="schema=nothing_here"))


# ---- the translation: the same SQL gives the same answer in DuckDB and in PostgreSQL ------------
CASES = [
    # (DuckDB SQL, hand-computed answer)
    ("SELECT FSUM(x) FROM (VALUES (0.1), (0.2), (0.3), (1e16), (-1e16)) t(x)", [(math.fsum([0.1, 0.2, 0.3]),)]),
    ("SELECT FSUM(x) FILTER (WHERE x > 0.15) FROM (VALUES (0.1), (0.2), (0.3)) t(x)", [(0.5,)]),
    ("SELECT LIST_EXTRACT(MIN(x, 2) FILTER (WHERE x < 9), 2) FROM (VALUES (5), (NULL), (3), (9), (4)) t(x)", [(4,)]),
    ("SELECT LIST_EXTRACT(MIN(x, 3) FILTER (WHERE x > 4), 3) FROM (VALUES (5), (3), (9)) t(x)", [(None,)]),
    ("SELECT TRY_CAST(v AS DOUBLE) FROM (VALUES ('2.5'), ('n/a'), (' 1e3 '), (NULL)) t(v)",
     [(2.5,), (None,), (1000.0,), (None,)]),
    ("SELECT TRY_CAST(v AS TIMESTAMP) FROM (VALUES ('2026-01-05'), ('2026-02-30'), ('not a date'), "
     "('2026-03-01 10:20:30')) t(v)",
     [(dt.datetime(2026, 1, 5),), (None,), (None,), (dt.datetime(2026, 3, 1, 10, 20, 30),)]),
    ("SELECT TRY_CAST(b AS DOUBLE) FROM (VALUES (TRUE), (FALSE)) t(b)", [(1.0,), (0.0,)]),
    ("SELECT '' AS m, COUNT(*) FROM (VALUES (1), (2)) t(x) GROUP BY ''", [("", 2)]),
    ("SELECT COUNT(*) FROM (SELECT 1 AS x) WHERE x = 1", [(1,)]),
    ("SELECT any_value(x), arg_min(y, x) FROM (VALUES (2, 'b'), (1, 'a')) t(x, y) WHERE x = 1", [(1, "a")]),
    ("SELECT UNNEST(CASE WHEN LEN(LIST_FILTER(REGEXP_SPLIT_TO_ARRAY(v, '[\\s,;]+'), lambda x: x <> '')) = 0 "
     "THEN ['(blank)'] ELSE LIST_FILTER(REGEXP_SPLIT_TO_ARRAY(v, '[\\s,;]+'), lambda x: x <> '') END) AS m "
     "FROM (VALUES ('#a, #b'), ('')) t(v) ORDER BY m", [("#a",), ("#b",), ("(blank)",)]),
    ("SELECT DATE_DIFF('microsecond', TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-02 00:00:01.5') "
     "/ 1000000.0", [(86401.5,)]),
]


@pytest.mark.parametrize(("sql", "expected"), CASES)
def test_duckdb_sql_answers_alike_in_postgres(pg_url: str, sql: str, expected: list[tuple]) -> None:
    assert duckdb.sql(sql).fetchall() == expected
    con = PostgresConnection(pg_url)
    try:
        assert con.execute(sql).fetchall() == expected
    finally:
        con.close()


def test_describe_answers_duckdb_type_names(pg_url: str) -> None:
    con = PostgresConnection(pg_url)
    try:
        con.register("_frame", pd.DataFrame({"n": [1.5], "i": pd.array([1], dtype="Int64"), "s": ["x"],
                                             "d": pd.to_datetime(["2026-01-01"]), "b": [True]}))
        got = [r[:2] for r in con.execute('DESCRIBE SELECT * FROM "_frame"').fetchall()]
        assert got == [("n", "DOUBLE"), ("i", "BIGINT"), ("s", "VARCHAR"), ("d", "TIMESTAMP"), ("b", "BOOLEAN")]
        con.execute('CREATE OR REPLACE TEMP VIEW "_v" AS SELECT n FROM "_frame"')
        con.execute('CREATE OR REPLACE TEMP VIEW "_v" AS SELECT s, n FROM "_frame"')  # other columns: replaced
        assert con.execute('SELECT * FROM "_v"').fetchall() == [("x", 1.5)]
    finally:
        con.close()


def test_parts_of_one_table_stack_by_column_name_alike(pg_url: str) -> None:
    """Two relations of one table with different columns: one below the other, NULL where a part
    lacks a column, the same rows in DuckDB and in PostgreSQL."""
    from kpireport.schema import default_schema
    from kpireport.sources.load import _stacked

    spec = default_schema().tables["orders"]
    parts = [("_p0", ["order_id", "revenue"]), ("_p1", ["order_date", "order_id"])]
    sql = f"SELECT * FROM ({_stacked(parts, spec)}) s ORDER BY order_id"
    frames = {"_p0": pd.DataFrame({"order_id": ["A1"], "revenue": [2.5]}),
              "_p1": pd.DataFrame({"order_date": pd.to_datetime(["2026-01-05"]), "order_id": ["B1"]})}
    expected = [("A1", 2.5, None), ("B1", None, dt.datetime(2026, 1, 5))]
    duck, pg = duckdb.connect(), PostgresConnection(pg_url)
    try:
        for name, df in frames.items():
            duck.register(name, df)
            pg.register(name, df)
        assert duck.execute(sql).fetchall() == expected
        assert pg.execute(sql).fetchall() == expected
    finally:
        duck.close()
        pg.close()
