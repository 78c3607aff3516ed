"""Customers, orders, invoices and payments of the sample company.

These tables reference each other (a converted lead becomes a customer on its converted date,
every order belongs to a customer active on the order date, invoices are the credit orders),
so they are built together from one simulated customer base; its campaigns and leads
(leads.py) and deals (deals.py) are drawn from the same base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .company import (
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


def build_orders(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """Orders: each new customer's first purchase on its acquired date, then repeat purchases."""
    cust, order_date = _purchases(rng, w, base)
    n = len(cust)
    seg = base.segment[cust]
    lob, channel = _line_and_channel(rng, base.lob[cust], seg)
    quantity, unit_price, rate = _basket(rng, seg)
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
    due, delivered = _delivery(rng, w, channel, order_date, status)
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


def _purchases(rng: np.random.Generator, w: Window, base: CustomerBase) -> tuple[np.ndarray, np.ndarray]:
    """(customer index, order day) of every order, by day: each new customer's first purchase on
    its acquired date, then repeat purchases by active customers, weighted by how often they buy."""
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
    return cust[order], order_date[order]


def _line_and_channel(rng: np.random.Generator, usual_lob: np.ndarray,
                      seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per order its line of business (mostly the customer's usual one) and sales channel."""
    n = len(seg)
    lob = np.where(rng.random(n) < 0.85, usual_lob, -1)
    for s in range(3):
        sel = (lob < 0) & (seg == s)
        lob[sel] = rng.choice(3, size=int(sel.sum()), p=LOB_BY_SEGMENT[s])
    channel = np.empty(n, dtype=object)
    for line, (names, weights) in CHANNEL_BY_LOB.items():
        sel = lob == line
        channel[sel] = pick(rng, names, weights, int(sel.sum()))
    return lob, channel


def _basket(rng: np.random.Generator, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per order (quantity, unit price, discount rate): retail buys a few items at shelf prices,
    trade buys by the box at trade prices with a negotiated discount."""
    n = len(seg)
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
    return quantity, unit_price, rate


def _delivery(rng: np.random.Generator, w: Window, channel: np.ndarray, order_date: np.ndarray,
              status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(due day, delivered day) per order: promised by channel, some late; a cancelled order, or
    one still on its way at the window's end, has no delivered day."""
    n = len(channel)
    promise = np.select([channel == "Store", channel == "Web"], [0, 4], 10)
    late = rng.random(n) < np.select([channel == "Store", channel == "Web"], [0.0, 0.13], 0.14)
    took = np.where(late, promise + rng.integers(1, 7, n), np.maximum(0, promise - rng.integers(0, 3, n)))
    due = order_date + days(promise)
    delivered = order_date + days(took)
    delivered[(status == "cancelled") | (delivered > w.end)] = np.datetime64("NaT")
    return due, delivered


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
