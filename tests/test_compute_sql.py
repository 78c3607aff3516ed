"""The SQL measure engine on small hand-made tables: every expected figure is worked out by hand
in the comments, so a wrong FILTER, join or fill rule shows up as a wrong number."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.catalog.formula import parse
from kpireport.catalog.model import Condition, Measure
from kpireport.compute.engine import kpi_values
from kpireport.compute.sql import MeasureEngine
from kpireport.compute.sql.compiler import MeasureSQLError
from kpireport.dataset import Dataset

from .kpi_fixture import dt, flag, num, text

CAT = default_catalog()
MONTHS = list(pd.period_range("2026-01", "2026-03", freq="M"))
JAN = pd.Period("2026-01", "M")


def measure(agg: str = "count", value: str | None = None, where: tuple[Condition, ...] = (), **kw) -> Measure:
    return Measure(id=kw.pop("id", "m"), table="t", agg=agg, date=kw.pop("date", "day"), label={"en": "m"},
                   column=value if value and value.isidentifier() else None,
                   expr=parse(value) if value else None, where=where, **kw)


def jan(frame: pd.DataFrame, m: Measure, by: str | None = None) -> pd.Series:
    return MeasureEngine({"t": frame}).per_period([m], MONTHS, by=by)["m"].loc[JAN]


# --- order lines: an order ID repeats, one row per product ------------------------------------------

def order_lines() -> dict[str, pd.DataFrame]:
    """Three customers, five orders, nine lines in January 2026 (one more cancelled order).

    C1: orders O1 (2 lines: 10 + 20) and O2 (1 line: 30)         -> 2 orders
    C2: order O3 (3 lines: 5 + 5 + 10)                            -> 1 order, 3 lines
    C3: orders O4 (1 line: 100) and O5 (2 lines: 40 + 60)         -> 2 orders
    O6 (C2, cancelled, 1 line: 999) counts for nothing.
    """
    rows = [("O1", "C1", 10), ("O1", "C1", 20), ("O2", "C1", 30), ("O3", "C2", 5), ("O3", "C2", 5),
            ("O3", "C2", 10), ("O4", "C3", 100), ("O5", "C3", 40), ("O5", "C3", 60)]
    orders = pd.DataFrame({
        "order_id": text([r[0] for r in rows] + ["O6"]),
        "order_date": dt(["2026-01-10"] * 10),
        "customer_id": text([r[1] for r in rows] + ["C2"]),
        "revenue": num([r[2] for r in rows] + [999]),
        "status": text(["completed"] * 9 + ["cancelled"]),
    })
    return {"orders": orders}


def test_order_lines_count_orders_not_lines() -> None:
    values, _ = kpi_values(Dataset(tables=order_lines()), CAT, MONTHS,
                           kpis=["revenue", "average_order_value", "repeat_purchase_rate"])
    # revenue sums lines: 10+20+30+5+5+10+100+40+60 = 280
    assert values.at["revenue", JAN] == pytest.approx(280.0)
    # 5 orders (O1..O5), not 9 lines: 280 / 5 = 56
    assert values.at["average_order_value", JAN] == pytest.approx(56.0)
    # repeat buyers have two distinct orders: C1 and C3 (C2 has three lines of one order) -> 2 of 3
    assert values.at["repeat_purchase_rate", JAN] == pytest.approx(2 / 3)


def test_order_lines_without_an_order_id_fall_back_to_rows() -> None:
    tables = order_lines()
    tables["orders"] = tables["orders"].drop(columns="order_id")
    values, _ = kpi_values(Dataset(tables=tables), CAT, MONTHS, kpis=["average_order_value", "repeat_purchase_rate"])
    assert values.at["average_order_value", JAN] == pytest.approx(280 / 9)  # 9 rows
    assert values.at["repeat_purchase_rate", JAN] == pytest.approx(1.0)  # every customer has 2+ rows


@pytest.mark.parametrize("ids, want", [
    (["A", "A", "B", None, " "], 2.0),   # blank keys name no entity
    (["A", "B", "C", "D", "E"], 5.0),    # unique keys: rows with a key
    (["A", "B", "C", "D", None], 4.0),
])
def test_keyed_count_counts_distinct_non_blank_keys(ids, want) -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-02"] * 5), "k": text(ids)})
    assert jan(frame, measure("count", key="k"))[""] == want


# --- conditions ---------------------------------------------------------------------------------

DAYS = dt(["2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"])


@pytest.mark.parametrize("cond, frame_cols, want", [
    # text trimmed and lower-cased: " Paid ", "PAID" and "paid" are one value
    (Condition("s", "eq", "paid"), {"s": text([" Paid ", "PAID", "paid", None])}, 3.0),
    (Condition("s", "ne", "paid"), {"s": text([" Paid ", "open", "paid", None])}, 2.0),  # blanks pass ne
    (Condition("s", "in", ("open", "won")), {"s": text(["Won", "open", "lost", None])}, 2.0),
    (Condition("s", "not_in", ("lost",)), {"s": text(["Won", "LOST ", "lost", None])}, 2.0),
    # optional conditions pass every row when the column is missing
    (Condition("s", "not_in", ("lost",)), {}, 4.0),
    (Condition("s", "isnull", True), {}, 4.0),
    (Condition("s", "isnull", True), {"s": text(["a", None, None, "b"])}, 2.0),
    (Condition("s", "notnull", True), {"s": text(["a", None, None, "b"])}, 2.0),
    # `is` on booleans, blanks as false
    (Condition("b", "is", True), {"b": flag([True, False, None, True])}, 2.0),
    (Condition("b", "is", False), {"b": flag([True, False, None, True])}, 2.0),
    # numbers; a blank is never greater or smaller
    (Condition("x", "ge", 9), {"x": num([9, 10, 8.5, None])}, 2.0),
    (Condition("x", "le", 6), {"x": num([6, 7, -1, None])}, 2.0),
    (Condition("x", "gt", 0), {"x": num([0, 1, 2, None])}, 2.0),
])
def test_condition_semantics(cond, frame_cols, want) -> None:
    frame = pd.DataFrame({"day": DAYS, **frame_cols})
    assert jan(frame, measure("count", where=(cond,)))[""] == want


@pytest.mark.parametrize("cond", [Condition("x", "ge", "nine"), Condition("x", "eq", None), Condition("x", "lt", [1])])
def test_a_comparison_with_no_number_names_the_measure_and_the_fix(cond) -> None:
    frame = pd.DataFrame({"day": DAYS, "x": num([1, 2, 3, 4])})
    with pytest.raises(MeasureSQLError, match=r"measure 'm' compares column 'x' with .*, which is not a number; give"):
        jan(frame, measure("count", where=(cond,)))


@pytest.mark.parametrize("done, due, want", [
    # a date-only due date compares by day: delivered on the due day at 15:00 is on time
    (["2026-01-05 15:00", "2026-01-06 09:00", "2026-01-04 23:59"], ["2026-01-05", "2026-01-05", "2026-01-05"], 2.0),
    # both sides with a time of day: compared to the second
    (["2026-01-05 15:00", "2026-01-05 09:00", "2026-01-04 23:59"],
     ["2026-01-05 12:00", "2026-01-05 12:00", "2026-01-05 12:00"], 2.0),
    # a missing side is never on time
    (["2026-01-05 15:00", None, "2026-01-04 23:59"], ["2026-01-05", "2026-01-05", None], 1.0),
])
def test_le_column_compares_by_day_when_a_side_is_a_date(done, due, want) -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-03"] * 3), "done": dt(done), "due": dt(due)})
    assert jan(frame, measure("count", where=(Condition("done", "le_column", "due"),)))[""] == want


def test_tasks_on_time_is_fixed_in_the_catalog() -> None:
    tasks = pd.DataFrame({"created_date": dt(["2026-01-01"] * 2),
                          "completed_date": dt(["2026-01-05 15:00", "2026-01-07 10:00"]),
                          "due_date": dt(["2026-01-05", "2026-01-06"])})
    values, _ = kpi_values(Dataset(tables={"tasks": tasks}), CAT, MONTHS, kpis=["on_time_delivery_rate"])
    assert values.at["on_time_delivery_rate", JAN] == pytest.approx(0.5)  # one of two on its due day


# --- values -------------------------------------------------------------------------------------

def test_row_expressions_seconds_days_and_zero_denominators() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-01 08:00", "2026-01-02 08:00", "2026-01-03 00:00"]),
                          "end": dt(["2026-01-01 09:30", "2026-01-04 08:00", None]),
                          "a": num([10, 20, 30]), "b": num([2, 0, 5])})
    assert jan(frame, measure("sum", "seconds(end - day)"))[""] == 5400 + 2 * 86400  # 1.5 h + 2 days
    assert jan(frame, measure("sum", "days(end - day)"))[""] == pytest.approx(5400 / 86400 + 2)
    # 20 / 0 is no value, not infinity: 10/2 + 30/5 = 11
    assert jan(frame, measure("sum", "a / b"))[""] == 11.0
    assert jan(frame, measure("mean", "a / b"))[""] == 5.5
    assert jan(frame, measure("max", "a - b"))[""] == 25.0


def test_a_row_function_the_engine_cannot_express_is_a_clear_error() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-01"]), "a": num([1])})
    with pytest.raises(MeasureSQLError, match="difference of two dates"):
        jan(frame, measure("sum", "days(a)"))


@pytest.mark.parametrize("agg, want", [("sum", 0.0), ("count", 0.0), ("nunique", 0.0), ("min", None),
                                       ("max", None), ("mean", None)])
def test_an_empty_period_is_zero_for_sums_and_no_value_for_min_max_mean(agg, want) -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-10"]), "x": num([4])})
    got = MeasureEngine({"t": frame}).per_period([measure(agg, "x")], MONTHS)["m"][""]
    assert got[JAN] == (1.0 if agg in ("count", "nunique") else 4.0)
    march = got[pd.Period("2026-03", "M")]
    assert (math.isnan(march) if want is None else march == want)


# --- members ------------------------------------------------------------------------------------

def test_members_are_trimmed_blanks_named_and_listed_from_any_period() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-02", "2026-01-03", "2026-01-04", "2025-06-01", "2026-01-05"]),
                          "region": text(["North ", "North", None, "West", ""]), "x": num([1, 2, 4, 8, 16])})
    got = jan(frame, measure("sum", "x"), by="region")
    # West only sold in 2025 and is still listed (0); None and "" are one blank member
    assert got.to_dict() == {"(blank)": 20.0, "North": 3.0, "West": 0.0}


def test_hashtags_count_for_each_tag_in_a_cell() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-02", "2026-01-03", "2026-01-04"]),
                          "hashtag": text(["#sale #summer", "#sale,#new;", ";"]), "x": num([1, 2, 4])})
    got = jan(frame, measure("sum", "x"), by="hashtag")
    assert got.to_dict() == {"#new": 2.0, "#sale": 3.0, "#summer": 1.0, "(blank)": 4.0}


# --- period-dated rows, last values, spans --------------------------------------------------------

def test_a_quarter_row_is_split_over_its_months_by_days_for_sums() -> None:
    frame = pd.DataFrame({"period": text(["2026-Q1", "2026-02"]), "x": num([90, 10])})
    m = measure("sum", "x", date="period")
    got = MeasureEngine({"t": frame}).per_period([m], MONTHS)["m"][""]
    # Q1 2026 has 90 days: January 31, February 28, March 31 of them
    assert got.tolist() == pytest.approx([31.0, 28.0 + 10.0, 31.0])
    count = MeasureEngine({"t": frame}).per_period([measure("count", date="period")], MONTHS)["m"][""]
    assert count.tolist() == [1.0, 1.0, 0.0]  # a count is not split: the quarter row is on its first day


def test_last_value_per_group_added_up_the_later_row_winning_a_tie() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-05", "2026-01-20", "2026-01-20", "2026-01-07", "2026-02-10"]),
                          "platform": text(["x", "x", "x", "y", "y"]), "f": num([100, 110, 120, 50, 60])})
    m = measure("last", "f", by="platform")
    got = MeasureEngine({"t": frame}).per_period([m], MONTHS)["m"][""]
    # January: x's latest is the later of the two Jan-20 rows (120), y's 50 -> 170; February: 120 + 60
    assert got.tolist() == [170.0, 180.0, 180.0]


def test_year_to_date_spans_overlap_and_count_each_customer_once() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-02", "2026-02-03", "2026-02-04", "2026-03-05"]),
                          "c": text(["A", "A", "B", "A"]), "x": num([1.5, 2.25, 4, 8])})
    spans = [(pd.Timestamp("2026-01-01"), p.end_time) for p in MONTHS]
    engine = MeasureEngine({"t": frame})
    got = engine.per_span([measure("nunique", "c", id="buyers"), measure("nunique", "c", id="twice", min_count=2),
                           measure("sum", "x", id="total"), measure("count", id="rows")], spans, MONTHS)
    assert got["buyers"].tolist() == [1.0, 2.0, 2.0]  # A; A and B; A and B
    assert got["twice"].tolist() == [0.0, 1.0, 1.0]  # A's second row is in February
    assert got["total"].tolist() == [1.5, 7.75, 15.75]
    assert got["rows"].tolist() == [1.0, 3.0, 4.0]


# --- views --------------------------------------------------------------------------------------

def test_a_view_replaces_its_table_and_its_columns_count() -> None:
    """Order items dated and filtered by their order: the lead's joins arrive as views."""
    items = pd.DataFrame({"order_id": text(["O1", "O1", "O2", "O3"]), "price": num([10, 5, 7, 100])})
    heads = pd.DataFrame({"order_id": text(["O1", "O2", "O3"]), "day": dt(["2026-01-03", "2026-02-01", "2026-01-09"]),
                          "status": text(["paid", "paid", "cancelled"])})
    view = "SELECT i.order_id, i.price, o.day, o.status FROM items i JOIN heads o USING (order_id)"
    engine = MeasureEngine({"items": items, "heads": heads}, views={"t": view})
    assert engine.has("t", "status") and not engine.has("t", "customer_id")
    m = measure("sum", "price", where=(Condition("status", "ne", "cancelled"),))
    assert engine.per_period([m], MONTHS)["m"][""].tolist() == [15.0, 7.0, 0.0]


