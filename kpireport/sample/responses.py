"""Call outcomes, churn-list columns and campaign responses of the sample company.

They feed the call-centre, churn and campaign KPIs (answer and abandon rate, service level,
revenue at risk, churn by contract and payment method, campaign response rate and ROI). Each is
drawn from its own random stream on top of tables already built, so the figures of every other
KPI stay what they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .commercial import CustomerBase
from .company import LINES, money, unknown_where, yes_no

ABANDONED = 0.07  # share of phone calls the caller hangs up before an agent answers (called back later)
CONTRACTS = ("Month-to-month", "One year", "Two year")
PAYMENT_METHODS = ("Credit card", "Bank transfer", "Direct debit", "Invoice")
_PAYMENT_BY_SEGMENT = np.array([[0.55, 0.15, 0.25, 0.05], [0.25, 0.30, 0.20, 0.25], [0.05, 0.35, 0.10, 0.50]])
_CHARGES = np.array([45.0, 260.0, 1400.0])  # mean monthly charges per segment
# Campaigns that contact named customers (social and paid ads reach an audience, not a list):
# response probability, cost per contact and revenue per response by channel.
_DIRECT = {"email": (0.04, 0.10, 95.0), "sms": (0.03, 0.25, 70.0), "call": (0.11, 6.50, 160.0)}
# Each channel's sends belong to one recurring programme, the campaign a marketer compares.
PROGRAMMES = {"email": "Newsletter offer", "sms": "SMS flash sale", "call": "Win-back calls"}
CONTACTS_PER_CAMPAIGN = 24
CONTROL = 0.05  # share of a campaign's list held out as a control group (listed, not contacted)


def with_call_outcomes(rng: np.random.Generator, tickets: pd.DataFrame) -> pd.DataFrame:
    """Phone tickets get answered (Y/N) and the speed of answer in seconds (the wait until the
    first response, blank when the caller hung up); other channels have no answered flag."""
    phone = (tickets["channel"] == "phone").to_numpy()
    answered = unknown_where(rng.random(len(tickets)) >= ABANDONED, ~phone)
    wait = (tickets["first_response_at"] - tickets["created_at"]).dt.total_seconds().to_numpy()
    wait = np.where(phone & (answered == True), wait, np.nan)  # noqa: E712 (object array of True/False/None)
    out = tickets.copy()
    at = out.columns.get_loc("first_response_at") + 1
    out.insert(at, "wait_seconds", wait)
    out.insert(at, "answered", yes_no(answered))
    return out


def with_churn_columns(rng: np.random.Generator, customers: pd.DataFrame, base: CustomerBase) -> pd.DataFrame:
    """Contract, payment method and monthly charges: longer contracts go to the customers who
    stay longer (as in real churn lists), payment methods and charges follow the segment."""
    n = len(customers)
    stays = np.where(np.isnat(base.lost), np.datetime64("2100-01-01"), base.lost) - base.acquired
    rank = pd.Series(stays.astype("timedelta64[D]").astype(np.int64)).rank(pct=True).to_numpy()
    score = 0.6 * rank + 0.4 * rng.random(n) + 0.15 * base.segment
    contract = np.array(CONTRACTS)[np.digitize(score, [0.55, 0.8])]
    payment = np.array([rng.choice(len(PAYMENT_METHODS), p=_PAYMENT_BY_SEGMENT[s]) for s in base.segment])
    out = customers.copy()
    out["contract"] = contract
    out["payment_method"] = np.array(PAYMENT_METHODS)[payment]
    out["monthly_charges"] = money(_CHARGES[base.segment] * rng.lognormal(0, 0.35, n))
    return out


def build_campaign_responses(rng: np.random.Generator, campaigns: pd.DataFrame, base: CustomerBase) -> pd.DataFrame:
    """One row per customer on a direct campaign's list (email, SMS, call), dated by the
    campaign's first send and named by its channel's programme: contacted (a control group is
    not), accepted, cost, revenue, the line of business it promotes, whether they complained."""
    first = campaigns[campaigns["channel"].isin(list(_DIRECT))].groupby("campaign_id", sort=True).agg(
        date=("date", "min"), channel=("channel", "first"))
    parts = []
    for _, row in first.iterrows():
        day = np.datetime64(row["date"].date(), "D")
        active = np.flatnonzero(base.active_on(day))
        if len(active) == 0:
            continue
        chosen = rng.choice(active, size=min(CONTACTS_PER_CAMPAIGN, len(active)), replace=False)
        k = len(chosen)
        p_accept, cost, revenue = _DIRECT[row["channel"]]
        contacted = rng.random(k) >= CONTROL
        accepted = contacted & (rng.random(k) < p_accept * (0.5 + base.propensity[chosen]))
        parts.append(pd.DataFrame({
            "date": pd.Timestamp(day), "campaign_id": PROGRAMMES[row["channel"]], "customer_id": base.ids[chosen],
            "contacted": yes_no(contacted), "accepted": yes_no(accepted),
            "cost": np.where(contacted, cost, 0.0),
            "revenue": money(np.where(accepted, revenue * rng.lognormal(0, 0.3, k), 0.0)),
            "line_of_business": LINES[int(rng.integers(len(LINES)))],
            "complaint": yes_no(contacted & (rng.random(k) < 0.006)),
            "channel": row["channel"],
        }))
    return pd.concat(parts, ignore_index=True).sort_values(["date", "campaign_id"], kind="stable")
