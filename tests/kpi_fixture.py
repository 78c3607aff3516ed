"""A tiny hand-made company with every canonical table, for the catalog's KPI maths.

Three months: January and February 2026 hold the activity, March is left (almost) empty so
that empty periods and zero denominators are exercised. Every expected number in
test_kpi_math.py follows from these rows by hand; the comments there say how.
"""

from __future__ import annotations

import pandas as pd

from kpireport.dataset import Dataset

T, F, N = True, False, None


def dt(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[us]")


def text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="string")


def flag(values: list[bool | None]) -> pd.Series:
    return pd.Series(values, dtype="boolean")


def num(values: list[float | None]) -> pd.Series:
    return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")


def tables() -> dict[str, pd.DataFrame]:
    t: dict[str, pd.DataFrame] = {}
    t["orders"] = pd.DataFrame({
        "order_date": dt(["2026-01-05", "2026-01-12", "2026-01-20", "2026-01-25", "2026-02-03"]),
        "customer_id": text(["C1", "C1", "C2", "C3", "C2"]),
        "revenue": num([100, 200, 300, 500, 400]),
        "cost": num([60, 120, 150, 1, 200]),
        "status": text(["completed", "completed", "Completed", "cancelled", "completed"]),
        "region": text(["North", "South", "North", "North", "South"]),
        "line_of_business": text(["Retail", "Online", "Retail", "Retail", "Online"]),
        "channel": text(["Web", "Store", "Web", "Web", "Store"]),
        "sales_rep": text(["Ann", "Bob", "Ann", "Ann", "Bob"]),
        "segment": text(["SMB", "Consumer", "SMB", "SMB", "Consumer"]),
        "quantity": num([1, 2, 3, 4, 5]),
        "discount": num([0, 50, 0, 0, 100]),
        "freight": num([5, 10, 0, 7, 20]),
        "due_date": dt(["2026-01-10", "2026-01-15", "2026-01-25", "2026-01-30", "2026-02-06"]),
        "delivered_date": dt(["2026-01-09", "2026-01-17", "2026-01-25", None, "2026-02-06"]),
    })
    t["payments"] = pd.DataFrame({
        "order_id": text(["O1", "O3", "O5"]),
        "date": dt(["2026-01-06", "2026-01-20", "2026-02-10"]),
        "amount": num([100, 305, 420]),
    })
    t["customers"] = pd.DataFrame({
        "customer_id": text(["C1", "C2", "C3", "C4", "C5", "C6"]),
        "acquired_date": dt(["2025-12-01", "2025-11-15", "2026-01-10", "2026-01-20", "2026-02-15", "2025-10-01"]),
        "lost_date": dt([None, "2026-02-10", None, "2026-01-28", None, "2026-01-05"]),
        "referred": flag([F, T, T, F, F, F]),
        "region": text(["North", "South", "North", "South", "North", "South"]),
        "segment": text(["SMB", "Consumer", "SMB", "Consumer", "SMB", "Consumer"]),
        "monthly_charges": num([100, 50, 80, 30, 60, 20]),
    })
    t["leads"] = pd.DataFrame({
        "created_date": dt(["2026-01-04", "2026-01-15", "2026-01-25", "2026-02-02"]),
        "qualified": flag([T, F, T, T]),
        "converted_date": dt(["2026-01-10", None, "2026-02-15", None]),
        "channel": text(["email", "web", "email", "web"]),
    })
    t["opportunities"] = pd.DataFrame({
        "created_date": dt(["2025-12-01", "2026-01-02", "2026-01-10", "2026-01-20", "2026-02-01"]),
        "stage": text(["won", "lost", "Won", "open", "won"]),
        "closed_date": dt(["2026-01-15", "2026-01-22", "2026-02-19", None, "2026-02-11"]),
        "amount": num([12000, 5000, 3000, 8000, 9000]),
        "contract_years": num([2, 1, 1, None, 3]),
        "sales_rep": text(["Ann", "Bob", "Ann", "Bob", "Bob"]),
        "probability": num([1, 0, 1, 0.5, 1]),
    })
    t["campaigns"] = pd.DataFrame({
        "date": dt(["2026-01-05", "2026-01-20", "2026-01-10", "2026-01-12", "2026-01-15", "2026-02-03", "2026-02-10"]),
        "channel": text(["email", "Email", "email", "sms", "call", "email", "paid"]),
        "campaign_id": text(["CMP1", "CMP1", "CMP2", "CMP3", "CMP4", "CMP2", "CMP5"]),
        "sent": num([1000, 1000, 500, 200, 40, 500, None]),
        "clicks": num([50, 30, 20, None, None, 10, 100]),
        "cost": num([100, 100, 50, 20, 30, 50, 250]),
    })
    t["web"] = pd.DataFrame({
        "date": dt(["2026-01-01", "2026-01-02", "2026-02-01"]),
        "visits": num([1000, 1000, 500]),
        "visitors": num([800, 700, 500]),
        "conversions": num([20, 30, 5]),
        "carts_created": num([100, 100, 50]),
        "carts_abandoned": num([70, 60, 45]),
        "revenue": num([1600, 1400, 500]),
    })
    t["tickets"] = pd.DataFrame({
        "created_at": dt(["2026-01-03 09:00", "2026-01-10 10:00", "2026-01-20 08:00", "2026-01-30 12:00",
                          "2026-02-10 09:00"]),
        "first_response_at": dt(["2026-01-03 09:30", "2026-01-10 11:00", None, "2026-01-30 13:00", "2026-02-10 09:10"]),
        "resolved_at": dt(["2026-01-03 11:00", "2026-01-12 10:00", "2026-01-20 08:10", "2026-02-02 12:00", None]),
        "first_contact_resolved": flag([T, F, N, T, N]),
        "self_service": flag([F, F, T, F, F]),
        "complaint": flag([F, T, F, T, F]),
        "handle_seconds": num([600, 1200, None, 900, None]),
        "channel": text(["email", "phone", "web", "phone", "email"]),
        "agent": text(["Ann", "Bob", None, "Ann", "Bob"]),
        "answered": flag([T, T, N, F, T]),
        "wait_seconds": num([15, 60, None, None, 10]),
        "resolved": flag([T, F, N, T, F]),
    })
    t["interactions"] = pd.DataFrame({
        "date": dt(["2026-01-01", "2026-01-01", "2026-02-01"]),
        "channel": text(["email", "phone", "email"]),
        "count": num([100, 50, 100]),
        "cost": num([50, 250, 60]),
    })
    t["surveys"] = pd.DataFrame({
        "date": dt(["2026-01-05", "2026-01-10", "2026-01-15", "2026-01-20", "2026-01-25", "2026-01-26", "2026-01-27",
                    "2026-01-28", "2026-02-05"]),
        "nps": num([10, 9, 6, 8, None, None, None, None, 3]),
        "csat": num([5, 4, 3, None, None, None, None, None, 2]),
        "ces": num([4, 5, None, 3, None, None, None, None, 2]),
        "aware": flag([N, N, N, N, T, F, T, T, F]),
        "region": text(["North", "South", "North", "South", "North", "South", "North", "South", "North"]),
    })
    t["campaign_responses"] = pd.DataFrame({
        "date": dt(["2026-01-05", "2026-01-05", "2026-01-20", "2026-02-03", "2026-02-03"]),
        "campaign_id": text(["X", "X", "Y", "Z", "Z"]),
        "contacted": flag([T, T, T, T, F]),
        "accepted": flag([T, F, F, T, F]),
        "cost": num([2, 2, 4, 3, 0]),
        "revenue": num([10, 0, 0, 6, 0]),
        "complaint": flag([F, T, F, F, F]),
        "line_of_business": text(["Retail", "Retail", "Online", "Retail", "Retail"]),
    })
    t["expenses"] = pd.DataFrame({
        "date": dt(["2026-01-15", "2026-01-20", "2026-01-25", "2026-01-31", "2026-02-15", "2026-02-20"]),
        "amount": num([100, 50, 30, 20, 80, 60]),
        "category": text(["Marketing", "sales", "investment", "rent", "marketing", "Investment"]),
        "line_of_business": text(["Retail", "Online", "Retail", "Online", "Retail", "Online"]),
    })
    t["invoices"] = pd.DataFrame({
        "invoice_date": dt(["2026-01-10", "2026-01-20", "2026-02-15"]),
        "amount": num([1000, 500, 300]),
        "paid_date": dt(["2026-01-25", "2026-02-10", None]),
    })
    t["market"] = pd.DataFrame({"period": text(["2026-01", "2026-02"]), "market_sales": num([6000, 5000])})
    t["production"] = pd.DataFrame({
        "date": dt(["2026-01-10", "2026-01-20", "2026-02-10"]),
        "units": num([1000, 500, 800]),
        "defective_units": num([20, 5, 8]),
        "hours": num([100, 50, 100]),
        "planned_hours": num([160, 160, 100]),
        "running_hours": num([150, 130, 100]),
        "line_of_business": text(["A", "B", "A"]),
    })
    t["social"] = pd.DataFrame({
        "date": dt(["2025-12-31", "2025-12-31", "2026-01-15", "2026-01-31", "2026-02-10"]),
        "platform": text(["Instagram", "LinkedIn", "Instagram", "LinkedIn", "Instagram"]),
        "impressions": num([100, 100, 1000, 500, 2000]),
        "reach": num([80, 90, 600, 300, 1500]),
        "engagements": num([5, 5, 50, 25, 40]),
        "clicks": num([1, 2, 10, 5, 20]),
        "followers": num([1000, 500, 1100, 520, 1150]),
        "hashtag": text(["#a", "#b", "#a #b", "#b", "#a"]),
    })
    t["tasks"] = pd.DataFrame({
        "created_date": dt(["2026-01-02", "2026-01-05", "2026-01-10", "2026-01-20", "2026-02-01"]),
        "due_date": dt(["2026-01-10", "2026-01-15", "2026-01-31", "2026-02-05", None]),
        "started_date": dt(["2026-01-03", "2026-01-06", "2026-01-12", "2026-01-25", None]),
        "completed_date": dt(["2026-01-08", "2026-01-20", None, "2026-02-04", "2026-02-10"]),
        "errors": num([1, 0, None, 3, 0]),
        "assignee": text(["Ann", "Bob", "Ann", "Bob", "Ann"]),
    })
    t["staff"] = pd.DataFrame({
        "period": text(["2026-01", "2026-01", "2026-02"]),
        "employees": num([4, 2, 5]),
        "available_hours": num([640, 320, 800]),
        "busy_hours": num([480, 160, 720]),
        "team": text(["Sales", "Support", "Sales"]),
    })
    t["product_usage"] = pd.DataFrame({
        "date": dt(["2026-01-01", "2026-02-01"]),
        "active_users": num([1000, 1200]),
        "downloads": num([100, 150]),
    })
    t["targets"] = pd.DataFrame({
        "kpi": text(["revenue", "revenue", "Revenue (net sales)", "operating_expenses", "operating_expenses",
                     "operating_expenses", "operating_expenses", "csat", "no_such_kpi"]),
        "period": text(["2026-01", "2026-01", "2026", "2026-01", "2026-01", "2026-02", "2026-01", "2026", "2026-01"]),
        "target": num([500, 300, 3650, 120, 60, 150, 190, 4.2, 1]),
        "dimension": text([None, "region", None, "line_of_business", "line_of_business", None, None, None, None]),
        "member": text([None, "North", None, "Retail", "Online", None, None, None, None]),
        "kind": text(["target", None, "target", "budget", "Budget", "bütçe", "target", None, None]),
    })
    t["okrs"] = pd.DataFrame({
        "objective": text(["Grow", "Grow", "Service", "Service"]),
        "key_result": text(["Revenue to 1200 in Q1", "Cut churn to 50 %", "CSAT to 5", "Something unmeasured"]),
        "kpi": text(["revenue", "Churn (attrition) rate", "csat", "no_such_kpi"]),
        "period": text(["2026-Q1", "2026-Q1", "2026-Q2", "2026-Q1"]),
        "baseline": num([800, 1.5, 3, 0]),
        "target": num([1200, 0.5, 5, 1]),
    })
    return t


def dataset(**overrides: pd.DataFrame | None) -> Dataset:
    """The fixture company; a keyword replaces a table (None removes it)."""
    t = tables()
    for name, df in overrides.items():
        if df is None:
            t.pop(name, None)
        else:
            t[name] = df
    return Dataset(tables=t)
