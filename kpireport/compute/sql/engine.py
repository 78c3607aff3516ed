"""MeasureEngine: every base measure of a report computed as SQL on an embedded DuckDB.

The validated tables are registered once per report (DuckDB scans the DataFrames in place,
no row is copied in Python). For each table, date column and grouping, one query computes all
its measures (queries.py); periods and spans are a small relation joined by date range. The
answer is reshaped into what the KPI arithmetic wants: per measure a periods x members frame.

Fill rules (the same at every caller): sums, counts and distinct counts are 0 where a period
has no rows; min, max and mean have no value there; stocks and last values are 0. With `by`,
every member with rows in any period of the data is listed (0 where it had none); stocks and
last values list the members active at one of the periods.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import duckdb
import numpy as np
import pandas as pd

from ...catalog.model import Measure
from . import dialect as d
from . import queries as q
from .compiler import Columns, kind_of
from .frames import Span, period_map, spans_frame, window_span

_FILLED = ("sum", "count", "nunique", "stock", "last")


class MeasureEngine:
    """The report's tables on one DuckDB connection, answering measures per period or per span.

    `views` maps a canonical table name to a SQL SELECT over the registered tables (joins of
    related tables); measures of that table then read the view, and the columns it "has" are
    the view's.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], views: Mapping[str, str] | None = None) -> None:
        self._con = duckdb.connect()
        self._names = itertools.count()
        self._source: dict[str, str] = {}
        for name, df in tables.items():
            # the row order rides along for ties in `last` (a column of 8 bytes a row, no copy of the others)
            self._con.register(name, df.assign(**{q.ROW: np.arange(len(df), dtype=np.int64)}))
            self._source[name] = name
        for name, sql in (views or {}).items():
            view = f"_view_{name}"
            self._con.execute(f"CREATE VIEW {d.ident(view)} AS {sql}")
            self._source[name] = view
        self._columns: dict[str, Columns] = {}
        self._date_only: dict[tuple[str, str], bool] = {}
        self._maps: dict[tuple[str, str, str | None, int], str] = {}

    # ---- what the tables hold -------------------------------------------------------------
    def has(self, table: str, column: str | None = None) -> bool:
        """The table is registered (and, with `column`, has that column, in its view if it has one)."""
        return table in self._source and (column is None or self.columns(table).has(column))

    def columns(self, table: str) -> Columns:
        """The table's (or its view's) columns and their kinds, from DESCRIBE."""
        if table not in self._columns:
            rows = self._con.execute(f"DESCRIBE SELECT * FROM {d.ident(self._source[table])}").fetchall()
            kinds = {str(r[0]): kind_of(str(r[1])) for r in rows}
            self._columns[table] = Columns(kinds, lambda col, t=table: self._is_date_only(t, col))
        return self._columns[table]

    def _is_date_only(self, table: str, col: str) -> bool:
        """No value of the column has a time of day (a due date, not a timestamp)."""
        if (table, col) not in self._date_only:
            c = d.ident(col)
            sql = f"SELECT COUNT(*) FILTER (WHERE {c} <> {d.day_of(c)}) FROM {d.ident(self._source[table])}"
            self._date_only[(table, col)] = self._con.execute(sql).fetchone()[0] == 0  # type: ignore[index]
        return self._date_only[(table, col)]

    def _frame(self, sql: str) -> pd.DataFrame:
        return self._con.execute(sql).df()

    def _register(self, df: pd.DataFrame) -> str:
        name = f"_rel_{next(self._names)}"
        self._con.register(name, df)
        return name

    def _dated(self, table: str, date: str, grain_freq: str | None, fys: int) -> q.Dated:
        """The table's rows with their date; a period-text column goes through a map of its texts."""
        src = d.ident(self._source[table])
        cols = self.columns(table)
        if cols.kinds.get(date) == "date":
            return q.Dated(src, d.ident(date))
        name = self._period_map(table, date, grain_freq, fys)
        return q.Dated(f"{src} JOIN {name} ON CAST({d.ident(date)} AS VARCHAR) = _p_txt", "_p_d",
                       weighted=grain_freq is not None)

    def _period_map(self, table: str, col: str, grain_freq: str | None, fys: int) -> str:
        key = (table, col, grain_freq, fys)
        if key not in self._maps:
            c = d.ident(col)
            texts = [r[0] for r in self._con.execute(
                f"SELECT DISTINCT CAST({c} AS VARCHAR) FROM {d.ident(self._source[table])} "
                f"WHERE {c} IS NOT NULL").fetchall()]
            pm = period_map(sorted(texts), grain_freq, fys)
            self._maps[key] = self._register(pm.rename(columns=lambda n: f"_p_{n}"))
        return self._maps[key]

    def _end_sql(self, table: str, end: str | None, fys: int) -> tuple[str, str | None]:
        """(extra join, SQL) of a stock's end column; a period text stands for its first day."""
        if not end:
            return "", None
        if self.columns(table).kinds.get(end) == "date":
            return "", d.ident(end)
        name = self._period_map(table, end, None, fys)
        alias = f"_e{next(self._names)}"
        return (f" LEFT JOIN (SELECT _p_txt AS {alias}_txt, _p_d AS {alias}_d FROM {name}) {alias} "
                f"ON CAST({d.ident(end)} AS VARCHAR) = {alias}_txt"), f"{alias}_d"

    # ---- the API ----------------------------------------------------------------------------
    def per_period(self, measures: Iterable[Measure], periods: list[pd.Period], by: str | None = None,
                   fiscal_year_start: int = 1) -> dict[str, pd.DataFrame]:
        """Each measure per period (rows) and member of `by` (columns; a single "" without `by`)."""
        index = pd.PeriodIndex(periods)
        freq = index.freqstr
        spans = [(p.start_time, p.end_time) for p in periods]
        out: dict[str, pd.DataFrame] = {}
        ms = list(measures)
        plain = [m for m in ms if m.is_flow and m.window is None]
        for group in self._flow_groups(plain, freq):
            out.update(self._flows(group, spans, freq, by, fiscal_year_start, listed=bool(by)))
        for m in (m for m in ms if m.is_flow and m.window is not None):
            out.update(self._flows([m], [window_span(p, m.window) for p in periods], freq, by, fiscal_year_start,
                                   listed=False))
        stocks = [m for m in ms if m.agg == "stock"]
        for _, grp in itertools.groupby(sorted(stocks, key=_stock_key), key=_stock_key):
            out.update(self._stocks(list(grp), periods, by, fiscal_year_start))
        for m in (m for m in ms if m.agg == "last"):
            out.update(self._last(m, periods, by, fiscal_year_start))
        for mid, frame in out.items():
            frame.index = index
            frame.index.name = "period"
            frame.columns.name = "member" if by else None
        return {m.id: out[m.id] for m in ms}

    def per_span(self, measures: Iterable[Measure], spans: list[Span], periods: list[pd.Period],
                 fiscal_year_start: int = 1) -> dict[str, np.ndarray]:
        """Each flow measure over arbitrary date spans (year to date, trailing windows), one value
        a span; `periods` gives the report grain for splitting period-dated rows."""
        ms = list(measures)
        for m in ms:
            if not m.is_flow:
                raise ValueError(f"measure {m.id!r} is not a flow; spans apply to flows only")
        freq = pd.PeriodIndex(periods).freqstr
        out: dict[str, np.ndarray] = {}
        for group in self._flow_groups(ms, freq):
            for mid, frame in self._flows(group, spans, freq, None, fiscal_year_start, listed=False).items():
                out[mid] = frame[""].to_numpy(dtype="float64")
        return {m.id: out[m.id] for m in ms}

    # ---- one query per table and grouping ---------------------------------------------------
    def _flow_groups(self, ms: list[Measure], freq: str) -> list[list[Measure]]:
        """Measures that share a query: same table, date column and (for period texts) split."""
        def key(m: Measure) -> tuple[str, str, bool]:
            text_dated = self.columns(m.table).kinds.get(m.date) != "date"
            return m.table, m.date, text_dated and m.agg == "sum"
        groups: dict[tuple[str, str, bool], list[Measure]] = {}
        for m in ms:
            groups.setdefault(key(m), []).append(m)
        return list(groups.values())

    def _flows(self, ms: list[Measure], spans: list[Span], freq: str, by: str | None, fys: int,
               listed: bool) -> dict[str, pd.DataFrame]:
        m0 = ms[0]
        cols = self.columns(m0.table)
        split = cols.kinds.get(m0.date) != "date" and m0.agg == "sum"
        src = self._dated(m0.table, m0.date, freq if split else None, fys)
        rel = self._register(spans_frame(spans).rename(columns=lambda n: f"_s_{n}"))
        res = self._frame(q.flows(ms, cols, src, by, rel))
        self._con.unregister(rel)
        have = None
        if listed and by:
            have = self._frame(q.members(ms, cols, src, by))
        return {m.id: _grid(res, i, len(spans), by, have, m.agg in _FILLED[:3]) for i, m in enumerate(ms)}

    def _stocks(self, ms: list[Measure], periods: list[pd.Period], by: str | None,
                fys: int) -> dict[str, pd.DataFrame]:
        m0 = ms[0]
        cols = self.columns(m0.table)
        src = self._dated(m0.table, m0.date, None, fys)
        join, end_sql = self._end_sql(m0.table, m0.end, fys)
        src = q.Dated(src.from_sql + join, src.date_sql)
        rel = self._register(spans_frame([(p.start_time, p.end_time) for p in periods], m0.as_of)
                             .rename(columns=lambda n: f"_s_{n}"))
        res = self._frame(q.stocks(ms, cols, src, end_sql, m0.as_of, by, rel))
        self._con.unregister(rel)
        return {m.id: _grid(res, i, len(periods), by, None, True) for i, m in enumerate(ms)}

    def _last(self, m: Measure, periods: list[pd.Period], by: str | None, fys: int) -> dict[str, pd.DataFrame]:
        cols = self.columns(m.table)
        src = self._dated(m.table, m.date, None, fys)
        rel = self._register(spans_frame([(p.start_time, p.end_time) for p in periods], m.as_of)
                             .rename(columns=lambda n: f"_s_{n}"))
        res = self._frame(q.last(m, cols, src, by, rel, ordered=cols.has(q.ROW)))
        self._con.unregister(rel)
        return {m.id: _grid(res, 0, len(periods), by, None, True)}


