"""Machine-readable results, keyed by the catalog's KPI ids.

Values are raw numbers in their stored unit: percent as a fraction (0.25), duration in
seconds, days in days; null where there is no value. The schema is documented in README.

Each number is rounded to its unit's precision (DECIMALS: six places for money, so per-visitor
or per-unit amounts keep their fractions of a cent; 0.000001 % for a percent stored as a
fraction), so the file says 2469232.942, not the float-sum artefact 2469232.9420000003;
ratios between two values (attainment, relative changes, shares) keep RELATIVE_DECIMALS, and
a small value keeps SIGNIFICANT digits whatever its unit, so every value stays within a
relative 1e-8 of the computed one. Only the JSON is rounded: the workbook keeps full
precision for its formulas.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import SupportsFloat

from ..compute.report import Breakdown, Report
from ..periods import label

DECIMALS = {"currency": 6, "percent": 8, "count": 6, "days": 6, "duration": 3, "ratio": 6, "score": 6}
RELATIVE_DECIMALS = 8
SIGNIFICANT = 9  # ... but never fewer significant digits than this
# A JSON value as json.dumps writes it: what the report's JSON is made of.
Json = dict[str, "Json"] | list["Json"] | str | int | float | bool | None
_RELATIVE = frozenset({"attainment", "change_relative", "change_year_ago_relative", "share"})


def _num(v: SupportsFloat | None, decimals: int = 10) -> float | None:
    if v is None:
        return None
    f = float(v)
    if math.isnan(f) or math.isinf(f):
        return None
    if f != 0:  # small values keep SIGNIFICANT digits (a 0.0016 margin is not 0.00158321)
        decimals = max(decimals, SIGNIFICANT - 1 - math.floor(math.log10(abs(f))))
    r = round(f, decimals)
    return 0.0 if r == 0 else r  # never -0.0


def _in(unit: str):
    """A rounder for numbers of `unit` (ratios of two values of it: RELATIVE_DECIMALS)."""
    decimals = DECIMALS.get(unit, 6)
    return lambda v, field="": _num(v, RELATIVE_DECIMALS if field in _RELATIVE else decimals)


def report_dict(report: Report, generated: dt.date | None = None) -> dict[str, Json]:
    p = report.period
    kpis: dict[str, Json] = {}
    for k in report.computed:
        row = report.values.loc[k.id]
        c = report.comparison(k.id)
        n = _in(k.unit)
        kpis[k.id] = {
            "name": k.name.get("en"),
            "names": dict(k.name),
            "category": k.category,
            "unit": k.unit,
            "direction": k.direction,
            "period": label(p),
            "value": n(c["value"]),
            "target": n(c["target"]),
            "target_kind": c["target_kind"],
            "attainment": n(c["attainment"], "attainment"),
            "status": c["status"],
            "status_basis": c["status_basis"],
            "previous": n(c["previous"]),
            "change": n(c["change"]),
            "change_relative": n(c["change_relative"], "change_relative"),
            "same_period_last_year": n(c["year_ago"]),
            "change_year_ago": n(c["change_year_ago"]),
            "change_year_ago_relative": n(c["change_year_ago_relative"], "change_year_ago_relative"),
            "year_to_date": n(c["ytd"]),
            "typed": report.is_typed(k.id),
            "note": c["note"],
            "values": {label(q): n(row[q]) for q in report.periods},
            "targets": {label(q): n(report.target(k.id, q)) for q in report.periods
                        if report.target(k.id, q) is not None},
            "statuses": {label(q): report.status.at[k.id, q] for q in report.periods if report.status.at[k.id, q]},
        }
    return {
        "company": report.company,
        "currency": report.currency,
        "grain": report.grain.value,
        **({"calendar": report.calendar.name} if report.calendar.persian else {}),  # periods are Solar Hijri
        "period": label(p),
        "periods": [label(q) for q in report.periods],
        "generated": (generated or dt.date.today()).isoformat(),
        "kpis": kpis,
        "could_not_compute": {kid: u.reason() for kid, u in report.unavailable.items()
                              if not report.catalog.kpis[kid].hidden},
        "breakdowns": [_breakdown(report, b) for b in report.breakdowns],
        "problems": [
            {"severity": x.severity.value, "file": x.file, "sheet": x.sheet, "cell": x.cell, "column": x.column,
             "table": x.table, "reason": x.reason}
            for x in report.problems
        ],
        # every finding is counted: the ones past the per-column cap are not listed one by one
        # (nor on the Data quality sheet), but counted here by file, sheet and column
        "problems_count": len(report.problems) + sum(report.problems.suppressed.values()),
        "problems_not_listed": [{"file": f, "sheet": s, "column": c, "count": n}
                                for (f, s, c), n in report.problems.suppressed.items()],
    }


def _breakdown(report: Report, b: Breakdown) -> dict[str, Json]:
    """A breakdown's members without empty fields, and a rest line when it was trimmed."""
    members: list[Json] = []
    for m, r in b.values.iterrows():
        row: dict[str, Json] = {"member": str(m)}
        for c, v in r.items():
            x = v if c == "status" else _breakdown_num(report, b.kpi, str(c), v)
            if x is not None and x == x:
                row[str(c)] = x
        members.append(row)
    out: dict[str, Json] = {"kpi": b.kpi, "dimension": b.dimension, "members": members}
    if b.rest:
        n = _in(report.catalog.kpis[b.kpi].unit)
        out["rest"] = {k: v for k, v in (("members", b.rest), ("value", n(b.rest_value)),
                                         ("previous", n(b.rest_previous))) if v is not None}
    return out


def _breakdown_num(report: Report, kpi: str, column: str, v: SupportsFloat | None) -> float | None:
    if column == "rank":
        return _num(v, 0)
    unit = report.catalog.kpis[kpi].unit if kpi in report.catalog.kpis else ""
    return _in(unit)(v, column)


def render_json(report: Report, generated: dt.date | None = None) -> str:
    return json.dumps(report_dict(report, generated), ensure_ascii=False, indent=2, sort_keys=False)
