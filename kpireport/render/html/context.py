"""The template context: everything the HTML summary shows, already formatted as text.

Templates only print and loop, so a user who restyles the e-mail never has to format a
number, pick a colour rule or translate a word, and the plain-text alternative is written from
the very same context, so both parts of the e-mail always say the same thing.

Its shape is typed in `shape.py` (TypedDicts: plain dicts at run time, so templates read them
unchanged); `Context` is the whole, `KpiRow` one KPI as a tile, mover or scorecard row.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ...compute.report import Breakdown, Report
from ...config import Config
from ...i18n import Translator, tidy
from ...ranges import is_range
from .. import charts
from . import notes
from .formatting import ARROWS, Formatter, direction_of
from .formatting import number as _num
from .shape import (
    Attention,
    AttentionItem,
    BreakdownRow,
    BreakdownTable,
    Chart,
    Context,
    CountItem,
    Counts,
    Footer,
    KpiRow,
    LabelTree,
    Movers,
    ScorecardGroup,
)

# The KPIs an executive looks at first, in the order they are shown; the first MAX_TILES that
# have a value this period become tiles. A catalog KPI with `headline: true` (if the catalog
# ever grows that flag) takes precedence.
HEADLINE = ("revenue", "gross_profit", "gross_margin", "new_customers", "churn_rate", "nps", "csat",
            "avg_resolution_time", "dso", "lead_conversion_rate", "new_leads", "average_order_value",
            # the headlines of a call-centre log, a churn list and a campaign response list (issue 16)
            "answer_rate", "service_level", "revenue_at_risk", "campaign_response_rate", "campaign_roi",
            # the headline of a CRM pipeline and of a shop, when the data is only that
            "won_revenue", "win_rate", "open_pipeline_value", "return_rate", "on_time_order_delivery")
MAX_TILES = 9
MAX_ATTENTION = 5
MAX_MOVERS = 5
MAX_MEMBERS = 8
MAX_LEADERS = 10
# Breakdown tables shown in the summary (the workbook has all of them); a sales-rep breakdown
# is shown as a ranked leaderboard.
BREAKDOWNS = (("revenue", "region"), ("revenue", "line_of_business"), ("revenue", "channel"),
              ("revenue", "sales_rep"))
LEADERBOARD = "sales_rep"
TARGET_STATUSES = ("on_track", "at_risk", "off_track")
TREND_STATUSES = ("improving", "worsening", "steady")
ADDITIVE_UNITS = ("currency", "count")


class _Builder:
    def __init__(self, report: Report, config: Config, generated: dt.date, t: Translator | None = None) -> None:
        self.r = report
        self.config = config
        self.t = t or Translator(config.language, config.locale, config.calendar)
        self.f = Formatter(self.t, config.currency or report.currency)
        self.generated = generated
        self.lang = config.language
        self.prev = report.previous()
        ago = report.year_ago()
        self.ago = ago if ago != self.prev else None  # a yearly report: "year on year" is "vs last year"
        self.prev_label = self.t.period(self.prev) if self.prev is not None else ""

    def plural(self, key: str, count: int, **kw: object) -> str:
        """`key_one` when count is 1 and the language has it (English does; Turkish needs none)."""
        one = f"{key}_one"
        if count == 1 and one in self.t.messages:
            return self.t(one, count=count, **kw)
        return self.t(key, count=count, **kw)

    # -- one KPI --------------------------------------------------------------------------
    def status_of(self, kid: str, p: pd.Period | None = None) -> tuple[str, str]:
        p = self.r.period if p is None else p
        word = None
        if kid in self.r.status.index and p in self.r.status.columns:
            word = self.r.status.at[kid, p]
        basis = None
        if kid in self.r.status_basis.index and p in self.r.status_basis.columns:
            basis = self.r.status_basis.at[kid, p]
        word = word if isinstance(word, str) else "none"
        return word, basis if isinstance(basis, str) else ""

    def kpi_row(self, kid: str) -> KpiRow:
        k = self.r.catalog.kpis[kid]
        value, target = self.r.value(kid), self.r.target(kid)
        previous = self.r.value(kid, self.prev) if self.prev is not None else None
        arrow, tone = direction_of(value, previous, k.direction)
        status, basis = self.status_of(kid)
        year_ago = ""
        if self.ago is not None:
            before = self.r.value(kid, self.ago)
            if value is not None and before is not None:
                year_ago = self.t("html.tile.year_ago", change=self.f.change(value, before, k.unit))
        return {
            "id": kid,
            "name": k.label(self.lang),
            "unit": k.unit,
            "value": self.f.value(value, k.unit),
            "target": self.f.value(target, k.unit) if target is not None else "",
            "target_line": (self.t("html.tile.target", value=self.f.value(target, k.unit)) if target is not None
                            else self.t("html.tile.no_target")),
            "previous": self.f.value(previous, k.unit),
            "change": self.f.change(value, previous, k.unit),
            "change_dir": arrow,
            "change_tone": tone,
            "arrow": ARROWS[arrow],
            "vs": self.t(f"html.tile.vs.{self.r.grain.value}") if self.prev is not None else "",
            "year_ago": year_ago,
            "status": status,
            "status_label": self.t(f"status.{status}"),
            "basis": self.t(f"status_basis.{basis}") if basis else "",
        }

    def computed_ids(self) -> list[str]:
        return [k.id for k in self.r.computed]

    # -- sections -------------------------------------------------------------------------
    def counts(self) -> Counts:
        words = [self.status_of(kid) for kid in self.computed_ids()]
        target_words = [w for w, b in words if b == "target"]
        trend_words = [w for w, b in words if b == "trend"]
        items: list[CountItem] = [{"key": s, "label": self.t(f"status.{s}"), "count": target_words.count(s),
                  "count_text": self.f.count(target_words.count(s))} for s in TARGET_STATUSES]
        total = len(target_words)
        trend_note = ""
        if trend_words and self.prev is not None:
            trend_note = self.plural("html.counts.trend", len(trend_words), period=self.prev_label,
                                     **{s: trend_words.count(s) for s in TREND_STATUSES})
        if not total and self.prev is not None:
            trend_note = self.t("html.counts.no_targets", period=self.prev_label)
        return {"items": items, "total": total, "caption": self.plural("html.counts.of_total", total),
                "trend_note": trend_note}

    def tiles_intro(self) -> str:
        """Which periods the tiles' changes compare with, said once instead of in every tile."""
        if self.prev is None:
            return ""
        if self.ago is None:
            return self.t("html.tile.intro_previous", previous=self.prev_label)
        return self.t("html.tile.intro", previous=self.prev_label, year_ago=self.t.period(self.ago))

    def tiles(self) -> list[KpiRow]:
        cat = self.r.catalog
        flagged = [k.id for k in self.r.computed if getattr(k, "headline", False)]
        rest = [k for k in self.computed_ids() if k not in HEADLINE]
        order = flagged or [k for k in HEADLINE if k in cat.kpis] + rest
        chosen = [k for k in order if k in self.r.values.index and self.r.value(k) is not None]
        return [self.kpi_row(k) for k in chosen[:MAX_TILES]]

    def attention(self) -> Attention:
        ranked: list[tuple[int, float, AttentionItem]] = []
        for kid in self.computed_ids():
            status, basis = self.status_of(kid)
            k = self.r.catalog.kpis[kid]
            value, target = self.r.value(kid), self.r.target(kid)
            previous = self.r.value(kid, self.prev) if self.prev is not None else None
            if status == "off_track" and basis == "target" and value is not None and target is not None:
                key = {"higher": "below_target", "lower": "above_target"}.get(k.direction, "from_target")
                if k.direction == "target":
                    key = "below_target" if value < target else "above_target"
                reason = self.t(f"html.attention.{key}", gap=self.f.gap(value, target, k.unit),
                                target=self.f.value(target, k.unit))
                size = abs(value - target) / abs(target) if target else math.inf
                rank = 0
            elif status == "worsening" and value is not None and previous is not None:
                reason = self.t("html.attention.worsened", change=self.f.change(value, previous, k.unit),
                                period=self.prev_label, previous=self.f.value(previous, k.unit))
                size = abs(value - previous) / abs(previous) if previous else math.inf
                rank = 1
            else:
                continue
            row = AttentionItem(**self.kpi_row(kid), reason=reason,
                                guidance=k.guidance.get(self.lang) or k.guidance.get("en", ""))
            ranked.append((rank, -size, row))
        ranked.sort(key=lambda x: (x[0], x[1]))
        items = [r for _, _, r in ranked]
        more = len(items) - MAX_ATTENTION
        return {"intro": self.t("html.attention.intro"), "none": self.t("html.attention.none"),
                "items": items[:MAX_ATTENTION], "more": self.plural("html.attention.more", more) if more > 0 else ""}

    def movers(self) -> Movers:
        rows: list[tuple[float, KpiRow]] = []
        if self.prev is not None:
            for kid in self.computed_ids():
                now, before = self.r.value(kid), self.r.value(kid, self.prev)
                if now is None or before is None or now == before:
                    continue
                # Bounded score (at most 2, for a sign flip): a plain relative change explodes
                # near zero and would rank a KPI going from 0.1 to 0.5 above a revenue drop.
                rows.append((abs(now - before) / max(abs(now), abs(before)), self.kpi_row(kid)))
        rows.sort(key=lambda x: -x[0])
        return {"intro": self.t("html.movers.intro", period=self.prev_label) if self.prev is not None else "",
                "none": self.t("html.movers.none_range" if is_range(self.r.period) else "html.movers.none"),
                "items": [r for _, r in rows[:MAX_MOVERS]]}

    def charts(self) -> list[Chart]:
        out: list[Chart] = []
        drawn = set(charts.available(self.r))
        for cid in charts.CHART_IDS:
            if cid not in drawn:
                continue
            title, alt = charts.describe(self.r, self.t, self.f, cid)
            out.append({"id": cid, "title": title, "alt": alt, "src": "",
                        "width": charts.WIDTH_PX, "height": charts.HEIGHT_PX})
        return out

    def _chosen_breakdowns(self) -> list[Breakdown]:
        by_key = {(b.kpi, b.dimension): b for b in self.r.breakdowns}
        chosen = [by_key[key] for key in BREAKDOWNS if key in by_key]
        if not chosen and self.r.breakdowns:
            first = self.r.breakdowns[0].kpi
            chosen = [b for b in self.r.breakdowns if b.kpi == first][:4]
        return chosen

    def breakdowns(self) -> list[BreakdownTable]:
        out: list[BreakdownTable] = []
        for b in self._chosen_breakdowns():
            k = self.r.catalog.kpis[b.kpi]
            leaderboard = b.dimension == LEADERBOARD
            frame = b.values
            values = [_num(v) for v in frame["value"]] + [_num(b.rest_value)]
            total = sum(v for v in values if v is not None)
            has_share = k.unit in ADDITIVE_UNITS and total > 0 and all(v is None or v >= 0 for v in values)
            has_target = any(_num(v) is not None for v in frame.get("target", []))
            if leaderboard and has_target:
                has_share = False  # eight columns do not fit 600 px; % of target says more
            limit = MAX_LEADERS if leaderboard else MAX_MEMBERS
            rows: list[BreakdownRow] = []
            for i, (member, rec) in enumerate(frame.iterrows()):
                if i >= limit:
                    break
                value, previous, target = _num(rec.get("value")), _num(rec.get("previous")), _num(rec.get("target"))
                arrow, tone = direction_of(value, previous, k.direction)
                status = rec.get("status") if isinstance(rec.get("status"), str) else "none"
                rows.append({
                    "rank": self.f.count(i + 1),
                    "member": str(member),
                    "value": self.f.value(value, k.unit),
                    "share": self.f.percent(value / total) if has_share and value is not None else "",
                    "change": self.f.change(value, previous, k.unit),
                    "change_dir": arrow,
                    "change_tone": tone,
                    "arrow": ARROWS[arrow],
                    "target": self.f.value(target, k.unit) if target is not None else "",
                    "attainment": self.f.percent(_num(rec.get("attainment"))) if target is not None else "",
                    "status": status,
                    "status_label": self.t(f"status.{status}") if status != "none" else "",
                })
            dim_label = self._dimension(b.dimension)
            name = k.label(self.lang)
            by = f"html.breakdowns.by.{b.dimension}"
            in_title = self.t(by) if by in self.t.messages else dim_label
            title = (self.t("html.breakdowns.leaderboard", kpi=name) if leaderboard
                     else self.t("html.breakdowns.title", kpi=name, dimension=in_title))
            more = max(0, len(frame) - limit) + b.rest
            out.append({
                "title": title, "kpi_name": name, "dimension": b.dimension, "dimension_label": dim_label,
                "leaderboard": leaderboard, "has_target": has_target, "has_share": has_share, "rows": rows,
                "show_target": has_target and not leaderboard,
                "note": self.t("html.breakdowns.vs", period=self.prev_label) if self.prev is not None else "",
                "more": self.plural("html.breakdowns.more", more) if more > 0 else "",
            })
        return out

    def _dimension(self, dim: str) -> str:
        try:
            return self.t(f"dimension.{dim}")
        except KeyError:
            return dim.replace("_", " ")

    def scorecard(self) -> list[ScorecardGroup]:
        groups: dict[str, list[KpiRow]] = {}
        for k in self.r.computed:
            groups.setdefault(k.category, []).append(self.kpi_row(k.id))
        out: list[ScorecardGroup] = []
        for cat_id, rows in groups.items():
            cat = self.r.catalog.categories.get(cat_id)
            name = (cat.name.get(self.lang) or cat.name.get("en", cat_id)) if cat else cat_id
            out.append({"category": name, "rows": rows})
        return out

    def footer(self) -> Footer:
        sources = self.r.sources
        text = ""
        if sources:
            files = len({s.file for s in sources})
            text = self.plural("html.footer.sources", files, tables=self.f.count(len({s.table for s in sources})),
                               files=self.f.count(files), rows=self.f.count(sum(s.rows_used for s in sources)))
        return {"sources": text, "method": self.t("html.footer.method"),
                "delivery": "",
                "produced": self.t("html.footer.produced", date=self.t.date(self.generated))}

    def build(self) -> Context:
        period = self.t.period(self.r.period)
        company = self.config.company or self.r.company
        counts = self.counts()
        n = {c["key"]: c["count"] for c in counts["items"]}
        return {
            "lang": self.lang,
            # Right-to-left languages (babel says which): the page's dir, and the side numbers align to.
            "dir": "rtl" if self.t.rtl else "ltr",
            "end": "left" if self.t.rtl else "right",
            "title": tidy(self.t("html.subject", company=company, period=period)),
            "company": company,
            "heading": self.t("html.heading"),
            "period": period,
            "previous_period": self.prev_label,
            "generated": self.t("html.generated", date=self.t.date(self.generated)),
            "subtitle": self.t("html.subtitle", grain=self.t.grain(self.r.period, self.r.grain), period=period),
            "preheader": self.t("html.preheader", period=period, **n),
            "labels": labels(self.t),
            "counts": counts,
            "tiles": self.tiles(),
            "tiles_intro": self.tiles_intro(),
            "attention": self.attention(),
            "movers": self.movers(),
            "charts": self.charts(),
            "breakdowns": self.breakdowns(),
            "scorecard": self.scorecard(),
            "is_email": False,
            "okrs": notes.okrs(self.r, self.t, self.f),
            "quality": notes.quality(self.r, self.t, self.plural, self.lang),
            "footer": self.footer(),
        }


