"""Entity keys: a table whose row is one entity (a customer, a product) has each key once.

A repeated key there is a duplicate (the same export pasted twice, a customer listed in two
files); joining on it would count every related row twice. The first row of each key is kept
and the rest are reported, with how many and which keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..problems import Problem, ProblemLog, Severity
from ..schema import Schema
from .relational import ROW, quote

if TYPE_CHECKING:
    from .relational import Relational

EXAMPLES = 5


def first_per_key(relation: str, key: str) -> str:
    """SQL for a table's first row per key (a join target never multiplies the rows it serves);
    `relation` is the table as SQL (Relational.t)."""
    return (f"SELECT * FROM {relation} WHERE {quote(key)} IS NOT NULL "
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


def unique_views(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    """`unique_rows` for tables that stay where the data lives: repeats counted by a query, the
    table replaced by a view with one row per key (which of the repeated rows is kept is the
    engine's choice: a view keeps no input order)."""
    for name in list(tables):
        spec = schema.tables.get(name)
        if spec is None or not spec.unique or spec.key is None or not db.has(name, spec.key) or not db.is_view(name):
            continue
        k = quote(spec.key)
        n = db.scalar(f"SELECT count({k}) - count(DISTINCT {k}) FROM {db.t(name)}")
        if not n:
            continue
        shown = ", ".join(repr(str(r[0])) for r in db.con.sql(
            f"SELECT {k} FROM {db.t(name)} WHERE {k} IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 "
            f"LIMIT {EXAMPLES}").fetchall())
        log.add(Problem(f"{n:,} row(s) repeat a {spec.key} already seen ({shown} ...): each {spec.key} is counted "
                        f"once. Remove the duplicates in the source.", table=name, column=spec.key,
                        severity=Severity.WARNING))
        cols = ", ".join(quote(c) for c in [*tables[name].columns, ROW])
        once = (f"SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY {k} ORDER BY {ROW}) AS _rn "
                f"FROM {db.t(name)}) t WHERE {k} IS NULL OR _rn = 1")
        tables[name] = db.frame(once, spec)
        db.register(name, tables[name])


def people_view(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    """One customer per unique id, for customers that stay where the data lives: the first
    acquired row of each person (the file path's drop of duplicates, as a query)."""
    spec = schema.tables["customers"]
    cols = [c for c in tables["customers"].columns if c != "unique_id"]
    order = "acquired_date" if "acquired_date" in cols else ROW
    picked = ", ".join("coalesce(unique_id, customer_id) AS customer_id" if c == "customer_id" else quote(c)
                       for c in cols)
    before = db.rows("customers")
    sql = (f"SELECT {picked}, {ROW} FROM {db.t('customers')} QUALIFY row_number() OVER "
           f"(PARTITION BY coalesce(unique_id, customer_id) ORDER BY {quote(order)} NULLS LAST) = 1")
    tables["customers"] = db.frame(sql, spec)
    db.register("customers", tables["customers"])
    log.add(Problem(f"customers: {before:,} customer ids belong to {db.rows('customers'):,} unique customers "
                    "(column unique_id); customers are counted by their unique id in every table",
                    table="customers", severity=Severity.INFO))
