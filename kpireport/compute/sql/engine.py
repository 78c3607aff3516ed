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
from functools import partial

import duckdb
import numpy as np
import pandas as pd

from ...calendars import Calendar
from ...catalog.model import Measure
from ...dataset import Dataset
from ...duck import connect
from ...ranges import is_range
from . import dialect as d
from . import queries as q
from .compiler import Columns, kind_of, nonblank
from .frames import Span, period_map, span_days, spans_frame

_ZERO_WHEN_EMPTY = ("sum", "count", "nunique")  # flows; min, max and mean have no value without rows


class MeasureEngine:
    """The report's tables on one DuckDB connection, answering measures per period or per span.

    `views` maps a canonical table name to a SQL SELECT over the registered tables (joins of
    related tables); measures of that table then read the view, and the columns it "has" are
    the view's. `con` is a connection that already holds what the views read (a source's
    relations, sources/): every measure then runs there, and only aggregates come back.
    """

    @classmethod
    def for_dataset(cls, dataset: Dataset, calendar: Calendar | None = None) -> MeasureEngine:
        """The engine for a report's tables: registered frames, plus the views of tables that
        stay where the data lives (Dataset.pushed)."""
        pushed = dataset.pushed
        if pushed is None:
            return cls(dataset.tables, calendar=calendar)
        frames = {n: df for n, df in dataset.tables.items() if n not in pushed.views}
        return cls(frames, {n: f"SELECT * FROM {d.ident(v)}" for n, v in pushed.views.items()}, pushed.con,
                   calendar=calendar, clean=pushed.views)

    def __init__(self, tables: Mapping[str, pd.DataFrame], views: Mapping[str, str] | None = None,
                 con: duckdb.DuckDBPyConnection | None = None, calendar: Calendar | None = None,
                 clean: Iterable[str] = ()) -> None:
        self.calendar = calendar or Calendar()  # where each report period lies in real time
        # views whose text is trimmed and never blank (a source's typed views: sources/load.py)
        self._clean = frozenset(clean)
        self._con = con if con is not None else connect()
        self._names = itertools.count()
        self._source: dict[str, str] = {}
        self._frames: dict[str, pd.DataFrame] = {}  # the registered tables that no view replaces
        for name, df in tables.items():
            # the row order rides along for ties in `last` (a column of 8 bytes a row, no copy of the others)
            self._frames[name] = df.assign(**{q.ROW: np.arange(len(df), dtype=np.int64)})
            self._con.register(name, self._frames[name])
            self._source[name] = name
        for name, sql in (views or {}).items():
            view = f"_view_{name}"
            self._con.execute(f"CREATE OR REPLACE TEMP VIEW {d.ident(view)} AS {sql}")
            self._source[name] = view
            self._frames.pop(name, None)
        self._columns: dict[str, Columns] = {}
        self._date_only: dict[tuple[str, str], bool] = {}
        self._keys: dict[tuple[str, str], tuple[str, bool]] = {}
        self._distinct: dict[tuple[str, str], list[str]] = {}
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
            self._columns[table] = Columns(kinds, partial(self._is_date_only, table),
                                           partial(self._text_hits, table), partial(self._codes, table),
                                           partial(self._key_info, table), table in self._clean)
        return self._columns[table]

    def _is_date_only(self, table: str, col: str) -> bool:
        """No value of the column has a time of day (a due date, not a timestamp)."""
        if (table, col) not in self._date_only:
            c = d.ident(col)
            sql = f"SELECT COUNT(*) FILTER (WHERE {c} <> {d.day_of(c)}) FROM {d.ident(self._source[table])}"
            self._date_only[(table, col)] = self._con.execute(sql).fetchall()[0][0] == 0
        return self._date_only[(table, col)]

    def _codes(self, table: str, col: str, key: bool) -> str | None:
        """An integer code column for a text column of a registered table, added once (the thin
        preparation step for distinct counts): equal texts get equal codes, an empty cell (and,
        for a key, a blank one) none. None for views and non-text columns."""
        df = self._frames.get(table)
        if df is None or col not in df.columns or self.columns(table).kinds.get(col) != "text":
            return None
        name = f"__{'key' if key else 'val'}_{col}"
        if name not in df.columns:
            codes, uniques = pd.factorize(df[col])
            codes = pd.array(codes, dtype="Int64")
            blank = codes < 0
            if key:
                blank |= pd.Index(uniques).astype(str).str.strip().to_numpy()[np.maximum(codes.to_numpy(
                    dtype=np.int64, na_value=0), 0)] == ""
            codes[blank] = pd.NA
            self._frames[table] = df = df.assign(**{name: codes})
            self._con.unregister(table)
            self._con.register(table, df)
            self._columns.pop(table, None)
        return name

    def _key_info(self, table: str, col: str) -> tuple[str, bool]:
        """(SQL true where the key column names an entity, whether every entity has one row).

        A registered table's key is encoded once (`_codes`: blank keys get no code), which also
        tells whether any key repeats; a view's key is asked of the engine."""
        if (table, col) not in self._keys:
            code = self._codes(table, col, True)
            if code is not None:
                codes = self._frames[table][code]
                present = f"({d.ident(code)} IS NOT NULL)"
                unique = bool(codes.nunique() == codes.notna().sum())
            else:
                c = d.ident(col)
                present = nonblank(c, table in self._clean)
                # keys seen twice, by GROUP BY: unlike COUNT(DISTINCT), it spills to disk under a
                # memory limit (a hundred million order ids do not fit in two gigabytes)
                unique = not self._con.execute(
                    f"SELECT COUNT(*) FROM (SELECT {c} FROM {d.ident(self._source[table])} "
                    f"WHERE {present} GROUP BY {c} HAVING COUNT(*) > 1) g").fetchall()[0][0]
            self._keys[(table, col)] = (present, unique)
        return self._keys[(table, col)]

    def _text_hits(self, table: str, col: str, wanted: tuple[str, ...]) -> list[str]:
        """The column's spellings that are one of `wanted` once trimmed and lower-cased, found
        over its distinct values (a status column has a handful; a million rows need not be trimmed)."""
        if (table, col) not in self._distinct:
            c = d.ident(col)
            self._distinct[(table, col)] = [str(r[0]) for r in self._con.execute(
                f"SELECT DISTINCT {c} FROM {d.ident(self._source[table])} WHERE {c} IS NOT NULL").fetchall()]
        return sorted(v for v in self._distinct[(table, col)] if v.strip().lower() in wanted)

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
        freq = _split_freq(periods)
        out: dict[str, pd.DataFrame] = {}
        ms = list(measures)
        plain = [m for m in ms if m.is_flow and m.window is None]
        for group in self._flow_groups(plain):
            out.update(self._periods(group, periods, freq, by, fiscal_year_start))
        for m, window in ((m, m.window) for m in ms if m.is_flow and m.window is not None):
            out.update(self._spans([m], [self.calendar.window(p, window) for p in periods], freq, by,
                                   fiscal_year_start))
        stocks = [m for m in ms if m.agg == "stock"]
        for _, grp in itertools.groupby(sorted(stocks, key=_stock_key), key=_stock_key):
            out.update(self._stocks(list(grp), periods, by, fiscal_year_start))
        for m in (m for m in ms if m.agg == "last"):
            out.update(self._last(m, periods, by, fiscal_year_start))
        for frame in out.values():
            frame.index = index
            frame.index.name = "period"
            frame.columns.name = "member" if by else None
        return {m.id: out[m.id] for m in ms}

    def per_span(self, measures: Iterable[Measure], spans: list[Span], periods: list[pd.Period],
                 fiscal_year_start: int = 1) -> dict[str, np.ndarray]:
        """Each flow measure over spans of whole days (year to date, trailing windows), one value
        a span; `periods` gives the report grain for splitting period-dated rows."""
        ms = list(measures)
        for m in ms:
            if not m.is_flow:
                raise ValueError(f"measure {m.id!r} is not a flow; spans apply to flows only")
        freq = _split_freq(periods)
        out: dict[str, np.ndarray] = {}
        for group in self._flow_groups(ms):
            for mid, frame in self._spans(group, spans, freq, None, fiscal_year_start).items():
                out[mid] = frame[""].to_numpy(dtype="float64")
        return {m.id: out[m.id] for m in ms}

    # ---- one query per table and grouping ---------------------------------------------------
    def _flow_groups(self, ms: list[Measure]) -> list[list[Measure]]:
        """Measures that share a query: same table, date column and (for period texts) split."""
        groups: dict[tuple[str, str, bool], list[Measure]] = {}
        for m in ms:
            text_dated = self.columns(m.table).kinds.get(m.date) != "date"
            groups.setdefault((m.table, m.date, text_dated and m.agg == "sum"), []).append(m)
        return list(groups.values())

    def _flow_source(self, m: Measure, freq: str, fys: int) -> q.Dated:
        split = self.columns(m.table).kinds.get(m.date) != "date" and m.agg == "sum"
        return self._dated(m.table, m.date, freq if split else None, fys)

    def _periods(self, ms: list[Measure], periods: list[pd.Period], freq: str, by: str | None,
                 fys: int) -> dict[str, pd.DataFrame]:
        """Flows per report period: each row's period is arithmetic on its month (a whole range
        is one bucket, its dates bounding it; Solar Hijri months, of 29 to 31 days, are spans of
        their real days). With `by`, members with data at any date are listed."""
        cols = self.columns(ms[0].table)
        src = self._flow_source(ms[0], freq, fys)
        if self.calendar.persian and not is_range(periods[0]):  # months of unequal length: by their days
            have = self._frame(q.listing(ms, cols, src, by)) if by and cols.has(by) else None
            return self._spans(ms, [self.calendar.span(p) for p in periods], freq, by, fys, have)
        if is_range(periods[0]):
            if len(periods) != 1:
                raise ValueError("a whole range is computed on its own, not beside other periods")
            pos, bucket = [0], "0"
        else:
            months = _MONTHS[freq[0]]
            origin = min(_month(p.start_time) for p in periods)
            pos = [(_month(p.start_time) - origin) // months for p in periods]
            bucket = q.period_bucket(src.date_sql, origin, months)
        first = d.timestamp(min(self.calendar.start(p) for p in periods))
        last = d.timestamp(max(self.calendar.end(p) for p in periods))
        res = self._frame(q.periods(ms, cols, src, by, bucket, min(pos), max(pos), first, last))
        have = self._frame(q.listing(ms, cols, src, by)) if by and cols.has(by) else None
        rows = {b: [i for i, x in enumerate(pos) if x == b] for b in set(pos)}
        return {m.id: _grid(res, i, len(periods), by, m.agg in _ZERO_WHEN_EMPTY, "_b", rows, have)
                for i, m in enumerate(ms)}

    def _spans(self, ms: list[Measure], spans: list[Span], freq: str, by: str | None,
               fys: int, have: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
        """Flows over spans of whole days that may overlap (`have`: the members to list, see _grid)."""
        cols = self.columns(ms[0].table)
        src = self._flow_source(ms[0], freq, fys)
        sf, gf = span_days(spans)
        srel = self._register(sf.rename(columns=lambda n: f"_s_{n}"))
        grel = self._register(gf.rename(columns=lambda n: f"_g_{n}"))
        res = self._frame(q.spans(ms, cols, src, by, srel, grel))
        self._con.unregister(srel)
        self._con.unregister(grel)
        return {m.id: _grid(res, i, len(spans), by, m.agg in _ZERO_WHEN_EMPTY, have=have) for i, m in enumerate(ms)}

    def _stocks(self, ms: list[Measure], periods: list[pd.Period], by: str | None,
                fys: int) -> dict[str, pd.DataFrame]:
        m0 = ms[0]
        cols = self.columns(m0.table)
        src = self._dated(m0.table, m0.date, None, fys)
        join, end_sql = self._end_sql(m0.table, m0.end, fys)
        src = q.Dated(src.from_sql + join, src.date_sql)
        rel = self._register(spans_frame([self.calendar.span(p) for p in periods], m0.as_of)
                             .rename(columns=lambda n: f"_s_{n}"))
        res = self._frame(q.stocks(ms, cols, src, end_sql, m0.as_of, by, rel))
        self._con.unregister(rel)
        return {m.id: _grid(res, i, len(periods), by, True) for i, m in enumerate(ms)}

    def _last(self, m: Measure, periods: list[pd.Period], by: str | None, fys: int) -> dict[str, pd.DataFrame]:
        cols = self.columns(m.table)
        src = self._dated(m.table, m.date, None, fys)
        rel = self._register(spans_frame([self.calendar.span(p) for p in periods], m.as_of)
                             .rename(columns=lambda n: f"_s_{n}"))
        res = self._frame(q.last(m, cols, src, by, rel, ordered=cols.has(q.ROW)))
        self._con.unregister(rel)
        return {m.id: _grid(res, 0, len(periods), by, True)}


def _split_freq(periods: list[pd.Period]) -> str:
    """The frequency rows dated by a period text are split by: the report's, months in a range."""
    return "M" if is_range(periods[0]) else pd.PeriodIndex(periods).freqstr


def _stock_key(m: Measure) -> tuple[str, str, str, str]:
    return m.table, m.date, m.end or "", m.as_of


def _month(ts: pd.Timestamp) -> int:
    return ts.year * 12 + ts.month - 1


_MONTHS = {"M": 1, "Q": 3, "Y": 12, "A": 12}  # months per report period, by frequency letter


def _grid(res: pd.DataFrame, i: int, n: int, by: str | None, filled: bool, at: str = "_idx",
          rows_of: dict[int, list[int]] | None = None, have: pd.DataFrame | None = None) -> pd.DataFrame:
    """Measure i's answer as an n x members frame. `at` names the answer's row column, mapped
    to output rows by `rows_of` (identity without). Members: the one column "" without `by`;
    with `have` (the listing query) those with counted rows at any date; else those with
    counted rows in the answer."""
    counted = res[res[f"n{i}"].fillna(0) > 0]
    if not by:
        members = [""]
    elif have is not None:
        members = sorted(set(have.loc[have[f"n{i}"].fillna(0) > 0, "_member"].astype(str)))
    else:
        members = sorted(set(counted["_member"].astype(str)))
    values = np.full((n, len(members)), np.nan)
    if len(counted) and members:
        pos = {name: k for k, name in enumerate(members)}
        col = counted["_member"].astype(str).map(pos).to_numpy()
        val = counted[f"a{i}"].to_numpy(dtype="float64", na_value=np.nan)
        for b, c, v in zip(counted[at].to_numpy(dtype=np.int64), col, val, strict=True):
            for r in (rows_of.get(int(b), ()) if rows_of is not None else (int(b),)):
                values[r, int(c)] = v
    if filled:
        values = np.where(np.isnan(values), 0.0, values)
    return pd.DataFrame(values, columns=pd.Index(members, dtype=object))
