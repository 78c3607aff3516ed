"""Values and targets typed by hand in a monthly KPI sheet, merged into the computed report.

Users who already keep a KPI sheet (one row per KPI, one column per month) get the same
report from it. Where a KPI is also computable from record tables, the typed value wins and
the period gets a note that says so and shows the computed figure, so nobody is surprised
by a number that does not match the records. A typed KPI that the records cannot give
(no such table) is no longer "could not compute".

At quarter and year grain the typed months are rolled up with the same rules as targets
(see targets.py): added up for additive KPIs when every month of the period is typed, the
last month for stocks, the mean of the typed months otherwise (an approximation for rates,
said so in the note). Typed values are not fed into other KPIs' formulas: those stay
computed from the records, so the records never get mixed with hand-typed figures.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalog.model import Catalog
from ..dataset import Dataset
from ..periods import Grain, grain_of
from ..problems import ProblemLog
from .report import Unavailable
from .targets import rollup_rule, target_table


def _sheet(dataset: Dataset) -> pd.DataFrame | None:
    sheet = getattr(dataset, "kpi_sheet", None)
    return None if sheet is None or sheet.empty else sheet


def typed_targets(dataset: Dataset) -> pd.DataFrame | None:
    """The targets table with the KPI sheet's typed targets added as target rows (typed last, so they win)."""
    raw = dataset.tables.get("targets")
    sheet = _sheet(dataset)
    if sheet is None or not sheet["target"].notna().any():
        return raw
    rows = sheet.loc[sheet["target"].notna(), ["kpi", "period", "target"]].assign(kind="target")
    return rows if raw is None else pd.concat([raw, rows], ignore_index=True)


def typed_values(dataset: Dataset, catalog: Catalog, periods: list[pd.Period],
                 fiscal_year_start: int) -> tuple[pd.DataFrame, dict[tuple[str, pd.Period], str]]:
    """Typed values per KPI and report period, and where each came from (for the note)."""
    sheet = _sheet(dataset)
    if sheet is None or not sheet["value"].notna().any():
        return pd.DataFrame(columns=pd.PeriodIndex(periods), dtype="float64"), {}
    rows = sheet[sheet["value"].notna()]
    raw = rows[["kpi", "period"]].assign(target=rows["value"])
    table = target_table(raw, catalog, periods, fiscal_year_start, ProblemLog(), kind=None)
    frame = table.xs(("", ""), level=("dimension", "member")) if not table.empty else table
    where: dict[tuple[str, pd.Period], str] = {}
    monthly = Grain(grain_of(periods[0])) is Grain.MONTH
    for _, row in rows.iterrows():
        p = pd.Period(str(row["period"]), freq="M")
        cell = " / ".join(str(row[c]) for c in ("file", "sheet", "cell") if str(row.get(c) or "").strip())
        if monthly:
            where[(str(row["kpi"]), p)] = cell
    if not monthly:
        for kid in frame.index:
            rule = rollup_rule(catalog.kpis[kid], catalog)
            how = {"sum": "the sum", "last": "the last", "mean": "the mean"}[rule]
            for p in frame.columns[frame.loc[kid].notna()]:
                n = int(((rows["kpi"] == kid) & rows["period"].map(
                    lambda s, p=p: p.start_time <= pd.Period(str(s), freq="M").start_time <= p.end_time)).sum())
                where[(kid, p)] = f"{how} of {n} typed month(s)"
    return frame.astype("float64"), where


def merge_typed(catalog: Catalog, values: pd.DataFrame, notes: dict[tuple[str, pd.Period], str],
                unavailable: dict[str, Unavailable], typed: pd.DataFrame,
                where: dict[tuple[str, pd.Period], str]) -> pd.DataFrame:
    """Put typed values over computed ones (in place for notes and unavailable); returns the new values."""
    if typed.empty:
        return values
    values = values.copy()
    for kid in typed.index:
        if kid not in values.index:
            values.loc[kid] = float("nan")
        unavailable.pop(kid, None)
        for p, v in typed.loc[kid].items():
            if pd.isna(v):
                continue
            before = values.at[kid, p]
            values.at[kid, p] = float(v)
            source = where.get((kid, p), "the KPI sheet")
            computed = "" if before is None or math.isnan(before) else f"; computed from the records: {before:.6g}"
            notes[(kid, p)] = f"typed value ({source}) used{computed}"
    order = [k for k in catalog.kpi_order() if k in values.index]
    return values.reindex(order)
