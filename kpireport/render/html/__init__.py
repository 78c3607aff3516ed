"""The HTML summary: a standalone .html file and the HTML part of the e-mail.

Both come from the same Jinja2 templates (`report.html.j2` and its partials). The standalone
file carries its charts as data: URIs so it can be opened or forwarded on its own; the e-mail
refers to them as cid: parts, because most mail clients block data: images. See `context`
for what the templates receive and `environment` for how user templates are loaded.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from ...compute.report import Report
from ...config import Config
from .. import charts
from .context import build_context
from .environment import inline_css, render_template
from .shape import Context

__all__ = ["build_context", "cid_images", "content_id", "data_uris", "html_from_context", "render_email_html",
           "render_html"]

MAIN_TEMPLATE = "report.html.j2"


def content_id(chart_id: str, png: bytes) -> str:
    """A content-id that is stable for the same image and unique across different ones."""
    return f"{chart_id}.{hashlib.sha256(png).hexdigest()[:16]}@kpireport"


def data_uris(pngs: dict[str, bytes]) -> dict[str, str]:
    """Charts as data: URIs, for the standalone file."""
    return {cid: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for cid, png in pngs.items()}


def cid_images(pngs: dict[str, bytes]) -> tuple[dict[str, str], dict[str, bytes]]:
    """Charts as cid: references for the e-mail, and the PNG bytes by content-id."""
    by_cid = {content_id(chart_id, png): png for chart_id, png in pngs.items()}
    return {chart_id: f"cid:{content_id(chart_id, png)}" for chart_id, png in pngs.items()}, by_cid


def html_from_context(config: Config, context: Context) -> str:
    return inline_css(render_template(config, MAIN_TEMPLATE, context))


def render_html(report: Report, config: Config, generated: dt.date, pngs: dict[str, bytes] | None = None) -> str:
    """The standalone summary: one self-contained HTML file, charts inlined as data: URIs.

    `pngs` are the charts by id when the caller already drew them. A run renders through
    `presentation.Presentation`, which draws and builds everything once.
    """
    if pngs is None:
        pngs = charts.render_charts(report, config)
    return html_from_context(config, build_context(report, config, generated, data_uris(pngs)))


def render_email_html(report: Report, config: Config, generated: dt.date) -> tuple[str, dict[str, bytes]]:
    """The e-mail's HTML with `cid:` image references, and the PNG bytes by content-id."""
    images, by_cid = cid_images(charts.render_charts(report, config))
    return html_from_context(config, build_context(report, config, generated, images, email=True)), by_cid
