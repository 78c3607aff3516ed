"""Text read in place is trimmed once, not per query: the validation scan counts the values that
need trimming (sources/typing_sql.untidy), and a column without any is read as it is. Untidy
text (spaces, tabs, no-break spaces at either end, empty cells) must give the same report as the
same rows tidied by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kpireport.compute.sql import dialect as d
from kpireport.compute.sql.compiler import Columns, member_sql, nonblank
from kpireport.config import Config
from kpireport.pipeline import run_with_dataset
from kpireport.render.json_out import render_json
from kpireport.sources import load
from kpireport.sources.typing_sql import WHITESPACE, untidy

CONFIG = dataclasses.replace(Config(), company="Test Company", currency="USD")
DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("value", "flagged"), [
    ("North", False),
    ("New York", False),  # inner spaces stay
    ("İzmir", False),
    (" North", True),
    ("North ", True),
    ("\tA1", True),
    ("A1\n", True),
    ("\u00a0East", True),
    ("East\u00a0", True),
    ("\rX\r", True),
    ("", True),  # an empty text is no value: it must go through NULLIF
    (" ", True),
])
def test_untidy_flags_exactly_the_values_trimming_changes(value: str, flagged: bool) -> None:
    con = duckdb.connect()
    got = con.execute(f"SELECT {untidy('v', 'VARCHAR')} FROM (SELECT ? AS v)", [value]).fetchall()[0][0]
    assert got is flagged
    trimmed = value.strip(WHITESPACE)
    assert flagged == (trimmed != value or trimmed == "")


@pytest.mark.parametrize("db_type", ["BIGINT", "DOUBLE", "TIMESTAMP", "DATE", "BOOLEAN"])
def test_a_column_not_stored_as_text_is_never_checked(db_type: str) -> None:
    assert untidy("v", db_type) is None


ORDERS = {
    "Order ID": ["A1", " A2", "A3\t", "A4", "A5", "A6", "A7"],
    "Order Date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-01", "2026-02-03", "2026-02-10",
                                  "2026-02-14", "2026-02-20"]),
    "Customer ID": ["C1", "C2 ", "C1", "\u00a0C3", "C2", "C1", "C4"],
    "Region": [" North", "North", "South\u00a0", "", "East ", "North", None],
    "Channel": ["Web", "Store", "Web", "Web", "Store", "Web", "Web"],
    "Status": ["Completed", "Completed", "Cancelled ", "Completed", "Completed", " Completed", "Completed"],
    "Revenue": [100.0, 80.0, 50.0, 250.5, 70.0, 30.0, 12.25],
}


def _write(folder: Path, tidy: bool) -> Path:
    folder.mkdir()
    df = pd.DataFrame(ORDERS)
    if tidy:
        for col in ("Order ID", "Customer ID", "Region", "Status"):
            df[col] = [v.strip(WHITESPACE) or None if isinstance(v, str) else None for v in df[col].tolist()]
    con = duckdb.connect()
    con.register("t", df)
    con.execute(f"COPY t TO '{folder / 'orders.parquet'}' (FORMAT parquet)")
    return folder


def _view_sql(dataset) -> str:
    return " ".join(r[0] for r in dataset.pushed.con.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name LIKE '_part_%'").fetchall())


@pytest.mark.parametrize("few_values", [50, 0])  # checked over distinct values / over every row
def test_untidy_text_gives_the_report_of_the_same_rows_tidied(tmp_path: Path, few_values: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "FEW_VALUES", few_values)
    messy, m_data = run_with_dataset([_write(tmp_path / "messy", False)], CONFIG, period="2026-02")
    tidy, t_data = run_with_dataset([_write(tmp_path / "tidy", True)], CONFIG, period="2026-02")
    # the messy columns are trimmed in the view, the tidy copy's are read as they are
    assert '"trim"(CAST(Region AS VARCHAR)' in _view_sql(m_data)
    assert "Channel AS channel" in _view_sql(m_data)  # Channel is tidy in both
    assert '"trim"(' not in _view_sql(t_data)
    assert render_json(messy, DAY) == render_json(tidy, DAY)
    # February: A3 is cancelled ('Cancelled ' trimmed); A4 250.5 + A5 70 + A6 30 + A7 12.25
    assert messy.values.loc["revenue"][pd.Period("2026-02", "M")] == 362.75


@pytest.mark.parametrize(("value", "member", "names_an_entity"), [
    ("North", "North", True),
    ("New York", "New York", True),
    (None, "(blank)", False),
])
def test_clean_columns_give_the_members_and_keys_of_trimmed_ones(value: str | None, member: str,
                                                                 names_an_entity: bool) -> None:
    """A source's typed views hold text already trimmed, never blank (what load.py's typing
    guarantees): without the per-row trim, members and key tests come out the same."""
    con = duckdb.connect()
    for clean in (False, True):
        cols = Columns({"v": "text"}, lambda _: False, clean=clean)
        got = con.execute(f"SELECT {member_sql('v', cols)}, {nonblank(d.ident('v'), clean)} "
                          "FROM (SELECT CAST(? AS VARCHAR) AS v)", [value]).fetchall()[0]
        assert got == (member, names_an_entity)
        assert ("TRIM" in member_sql("v", cols)) is not clean
