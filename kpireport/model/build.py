"""Joins, derivations and duplicate keys: the catalog's tables made from related files.

The steps run in an order where each can use what the one before made:

1. lines with their header: order items become the orders table, each line carrying its
   order's date, status and customer (`header` in tables.yaml);
2. one id per person: when customers carry a unique id beside a per-order id (one customer id
   per order, as some shops export), every table counts the unique one;
3. returns: orders listed in a returns file count as returned (status "returned");
4. completions: a required column a related file supplies (`completed_by`): a customer's
   acquisition date is the first order's date, a review's date its order's date; a missing
   customers table is derived from the orders' customer ids, missing survey answers from the
   ratings on tickets or calls;
5. dimensions: each table gets the columns it may carry from the tables it references
   (`references`): the customer's region and segment, the product's category, the sales
   rep's manager and office; a column the table has but left blank in every row counts as
   missing (a template's optional column), one with values is the table's own.

Before them, a customer snapshot without dates is dated (snapshot.py) and a customer list with
one 0/1 column per campaign gives the campaign responses (campaigns.py).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..dataset import Dataset
from ..problems import Problem, ProblemLog, Severity
from ..schema import Schema, TableSpec, default_schema
from .campaigns import wide_responses
from .derived import read_second_way
from .keys import first_per_key, people_view, unique_rows, unique_views
from .members import unify_case, unify_targets
from .relational import ROW, Relational, quote
from .snapshot import dated_snapshot, is_snapshot, snapshot_month

RETURNED = "returned"


def apply_model(dataset: Dataset, schema: Schema | None = None, as_of: pd.Timestamp | None = None,
                as_of_said: str = "set in the config", turkish: bool = False) -> Dataset:
    """The dataset with related tables joined; the same frames where nothing relates.

    `as_of` dates a customer snapshot without dates (see snapshot.py); `as_of_said` says where
    the date came from, for the note. Last, member spellings that differ only by case become one
    (members.py; `turkish`: the report's locale is Turkish, so I and İ fold the Turkish way).
    """
    schema = schema or default_schema()
    log = dataset.problems
    pushed = dataset.pushed
    tables = dict(dataset.tables) if pushed is not None else unique_rows(dict(dataset.tables), schema, log)
    snapshot_as_of = None
    cust = tables.get("customers")
    orders = tables.get("orders")
    by_orders = orders is not None and "customer_id" in orders.columns
    if pushed is not None and "customers" in pushed.views:
        if is_snapshot(cust) and not by_orders:
            _note(log, "customers", "a customer list without dates is not dated as a snapshot when it stays in a "
                                    "database or Parquet files; export it as a file to report it", Severity.WARNING)
    elif cust is not None and is_snapshot(cust) and not by_orders:
        when = as_of if as_of is not None else pd.Timestamp.today().normalize()
        tables["customers"] = dated_snapshot(cust, when, as_of_said if as_of is not None else "today", log)
        snapshot_as_of = snapshot_month(when).end_time.normalize()
    if "customers" in tables and "campaign_responses" not in tables and (pushed is None
                                                                        or "customers" not in pushed.views):
        when = as_of if as_of is not None else pd.Timestamp.today().normalize()
        src = next((s for s in dataset.sources if s.table == "customers"), None)
        wide = wide_responses(tables["customers"], snapshot_month(when).end_time.normalize(),
                              as_of_said if as_of is not None else "today", log,
                              src.file if src else "", src.sheet if src else "", turkish)
        if wide is not None:
            tables["campaign_responses"] = wide
    # registering the frames copies no rows; each step acts only where it applies
    db = Relational(tables, pushed.views, pushed.con) if pushed is not None else Relational(tables)
    lines_joined = "order_items" in tables and "orders" in tables
    own_status = orders is not None and "status" in orders.columns
    try:
        if pushed is not None:
            unique_views(db, tables, schema, log)
        _lines_with_header(db, tables, schema, log)
        _unique_people(db, tables, schema, log)
        _returns(db, tables, schema, log)
        _completions(db, tables, schema, log)
        _dimensions(db, tables, schema, log)
        if pushed is not None:
            pushed = replace(pushed, views=db.views(), _asked={})
    finally:
        db.close()
    unify_targets(tables, unify_case(tables, schema, log, turkish))
    read_second_way(tables, lines_joined, log)
    derived = dict(dataset.derived)
    if not own_status and "orders" in tables and "status" in tables["orders"].columns:
        derived[("orders", "status")] = (RETURNED,)  # made from a returns list: nothing else is known
    return replace(dataset, tables=tables, as_of=snapshot_as_of, derived=derived, pushed=pushed)


def _note(log: ProblemLog, table: str, reason: str, severity: Severity = Severity.INFO) -> None:
    log.add(Problem(reason, table=table, severity=severity))


def _set(db: Relational, tables: dict[str, pd.DataFrame], name: str, df: pd.DataFrame) -> None:
    tables[name] = df
    db.register(name, df)


def _lines_with_header(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    for name, spec in schema.tables.items():
        header = spec.header
        if name not in tables or header is None:
            continue
        key = spec.key
        if header not in tables or key is None or not db.has(header, key):
            _note(log, name, f"{name} has no {header} file to take dates from; its rows are not used for KPIs. "
                             f"Add the {header} export (with {key}) to the input.", Severity.WARNING)
            continue
        lines, head = tables[name].columns, tables[header].columns
        extra = [c for c in head if c not in lines]
        cols = ", ".join([f"l.{quote(c)}" for c in lines] + [f"h.{quote(c)}" for c in extra])
        sql = (f"SELECT {cols}, l.{ROW} FROM {db.t(name)} l LEFT JOIN ({first_per_key(db.t(header), key)}) h "
               f"ON l.{quote(key)} = h.{quote(key)}{db.order_by('l')}")
        unmatched = db.scalar(f"SELECT count(*) FROM {db.t(name)} l WHERE NOT EXISTS "
                              f"(SELECT 1 FROM {db.t(header)} h WHERE h.{quote(key)} = l.{quote(key)})")
        orphans = db.scalar(f"SELECT count(DISTINCT h.{quote(key)}) FROM {db.t(header)} h WHERE NOT EXISTS "
                            f"(SELECT 1 FROM {db.t(name)} l WHERE l.{quote(key)} = h.{quote(key)})")
        n_lines = db.rows(name)
        n_orders = db.scalar(f"SELECT count(DISTINCT {quote(key)}) FROM {db.t(name)}")
        joined = db.frame(sql, schema.tables[header])
        _set(db, tables, header, joined)
        _note(log, header, f"{header}: {n_lines:,} lines of {name} joined to their {header} by {key} "
                           f"({n_orders:,} distinct {key}); a line takes its order's date, status and customer")
        if unmatched:
            _note(log, header, f"{unmatched:,} line(s) of {name} have a {key} that is not in the {header} file: "
                               f"they have no date and are left out", Severity.WARNING)
        if orphans:
            _note(log, header, f"{orphans:,} {header} in the {header} file have no lines in {name}: "
                               f"they have no amount and are left out", Severity.WARNING)


def _unique_people(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    """Customers exported with one id per order and a unique id per person: count the person."""
    cust = tables.get("customers")
    if cust is None or "unique_id" not in cust.columns or "customer_id" not in cust.columns:
        return
    if not db.filled("customers", "unique_id"):  # an optional column left blank (a filled-in template)
        return
    lookup = (f"SELECT customer_id, any_value(unique_id) AS unique_id FROM {db.t('customers')} "
              "WHERE unique_id IS NOT NULL GROUP BY customer_id")
    for name, spec in schema.tables.items():
        if name == "customers" or name not in tables or ("customer_id", "customers") not in spec.references:
            continue
        if not db.has(name, "customer_id"):
            continue
        cols = ", ".join("coalesce(u.unique_id, t.customer_id) AS customer_id" if c == "customer_id"
                         else f"t.{quote(c)}" for c in tables[name].columns)
        sql = (f"SELECT {cols}, t.{ROW} FROM {db.t(name)} t LEFT JOIN ({lookup}) u "
               f"ON t.customer_id = u.customer_id{db.order_by('t')}")
        _set(db, tables, name, db.frame(sql, spec))
    if db.lazy:
        people_view(db, tables, schema, log)
        return
    before = len(cust)
    people = cust.assign(customer_id=cust["unique_id"].fillna(cust["customer_id"]))
    order = people.sort_values("acquired_date", kind="stable") if "acquired_date" in people.columns else people
    merged = order.drop_duplicates("customer_id", keep="first").sort_index().reset_index(drop=True)
    _set(db, tables, "customers", merged.drop(columns=["unique_id"]))
    _note(log, "customers", f"customers: {before:,} customer ids belong to {len(merged):,} unique customers "
                            f"(column unique_id); customers are counted by their unique id in every table")


def _returns(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    if "returns" not in tables or "orders" not in tables or not db.has("orders", "order_id"):
        return
    flag = "coalesce(r.returned, true)" if db.has("returns", "returned") else "true"
    listed = (f"SELECT order_id, bool_or({flag}) AS returned FROM {db.t('returns')} r WHERE order_id IS NOT NULL "
              "GROUP BY 1")
    cols = []
    for c in tables["orders"].columns:
        cols.append(f"CASE WHEN x.returned THEN '{RETURNED}' ELSE o.status END AS status" if c == "status"
                    else f"o.{quote(c)}")
    if "status" not in tables["orders"].columns:
        cols.append(f"CASE WHEN x.returned THEN '{RETURNED}' END AS status")
    sql = (f"SELECT {', '.join(cols)}, o.{ROW} FROM {db.t('orders')} o LEFT JOIN ({listed}) x "
           f"ON o.order_id = x.order_id{db.order_by('o')}")
    n_listed = db.scalar(f"SELECT count(*) FROM ({listed}) WHERE returned")
    found = db.scalar(f"SELECT count(*) FROM ({listed}) x WHERE returned AND EXISTS "
                      f"(SELECT 1 FROM {db.t('orders')} o WHERE o.order_id = x.order_id)")
    _set(db, tables, "orders", db.frame(sql, schema.tables["orders"]))
    _note(log, "orders", f"orders: {found:,} order(s) in the returns list are counted as returned "
                         f"(left out of net sales, counted in returns)")
    if n_listed > found:
        _note(log, "returns", f"{n_listed - found:,} returned order id(s) are not in the orders file; ignored",
              Severity.WARNING)


def _completions(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    _derive_customers(db, tables, schema, log)
    _ratings_from_tickets(db, tables, schema, log)
    for name, spec in schema.tables.items():
        if name not in tables:
            continue
        for col, source, link in spec.completed_by:
            if col in tables[name].columns or source not in tables or source == schema.tables[name].header:
                continue
            if schema.tables[source].header == name or not db.has(name, link) or not db.has(source, link):
                continue
            date = _date_column(schema.tables[source])
            if date is None or not db.has(source, date):
                continue
            first = (link, name) in schema.tables[source].references
            _complete(db, tables, spec, col, source, link, date, first, log)


def _date_column(spec: TableSpec) -> str | None:
    """The column that dates a table's rows: its first required date."""
    return next((c.name for c in spec.columns if c.required and c.type == "date"), None)


def _complete(db: Relational, tables: dict[str, pd.DataFrame], spec: TableSpec, col: str, source: str, link: str,
              date: str, first: bool, log: ProblemLog) -> None:
    """col of each row from the related rows: the first date (acquired = first order), or the
    referenced row's date (a review's date is its order's)."""
    name = spec.name
    values = f"SELECT {quote(link)} AS k, min({quote(date)}) AS v FROM {db.t(source)} GROUP BY 1"
    cols = ", ".join(f"t.{quote(c)}" for c in tables[name].columns)
    joined = f"FROM {db.t(name)} t LEFT JOIN ({values}) x ON t.{quote(link)} = x.k"
    missing = db.scalar(f"SELECT count(*) {joined} WHERE x.v IS NULL")
    sql = f"SELECT {cols}, x.v AS {quote(col)}, t.{ROW} {joined} WHERE x.v IS NOT NULL{db.order_by('t')}"
    _set(db, tables, name, db.frame(sql, spec))
    how = "the first" if first else "its"
    _note(log, name, f"{name}.{col} is not in the file: taken from {how} {source}.{date} by {link}")
    if missing:
        _note(log, name, f"{missing:,} row(s) of {name} have no matching {source} and are left out",
              Severity.WARNING)


def _derive_customers(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    """No customers file: each customer id of the orders is a customer acquired at its first order."""
    if "customers" in tables or not db.has("orders", "customer_id", "order_date"):
        return
    spec = schema.tables["customers"]
    dims = [c.name for c in spec.columns if c.dimension and db.has("orders", c.name)]
    picks = "".join(f", arg_min({quote(d)}, order_date) AS {quote(d)}" for d in dims)
    found = (f"FROM {db.t('orders')} WHERE customer_id IS NOT NULL AND order_date IS NOT NULL")
    order = "" if db.lazy else " ORDER BY acquired_date, customer_id"
    sql = f"SELECT customer_id, min(order_date) AS acquired_date{picks} {found} GROUP BY customer_id{order}"
    derived = db.frame(sql, spec, small=True)
    view = derived.attrs.get("view")  # lazy: counted from the derived table, not by another pass over the orders
    n = db.scalar(f"SELECT count(*) FROM {quote(view)}") if view else len(derived)
    if not n:
        return
    _set(db, tables, "customers", derived)
    _note(log, "customers", f"customers: no customers file; {n:,} customers derived from the orders' "
                            f"customer ids, each acquired on its first order's date")


def _ratings_from_tickets(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    """No survey file, but tickets or calls rated on their own row: each rating is a survey answer
    dated by its ticket (satisfaction and effort come out of the help desk's own export)."""
    rated = [c for c in ("csat", "ces") if db.has("tickets", c)]
    if "surveys" in tables or not rated or not db.has("tickets", "created_at"):
        return
    spec = schema.tables["surveys"]
    carried = [c for c in ("customer_id", "channel", "region", "segment") if db.has("tickets", c) and spec.has(c)]
    cols = ", ".join(["created_at AS date", *rated, *carried])
    where = " OR ".join(f"{c} IS NOT NULL" for c in rated)
    found = f"FROM {db.t('tickets')} t WHERE created_at IS NOT NULL AND ({where})"
    n = db.scalar(f"SELECT count(*) {found}")
    if not n:
        return
    _set(db, tables, "surveys", db.frame(f"SELECT {cols}, {ROW} {found}{db.order_by('t')}", spec))
    _note(log, "surveys", f"surveys: no survey file; the {' and '.join(rated)} ratings of {n:,} tickets "
                          f"are read as survey answers, dated by the ticket's creation")


def _dimensions(db: Relational, tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog) -> None:
    for name in _dependency_order(schema):
        spec = schema.tables[name]
        if name not in tables or (spec.header is not None and spec.header in tables):
            continue  # lines joined to their header live on in it
        for fk, other in spec.references:
            if other not in tables or not db.has(name, fk) or not db.filled(name, fk):
                continue
            okey = schema.tables[other].key
            if okey is None or not db.has(other, okey):
                continue
            own = tables[name]
            wanted = [c.name for c in spec.columns if c.name not in (fk, okey) and db.has(other, c.name)
                      and (c.name not in own.columns or not db.filled(name, c.name))]
            if not wanted:
                continue
            cols = ", ".join([f"{'r' if c in wanted else 't'}.{quote(c)}" for c in own.columns]
                             + [f"r.{quote(c)}" for c in wanted if c not in own.columns])
            sql = (f"SELECT {cols}, t.{ROW} FROM {db.t(name)} t LEFT JOIN ({first_per_key(db.t(other), okey)}) r "
                   f"ON t.{quote(fk)} = r.{quote(okey)}{db.order_by('t')}")
            unmatched = db.scalar(f"SELECT count(*) FROM {db.t(name)} t WHERE t.{quote(fk)} IS NOT NULL AND NOT "
                                  f"EXISTS (SELECT 1 FROM {db.t(other)} r WHERE r.{quote(okey)} = t.{quote(fk)})")
            _set(db, tables, name, db.frame(sql, spec))
            _note(log, name, f"{name} joined to {other} by {fk}: {', '.join(wanted)} taken from {other}")
            if unmatched:
                _note(log, name, f"{unmatched:,} row(s) of {name} have a {fk} not found in {other}: "
                                 f"{', '.join(wanted)} left blank", Severity.WARNING)


def _dependency_order(schema: Schema) -> list[str]:
    """Tables after the tables they reference, so a review takes the region its order took from
    the customer."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for _, other in schema.tables[name].references:
            visit(other)
        out.append(name)

    for name in schema.tables:
        visit(name)
    return out
