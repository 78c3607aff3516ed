"""The computed report: what every renderer reads. Nothing here is formatted yet.

Renderers are built against these names: fields and methods are only ever added (with
defaults), never renamed or removed.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..calendars import Calendar
from ..catalog.model import Catalog, Kpi
from ..dataset import Source
from ..periods import Grain, label
from ..problems import ProblemLog


@dataclass(frozen=True)
class Unavailable:
    """Why a KPI could not be computed: the tables and columns that are missing or hold no data.

    `missing` maps a table to its missing columns (an empty tuple: the whole table is missing);
    `needed` lists every column the KPI reads per table. `empty` maps a table to the columns of
    `missing` that are there but blank in every row; `no_rows` lists tables that were recognised
    but hold no row (a header only). No data is never reported as 0.
    """

    kpi: str
    missing: dict[str, tuple[str, ...]]
    needed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    empty: dict[str, tuple[str, ...]] = field(default_factory=dict)
    no_rows: tuple[str, ...] = ()

    def reason(self) -> str:
        """One line: "needs table 'surveys'; 'tickets' columns resolved_at" (see `detail` for more)."""
        return self._text(with_columns=False)

    def detail(self) -> str:
        """Like `reason`, naming also the columns a missing table must have."""
        return self._text(with_columns=True)

    def _text(self, with_columns: bool) -> str:
        parts, nodata = [], [f"table {t!r} has no rows" for t in self.no_rows]
        for table, cols in self.missing.items():
            blank = [c for c in cols if c in self.empty.get(table, ())]
            absent = [c for c in cols if c not in blank]
            nodata += [f"{table}.{c} is blank in every row" for c in blank]
            if not cols:
                need = self.needed.get(table, ()) if with_columns else ()
                parts.append(f"table {table!r}" + (f" (with columns {', '.join(need)})" if need else ""))
            elif absent:
                parts.append(f"{table!r} columns {', '.join(absent)}")
        text = "; ".join(nodata)
        if parts:
            text = "needs " + "; ".join(parts) + (f"; {text}" if text else "")
        return text


@dataclass(frozen=True)
class Breakdown:
    """A KPI by dimension member for the selected period, with targets where given."""

    kpi: str
    dimension: str
    values: pd.DataFrame  # index member; columns value, previous, target, attainment, status, rank (+ share)
    # Members of a high-cardinality column left out between the top and bottom ones kept in
    # `values` (see breakdowns.trim), and their sums where the KPI adds up (else None).
    rest: int = 0
    rest_value: float | None = None
    rest_previous: float | None = None


@dataclass
class KeyResult:
    """One key result of an OKR: move a KPI from `baseline` to `target` by the end of `period`.

    progress = (current - baseline) / (target - baseline); `progress_raw` keeps it unclipped
    (negative when the KPI moved the wrong way, above 1 when beaten), `progress` is clipped to
    0..1 for bars and `progress_pct` is the clipped value in percent (0..100).
    """

    objective: str
    text: str
    kpi_id: str | None
    kpi_name: str
    period: pd.Period | None
    baseline: float | None
    target: float | None
    current: float | None = None
    current_period: pd.Period | None = None
    progress_raw: float | None = None
    progress: float | None = None
    progress_pct: float | None = None
    complete: bool = False  # the data covers the whole quarter
    note: str = ""


@dataclass
class Objective:
    objective: str
    key_results: list[KeyResult] = field(default_factory=list)

    @property
    def progress(self) -> float | None:
        """Mean clipped progress of the key results that have one."""
        vals = [kr.progress for kr in self.key_results if kr.progress is not None]
        return sum(vals) / len(vals) if vals else None


def finite_number(v: Any) -> float | None:
    """A float, or None for missing, NaN, infinite and non-numeric values (the program's "no value")."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _cell(frame: pd.DataFrame, row: str, col: pd.Period | None) -> float | None:
    if col is None or frame is None or row not in frame.index or col not in frame.columns:
        return None
    return finite_number(frame.at[row, col])


@dataclass
class Report:
    catalog: Catalog
    grain: Grain
    fiscal_year_start: int
    periods: list[pd.Period]
    period: pd.Period
    measures: pd.DataFrame  # index measure id (+ "period_days"), columns periods
    values: pd.DataFrame  # index kpi id, columns periods
    targets: pd.DataFrame  # index kpi id, columns periods: the figure status is judged against
    status: pd.DataFrame  # index kpi id, columns periods: status or trend word, or None
    status_basis: pd.DataFrame  # "target" or "trend" per cell
    notes: dict[tuple[str, pd.Period], str]
    unavailable: dict[str, Unavailable]
    breakdowns: list[Breakdown]
    sources: list[Source]
    problems: ProblemLog
    company: str = "Company"
    currency: str = "USD"
    member_targets: pd.DataFrame = field(default_factory=pd.DataFrame)  # index (kpi, dimension, member)
    # Added for issue 3 -------------------------------------------------------------------
    budgets: pd.DataFrame = field(default_factory=pd.DataFrame)  # index kpi id, columns periods (overall budgets)
    member_budgets: pd.DataFrame = field(default_factory=pd.DataFrame)  # index (kpi, dimension, member)
    target_kinds: dict[str, str] = field(default_factory=dict)  # kpi -> "target" | "budget" | "default"
    ytd: pd.DataFrame = field(default_factory=pd.DataFrame)  # index kpi id (flow KPIs), columns periods
    ytd_targets: pd.DataFrame = field(default_factory=pd.DataFrame)  # year-to-date targets of additive KPIs
    okrs: list[Objective] = field(default_factory=list)
    typed_values: pd.DataFrame = field(default_factory=pd.DataFrame)  # values typed in a KPI sheet (kpi x period)
    calendar: Calendar = field(default_factory=Calendar)  # where the periods lie in real time (calendars.py)

    def is_typed(self, kpi: str, p: pd.Period | None = None) -> bool:
        """The value shown comes from a KPI sheet, not from the records."""
        return _cell(self.typed_values, kpi, self.period if p is None else p) is not None

    @property
    def computed(self) -> list[Kpi]:
        return [k for k in self.catalog.visible() if k.id in self.values.index]

    def status_counts(self) -> Counter[str]:
        """How many KPIs have each status word in the report's period: the one count the CLI's
        summary, the watch folder's log line and the summaries share."""
        return Counter(s for s in self.status[self.period].dropna() if isinstance(s, str))

    def period_label(self, p: pd.Period | None = None) -> str:
        return label(p if p is not None else self.period)

    def previous(self, p: pd.Period | None = None) -> pd.Period | None:
        p = self.period if p is None else p
        if p not in self.periods:
            return None
        i = self.periods.index(p)
        return self.periods[i - 1] if i > 0 else None

    def year_ago(self, p: pd.Period | None = None) -> pd.Period | None:
        steps = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}[Grain(self.grain)]
        q = (self.period if p is None else p) - steps
        return q if q in self.periods else None

    def value(self, kpi: str, p: pd.Period | None = None) -> float | None:
        return _cell(self.values, kpi, self.period if p is None else p)

    def target(self, kpi: str, p: pd.Period | None = None) -> float | None:
        return _cell(self.targets, kpi, self.period if p is None else p)

    def budget(self, kpi: str, p: pd.Period | None = None) -> float | None:
        return _cell(self.budgets, kpi, self.period if p is None else p)

    def ytd_value(self, kpi: str, p: pd.Period | None = None) -> float | None:
        """Year-to-date value (fiscal year start to the end of p), for flow KPIs; None otherwise."""
        return _cell(self.ytd, kpi, self.period if p is None else p)

    def comparison(self, kpi: str, p: pd.Period | None = None) -> dict[str, Any]:
        """The value of `kpi` in period p (default: the report period) against its comparisons.

        Keys: value, period, previous / previous_period, change / change_relative (vs previous),
        year_ago / year_ago_period, change_year_ago / change_year_ago_relative, target,
        target_kind, vs_target / vs_target_relative (value - target, over |target|), attainment
        (value / target), status, status_basis, note, ytd. Relative changes are fractions of
        the absolute base and None when the base is 0 or missing.
        """
        p = self.period if p is None else p
        value = self.value(kpi, p)
        prev_p, ago_p = self.previous(p), self.year_ago(p)
        out: dict[str, Any] = {"kpi": kpi, "period": p, "value": value}
        for name, q in (("previous", prev_p), ("year_ago", ago_p)):
            base = self.value(kpi, q) if q is not None else None
            change, rel = _change(value, base)
            suffix = "" if name == "previous" else "_year_ago"
            out[name] = base
            out[f"{name}_period"] = q
            out[f"change{suffix}"] = change
            out[f"change{suffix}_relative"] = rel
        target = self.target(kpi, p)
        gap, gap_rel = _change(value, target)
        out.update({
            "target": target,
            "target_kind": self.target_kinds.get(kpi) if target is not None else None,
            "vs_target": gap,
            "vs_target_relative": gap_rel,
            "attainment": value / target if value is not None and target not in (None, 0) else None,
            "status": _obj(self.status, kpi, p),
            "status_basis": _obj(self.status_basis, kpi, p),
            "note": self.notes.get((kpi, p)),
            "ytd": self.ytd_value(kpi, p),
        })
        return out

    def breakdown(self, kpi: str, dimension: str) -> Breakdown | None:
        for b in self.breakdowns:
            if b.kpi == kpi and b.dimension == dimension:
                return b
        return None


def _change(value: float | None, base: float | None) -> tuple[float | None, float | None]:
    if value is None or base is None:
        return None, None
    change = value - base
    return change, (change / abs(base) if base else None)


def _obj(frame: pd.DataFrame, row: str, col: pd.Period) -> Any:
    if frame is None or row not in frame.index or col not in frame.columns:
        return None
    v = frame.at[row, col]
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
