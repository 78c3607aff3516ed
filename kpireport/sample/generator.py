"""Seeded sample data for a fictional company, and the Excel workbooks it arrives in.

Demos, tests and benchmarks need input that looks like real exports and lets every KPI of the
catalog be computed. `generate_tables` builds all canonical tables of `tables.yaml` for
Northwind Outdoor Ltd. (fictional); `write_sample_workbooks` writes them the way the exports
usually arrive (one workbook per source system, one sheet per table, human headers). Output
depends only on the arguments: same seed, same tables, same cell values.

    python -m kpireport.sample.generator --out sample_workbooks [--seed N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ..schema import default_schema
from . import commercial, deals, finance, leads, responses, service
from .company import COMPANY, CURRENCY, Window

TABLE_ORDER = (
    "orders",
    "customers",
    "leads",
    "opportunities",
    "campaigns",
    "web",
    "tickets",
    "interactions",
    "surveys",
    "expenses",
    "invoices",
    "targets",
    "market",
    "production",
    "social",
    "tasks",
    "staff",
    "product_usage",
    "okrs",
    "campaign_responses",
    "payments",
)

# One workbook per source system, as the exports come out of a CRM, help desk, ERP ...
WORKBOOKS: dict[str, tuple[str, ...]] = {
    "sales_orders.xlsx": ("orders", "payments"),
    "crm_export.xlsx": ("customers", "leads", "opportunities", "campaigns", "interactions", "campaign_responses"),
    "helpdesk.xlsx": ("tickets", "surveys"),
    "web_and_social.xlsx": ("web", "social", "product_usage"),
    "finance.xlsx": ("expenses", "invoices", "targets", "market"),
    "operations.xlsx": ("production", "tasks", "staff"),
    "okrs.xlsx": ("okrs",),
}
SHEET_NAMES = {"okrs": "OKRs"}
DATETIME_COLUMNS = {("tickets", "created_at"), ("tickets", "first_response_at"), ("tickets", "resolved_at")}
# Columns written without a thousands format (targets mix fractions and amounts).
GENERAL_NUMBERS = {("targets", "target"), ("okrs", "baseline"), ("okrs", "target")}
_HEADER_WORDS = {"id": "ID", "of": "of", "csat": "CSAT", "ces": "CES", "nps": "NPS", "kpi": "KPI"}
CREATED = datetime(2026, 11, 1)


def generate_tables(seed: int = 2026, start: str = "2024-01-01", end: str = "2026-10-31") -> dict[str, pd.DataFrame]:
    """All 20 canonical tables, columns named as in tables.yaml, for the given window."""
    w = Window.of(start, end)
    names = (
        "customers",
        "leads",
        "opportunities",
        "orders",
        "invoices",
        "tickets",
        "surveys",
        "interactions",
        "web",
        "social",
        "product_usage",
        "production",
        "tasks",
        "staff",
        "expenses",
        "market",
        "plan",
        "call_outcomes",  # issue 16's columns and table come last: the streams above stay the same
        "churn_list",
        "campaign_responses",
    )
    # One independent stream per table: changing how one table is drawn leaves the others alone.
    rng = dict(zip(names, np.random.default_rng(seed).spawn(len(names)), strict=True))
    base = commercial.build_customers(rng["customers"], w)
    lead_rows, campaigns = leads.build_leads(rng["leads"], w, base)
    opportunities = deals.build_opportunities(rng["opportunities"], w, base)
    orders = commercial.build_orders(rng["orders"], w, base)
    t: dict[str, pd.DataFrame] = {
        "orders": orders,
        # after leads: a lead with no campaign to credit turns "organic"
        "customers": responses.with_churn_columns(rng["churn_list"], base.frame(), base),
        "leads": lead_rows,
        "opportunities": opportunities,
        "campaigns": campaigns,
        "web": service.build_web(rng["web"], w, orders),
        "tickets": responses.with_call_outcomes(rng["call_outcomes"], service.build_tickets(rng["tickets"], w, base)),
        "interactions": service.build_interactions(rng["interactions"], w),
        "surveys": service.build_surveys(rng["surveys"], w, base),
        "invoices": commercial.build_invoices(rng["invoices"], w, orders),
        "production": service.build_production(rng["production"], w),
        "social": service.build_social(rng["social"], w),
        "tasks": service.build_tasks(rng["tasks"], w),
        "staff": service.build_staff(rng["staff"], w),
        "product_usage": service.build_product_usage(rng["product_usage"], w),
        "campaign_responses": responses.build_campaign_responses(rng["campaign_responses"], campaigns, base),
    }
    plan = finance.Plan(w, orders, rng["plan"])
    t["expenses"] = finance.build_expenses(rng["expenses"], w, plan, campaigns)
    t["market"] = finance.build_market(rng["market"], w, plan)
    t["targets"] = finance.build_targets(w, plan, t)
    t["okrs"] = finance.build_okrs(w, plan, t)
    t["payments"] = commercial.build_payments(orders, t["invoices"])
    return {name: _conform(name, t[name]) for name in TABLE_ORDER}


def _conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Fail loudly if a builder drifted from tables.yaml (a column renamed there, say)."""
    spec = default_schema().table(name)
    unknown = [c for c in df.columns if not spec.has(c)]
    missing = [c for c in spec.required if c not in df.columns]
    if unknown or missing:
        raise RuntimeError(f"sample table {name!r}: columns {unknown} not in tables.yaml, required {missing} missing")
    return df.reset_index(drop=True)


