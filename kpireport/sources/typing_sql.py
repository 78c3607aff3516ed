"""A source column read as its canonical type, in SQL: what the validate stage does to a cell,
done by the engine for every row.

The rules follow the file path's parsers for the values a typed store holds: numbers and dates
are taken as they are; text is trimmed and an empty text is no value; a number in a text or ID
column is written as typed (42.0 -> '42'); yes/no reads the same words (TRUE_WORDS,
FALSE_WORDS); a column in other units (a header in minutes for a seconds column) is scaled.
Text in a number or date column that does not parse is no value, and counted as a problem
(`bad_values`), never guessed.
"""

from __future__ import annotations

from ..parsing import FALSE_WORDS, TRUE_WORDS
from ..sqltext import ident, text

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
           "FLOAT", "DOUBLE", "REAL", "DECIMAL")
WHITESPACE = " \t\n\r\v\f\u00a0"


def _numeric(db_type: str) -> bool:
    return db_type.upper().startswith(NUMERIC)


def _temporal(db_type: str) -> bool:
    return db_type.upper().startswith(("DATE", "TIMESTAMP"))


def _trimmed(expr: str) -> str:
    return f"NULLIF(TRIM(CAST({expr} AS VARCHAR), {text(WHITESPACE)}), '')"


def _words(words: frozenset[str]) -> str:
    return ", ".join(text(w) for w in sorted(words))


def _stored_text(db_type: str) -> bool:
    return db_type.upper().startswith(("VARCHAR", "TEXT", "STRING", "CHAR"))


def untidy(column: str, db_type: str) -> str | None:
    """SQL true where a text value would change on reading: empty, or whitespace at either end
    (what `_trimmed` removes); None for a column stored as another type. Counted once, when the
    source is validated: a column with no such value is read as it is, so that no later query
    trims every row again (a trim costs more than the rest of a scan)."""
    if not _stored_text(db_type):
        return None
    c = ident(column)
    ends = ", ".join(text(ch) for ch in WHITESPACE)
    return (f"({c} = '' OR SUBSTRING({c}, 1, 1) IN ({ends}) "
            f"OR SUBSTRING({c}, LENGTH({c}), 1) IN ({ends}))")


def typed(column: str, db_type: str, kind: str, scale: float = 1.0, tidy: bool = False) -> str:
    """SQL giving the canonical value of source column `column` (of engine type `db_type`) for a
    schema column of type `kind`; `tidy`: the column is stored as text and no value of it is
    empty or has whitespace at an end (`untidy` counted none), so text is read as it is."""
    c = ident(column)
    upper = db_type.upper()
    if tidy and _stored_text(upper) and kind in ("id", "text", "period"):
        return c
    if kind == "date":
        if _temporal(upper):
            return f"CAST({c} AS TIMESTAMP)"
        return f"TRY_CAST({_trimmed(c)} AS TIMESTAMP)"
    if kind in ("number", "money", "score"):
        base = f"CAST({c} AS DOUBLE)" if _numeric(upper) or upper == "BOOLEAN" else f"TRY_CAST({_trimmed(c)} AS DOUBLE)"
        return base if scale == 1.0 else f"({base} * CAST({float(scale)!r} AS DOUBLE))"
    if kind == "bool":
        if upper == "BOOLEAN":
            return c
        if _numeric(upper):
            return f"CASE WHEN {c} = 1 THEN TRUE WHEN {c} = 0 THEN FALSE END"
        low = f"LOWER({_trimmed(c)})"
        return (f"CASE WHEN {low} IN ({_words(TRUE_WORDS)}) THEN TRUE "
                f"WHEN {low} IN ({_words(FALSE_WORDS)}) THEN FALSE END")
    if _temporal(upper):
        if kind == "period":
            return f"STRFTIME(CAST({c} AS TIMESTAMP), '%Y-%m')"
        return f"STRFTIME(CAST({c} AS TIMESTAMP), '%Y-%m-%d')"
    if _numeric(upper):
        return (f"CASE WHEN {c} = ROUND({c}) AND ABS({c}) < 9.2e18 THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST(CAST({c} AS DOUBLE) AS VARCHAR) END")
    return _trimmed(c)


def bad_values(column: str, db_type: str, kind: str) -> str | None:
    """SQL true where the source holds a value the canonical type cannot read (None when every
    value reads: a typed column of the same kind, or text)."""
    c = ident(column)
    upper = db_type.upper()
    if kind == "date" and not _temporal(upper):
        return f"({_trimmed(c)} IS NOT NULL AND {typed(column, db_type, kind)} IS NULL)"
    if kind in ("number", "money", "score") and not (_numeric(upper) or upper == "BOOLEAN"):
        return f"({_trimmed(c)} IS NOT NULL AND {typed(column, db_type, kind)} IS NULL)"
    if kind == "bool" and upper != "BOOLEAN":
        return f"({c} IS NOT NULL AND {typed(column, db_type, kind)} IS NULL)"
    return None


WORDS = {"date": "a date", "number": "a number", "money": "an amount", "score": "a number", "bool": "yes or no"}
