"""The plain-text alternative of the e-mail: the same content as the HTML, as readable text.

Some readers (and some corporate mail gateways) only show text/plain, and spam filters frown
on HTML-only mail. It is written from the same context as the HTML, so it can never disagree
with it. Lines are labelled rather than laid out in columns, because a proportional font
breaks any column alignment; paragraphs are wrapped at 76 characters.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ..compute.report import Report
from ..config import Config
from . import charts
from .html.context import build_context
from .html.shape import BreakdownTable, Context, KpiRow, label, label_group

WIDTH = 76
INDENT = "  "


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    if not text:
        return []
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging or indent,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _kpi_line(row: KpiRow, ctx: Context) -> list[str]:
    line = label(ctx["labels"], "text.value_line")
    head = line.format(name=row["name"], value=row["value"], status=row["status_label"])
    details = [row["target_line"]]
    if row["change_dir"] != "none":
        details.append(f"{row['arrow']} {row['change']} {row['vs']}".strip())
    if row["year_ago"]:
        details.append(row["year_ago"])
    return [*_wrap(head, "* ", INDENT), *_wrap(" · ".join(details), INDENT)]


def _counts(ctx: Context) -> list[str]:
    counts = ctx["counts"]
    out = _heading(label(ctx["labels"], "sections.counts"))
    if counts["total"]:
        out.append(" · ".join(f"{c['label']}: {c['count_text']}" for c in counts["items"]))
        out += _wrap(counts["caption"])
    return out + _wrap(counts["trend_note"])


def _tiles(ctx: Context) -> list[str]:
    if not ctx["tiles"]:
        return []
    out = _heading(label(ctx["labels"], "sections.headline")) + _wrap(ctx["tiles_intro"])
    for row in ctx["tiles"]:
        out += _kpi_line(row, ctx)
    return out


def _attention(ctx: Context) -> list[str]:
    lb, att = ctx["labels"], ctx["attention"]
    out = _heading(label(lb, "sections.attention"))
    if not att["items"]:
        return out + _wrap(att["none"])
    out += _wrap(att["intro"])
    for a in att["items"]:
        head = label(lb, "text.value_line").format(name=a["name"], value=a["value"], status=a["status_label"])
        out += ["", *_wrap(head, "* ", INDENT), *_wrap(a["reason"], INDENT)]
        if a["guidance"]:
            out += _wrap(f"{label(lb, 'attention.next_step')}: {a['guidance']}", INDENT)
    if att["more"]:
        out += ["", *_wrap(att["more"])]
    return out


def _charts(ctx: Context) -> list[str]:
    """Charts as their titles and descriptions (the HTML's alt text)."""
    if not ctx["charts"]:
        return []
    out = _heading(label(ctx["labels"], "sections.charts"))
    for c in ctx["charts"]:
        out += _wrap(f"{c['title']}: {c['alt']}", "* ", INDENT)
    return out


def _movers(ctx: Context) -> list[str]:
    mov = ctx["movers"]
    out = _heading(label(ctx["labels"], "sections.movers"))
    if not mov["items"]:
        return out + _wrap(mov["none"])
    out += _wrap(mov["intro"])
    for m in mov["items"]:
        out += _wrap(f"{m['name']}: {m['previous']} → {m['value']} ({m['arrow']} {m['change']})", "* ", INDENT)
    return out


def _breakdown(b: BreakdownTable, tl: dict[str, str]) -> list[str]:
    """One breakdown table as a labelled line per member (columns would not survive a proportional font)."""
    out = ["", b["title"]]
    for r in b["rows"]:
        parts = [r["value"]]
        if b["has_share"]:
            parts.append(f"{tl['share']} {r['share']}")
        parts.append(f"{tl['change']} {r['arrow']} {r['change']}".replace("  ", " "))
        if b["has_target"] and r["target"]:
            parts.append(f"{tl['target']} {r['target']} ({r['attainment']})")
        if r["status_label"]:
            parts.append(r["status_label"])
        lead = f"{r['rank']}. " if b["leaderboard"] else "- "
        out += _wrap(f"{lead}{r['member']}: " + ", ".join(parts), INDENT, INDENT * 2)
    return out + _wrap(b["more"], INDENT)


def _breakdowns(ctx: Context) -> list[str]:
    if not ctx["breakdowns"]:
        return []
    out = _heading(label(ctx["labels"], "sections.breakdowns"))
    tl = label_group(ctx["labels"], "table")
    for b in ctx["breakdowns"]:
        out += _breakdown(b, tl)
    if ctx["breakdowns"][0]["note"]:
        out += ["", *_wrap(ctx["breakdowns"][0]["note"])]
    return out


def _okrs(ctx: Context) -> list[str]:
    if not ctx["okrs"]:
        return []
    out = _heading(label(ctx["labels"], "sections.okrs"))
    ol = label_group(ctx["labels"], "okrs")
    for o in ctx["okrs"]:
        out += ["", *_wrap(o["objective"])]
        for kr in o["key_results"]:
            out += _wrap(f"- {kr['text']} ({kr['kpi_name']}): {ol['baseline']} {kr['baseline']}, "
                         f"{ol['current']} {kr['current']}, {ol['target']} {kr['target']}, "
                         f"{ol['progress']} {kr['progress_pct']}", INDENT, INDENT * 2)
    return out


def _scorecard(ctx: Context) -> list[str]:
    """Every KPI by category: empty in the e-mail, where the workbook is attached."""
    if not ctx["scorecard"]:
        return []
    out = _heading(label(ctx["labels"], "sections.scorecard"))
    for group in ctx["scorecard"]:
        out += ["", group["category"]]
        for row in group["rows"]:
            out += _kpi_line(row, ctx)
    return out


def _quality(ctx: Context) -> list[str]:
    lb, q = ctx["labels"], ctx["quality"]
    out = _heading(label(lb, "sections.quality"))
    if not q["any"]:
        return out + _wrap(q["none"])
    out += _wrap(q["intro"])
    for kind, items in (("errors", q["errors"]), ("warnings", q["warnings"])):
        if items:
            out += ["", label(lb, f"quality.{kind}")]
            for p in items:
                text = f"{p['where']}: {p['reason']}" if p["where"] else p["reason"]
                out += _wrap("- " + text, INDENT, INDENT * 2)
    if q["unavailable"]:
        out += ["", label(lb, "quality.unavailable")]
        for u in q["unavailable"]:
            out += _wrap(f"- {u['name']}: {u['reason']}", INDENT, INDENT * 2)
    if q["more"]:
        out += ["", *_wrap(q["more"])]
    return out


def _footer(ctx: Context) -> list[str]:
    f = ctx["footer"]
    return ["", "-- ", *_wrap(" ".join(x for x in (f["delivery"], f["sources"]) if x)), *_wrap(f["method"]),
            *_wrap(f["produced"])]


# The sections in the order the HTML shows them.
SECTIONS = (_counts, _tiles, _attention, _charts, _movers, _breakdowns, _okrs, _scorecard, _quality, _footer)


def render_text_from_context(ctx: Context) -> str:
    """Plain text from a context built by `build_context` (see kpireport.render.html.context)."""
    out: list[str] = [ctx["title"], ctx["subtitle"] + " · " + ctx["generated"]]
    for section in SECTIONS:
        out += section(ctx)
    return "\n".join(out).rstrip() + "\n"


def render_text(report: Report, config: Config, generated: dt.date, *, email: bool = True) -> str:
    """The plain-text summary. Charts appear as their descriptions (the alt text)."""
    images = {cid: "" for cid in charts.available(report)}
    return render_text_from_context(build_context(report, config, generated, images, email=email))