def sheet_name(table: str) -> str:
    return SHEET_NAMES.get(table, table.replace("_", " ").title())


def header(column: str) -> str:
    """The human header an export would show: order_date -> "Order Date", customer_id -> "Customer ID"."""
    return " ".join(_HEADER_WORDS.get(word, word.capitalize()) for word in column.split("_"))


def write_sample_workbooks(out_dir: Path, seed: int = 2026) -> list[Path]:
    """Write the sample tables as the seven export workbooks; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = generate_tables(seed)
    paths = []
    for file_name, names in WORKBOOKS.items():
        path = out_dir / file_name
        _write_workbook(path, [(n, tables[n]) for n in names], seed)
        paths.append(path)
    return paths


def _write_workbook(path: Path, tables: list[tuple[str, pd.DataFrame]], seed: int) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(str(path), options)
    try:
        wb.set_properties(
            {
                "title": f"{COMPANY} - {path.stem.replace('_', ' ')}",
                "subject": "Fictional sample data for kpireport",
                "author": "kpireport sample generator",
                "company": COMPANY,
                "comments": f"Generated data, seed {seed}. The company and all people in it are fictional.",
                "created": CREATED,
            }
        )
        wb.set_custom_property("Currency", CURRENCY)  # the sample's money is in dollars, whatever the locale
        formats = {
            "header": wb.add_format({"bold": True, "bg_color": "#DCE6F1", "bottom": 1}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "integer": wb.add_format({"num_format": "#,##0"}),
            "decimal": wb.add_format({"num_format": "#,##0.0#"}),
        }
        for name, df in tables:
            _write_sheet(wb, name, df, formats)
    finally:
        wb.close()


def _write_sheet(wb: xlsxwriter.Workbook, table: str, df: pd.DataFrame, formats: dict) -> None:
    spec = default_schema().table(table)
    ws = wb.add_worksheet(sheet_name(table))
    for c, column in enumerate(df.columns):
        ws.write_string(0, c, header(column), formats["header"])
        kind = spec.column(column).type
        series = df[column]
        if kind == "date":
            dt = (table, column) in DATETIME_COLUMNS
            fmt = formats["datetime" if dt else "date"]
            for r, value in enumerate(series.tolist(), start=1):
                if not pd.isna(value):
                    ws.write_datetime(r, c, value.to_pydatetime(), fmt)
            width = 20 if dt else 12
        elif kind == "bool":
            for r, value in enumerate(series.tolist(), start=1):
                if not pd.isna(value):
                    ws.write_string(r, c, "Yes" if value else "No")
            width = 8
        elif kind in ("number", "money", "score"):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            fmt = _number_format(table, column, kind, values, formats)
            for r, value in enumerate(values.tolist(), start=1):
                if value == value:  # not NaN
                    ws.write_number(r, c, round(value, 2) if kind == "money" else value, fmt)
            width = 14 if kind == "money" else 11
        else:
            texts = [None if pd.isna(v) else str(v) for v in series.tolist()]
            for r, value in enumerate(texts, start=1):
                if value:
                    ws.write_string(r, c, value)
            width = min(72, max((len(v) for v in texts if v), default=6) + 2)
        ws.set_column(c, c, max(width, len(header(column)) + 3))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)


def _number_format(table: str, column: str, kind: str, values: np.ndarray, formats: dict):
    if kind == "money":
        return formats["money"]
    if kind == "score" or (table, column) in GENERAL_NUMBERS:
        return None
    finite = values[~np.isnan(values)]
    return formats["integer"] if np.all(finite == np.round(finite)) else formats["decimal"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kpireport.sample.generator",
        description=f"Write sample Excel exports of {COMPANY} (fictional) for trying kpireport.",
    )
    parser.add_argument("--out", type=Path, default=Path("sample_workbooks"), help="output folder")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    args = parser.parse_args(argv)
    for path in write_sample_workbooks(args.out, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
