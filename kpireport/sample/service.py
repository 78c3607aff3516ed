"""Support, surveys, web, social, app and operations tables of the sample company.

Service tables follow the simulated customer base (tickets and survey answers come from
customers active on that day); web revenue equals the day's web-channel orders, so the
exports agree with each other the way a real company's systems roughly do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .commercial import CustomerBase
from .company import (
    DAY,
    OPS_TEAM,
    REGION_WEIGHTS,
    REGIONS,
    SEASON,
    SUPPORT_AGENTS,
    Window,
    days,
    days_in,
    month_start,
    month_text,
    pick,
    to_dates,
    unknown_where,
    yes_no,
)

TICKET_CHANNELS = ("phone", "email", "chat", "portal")
_FIRST_RESPONSE = np.array([75.0, 12600.0, 110.0, 18000.0])  # median seconds per channel
_HANDLE = np.array([420.0, 380.0, 560.0, 330.0])
_FCR = np.array([0.74, 0.50, 0.70, 0.45])
_HOUR_WEIGHTS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 13, 14, 15, 14, 12, 10, 7, 5, 4, 3, 2, 1], float)
_CSAT_GOOD = (0.03, 0.04, 0.10, 0.36, 0.47)
_CSAT_BAD = (0.18, 0.20, 0.27, 0.22, 0.13)
_CES_GOOD = (0.04, 0.07, 0.16, 0.36, 0.37)
_CES_BAD = (0.20, 0.25, 0.25, 0.18, 0.12)


def _score(rng: np.random.Generator, good: np.ndarray, p_good: tuple, p_bad: tuple, answered: np.ndarray) -> np.ndarray:
    """1-5 answers from one of two distributions; NaN where the customer did not answer."""
    n = len(good)
    value = np.where(good, rng.choice(5, size=n, p=p_good), rng.choice(5, size=n, p=p_bad)) + 1.0
    return np.where(answered, value, np.nan)


def build_tickets(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """Support tickets with response/resolution times that shrink about 10% a year."""
    cust_parts, day_parts, improve_parts = [], [], []
    for month in w.months:
        lo, hi = w.bounds(month)
        share = (int((hi - lo) / DAY) + 1) / month.days_in_month
        stock = int(base.active_on(lo + (hi - lo) // 2).sum())
        n = rng.poisson(0.11 * stock * (1 + 0.3 * (SEASON[month.month - 1] - 1)) * share)
        chosen, when = base.sample_active(rng, lo, hi, n, np.array([1.0, 1.8, 3.0])[base.segment])
        cust_parts.append(chosen)
        day_parts.append(when)
        improve_parts.append(np.full(n, 0.9 ** w.years(month)))
    cust, day, improve = np.concatenate(cust_parts), np.concatenate(day_parts), np.concatenate(improve_parts)
    n = len(cust)
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    created = day.astype("datetime64[s]") + (hour * 3600 + rng.integers(0, 3600, n)).astype("timedelta64[s]")
    order = np.argsort(created, kind="stable")
    cust, created, improve = cust[order], created[order], improve[order]
    ch = rng.choice(4, size=n, p=[0.30, 0.30, 0.22, 0.18])
    self_service = np.where(ch == 3, rng.random(n) < 0.7, (ch == 2) & (rng.random(n) < 0.1))
    wait = np.rint(_FIRST_RESPONSE[ch] * improve * rng.lognormal(0, 0.7, n))
    handle = np.rint(_HANDLE[ch] * rng.lognormal(0, 0.4, n))
    fcr = rng.random(n) < _FCR[ch]
    slow = 30 * 3600 * improve * rng.lognormal(0, 0.9, n)
    resolve = np.where(fcr, wait + handle + rng.uniform(0, 600, n), wait + slow)
    resolve = np.where(self_service, rng.uniform(120, 1800, n), resolve)
    resolved_at = created + np.rint(resolve).astype(np.int64).astype("timedelta64[s]")
    end_dt = (w.end + DAY).astype("datetime64[s]")
    resolved = (resolved_at < end_dt) & (rng.random(n) > 0.045)
    resolved_at[~resolved] = np.datetime64("NaT")
    long_wait = ~resolved | (resolve > 72 * 3600)
    complaint = rng.random(n) < np.where(long_wait, 0.14, 0.06)
    good = ~long_wait & ~complaint
    first_response = created + wait.astype(np.int64).astype("timedelta64[s]")
    first_response[self_service | (first_response >= end_dt)] = np.datetime64("NaT")
    agent = pick(rng, SUPPORT_AGENTS, np.ones(len(SUPPORT_AGENTS)), n)
    agent[self_service] = None
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i + 1:06d}" for i in range(n)],
            "created_at": to_dates(created),
            "first_response_at": to_dates(first_response),
            "resolved_at": to_dates(resolved_at),
            "resolved": yes_no(resolved),
            "first_contact_resolved": yes_no(unknown_where(fcr & resolved, self_service)),
            "self_service": yes_no(self_service),
            "complaint": yes_no(complaint),
            "handle_seconds": np.where(self_service, np.nan, handle),
            "csat": _score(rng, good, _CSAT_GOOD, _CSAT_BAD, resolved & (rng.random(n) < 0.55)),
            "ces": _score(rng, good | self_service, _CES_GOOD, _CES_BAD, resolved & (rng.random(n) < 0.45)),
            "channel": np.array(TICKET_CHANNELS)[ch],
            "agent": pd.array(agent, dtype="str"),
            "customer_id": base.ids[cust],
            "region": np.array(REGIONS)[base.region[cust]],
        }
    )


_NPS_DETRACTOR = np.array([0.03, 0.02, 0.03, 0.07, 0.10, 0.25, 0.50])
_CSAT_BY_GROUP = ((0.12, 0.20, 0.30, 0.28, 0.10), (0.02, 0.05, 0.18, 0.50, 0.25), (0.01, 0.01, 0.05, 0.33, 0.60))
_CES_BY_GROUP = ((0.15, 0.22, 0.30, 0.22, 0.11), (0.04, 0.10, 0.25, 0.38, 0.23), (0.02, 0.04, 0.12, 0.37, 0.45))


def build_surveys(rng: np.random.Generator, w: Window, base: CustomerBase) -> pd.DataFrame:
    """Customer NPS/CSAT/CES answers, plus a brand-awareness panel of non-customers."""
    frames = []
    for month in w.months:
        lo, hi = w.bounds(month)
        years = w.years(month)
        stock = int(base.active_on(lo).sum())
        chosen, when = base.sample_active(rng, lo, hi, rng.poisson(0.055 * stock))
        n = len(chosen)
        promoter, detractor = 0.50 + 0.025 * years, max(0.08, 0.17 - 0.012 * years)
        group = rng.choice(3, size=n, p=[detractor, 1 - promoter - detractor, promoter])  # 0 detr, 1 pass, 2 prom
        nps = np.select(
            [group == 0, group == 1],
            [rng.choice(7, size=n, p=_NPS_DETRACTOR), 7 + (rng.random(n) < 0.55)],
            9 + (rng.random(n) < 0.55),
        ).astype(float)
        csat = np.array([rng.choice(5, p=_CSAT_BY_GROUP[g]) + 1.0 for g in group])
        ces = np.array([rng.choice(5, p=_CES_BY_GROUP[g]) + 1.0 for g in group])
        frames.append(
            pd.DataFrame(
                {
                    "date": when,
                    "nps": nps,
                    "csat": np.where(rng.random(n) < 0.85, csat, np.nan),
                    "ces": np.where(rng.random(n) < 0.7, ces, np.nan),
                    "aware": np.full(n, None, dtype=object),
                    "customer_id": base.ids[chosen].astype(object),
                    "region": np.array(REGIONS)[base.region[chosen]],
                }
            )
        )
        k = rng.poisson(80)
        frames.append(
            pd.DataFrame(
                {
                    "date": days_in(rng, lo, hi, k),
                    "nps": np.nan,
                    "csat": np.nan,
                    "ces": np.nan,
                    "aware": rng.random(k) < min(0.6, 0.42 + 0.04 * years),
                    "customer_id": None,
                    "region": pick(rng, REGIONS, REGION_WEIGHTS, k),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df = df.iloc[np.argsort(df["date"].to_numpy(), kind="stable")].reset_index(drop=True)
    return pd.DataFrame(
        {
            "date": to_dates(df["date"].to_numpy()),
            "nps": df["nps"].astype(float),
            "csat": df["csat"].astype(float),
            "ces": df["ces"].astype(float),
            "aware": yes_no(df["aware"].to_numpy()),
            "customer_id": pd.array(df["customer_id"].to_numpy(), dtype="str"),
            "region": df["region"].astype(str),
        }
    )


def build_interactions(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Monthly contact volume and cost per channel (what the contact centre bills internally)."""
    plan = {"email": (2600, 1.2), "phone": (1400, 5.5), "chat": (900, 2.8), "sms": (1800, 0.06), "visit": (220, 38.0)}
    rows = []
    for month in w.months:
        for channel, (volume, unit_cost) in plan.items():
            count = round(volume * w.level(month, 0.4) * rng.uniform(0.93, 1.07))
            rows.append((month_start(month), channel, count, round(count * unit_cost * rng.uniform(0.96, 1.04), 2)))
    df = pd.DataFrame(rows, columns=["date", "channel", "count", "cost"])
    df["date"] = to_dates(df["date"].to_numpy())
    return df


