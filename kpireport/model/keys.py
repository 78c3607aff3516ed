"""Entity keys: a table whose row is one entity (a customer, a product) has each key once.

A repeated key there is a duplicate (the same export pasted twice, a customer listed in two
files); joining on it would count every related row twice. The first row of each key is kept
and the rest are reported, with how many and which keys.
"""

from __future__ import annotations

import pandas as pd

from ..problems import Problem, ProblemLog, Severity
from ..schema import Schema
from .relational import ROW, quote

EXAMPLES = 5


def first_per_key(table: str, key: str) -> str:
    """SQL for a table's first row per key (a join target never multiplies the rows it serves)."""
    return (f"SELECT * FROM {quote(table)} WHERE {quote(key)} IS NOT NULL "
            f"QUALIFY row_number() OVER (PARTITION BY {quote(key)} ORDER BY {ROW}) = 1")


def unique_rows(tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> dict[str, pd.DataFrame]:
    """Tables keyed one row per entity with each key once (first row kept), the rest reported."""
    out = dict(tables)
    for name, df in tables.items():
        spec = schema.tables.get(name)
        if spec is None or not spec.unique or spec.key is None or spec.key not in df.columns:
            continue
        keys = df[spec.key]
        repeated = keys.notna().to_numpy() & keys.duplicated(keep="first").to_numpy()
        n = int(repeated.sum())
        if not n:
            continue
        shown = ", ".join(repr(str(k)) for k in pd.unique(keys[repeated])[:EXAMPLES])
        more = " ..." if keys[repeated].nunique() > EXAMPLES else ""
        log.add(Problem(f"{n:,} row(s) repeat a {spec.key} already seen ({shown}{more}): each {spec.key} is "
                        f"counted once, from its first row. Remove the duplicates in the source.",
                        table=name, column=spec.key, severity=Severity.WARNING))
        out[name] = df[~repeated].reset_index(drop=True)
    return out
