"""Sources read in place (kpireport/sources): the sample company as Parquet files, CSV files and
a DuckDB database gives the JSON of the workbooks read whole, digit for digit; counting queries
report what does not read; the tables' rows never come into Python; a password in a URL is
never shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kpireport.config import Config
from kpireport.errors import UsageError
from kpireport.pipeline import run_with_dataset
from kpireport.render.json_out import render_json
from kpireport.sources import is_pushed_input, parse_source, redact

from .conftest import sample_report
from .sources_sample import write_duckdb, write_parquet

CONFIG = dataclasses.replace(Config(), company="Test Company", currency="USD")
DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def excel_json() -> str:
    return render_json(sample_report(CONFIG), DAY)  # run([SAMPLES], CONFIG), shared with other files


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("stores")
    pq = write_parquet(base / "parquet")
    csv = base / "csv"
    csv.mkdir()
    con = duckdb.connect()
    for f in sorted(pq.glob("*.parquet")):
        con.execute(f"COPY (SELECT * FROM read_parquet('{f}')) TO '{csv / (f.stem + '.csv')}' (HEADER)")
    db = write_duckdb(base / "sample.duckdb")
    return {"parquet folder": str(pq), "csv folder": str(csv), "duckdb file": f"duckdb:///{db}"}


@pytest.mark.parametrize("store", ["parquet folder", "csv folder", "duckdb file"])
def test_the_sample_in_place_gives_the_workbooks_json_exactly(store: str, stores: dict[str, str],
                                                              excel_json: str) -> None:
    report, dataset = run_with_dataset([], CONFIG, source=stores[store])
    assert dataset.pushed is not None and {"orders", "tickets", "surveys"} <= set(dataset.pushed.views)
    assert all(len(dataset.tables[t]) == 0 for t in dataset.pushed.views)  # no row came into Python
    assert render_json(report, DAY) == excel_json


def test_a_parquet_folder_given_as_input_is_read_in_place(stores: dict[str, str], excel_json: str) -> None:
    report, dataset = run_with_dataset([Path(stores["parquet folder"])], CONFIG)
    assert dataset.pushed is not None
    assert render_json(report, DAY) == excel_json


ORDERS = pd.DataFrame({
    "Order ID": ["A1", "A2", "A3", "A4", "A5", "A6"],
    "Order Date": ["2026-01-05", "2026-01-20", "not a date", "2026-02-03", None, "2026-02-14"],
    "Customer ID": ["C1", "C2", "C1", "C3", "C2", "C1"],
    "Revenue": ["100", "n/a", "50", "250.5", "70", "30"],
})
CUSTOMERS = pd.DataFrame({"Customer ID": ["C1", "C2", "C2", "C3"],
                          "Acquired Date": pd.to_datetime(["2025-12-01", "2026-01-20", "2026-01-21", "2026-02-03"]),
                          "Region": ["North", "South", "East", "North"]})


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    con = duckdb.connect()
    for name, df in (("orders", ORDERS), ("customers", CUSTOMERS)):
        con.register("t", df)
        con.execute(f"COPY t TO '{tmp_path / (name + '.parquet')}' (FORMAT parquet)")
        con.unregister("t")
    return tmp_path


def test_counting_queries_report_what_does_not_read(messy: Path) -> None:
    report, dataset = run_with_dataset([messy], CONFIG, period="2026-02")
    said = [p.one_line() for p in dataset.problems]
    assert "warning: orders.parquet / orders (column Order Date): 1 value(s) are not a date (such as 'not a date'); " \
           "read as empty" in said
    assert "warning: orders.parquet / orders (column Revenue): 1 value(s) are not an amount (such as 'n/a'); " \
           "read as empty" in said
    # A2 (revenue n/a), A3 (unreadable date) and A5 (no date) are left out: 6 read, 3 used
    src = next(s for s in dataset.sources if s.table == "orders")
    assert (src.rows_read, src.rows_used) == (6, 3)
    assert any("orders.parquet / orders: 3 row(s) excluded" in s for s in said)
    # C2 repeats: counted once
    assert any("column customer_id: 1 row(s) repeat a customer_id already seen ('C2' ...)" in s
               for s in said)
    revenue = report.values.loc["revenue"]
    assert revenue[pd.Period("2026-01", "M")] == 100.0  # A1; A2's 'n/a' is no amount
    assert revenue[pd.Period("2026-02", "M")] == 280.5  # A4 250.5 + A6 30


@pytest.mark.parametrize(("url", "shown"), [
    ("postgres://ann:s3cret@db.example:5432/sales", "postgres://ann:***@db.example:5432/sales"),
    ("postgresql://ann@db.example/sales", "postgresql://ann@db.example/sales"),
    ("postgres://:s3cret@db.example/sales", "postgres://:***@db.example/sales"),
    ("duckdb:///data/sales.duckdb", "duckdb:///data/sales.duckdb"),
])
def test_a_password_in_a_url_is_never_shown(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_an_unsupported_source_names_it_without_the_password() -> None:
    with pytest.raises(UsageError) as err:
        parse_source("mysql://ann:s3cret@db.example:3306/sales")
    assert "s3cret" not in err.value.one_line() and "mysql://ann:***@db.example:3306/sales" in err.value.one_line()


def test_a_postgres_url_keeps_its_password_for_the_connection_only() -> None:
    spec = parse_source("postgresql://ann:s3cret@db.example:5432/sales?schema=shop")
    assert (spec.kind, spec.shown) == ("postgres", "postgresql://ann:***@db.example:5432/sales?schema=shop")
    assert spec.url == "postgresql://ann:s3cret@db.example:5432/sales?schema=shop" and "s3cret" not in repr(spec)


@pytest.mark.parametrize(("files", "pushed"), [
    ({"orders.parquet": b""}, True),
    ({"lake/orders/part-0.parquet": b""}, True),
    ({"orders.csv": b"a\n1\n", "customers.csv": b"a\n1\n"}, False),  # CSV alone: the file path, as before
    ({"book.xlsx": b""}, False),
])
def test_which_inputs_are_read_in_place(tmp_path: Path, files: dict[str, bytes], pushed: bool) -> None:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    assert is_pushed_input(tmp_path) is pushed


def test_with_data_is_refused_for_a_source_read_in_place(messy: Path, tmp_path: Path) -> None:
    got = subprocess.run([sys.executable, "-m", "kpireport", "generate", "--source", str(messy), "--out",
                          str(tmp_path / "out"), "--with-data"], capture_output=True, text=True, timeout=300)
    assert got.returncode == 2 and "--with-data copies every input row" in got.stderr
    assert not (tmp_path / "out").exists()


def test_validate_a_source_counts_by_query(messy: Path) -> None:
    from click.testing import CliRunner

    from kpireport.cli.app import main

    got = CliRunner().invoke(main, ["validate", "--source", str(messy)])
    assert got.exit_code == 0, got.output
    assert "orders.parquet / orders -> orders (by sheet name; header row 1; 6 rows read, 3 used)" in got.output
    assert "OK: 2 tables recognised, no errors." in got.output


def test_a_password_never_reaches_a_message_or_a_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kpireport.cli.app import main

    # nothing listens on port 1: the connection is refused, an input error naming the server
    got = CliRunner().invoke(main, ["generate", "--source", "postgres://ann:s3cret@127.0.0.1:1/sales",
                                    "--out", str(tmp_path / "out")])
    assert got.exit_code == 3
    assert "s3cret" not in got.output and "postgres://ann:***@127.0.0.1:1/sales: cannot connect" in got.output
    assert not (tmp_path / "out").exists()


def test_a_partitioned_lake_table_is_one_table(tmp_path: Path) -> None:
    """orders/year=2025/*.parquet and orders/year=2026/*.parquet: one orders table (the partition
    column is not one of ours and is ignored)."""
    con = duckdb.connect()
    parts = {"year=2025": [("A1", "2025-12-03", 40.0), ("A2", "2025-12-30", 2.5)],
             "year=2026": [("A3", "2026-01-02", 100.0), ("A4", "2026-01-31", 7.25), ("A5", "2026-02-01", 1.0)]}
    for part, rows in parts.items():
        (tmp_path / "lake" / "orders" / part).mkdir(parents=True)
        con.register("t", pd.DataFrame(rows, columns=["Order ID", "Order Date", "Revenue"]).astype(
            {"Order Date": "datetime64[us]"}))
        con.execute(f"COPY t TO '{tmp_path / 'lake' / 'orders' / part / 'p.parquet'}' (FORMAT parquet)")
        con.unregister("t")
    report, dataset = run_with_dataset([tmp_path / "lake"], CONFIG, period="2026-01")
    assert [(s.sheet, s.table, s.rows_read) for s in dataset.sources] == [("orders", "orders", 5)]
    revenue = report.values.loc["revenue"]
    assert revenue[pd.Period("2025-12", "M")] == 42.5
    assert revenue[pd.Period("2026-01", "M")] == 107.25


def test_a_broken_parquet_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "orders.parquet").write_bytes(b"PAR1 this is not a parquet file")
    from kpireport.errors import InputError

    with pytest.raises(InputError) as err:
        run_with_dataset([], CONFIG, source=str(tmp_path))
    assert err.value.one_line().startswith("orders.parquet: cannot be read (")
