"""Properties that hold for any data: bounded ratios stay in [0, 1]; row order never matters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpireport.catalog import default_catalog
from kpireport.catalog.formula import parse
from kpireport.compute.engine import availability, kpi_values
from kpireport.dataset import Dataset
from kpireport.periods import Grain, period_range

from .kpi_fixture import dataset

CAT = default_catalog()
MONTHS = period_range(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"), Grain.MONTH)
QUARTER = period_range(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"), Grain.QUARTER)
START = np.datetime64("2026-01-01")
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Percent KPIs whose definition keeps them in [0, 1] when each row is consistent
# (clicks <= sent, defective <= units, a won deal is a closed deal ...).
BOUNDED = ["lead_conversion_rate", "self_service_rate", "first_contact_resolution", "brand_awareness", "win_rate",
           "repeat_purchase_rate", "on_time_delivery_rate", "cart_abandonment_rate", "defect_rate", "uptime",
           "email_ctr", "website_conversion_rate", "social_engagement_rate", "social_ctr", "agent_utilization",
           "gross_margin"]

days = st.integers(0, 89)
maybe_day = st.one_of(st.none(), days)
flags = st.one_of(st.none(), st.booleans())


def when(offsets: list[int | None]) -> pd.Series:
    return pd.Series([START + np.timedelta64(d, "D") if d is not None else np.datetime64("NaT") for d in offsets],
                     dtype="datetime64[us]")


@st.composite
def parts(draw, n_max: int = 12) -> tuple[list[int], list[float]]:
    """Row dates and a non-negative amount per row."""
    n = draw(st.integers(0, n_max))
    return draw(st.lists(days, min_size=n, max_size=n)), draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))


@st.composite
def bounded_dataset(draw) -> Dataset:
    t: dict[str, pd.DataFrame] = {}
    d, a = draw(parts())
    n = len(d)

    def some(strategy):
        return draw(st.lists(strategy, min_size=n, max_size=n))

    t["leads"] = pd.DataFrame({"created_date": when(d), "converted_date": when(some(maybe_day))})
    t["tickets"] = pd.DataFrame({
        "created_at": when(d),
        "self_service": pd.Series(some(flags), dtype="boolean"),
        "first_contact_resolved": pd.Series(some(flags), dtype="boolean"),
    })
    t["surveys"] = pd.DataFrame({"date": when(d), "aware": pd.Series(some(flags), dtype="boolean")})
    stages = some(st.sampled_from(["won", "lost", "open", "Won"]))
    closed = [x if s != "open" else None for x, s in zip(d, stages, strict=True)]
    t["opportunities"] = pd.DataFrame({"created_date": when(d), "stage": pd.Series(stages, dtype="string"),
                                       "closed_date": when(closed)})
    customers = some(st.sampled_from(["C1", "C2", "C3", "C4"]))
    cost = [draw(st.integers(0, x)) for x in a]
    t["orders"] = pd.DataFrame({"order_date": when(d), "customer_id": pd.Series(customers, dtype="string"),
                                "revenue": pd.Series(a, dtype="float64"), "cost": pd.Series(cost, dtype="float64")})
    t["tasks"] = pd.DataFrame({"created_date": when(d), "due_date": when(some(maybe_day)),
                               "completed_date": when(some(maybe_day))})
    part = [draw(st.integers(0, x)) for x in a]
    part2 = [draw(st.integers(0, x)) for x in a]
    t["web"] = pd.DataFrame({"date": when(d), "visits": pd.Series(a, dtype="float64"),
                             "conversions": pd.Series(part, dtype="float64"),
                             "carts_created": pd.Series(a, dtype="float64"),
                             "carts_abandoned": pd.Series(part2, dtype="float64")})
    t["production"] = pd.DataFrame({"date": when(d), "units": pd.Series(a, dtype="float64"),
                                    "defective_units": pd.Series(part, dtype="float64"),
                                    "planned_hours": pd.Series(a, dtype="float64"),
                                    "running_hours": pd.Series(part2, dtype="float64")})
    t["campaigns"] = pd.DataFrame({"date": when(d), "channel": pd.Series(["email"] * n, dtype="string"),
                                   "sent": pd.Series(a, dtype="float64"), "clicks": pd.Series(part, dtype="float64")})
    t["social"] = pd.DataFrame({"date": when(d), "impressions": pd.Series(a, dtype="float64"),
                                "engagements": pd.Series(part, dtype="float64"),
                                "clicks": pd.Series(part2, dtype="float64")})
    months = [str(p) for p in MONTHS]
    t["staff"] = pd.DataFrame({"period": pd.Series([months[x % 3] for x in d], dtype="string"),
                               "employees": pd.Series([1.0] * n), "available_hours": pd.Series(a, dtype="float64"),
                               "busy_hours": pd.Series(part, dtype="float64")})
    return Dataset(tables=t)


@SLOW
@given(bounded_dataset(), st.sampled_from([MONTHS, QUARTER]))
def test_bounded_percentages_stay_between_0_and_1(ds: Dataset, periods: list[pd.Period]) -> None:
    values, notes = kpi_values(ds, CAT, periods, kpis=BOUNDED)
    unavailable, _ = availability(CAT, ds)
    for kid in BOUNDED:
        if kid in unavailable:  # no data is not zero: no rows, or a column it needs blank in every row
            u = unavailable[kid]
            assert (u.no_rows or u.empty) and kid not in values.index, (kid, u.reason())
            continue
        assert kid in values.index, kid
        for p, v in values.loc[kid].items():
            if math.isnan(v):
                assert (kid, p) in notes, (kid, p)
            else:
                assert -1e-12 <= v <= 1 + 1e-12, (kid, p, v)


ALL = CAT.kpi_order()


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return kpi_values(dataset(), CAT, MONTHS)[0]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(baseline: pd.DataFrame, rnd) -> None:
    ds = dataset()
    for name, df in list(ds.tables.items()):
        order = list(range(len(df)))
        rnd.shuffle(order)
        ds.tables[name] = df.iloc[order].reset_index(drop=True)
    shuffled = kpi_values(ds, CAT, MONTHS)[0]
    pd.testing.assert_frame_equal(shuffled.loc[baseline.index], baseline, rtol=1e-12, atol=1e-9)


@SLOW
@given(bounded_dataset())
def test_sums_and_counts_of_a_quarter_are_those_of_its_months(ds: Dataset) -> None:
    """The quarter is computed from its own rows; for plain sums that must equal adding up the months."""
    additive = [k for k in ALL if CAT.is_additive(k)]
    monthly = kpi_values(ds, CAT, MONTHS, kpis=additive)[0]
    quarter = kpi_values(ds, CAT, QUARTER, kpis=additive)[0]
    for kid in monthly.index:
        assert quarter.loc[kid].iloc[0] == pytest.approx(monthly.loc[kid].sum(), abs=1e-6), kid


# --- the SQL engine against a plain reference: a loop over the rows per period and member ---------

# days around the periods asked for (2025-03 to 2025-05); amounts mostly repeating, so distinct
# counts with min_count 2 have values seen once and twice in one cell
member_rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(-20, 200)),
                                 st.sampled_from(["North", "South", " North", "", None]),
                                 st.one_of(st.none(), st.sampled_from([1.5, -2.0, 7.25]), st.sampled_from([1.5, 1e4]),
                                           st.floats(-1e4, 1e4)),
                                 st.sampled_from(["paid", "Cancelled", " PAID ", None])), min_size=0, max_size=40)
BASE = pd.Timestamp("2025-01-01")


def _member_frame(rows: list) -> pd.DataFrame:
    days = [pd.NaT if d is None else BASE + pd.Timedelta(days=d) for d, _, _, _ in rows]
    return pd.DataFrame({"day": pd.to_datetime(days).astype("datetime64[us]"),
                         "region": pd.Series([r for _, r, _, _ in rows], dtype="string"),
                         "amount": pd.Series([v for _, _, v, _ in rows], dtype="float64"),
                         "status": pd.Series([s for _, _, _, s in rows], dtype="string")})


def _measure(agg: str, min_count: int = 1):
    from kpireport.catalog.model import Condition, Measure

    return Measure(id="m", table="t", agg=agg, date="day", label={"en": "m"},
                   column=None if agg == "count" else "amount",
                   expr=None if agg == "count" else parse("amount"), min_count=min_count,
                   where=(Condition("status", "not_in", ("cancelled",)),))


def _reference(rows: list, agg: str, min_count: int, lo: pd.Timestamp, hi: pd.Timestamp,
               by: bool) -> dict[str, float]:
    """The measure per member, by reading every row once (no grouping machinery)."""
    cells: dict[str, list[float]] = {}
    for d, region, amount, status in rows:
        if d is None or (status or "").strip().lower() == "cancelled":
            continue
        if agg != "count" and (amount is None or math.isnan(amount)):
            continue
        member = "" if not by else ((region or "").strip() or "(blank)")
        when = BASE + pd.Timedelta(days=d)
        cells.setdefault(member, [])
        if lo <= when <= hi:
            cells[member].append(1.0 if agg == "count" else amount)
    out = {}
    for member, vals in cells.items():
        if agg == "count":
            out[member] = float(len(vals))
        elif agg == "sum":
            out[member] = math.fsum(vals)
        elif agg == "mean":
            out[member] = math.fsum(vals) / len(vals) if vals else float("nan")
        else:
            out[member] = float(sum(1 for v in set(vals) if vals.count(v) >= min_count))
    return out


@settings(max_examples=60, deadline=None)
@given(member_rows, st.sampled_from(["sum", "count", "mean", "nunique"]), st.sampled_from(["M", "Q"]),
       st.sampled_from([1, 2]), st.booleans())
@example(rows=[(70, "North", 1.5, "paid"), (71, "North", 7.25, "paid"), (72, "North", 7.25, "paid")],
         agg="nunique", freq="M", min_count=2, with_by=True)
def test_engine_per_period_equals_a_loop_over_the_rows(rows, agg, freq, min_count, with_by) -> None:
    from kpireport.compute.sql import MeasureEngine

    m = _measure(agg, min_count if agg == "nunique" else 1)
    periods = list(pd.period_range("2025-03", "2025-05", freq=freq))
    got = MeasureEngine({"t": _member_frame(rows)}).per_period([m], periods, by="region" if with_by else None)["m"]
    for p in periods:
        want = _reference(rows, agg, m.min_count, p.start_time, p.end_time, with_by)
        if not with_by:
            want = {"": want.get("", 0.0 if agg != "mean" else float("nan"))}
        assert sorted(got.columns) == sorted(want), (p, list(got.columns), want)
        for member, value in want.items():
            expect = value if not (agg in ("sum", "count", "nunique") and math.isnan(value)) else 0.0
            assert got.at[p, member] == pytest.approx(expect, nan_ok=True, rel=1e-12, abs=1e-9), (p, member)


@settings(max_examples=40, deadline=None)
@given(member_rows, st.lists(st.tuples(st.integers(-30, 230), st.integers(0, 120)), min_size=1, max_size=6),
       st.sampled_from(["sum", "count", "mean", "nunique"]), st.sampled_from([1, 2]))
def test_engine_per_span_equals_a_loop_over_the_rows(rows, spans, agg, min_count) -> None:
    """Spans overlap (year to date, trailing windows); each must still be its own rows' figure."""
    from kpireport.compute.sql import MeasureEngine

    m = _measure(agg, min_count if agg == "nunique" else 1)
    whole = [(BASE + pd.Timedelta(days=a), (BASE + pd.Timedelta(days=a + n)).to_period("D").end_time)
             for a, n in spans]
    got = MeasureEngine({"t": _member_frame(rows)}).per_span([m], whole, list(pd.period_range("2025-01", "2025-02",
                                                                                                  freq="M")))["m"]
    for (lo, hi), value in zip(whole, got, strict=True):
        want = _reference(rows, agg, m.min_count, lo, hi, False).get("", float("nan"))
        if agg != "mean" and math.isnan(want):
            want = 0.0
        assert value == pytest.approx(want, nan_ok=True, rel=1e-9, abs=1e-6), (lo, hi)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 500)), st.one_of(st.none(), st.integers(-20, 600)),
                          st.sampled_from(["North", "South", " North", "East"]),
                          st.one_of(st.none(), st.floats(-1e4, 1e4))), min_size=0, max_size=40),
       st.sampled_from(["start", "end"]), st.booleans(), st.booleans())
