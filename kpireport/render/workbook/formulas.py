"""The workbook's live formulas, generated from the same parsed KPI formulas the program evaluates.

Three promises hold the workbook and the program together:

- a KPI cell is `=IFERROR(<expr>,"")` where <expr> is `catalog.formula.to_excel` of the KPI's
  formula over Measures/KPIs/Targets cells; "" is the program's "no value" (NaN), and any
  arithmetic on "" is an error, so a missing input propagates exactly like NaN does;
- status cells reproduce `compute/status.py` (direction, target, tolerance band, and the trend
  vs the previous period when there is no target) with the translated status words;
- change and attainment cells are formulas over the cells next to them.

Each formula is written with the value the program computed as its cached result, so a viewer
that never recalculates still shows the right numbers.
"""

from __future__ import annotations

import math

import pandas as pd

from ...catalog.formula import to_excel
from ...catalog.model import Kpi
from ...compute.engine import PERIOD_DAYS
from ...compute.report import Report
from ...compute.status import AT_RISK, IMPROVING, OFF_TRACK, ON_TRACK, STEADY, WORSENING
from ...compute.targets import overall
from ...i18n import Translator
from ..formats import excel_percent
from .layout import Layout

NO_VALUE = '""'  # the Excel literal for "no value"
TREND_TOLERANCE = 0.01  # compute.status.trend's default


def is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def number(x: float) -> str:
    """A float as an Excel formula literal, without losing digits."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text.upper()


def divisor(scale: float) -> float:
    """1/excel_scale as a clean number (86400 for durations), so cells hold value / divisor."""
    return float(round(1.0 / scale, 9))


def scaled(value: float | None, scale: float) -> float | str:
    """A program value as the workbook stores it: "" for no value, durations in days."""
    if value is None or is_missing(value):
        return ""
    return float(value) if scale == 1.0 else float(value) / divisor(scale)


def words(t: Translator) -> dict[str, str]:
    keys = (ON_TRACK, AT_RISK, OFF_TRACK, IMPROVING, WORSENING, STEADY)
    return {k: t(f"status.{k}") for k in keys}


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class KpiFormulas:
    """Builds the KPIs sheet formulas of one report."""

    def __init__(self, report: Report, layout: Layout) -> None:
        self.report = report
        self.lay = layout
        self.visible = {k.id for k in layout.kpis}
        cat, periods = report.catalog, list(report.periods)
        given = report.member_targets
        self.raw = {
            "target": overall(given, cat, periods) if given is not None and not given.empty else pd.DataFrame(),
            "budget": report.budgets if report.budgets is not None else pd.DataFrame(),
        }

    def _figure(self, kid: str, kind: str, j: int) -> str:
        """target(k) / budget(k) in period j: what the program's formula read there.

        The program reads the given target (or budget), not the effective one the Targets
        sheet shows (which falls back to a budget or the catalog default). Where the two are
        the same figure the formula points at the Targets cell, so editing it moves the KPI;
        where nothing was given it is "no value"; otherwise the given figure is written as is.
        """
        p = self.lay.periods[j]
        frame = self.raw[kind]
        v = frame.at[kid, p] if kid in frame.index and p in frame.columns else float("nan")
        if is_missing(v):
            return NO_VALUE
        if kid in self.lay.target_rows and self.report.target(kid, p) == float(v):
            t = self.lay.target_cell(kid, j)
            back = self.lay.scale(self.report.catalog.kpis[kid])
            inner = t if back == 1.0 else f"{t}*{number(divisor(back))}"
            return f"IF(ISNUMBER({t}),{inner},{NO_VALUE})"
        return number(float(v))

    def expression(self, kpi: Kpi, j: int) -> str:
        """The Excel expression (no '=', no IFERROR) of a KPI in period j, in program units."""
        cat = self.report.catalog

        def expr_for(node, base: int) -> str:
            def cell_of(name: str, offset: int) -> str:
                k = base + offset
                if k < 0:
                    return NO_VALUE  # before the first period: NaN in the program
                if name in cat.measures and name in self.lay.measure_rows:
                    return self.lay.measure_cell(name, k)
                if name in self.visible:
                    other = cat.kpis[name]
                    addr = self.lay.kpi_cell(name, k, sheet=False)
                    scale = self.lay.scale(other)
                    return addr if scale == 1.0 else f"({addr}*{number(divisor(scale))})"
                if name in cat.kpis:  # a hidden helper KPI: inline its own formula
                    return "(" + expr_for(cat.kpis[name].formula, k) + ")"
                return NO_VALUE

            days = self.lay.measure_cell(PERIOD_DAYS, base) if PERIOD_DAYS in self.lay.measure_rows else NO_VALUE
            return to_excel(node, cell_of, lambda name, kind: self._figure(name, kind, base), days)

        return expr_for(kpi.formula, j)

    def value_formula(self, kpi: Kpi, j: int) -> str:
        """The KPI cell: IFERROR(expr, "") so a zero or missing denominator shows "no value"."""
        expr = self.expression(kpi, j)
        scale = self.lay.scale(kpi)
        if scale != 1.0:
            expr = f"({expr})/{number(divisor(scale))}"
        return f'=IFERROR({expr},"")'

    def target_formula(self, kpi: Kpi, j: int) -> str:
        """The KPIs sheet's target row: the Targets cell, or "" when it holds no number (blank = no target)."""
        t = self.lay.target_cell(kpi.id, j)
        return f'=IF(ISNUMBER({t}),{t},"")'


