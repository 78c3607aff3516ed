"""Small PNG charts for the HTML summary: revenue vs target, leads vs customers, NPS.

Mail clients show images, not scripts or SVG, so charts are PNGs sized for a 600 px column.
They are drawn with matplotlib's object API on an Agg canvas (no pyplot, no GUI, no global
backend switch), under matplotlib's default style plus ours, so a user's matplotlibrc cannot
restyle them, and saved without a Software/date stamp so the same report gives the same bytes.
A chart whose KPIs are missing is skipped, never drawn empty.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib as mpl
import pandas as pd
from babel.numbers import format_compact_currency, format_compact_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..compute.report import Report
from ..config import Config
from ..i18n import Translator, native_digits
from ..periods import Grain, grain_of
from .formats import percent_text

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from .html.formatting import Formatter

CHART_IDS = ("revenue", "funnel", "nps")
WIDTH_PX, HEIGHT_PX, DPI = 600, 220, 100
LAST_N = 12
INK, MUTED, GRID = "#1f2933", "#616e7c", "#e4e7eb"
CURRENT, PAST, TARGET, SECOND = "#1f4e79", "#9fb8d3", "#d9822b", "#2e8b57"
STYLE: dict[RcKeyType, object] = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.edgecolor": GRID, "axes.labelcolor": MUTED,
    "xtick.color": MUTED, "ytick.color": MUTED, "axes.titlesize": 10, "legend.fontsize": 8.5,
    "legend.frameon": False, "svg.hashsalt": "kpireport", "path.simplify": True,
}
# The KPIs each chart reads: (series, optional target series).
NEEDS = {"revenue": ("revenue",), "funnel": ("new_leads", "new_customers"), "nps": ("nps",)}


def window(report: Report) -> list[pd.Period]:
    """The last LAST_N periods up to the report's period."""
    i = report.periods.index(report.period)
    return report.periods[max(0, i - LAST_N + 1): i + 1]


def _series(report: Report, kid: str, source: pd.DataFrame) -> list[float | None]:
    out: list[float | None] = []
    for p in window(report):
        v = source.at[kid, p] if kid in source.index and p in source.columns else None
        out.append(None if v is None or pd.isna(v) else float(v))
    return out


def available(report: Report) -> list[str]:
    """Chart ids whose KPIs have at least two values in the window (one point is no trend)."""
    out = []
    for cid in CHART_IDS:
        if all(sum(v is not None for v in _series(report, k, report.values)) >= 2 for k in NEEDS[cid]):
            out.append(cid)
    return out


def describe(report: Report, t: Translator, f: Formatter, chart_id: str) -> tuple[str, str]:
    """(title, alt text). The alt text states the latest figures, for readers without images."""
    periods = window(report)
    lang = t.lang
    kpis = report.catalog.kpis
    common = {"count": len(periods), "first": t.period(periods[0]), "last": t.period(periods[-1]),
              "period": t.period(report.period)}
    if chart_id == "revenue":
        k = kpis["revenue"]
        value, target = report.value("revenue"), report.target("revenue")
        title = t("html.charts.revenue_title", kpi=k.label(lang))
        if target is None:
            alt = t("html.charts.revenue_alt_no_target", kpi=k.label(lang), value=f.value(value, k.unit), **common)
        else:
            alt = t("html.charts.revenue_alt", kpi=k.label(lang), value=f.value(value, k.unit),
                    target=f.value(target, k.unit), **common)
        return title, alt
    if chart_id == "funnel":
        leads, customers = kpis["new_leads"], kpis["new_customers"]
        title = t("html.charts.funnel_title", leads=leads.label(lang), customers=customers.label(lang))
        alt = t("html.charts.funnel_alt", leads=leads.label(lang), customers=customers.label(lang),
                leads_value=f.value(report.value("new_leads"), leads.unit),
                customers_value=f.value(report.value("new_customers"), customers.unit), **common)
        return title, alt
    k = kpis[NEEDS[chart_id][0]]
    title = t("html.charts.trend_title", kpi=k.label(lang))
    alt = t("html.charts.trend_alt", kpi=k.label(lang), value=f.value(report.value(k.id), k.unit), **common)
    return title, alt


