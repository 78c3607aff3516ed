"""One presentation per run: what every summary of a report shares, built once.

The translator, the formatter (inside the context), the chart images and the template context
are made here once and then dressed for each output: the standalone HTML (charts as data:
URIs, every KPI), the e-mail's HTML and text (charts as cid: parts, no full table) and the PDF.
Before, each output built its own translator and context and the charts were drawn twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..compute.report import Report
from ..config import Config
from ..i18n import Translator
from . import charts
from .html import cid_images, data_uris, html_from_context
from .html.context import base_context, dress
from .html.shape import Context
from .json_out import render_json
from .pdf import pdf_from_context
from .text import render_text_from_context
from .workbook import render_workbook


@dataclass(frozen=True)
class Presentation:
    """A report made ready to show: build it with `Presentation.of(report, config, generated)`."""

    report: Report
    config: Config
    generated: dt.date
    translator: Translator
    pngs: dict[str, bytes]          # chart id -> PNG, drawn once for the HTML, the e-mail and the PDF
    base: Context                   # the context before it is dressed for one output (html/context.py)

    @classmethod
    def of(cls, report: Report, config: Config, generated: dt.date) -> Presentation:
        t = Translator(config.language, config.locale, config.calendar)
        return cls(report, config, generated, t, charts.render_charts(report, config),
                   base_context(report, config, generated, t))

    def context(self, images: dict[str, str], email: bool) -> Context:
        return dress(self.base, images, email, self.translator)

    def html(self) -> str:
        """The standalone summary, charts inlined."""
        return html_from_context(self.config, self.context(data_uris(self.pngs), email=False))

    def email_html(self) -> tuple[str, dict[str, bytes]]:
        """The e-mail's HTML with cid: charts, and the PNGs by content-id."""
        images, by_cid = cid_images(self.pngs)
        return html_from_context(self.config, self.context(images, email=True)), by_cid

    def text(self, email: bool = True) -> str:
        """The plain-text summary; charts appear as their descriptions."""
        return render_text_from_context(self.context({cid: "" for cid in self.pngs}, email))

    def pdf(self) -> bytes:
        return pdf_from_context(self.context({cid: cid for cid in self.pngs}, email=False), self.translator,
                                self.pngs, self.generated)

    def workbook(self) -> bytes:
        return render_workbook(self.report, self.config, self.generated)

    def json(self) -> str:
        return render_json(self.report, self.generated)
