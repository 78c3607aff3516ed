"""DuckDB-dialect SQL as Spark SQL: sqlglot's transpiler plus the rules it does not know.

sqlglot translates names, casts, quoting, STRFTIME, lambdas, QUALIFY and UNNEST. What it
leaves as it is (or translates to something Spark rejects or computes differently) is
rewritten on the parsed tree before Spark's SQL is generated:

- FSUM(x): a plain SUM (Spark has no compensated sum; the report rounds far above a double
  sum's error, and the tests compare the JSON with the DuckDB path's digit for digit);
- LIST_EXTRACT(MIN(x, n) FILTER (WHERE c), n), the n-th smallest value: the n-th element of
  the sorted list of values (TRY_ELEMENT_AT: NULL when the group has fewer);
- a decimal literal (86400.0) is a DOUBLE: Spark reads it as a DECIMAL, and a division by it
  would round to the DECIMAL's scale where DuckDB divides in floating point;
- ROW_NUMBER() without ORDER BY: Spark insists on one (any order, as in DuckDB);
- `* EXCLUDE (...)` and a `SELECT *` with QUALIFY: the star is spelt out (Spark has no star
  with exceptions; QUALIFY becomes a subquery with a rank column that `*` would pass on);
- REGEXP_SPLIT_TO_ARRAY -> SPLIT (a Java regex, same pattern) and LEN of a list -> SIZE;
- CREATE TEMP TABLE x AS ... -> CACHE TABLE x AS ... (a view computed once and kept), CREATE
  TEMP VIEW x AS ... -> CACHE LAZY TABLE x AS ... (kept when first read: without it Spark
  recomputes a view's scans, joins and windows for every query that reads it, and a report
  reads the same views a hundred times); a CTE's NOT MATERIALIZED hint is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp

# the columns of a relation, by its name as the query writes it (to spell out a star)
Columns = Callable[[str], list[str]]


def to_spark(sql: str, columns: Columns) -> str:
    """The statement in Spark's dialect."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(_functions).transform(_rewrite)
    for select in list(tree.find_all(exp.Select)):
        _spell_out_star(select, columns)
    if isinstance(tree, exp.Create) and tree.args.get("kind") in ("TABLE", "VIEW") and _temporary(tree):
        # a temporary table is a result computed once: a cached view (CACHE TABLE computes it now);
        # a temporary view is computed once too, when a query first reads it (LAZY): a run's views
        # never change, and every later query reads the kept rows instead of the joins and scans
        lazy = tree.args.get("kind") == "VIEW"
        return exp.Cache(this=tree.this, expression=tree.expression, lazy=lazy).sql(dialect="spark")
    return tree.sql(dialect="spark")


def _temporary(create: exp.Create) -> bool:
    props = create.args.get("properties")
    return props is not None and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions)


def _functions(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        if name == "FSUM":
            return exp.Sum(this=node.expressions[0])
        if name == "LIST_EXTRACT" and _is_nth_smallest(node):
            return _nth_smallest(node)
        if name == "REGEXP_SPLIT_TO_ARRAY":
            return exp.Anonymous(this="SPLIT", expressions=node.expressions)
    return node


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Length) and _is_list(node.this):
        return exp.ArraySize(this=node.this)
    decimal = isinstance(node, exp.Literal) and not node.is_string and any(c in node.this.lower() for c in ".e")
    if decimal and not isinstance(node.parent, exp.Cast):
        return exp.cast(node.copy(), exp.DataType.build("DOUBLE"))
    if isinstance(node, exp.Window) and isinstance(node.this, exp.RowNumber) and not node.args.get("order"):
        node.set("order", exp.Order(expressions=[exp.Ordered(this=exp.Literal.number(1))]))
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


def _is_list(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Anonymous) and str(node.this).upper() in ("REGEXP_SPLIT_TO_ARRAY", "SPLIT")) or \
        isinstance(node, exp.ArrayFilter | exp.Array | exp.Split)


def _is_nth_smallest(node: exp.Anonymous) -> bool:
    args = node.expressions
    if len(args) != 2:
        return False
    agg = args[0].this if isinstance(args[0], exp.Filter) else args[0]
    return isinstance(agg, exp.Min) and agg.args.get("count") is not None


def _nth_smallest(node: exp.Anonymous) -> exp.Expression:
    """LIST_EXTRACT(MIN(x, n) [FILTER (WHERE c)], n) -> TRY_ELEMENT_AT(ARRAY_SORT(COLLECT_LIST(x)
    [FILTER (WHERE c)]), n)."""
    arg, index = node.expressions
    agg = arg.this if isinstance(arg, exp.Filter) else arg
    listed: exp.Expression = exp.Anonymous(this="COLLECT_LIST", expressions=[agg.this])
    if isinstance(arg, exp.Filter):
        listed = exp.Filter(this=listed, expression=arg.expression)
    return exp.Anonymous(this="TRY_ELEMENT_AT", expressions=[exp.Anonymous(this="ARRAY_SORT", expressions=[listed]),
                                                              index])


def _spell_out_star(select: exp.Select, columns: Columns) -> None:
    """`*` (with its exceptions) as the FROM relation's column list, where Spark needs that."""
    stars = [e for e in select.expressions if isinstance(e, exp.Star)]
    if not stars or not (stars[0].args.get("except_") or select.args.get("qualify")):
        return
    source = select.args.get("from_")
    if source is None or select.args.get("joins") or not isinstance(source.this, exp.Table):
        return
    table = source.this
    name = ".".join(p.name for p in table.parts)
    drop = {c.name for c in stars[0].args.get("except_") or []}
    spelt = [exp.column(c, quoted=True) for c in columns(name) if c not in drop]
    select.set("expressions", [x for e in select.expressions for x in (spelt if e is stars[0] else [e])])
