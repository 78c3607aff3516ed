"""Where everything goes: sheet names, rows and columns shared by all sheets.

Formulas on one sheet point at cells on another, so the positions are decided once, here,
before anything is written. Period j sits in the same column (`FIRST_PERIOD_COL + j`) on the
Measures, KPIs and Targets sheets, which keeps the generated formulas easy to audit.
The tests use the same object to find the cells they check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from ...catalog.formula import names
from ...catalog.model import Catalog, Kpi
from ...compute.engine import PERIOD_DAYS
from ...compute.report import Report
from ...i18n import Translator
from ...periods import Grain
from ..formats import UnitFormat
from .styles import display_unit

TITLE_ROW = 0
SUBTITLE_ROW = 1
CAPTION_ROW = 2  # KPIs sheet: short period labels, used as chart categories
HEADER_ROW = 3
FIRST_DATA_ROW = 4
FIRST_PERIOD_COL = 3  # column D on Measures, KPIs and Targets

# How many trailing periods the dashboard's sparklines and trend charts show.
TREND_WINDOW = {Grain.MONTH: 12, Grain.QUARTER: 8, Grain.YEAR: 10}
# Steps back to the same period last year.
YEAR_STEPS = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str) -> str:
    """A legal Excel sheet name: no []:*?/\\, no leading/trailing quote, at most 31 chars."""
    clean = _BAD_SHEET_CHARS.sub(" ", text).strip().strip("'")[:31].strip()
    return clean or "Sheet"


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def ref(sheet: str, row: int, col: int, absolute: bool = False) -> str:
    """A cross-sheet reference such as 'Temel ölçüler'!D7 (quoted whenever needed)."""
    return f"{quote_sheetname(sheet)}!{cell(row, col, absolute)}"


def row_range(sheet: str, row: int, first_col: int, last_col: int) -> str:
    """An absolute one-row range, for INDEX/MATCH, sparklines and chart series."""
    return f"{quote_sheetname(sheet)}!${xl_col_to_name(first_col)}${row + 1}:${xl_col_to_name(last_col)}${row + 1}"


def col_range(sheet: str, col: int, first_row: int, last_row: int) -> str:
    c = xl_col_to_name(col)
    return f"{quote_sheetname(sheet)}!${c}${first_row + 1}:${c}${last_row + 1}"


@dataclass(frozen=True)
class SheetNames:
    """The seven sheet names in the report's language, legal and distinct (formulas quote them)."""

    dashboard: str
    kpis: str
    breakdowns: str
    measures: str
    targets: str
    definitions: str
    quality: str

    @classmethod
    def of(cls, t: Translator) -> SheetNames:
        keys = ("dashboard", "kpis", "breakdowns", "measures", "targets", "definitions", "quality")
        seen: set[str] = set()
        out = []
        for k in keys:
            name = sheet_name(t(f"workbook.sheets.{k}"))
            while name.lower() in seen:  # a translation that repeats a name must not break the file
                name = sheet_name(name[:28] + " " + str(len(seen)))
            seen.add(name.lower())
            out.append(name)
        return cls(*out)


@dataclass
class Layout:
    """Rows and columns of the data sheets, and the labels of the periods."""

    sheets: SheetNames
    periods: list[pd.Period]
    labels: list[str]  # full, unique: the KPI table's headers and the period picker's list
    short_labels: list[str]  # compact: chart categories
    kpis: list[Kpi]  # the visible computed KPIs, in catalog order
    measure_ids: list[str]
    selected: int  # index of the report's period
    grain: Grain
    units: dict[str, UnitFormat]
    values: dict[str, list[float | None]] = field(default_factory=dict)  # program units, per period
    targets: dict[str, list[float | None]] = field(default_factory=dict)
    kpi_rows: dict[str, int] = field(default_factory=dict)  # actual row; target +1, status +2
    measure_rows: dict[str, int] = field(default_factory=dict)
    target_rows: dict[str, int] = field(default_factory=dict)

    @property
    def last_col(self) -> int:
        return FIRST_PERIOD_COL + len(self.periods) - 1

    def col(self, j: int) -> int:
        return FIRST_PERIOD_COL + j

    def scale(self, kpi: Kpi) -> float:
        return self.units[kpi.unit].excel_scale if kpi.unit in self.units else 1.0

    def display_unit(self, kpi: Kpi) -> str:
        """The number-format key of a KPI: its unit, or money with cents when all its figures are small."""
        return display_unit(kpi.unit, self.values.get(kpi.id, []) + self.targets.get(kpi.id, []))

    def window(self) -> tuple[int, int]:
        """First and last period index of the trend window ending at the report period."""
        n = TREND_WINDOW[self.grain]
        return max(0, self.selected - n + 1), self.selected

    def measure_cell(self, mid: str, j: int) -> str:
        return ref(self.sheets.measures, self.measure_rows[mid], self.col(j))

    def kpi_cell(self, kid: str, j: int, which: int = 0, sheet: bool = True) -> str:
        """The KPIs sheet cell of a KPI in period j: which = 0 actual, 1 target, 2 status."""
        r, c = self.kpi_rows[kid] + which, self.col(j)
        return ref(self.sheets.kpis, r, c) if sheet else cell(r, c)

    def target_cell(self, kid: str, j: int) -> str:
        return ref(self.sheets.targets, self.target_rows[kid], self.col(j))

    def kpi_row_range(self, kid: str, which: int = 0, first: int = 0, last: int | None = None) -> str:
        last = len(self.periods) - 1 if last is None else last
        return row_range(self.sheets.kpis, self.kpi_rows[kid] + which, self.col(first), self.col(last))

    def measure_row_range(self, mid: str) -> str:
        return row_range(self.sheets.measures, self.measure_rows[mid], self.col(0), self.last_col)



