"""The query shapes every measure falls into, written as plain SQL text.

- periods: flow rows put in their report period by arithmetic on the date (report periods are
  whole months), all measures of one table and date column in one aggregate with a FILTER
  clause each; exact per period (a compensated sum over the period's own rows);
- spans (year to date, trailing windows; they overlap): sums, counts, min, max and means
  from per-day partials added up per span; distinct counts from each value's first days
  (see `_distinct_in_spans`), so no row is joined to every span holding it;
- stocks: rows active at an instant (started, not yet ended), likewise all at once;
- last: per group, the latest value on or before the instant, the groups added up.

Each query returns one row per (bucket `_b` or span `_idx`, member `_member`) with a column
`a<i>` (the value) and `n<i>` (how many rows counted, to know which members have data) per
measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...catalog.model import Measure
from . import dialect as d
from .compiler import Columns, MeasureSQLError, measure_value, member_sql, nonblank, where_sql

ROW = "__row"  # the original row order, for ties between equal dates in `last`


@dataclass(frozen=True)
class Dated:
    """Where a table's rows get their date: the FROM clause (with a join to a period-text map
    when the column holds period texts) and the SQL of the date; `weighted` when values are
    split over report periods (multiplied by _p_dq / _p_total)."""

    from_sql: str
    date_sql: str
    weighted: bool = False


def _key(m: Measure, cols: Columns) -> tuple[str | None, str] | None:
    """(SQL of the measure's entity key, SQL true where the key names an entity), or None when
    the table has no such column. The key SQL is None when no entity has two rows (a table at
    order grain): counting distinct keys is then counting the rows that have one."""
    if not (m.key and cols.has(m.key)):
        return None
    present, unique = cols.key(m.key) if cols.key is not None else (nonblank(d.ident(m.key), cols.clean), False)
    if unique:
        return None, present
    code = cols.codes(m.key, True) if cols.codes is not None else None
    if code is not None:
        return d.ident(code), f"({d.ident(code)} IS NOT NULL)"
    return d.ident(m.key), present


def is_distinct(m: Measure, cols: Columns) -> bool:
    """Counted per distinct value (or key), so partial counts cannot be added up."""
    k = _key(m, cols)
    return m.agg == "nunique" or (m.agg == "count" and k is not None and k[0] is not None)


class _Rows:
    """The rows of one query: bucket, member, and per measure its condition, value and key, each
    distinct SQL expression computed once (measures of a table share their status filter)."""

    def __init__(self, ms: list[Measure], cols: Columns, src: Dated, by: str | None, env: dict[str, str],
                 split: bool = True) -> None:
        self.ms, self.cols, self.src = ms, cols, src
        member = member_sql(by, cols)
        if split and by in d.MULTI_VALUED and cols.has(by):
            member = d.split_members(member)
        self.member = member
        self.exprs: dict[str, str] = {}  # SQL -> alias
        self.f: list[str] = []
        self.v: list[str | None] = []
        self.k: list[str | None] = []
        self.kp: list[str] = []  # the key names an entity (TRUE without a key)
        for m in ms:
            v = measure_value(m, cols, env)
            if v is not None and src.weighted and m.agg == "sum":
                v = f"(({v} * _p_dq) / _p_total)"
            k = _key(m, cols)
            where = where_sql(m, cols)
            if k is not None and k[0] is None:  # one row per entity: count the rows with a key
                where = f"{where} AND {k[1]}"
            elif k is not None and k[0] is not None and m.agg == "sum":  # each entity's value once, from its first row
                where = self._first_of_key(f"{where} AND {k[1]}", k[0], cols)
                k = None
            self.f.append(self._alias(where, "_c"))
            self.v.append(self._alias(v, "_x") if v is not None else None)
            key, present = k if k is not None else (None, "TRUE")
            self.k.append(self._alias(key, "_k") if key is not None else None)
            self.kp.append(self._alias(present, "_c") if key is not None else "TRUE")

    def _first_of_key(self, where: str, key: str, cols: Columns) -> str:
        """`where`, true only on the first row of each key (and member) that it holds for."""
        by = [key, f"({where})"] + ([self.member] if "UNNEST" not in self.member.upper() else [])
        order = f" ORDER BY {d.ident(ROW)}" if cols.has(ROW) else ""
        return f"(({where}) AND ROW_NUMBER() OVER (PARTITION BY {', '.join(by)}{order}) = 1)"

    def _alias(self, sql: str, prefix: str) -> str:
        if sql not in self.exprs:
            self.exprs[sql] = f"{prefix}{len(self.exprs)}"
        return self.exprs[sql]

    def value(self, i: int) -> str:
        """The value SQL of measure i, which reads one (a sum, mean or distinct count of values)."""
        v = self.v[i]
        if v is None:
            raise MeasureSQLError(f"measure {self.ms[i].id!r} ({self.ms[i].agg}) has no column or expression to read")
        return v

    def counted(self, i: int, value: bool | None = None) -> str:
        """The rows measure i counts: its conditions, and a value where it reads one."""
        has = self.v[i] is not None if value is None else value
        return f"{self.f[i]} AND {self.v[i]} IS NOT NULL" if has else self.f[i]

    def select(self, bucket: str, where: str = "TRUE", raw: list[str] | None = None) -> str:
        """The rows as a SELECT; `raw` columns are passed through as they are."""
        items = [f"{bucket} AS _b", f"{self.member} AS _member"] + [f"{sql} AS {a}" for sql, a in self.exprs.items()]
        items += [d.ident(c) for c in raw or []]
        return (f"SELECT {', '.join(items)} FROM {self.src.from_sql} "
                f"WHERE {self.src.date_sql} IS NOT NULL AND {where}")


def period_bucket(date_sql: str, origin_month: int, months: int) -> str:
    """The report period a date falls in, counted from the first report period."""
    return d.floor_div(f"{d.month_number(date_sql)} - {origin_month}", months)


def listing(ms: list[Measure], cols: Columns, src: Dated, by: str) -> str:
    """Per member, over all dates, how many rows each measure counts: a breakdown lists every
    member with data at any date (0 in the report periods where it had none). A value is needed
    where it is a column; rows of a row expression count even where it has none (a ticket
    without a response still lists its agent). Rows are grouped
    by the column as it is first, so only the groups' texts are trimmed or split."""
    r = _Rows(ms, cols, src, None, {})
    counts = [f"COUNT(*) FILTER (WHERE {r.counted(i, m.column is not None and m.agg != 'count')}) AS n{i}"
              for i, m in enumerate(ms)]
    inner = (f"SELECT {d.ident(by)}, {', '.join(counts)} FROM ({r.select('0', 'TRUE', raw=[by])}) x "
             f"GROUP BY {d.ident(by)}")
    member = member_sql(by, cols)
    if by in d.MULTI_VALUED:
        member = d.split_members(member)
    return f"SELECT {member} AS _member, {', '.join(f'n{i}' for i in range(len(ms)))} FROM ({inner}) g"


def periods(ms: list[Measure], cols: Columns, src: Dated, by: str | None, bucket: str, lo: int, hi: int,
            first: str, last: str) -> str:
    """All flow measures of one table and date column per report period (bucket lo..hi) and member.
    `first` / `last` bound the dates as SQL literals (a cheap filter before the arithmetic)."""
    r = _Rows(ms, cols, src, by, {})
    inside = f"{src.date_sql} BETWEEN {first} AND {last} AND {bucket} BETWEEN {lo} AND {hi}"
    # read twice (the aggregate and the distinct counts) rather than held: a hundred million rows
    # do not fit in the engine's memory limit
    ctes = [f"rows AS NOT MATERIALIZED ({r.select(bucket, inside)})"]
    aggs = ["_b", "_member"]
    distinct: dict[str, list[tuple[int, str, int]]] = {}  # value SQL -> (measure, per-value count, at least)
    for i, m in enumerate(ms):
        rows = r.counted(i)
        aggs.append(f"COUNT(*) FILTER (WHERE {rows}) AS n{i}")
        if m.agg == "nunique":
            times = (f"COUNT(DISTINCT {r.k[i]}) FILTER (WHERE {rows} AND {r.kp[i]})" if r.k[i]
                     else f"COUNT(*) FILTER (WHERE {rows})")
            distinct.setdefault(r.value(i), []).append((i, times, int(m.min_count)))
            continue
        if m.agg == "count" and (key := r.k[i]):
            distinct.setdefault(key, []).append((i, f"COUNT(*) FILTER (WHERE {rows} AND {r.kp[i]})", 1))
            continue
        if m.agg == "count":
            agg = f"COUNT(*) FILTER (WHERE {rows})"
        elif m.agg == "sum":
            agg = f"{d.exact_sum(r.value(i))} FILTER (WHERE {rows})"
        elif m.agg == "mean":
            agg = f"({d.exact_sum(r.value(i))} FILTER (WHERE {rows}) / COUNT(*) FILTER (WHERE {rows}))"
        else:
            agg = f"{m.agg.upper()}({r.v[i]}) FILTER (WHERE {rows})"
        aggs.append(f"{agg} AS a{i}")
    ctes.append(f"agg AS (SELECT {', '.join(aggs)} FROM rows GROUP BY _b, _member)")
    select, joins = ["agg.*"], []
    for j, (value, uses) in enumerate(distinct.items()):
        # distinct counts sharing a value (buyers, repeat buyers) from one count per value
        per_value = ", ".join(f"{times} AS c{i}" for i, times, _ in uses)
        counted = ", ".join(f"COUNT(*) FILTER (WHERE c{i} >= {least}) AS a{i}" for i, _, least in uses)
        ctes.append(f"dv{j} AS (SELECT _b, _member, {per_value} FROM rows WHERE {value} IS NOT NULL "
                    f"GROUP BY _b, _member, {value})")
        ctes.append(f"dc{j} AS (SELECT _b, _member, {counted} FROM dv{j} GROUP BY _b, _member)")
        select += [f"dc{j}.a{i}" for i, _, _ in uses]
        joins.append(f"LEFT JOIN dc{j} ON agg._b = dc{j}._b AND agg._member = dc{j}._member")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM agg {' '.join(joins)}"


def spans(ms: list[Measure], cols: Columns, src: Dated, by: str | None, spans_rel: str, groups_rel: str) -> str:
    """All flow measures of one table and date column over overlapping spans of whole days.

    `spans_rel` has (_s_idx, _s_lo, _s_hi, _s_g) in day numbers, `groups_rel` (_g_idx, _g_lo,
    _g_hi): the spans that start on the same day form a group. Sums are compensated sums of
    per-day compensated sums (the one place where a span's sum is not over its rows directly).

    A distinct count needs no row per span either: within a group (spans starting on day lo) a
    value counts in the span ending on day hi when its `min_count`-th row (or distinct key; a
    keyed count is the count of distinct keys) falls on or before hi. So each value gets that
    qualifying day once per group, and a span counts the values that qualified by its end.
    """
    r = _Rows(ms, cols, src, by, {})
    ctes = [f"rows AS NOT MATERIALIZED ({r.select(d.day_number(src.date_sql))})"]
    parts, combined, answers, names = [], [], [], []
    shared: dict[str, list[tuple[int, str, int]]] = {}  # value SQL -> (measure, its rows, n-th)
    for i, m in enumerate(ms):
        if is_distinct(m, cols):
            answers.append(i)
            if m.agg == "count" and (key := r.k[i]) is not None:  # distinct keys: each key's first day
                shared.setdefault(key, []).append((i, f"{r.counted(i, False)} AND {r.kp[i]}", 1))
            elif r.k[i] is None:  # each value's n-th row
                shared.setdefault(r.value(i), []).append((i, r.counted(i), int(m.min_count)))
            else:  # each value's n-th distinct key: the keys' first days first
                ctes.extend(_keyed_in_spans(i, m, r, groups_rel))
            continue
        rows = r.counted(i)
        names += [f"n{i}", f"a{i}"]
        parts.append(f"COUNT(*) FILTER (WHERE {rows}) AS n{i}")
        combined.append(f"SUM(n{i}) AS n{i}")
        if m.agg == "count":
            combined.append(f"SUM(n{i}) AS a{i}")
        elif m.agg in ("sum", "mean"):
            parts.append(f"{d.exact_sum(r.value(i))} FILTER (WHERE {rows}) AS p{i}")
            total = d.exact_sum(f"p{i}")
            combined.append(f"{total} AS a{i}" if m.agg == "sum" else f"({total} / NULLIF(SUM(n{i}), 0)) AS a{i}")
        else:
            parts.append(f"{m.agg.upper()}({r.v[i]}) FILTER (WHERE {rows}) AS p{i}")
            combined.append(f"{m.agg.upper()}(p{i}) AS a{i}")
    for j, (value, uses) in enumerate(shared.items()):
        # per value and group, the day each measure's value qualifies (its first, or n-th, row)
        days = ", ".join(f"{d.nth_smallest('_b', n, rows)} AS q{i}" for i, rows, n in uses)
        ctes.append(f"fv{j} AS (SELECT _g_idx, _member, {days} FROM rows JOIN {groups_rel} "
                    f"ON _b BETWEEN _g_lo AND _g_hi WHERE {value} IS NOT NULL GROUP BY _g_idx, _member, {value})")
        ctes += [f"q{i} AS (SELECT _g_idx, _member, q{i} AS _first FROM fv{j} WHERE q{i} IS NOT NULL)"
                 for i, _, _ in uses]
    ctes += [f"r{i} AS (SELECT _s_idx AS _idx, _member, COUNT(*) AS a FROM q{i} JOIN {spans_rel} "
             f"ON _s_g = _g_idx AND _first <= _s_hi GROUP BY _s_idx, _member)" for i in answers]
    keys = []
    if parts:
        ctes.append(f"part AS (SELECT _b, _member, {', '.join(parts)} FROM rows GROUP BY _b, _member)")
        ctes.append(f"comb AS (SELECT _s_idx AS _idx, _member, {', '.join(combined)} FROM part "
                    f"JOIN {spans_rel} ON _b BETWEEN _s_lo AND _s_hi GROUP BY _s_idx, _member)")
        keys.append("SELECT _idx, _member FROM comb")
    keys += [f"SELECT _idx, _member FROM r{i}" for i in answers]
    ctes.append(f"keys AS ({' UNION '.join(keys)})")
    select = ["keys._idx", "keys._member"]
    joins = []
    if parts:
        select += [f"comb.{n}" for n in names]
        joins.append("LEFT JOIN comb ON keys._idx = comb._idx AND keys._member = comb._member")
    for i in answers:
        select += [f"r{i}.a AS a{i}", f"r{i}.a AS n{i}"]
        joins.append(f"LEFT JOIN r{i} ON keys._idx = r{i}._idx AND keys._member = r{i}._member")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM keys {' '.join(joins)}"


def _keyed_in_spans(i: int, m: Measure, r: _Rows, groups_rel: str) -> list[str]:
    """The qualifying day of each value of a distinct count with a key (line-level data): the
    day its `min_count`-th distinct key first occurs in the group, from each key's first day."""
    grouped = f"_g_idx, _member, {r.v[i]}"
    firsts = (f"SELECT {grouped} AS _val, MIN(_b) AS _first FROM rows JOIN {groups_rel} ON _b BETWEEN _g_lo AND "
              f"_g_hi WHERE {r.counted(i)} AND {r.kp[i]} GROUP BY {grouped}, {r.k[i]}")
    nth = d.nth_smallest("_first", int(m.min_count))
    return [f"q{i} AS (SELECT _g_idx, _member, {nth} AS _first FROM ({firsts}) f "
            f"GROUP BY _g_idx, _member, _val HAVING {nth} IS NOT NULL)"]


def _active(start: str, end: str | None, as_of: str) -> tuple[str, str]:
    """(join condition, filter) for rows active at the instant _s_at: as of a period's start,
    started before it and not ended before it; as of its end, started by then and not ended."""
    if as_of == "start":
        return f"{start} < _s_at", f"({end} IS NULL OR {end} >= _s_at)" if end else "TRUE"
    return f"{start} <= _s_at", f"({end} IS NULL OR {end} > _s_at)" if end else "TRUE"


def stock_env(as_of: str) -> dict[str, str]:
    """What period_end / period_start mean in a stock's row expression: calendar days, so an open
    deal created on Jan 10 is 21 days old on Jan 31."""
    return {"period_end": "_s_day", "period_start": "_s_day" if as_of == "start" else "_s_lo"}


def stocks(ms: list[Measure], cols: Columns, src: Dated, end_sql: str | None, as_of: str, by: str | None,
           spans_rel: str) -> str:
    """All stock measures of one table with the same start, end and instant, per span and member."""
    join, keep = _active(src.date_sql, end_sql, as_of)
    member = member_sql(by, cols)
    aggs = []
    for i, m in enumerate(ms):
        v = measure_value(m, cols, stock_env(as_of))
        f = where_sql(m, cols)
        aggs.append(f"COUNT(*) FILTER (WHERE {f}) AS n{i}")
        aggs.append(f"{d.exact_sum(v)} FILTER (WHERE {f} AND {v} IS NOT NULL) AS a{i}" if v is not None
                    else f"COUNT(*) FILTER (WHERE {f}) AS a{i}")
    return (f"SELECT _s_idx AS _idx, {member} AS _member, {', '.join(aggs)} FROM {src.from_sql} "
            f"JOIN {spans_rel} ON {join} WHERE {keep} GROUP BY _s_idx, {member}")


def last(m: Measure, cols: Columns, src: Dated, by: str | None, spans_rel: str, ordered: bool) -> str:
    """The latest value per (member, `m.by` group) at each instant, the groups added up.
    Equal dates: the row further down the table wins (`ordered`: the table has its row order)."""
    join, _ = _active(src.date_sql, None, m.as_of)
    member = member_sql(by, cols)
    group = f"COALESCE(CAST({d.ident(m.by)} AS VARCHAR), {d.text(d.BLANK)})" if cols.has(m.by) else "''"
    v = measure_value(m, cols, stock_env(m.as_of)) or "1.0"
    tie = f", {d.ident(ROW)} DESC" if ordered else f", {v} DESC"
    rank = f"ROW_NUMBER() OVER (PARTITION BY _s_idx, {member}, {group} ORDER BY {src.date_sql} DESC{tie})"
    base = (f"SELECT _s_idx AS _idx, {member} AS _member, {v} AS _v, {rank} AS _rn FROM {src.from_sql} "
            f"JOIN {spans_rel} ON {join} WHERE {where_sql(m, cols)} AND {v} IS NOT NULL")
    return (f"SELECT _idx, _member, {d.exact_sum('_v')} AS a0, COUNT(*) AS n0 FROM ({base}) b "
            f"WHERE _rn = 1 GROUP BY _idx, _member")
