"""A small hand-made company whose KPIs are worked out by hand in test_core_kpis.py.

Every number in the expectations there follows from these rows; change a row and the
comment beside the expectation says which figure moves.
"""

from __future__ import annotations

import pandas as pd

from kpireport.dataset import Dataset


def _dt(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[us]")


def small_dataset() -> Dataset:
    orders = pd.DataFrame({
        "order_date": _dt(["2026-01-10", "2026-01-20", "2026-02-05", "2026-02-06", "2026-04-15", "2026-05-01"]),
        "revenue": [100.0, 300.0, 200.0, 999.0, 400.0, 100.0],
        "cost": [60.0, 200.0, 100.0, 1.0, 300.0, 50.0],
        "status": pd.Series(["completed", "Completed", "completed", "cancelled", "completed", "returned"],
                            dtype="string"),
        "region": pd.Series(["North", "South", "North", "North", "South", "North"], dtype="string"),
    })
    leads = pd.DataFrame({
        "created_date": _dt(["2026-01-03", "2026-01-15", "2026-02-01", "2026-02-10", "2026-02-20", "2026-04-01"]),
        "converted_date": _dt(["2026-01-20", None, "2026-03-01", None, None, "2026-04-30"]),
    })
    customers = pd.DataFrame({
        # G and H make the start and end counts differ in every churn period of test_core_kpis
        # (Jan 3 vs 4, Feb 4 vs 3, Q1 3 vs 4, Q2 4 vs 5, year 3 vs 5): dividing churn by the
        # wrong count fails there.
        "customer_id": pd.Series(list("ABCDEFGH"), dtype="string"),
        "acquired_date": _dt(["2025-06-01", "2025-10-01", "2026-01-20", "2025-12-15", "2026-03-01", "2026-04-30",
                              "2026-01-25", "2026-05-25"]),
        "lost_date": _dt([None, "2026-02-10", None, "2026-01-05", "2026-05-20", None, None, None]),
    })
    tickets = pd.DataFrame({
        "created_at": _dt(["2026-01-02 09:00", "2026-01-30 10:00", "2026-02-10 08:00", "2026-02-20 08:00",
                           "2026-05-05 12:00"]),
        "resolved_at": _dt(["2026-01-02 13:00", "2026-02-01 10:00", "2026-02-10 10:00", None, "2026-05-06 12:00"]),
    })
    surveys = pd.DataFrame({
        "date": _dt(["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-02-01", "2026-04-01"]),
        "nps": [10.0, 9.0, 3.0, 7.0, 6.0, 10.0],
        "csat": [5.0, 4.0, 2.0, None, 3.0, 5.0],
    })
    invoices = pd.DataFrame({
        "invoice_date": _dt(["2026-01-10", "2026-01-25", "2026-02-10", "2026-03-05", "2026-05-01"]),
        "amount": [1000.0, 500.0, 2000.0, 300.0, 600.0],
        "paid_date": _dt(["2026-02-15", None, "2026-02-20", "2026-04-10", "2026-06-10"]),
    })
    return Dataset(tables={"orders": orders, "leads": leads, "customers": customers, "tickets": tickets,
                           "surveys": surveys, "invoices": invoices})