def status_expr(v: str, t: str | None, p: str | None, kpi: Kpi, w: dict[str, str], trend: bool = True) -> str | None:
    """compute.status.status (and, with `trend`, compute.status.trend) as an Excel expression.

    `v`, `t`, `p` are the addresses (or expressions) of value, target and previous value.
    Returns None for info KPIs, which never get a status.
    """
    if kpi.direction == "info":
        return None
    tol = number(kpi.tolerance)
    on, risk, off = _q(w[ON_TRACK]), _q(w[AT_RISK]), _q(w[OFF_TRACK])
    if t is None:
        by_target = None
    elif kpi.direction == "target":
        dist = f"ABS({v}-{t})"
        band = f"ABS({t})*{tol}"
        by_target = f"IF({dist}<={band},{on},IF({dist}<=2*({band}),{risk},{off}))"
    else:
        gap = f"({t}-{v})" if kpi.direction == "higher" else f"({v}-{t})"
        by_target = f"IF({gap}<=0,{on},IF({gap}<=ABS({t})*{tol},{risk},{off}))"
    by_trend = '""'
    if trend and p is not None and kpi.direction in ("higher", "lower"):
        better = f"{v}-{p}>0" if kpi.direction == "higher" else f"{v}-{p}<0"
        by_trend = (f'IF(NOT(ISNUMBER({p})),"",IF(ABS({v}-{p})<=ABS({p})*{number(TREND_TOLERANCE)},'
                    f"{_q(w[STEADY])},IF({better},{_q(w[IMPROVING])},{_q(w[WORSENING])})))")
    if by_target is None:
        inner = by_trend
    else:
        inner = f"IF(ISNUMBER({t}),{by_target},{by_trend})"
    return f'IF(NOT(ISNUMBER({v})),"",{inner})'


def change_expr(v: str, p: str, unit: str) -> str:
    """Change vs an earlier value: percentage points for percent KPIs, relative change otherwise."""
    if unit == "percent":
        return f'IFERROR(({v}-{p})*100,"")'
    return f'IFERROR(({v}-{p})/ABS({p}),"")'


def change_value(v: float | str | None, p: float | str | None, unit: str) -> float | str:
    """The cached result of `change_expr`, computed the way Excel will."""
    if not isinstance(v, float) or not isinstance(p, float):
        return ""
    if unit == "percent":
        return (v - p) * 100
    return "" if p == 0 else (v - p) / abs(p)


def change_format(unit: str, pp: str, locale: str = "en_US") -> str:
    """Signed change: percentage points for percent KPIs, else a relative change in the locale's percent style."""
    if unit == "percent":
        return f'+0.0" {pp}";-0.0" {pp}";0.0" {pp}";"–"'
    return excel_percent(locale, 1, signed=True) + ';"–"'


def status_word(key: object, w: dict[str, str]) -> str:
    return w.get(str(key), "") if isinstance(key, str) else ""