def labels(t: Translator) -> LabelTree:
    """The `html.*` messages as a nested dict, so templates write `labels.sections.movers`."""
    out: LabelTree = {}
    for key, text in t.messages.items():
        if not key.startswith("html."):
            continue
        node = out
        parts = key.split(".")[1:]
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if isinstance(child, str):  # a message key that is also a group: the catalog is wrong
                raise ValueError(f"message {key!r}: html.{part} is a message, so it cannot hold others")
            node = child
        node[parts[-1]] = text
    return out


def base_context(report: Report, config: Config, generated: dt.date, t: Translator | None = None,
                 ) -> Context:
    """The context once per run, before it is dressed for a file or the e-mail (`dress`)."""
    return _Builder(report, config, generated, t).build()


def dress(base: Context, images: dict[str, str], email: bool, t: Translator) -> Context:
    """The base context for one output, without building it again.

    `images` maps chart ids to the `src` to print: a data: URI for the standalone file, a
    cid: reference in the e-mail; charts without an entry are left out. `email` leaves out the
    table of every KPI (in an e-mail it would push the HTML past Gmail's 102 KB clip, and the
    workbook is attached anyway) and says the workbook is attached.
    """
    return {
        **base,
        "charts": [{**c, "src": images[c["id"]]} for c in base["charts"] if c["id"] in images],
        "scorecard": [] if email else base["scorecard"],
        "is_email": email,
        "footer": {**base["footer"],
                   "delivery": t("html.footer.attachment" if email else "html.footer.standalone")},
    }


def build_context(report: Report, config: Config, generated: dt.date, images: dict[str, str],
                  *, email: bool = False) -> Context:
    """The documented context (see the module docstring) for `report.html.j2`, for one output."""
    t = Translator(config.language, config.locale, config.calendar)
    return dress(base_context(report, config, generated, t), images, email, t)
