"""The OKR and data-quality parts of the template context.

OKRs have no data model yet: any objects with `objective` and `key_results` (each with text,
kpi_name, baseline, target, current and optionally progress_pct, in 0-100) on
`report.okrs` are shown. Data-quality notes show errors and warnings only; info notes stay in
the workbook's Data quality sheet, where there is room for them.
"""

from __future__ import annotations

from collections.abc import Callable

from ...compute.report import Report
from ...compute.targets import resolve_kpi
from ...i18n import Translator
from ...problems import Problem, Severity
from .formatting import Formatter, number
from .shape import KeyResultRow, Okr, Quality, QualityNote, Unavailable

MAX_QUALITY = 8
Plural = Callable[..., str]


def okrs(report: Report, t: Translator, f: Formatter) -> list[Okr]:
    out: list[Okr] = []
    for obj in getattr(report, "okrs", None) or []:
        krs = [key_result(report, t, f, kr) for kr in getattr(obj, "key_results", None) or []]
        out.append({"objective": str(getattr(obj, "objective", "")), "key_results": krs})
    return out


def _state(pct: float | None, raw: float | None, complete: bool) -> str:
    """The pill beside a key result: achieved; for a quarter still running on_way (some
    progress) or in_progress (none yet: flow KPIs such as revenue only fill up by quarter end);
    for a finished quarter partly or wrong_way (moved away from the target); none."""
    if pct is None:
        return "none"
    share = raw if raw is not None else pct / 100
    if share >= 1:
        return "achieved"
    if not complete:
        return "on_way" if share > 0 else "in_progress"
    return "partly" if share >= 0 else "wrong_way"


def key_result(report: Report, t: Translator, f: Formatter, kr: object) -> KeyResultRow:
    """Baseline, target and current in the KPI's unit; progress computed when not given.

    Reads compute.report.KeyResult, but any object with text/kpi_name/baseline/target/current
    works; period, current_period, complete and progress_raw are used when present.
    """
    lang = t.lang
    ref = str(getattr(kr, "kpi_id", "") or getattr(kr, "kpi_name", "") or getattr(kr, "kpi", "") or "")
    kid = resolve_kpi(ref, report.catalog) if ref else None
    unit = report.catalog.kpis[kid].unit if kid else "ratio"
    name = report.catalog.kpis[kid].label(lang) if kid else ref

    def show(v: object) -> str:
        return v if isinstance(v, str) else f.value(number(v), unit)

    baseline, target, current = (getattr(kr, a, None) for a in ("baseline", "target", "current"))
    pct = number(getattr(kr, "progress_pct", None))
    b, tg, c = number(baseline), number(target), number(current)
    if pct is None and b is not None and tg is not None and c is not None and tg != b:
        pct = (c - b) / (tg - b) * 100
    width = round(min(max(pct, 0.0), 100.0)) if pct is not None else 0
    raw = number(getattr(kr, "progress_raw", None))
    complete = bool(getattr(kr, "complete", True))
    due, seen = getattr(kr, "period", None), getattr(kr, "current_period", None) or getattr(kr, "period", None)
    state = _state(pct, raw, complete)
    as_of = ""
    if seen is not None:
        as_of = t("html.okrs.so_far", period=t.period(seen)) if not complete else t.period(seen)
    return {
        "due": t("html.okrs.due", period=t.period(due)) if due is not None else "",
        "as_of": as_of,
        "state": state,
        "state_label": t(f"html.okrs.state.{state}") if state != "none" else "",
        "text": str(getattr(kr, "text", "")),
        "kpi_name": name,
        "baseline": show(baseline),
        "target": show(target),
        "current": show(current),
        "progress_pct": f.percent(pct / 100) if pct is not None else f.empty,
        "progress_width": width,
        "progress_rest": 100 - width,
    }


def where(t: Translator, p: Problem) -> str:
    parts = [x for x in (p.file, p.sheet, p.cell) if x]
    text = " / ".join(parts)
    if p.column:
        col = t("html.quality.column", column=p.column)
        text = f"{text} ({col})" if text else col
    return text


def quality(report: Report, t: Translator, plural: Plural, lang: str) -> Quality:
    problems = [p for p in report.problems if p.severity in (Severity.ERROR, Severity.WARNING)]
    problems.sort(key=lambda p: 0 if p.severity is Severity.ERROR else 1)
    shown = problems[:MAX_QUALITY]
    errors = [QualityNote(where=where(t, p), reason=p.reason) for p in shown if p.severity is Severity.ERROR]
    warnings = [QualityNote(where=where(t, p), reason=p.reason) for p in shown if p.severity is Severity.WARNING]
    for (file, sheet, col), n in report.problems.suppressed.items():
        place = " / ".join(x for x in (file, sheet) if x)
        warnings.append({"where": place, "reason": plural("html.quality.repeated", n, where=col)})
    unavailable: list[Unavailable] = []
    for kid, u in report.unavailable.items():
        k = report.catalog.kpis.get(kid)
        if k is None or k.hidden:
            continue
        reasons = [t("html.quality.no_rows", table=table) for table in u.no_rows]
        for table, cols in u.missing.items():
            blank = [c for c in cols if c in u.empty.get(table, ())]
            absent = [c for c in cols if c not in blank]
            if not cols:
                reasons.append(t("html.quality.needs_table", table=table))
            if absent:
                reasons.append(t("html.quality.needs_columns", table=table, columns=", ".join(absent)))
            if blank:
                reasons.append(t("html.quality.blank_columns", table=table, columns=", ".join(blank)))
        unavailable.append({"name": k.label(lang), "reason": "; ".join(reasons)})
    more = len(problems) - len(shown)
    return {"any": bool(errors or warnings or unavailable), "errors": errors, "warnings": warnings,
            "unavailable": unavailable, "intro": t("html.quality.intro"), "none": t("html.quality.none"),
            "more": plural("html.quality.more", more) if more > 0 else ""}
