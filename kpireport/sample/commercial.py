"""Customers, campaigns, leads, deals, orders and invoices of the sample company.

These tables reference each other (a converted lead becomes a customer on its converted date,
every order belongs to a customer active on the order date, invoices are the credit orders),
so they are built together from one simulated customer base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .company import (
    CAMPAIGN_CHANNELS,
    DAY,
    LEAD_CHANNELS,
    LINES,
    REGION_WEIGHTS,
    REGIONS,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    Window,
    days,
    days_in,
    money,
    pick,
    reps_for,
    to_dates,
    yes_no,
)

NEW_PER_MONTH = 60.0  # new customers in the first month of the window, before seasonality
LEGACY_CUSTOMERS = 1000  # customers migrated into the CRM in the first quarter of history
FROM_LEAD = 0.85  # share of new customers that came through a tracked lead
CHURN_HAZARD = np.array([0.030, 0.020, 0.008])  # monthly, per segment
ORDERS_PER_MONTH = 470.0
ORDER_RATE = np.array([1.5, 3.0, 6.0])  # relative purchase frequency per segment
FAR = np.datetime64("2999-12-31", "D")

# Primary line of business per segment (Retail, Online, Wholesale).
LOB_BY_SEGMENT = np.array([[0.62, 0.38, 0.0], [0.25, 0.40, 0.35], [0.0, 0.10, 0.90]])
CHANNEL_BY_LOB = {
    0: (("Store", "Web"), (0.82, 0.18)),
    1: (("Web", "Partner"), (0.92, 0.08)),
    2: (("Partner", "Web", "Store"), (0.75, 0.20, 0.05)),
}
# Where a segment's lead-sourced customers come from, in LEAD_CHANNELS order.
ACQUISITION_MIX = np.array(
    [
        [0.16, 0.06, 0.04, 0.18, 0.28, 0.16, 0.10, 0.02],
        [0.18, 0.02, 0.22, 0.06, 0.16, 0.12, 0.14, 0.10],
        [0.10, 0.00, 0.35, 0.00, 0.00, 0.05, 0.25, 0.25],
    ]
)
OTHER_LEAD_MIX = (0.17, 0.07, 0.10, 0.17, 0.27, 0.12, 0.04, 0.06)
LEAD_LAG_DAYS = np.array([4.0, 10.0, 22.0])  # gamma scale (shape 2) from lead to purchase


@dataclass
class CustomerBase:
    """The simulated customers as parallel arrays, plus what the other tables need of them."""

    ids: np.ndarray
    acquired: np.ndarray
    lost: np.ndarray
    segment: np.ndarray
    region: np.ndarray
    rep: np.ndarray
    lob: np.ndarray
    propensity: np.ndarray
    from_lead: np.ndarray
    channel: np.ndarray

    def active_on(self, day: np.datetime64) -> np.ndarray:
        return (self.acquired <= day) & (np.isnat(self.lost) | (self.lost > day))

    def sample_active(
        self, rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64, n: int, weight: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """n (customer, day) pairs in [lo, hi], each day inside that customer's active life."""
        start = np.maximum(self.acquired, lo)
        stop = np.minimum(np.where(np.isnat(self.lost), FAR, self.lost), hi)
        w = np.where(start <= stop, 1.0 if weight is None else weight, 0.0)
        if n == 0 or w.sum() == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[D]")
        chosen = rng.choice(len(w), size=n, p=w / w.sum())
        span = ((stop - start)[chosen] / DAY).astype(np.int64) + 1
        return chosen, start[chosen] + np.floor(rng.random(n) * span).astype(np.int64).astype("timedelta64[D]")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "customer_id": self.ids,
                "acquired_date": to_dates(self.acquired),
                "lost_date": to_dates(self.lost),
                "acquisition_channel": self.channel.astype(str),
                "referred": yes_no(self.channel == "referral"),
                "segment": np.array(SEGMENTS)[self.segment],
                "region": np.array(REGIONS)[self.region],
                "sales_rep": self.rep.astype(str),
            }
        )


