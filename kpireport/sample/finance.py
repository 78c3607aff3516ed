"""Expenses, targets and budgets, market size and OKRs of the sample company.

Targets and budgets come from the same plan the actuals scatter around (a smooth seasonal,
growing revenue curve), so a report on the sample shows a mix of hits and misses rather than
everything green or everything red.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .company import LINES, SALES_REPS, Window, days_in, month_text, quarter_text, to_dates

_SALARY_SHARE = np.array([0.35, 0.25, 0.40])
_RENT_SHARE = np.array([0.60, 0.10, 0.30])
_MARKETING_SHARE = np.array([0.30, 0.50, 0.20])


def _revenue(orders: pd.DataFrame) -> pd.DataFrame:
    return orders[orders["status"] != "cancelled"]


class Plan:
    """The smooth monthly revenue plan the company budgets against."""

    def __init__(self, w: Window, orders: pd.DataFrame, rng: np.random.Generator) -> None:
        self.w = w
        sold = _revenue(orders)
        levels = np.array([w.level(m) for m in w.months])
        shares = np.array([(w.bounds(m)[1] - w.bounds(m)[0]).astype(int) + 1 for m in w.months], float)
        shares /= np.array([m.days_in_month for m in w.months])
        self.base = float(sold["revenue"].sum()) / float((levels * shares).sum())
        total = float(sold["revenue"].sum())
        self.lob_share = {k: float(v) / total for k, v in sold.groupby("line_of_business")["revenue"].sum().items()}
        self.region_share = {k: float(v) / total for k, v in sold.groupby("region")["revenue"].sum().items()}
        self.rep_share = {k: float(v) / total for k, v in sold.groupby("sales_rep")["revenue"].sum().items()}
        # One planned capital project a quarter (a store fit-out, warehouse racking, the web shop).
        self.capex: dict[pd.Period, np.ndarray] = {}
        for month in w.months:
            if month.month % 3 == 1 or month == w.first_month:
                when = month + int(rng.integers(0, 3))
                if when <= w.months[-1]:
                    self.capex[when] = np.eye(3)[int(rng.integers(0, 3))] * 0.08 * self.run_rate(month)

    def revenue(self, month: pd.Period) -> float:
        return self.base * self.w.level(month)

    def run_rate(self, month: pd.Period) -> float:
        """Revenue without seasonality: what fixed costs (staff, rent) are sized to."""
        return self.base * self.w.trend(month)

    def expenses(self, month: pd.Period, campaign_cost: float) -> dict[str, np.ndarray]:
        """Expected expense per category, split over lines of business (Retail, Online, Wholesale)."""
        lob = np.array([self.lob_share.get(x, 0.0) for x in LINES])
        year_index = month.year - self.w.first_month.year
        return {
            "salaries": 0.13 * self.run_rate(month) * _SALARY_SHARE,
            "rent": 0.035 * self.base * 1.05**year_index * _RENT_SHARE,
            "operating": 0.03 * self.revenue(month) * lob,
            "marketing": (campaign_cost + 0.008 * self.run_rate(month)) * _MARKETING_SHARE,
            "sales": 0.02 * self.revenue(month) * lob + 1500 * self.w.trend(month),
            "investment": 0.008 * self.run_rate(month) * lob + self.capex.get(month, np.zeros(3)),
        }


def build_expenses(rng: np.random.Generator, w: Window, plan: Plan, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Expense lines: fixed monthly salaries and rent, scattered variable costs, quarterly capex."""
    spend = campaigns.groupby(campaigns["date"].dt.to_period("M"))["cost"].sum()
    rows: list[tuple] = []
    for month in w.months:
        lo, hi = w.bounds(month)
        for category, amounts in plan.expenses(month, float(spend.get(month, 0.0))).items():
            for k, amount in enumerate(amounts):
                if category == "salaries":
                    rows.append((min(lo + np.timedelta64(24, "D"), hi), amount, category, LINES[k]))
                elif category == "rent":
                    rows.append((lo, amount, category, LINES[k]))
                elif category == "investment" and month in plan.capex and plan.capex[month][k] > 0:
                    capex = float(plan.capex[month][k])
                    rows.append((days_in(rng, lo, hi, 1)[0], capex * rng.uniform(0.8, 1.3), category, LINES[k]))
                    rows.append(
                        (days_in(rng, lo, hi, 1)[0], (amount - capex) * rng.lognormal(0, 0.08), category, LINES[k])
                    )
                else:
                    parts = rng.dirichlet(np.full(3, 4.0)) * amount * rng.lognormal(0, 0.08)
                    rows.extend((d, p, category, LINES[k]) for d, p in zip(days_in(rng, lo, hi, 3), parts, strict=True))
    rows.sort(key=lambda r: r[0])
    df = pd.DataFrame(rows, columns=["date", "amount", "category", "line_of_business"])
    df["date"] = to_dates(df["date"].to_numpy())
    df["amount"] = df["amount"].astype(float).round(2)
    return df


