"""Properties that hold for any data: bounded ratios stay in [0, 1]; row order never matters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpireport.catalog import default_catalog
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


# --- spans: running totals per day equal a pass over the rows per span ------------------------------

@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 800), st.integers(0, 86_399), st.floats(-1e6, 1e6)), min_size=1, max_size=60),
       st.lists(st.tuples(st.integers(-30, 830), st.integers(0, 400)), min_size=1, max_size=8),
       st.sampled_from(["sum", "count"]))
def test_span_totals_by_day_equal_a_pass_per_span(rows, spans, agg) -> None:
    from kpireport.compute import measures

    base = pd.Timestamp("2024-01-01")
    dates = [base + pd.Timedelta(days=d, seconds=s) for d, s, _ in rows]
    work = pd.DataFrame({"_date": pd.to_datetime(dates), "_val": [v for _, _, v in rows]})
    tick = pd.Timedelta(1, "ns")
    whole = [(base + pd.Timedelta(days=a), base + pd.Timedelta(days=a + n + 1) - tick) for a, n in spans]
    m = type("M", (), {"agg": agg, "min_count": 1})()
    got = measures._spans_total(work, m, whole)  # type: ignore[arg-type]
    for (start, end), value in zip(whole, got, strict=True):
        inside = work[(work["_date"] >= start) & (work["_date"] <= end)]
        want = float(len(inside)) if agg == "count" else float(inside["_val"].sum())
        assert value == pytest.approx(want, rel=1e-9, abs=1e-6)


# --- stocks: entering and leaving rows counted in one pass equal the period-by-period loop --------

@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 500)), st.one_of(st.none(), st.integers(-20, 600)),
                          st.sampled_from(["North", "South", " North", "East"]),
                          st.one_of(st.none(), st.floats(-1e4, 1e4))), min_size=0, max_size=40),
       st.sampled_from(["start", "end"]), st.booleans())
def test_stock_in_one_pass_equals_the_period_loop(rows, as_of, with_by) -> None:
    from kpireport.catalog.model import Measure
    from kpireport.compute import measures

    base = pd.Timestamp("2025-01-01")
    day = lambda d: pd.NaT if d is None else base + pd.Timedelta(days=d)  # noqa: E731
    df = pd.DataFrame({"start": pd.to_datetime([day(a) for a, _, _, _ in rows]),
                       "end": pd.to_datetime([day(b) for _, b, _, _ in rows]),
                       "region": pd.Series([r for _, _, r, _ in rows], dtype="string").astype("category"),
                       "amount": pd.Series([v for _, _, _, v in rows], dtype="float64")})
    m = Measure(id="m", table="t", agg="stock", date="start", label={"en": "m"}, end="end", as_of=as_of)
    periods = list(pd.period_range("2025-01", "2026-08", freq="M"))
    by = "region" if with_by else None
    fast = measures._stock(df, m, periods, by, 1)
    loop = measures._stock(df, m, periods, by, 1, events=False)
    def plain(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        out.columns = pd.Index([str(c) for c in out.columns], dtype=object)
        return out[sorted(out.columns)]

    pd.testing.assert_frame_equal(plain(fast), plain(loop), check_names=False, rtol=1e-9, atol=1e-6)


# --- by member: numpy bincount equals pandas groupby ----------------------------------------------

# days around the periods asked for (2025-03 to 2025-05); amounts mostly repeating, so distinct
# counts with min_count 2 have values seen once and twice in one cell
member_rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(-20, 200)),
                                 st.sampled_from(["North", "South", " North", "", None]),
                                 st.one_of(st.none(), st.sampled_from([1.5, -2.0, 7.25]), st.sampled_from([1.5, 1e4]),
                                           st.floats(-1e4, 1e4)),
                                 st.sampled_from(["paid", "Cancelled", None])), min_size=0, max_size=40)


def _member_frame(rows: list, region_dtype: str = "category") -> pd.DataFrame:
    base = pd.Timestamp("2025-01-01")
    days = [pd.NaT if d is None else base + pd.Timedelta(days=d) for d, _, _, _ in rows]
    region = pd.Series([r for _, r, _, _ in rows], dtype="string")
    return pd.DataFrame({"day": pd.to_datetime(days),
                         "region": region.astype("category") if region_dtype == "category" else region,
                         "amount": pd.Series([v for _, _, v, _ in rows], dtype="float64"),
                         "status": pd.Series([s for _, _, _, s in rows], dtype="string").astype("category")})


def _member_measure(agg: str, min_count: int = 1):
    from kpireport.catalog.formula import parse
    from kpireport.catalog.model import Condition, Measure

    return Measure(id="m", table="t", agg=agg, date="day", label={"en": "m"},
                   expr=None if agg == "count" else parse("amount"), column=None if agg == "count" else "amount",
                   where=(Condition("status", "not_in", ("cancelled",)),), min_count=min_count)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(member_rows, st.sampled_from(["sum", "count", "mean", "nunique"]), st.sampled_from(["M", "Q"]),
       st.sampled_from([1, 2]), st.booleans())
@example(rows=[(70, "North", 1.5, "paid"), (71, "North", 7.25, "paid"), (72, "North", 7.25, "paid")],
         agg="nunique", freq="M", min_count=2, with_by=True)  # a value seen once and one seen twice
def test_by_member_with_numpy_equals_groupby(monkeypatch, rows, agg, freq, min_count, with_by) -> None:
    from kpireport.compute import measures

    df = _member_frame(rows)
    m = _member_measure(agg, min_count)
    periods = list(pd.period_range("2025-01", "2026-06", freq=freq))[2:5]
    by = "region" if with_by else None
    fast = measures.compute_measure(df, m, periods, by=by)
    monkeypatch.setattr(measures, "NUMPY_BY_MEMBER", False)
    slow = measures.compute_measure(df, m, periods, by=by)
    pd.testing.assert_frame_equal(fast, slow, check_column_type=False, check_names=False, rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(member_rows, st.sampled_from(["sum", "count", "mean", "nunique"]))
def test_members_listed_from_codes_equal_members_from_rows(rows, agg) -> None:
    """A categorical dimension lists its members from the whole table's codes and copies only the
    rows of the periods asked for; a text dimension reads all rows. Both list the same members
    (every one with a counted row in any period, trimmed, empty as "(blank)") and the same values."""
    from kpireport.compute import measures

    m = _member_measure(agg)
    periods = list(pd.period_range("2025-03", "2025-04", freq="M"))
    codes = measures.compute_measure(_member_frame(rows, "category"), m, periods, by="region")
    texts = measures.compute_measure(_member_frame(rows, "string"), m, periods, by="region")
    assert list(codes.columns) == sorted(texts.columns)
    pd.testing.assert_frame_equal(codes, texts[sorted(texts.columns)], check_column_type=False, check_names=False,
                                  rtol=1e-9, atol=1e-6)


def test_report_periods_are_whole_days_so_spans_use_running_daily_totals() -> None:
    """pandas 3 ends a period at 23:59:59.999999 (older pandas at .999999999): both are whole days,
    so year-to-date sums take the running-total path, not a sort of every row."""
    from kpireport.compute.measures import _whole_days
    from kpireport.compute.ytd import ytd_spans

    months = list(pd.period_range("2025-01", "2025-12", freq="M"))
    assert _whole_days(ytd_spans(months, 4))
    assert _whole_days([(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-31 23:59:59.999999999"))])
    assert not _whole_days([(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-31 12:00"))])
    assert not _whole_days([(pd.Timestamp("2025-01-01 08:00"), pd.Timestamp("2025-01-31 23:59:59.999999"))])
    assert not _whole_days([(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"))])
