"""Periods you can trust, inputs read once, no data is not zero, and validate agreeing with generate.

Each case is a small workbook written here with hand-computed expectations, run through the
real command line (`kpireport generate` / `kpireport validate` as a subprocess) where the exit
code or the files matter, and through the functions underneath where only a rule is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from kpireport.catalog import default_catalog
from kpireport.compute.availability import may_be_blank, must_be_filled
from kpireport.compute.partial import partial_first
from kpireport.compute.report import Unavailable
from kpireport.dataset import Dataset, placing_date
from kpireport.read.duplicates import unique_files
from kpireport.validate.stray import stray_mask

from .test_cli import kpireport


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datefmt)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return path


def _monthly_orders(first: dt.date, last: dt.date, revenue: float = 100.0) -> list[list[object]]:
    """One order on the first and one on the last day of every month from first to last (inclusive)."""
    rows: list[list[object]] = [["Order Date", "Revenue", "Order ID"]]
    n = 0
    for m in pd.period_range(first, last, freq="M"):
        for day in (1, m.days_in_month):
            d = dt.date(m.year, m.month, day)
            if first <= d <= last:
                n += 1
                rows.append([d, revenue, f"O{n}"])
    return rows


def _json(out: Path) -> dict:
    return json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))


# --- stray dates ---------------------------------------------------------------------------------

def _months(*spec: tuple[str, int]) -> pd.Series:
    """('2024-01', 3) -> three rows on 2024-01-15."""
    return pd.Series(pd.to_datetime([f"{m}-15" for m, n in spec for _ in range(n)]))


@pytest.mark.parametrize(("dates", "stray"), [
    # 34 months of 10 rows, one row in 2031: cut off by a 4-year gap, 1 row <= max(2, 1 %)
    (_months(*[(str(p), 10) for p in pd.period_range("2024-01", "2026-10", freq="M")], ("2031-05", 1)), {340}),
    # one row on 1900-01-15 before the same history
    (_months(("1900-01", 1), *[(str(p), 10) for p in pd.period_range("2024-01", "2026-10", freq="M")]), {0}),
    # a pause of 6 months is not a gap: 2025-01 .. 2025-06 empty, nothing stray
    (_months(("2024-12", 1), ("2025-07", 5), ("2025-08", 5)), set()),
    # a 7-month pause is a gap, but 3 rows of 11 are more than max(2, 1 %): history, kept
    (_months(("2024-01", 3), ("2024-09", 4), ("2024-10", 4)), set()),
    # 2 rows cut off at each end, each side within the limit
    (_months(("2019-03", 2), ("2024-01", 50), ("2024-02", 50), ("2030-01", 2)), {0, 1, 102, 103}),
    # too few dated rows to tell
    (_months(("2024-01", 1), ("2031-01", 1)), set()),
])
def test_stray_dates_are_the_few_rows_cut_off_by_a_gap(dates: pd.Series, stray: set[int]) -> None:
    assert set(np.flatnonzero(stray_mask(dates)).tolist()) == stray


def test_stray_rows_are_flagged_by_cell_and_do_not_move_the_period(tmp_path: Path) -> None:
    rows = _monthly_orders(dt.date(2024, 1, 1), dt.date(2026, 10, 31))  # 68 orders, rows 2..69
    rows.append([dt.date(2031, 5, 1), 999.0, "LATE"])  # row 70
    rows.insert(1, [dt.date(1901, 5, 1), 999.0, "EARLY"])  # row 2 (1900-01-01 is serial 0: a time of day)
    src = _xlsx(tmp_path / "orders.xlsx", {"Orders": rows})
    out = tmp_path / "out"
    result = kpireport("generate", str(src), "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    data = _json(out)
    assert data["period"] == "2026-10"
    assert data["periods"][0] == "2024-01" and len(data["periods"]) == 34
    assert data["kpis"]["revenue"]["value"] == 200.0  # two orders of 100; the 999s are left out
    flagged = {(p["cell"], p["column"]) for p in data["problems"]
               if "date far outside the rest of the column's dates" in p["reason"]}
    assert flagged == {("A2", "Order Date"), ("A71", "Order Date")}
    checked = kpireport("validate", str(src))
    assert checked.returncode == 0, checked.stdout
    assert "70 rows read, 68 used" in checked.stdout


# --- --period outside the data, customers-only input --------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--period", "2026-12"], "2026-12 is after the data, which runs from 2024-01 to 2026-10"),
    (["--period", "2023-11"], "2023-11 is before the data, which runs from 2024-01 to 2026-10"),
    (["--period", "2027"], "2027 is after the data, which runs from 2024 to 2026"),
    (["--grain", "quarter", "--period", "2027-Q1"], "2027-Q1 is after the data, which runs from 2024-Q1 to 2026-Q4"),
])
def test_period_outside_the_data_is_a_usage_error_naming_the_range(tmp_path: Path, args: list[str],
                                                                    message: str) -> None:
    src = _xlsx(tmp_path / "orders.xlsx", {"Orders": _monthly_orders(dt.date(2024, 1, 1), dt.date(2026, 10, 31))})
    result = kpireport("generate", str(src), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "kpi-report.json").exists()


def test_period_error_suggests_the_complete_periods() -> None:
    from kpireport.calendars import Calendar
    from kpireport.compute.engine import _check_inside
    from kpireport.errors import UsageError
    from kpireport.periods import Grain

    with pytest.raises(UsageError) as err:
        _check_inside(pd.Period("2026-12", "M"), pd.Timestamp("2024-01-01"), pd.Timestamp("2026-10-15"),
                      Grain.MONTH, 1, Calendar())
    assert "pick a period from 2024-01 to 2026-09" in err.value.one_line().lower()


@pytest.mark.parametrize(("table", "column"), [
    ("orders", "order_date"), ("customers", "acquired_date"), ("opportunities", "created_date"),
    ("tickets", "created_at"), ("staff", "period"), ("targets", "period"),
])
def test_rows_are_placed_by_a_date_column_never_an_id(table: str, column: str) -> None:
    assert placing_date(table) == column


def test_customers_only_input_is_reported(tmp_path: Path) -> None:
    rows = [["Customer ID", "Acquired Date", "Lost Date"],
            ["C1", dt.date(2025, 1, 10), None], ["C2", dt.date(2025, 2, 10), dt.date(2025, 3, 5)],
            ["C3", dt.date(2025, 3, 20), None], ["C4", dt.date(2025, 4, 30), None]]
    src = _xlsx(tmp_path / "customers.xlsx", {"Customers": rows})
    checked = kpireport("validate", str(src))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out = tmp_path / "out"
    result = kpireport("generate", str(src), "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    data = _json(out)
    assert data["period"] == "2025-04"  # the last acquisition, 30 April, completes April
    assert data["kpis"]["customers"]["value"] == 3.0  # C1, C3, C4 at the end of April; C2 left in March
    assert data["kpis"]["new_customers"]["value"] == 1.0


# --- the same file twice -----------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["twice", "folder and file", "copy"])
def test_the_same_file_is_read_once(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    src = _xlsx(folder / "orders.xlsx", {"Orders": _monthly_orders(dt.date(2026, 1, 1), dt.date(2026, 3, 31))})
    args = {"twice": [str(src), str(src)], "folder and file": [str(folder), str(src)]}.get(how)
    if how == "copy":
        shutil.copy(src, folder / "orders (1).xlsx")
        args = [str(folder)]
    out = tmp_path / "out"
    result = kpireport("generate", *args, "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    data = _json(out)
    assert data["kpis"]["revenue"]["value"] == 200.0  # March: two orders of 100, not four
    notes = [p["reason"] for p in data["problems"] if "read once" in p["reason"]]
    expected = ("orders.xlsx is the same file as orders (1).xlsx" if how == "copy"  # the folder's order
                else "orders.xlsx was given twice")
    assert notes == [f"{expected} (identical content); read once"]
    checked = kpireport("validate", *args)
    assert checked.returncode == 0 and "read once" in checked.stdout, checked.stdout


def test_files_of_the_same_size_but_other_bytes_are_both_read(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("x\n1\n")
    b.write_text("x\n2\n")
    c.write_text("x\n1\n")
    keep, dropped = unique_files([a, b, c, a])
    assert keep == [a, b]
    assert dropped == [(c, a), (a, a)]


# --- no data is not zero -----------------------------------------------------------------------------

@pytest.mark.parametrize(("table", "blank_ok", "must_fill"), [
    ("customers", {"lost_date"}, set()),
    ("leads", {"converted_date"}, set()),
    ("tickets", {"resolved_at", "first_response_at", "first_contact_resolved", "handle_seconds"}, set()),
    ("orders", {"status"}, {"revenue", "cost", "customer_id", "order_date"}),
    ("surveys", {"csat", "ces", "nps", "aware"}, set()),
])
def test_which_columns_may_be_blank_comes_from_the_catalog(table: str, blank_ok: set[str],
                                                           must_fill: set[str]) -> None:
    cat = default_catalog()
    ok = may_be_blank(cat, table)
    assert blank_ok <= ok
    filled = set().union(*(must_be_filled(m, ok) for m in cat.measures.values() if m.table == table))
    assert must_fill <= filled
    assert not (filled & ok)


@pytest.mark.parametrize(("u", "reason"), [
    (Unavailable("x", {}, no_rows=("leads",)), "table 'leads' has no rows"),
    (Unavailable("x", {"orders": ("cost",)}, empty={"orders": ("cost",)}), "orders.cost is blank in every row"),
    (Unavailable("x", {"orders": ("cost", "status")}, empty={"orders": ("cost",)}),
     "needs 'orders' columns status; orders.cost is blank in every row"),
    (Unavailable("x", {"surveys": ()}), "needs table 'surveys'"),
])
def test_unavailable_reasons(u: Unavailable, reason: str) -> None:
    assert u.reason() == reason


def test_blank_template_filled_on_orders_only(tmp_path: Path) -> None:
    from kpireport.config import Config

    from .test_template import fill_template

    made = kpireport("template", "input.xlsx", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    orders = pd.DataFrame({"order_date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-03", "2026-02-27"]),
                           "revenue": [100.0, 50.0, 80.0, 40.0], "order_id": ["O1", "O2", "O3", "O4"],
                           "customer_id": ["C1", "C2", "C1", "C3"]})
    tables = {t: pd.DataFrame() for t in _template_tables()}
    tables["orders"] = orders
    filled = tmp_path / "filled.xlsx"
    fill_template(tmp_path / "input.xlsx", filled, Config(), tables)
    checked = kpireport("validate", str(filled))
    assert checked.returncode == 0, checked.stdout
    out = tmp_path / "out"
    result = kpireport("generate", str(filled), "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    data = _json(out)
    assert data["period"] == "2026-01"  # 27 February does not complete February
    assert data["kpis"]["revenue"]["value"] == 150.0
    assert data["kpis"]["average_order_value"]["value"] == 75.0  # 150 over two orders
    gone = data["could_not_compute"]
    for kid in ("cogs", "gross_margin", "net_margin"):
        assert "orders.cost is blank in every row" in gone[kid], (kid, gone.get(kid))
    for kid, table in (("new_leads", "leads"), ("complaints", "tickets"), ("customers", "customers"),
                       ("csat", "surveys"), ("website_conversion_rate", "web")):
        assert f"table '{table}' has no rows" in gone.get(kid, ""), (kid, gone.get(kid))
    assert not set(data["kpis"]) & set(gone)


def _template_tables() -> list[str]:
    from kpireport.schema import default_schema

    return list(default_schema().tables)


# --- validate = generate -----------------------------------------------------------------------------

def _bad_dates(tmp_path: Path) -> list[Path]:
    rows = [["Order Date", "Revenue"]] + [["not a date", 10.0] for _ in range(7)]
    good = [["Created Date", "Lead ID"], [dt.date(2026, 1, 5), "L1"], [dt.date(2026, 2, 5), "L2"]]
    return [_xlsx(tmp_path / "orders.xlsx", {"Orders": rows}), _xlsx(tmp_path / "leads.xlsx", {"Leads": good})]


def _named_but_unreadable(tmp_path: Path) -> list[Path]:
    return [_xlsx(tmp_path / "x.xlsx", {"Orders": [["Order Dte", "Revenue"], [dt.date(2026, 1, 1), 1.0]],
                                        "Leads": [["Created Date", "Lead ID"], [dt.date(2026, 1, 1), "L1"]]})]


def _no_table(tmp_path: Path) -> list[Path]:
    return [_xlsx(tmp_path / "notes.xlsx", {"README": [["Nothing to see"]]})]


def _customers(tmp_path: Path) -> list[Path]:
    return [_xlsx(tmp_path / "c.xlsx", {"Customers": [["Customer ID", "Acquired Date"], ["C1", dt.date(2026, 1, 31)]]})]


def _undated_targets(tmp_path: Path) -> list[Path]:
    return [_xlsx(tmp_path / "t.xlsx", {"Targets": [["KPI", "Period", "Target"], ["revenue", "2026-01", 5.0]]})]


@pytest.mark.parametrize(("make", "code", "says"), [
    (_bad_dates, 7, "0 of 7 rows are usable"),
    (_named_but_unreadable, 3, "required column(s) order_date not found"),
    (_no_table, 7, "no input table was recognised"),
    (_customers, 0, ""),
    (_undated_targets, 7, "no dated rows were found"),
])
def test_validate_and_generate_exit_alike(tmp_path: Path, make, code: int, says: str) -> None:
    inputs = [str(p) for p in make(tmp_path)]
    checked = kpireport("validate", *inputs)
    made = kpireport("generate", *inputs, "--out", str(tmp_path / "out"), "-q")
    assert (checked.returncode, made.returncode) == (code, code), checked.stdout + checked.stderr + made.stderr
    assert says in checked.stdout + checked.stderr and says in made.stderr


def test_config_can_ignore_a_file_or_a_sheet(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _xlsx(folder / "export.xlsx", {"Sheet1": [["Order Dte", "Revenue"], [dt.date(2026, 1, 1), 1.0]],
                                   "Orders": _monthly_orders(dt.date(2026, 1, 1), dt.date(2026, 2, 28))})
    (folder / "notes.csv").write_text("Created Date,Lead ID\n2026-01-05,L1\n", encoding="utf-8")
    config = tmp_path / "kpireport.yaml"
    config.write_text('mapping:\n  sheets:\n    "export.xlsx/Sheet1": orders\n', encoding="utf-8")
    assert kpireport("validate", str(folder), "--config", str(config)).returncode == 3  # mapped, unreadable
    config.write_text('mapping:\n  sheets:\n    "export.xlsx/Sheet1": ignore\n    "notes.csv": ignore\n',
                      encoding="utf-8")
    checked = kpireport("validate", str(folder), "--config", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "export.xlsx / Sheet1: ignored: the config marks it 'ignore'" in checked.stdout
    assert "notes.csv / notes: ignored: the config marks it 'ignore'" in checked.stdout
    out = tmp_path / "out"
    made = kpireport("generate", str(folder), "--out", str(out), "--config", str(config), "-q")
    assert made.returncode == 0, made.stderr
    data = _json(out)
    ignored = sorted(p["file"] for p in data["problems"] if "marks it 'ignore'" in p["reason"])
    assert ignored == ["export.xlsx", "notes.csv"]
    assert "new_leads" in data["could_not_compute"]  # notes.csv held leads, not read


# --- a partial first period --------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "periods", "partial"), [
    ("2010-12-01", ["2010", "2011"], "2010"),
    ("2010-01-01", ["2010", "2011"], None),
    ("2026-01-15", ["2026-01", "2026-02"], "2026-01"),
])
def test_partial_first_period(first: str, periods: list[str], partial: str | None) -> None:
    got = partial_first(pd.Timestamp(first), [pd.Period(p) for p in periods])
    assert (str(got) if got is not None else None) == partial


def test_growth_against_a_partial_first_year_is_marked(tmp_path: Path) -> None:
    rows = _monthly_orders(dt.date(2010, 12, 1), dt.date(2011, 12, 31))  # 2 orders in 2010, 24 in 2011
    src = _xlsx(tmp_path / "orders.xlsx", {"Orders": rows})
    out = tmp_path / "out"
    result = kpireport("generate", str(src), "--out", str(out), "--grain", "year", "-q")
    assert result.returncode == 0, result.stderr
    data = _json(out)
    assert data["period"] == "2011"
    growth = data["kpis"]["sales_growth"]
    assert growth["value"] == pytest.approx(11.0)  # 2,400 against 200: +1,100 %, computed as before
    assert growth["note"].startswith("compared with 2010, which the data covers only from 2010-12-01")
    assert data["kpis"]["revenue"]["note"] is not None  # its change vs 2010 is against the partial year too
    assert any("2010 is a partial year" in p["reason"] for p in data["problems"])


def test_a_full_first_period_gets_no_note(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "orders.xlsx", {"Orders": _monthly_orders(dt.date(2010, 1, 1), dt.date(2011, 12, 31))})
    out = tmp_path / "out"
    assert kpireport("generate", str(src), "--out", str(out), "--grain", "year", "-q").returncode == 0
    data = _json(out)
    assert data["kpis"]["sales_growth"]["note"] is None
    assert not any("partial" in p["reason"] for p in data["problems"])


def test_dataset_first_and_last_dates_use_event_tables_first() -> None:
    ds = Dataset(tables={
        "orders": pd.DataFrame({"order_date": pd.to_datetime(["2025-03-02", "2025-06-30"]), "revenue": [1.0, 2.0]}),
        "customers": pd.DataFrame({"customer_id": ["C1"], "acquired_date": pd.to_datetime(["2019-01-01"])}),
    })
    assert (ds.first_date(), ds.last_date()) == (pd.Timestamp("2025-03-02"), pd.Timestamp("2025-06-30"))
    only = Dataset(tables={"customers": ds.tables["customers"]})
    assert (only.first_date(), only.last_date()) == (pd.Timestamp("2019-01-01"), pd.Timestamp("2019-01-01"))
