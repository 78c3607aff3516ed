"""The three query shapes every measure falls into, written as plain SQL text.

- flows: rows dated inside a span (a report period, a year to date, a trailing window),
  all measures of one table and date column at once, one aggregate with a FILTER clause each;
- stocks: rows active at an instant (started, not yet ended), likewise all at once;
- last: per group, the latest value on or before the instant, the groups added up.

Each query returns one row per (span index `_idx`, member `_member`) with a column `a<i>`
(the value) and `n<i>` (how many rows counted, to know which members have data) per measure.
Distinct counts with `min_count` or a `key` need a count per value first; they are a second
level of aggregation in a CTE of the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...catalog.model import Measure
from . import dialect as d
from .compiler import Columns, member_sql, nonblank, where_sql

ROW = "__row"  # the original row order, for ties between equal dates in `last`


@dataclass(frozen=True)
class Dated:
    """Where a table's rows get their date: the FROM clause (with a join to a period-text map
    when the column holds period texts) and the SQL of the date; `weighted` when values are
    split over report periods (multiplied by _p_dq / _p_total)."""

    from_sql: str
    date_sql: str
    weighted: bool = False


def _parts(ms: list[Measure], cols: Columns, env: dict[str, str], weighted: bool) -> list[tuple[str | None, str]]:
    """Per measure: (value SQL or None, condition SQL)."""
    from .compiler import measure_value

    out = []
    for m in ms:
        v = measure_value(m, cols, env)
        if v is not None and weighted and m.agg == "sum":
            v = f"(({v} * _p_dq) / _p_total)"
        out.append((v, where_sql(m, cols)))
    return out


def _key(m: Measure, cols: Columns) -> str | None:
    return d.ident(m.key) if m.key and cols.has(m.key) else None


def _distinct_by_key(m: Measure, cols: Columns) -> bool:
    """A distinct count that needs a count per value first (min_count, or values counted by key)."""
    return m.agg == "nunique" and (m.min_count > 1 or _key(m, cols) is not None)


def _base(ms: list[Measure], cols: Columns, src: Dated, by: str | None, spans: str | None, split: bool,
          env: dict[str, str]) -> str:
    """The rows with their span, member, and per measure its value _v<i>, condition _f<i>, key _k<i>."""
    member = member_sql(by, cols)
    if split and by in d.MULTI_VALUED and cols.has(by):
        member = d.split_members(member)
    items = [f"{member} AS _member"]
    for i, (m, (v, f)) in enumerate(zip(ms, _parts(ms, cols, env, src.weighted), strict=True)):
        items.append(f"{f} AS _f{i}")
        items.append(f"{v if v is not None else 'NULL'} AS _v{i}")
        if (k := _key(m, cols)) is not None:
            items.append(f"{k} AS _k{i}")
    if spans is None:
        return f"SELECT {', '.join(items)} FROM {src.from_sql} WHERE {src.date_sql} IS NOT NULL"
    items.insert(0, "_s_idx AS _idx")
    return (f"SELECT {', '.join(items)} FROM {src.from_sql} "
            f"JOIN {spans} ON {src.date_sql} BETWEEN _s_lo AND _s_hi")


def _counted(i: int, m: Measure, has_value: bool) -> str:
    """The rows measure i counts: its conditions, and a value where it reads one."""
    return f"_f{i} AND _v{i} IS NOT NULL" if has_value else f"_f{i}"


def _aggregate(i: int, m: Measure, cols: Columns, has_value: bool) -> str:
    rows = _counted(i, m, has_value)
    if m.agg == "count":
        if _key(m, cols) is not None:
            return f"COUNT(DISTINCT _k{i}) FILTER (WHERE {rows} AND {nonblank(f'_k{i}')})"
        return f"COUNT(*) FILTER (WHERE {rows})"
    if m.agg == "nunique":
        return f"COUNT(DISTINCT _v{i}) FILTER (WHERE {rows})"
    if m.agg in ("sum", "stock", "last"):
        return f"{d.exact_sum(f'_v{i}')} FILTER (WHERE {rows})" if has_value else f"COUNT(*) FILTER (WHERE {rows})"
    if m.agg == "mean":
        return f"({d.exact_sum(f'_v{i}')} FILTER (WHERE {rows}) / COUNT(*) FILTER (WHERE {rows}))"
    return f"{m.agg.upper()}(_v{i}) FILTER (WHERE {rows})"  # min, max


def flows(ms: list[Measure], cols: Columns, src: Dated, by: str | None, spans: str) -> str:
    """All flow measures of one table and date column over the spans, grouped by span and member."""
    has = [v is not None for v, _ in _parts(ms, cols, {}, src.weighted)]
    aggs = ["_idx", "_member"]
    ctes = [f"base AS ({_base(ms, cols, src, by, spans, True, {})})"]
    joins = []
    for i, m in enumerate(ms):
        aggs.append(f"COUNT(*) FILTER (WHERE {_counted(i, m, has[i])}) AS n{i}")
        if _distinct_by_key(m, cols):
            times = (f"COUNT(DISTINCT CASE WHEN {nonblank(f'_k{i}')} THEN _k{i} END)" if _key(m, cols) is not None
                     else "COUNT(*)")
            ctes.append(f"mc{i} AS (SELECT _idx, _member, COUNT(*) AS a FROM (SELECT _idx, _member FROM base "
                        f"WHERE {_counted(i, m, True)} GROUP BY _idx, _member, _v{i} "
                        f"HAVING {times} >= {int(m.min_count)}) g GROUP BY _idx, _member)")
            joins.append(i)
        else:
            aggs.append(f"{_aggregate(i, m, cols, has[i])} AS a{i}")
    ctes.append(f"agg AS (SELECT {', '.join(aggs)} FROM base GROUP BY _idx, _member)")
    select = ["agg.*"] + [f"mc{i}.a AS a{i}" for i in joins]
    on = " ".join(f"LEFT JOIN mc{i} ON agg._idx = mc{i}._idx AND agg._member = mc{i}._member" for i in joins)
    return f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM agg {on}"


def members(ms: list[Measure], cols: Columns, src: Dated, by: str) -> str:
    """Per member (over all dates), how many rows each measure counts: a breakdown lists every
    member with data in any period, 0 in the periods where it had none."""
    # a value is needed where it is a column; rows of a row expression count even where it has
    # none (a ticket without a response still lists its agent)
    has = [m.column is not None and m.agg != "count" for m in ms]
    counts = [f"COUNT(*) FILTER (WHERE {_counted(i, m, has[i])}) AS n{i}" for i, m in enumerate(ms)]
    return f"SELECT _member, {', '.join(counts)} FROM ({_base(ms, cols, src, by, None, True, {})}) b GROUP BY _member"


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
           spans: str) -> str:
    """All stock measures of one table with the same start, end and instant, per span and member."""
    env = stock_env(as_of)
    join, keep = _active(src.date_sql, end_sql, as_of)
    member = member_sql(by, cols)
    parts = _parts(ms, cols, env, False)
    aggs = []
    for i, (m, (v, f)) in enumerate(zip(ms, parts, strict=True)):
        aggs.append(f"COUNT(*) FILTER (WHERE {f}) AS n{i}")
        aggs.append(f"{d.exact_sum(v)} FILTER (WHERE {f} AND {v} IS NOT NULL) AS a{i}" if v is not None
                    else f"COUNT(*) FILTER (WHERE {f}) AS a{i}")
    return (f"SELECT _s_idx AS _idx, {member} AS _member, {', '.join(aggs)} FROM {src.from_sql} "
            f"JOIN {spans} ON {join} WHERE {keep} GROUP BY _s_idx, {member}")


def last(m: Measure, cols: Columns, src: Dated, by: str | None, spans: str, ordered: bool) -> str:
    """The latest value per (member, `m.by` group) at each instant, the groups added up.
    Equal dates: the row further down the table wins (`ordered`: the table has its row order)."""
    env = stock_env(m.as_of)
    join, _ = _active(src.date_sql, None, m.as_of)
    member = member_sql(by, cols)
    group = f"COALESCE(CAST({d.ident(m.by)} AS VARCHAR), {d.text(d.BLANK)})" if cols.has(m.by) else "''"
    v = _parts([m], cols, env, False)[0][0] or "1.0"
    f = where_sql(m, cols)
    tie = f", {d.ident(ROW)} DESC" if ordered else f", {v} DESC"
    rank = (f"ROW_NUMBER() OVER (PARTITION BY _s_idx, {member}, {group} "
            f"ORDER BY {src.date_sql} DESC{tie})")
    base = (f"SELECT _s_idx AS _idx, {member} AS _member, {v} AS _v, {rank} AS _rn FROM {src.from_sql} "
            f"JOIN {spans} ON {join} WHERE {f} AND {v} IS NOT NULL")
    return (f"SELECT _idx, _member, {d.exact_sum('_v')} AS a0, COUNT(*) AS n0 FROM ({base}) b "
            f"WHERE _rn = 1 GROUP BY _idx, _member")