def _axis_formatter(unit: str, currency: str, locale: str) -> FuncFormatter:
    def fmt(v: float, _pos: int) -> str:
        if unit == "currency" and currency:
            return native_digits(format_compact_currency(v, currency, locale=locale, fraction_digits=1,
                                                         numbering_system="default"), locale)
        if unit == "percent":
            return percent_text(v, locale, 0)
        return native_digits(format_compact_decimal(v, locale=locale, fraction_digits=1, numbering_system="default"),
                             locale)

    return FuncFormatter(fmt)


def tick_labels(periods: list[pd.Period], t: Translator) -> list[str]:
    """Month abbreviations with the year underneath where it starts (and on the first tick):
    twelve 'Nov 25'-style labels do not fit side by side under a 600 px chart."""
    if not periods or grain_of(periods[0]) is not Grain.MONTH:
        return [t.period_short(p) for p in periods]
    out = []
    for i, p in enumerate(periods):
        month = t.month_short(p)
        out.append(f"{month}\n{t.digits(str(p.year))}" if i == 0 or p.month == 1 else month)
    return out


def _plot(report: Report, t: Translator, currency: str, chart_id: str) -> Figure:
    periods = window(report)
    x = list(range(len(periods)))
    labels = tick_labels(periods, t)
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    kpis = report.catalog.kpis
    if chart_id == "revenue":
        actual = _series(report, "revenue", report.values)
        target = _series(report, "revenue", report.targets)
        colours = [CURRENT if i == len(x) - 1 else PAST for i in x]
        ax.bar(x, [v if v is not None else 0 for v in actual], width=0.62, color=colours, zorder=2,
               label=t("html.charts.actual"))
        if any(v is not None for v in target):
            ax.plot(x, [v if v is not None else float("nan") for v in target], color=TARGET, linewidth=1.6,
                    marker="o", markersize=3.2, zorder=3, label=t("html.charts.target"))
        unit = kpis["revenue"].unit
    elif chart_id == "funnel":
        for kid, colour in (("new_leads", CURRENT), ("new_customers", SECOND)):
            vals = _series(report, kid, report.values)
            ax.plot(x, [v if v is not None else float("nan") for v in vals], color=colour, linewidth=1.8,
                    marker="o", markersize=3.2, zorder=3, label=kpis[kid].label(t.lang))
        unit = "count"
        ax.set_ylim(bottom=0)
    else:
        kid = NEEDS[chart_id][0]
        vals = _series(report, kid, report.values)
        ax.plot(x, [v if v is not None else float("nan") for v in vals], color=CURRENT, linewidth=1.8,
                marker="o", markersize=3.2, zorder=3, label=t("html.charts.actual"))
        target = _series(report, kid, report.targets)
        if any(v is not None for v in target):
            ax.plot(x, [v if v is not None else float("nan") for v in target], color=TARGET, linewidth=1.4,
                    linestyle="--", zorder=2, label=t("html.charts.target"))
        unit = kpis[kid].unit
    ax.set_xticks(x)
    # Solar Hijri month names are long (Ordibehesht, Shahrivar): slanted, twelve of them fit
    if max(len(s.split("\n")[0]) for s in labels) > 6:
        ax.set_xticklabels(labels, rotation=40, ha="right")
    else:
        ax.set_xticklabels(labels)
    ax.tick_params(axis="both", length=0, pad=4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(_axis_formatter(unit, currency, t.locale))
    ax.margins(y=0.12)
    ax.grid(axis="y", color=GRID, linewidth=0.8, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#cbd2d9")
    ax.set_xlim(-0.6, len(x) - 0.4)
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] == t("html.charts.target"))
    ax.legend([handles[i] for i in order], [names[i] for i in order], loc="lower left", bbox_to_anchor=(0, 1.0),
              ncol=2, handlelength=1.6, borderaxespad=0.2)
    fig.subplots_adjust(left=0.1, right=0.99, top=0.87, bottom=0.17)
    return fig


def render_chart(report: Report, config: Config, chart_id: str) -> bytes:
    """One chart as PNG bytes (WIDTH_PX x HEIGHT_PX)."""
    t = Translator(config.language, config.locale, config.calendar)
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(STYLE)
        fig = _plot(report, t, config.currency or report.currency, chart_id)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def render_charts(report: Report, config: Config) -> dict[str, bytes]:
    """Every chart the report has data for, by chart id, in display order."""
    return {cid: render_chart(report, config, cid) for cid in available(report)}
