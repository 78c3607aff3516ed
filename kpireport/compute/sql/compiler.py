"""A catalog Measure's pieces as SQL expressions: its row value, its where-conditions, its member.

The catalog's formulas are parsed trees (catalog/formula.py), so this walks the tree and
writes SQL; nothing is ever eval-ed. The semantics are the catalog's (see catalog.yaml's
header): text compared trimmed and lower-cased, `is` on booleans with blanks as false,
optional columns (ne / not_in / isnull) passing every row when the table lacks them, a zero
denominator giving no value (NULL), and `le_column` / `gt_column` comparing by calendar day
when either side is a date-only column (delivered 2026-03-05 15:00 against a due date of
2026-03-05 is on time).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from ...catalog.formula import BinOp, Call, Neg, Node, Num, Ref
from ...catalog.model import Condition, Measure
from ...errors import CatalogError
from . import dialect as d


class MeasureSQLError(CatalogError):
    """A measure the SQL compiler cannot express: a bad definition (the message names the
    measure and the fix), reported like any catalog error, never as a traceback."""


@dataclass(frozen=True)
class Columns:
    """What the compiler must know of a relation: each column's kind, and which date columns
    hold no time of day (asked lazily, it needs a pass over the column)."""

    kinds: Mapping[str, str]  # column -> "number" | "date" | "bool" | "text"
    date_only: Callable[[str], bool]
    # the column's own spellings that, trimmed and lower-cased, are one of the wanted texts:
    # found once over its distinct values, so no row is trimmed (None: trim every row)
    text_hits: Callable[[str, tuple[str, ...]], list[str]] | None = None
    # an integer column standing for a text column in distinct counts (as a key: NULL where
    # blank), or None: counting distinct integers is several times faster than distinct texts
    codes: Callable[[str, bool], str | None] | None = None
    # a key column: (SQL true where it names an entity, whether no entity has two rows)
    key: Callable[[str], tuple[str, bool]] | None = None
    # every value is already trimmed text or NULL, never blank (a source's typed views, sources/):
    # a member or a key's presence is then the value itself, and no row is trimmed per query
    clean: bool = False

    def has(self, name: str | None) -> TypeGuard[str]:
        """The relation has this column (a TypeGuard: past the check, the name is a str)."""
        return name is not None and name in self.kinds


def kind_of(sql_type: str) -> str:
    """A SQL type name (as DESCRIBE gives it) reduced to what the compiler cares about."""
    t = sql_type.upper()
    if t.startswith(("TIMESTAMP", "DATE")):
        return "date"
    if t == "BOOLEAN":
        return "bool"
    if t.startswith(("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "INT", "BIGINT", "SMALLINT", "TINYINT",
                     "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT")):
        return "number"
    return "text"


def _column(cols: Columns, name: str, measure: str) -> str:
    if not cols.has(name):
        raise MeasureSQLError(f"measure {measure!r} reads column {name!r}, which its table does not have")
    return d.ident(name)


def value_sql(node: Node, cols: Columns, env: Mapping[str, str], measure: str) -> str:
    """A row expression (`amount / contract_years`, `days(period_end - created_date)`) as SQL.

    `env` gives the SQL for the instant names period_end / period_start (stocks only).
    """

    def go(n: Node) -> str:
        if isinstance(n, Num):
            return d.number(n.value)
        if isinstance(n, Ref):
            if n.name in env:
                return env[n.name]
            col = _column(cols, n.name, measure)
            kind = cols.kinds[n.name]
            return col if kind == "date" else d.as_double(col, kind == "number")
        if isinstance(n, Neg):
            return f"(-{go(n.operand)})"
        if isinstance(n, Call):
            if n.func not in ("days", "seconds", "months"):
                raise MeasureSQLError(f"measure {measure!r}: {n.func}() is a KPI function, not a row function")
            inner = n.args[0]
            if not (isinstance(inner, BinOp) and inner.op == "-"):
                raise MeasureSQLError(f"measure {measure!r}: {n.func}() takes a difference of two dates, "
                                      f"e.g. {n.func}(resolved_at - created_at)")
            if n.func == "months":
                return d.months_between(go(inner.left), go(inner.right))
            secs = d.seconds_between(go(inner.left), go(inner.right))
            return f"({secs} / 86400.0)" if n.func == "days" else secs
        left, right = go(n.left), go(n.right)
        if n.op == "/":
            return f"({left} / NULLIF({right}, 0))"
        return f"({left} {n.op} {right})"

    return go(node)


def measure_value(m: Measure, cols: Columns, env: Mapping[str, str]) -> str | None:
    """The value a row contributes (None for plain row counts): a column as a number (as itself
    for distinct counts), or the compiled row expression."""
    if m.expr is None or m.agg == "count":
        return None
    if m.column is not None:
        col = _column(cols, m.column, m.id)
        if m.agg == "nunique":
            code = cols.codes(m.column, False) if cols.codes is not None else None
            return d.ident(code) if code is not None else col
        return col if cols.kinds[m.column] == "number" else d.as_double(col, False)
    return value_sql(m.expr, cols, env, m.id)


def condition_sql(c: Condition, cols: Columns, measure: str) -> str:
    """One where-condition as a SQL boolean that is never NULL."""
    if not cols.has(c.column):
        if c.optional:
            return "TRUE"
        raise MeasureSQLError(f"measure {measure!r} filters on column {c.column!r}, which its table does not have")
    col, kind, op, value = d.ident(c.column), cols.kinds[c.column], c.op, c.value
    if op == "isnull":
        return f"({col} IS NULL)"
    if op == "notnull":
        return f"({col} IS NOT NULL)"
    if op == "is":
        truth = f"COALESCE(CAST({col} AS BOOLEAN), FALSE)"
        return truth if value else f"(NOT {truth})"
    if op in ("in", "not_in") or (op in ("eq", "ne") and isinstance(value, str)):
        wanted = tuple(str(w) for w in (value if isinstance(value, tuple | list) else [value]))
        if cols.text_hits is not None and kind == "text":
            raw = cols.text_hits(c.column, wanted)
            hit = f"COALESCE({col} IN ({', '.join(d.text(r) for r in raw)}), FALSE)" if raw else "FALSE"
        else:
            hit = f"COALESCE({d.clean_text(col)} IN ({', '.join(d.text(w) for w in wanted)}), FALSE)"
        return hit if op in ("in", "eq") else f"(NOT {hit})"
    if op in ("eq", "ne"):
        hit = f"COALESCE({col} = {_number(value, c.column, measure)}, FALSE)"
        return hit if op == "eq" else f"(NOT {hit})"
    if op in ("le_column", "gt_column"):
        other_name = str(value)
        other = _column(cols, other_name, measure)
        left, right = col, other
        if kind == "date" and (cols.date_only(c.column) or cols.date_only(other_name)):
            left, right = f"CAST({col} AS DATE)", f"CAST({other} AS DATE)"
        sign = "<=" if op == "le_column" else ">"
        return f"COALESCE({left} {sign} {right}, FALSE)"
    sign = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[op]
    return f"COALESCE({d.as_double(col, kind == 'number')} {sign} {_number(value, c.column, measure)}, FALSE)"


def _number(value: object, column: str, measure: str) -> str:
    """A condition's comparison value as a SQL number (true/false as booleans); anything else
    is a bad definition, named with the fix."""
    if isinstance(value, bool | int | float):
        return d.number(value)
    raise MeasureSQLError(f"measure {measure!r} compares column {column!r} with {value!r}, which is not a number; "
                          "give a number, or compare text with eq / ne / in")


def where_sql(m: Measure, cols: Columns) -> str:
    """All the measure's conditions, ANDed (TRUE when it has none)."""
    parts = [condition_sql(c, cols, m.id) for c in m.where]
    return " AND ".join(parts) if parts else "TRUE"


def member_sql(by: str | None, cols: Columns) -> str:
    """The dimension member of a row: trimmed text, a blank as BLANK; '' without a dimension."""
    if not by or not cols.has(by):
        return "''"
    if cols.clean:
        return f"COALESCE(CAST({d.ident(by)} AS VARCHAR), {d.text(d.BLANK)})"
    return f"COALESCE(NULLIF({d.trimmed(d.ident(by))}, ''), {d.text(d.BLANK)})"


def nonblank(col: str, clean: bool = False) -> str:
    """A key cell that names an entity (not NULL, not spaces; `clean`: see Columns)."""
    if clean:
        return f"({col} IS NOT NULL)"
    return f"COALESCE({d.trimmed(col)} <> '', FALSE)"
