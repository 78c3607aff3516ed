"""The relational engine the model's joins run on: an embedded DuckDB holding the tables.

Tables are registered as they are (pandas frames over Arrow memory, no row copies); a query's
result comes back as a frame whose columns are typed like the validate stage types them, so
the stages after this one cannot tell a joined column from one read from a file.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..duck import connect
from ..schema import TableSpec

ROW = "__row"  # each table's row number: results keep the input's row order

_DTYPES = {"date": "datetime64[us]", "id": "string", "text": "string", "period": "string", "number": "float64",
           "money": "float64", "score": "float64", "bool": "boolean"}


def quote(name: str) -> str:
    """An identifier as SQL text (column names come from the schema, but quote them all the same)."""
    return '"' + name.replace('"', '""') + '"'


class Relational:
    """A DuckDB connection with the run's tables registered under their canonical names."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        self.con = connect()
        self.columns: dict[str, list[str]] = {}
        for name, df in tables.items():
            self.register(name, df)

    def register(self, name: str, df: pd.DataFrame) -> None:
        frame = df.assign(**{ROW: np.arange(len(df), dtype=np.int64)})
        self.con.register(name, frame)
        self.columns[name] = list(df.columns)

    def has(self, table: str, *columns: str) -> bool:
        cols = self.columns.get(table)
        return cols is not None and all(c in cols for c in columns)

    def frame(self, sql: str, spec: TableSpec | None = None) -> pd.DataFrame:
        """A query's rows as a frame, each column typed by its schema type where it has one."""
        out = self.con.sql(sql).to_arrow_table().to_pandas()
        out = out.drop(columns=[ROW], errors="ignore")
        return typed(out, spec)

    def scalar(self, sql: str) -> int:
        rows = self.con.sql(sql).fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def close(self) -> None:
        self.con.close()


def typed(df: pd.DataFrame, spec: TableSpec | None) -> pd.DataFrame:
    """Columns cast to the validate stage's dtypes for their schema type."""
    if spec is None:
        return df
    kinds = {c.name: c.type for c in spec.columns}
    out = {}
    for name, col in df.items():
        want = _DTYPES.get(kinds.get(str(name), ""))
        if want is None or str(col.dtype) == want:
            out[name] = col
        elif want == "datetime64[us]":
            out[name] = pd.to_datetime(col).astype(want)
        else:
            out[name] = col.astype(want)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))
