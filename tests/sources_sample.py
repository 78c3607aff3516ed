"""The sample company's exports as a database would hold them: each sheet one table, its header
row the column names, its cells typed per column (dates as timestamps, numbers as doubles, the
rest as text). Written as Parquet files, CSV files and a DuckDB database, for the tests that
compare a source read in place with the workbooks read whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from kpireport.mapping import map_sheets
from kpireport.problems import ProblemLog
from kpireport.read import read_inputs
from kpireport.read.inputs import expand

SAMPLE = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _column(values: list[object]) -> pd.Series:
    given = [v for v in values if v is not None and v != ""]
    if given and all(isinstance(v, dt.datetime | dt.date) for v in given):
        return pd.Series(pd.to_datetime(pd.Series([v if v not in ("",) else None for v in values])),
                         dtype="datetime64[us]")
    if given and all(isinstance(v, int | float) and not isinstance(v, bool) for v in given):
        return pd.Series([float(v) if v not in (None, "") else None for v in values], dtype="float64")
    return pd.Series([None if v is None or v == "" else str(v) for v in values], dtype="string")


def sample_tables() -> dict[str, pd.DataFrame]:
    """Sheet name -> its rows as a typed frame, for every recognised table of the sample."""
    problems = ProblemLog()
    sheets = read_inputs(expand([SAMPLE], problems), problems)
    mapped, _ = map_sheets(sheets, problems=problems)
    out = {}
    for m in mapped:
        s = m.sheet
        rows = [s.row(i) for i in range(s.n_rows)]
        header = [str(h) for h in rows[m.header_row] if h not in (None, "")]
        body = rows[m.header_row + 1:]
        out[s.sheet] = pd.DataFrame({h: _column([r[j] if j < len(r) else None for r in body])
                                     for j, h in enumerate(header)})
    return out


def write_parquet(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, df in sample_tables().items():
        con.register("t", df)
        con.execute(f"COPY t TO '{folder / (name + '.parquet')}' (FORMAT parquet)")
        con.unregister("t")
    return folder


def write_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    for name, df in sample_tables().items():
        con.register("t", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM t')
        con.unregister("t")
    con.close()
    return path
