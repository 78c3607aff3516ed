"""B2B deals of the sample company: won new business (one per new SMB or Enterprise
customer), expansions with existing customers, deals lost to prospects, and the pipeline still
open at the window's end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .commercial import CustomerBase
from .company import LINES, REGION_WEIGHTS, REGIONS, Window, days, days_in, money, reps_for, to_dates


def build_opportunities(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """B2B deals: won new business (one per new SMB/Enterprise customer), expansions, losses, pipeline."""
    parts: list[dict[str, np.ndarray]] = []
    b2b_new = np.flatnonzero((base.segment > 0) & (base.acquired >= w.start))
    cycle = 5 + rng.gamma(2.2, np.where(base.segment[b2b_new] == 2, 35.0, 14.0))
    parts.append(_deals(base, b2b_new, base.acquired[b2b_new] - days(cycle), base.acquired[b2b_new], 1.0, rng))
    parts += [_expansion(rng, w, base, month) for month in w.months]
    future = pd.period_range(str(w.first_month), str(w.first_month + len(w.months) + 3), freq="M")
    parts += [_prospect_deals(rng, w, month) for month in future]
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


def _expansion(rng: np.random.Generator, w: Window, base: CustomerBase, month: pd.Period) -> dict[str, np.ndarray]:
    """The month's deals with existing B2B customers (expansions), won or lost."""
    lo, hi = w.bounds(month)
    pool = np.flatnonzero((base.segment > 0) & (base.acquired < lo) & (np.isnat(base.lost) | (base.lost > hi)))
    chosen = rng.choice(pool, size=rng.poisson(0.035 * len(pool)), replace=False)
    created = days_in(rng, lo, hi, len(chosen))
    closed = created + days(3 + rng.gamma(2.0, 12.0, len(chosen)))
    deal = _deals(base, chosen, created, closed, 0.4, rng)
    deal["stage"] = np.where(rng.random(len(chosen)) < 0.6, "won", "lost")
    return deal


def _prospect_deals(rng: np.random.Generator, w: Window, month: pd.Period) -> dict[str, np.ndarray]:
    """Deals with prospects closing in the month: lost ones, and after the window won ones (the
    pipeline still open at its end)."""
    lo, hi = np.datetime64(month.start_time.date(), "D"), np.datetime64(month.end_time.date(), "D")
    n_lost = rng.poisson(30 * w.trend(month))
    n_win = rng.poisson(13 * w.trend(month)) if lo > w.end else 0
    n = n_lost + n_win
    closed = days_in(rng, lo, hi, n)
    region = rng.choice(4, size=n, p=REGION_WEIGHTS)
    seg = np.where(rng.random(n) < 0.8, 1, 2)
    created = closed - days(3 + rng.gamma(2.0, np.where(seg == 2, 30.0, 16.0)))
    return {
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
