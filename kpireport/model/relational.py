"""The relational engine the model's joins run on: an embedded DuckDB holding the tables.

Tables are registered as they are (pandas frames over Arrow memory, no row copies); a query's
result comes back as a frame whose columns are typed like the validate stage types them, so
the stages after this one cannot tell a joined column from one read from a file.

With tables that stay where the data lives (`Dataset.pushed`, a Parquet lake or a DuckDB file),
the same steps run lazily: a step's result becomes a view on the source's connection and the
frame handed back is a stand-in with its typed columns and no row (its `attrs["view"]` names
the view). Steps therefore name tables through `t(name)` (the current relation of a table),
ask `rows` and `filled` instead of looking at frames, and order results with `order_by`
(nothing in a view: sorting a hundred million rows to keep an order no aggregate needs would
cost more than the report).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..duck import connect
from ..schema import DTYPES, TableSpec
from ..sqltext import ident as quote

ROW = "__row"  # each table's row number: results keep the input's row order



class Relational:
    """A DuckDB connection with the run's tables registered under their canonical names.

    `pushed`: canonical table -> view on `con` of the tables that stay where the data lives
    (their frames are stand-ins without rows); the connection is then the source's."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], pushed: Mapping[str, str] | None = None,
                 con: Any = None) -> None:
        self.lazy = pushed is not None
        self.con = con if con is not None else connect()
        self.columns: dict[str, list[str]] = {}
        self.current: dict[str, str] = {}  # lazy: table -> the view that holds it now
        self._names = itertools.count()
        for name, df in tables.items():
            if pushed is not None and name in pushed:
                view = self._view(f"SELECT *, CAST(0 AS BIGINT) AS {ROW} FROM {quote(pushed[name])}")
                self.register(name, _viewed(df.copy(), view))
            else:
                self.register(name, df)

    def _view(self, sql: str, kind: str = "VIEW") -> str:
        view = f"_m_{next(self._names)}"
        self.con.execute(f"CREATE OR REPLACE TEMP {kind} {quote(view)} AS {sql}")
        return view

    def register(self, name: str, df: pd.DataFrame) -> None:
        view = df.attrs.get("view")
        if view is not None:  # a stand-in: the table is the view
            self.current[name] = view
        else:
            frame = df.assign(**{ROW: np.arange(len(df), dtype=np.int64)})
            registered = f"_f_{next(self._names)}_{name}" if self.lazy else name
            self.con.register(registered, frame)
            self.current[name] = registered
        self.columns[name] = list(df.columns)

    def t(self, name: str) -> str:
        """The table's current relation, as SQL."""
        return quote(self.current.get(name, name))

    def is_view(self, name: str) -> bool:
        """The table stays where the data lives (lazy; a small table read whole is a frame)."""
        return self.current.get(name, "").startswith("_m_")

    def order_by(self, alias: str) -> str:
        """ORDER BY the input's row order (nothing for a view: see the module)."""
        return "" if self.lazy else f" ORDER BY {alias}.{ROW}"

    def rows(self, name: str) -> int:
        return self.scalar(f"SELECT count(*) FROM {self.t(name)}")

    def filled(self, name: str, column: str) -> bool:
        """Some row of the table has a value in the column."""
        return bool(self.con.sql(f"SELECT 1 FROM {self.t(name)} WHERE {quote(column)} IS NOT NULL LIMIT 1").fetchall())

    def views(self) -> dict[str, str]:
        """Lazy: each table that is a view, as a view without the row column (for compute)."""
        out = {}
        for name, view in self.current.items():
            if self.is_view(name):
                out[name] = self._view(f"SELECT {', '.join(map(quote, self.columns[name]))} FROM {quote(view)}")
        return out

    def has(self, table: str, *columns: str) -> bool:
        cols = self.columns.get(table)
        return cols is not None and all(c in cols for c in columns)

    def frame(self, sql: str, spec: TableSpec | None = None, small: bool = False) -> pd.DataFrame:
        """A query's rows as a frame, each column typed by its schema type where it has one
        (lazy: a view of the query and its stand-in; a `small` result, one row per customer
        where the input has one per order, is kept as a table in the engine instead, so that
        each later query does not aggregate the orders again)."""
        if self.lazy:
            view = self._view(sql, "TABLE" if small else "VIEW")
            out = self.con.sql(f"SELECT * FROM {quote(view)} LIMIT 0").df()
            if ROW not in out.columns:  # a derived table (one row per customer): every view has the row column
                view = self._view(f"SELECT *, CAST(0 AS BIGINT) AS {ROW} FROM {quote(view)}")
            out = out.drop(columns=[ROW], errors="ignore")
            return _viewed(typed(out, spec), view)
        out = self.con.sql(sql).to_arrow_table().to_pandas()
        out = out.drop(columns=[ROW], errors="ignore")
        return typed(out, spec)

    def scalar(self, sql: str) -> int:
        rows = self.con.sql(sql).fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def close(self) -> None:
        if not self.lazy:  # a source's connection lives on for compute
            self.con.close()


def _viewed(df: pd.DataFrame, view: str) -> pd.DataFrame:
    df.attrs["view"] = view
    return df


def typed(df: pd.DataFrame, spec: TableSpec | None) -> pd.DataFrame:
    """Columns cast to the validate stage's dtypes for their schema type."""
    if spec is None:
        return df
    kinds = {c.name: c.type for c in spec.columns}
    out = {}
    for name, col in df.items():
        want = DTYPES.get(kinds.get(str(name), ""))
        if want is None or str(col.dtype) == want:
            out[name] = col
        elif want == "datetime64[us]":
            out[name] = pd.to_datetime(col).astype(want)
        elif want == "boolean" and not len(col):
            out[name] = pd.Series(dtype=want)
        else:
            out[name] = col.astype(want)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))