def test_engine_stock_equals_a_loop_over_the_instants(rows, as_of, with_by, with_value) -> None:
    from kpireport.catalog.model import Measure
    from kpireport.compute.sql import MeasureEngine

    base = pd.Timestamp("2025-01-01")
    day = lambda d: pd.NaT if d is None else base + pd.Timedelta(days=d)  # noqa: E731
    df = pd.DataFrame({"start": pd.to_datetime([day(a) for a, _, _, _ in rows]).astype("datetime64[us]"),
                       "end": pd.to_datetime([day(b) for _, b, _, _ in rows]).astype("datetime64[us]"),
                       "region": pd.Series([r for _, _, r, _ in rows], dtype="string"),
                       "amount": pd.Series([v for _, _, _, v in rows], dtype="float64")})
    m = Measure(id="m", table="t", agg="stock", date="start", label={"en": "m"}, end="end", as_of=as_of,
                column="amount" if with_value else None, expr=parse("amount") if with_value else None)
    periods = list(pd.period_range("2025-01", "2026-08", freq="M"))
    got = MeasureEngine({"t": df}).per_period([m], periods, by="region" if with_by else None)["m"]
    seen: set[str] = set()
    want: dict[tuple[pd.Period, str], float] = {}
    for p in periods:
        t = p.start_time if as_of == "start" else p.end_time
        for start, end, region, amount in zip(df["start"], df["end"], df["region"], df["amount"], strict=True):
            started = not pd.isna(start) and (start < t if as_of == "start" else start <= t)
            open_ = pd.isna(end) or (end >= t if as_of == "start" else end > t)
            if started and open_:
                member = region.strip() if with_by else ""
                seen.add(member)
                add = (0.0 if pd.isna(amount) else amount) if with_value else 1.0
                want[(p, member)] = want.get((p, member), 0.0) + add
    assert sorted(got.columns) == (sorted(seen) if with_by else [""])
    for p in periods:
        for member in got.columns:
            assert got.at[p, member] == pytest.approx(want.get((p, member), 0.0), rel=1e-9, abs=1e-6)