def test_year_to_date_on_order_lines_counts_distinct_orders() -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-02", "2026-01-02", "2026-02-03", "2026-02-04", "2026-02-05",
                                     "2026-03-05"]),
                          "c": text(["A", "A", "A", "B", "B", "B"]), "k": text(["O1", "O1", "O2", "O3", "O3", "O4"])})
    spans = [(pd.Timestamp("2026-01-01"), p.end_time) for p in MONTHS]
    got = MeasureEngine({"t": frame}).per_span(
        [measure("nunique", "c", id="repeat", min_count=2, key="k"), measure("count", id="orders", key="k")],
        spans, MONTHS)
    # A's second order is in February, B's in March; orders to date: O1; O1-O3; O1-O4
    assert got["repeat"].tolist() == [0.0, 1.0, 2.0]
    assert got["orders"].tolist() == [1.0, 3.0, 4.0]


@pytest.mark.parametrize("amounts", [[0.1] * 10, [19.99, 5.01, 0.07, 1234.56, 0.3, 0.6], [1e6 + 0.01] * 7 + [0.03] * 3])
def test_sums_round_like_math_fsum(amounts) -> None:
    frame = pd.DataFrame({"day": dt(["2026-01-15"] * len(amounts)), "x": num(amounts)})
    got = jan(frame, measure("sum", "x"))[""]
    assert got == math.fsum(amounts)  # exactly: 1.0 for ten times 0.1, not 0.9999999999999999
