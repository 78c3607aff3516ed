"""The computed report: what every renderer reads. Nothing here is formatted yet."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..catalog.model import Catalog, Kpi
from ..dataset import Source
from ..periods import Grain, label
from ..problems import ProblemLog


@dataclass(frozen=True)
class Unavailable:
    """Why a KPI could not be computed: the tables and columns that are missing."""

    kpi: str
    missing: dict[str, tuple[str, ...]]

    def reason(self) -> str:
        parts = []
        for table, cols in self.missing.items():
            parts.append(f"table {table!r}" if not cols else f"{table!r} columns {', '.join(cols)}")
        return "needs " + "; ".join(parts)


@dataclass(frozen=True)
class Breakdown:
    """A KPI by dimension member for the selected period, with targets where given."""

    kpi: str
    dimension: str
    values: pd.DataFrame  # index member; columns value, previous, target, attainment, status


@dataclass
class Report:
    catalog: Catalog
    grain: Grain
    fiscal_year_start: int
    periods: list[pd.Period]
    period: pd.Period
    measures: pd.DataFrame  # index measure id (+ "period_days"), columns periods
    values: pd.DataFrame  # index kpi id, columns periods
    targets: pd.DataFrame  # index kpi id, columns periods (overall targets only)
    status: pd.DataFrame  # index kpi id, columns periods: status or trend word, or None
    status_basis: pd.DataFrame  # "target" or "trend" per cell
    notes: dict[tuple[str, pd.Period], str]
    unavailable: dict[str, Unavailable]
    breakdowns: list[Breakdown]
    sources: list[Source]
    problems: ProblemLog
    company: str = "Company"
    currency: str = "USD"
    member_targets: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def computed(self) -> list[Kpi]:
        return [k for k in self.catalog.visible() if k.id in self.values.index]

    def period_label(self, p: pd.Period | None = None) -> str:
        return label(p if p is not None else self.period)

    def previous(self) -> pd.Period | None:
        i = self.periods.index(self.period)
        return self.periods[i - 1] if i > 0 else None

    def year_ago(self) -> pd.Period | None:
        steps = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}[self.grain]
        p = self.period - steps
        return p if p in self.periods else None

    def value(self, kpi: str, p: pd.Period | None = None) -> float | None:
        p = self.period if p is None else p
        if kpi not in self.values.index or p not in self.values.columns:
            return None
        v = self.values.at[kpi, p]
        return None if pd.isna(v) else float(v)

    def target(self, kpi: str, p: pd.Period | None = None) -> float | None:
        p = self.period if p is None else p
        if kpi not in self.targets.index or p not in self.targets.columns:
            return None
        v = self.targets.at[kpi, p]
        return None if pd.isna(v) else float(v)
