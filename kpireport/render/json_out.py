"""Machine-readable results, keyed by the catalog's KPI ids.

Values are raw numbers in their stored unit: percent as a fraction (0.25), duration in
seconds, days in days; null where there is no value. The schema is documented in README.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from ..compute.report import Report
from ..periods import label


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) or math.isinf(f) else round(f, 10)


def report_dict(report: Report, generated: dt.date | None = None) -> dict[str, Any]:
    p, prev, ago = report.period, report.previous(), report.year_ago()
    kpis: dict[str, Any] = {}
    for k in report.computed:
        row = report.values.loc[k.id]
        value, before = _num(row[p]), _num(row[prev]) if prev is not None else None
        year_ago = _num(row[ago]) if ago is not None else None
        change = None if value is None or before is None else value - before
        kpis[k.id] = {
            "name": k.name.get("en"),
            "names": dict(k.name),
            "category": k.category,
            "unit": k.unit,
            "direction": k.direction,
            "period": label(p),
            "value": value,
            "target": report.target(k.id),
            "status": report.status.at[k.id, p],
            "status_basis": report.status_basis.at[k.id, p],
            "previous": before,
            "change": change,
            "change_relative": None if change is None or not before else change / abs(before),
            "same_period_last_year": year_ago,
            "note": report.notes.get((k.id, p)),
            "values": {label(q): _num(row[q]) for q in report.periods},
            "targets": {label(q): report.target(k.id, q) for q in report.periods if report.target(k.id, q) is not None},
            "statuses": {label(q): report.status.at[k.id, q] for q in report.periods if report.status.at[k.id, q]},
        }
    return {
        "company": report.company,
        "currency": report.currency,
        "grain": report.grain.value,
        "period": label(p),
        "periods": [label(q) for q in report.periods],
        "generated": (generated or dt.date.today()).isoformat(),
        "kpis": kpis,
        "could_not_compute": {kid: u.reason() for kid, u in report.unavailable.items()
                              if not report.catalog.kpis[kid].hidden},
        "breakdowns": [
            {"kpi": b.kpi, "dimension": b.dimension,
             "members": [{"member": str(m), **{c: (_num(v) if c != "status" else v) for c, v in r.items()}}
                         for m, r in b.values.iterrows()]}
            for b in report.breakdowns
        ],
        "problems": [
            {"severity": x.severity.value, "file": x.file, "sheet": x.sheet, "cell": x.cell, "column": x.column,
             "table": x.table, "reason": x.reason}
            for x in report.problems
        ],
    }


def render_json(report: Report, generated: dt.date | None = None) -> str:
    return json.dumps(report_dict(report, generated), ensure_ascii=False, indent=2, sort_keys=False)