def _grid(frame: pd.DataFrame, rows: list[str], periods: list[pd.Period]) -> dict[str, list[float | None]]:
    """A frame as plain lists (None for no value): pandas' per-cell access is too slow for 10,000 cells."""
    if frame is None or frame.empty:
        return {r: [None] * len(periods) for r in rows}
    data = frame.reindex(index=rows, columns=pd.PeriodIndex(periods)).to_numpy(dtype="float64", na_value=float("nan"))
    return {r: [None if v != v else float(v) for v in data[i]] for i, r in enumerate(rows)}


def _measure_order(report: Report) -> list[str]:
    """Measures in the order the visible KPIs first use them; period_days last."""
    cat = report.catalog
    present = [m for m in report.measures.index if m != PERIOD_DAYS]
    order: list[str] = []

    def visit(kid: str, seen: set[str]) -> None:
        if kid in seen:
            return
        seen.add(kid)
        for n in sorted(names(cat.kpis[kid].formula)):
            if n in cat.measures and n in present and n not in order:
                order.append(n)
            elif n in cat.kpis:
                visit(n, seen)

    for k in report.computed:
        visit(k.id, set())
    order += [m for m in present if m not in order]
    return [*order, PERIOD_DAYS] if PERIOD_DAYS in report.measures.index else order


# Categories a manager reads first; others follow in catalog order.
CATEGORY_ORDER = ("financial", "sales", "customer", "lead_generation", "customer_loyalty", "customer_service",
                  "business_performance", "crm_interactions", "ecommerce", "social", "service", "process",
                  "productivity")


def by_category(catalog: Catalog, kpis: list[Kpi] | None = None) -> list[Kpi]:
    """KPIs grouped by category (headline categories first), catalog definition order within.

    `Catalog.visible()` is in dependency order (fit for computing, not for reading: costs
    before revenue); the catalog's own definition order is the one its authors chose to read.
    """
    wanted = None if kpis is None else {k.id for k in kpis}
    cats = list(catalog.categories)

    def rank(k: Kpi) -> int:
        if k.category in CATEGORY_ORDER:
            return CATEGORY_ORDER.index(k.category)
        return len(CATEGORY_ORDER) + (cats.index(k.category) if k.category in cats else len(cats))

    chosen = [k for k in catalog.kpis.values() if not k.hidden and (wanted is None or k.id in wanted)]
    return sorted(chosen, key=rank)


def build_layout(report: Report, t: Translator, units: dict[str, UnitFormat]) -> Layout:
    """Decide every row and column before writing, so cross-sheet formulas can point anywhere."""
    periods = list(report.periods)
    labels = [t.period(p) for p in periods]
    if len(set(labels)) != len(labels):  # never let two headers collide (MATCH and the table need unique ones)
        labels = [f"{lbl} ({p})" for lbl, p in zip(labels, periods, strict=True)]
    lay = Layout(
        sheets=SheetNames.of(t), periods=periods, labels=labels,
        short_labels=[t.period_short(p) for p in periods], kpis=by_category(report.catalog, report.computed),
        measure_ids=_measure_order(report), selected=periods.index(report.period), grain=report.grain, units=units,
    )
    lay.values = _grid(report.values, [k.id for k in lay.kpis], periods)
    lay.targets = _grid(report.targets, [k.id for k in lay.kpis], periods)
    for i, k in enumerate(lay.kpis):
        lay.kpi_rows[k.id] = FIRST_DATA_ROW + 3 * i
        lay.target_rows[k.id] = FIRST_DATA_ROW + i
    for i, mid in enumerate(lay.measure_ids):
        lay.measure_rows[mid] = FIRST_DATA_ROW + i
    return lay