def build_web(rng: np.random.Generator, w: Window, orders: pd.DataFrame) -> pd.DataFrame:
    """Daily web analytics; revenue is the day's completed web-channel orders."""
    day = np.arange(w.start, w.end + DAY, DAY)
    n = len(day)
    months = pd.PeriodIndex(day, freq="M")
    level = np.array([w.level(m) for m in months])
    weekday = np.array([1.05, 1.02, 1.0, 1.0, 0.95, 0.92, 1.06])[pd.DatetimeIndex(day).day_of_week]
    visits = np.rint(1800 * level * weekday * rng.lognormal(0, 0.08, n)).astype(np.int64)
    web = orders[(orders["channel"] == "Web") & (orders["status"] == "completed")]
    by_day = web.groupby(web["order_date"].to_numpy().astype("datetime64[D]"))["revenue"].agg(["size", "sum"])
    by_day = by_day.reindex(day, fill_value=0)
    checkouts = np.maximum(by_day["size"].to_numpy(), rng.binomial(rng.binomial(visits, 0.055), 0.3))
    carts = np.maximum(rng.binomial(visits, 0.055), checkouts + 1)
    return pd.DataFrame(
        {
            "date": to_dates(day),
            "visits": visits,
            "visitors": np.rint(visits * rng.uniform(0.68, 0.76, n)).astype(np.int64),
            "conversions": checkouts + rng.binomial(visits, 0.006),
            "carts_created": carts,
            "carts_abandoned": carts - checkouts,
            "revenue": np.round(by_day["sum"].to_numpy().astype(float), 2),
        }
    )


