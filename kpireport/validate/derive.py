"""Canonical columns an export gives in another form, filled from the columns it has: an order's
revenue from quantity, unit price and discount, its cost from revenue and profit, a ticket's
resolved and first-response times from its durations. A cached Excel error in a source column
counts against the derived one too."""

from __future__ import annotations

import pandas as pd

from ..problems import Problem, ProblemLog, Severity


def derive(table: str, df: pd.DataFrame, excel_errors: dict[tuple[str, str], int],
            problems: ProblemLog) -> pd.DataFrame:
    """Fill canonical columns that the export gives in another form."""
    if table == "orders" and {"quantity", "unit_price"} <= set(df.columns) and (
            "revenue" not in df.columns or df["revenue"].isna().any()):
        gross = df["quantity"] * df["unit_price"]
        if "discount" in df.columns:
            d = df["discount"]
            given = d.dropna()
            if len(given) and bool(((given >= 0) & (given < 1)).all()) and bool((df["unit_price"] > 1).any()):
                derived = gross * (1 - d.fillna(0.0))
                problems.add(Problem("discounts are all below 1: read as rates (0.2 = 20 % off), so revenue = "
                                     "quantity x unit price x (1 - discount)", severity=Severity.INFO,
                                     table="orders", column="discount"))
            else:
                derived = gross - d.fillna(0.0)
        else:
            derived = gross
        df["revenue"] = derived if "revenue" not in df.columns else df["revenue"].fillna(derived)
        _carry_errors(excel_errors, table, ("quantity", "unit_price", "discount"), "revenue")
    if table == "orders" and "cost" not in df.columns and "profit" in df.columns and "revenue" in df.columns:
        df["cost"] = df["revenue"] - df["profit"]
        _carry_errors(excel_errors, table, ("revenue", "profit"), "cost")
    if table == "tickets" and "created_at" in df.columns:
        if "resolved_at" not in df.columns and "resolution_seconds" in df.columns:
            df["resolved_at"] = df["created_at"] + pd.to_timedelta(df["resolution_seconds"], unit="s")
            _carry_errors(excel_errors, table, ("resolution_seconds",), "resolved_at")
        if "first_response_at" not in df.columns and "wait_seconds" in df.columns:
            df["first_response_at"] = df["created_at"] + pd.to_timedelta(df["wait_seconds"], unit="s")
            _carry_errors(excel_errors, table, ("wait_seconds",), "first_response_at")
    return df


def _carry_errors(excel_errors: dict[tuple[str, str], int], table: str, sources: tuple[str, ...], target: str) -> None:
    n = sum(excel_errors.get((table, s), 0) for s in sources)
    if n:
        excel_errors[(table, target)] = excel_errors.get((table, target), 0) + n