def _stock_key(m: Measure) -> tuple[str, str, str, str]:
    return m.table, m.date, m.end or "", m.as_of


def _grid(res: pd.DataFrame, i: int, n: int, by: str | None, have: pd.DataFrame | None,
          filled: bool) -> pd.DataFrame:
    """Measure i's answer as an n x members frame. Members: without `by` the one column "";
    with `have` (the members query) those with counted rows at any date; else those with
    counted rows in the answer."""
    counted = res[res[f"n{i}"] > 0]
    if not by:
        members = [""]
    elif have is not None:
        members = sorted(have.loc[have[f"n{i}"] > 0, "_member"].astype(str))
    else:
        members = sorted(set(counted["_member"].astype(str)))
    values = np.full((n, len(members)), np.nan)
    if len(counted) and members:
        pos = {name: k for k, name in enumerate(members)}
        cols = counted["_member"].astype(str).map(pos).to_numpy()
        rows = counted["_idx"].to_numpy(dtype=np.int64)
        ok = ~pd.isna(cols)
        values[rows[ok], cols[ok].astype(np.int64)] = counted[f"a{i}"].to_numpy(dtype="float64", na_value=np.nan)[ok]
    if filled:
        values = np.where(np.isnan(values), 0.0, values)
    return pd.DataFrame(values, columns=pd.Index(members, dtype=object))