def build_customers(rng: np.random.Generator, w: Window) -> CustomerBase:
    """Customers acquired from two years before the window, so there is a stock at its start."""
    history = pd.period_range(f"{w.first_month.year - 2}-01", str(w.end), freq="M")
    chunks = []
    for i, month in enumerate(history):
        lo, hi = np.datetime64(month.start_time.date(), "D"), min(np.datetime64(month.end_time.date(), "D"), w.end)
        n = rng.poisson(NEW_PER_MONTH * w.level(month, 0.5))
        if i < 3:
            n += rng.poisson(LEGACY_CUSTOMERS / 3)
        chunks.append(days_in(rng, lo, hi, n))
    acquired = np.sort(np.concatenate(chunks), kind="stable")
    n = len(acquired)
    segment = rng.choice(3, size=n, p=SEGMENT_WEIGHTS)
    region = rng.choice(4, size=n, p=REGION_WEIGHTS)
    lob = np.array([rng.choice(3, p=LOB_BY_SEGMENT[s]) for s in segment])
    lifetime = np.maximum(21.0, rng.exponential(30.44 / CHURN_HAZARD[segment]))
    lost = acquired + days(lifetime)
    lost[lost > w.end] = np.datetime64("NaT")
    in_window = acquired >= w.start
    from_lead = in_window & (rng.random(n) < FROM_LEAD)
    channel = np.empty(n, dtype=object)
    for s in range(3):
        sel = segment == s
        channel[sel] = pick(rng, LEAD_CHANNELS, ACQUISITION_MIX[s], int(sel.sum()))
    direct = ~from_lead & in_window
    walk_in = np.where(segment == 0, 0.7, 0.0)
    channel[direct] = np.where(rng.random(n) < walk_in, "store", "referral")[direct]
    old_store = ~in_window & (segment == 0) & (rng.random(n) < 0.25)
    channel[old_store] = "store"
    return CustomerBase(
        ids=np.array([f"C{i + 1:06d}" for i in range(n)]),
        acquired=acquired,
        lost=lost,
        segment=segment,
        region=region,
        rep=reps_for(rng, region),
        lob=lob,
        propensity=rng.gamma(4.0, 0.25, n),
        from_lead=from_lead,
        channel=channel,
    )


