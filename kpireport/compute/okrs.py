"""Objectives and key results from the `okrs` table, with each key result's progress.

A key result is "move KPI X from baseline A to target B by the end of quarter Q". Its current
value is the KPI recomputed at quarter grain for Q, whatever the report's grain: OKRs are
quarterly, and a monthly report must not judge a quarterly goal on one month. When Q has no
value yet (it lies after the data, or its data are missing) the latest quarter with a value
before it is used and named in `current_period`. A quarter still in progress gets its value
so far and `complete = False`.

progress = (current - baseline) / (target - baseline): it works for KPIs that should fall as
well (target below baseline), is negative when the KPI moved the wrong way and above 1 when
the target is beaten. The raw figure is kept; `progress` and `progress_pct` are clipped for bars.
"""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..periods import Grain, freq, parse_period
from ..problems import Problem
from .engine import kpi_values
from .report import KeyResult, Objective, Report
from .sql import MeasureEngine
from .targets import resolve_kpi


def _number(v: object) -> float | None:
    f = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return None if pd.isna(f) else float(f)


def progress(baseline: float | None, target: float | None, current: float | None) -> float | None:
    """Share of the way from baseline to target; None when it cannot be said (target = baseline)."""
    if baseline is None or target is None or current is None or target == baseline:
        return None
    return (current - baseline) / (target - baseline)


def quarter_values(report: Report, dataset: Dataset, kpis: set[str], engine: MeasureEngine | None = None,
                   ) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """The given KPIs per fiscal quarter, from the first data quarter to the quarter of the last date."""
    last = dataset.last_date()
    first = dataset.first_date() or last
    if last is None or not kpis:
        return pd.DataFrame(), last
    if Grain(report.grain) is Grain.QUARTER and report.calendar.end(report.periods[-1]) >= last:
        return report.values, last
    quarters = report.calendar.period_range(first, last, Grain.QUARTER, report.fiscal_year_start)
    values, _ = kpi_values(dataset, report.catalog, quarters, report.fiscal_year_start, sorted(kpis), engine=engine)
    return values, last


def compute_okrs(report: Report, dataset: Dataset, engine: MeasureEngine | None = None) -> list[Objective]:
    raw = dataset.tables.get("okrs")
    if raw is None or raw.empty:
        return []
    cat = report.catalog
    fys = report.fiscal_year_start
    qfreq = freq(Grain.QUARTER, fys)
    rows = []
    for idx, row in raw.iterrows():
        kid = resolve_kpi(str(row.get("kpi") or ""), cat)
        if kid is None:
            report.problems.add(Problem(f"OKR key result names KPI {row.get('kpi')!r}, which the catalog does not have",
                                        table="okrs", cell=f"row {idx}", column="kpi"))
        period = None
        try:
            period = parse_period(str(row.get("period")), fys).end_time.to_period(qfreq)
        except Exception:
            report.problems.add(Problem(f"OKR period {row.get('period')!r} is not a quarter such as 2026-Q3",
                                        table="okrs", cell=f"row {idx}", column="period"))
        rows.append((row, kid, period))
    wanted = {kid for _, kid, _ in rows if kid is not None and kid not in report.unavailable}
    values, last = quarter_values(report, dataset, wanted, engine)
    objectives: dict[str, Objective] = {}
    for row, kid, period in rows:
        name = str(row.get("objective") or "").strip()
        kr = KeyResult(
            objective=name, text=str(row.get("key_result") or "").strip(), kpi_id=kid,
            kpi_name=cat.kpis[kid].label("en") if kid else str(row.get("kpi") or ""), period=period,
            baseline=_number(row.get("baseline")), target=_number(row.get("target")),
        )
        _fill_current(kr, report, values, last)
        objectives.setdefault(name, Objective(name)).key_results.append(kr)
    return list(objectives.values())


def _fill_current(kr: KeyResult, report: Report, values: pd.DataFrame, last: pd.Timestamp | None) -> None:
    if kr.kpi_id is None:
        kr.note = "unknown KPI"
        return
    if kr.kpi_id in report.unavailable:
        kr.note = "could not compute: " + report.unavailable[kr.kpi_id].reason()
        return
    if kr.period is None or values.empty or kr.kpi_id not in values.index:
        kr.note = "no quarter value"
        return
    row = values.loc[kr.kpi_id].dropna()
    same = row[row.index == kr.period] if len(row) else row
    if len(same):
        kr.current, kr.current_period = float(same.iloc[0]), kr.period
    else:
        before = row[[q.end_time <= kr.period.end_time for q in row.index]] if len(row) else row
        if len(before):
            kr.current, kr.current_period = float(before.iloc[-1]), before.index[-1]
            kr.note = f"latest available value ({before.index[-1]})"
        else:
            kr.note = "no value for this quarter yet"
    kr.complete = bool(last is not None and kr.current_period == kr.period
                       and report.calendar.end(kr.period).normalize() <= last.normalize())
    raw = progress(kr.baseline, kr.target, kr.current)
    kr.progress_raw = raw
    if raw is not None:
        kr.progress = min(max(raw, 0.0), 1.0)
        kr.progress_pct = kr.progress * 100.0
