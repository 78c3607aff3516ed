"""Comparisons against a partial first period are marked, never shown as a plain growth figure.

When the data starts inside its first period (a first year that only has December), that
period's totals cover a fraction of it: growth of the next period against it (+4,254 %) and
the report's "vs previous period" or "vs a year ago" against it compare unlike things. The
values stay as computed; each one that reads the partial period gets a note (JSON `note`)
and the report one data-quality warning (Data quality sheet, HTML summary).
"""

from __future__ import annotations

import pandas as pd

from ..calendars import Calendar
from ..catalog.formula import Call, walk
from ..periods import label
from ..problems import Problem, Severity
from .report import Report


def partial_first(first: pd.Timestamp | None, periods: list[pd.Period],
                  calendar: Calendar | None = None) -> pd.Period | None:
    """The first period when the data starts after its first day; else None."""
    if first is None or not periods:
        return None
    p0 = periods[0]
    return p0 if pd.Timestamp(first).normalize() > (calendar or Calendar()).start(p0).normalize() else None


def mark_partial(report: Report, first: pd.Timestamp | None) -> None:
    """Note every value and comparison of the report that reads a partial first period."""
    p0 = partial_first(first, report.periods, report.calendar)
    if p0 is None or len(report.periods) < 2:
        return
    since = f"{pd.Timestamp(first):%Y-%m-%d}"
    text = (f"compared with {label(p0)}, which the data covers only from {since} (a partial "
            f"{report.grain.value}): the change is not like for like")
    p1 = report.periods[1]
    chosen = report.period
    compares = report.previous(chosen) == p0 or report.year_ago(chosen) == p0
    noted = False
    for kid in report.values.index:
        k = report.catalog.kpis.get(kid)
        if k is None:
            continue
        uses_prev = any(isinstance(n, Call) and n.func == "prev" for n in walk(k.formula))
        for p, reads in ((p1, uses_prev), (chosen, compares and chosen != p0)):
            if reads and pd.notna(report.values.at[kid, p]) and (kid, p) not in report.notes:
                report.notes[(kid, p)] = text
                noted = True
    if noted:
        report.problems.add(Problem(f"{label(p0)} is a partial {report.grain.value}: the data starts on {since}. "
                                    f"Growth and changes against {label(p0)} are marked as such; read them with care",
                                    severity=Severity.WARNING))