def _campaign_sends(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Campaign send rows (metrics other than leads); leads are attributed to them afterwards."""
    plan = {
        "email": ((3, 5), (1, 3), 7),
        "sms": ((1, 2), (1, 2), 10),
        "call": ((1, 1), (4, 4), 7),
        "social": ((1, 2), (2, 4), 5),
        "paid": ((2, 2), (4, 4), 7),
    }
    campaigns: list[tuple[np.datetime64, str, list[np.datetime64]]] = []
    for month in w.months:
        lo, hi = w.bounds(month)
        for channel, ((c_lo, c_hi), (s_lo, s_hi), gap) in plan.items():
            for _ in range(int(rng.integers(c_lo, c_hi + 1))):
                k = int(rng.integers(s_lo, s_hi + 1))
                first = days_in(rng, lo, min(hi, lo + 6 * DAY) if k >= 4 else hi, 1)[0]
                sends = [first + j * gap * DAY for j in range(k)]
                campaigns.append((first, channel, [d for d in sends if d <= w.end]))
    campaigns.sort(key=lambda c: c[0])
    rows = [(d, ch, f"CMP-{i + 1:04d}") for i, (_, ch, sends) in enumerate(campaigns) for d in sends]
    dates = np.array([r[0] for r in rows], dtype="datetime64[D]")
    channel = np.array([r[1] for r in rows], dtype=object)
    scale = np.array([w.level(pd.Period(str(d), freq="M"), 0.5) for d in dates])
    n = len(rows)
    u = rng.uniform(0.85, 1.12, n)
    nan = np.full(n, np.nan)
    sent, delivered, opened, clicks, cost = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    is_ = {c: channel == c for c in CAMPAIGN_CHANNELS}
    sent[is_["email"]] = np.rint(6500 * scale * u)[is_["email"]]
    sent[is_["sms"]] = np.rint(2600 * scale * u)[is_["sms"]]
    sent[is_["call"]] = np.rint(170 * scale * u)[is_["call"]]
    has_sent = ~np.isnan(sent)
    delivered_rate = np.where(is_["call"], 0.42, np.where(is_["sms"], 0.985, 0.975))
    delivered[has_sent] = rng.binomial(np.nan_to_num(sent).astype(int), delivered_rate)[has_sent]
    opened[is_["email"]] = rng.binomial(np.nan_to_num(delivered).astype(int), rng.uniform(0.17, 0.27, n))[is_["email"]]
    click_email = rng.binomial(np.nan_to_num(opened).astype(int), rng.uniform(0.09, 0.14, n))
    click_sms = rng.binomial(np.nan_to_num(delivered).astype(int), 0.017)
    clicks[is_["email"]] = click_email[is_["email"]]
    clicks[is_["sms"]] = click_sms[is_["sms"]]
    clicks[is_["social"]] = np.rint(420 * scale * u)[is_["social"]]
    clicks[is_["paid"]] = np.rint(600 * scale * u)[is_["paid"]]
    conv_base = np.where(is_["call"], np.nan_to_num(delivered), np.nan_to_num(clicks)).astype(int)
    conv_rate = np.select([is_["email"], is_["sms"], is_["call"], is_["social"]], [0.05, 0.07, 0.06, 0.03], 0.025)
    conversions = rng.binomial(conv_base, conv_rate).astype(float)
    cost[is_["email"]] = (0.004 * sent + 140 + rng.uniform(0, 60, n))[is_["email"]]
    cost[is_["sms"]] = (0.034 * sent)[is_["sms"]]
    cost[is_["call"]] = (2.4 * sent)[is_["call"]]
    cost[is_["social"]] = rng.uniform(250, 650, n)[is_["social"]]
    cost[is_["paid"]] = (clicks * rng.uniform(0.95, 1.35, n))[is_["paid"]]
    return pd.DataFrame(
        {
            "date": dates,
            "channel": channel,
            "campaign_id": [r[2] for r in rows],
            "sent": sent,
            "delivered": delivered,
            "opened": opened,
            "clicks": clicks,
            "conversions": conversions,
            "leads": np.zeros(n),
            "cost": money(cost),
        }
    )


def build_leads(rng: np.random.Generator, w: Window, base: CustomerBase) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leads (converted ones create the customers) and the campaign sends they came from."""
    sends = _campaign_sends(rng, w)
    conv = np.flatnonzero(base.from_lead)
    lag = rng.gamma(2.0, LEAD_LAG_DAYS[base.segment[conv]])
    c_created = np.maximum(base.acquired[conv] - days(lag), w.start)
    o_created, o_region = [], []
    for month in w.months:
        lo, hi = w.bounds(month)
        cr = 0.105 + 0.012 * w.years(month)
        expected = FROM_LEAD * NEW_PER_MONTH * w.level(month, 0.5)
        n = rng.poisson(expected * (1 - cr) / cr)
        o_created.append(days_in(rng, lo, hi, n))
        o_region.append(rng.choice(4, size=n, p=REGION_WEIGHTS))
    other_created, other_region = np.concatenate(o_created), np.concatenate(o_region)
    n_other = len(other_created)
    created = np.concatenate([c_created, other_created])
    region = np.concatenate([base.region[conv], other_region])
    channel = np.concatenate([base.channel[conv], pick(rng, LEAD_CHANNELS, OTHER_LEAD_MIX, n_other)])
    lob = np.concatenate([base.lob[conv], rng.choice(3, size=n_other, p=[0.35, 0.40, 0.25])])
    rep = np.concatenate([base.rep[conv], reps_for(rng, other_region)])
    converted = np.concatenate([np.ones(len(conv), bool), np.zeros(n_other, bool)])
    qual_p = np.where(np.isin(channel, ("event", "referral")), 0.45, 0.28)
    qualified = converted | (rng.random(len(created)) < qual_p)
    # Attribute campaign-channel leads to a send of that channel in the previous four weeks.
    row = np.full(len(created), -1)
    for ch in CAMPAIGN_CHANNELS:
        idx = np.flatnonzero(channel == ch)
        s_idx = np.flatnonzero(sends["channel"].to_numpy() == ch)
        s_dates = sends["date"].to_numpy()[s_idx]
        lo = np.searchsorted(s_dates, created[idx] - 28 * DAY, "left")
        hi = np.searchsorted(s_dates, created[idx], "right")
        ok = hi > lo
        choice = lo + np.floor(rng.random(len(idx)) * np.maximum(hi - lo, 1)).astype(int)
        row[idx[ok]] = s_idx[choice[ok]]
    orphan = np.isin(channel, CAMPAIGN_CHANNELS) & (row < 0)
    channel[orphan] = "organic"
    base.channel[conv[orphan[: len(conv)]]] = "organic"
    counts = np.bincount(row[row >= 0], minlength=len(sends))
    won = np.bincount(row[(row >= 0) & converted], minlength=len(sends))
    sends["leads"] = counts.astype(np.int64)
    sends["conversions"] = np.maximum(sends["conversions"].to_numpy(), won).astype(np.int64)
    sends["clicks"] = np.where(sends["clicks"].isna(), np.nan, np.maximum(sends["clicks"], counts))
    cost = np.where(
        row >= 0, sends["cost"].to_numpy()[np.maximum(row, 0)] / np.maximum(counts[np.maximum(row, 0)], 1), np.nan
    )
    order = np.argsort(created, kind="stable")
    customer = np.concatenate([base.ids[conv], np.full(n_other, None, dtype=object)])
    conv_date = np.concatenate([base.acquired[conv], np.full(n_other, np.datetime64("NaT"), "datetime64[D]")])
    campaign = np.where(row >= 0, sends["campaign_id"].to_numpy()[np.maximum(row, 0)], None)
    leads = pd.DataFrame(
        {
            "created_date": to_dates(created[order]),
            "lead_id": [f"L{i + 1:06d}" for i in range(len(order))],
            "channel": channel[order].astype(str),
            "campaign_id": pd.array(campaign[order], dtype="str"),
            "qualified": yes_no(qualified[order]),
            "converted_date": to_dates(conv_date[order]),
            "customer_id": pd.array(customer[order], dtype="str"),
            "cost": money(cost[order]),
            "region": np.array(REGIONS)[region[order]],
            "line_of_business": np.array(LINES)[lob[order]],
            "sales_rep": rep[order].astype(str),
        }
    )
    sends["date"] = to_dates(sends["date"].to_numpy())
    sends["channel"] = sends["channel"].astype(str)
    return leads, sends


def build_opportunities(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """B2B deals: won new business (one per new SMB/Enterprise customer), expansions, losses, pipeline."""
    parts: list[dict[str, np.ndarray]] = []
    b2b_new = np.flatnonzero((base.segment > 0) & (base.acquired >= w.start))
    cycle = 5 + rng.gamma(2.2, np.where(base.segment[b2b_new] == 2, 35.0, 14.0))
    parts.append(_deals(base, b2b_new, base.acquired[b2b_new] - days(cycle), base.acquired[b2b_new], 1.0, rng))
    for month in w.months:
        lo, hi = w.bounds(month)
        pool = np.flatnonzero((base.segment > 0) & (base.acquired < lo) & (np.isnat(base.lost) | (base.lost > hi)))
        chosen = rng.choice(pool, size=rng.poisson(0.035 * len(pool)), replace=False)
        created = days_in(rng, lo, hi, len(chosen))
        closed = created + days(3 + rng.gamma(2.0, 12.0, len(chosen)))
        deal = _deals(base, chosen, created, closed, 0.4, rng)
        deal["stage"] = np.where(rng.random(len(chosen)) < 0.6, "won", "lost")
        parts.append(deal)
    future = pd.period_range(str(w.first_month), str(w.first_month + len(w.months) + 3), freq="M")
    for month in future:
        lo, hi = np.datetime64(month.start_time.date(), "D"), np.datetime64(month.end_time.date(), "D")
        n_lost = rng.poisson(30 * w.trend(month))
        n_win = rng.poisson(13 * w.trend(month)) if lo > w.end else 0
        n = n_lost + n_win
        closed = days_in(rng, lo, hi, n)
        region = rng.choice(4, size=n, p=REGION_WEIGHTS)
        seg = np.where(rng.random(n) < 0.8, 1, 2)
        created = closed - days(3 + rng.gamma(2.0, np.where(seg == 2, 30.0, 16.0)))
        parts.append(
            {
                "created": created,
                "closed": closed,
                "stage": np.array(["lost"] * n_lost + ["won"] * n_win),
                "amount": _deal_amount(rng, seg, 1.0),
                "years": rng.choice([1, 2, 3], size=n, p=[0.5, 0.3, 0.2]),
                "customer": np.full(n, None, dtype=object),
                "rep": reps_for(rng, region),
                "region": region,
                "lob": rng.choice(3, size=n, p=[0.10, 0.25, 0.65]),
            }
        )
    d = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keep = d["created"] <= w.end
    d = {k: v[keep] for k, v in d.items()}
    open_ = d["closed"] > w.end
    d["stage"] = np.where(open_, "open", d["stage"])
    d["closed"] = np.where(open_, np.datetime64("NaT"), d["closed"])
    order = np.argsort(d["created"], kind="stable")
    # The stage's chance of winning: 1 won, 0 lost, an open deal by its stage.
    stage_odds = rng.choice([0.1, 0.25, 0.5, 0.75, 0.9], size=len(order), p=[0.3, 0.25, 0.2, 0.15, 0.1])
    stage = d["stage"][order]
    probability = np.where(stage == "won", 1.0, np.where(stage == "lost", 0.0, stage_odds))
    return pd.DataFrame(
        {
            "opportunity_id": [f"OPP-{i + 1:05d}" for i in range(len(order))],
            "created_date": to_dates(d["created"][order]),
            "stage": d["stage"][order].astype(str),
            "closed_date": to_dates(d["closed"][order]),
            "amount": money(d["amount"][order] * d["years"][order]),
            "contract_years": d["years"][order].astype(np.int64),
            "customer_id": pd.array(d["customer"][order], dtype="str"),
            "sales_rep": d["rep"][order].astype(str),
            "region": np.array(REGIONS)[d["region"][order]],
            "line_of_business": np.array(LINES)[d["lob"][order]],
            "probability": probability,
        }
    )


def _deal_amount(rng: np.random.Generator, segment: np.ndarray, factor: float) -> np.ndarray:
    """Yearly contract value: SMB around 9k, Enterprise around 42k, rounded to 50."""
    median = np.where(segment == 2, 42000.0, 9000.0) * factor
    return np.round(median * rng.lognormal(0.0, 0.5, len(segment)) / 50) * 50


def _deals(
    base: CustomerBase,
    idx: np.ndarray,
    created: np.ndarray,
    closed: np.ndarray,
    factor: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    return {
        "created": created,
        "closed": closed,
        "stage": np.array(["won"] * len(idx), dtype=object),
        "amount": _deal_amount(rng, base.segment[idx], factor),
        "years": rng.choice([1, 2, 3], size=len(idx), p=[0.5, 0.3, 0.2]),
        "customer": base.ids[idx].astype(object),
        "rep": base.rep[idx],
        "region": base.region[idx],
        "lob": base.lob[idx],
    }


def build_orders(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """Orders: each new customer's first purchase on its acquired date, then repeat purchases."""
    firsts = np.flatnonzero(base.acquired >= w.start)
    cust_parts, date_parts = [firsts], [base.acquired[firsts]]
    weight = ORDER_RATE[base.segment] * base.propensity
    for month in w.months:
        lo, hi = w.bounds(month)
        first_here = int(((base.acquired[firsts] >= lo) & (base.acquired[firsts] <= hi)).sum())
        n = max(0, rng.poisson(ORDERS_PER_MONTH * w.level(month)) - first_here)
        # A repeat purchase comes at least a day after the first one.
        chosen, when = base.sample_active(rng, lo, hi, n, np.where(base.acquired < hi, weight, 0.0))
        when = np.maximum(when, base.acquired[chosen] + DAY)
        keep = np.isnat(base.lost[chosen]) | (when <= base.lost[chosen])
        cust_parts.append(chosen[keep])
        date_parts.append(when[keep])
    cust = np.concatenate(cust_parts)
    order_date = np.concatenate(date_parts)
    order = np.argsort(order_date, kind="stable")
    cust, order_date = cust[order], order_date[order]
    n = len(cust)
    seg = base.segment[cust]
    lob = np.where(rng.random(n) < 0.85, base.lob[cust], -1)
    for s in range(3):
        sel = (lob < 0) & (seg == s)
        lob[sel] = rng.choice(3, size=int(sel.sum()), p=LOB_BY_SEGMENT[s])
    channel = np.empty(n, dtype=object)
    for line, (names, weights) in CHANNEL_BY_LOB.items():
        sel = lob == line
        channel[sel] = pick(rng, names, weights, int(sel.sum()))
    quantity = np.select(
        [seg == 0, seg == 1],
        [1 + rng.poisson(0.7, n), 2 + rng.poisson(rng.gamma(2.0, 5.0, n))],
        15 + rng.poisson(rng.gamma(2.0, 13.0, n)),
    )
    retail_price = np.maximum(9.99, np.round(110 * rng.lognormal(0, 0.6, n)) - 0.01)
    trade_price = np.round(52 * rng.lognormal(0, 0.35, n), 2)
    unit_price = np.where(seg == 0, retail_price, trade_price)
    rate = np.select(
        [seg == 0, seg == 1],
        [
            rng.choice([0, 0.05, 0.1, 0.15, 0.2], size=n, p=[0.62, 0.12, 0.13, 0.08, 0.05]),
            np.round(rng.uniform(0.03, 0.12, n), 2),
        ],
        np.round(rng.uniform(0.08, 0.18, n), 2),
    )
    gross = quantity * unit_price
    discount = money(gross * rate)
    revenue = money(gross - discount)
    cost_ratio = np.clip(np.array([0.56, 0.585, 0.635])[lob] + rng.normal(0, 0.025, n), 0.45, 0.75)
    u = rng.random(n)
    status = np.where(
        u < 0.03, "cancelled", np.where(u < 0.03 + np.where(seg == 0, 0.03, 0.012), "returned", "completed")
    )
    credit_p = np.array([0.0, 0.7, 0.95])[seg]
    payment = np.where(rng.random(n) < credit_p, "credit", "cash")
    promise = np.select([channel == "Store", channel == "Web"], [0, 4], 10)
    late = rng.random(n) < np.select([channel == "Store", channel == "Web"], [0.0, 0.13], 0.14)
    took = np.where(late, promise + rng.integers(1, 7, n), np.maximum(0, promise - rng.integers(0, 3, n)))
    due = order_date + days(promise)
    delivered = order_date + days(took)
    delivered[(status == "cancelled") | (delivered > w.end)] = np.datetime64("NaT")
    # Shipping charged: none in store, free from 150 on the web, a flat fee below it; trade
    # (field) orders pay by the box.
    freight = np.select([channel == "Store", channel == "Web"],
                        [0.0, np.where(revenue >= 150, 0.0, 6.95)], 12.5 + 0.5 * quantity)
    return pd.DataFrame(
        {
            "order_id": [f"O{i + 1:07d}" for i in range(n)],
            "order_date": to_dates(order_date),
            "customer_id": base.ids[cust],
            "revenue": revenue,
            "cost": money(revenue * cost_ratio),
            "quantity": quantity.astype(np.int64),
            "unit_price": unit_price,
            "discount": discount,
            "status": status,
            "payment": payment,
            "due_date": to_dates(due),
            "delivered_date": to_dates(delivered),
            "freight": money(freight),
            "region": np.array(REGIONS)[base.region[cust]],
            "line_of_business": np.array(LINES)[lob],
            "channel": channel.astype(str),
            "sales_rep": base.rep[cust].astype(str),
            "segment": np.array(SEGMENTS)[seg],
        }
    )


def build_invoices(rng: np.random.Generator, w: Window, orders: pd.DataFrame) -> pd.DataFrame:
    """One invoice per completed credit order; paid a little after the 30/45-day terms."""
    inv = orders[(orders["payment"] == "credit") & (orders["status"] == "completed")].reset_index(drop=True)
    n = len(inv)
    issued = inv["order_date"].to_numpy().astype("datetime64[D]")
    terms = np.where(inv["segment"].to_numpy() == "Enterprise", 45, 30)
    slip = np.maximum(2, terms + rng.normal(2, 8, n) + np.where(rng.random(n) < 0.05, rng.uniform(20, 45, n), 0))
    paid = issued + days(slip)
    paid[(paid > w.end) | (rng.random(n) < 0.004)] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "invoice_id": [f"INV-{i + 1:06d}" for i in range(n)],
            "invoice_date": to_dates(issued),
            "amount": inv["revenue"].to_numpy(),
            "due_date": to_dates(issued + days(terms)),
            "paid_date": to_dates(paid),
            "customer_id": inv["customer_id"].to_numpy(),
        }
    )


def build_payments(orders: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """Money received: a cash order is paid with its shipping on the day it is placed (a returned
    one too: the refund is not a payment); a credit order when its invoice is paid."""
    cash = orders[(orders["payment"] == "cash") & (orders["status"] != "cancelled")]
    credit = orders[(orders["payment"] == "credit") & (orders["status"] == "completed")].reset_index(drop=True)
    paid = invoices["paid_date"].notna().to_numpy()  # invoices are the credit orders, row for row
    out = pd.DataFrame(
        {
            "order_id": np.concatenate([cash["order_id"].to_numpy(), credit["order_id"].to_numpy()[paid]]),
            "date": np.concatenate([cash["order_date"].to_numpy(), invoices["paid_date"].to_numpy()[paid]]),
            "amount": np.concatenate([money(cash["revenue"].to_numpy() + cash["freight"].to_numpy()),
                                      invoices["amount"].to_numpy()[paid]]),
            "payment": np.array(["card"] * len(cash) + ["bank transfer"] * int(paid.sum())),
        }
    )
    return out.sort_values(["date", "order_id"], kind="stable").reset_index(drop=True)
