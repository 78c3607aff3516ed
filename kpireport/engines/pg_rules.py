"""DuckDB SQL as PostgreSQL SQL: sqlglot's translation plus the rules it cannot know.

sqlglot turns DuckDB's spellings into PostgreSQL's (STRFTIME -> TO_CHAR, DATE_DIFF -> date
arithmetic, QUALIFY -> a filtered subquery, LIST_FILTER -> ARRAY(SELECT ...)). What it cannot
translate, or translates into something with other answers, is rewritten on the parsed tree
first, each rule keeping DuckDB's result:

- FSUM(x): a compensated float sum. PostgreSQL sums NUMERIC exactly, so the sum of x as
  NUMERIC, rounded once to a double, is the correctly rounded sum (what math.fsum gives);
- LIST_EXTRACT(MIN(x, n) FILTER (WHERE w), n), the n-th smallest x: the n-th element of the
  sorted array of the non-NULL x (NULL when there are fewer);
- TRY_CAST(x AS DOUBLE / TIMESTAMP / DATE / BIGINT): PostgreSQL has no safe cast and sqlglot
  writes a plain CAST, which fails on the first unreadable text. The temporary functions
  `pg_temp.kp_try_*` (postgres.py) give NULL instead; they are overloaded per argument type, so
  a typed column is cast directly and only text goes through a check;
- ANY_VALUE(x) (PostgreSQL 16 and later): MIN(x), one of the values as well;
- ARG_MIN(a, b): the a of the row with the smallest b, as the first of a's ordered by b;
- LEN of a list: CARDINALITY (PostgreSQL's LENGTH is for text);
- a subquery in FROM without an alias (PostgreSQL 15 wants one): an alias;
- YEAR / MONTH / DAY (and EXTRACT of them): DATE_PART as a BIGINT, as DuckDB gives them
  (PostgreSQL's EXTRACT is a slow NUMERIC);
- GROUP BY a text constant (a measure without a dimension groups by the member ''): PostgreSQL
  refuses a bare constant there, so it becomes a cast of it (the same single group).

Statements that are not queries (DESCRIBE, CREATE OR REPLACE) are handled by the connection.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sqlglot
from sqlglot import exp

# TRY_CAST target -> the temporary function that casts safely to it (see postgres.py)
TRY_FUNCTIONS = {
    exp.DataType.Type.DOUBLE: "kp_try_double",
    exp.DataType.Type.FLOAT: "kp_try_double",
    exp.DataType.Type.TIMESTAMP: "kp_try_timestamp",
    exp.DataType.Type.TIMESTAMPNTZ: "kp_try_timestamp",
    exp.DataType.Type.DATE: "kp_try_date",
    exp.DataType.Type.BIGINT: "kp_try_bigint",
    exp.DataType.Type.INT: "kp_try_bigint",
}


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> str:
    """One DuckDB statement as PostgreSQL (cached: the engine asks the same shapes again)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    names = itertools.count()
    tree = tree.transform(lambda node: _rule(node, names), copy=False)
    return tree.sql(dialect="postgres")


def _rule(node: exp.Expression, names: itertools.count) -> exp.Expression:
    if isinstance(node, exp.Filter) and _is_fsum(node.this):
        return _double(exp.Filter(this=_exact_sum(node.this), expression=node.expression))
    if _is_fsum(node):
        return _double(_exact_sum(node))
    if isinstance(node, exp.Anonymous) and node.name.upper() == "LIST_EXTRACT":
        return _list_extract(node)
    if isinstance(node, exp.TryCast):
        return _try_cast(node)
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):  # DuckDB's ANY_VALUE
        return exp.Min(this=node.this.this)
    if isinstance(node, exp.AnyValue):
        return exp.Min(this=node.this)
    if isinstance(node, exp.ArgMin):
        return _arg_min(node)
    if isinstance(node, exp.Length) and isinstance(node.this, exp.ArrayFilter | exp.Array):
        return exp.Anonymous(this="CARDINALITY", expressions=[node.this])
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.parent, exp.From | exp.Join):
        node.set("alias", exp.TableAlias(this=exp.to_identifier(f"_s{next(names)}")))
        return node
    if isinstance(node, exp.Year | exp.Month | exp.Day):
        return _date_part(type(node).__name__.lower(), node.this)
    if isinstance(node, exp.Extract) and node.name.upper() in ("YEAR", "MONTH", "DAY"):
        return _date_part(node.name.lower(), node.expression)
    if isinstance(node, exp.Group):
        for e in node.expressions:
            if isinstance(e, exp.Literal) and e.is_string:
                e.replace(exp.cast(e.copy(), exp.DataType.build("text")))
    return node