def build_social(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Daily account stats per platform; followers accumulate, content rides the season."""
    day = np.arange(w.start, w.end + DAY, DAY)
    n = len(day)
    season = 1 + 0.3 * (SEASON[pd.DatetimeIndex(day).month - 1] - 1)
    weekday = np.array([1.0, 1.02, 1.03, 1.0, 0.97, 0.9, 0.88])[pd.DatetimeIndex(day).day_of_week]
    platforms = {
        "Instagram": (18000, 0.0010, 0.35, 0.030, 0.006),
        "LinkedIn": (6500, 0.0012, 0.25, 0.020, 0.010),
        "X": (9000, 0.0006, 0.30, 0.012, 0.004),
    }
    tags = ("#northwind", "#trailready", "#northwindoutdoor", "#campmore", "#hikingday", "#gearup")
    frames = []
    for k, (name, (start, growth, reach_k, eng, ctr)) in enumerate(platforms.items()):
        followers = np.empty(n, dtype=np.int64)
        current = start
        for i in range(n):
            current += rng.poisson(current * growth * season[i]) - rng.poisson(current * 0.0004)
            followers[i] = current
        impressions = np.rint(followers * reach_k * season * weekday * rng.lognormal(0, 0.25, n)).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "date": day,
                    "order": k,
                    "platform": name,
                    "impressions": impressions,
                    "reach": np.rint(impressions * rng.uniform(0.55, 0.75, n)).astype(np.int64),
                    "engagements": rng.binomial(impressions, eng),
                    "clicks": rng.binomial(impressions, ctr),
                    "followers": followers,
                    "hashtag": pick(rng, tags, (0.3, 0.2, 0.15, 0.15, 0.1, 0.1), n),
                }
            )
        )
    df = pd.concat(frames).sort_values(["date", "order"], kind="stable").drop(columns="order").reset_index(drop=True)
    df["date"] = to_dates(df["date"].to_numpy())
    df["hashtag"] = df["hashtag"].astype(str)
    return df


def build_product_usage(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """The Northwind Trails app: monthly active users and downloads."""
    rows = []
    for i, month in enumerate(w.months):
        season = SEASON[month.month - 1] - 1
        active = round(5200 * 1.028**i * (1 + 0.25 * season) * rng.uniform(0.97, 1.03))
        downloads = round(850 * w.trend(month) * (1 + 0.4 * season) * rng.uniform(0.9, 1.1))
        rows.append((month_start(month), active, downloads))
    df = pd.DataFrame(rows, columns=["date", "active_users", "downloads"])
    df["date"] = to_dates(df["date"].to_numpy())
    return df


def build_production(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Two-shift production per line on working days; uptime ~92%, defects falling slowly."""
    day = np.arange(w.start, w.end + DAY, DAY)
    day = day[pd.DatetimeIndex(day).day_of_week < 5]
    months = pd.PeriodIndex(day, freq="M")
    trend = np.array([w.trend(m) for m in months]) ** 0.8
    years = np.array([w.years(m) for m in months])
    frames = []
    for k, (line, crew, rate) in enumerate((("Retail", 5, 10.0), ("Online", 4, 8.0), ("Wholesale", 8, 20.0))):
        n = len(day)
        planned = np.full(n, 16.0)
        running = planned * np.clip(rng.normal(0.93, 0.03, n), 0.8, 1.0)
        running = np.round(np.where(rng.random(n) < 0.03, running * rng.uniform(0.4, 0.7, n), running), 1)
        units = np.rint(running * rate * trend * rng.lognormal(0, 0.05, n)).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "date": day,
                    "order": k,
                    "units": units,
                    "defective_units": rng.binomial(units, 0.019 * 0.92**years),
                    "hours": np.round(running * crew * rng.uniform(0.97, 1.03, n), 1),
                    "planned_hours": planned,
                    "running_hours": running,
                    "line_of_business": line,
                }
            )
        )
    df = pd.concat(frames).sort_values(["date", "order"], kind="stable").drop(columns="order").reset_index(drop=True)
    df["date"] = to_dates(df["date"].to_numpy())
    return df


