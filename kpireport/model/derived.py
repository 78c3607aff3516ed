"""Columns read a second way once the tables are joined, each said in the problems list.

Exports write the same fact differently, and a measure must read one meaning:

- a deal's win probability as 0-1 or as 0-100 (a "Win probability (%)" column of 40, 60):
  a column with any value above 1 is read as percentages;
- a discount as money or as a rate (Superstore's 0.2): a column whose values all lie between 0
  and 1, some strictly between, is a rate off the list price; it becomes the amount given,
  revenue x rate / (1 - rate) on a line whose revenue is after the discount, so the discount
  rate KPI weighs each line by its revenue before the discount;
- items per order where lines carry no quantity: a table with one row per order line (an order
  id on several rows, or order items joined to their orders) counts each line as one item.

Runs after the joins, on the frames, so it sees order items already carried by their orders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import Problem, ProblemLog, Severity


def read_second_way(tables: dict[str, pd.DataFrame], lines_joined: bool, log: ProblemLog) -> None:
    """Rescale probabilities, turn discount rates into amounts, give lines a quantity of one."""
    deals = tables.get("opportunities")
    if deals is not None and "probability" in deals.columns:
        tables["opportunities"] = _probability(deals, log)
    orders = tables.get("orders")
    if orders is not None and "discount" in orders.columns and "revenue" in orders.columns:
        orders = _discount(orders, log)
    if orders is not None:
        orders = _one_item_per_line(orders, lines_joined, log)
        tables["orders"] = orders


def _note(log: ProblemLog, table: str, column: str, reason: str, severity: Severity = Severity.INFO) -> None:
    log.add(Problem(reason, table=table, column=column, severity=severity))


def _probability(deals: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    p = deals["probability"].astype("float64")
    given = p.dropna()
    if given.empty or not (given > 1).any():
        return deals
    bad = (p < 0) | (p > 100)
    if bad.any():
        _note(log, "opportunities", "probability",
              f"{int(bad.sum()):,} win probabilities are outside 0-100 and are left out of the weighted pipeline; "
              f"write each as a percentage (40) or a fraction (0.4)", Severity.WARNING)
    _note(log, "opportunities", "probability",
          "opportunities: win probabilities above 1 found, so the column is read as percentages (40 = 40 %)")
    return deals.assign(probability=p.where(~bad) / 100.0)


def _discount(orders: pd.DataFrame, log: ProblemLog) -> pd.DataFrame:
    d = orders["discount"].astype("float64")
    given = d.dropna()
    if given.empty or not given.between(0, 1).all() or not ((given > 0) & (given < 1)).any():
        return orders
    revenue = orders["revenue"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        amount = (revenue * d / (1.0 - d)).where(d < 1)
    full = int((d == 1).sum())
    _note(log, "orders", "discount",
          "orders: the discount column holds rates between 0 and 1, not amounts; each line's discount is read "
          "as its share off the list price (amount = revenue x rate / (1 - rate))")
    if full:
        _note(log, "orders", "discount", f"{full:,} line(s) have a discount of 100 %: they have no list price "
                                         f"to weigh by and are left out of the discount rate", Severity.WARNING)
    return orders.assign(discount=amount.round(10))


def _one_item_per_line(orders: pd.DataFrame, lines_joined: bool, log: ProblemLog) -> pd.DataFrame:
    if "quantity" in orders.columns and orders["quantity"].notna().any():
        return orders
    if "order_id" not in orders.columns:
        return orders
    if not (lines_joined or orders["order_id"].dropna().duplicated().any()):
        return orders  # one row per order and no quantity: items per order cannot be told
    _note(log, "orders", "quantity", "orders: no quantity column; each order line counts as one item "
                                     "(average items per order)")
    return orders.assign(quantity=pd.Series(1.0, index=orders.index, dtype="float64"))
