"""Every file of one run, rendered in memory from one presentation.

`kpireport generate`, the watch folder and `kpireport serve` all call `render_outputs`, so the
three write the same files: <base>.xlsx, .html, .pdf (unless `pdf` is false), .eml (workbook
attached) and .json. The translator, the context and the charts are built once
(`render.presentation.Presentation`) and shared by the HTML, the PDF and the e-mail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from email.message import EmailMessage
from typing import NamedTuple

from .compute.report import Report
from .config import Config
from .deliver.email import build_message, message_bytes
from .render.presentation import Presentation


class Outputs(NamedTuple):
    files: dict[str, bytes]   # file name -> bytes, in the order they are written
    message: EmailMessage     # the e-mail, to send when asked


def render_outputs(report: Report, config: Config, generated: dt.date, base: str,
                   step: Callable[[str], None] | None = None, pdf: bool = True) -> Outputs:
    """Every output of one report; `step(name)` is called before each one (progress display)."""
    # The company and currency the pipeline settled on (config, else the input's document
    # properties / the locale), so that every output names the same ones.
    config = dataclasses.replace(config, company=report.company, currency=report.currency)
    step = step or (lambda name: None)
    step("workbook")
    shown = Presentation.of(report, config, generated)
    workbook = shown.workbook()
    step("html")
    files = {f"{base}.xlsx": workbook, f"{base}.html": shown.html().encode("utf-8")}
    if pdf:
        step("pdf")
        files[f"{base}.pdf"] = shown.pdf()
    step("email")
    message = build_message(report, config, generated, workbook, f"{base}.xlsx", shown)
    step("json")
    files[f"{base}.eml"] = message_bytes(message)
    files[f"{base}.json"] = shown.json().encode("utf-8")
    return Outputs(files, message)


def summary_line(report: Report) -> str:
    """'October 2026: 31 KPIs, 12 on track, 4 at risk, 3 off track; 5 could not be computed'."""
    counts = report.status_counts()
    parts = [f"{report.period_label()}: {len(report.computed)} KPIs"]
    parts += [f"{counts[s]} {s.replace('_', ' ')}" for s in ("on_track", "at_risk", "off_track") if counts[s]]
    text = ", ".join(parts)
    if report.unavailable:
        text += f"; {len(report.unavailable)} could not be computed"
    return text