def build_tasks(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Back-office work items; about four in five finish by their due date."""
    parts = [days_in(rng, *w.bounds(m), rng.poisson(110 * w.trend(m) ** 0.5)) for m in w.months]
    created = np.sort(np.concatenate(parts), kind="stable")
    n = len(created)
    due = created + days(rng.integers(5, 22, n))
    started = created + days(rng.poisson(1.2, n))
    completed = started + days(np.maximum(0.0, np.rint(rng.lognormal(np.log(6.0), 0.6, n))))
    completed[(completed > w.end) | (rng.random(n) < 0.01)] = np.datetime64("NaT")
    started[started > w.end] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "created_date": to_dates(created),
            "due_date": to_dates(due),
            "started_date": to_dates(started),
            "completed_date": to_dates(completed),
            "errors": rng.poisson(0.35, n).astype(np.int64),
            "assignee": pick(rng, OPS_TEAM, np.ones(len(OPS_TEAM)), n).astype(str),
        }
    )


def build_staff(rng: np.random.Generator, w: Window) -> pd.DataFrame:
    """Monthly headcount and hours for the Sales and Support teams."""
    rows = []
    for month in w.months:
        lo, hi = w.bounds(month)
        workdays = int(np.busday_count(lo, hi + DAY))
        years = w.years(month)
        for team, heads, busy in (("Sales", 9 + (years >= 1.67), 0.78), ("Support", 7 + (years >= 1.5), 0.82)):
            available = round(heads * workdays * 7.5 * (1 - rng.uniform(0.06, 0.12)), 1)
            rows.append(
                (
                    month_text(month),
                    int(heads),
                    available,
                    round(available * float(np.clip(rng.normal(busy, 0.03), 0.6, 0.95)), 1),
                    team,
                )
            )
    return pd.DataFrame(rows, columns=["period", "employees", "available_hours", "busy_hours", "team"])
