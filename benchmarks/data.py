"""Benchmark inputs: an orders sheet and a full multi-table workbook at a given row count.

Orders are synthesised with numpy (vectorised, seeded) and written row by row with
xlsxwriter's constant_memory mode, the only way to write a million rows in bounded memory.
The other tables of the full workbook come from the sample generator. Files are cached in
benchmarks/.cache because writing a million rows takes about a minute.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

CACHE = Path(__file__).resolve().parent / ".cache"
REGIONS = ["North", "South", "East", "West"]
LINES = ["Retail", "Online", "Wholesale"]
CHANNELS = ["Store", "Web", "Partner"]
REPS = ["Ayşe Demir", "John Carter", "Mehmet Yılmaz", "Emma Brooks", "Zeynep Kaya", "Liam Foster", "Can Öztürk",
        "Olivia Hart"]
STATUS = ["completed", "cancelled", "returned"]


def synth_orders(rows: int, seed: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01")
    days = rng.integers(0, 1035, rows)  # 2024-01-01 .. 2026-10-31
    revenue = np.round(rng.lognormal(5.8, 0.7, rows), 2)
    return pd.DataFrame({
        "Order ID": [f"O{i:08d}" for i in range(1, rows + 1)],
        "Order Date": (start + days.astype("timedelta64[D]")).astype("datetime64[us]"),
        "Customer ID": [f"C{c:06d}" for c in rng.integers(1, 50_000, rows)],
        "Revenue": revenue,
        "Cost": np.round(revenue * rng.uniform(0.5, 0.7, rows), 2),
        "Quantity": rng.integers(1, 12, rows),
        "Status": np.array(STATUS)[rng.choice(3, rows, p=[0.95, 0.03, 0.02])],
        "Payment": np.array(["cash", "credit"])[rng.integers(0, 2, rows)],
        "Region": np.array(REGIONS)[rng.integers(0, 4, rows)],
        "Line of Business": np.array(LINES)[rng.integers(0, 3, rows)],
        "Channel": np.array(CHANNELS)[rng.integers(0, 3, rows)],
        "Sales Rep": np.array(REPS)[rng.integers(0, len(REPS), rows)],
    })


def _write_frame(wb: xlsxwriter.Workbook, name: str, df: pd.DataFrame) -> None:
    ws = wb.add_worksheet(name)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, list(df.columns))
    cols = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            cols.append(("date", s.dt.to_pydatetime().tolist() if hasattr(s.dt, "to_pydatetime") else list(s)))
        elif pd.api.types.is_numeric_dtype(s):
            cols.append(("num", s.astype("float64").tolist()))
        else:
            cols.append(("str", s.astype(object).tolist()))
    for r in range(len(df)):
        for c, (kind, values) in enumerate(cols):
            v = values[r]
            if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
                continue
            if kind == "date":
                ws.write_datetime(r + 1, c, v, date_fmt)
            elif kind == "num":
                ws.write_number(r + 1, c, v)
            else:
                ws.write_string(r + 1, c, str(v))


def _streaming_workbook(path: Path) -> xlsxwriter.Workbook:
    """A workbook written row by row in constant memory, strings kept as strings."""
    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})


def orders_workbook(rows: int) -> Path:
    path = CACHE / f"orders_{rows}.xlsx"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.xlsx")
        wb = _streaming_workbook(tmp)
        _write_frame(wb, "Orders", synth_orders(rows))
        wb.close()
        tmp.replace(path)
    return path


def full_workbook(rows: int) -> Path:
    """Orders at `rows` plus every other canonical table of the sample company, one workbook."""
    from kpireport.sample import generate_tables

    path = CACHE / f"full_{rows}.xlsx"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.xlsx")
        wb = _streaming_workbook(tmp)
        _write_frame(wb, "Orders", synth_orders(rows))
        for name, df in generate_tables().items():
            if name == "orders":
                continue
            headers = {c: c.replace("_", " ").title() for c in df.columns}
            _write_frame(wb, name.replace("_", " ").title(), df.rename(columns=headers))
        wb.close()
        tmp.replace(path)
    return path


def orders_csv(rows: int) -> Path:
    """The orders of `orders_workbook(rows)` as a comma-separated UTF-8 export (dates as yyyy-mm-dd)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = CACHE / f"orders_{rows}.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        df = synth_orders(rows)
        df["Order Date"] = df["Order Date"].dt.strftime("%Y-%m-%d")
        tmp = path.with_suffix(".tmp.csv")
        pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), tmp,
                        pacsv.WriteOptions(quoting_style="needed"))
        tmp.replace(path)
    return path
