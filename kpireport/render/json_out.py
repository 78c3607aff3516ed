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
    p = report.period
    kpis: dict[str, Any] = {}
    for k in report.computed:
        row = report.values.loc[k.id]
        c = report.comparison(k.id)
        kpis[k.id] = {
            "name": k.name.get("en"),
            "names": dict(k.name),
            "category": k.category,
            "unit": k.unit,
            "direction": k.direction,
            "period": label(p),
            "value": _num(c["value"]),
            "target": _num(c["target"]),
            "target_kind": c["target_kind"],
            "attainment": _num(c["attainment"]),
            "status": c["status"],
            "status_basis": c["status_basis"],
            "previous": _num(c["previous"]),
            "change": _num(c["change"]),
            "change_relative": _num(c["change_relative"]),
            "same_period_last_year": _num(c["year_ago"]),
            "change_year_ago": _num(c["change_year_ago"]),
            "change_year_ago_relative": _num(c["change_year_ago_relative"]),
            "year_to_date": _num(c["ytd"]),
            "typed": report.is_typed(k.id),
            "note": c["note"],
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