def _round(value: float, step: float) -> float:
    return float(round(value / step) * step)


def build_targets(w: Window, plan: Plan, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Targets (revenue, service and funnel KPIs) and budgets (operating expenses per line)."""
    rows: list[tuple] = []

    def add(
        kpi: str, period: str, target: float, dim: str | None = None, member: str | None = None, kind: str = "target"
    ) -> None:
        rows.append((kpi, period, target, dim, member, kind))

    yearly = {  # year offset -> (churn, csat, resolution s, lead conv., gross margin, dso, win rate)
        0: (0.028, 4.1, 54000, 0.11, 0.39, 45, 0.35),
        1: (0.026, 4.15, 46800, 0.12, 0.395, 42, 0.37),
        2: (0.024, 4.2, 43200, 0.13, 0.40, 40, 0.38),
    }
    campaign_spend = tables["campaigns"].groupby(tables["campaigns"]["date"].dt.to_period("M"))["cost"].sum()
    for month in w.months:
        period = month_text(month)
        total = plan.revenue(month) * 1.03
        add("revenue", period, _round(total, 1000))
        for dim, shares in (("line_of_business", plan.lob_share), ("region", plan.region_share)):
            for member, share in shares.items():
                add("revenue", period, _round(total * share, 500), dim, member)
        expected = plan.expenses(month, float(campaign_spend.get(month, 0.0)))
        for k, line in enumerate(LINES):
            budget = sum(float(v[k]) for v in expected.values())
            add("operating_expenses", period, _round(budget, 500), "line_of_business", line, "budget")
        values = yearly[min(2, month.year - w.first_month.year)]
        for kpi, value in zip(
            ("churn_rate", "csat", "avg_resolution_time", "lead_conversion_rate", "gross_margin", "dso", "win_rate"),
            values,
            strict=True,
        ):
            add(kpi, period, value)
    leads = tables["leads"]
    quarters = sorted({quarter_text(m) for m in w.months})
    for q in quarters:
        months = [m for m in w.months if quarter_text(m) == q]
        full = pd.period_range(f"{months[0].year}-{3 * ((months[0].month - 1) // 3) + 1:02d}", periods=3, freq="M")
        q_revenue = sum(plan.revenue(m) for m in full) * 1.03
        for rep in SALES_REPS:
            add("revenue", q, _round(q_revenue * plan.rep_share.get(rep, 0.0), 1000), "sales_rep", rep)
        prior = leads["created_date"].dt.to_period("Q") == pd.Period(q.replace("-", ""), freq="Q") - 4
        if prior.any():
            add("new_leads", q, _round(int(prior.sum()) * 1.12, 10))
    customers, surveys = tables["customers"], tables["surveys"]
    for year in range(w.first_month.year + 1, w.months[-1].year + 1):
        gained = int((customers["acquired_date"].dt.year == year - 1).sum())
        add("new_customers", str(year), _round(gained * 1.15, 10))
        last = surveys.loc[surveys["date"].dt.year == year - 1, "nps"]
        if last.notna().any():
            add("nps", str(year), float(round(_nps(last) + 4)))
    return pd.DataFrame(rows, columns=["kpi", "period", "target", "dimension", "member", "kind"]).astype(
        {"kpi": "str", "period": "str", "target": float, "dimension": "str", "member": "str", "kind": "str"}
    )


def build_market(rng: np.random.Generator, w: Window, plan: Plan) -> pd.DataFrame:
    """Total market sales: grows ~8% a year, so our ~4-5% share creeps up."""
    rows = []
    for month in w.months:
        market = plan.base * w.level(month) / w.trend(month) * 1.08 ** w.years(month) / 0.042
        rows.append((month_text(month), _round(market * rng.lognormal(0, 0.03), 1000)))
    return pd.DataFrame(rows, columns=["period", "market_sales"]).astype({"period": "str"})


def _nps(scores: pd.Series) -> float:
    s = scores.dropna()
    return float(100 * ((s >= 9).mean() - (s <= 6).mean())) if len(s) else float("nan")


def _quarter_value(kpi: str, q: pd.Period, t: dict[str, pd.DataFrame]) -> float:
    """The KPI over one quarter, the simple way, to give each key result a real baseline."""
    lo, hi = q.start_time, q.end_time

    def within(s: pd.Series) -> pd.Series:
        return (s >= lo) & (s <= hi)

    if kpi == "nps":
        return round(_nps(t["surveys"].loc[within(t["surveys"]["date"]), "nps"]), 1)
    if kpi == "csat":
        return round(float(t["surveys"].loc[within(t["surveys"]["date"]), "csat"].mean()), 2)
    if kpi == "revenue":
        o = _revenue(t["orders"])
        return round(float(o.loc[within(o["order_date"]), "revenue"].sum()), -3)
    if kpi == "avg_resolution_time":
        tk = t["tickets"][within(t["tickets"]["resolved_at"])]
        return round(float((tk["resolved_at"] - tk["created_at"]).dt.total_seconds().mean()), -2)
    if kpi == "lead_conversion_rate":
        ld = t["leads"][within(t["leads"]["created_date"])]
        return round(float(ld["converted_date"].notna().mean()), 3)
    c = t["customers"]
    stock = ((c["acquired_date"] < lo) & (c["lost_date"].isna() | (c["lost_date"] >= lo))).sum()
    return round(float(within(c["lost_date"]).sum() / max(stock, 1)), 3)  # churn_rate


def build_okrs(w: Window, plan: Plan, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Three objectives, six key results on the last two quarters; baselines are last quarter's actuals."""
    last = pd.Period(str(w.end), freq="Q")
    # A short window may not hold the baseline quarter: then a typical value stands in.
    fallback = {
        "nps": 35.0,
        "csat": 4.1,
        "avg_resolution_time": 50000.0,
        "churn_rate": 0.075,
        "lead_conversion_rate": 0.12,
    }
    spec = [
        ("Customers love Northwind", "Raise NPS", "nps", 0, lambda b: round(b + 6)),
        ("Customers love Northwind", "Lift support satisfaction (CSAT)", "csat", 1, lambda b: round(b + 0.15, 2)),
        ("Customers love Northwind", "Resolve tickets faster", "avg_resolution_time", 0, lambda b: round(b * 0.85, -2)),
        ("Grow revenue profitably", "Grow quarterly revenue", "revenue", 1, lambda b: round(b * 1.12, -3)),
        ("Grow revenue profitably", "Cut customer churn", "churn_rate", 0, lambda b: round(b * 0.85, 3)),
        (
            "Build a predictable pipeline",
            "Convert more leads to customers",
            "lead_conversion_rate",
            1,
            lambda b: round(b + 0.02, 3),
        ),
    ]
    rows = []
    for objective, text, kpi, offset, goal in spec:
        q = last - 1 + offset
        before = q - 1
        baseline = _quarter_value(kpi, before, tables) if before.start_time >= pd.Timestamp(w.start) else np.nan
        if np.isnan(baseline):
            quarter = pd.period_range(before.start_time, before.end_time, freq="M")
            baseline = fallback.get(kpi, round(sum(plan.revenue(m) for m in quarter), -3))
        target = goal(baseline)
        label = f"{text} from {_fmt(kpi, baseline)} to {_fmt(kpi, target)} by end of {q.year}-Q{q.quarter}"
        rows.append((objective, label, kpi, f"{q.year}-Q{q.quarter}", baseline, target))
    return pd.DataFrame(rows, columns=["objective", "key_result", "kpi", "period", "baseline", "target"]).astype(
        {"objective": "str", "key_result": "str", "kpi": "str", "period": "str", "baseline": float, "target": float}
    )


def _fmt(kpi: str, value: float) -> str:
    if kpi in ("churn_rate", "lead_conversion_rate"):
        return f"{value:.1%}"
    if kpi == "avg_resolution_time":
        return f"{value / 3600:.1f} h"
    if kpi == "revenue":
        return f"{value:,.0f}"
    return f"{value:g}"
