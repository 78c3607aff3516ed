"""The PDF summary (kpi-report.pdf): the HTML summary's content on A4 pages, for board packs and phones.

It is built from the same template context as the HTML (so every number is formatted by the
same locale formatter and every word comes from the same catalog) and shows the same chart
PNGs, which the caller renders once and passes to both. It is returned as bytes; writing it
goes through the atomic output writer like every other file.
"""

from __future__ import annotations

import datetime as dt

from ...compute.report import Report
from ...config import Config
from ...i18n import Translator
from .. import charts as chart_pngs
from ..html.context import build_context
from ..html.shape import Context
from . import sections
from .document import SummaryPdf

__all__ = ["pdf_from_context", "render_pdf"]


def render_pdf(report: Report, config: Config, generated: dt.date, pngs: dict[str, bytes] | None = None) -> bytes:
    """The PDF summary of `report` as bytes; `pngs` are the charts by id (drawn here when not given)."""
    if pngs is None:
        pngs = chart_pngs.render_charts(report, config)
    ctx = build_context(report, config, generated, {cid: cid for cid in pngs})
    return pdf_from_context(ctx, Translator(config.language, config.locale, config.calendar), pngs, generated)


def pdf_from_context(ctx: Context, t: Translator, pngs: dict[str, bytes], generated: dt.date) -> bytes:
    """The PDF from the summary's context (charts named by id in `ctx`, drawn as `pngs`)."""
    pdf = SummaryPdf(ctx["company"] or "", ctx["period"], t("pdf.page"), generated, ctx["lang"],
                     rtl=t.rtl, digits=t.digits)
    pdf.set_subject(ctx["title"])
    pdf.add_page()
    sections.title_block(pdf, ctx)
    sections.counts(pdf, ctx)
    sections.tiles(pdf, ctx)
    sections.attention(pdf, ctx)
    sections.charts(pdf, ctx, pngs)
    sections.breakdowns(pdf, ctx)
    sections.closing(pdf, ctx)
    return bytes(pdf.output())