def _date_part(unit: str, value: exp.Expression) -> exp.Expression:
    """YEAR(x), EXTRACT(MONTH FROM x), ...: a BIGINT as in DuckDB. PostgreSQL's EXTRACT gives a
    NUMERIC, whose arithmetic (the month number of every row) is several times slower than
    DATE_PART's double, exact for these small whole numbers."""
    part = exp.Anonymous(this="DATE_PART", expressions=[exp.Literal.string(unit), value.copy()])
    return exp.cast(part, exp.DataType.build("bigint"))


def _is_fsum(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and node.name.upper() == "FSUM" and len(node.expressions) == 1


def _exact_sum(fsum: exp.Expression) -> exp.Expression:
    return exp.Sum(this=exp.cast(fsum.expressions[0].copy(), exp.DataType.build("numeric")))


def _double(e: exp.Expression) -> exp.Expression:
    return exp.cast(e, exp.DataType.build("double"))


def _list_extract(node: exp.Anonymous) -> exp.Expression:
    """LIST_EXTRACT(MIN(x, n) [FILTER (WHERE w)], n) -> (ARRAY_AGG(x ORDER BY x) FILTER (WHERE w
    AND x IS NOT NULL))[n]: DuckDB's MIN(x, n) leaves NULLs out, ARRAY_AGG keeps them."""
    listed, index = node.expressions
    agg, where = (listed.this, listed.expression.this) if isinstance(listed, exp.Filter) else (listed, None)
    if not (isinstance(agg, exp.Min) and agg.args.get("count") is not None):
        raise ValueError(f"no PostgreSQL rule for {node.sql('duckdb')}")
    value = agg.this
    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    keep = present if where is None else exp.and_(exp.paren(where.copy()), present)
    ordered = _sorted_array(value, value)
    return exp.Bracket(this=exp.paren(exp.Filter(this=ordered, expression=exp.Where(this=keep))),
                       expressions=[index.copy()], offset=1)


def _arg_min(node: exp.ArgMin) -> exp.Expression:
    """ARG_MIN(a, b) -> (ARRAY_AGG(a ORDER BY b) FILTER (WHERE b IS NOT NULL))[1]."""
    a, b = node.this, node.expression
    ordered = _sorted_array(a, b)
    keep = exp.Not(this=exp.Is(this=b.copy(), expression=exp.Null()))
    return exp.Bracket(this=exp.paren(exp.Filter(this=ordered, expression=exp.Where(this=keep))),
                       expressions=[exp.Literal.number(1)], offset=1)


def _sorted_array(value: exp.Expression, by: exp.Expression) -> exp.Expression:
    """ARRAY_AGG(value ORDER BY by), NULLs kept (any filter is the caller's)."""
    return exp.ArrayAgg(this=exp.Order(this=value.copy(), expressions=[exp.Ordered(this=by.copy())]),
                        nulls_excluded=False)


def _try_cast(node: exp.TryCast) -> exp.Expression:
    to = node.to.this
    if to in TRY_FUNCTIONS:
        return exp.Dot(this=exp.to_identifier("pg_temp"),
                       expression=exp.Anonymous(this=TRY_FUNCTIONS[to], expressions=[node.this.copy()]))
    if to in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):  # every value has a text
        return exp.cast(node.this.copy(), exp.DataType.build("text"))
    raise ValueError(f"no PostgreSQL rule for {node.sql('duckdb')}")
