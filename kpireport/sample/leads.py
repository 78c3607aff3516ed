"""Campaigns and leads of the sample company: campaign sends with their reach, and the leads
they bring. A converted lead is one of the simulated customers (commercial.CustomerBase), on
its acquired date; the rest never buy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .commercial import FROM_LEAD, NEW_PER_MONTH, CustomerBase
from .company import (
    CAMPAIGN_CHANNELS,
    DAY,
    LEAD_CHANNELS,
    LINES,
    REGION_WEIGHTS,
    REGIONS,
    Window,
    days,
    days_in,
    money,
    pick,
    reps_for,
    to_dates,
    yes_no,
)

OTHER_LEAD_MIX = (0.17, 0.07, 0.10, 0.17, 0.27, 0.12, 0.04, 0.06)
LEAD_LAG_DAYS = np.array([4.0, 10.0, 22.0])  # gamma scale (shape 2) from lead to purchase


def _campaign_rows(rng: np.random.Generator, w: Window) -> list[tuple[np.datetime64, str, str]]:
    """(send day, channel, campaign id) of every send: each month a few campaigns per channel,
    each sent a few times a set number of days apart, numbered by their first send."""
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
    return [(d, ch, f"CMP-{i + 1:04d}") for i, (_, ch, sends) in enumerate(campaigns) for d in sends]


def _campaign_sends(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Campaign send rows (metrics other than leads); leads are attributed to them afterwards."""
    rows = _campaign_rows(rng, w)
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
    other_created, other_region = _unconverted_leads(rng, w)
    n_other = len(other_created)
    created = np.concatenate([c_created, other_created])
    region = np.concatenate([base.region[conv], other_region])
    channel = np.concatenate([base.channel[conv], pick(rng, LEAD_CHANNELS, OTHER_LEAD_MIX, n_other)])
    lob = np.concatenate([base.lob[conv], rng.choice(3, size=n_other, p=[0.35, 0.40, 0.25])])
    rep = np.concatenate([base.rep[conv], reps_for(rng, other_region)])
    converted = np.concatenate([np.ones(len(conv), bool), np.zeros(n_other, bool)])
    qual_p = np.where(np.isin(channel, ("event", "referral")), 0.45, 0.28)
    qualified = converted | (rng.random(len(created)) < qual_p)
    row = _attribute(rng, channel, created, sends)
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


def _unconverted_leads(rng: np.random.Generator, w: Window) -> tuple[np.ndarray, np.ndarray]:
    """(created day, region) of the leads that never became customers, at a conversion rate
    rising a little each year."""
    o_created, o_region = [], []
    for month in w.months:
        lo, hi = w.bounds(month)
        cr = 0.105 + 0.012 * w.years(month)
        expected = FROM_LEAD * NEW_PER_MONTH * w.level(month, 0.5)
        n = rng.poisson(expected * (1 - cr) / cr)
        o_created.append(days_in(rng, lo, hi, n))
        o_region.append(rng.choice(4, size=n, p=REGION_WEIGHTS))
    return np.concatenate(o_created), np.concatenate(o_region)


def _attribute(rng: np.random.Generator, channel: np.ndarray, created: np.ndarray, sends: pd.DataFrame) -> np.ndarray:
    """Per lead, the row of the campaign send it came from (-1: none): a send of the lead's
    channel in the four weeks before it."""
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
    return row
