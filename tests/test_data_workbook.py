"""`generate --with-data`: the validated rows in a workbook of their own, streamed to disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

from kpireport.render.data_workbook import write_data_workbook

from .conftest import SAMPLES, sample_dataset
from .test_cli import kpireport


def test_with_data_writes_every_validated_row(tmp_path: Path) -> None:
    result = kpireport("generate", str(SAMPLES), "--out", str(tmp_path), "--with-data", "-q")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "kpi-report-data.xlsx"
    dataset = sample_dataset()
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == sorted(dataset.tables)
    orders = dataset.tables["orders"]
    rows = list(wb["orders"].iter_rows(values_only=True))
    assert list(rows[0]) == list(orders.columns)
    assert len(rows) - 1 == len(orders)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["order_id"] == orders["order_id"].iloc[0]
    assert isinstance(first["order_date"], dt.datetime)
    assert first["order_date"] == orders["order_date"].iloc[0].to_pydatetime()
    assert first["revenue"] == float(orders["revenue"].iloc[0])
    assert not list(tmp_path.glob(".*.tmp"))


def test_without_the_option_no_data_file(tmp_path: Path) -> None:
    result = kpireport("generate", str(SAMPLES), "--out", str(tmp_path), "-q")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "kpi-report-data.xlsx").exists()


def test_a_table_longer_than_a_sheet_continues_on_the_next(tmp_path: Path) -> None:
    df = pd.DataFrame({"order_id": [f"O{i}" for i in range(7)], "revenue": [float(i) for i in range(7)],
                       "paid": [True, False, None, True, True, False, True]})
    df["paid"] = df["paid"].astype("boolean")
    path = write_data_workbook({"orders": df}, tmp_path / "d.xlsx", max_rows=3)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["orders", "orders (2)", "orders (3)"]
    values = [r for name in wb.sheetnames for r in list(wb[name].iter_rows(values_only=True))[1:]]
    assert [r[0] for r in values] == list(df["order_id"])
    assert [r[2] for r in values] == [True, False, None, True, True, False, True]
