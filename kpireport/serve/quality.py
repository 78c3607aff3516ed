"""The page's data-quality panel: what the validate stage recognised, what it did not, and why.

Built from the Report (its sources, problem log and unavailable KPIs), so the page says the
same things as `kpireport validate` and the workbook's Data quality sheet, as plain JSON the
page renders with textContent (never as HTML: sheet names and reasons are user data).
"""

from __future__ import annotations

from typing import Any

MAX_ISSUES = 30


def quality(report: Any, lang: str, skipped: list[str]) -> dict[str, Any]:
    """{recognised, not_used, issues, issue_counts, not_computed} for one report.

    `skipped` names uploaded files that were not read at all (hidden files, unsupported types).
    """
    used = {(s.file, s.sheet) for s in report.sources}
    recognised = [{"file": s.file, "sheet": s.sheet, "table": "monthly KPI sheet" if s.kind == "kpi sheet" else s.table,
                   "by": s.recognised_by, "rows_read": int(s.rows_read), "rows_used": int(s.rows_used)}
                  for s in report.sources]
    not_used = [{"where": name, "why": "not a file kpireport reads (.xlsx, .xlsm, .xls, .ods, .csv)"}
                for name in skipped]
    seen: set[tuple[str, str]] = set()
    issues: list[dict[str, str]] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for p in report.problems:
        counts[p.severity.value] = counts.get(p.severity.value, 0) + 1
        if p.sheet and (p.file, p.sheet) not in used and (p.file, p.sheet) not in seen:
            seen.add((p.file, p.sheet))
            not_used.append({"where": f"{p.file} / {p.sheet}", "why": p.reason})
        elif len(issues) < MAX_ISSUES and p.severity.value != "info":
            issues.append({"severity": p.severity.value, "where": p.location(), "text": p.reason})
    counts["warning"] += sum(getattr(report.problems, "suppressed", {}).values())
    names = {k.id: k.label(lang) for k in report.catalog.visible()}
    not_computed = [{"kpi": names.get(kid, kid), "why": u.reason()}
                    for kid, u in report.unavailable.items() if kid in names]
    return {"recognised": recognised, "not_used": not_used, "issues": issues, "issue_counts": counts,
            "not_computed": not_computed}
