"""Golden files of the sample company's report: any change to what a reader gets shows as a diff.

The committed sample workbooks, the default configuration and a fixed report date give the
JSON, the plain-text summary, the HTML summary without chart images and every formula of the
KPI workbook (one `Sheet!A1 =FORMULA` line per cell). Nothing in them depends on the run: the
date is fixed, charts (whose PNG bytes follow the installed matplotlib and fonts) are left out,
and no output holds a path or a clock time.

A change that is meant (a new KPI, a reworded label) is accepted by regenerating the files and
reviewing their diff:

    python -m pytest tests/test_golden.py --snapshot-update

The files are in tests/__snapshots__/test_golden/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import warnings

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from kpireport.config import Config
from kpireport.render.html import render_html
from kpireport.render.json_out import render_json
from kpireport.render.text import render_text
from kpireport.render.workbook import render_workbook

from .conftest import sample_report

GENERATED = dt.date(2026, 11, 3)


class _Text(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT


class _Json(_Text):
    file_extension = "json"


class _Html(_Text):
    file_extension = "html"


class _Txt(_Text):
    file_extension = "txt"


@pytest.fixture(scope="module")
def sample():
    """The sample company's report and the configuration its outputs are rendered with (the
    company and currency the pipeline settled on, as `kpireport generate` does)."""
    config = Config()
    report = sample_report(config)
    return report, dataclasses.replace(config, company=report.company, currency=report.currency)


def formula_lines(xlsx: bytes) -> str:
    """'Sheet!A1 =FORMULA' for every formula cell, in sheet order then row order."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines and other extensions openpyxl drops
        book = openpyxl.load_workbook(io.BytesIO(xlsx))
    lines = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                text = getattr(value, "text", value)  # array formulas keep theirs in .text
                if isinstance(text, str) and text.startswith("="):
                    lines.append(f"{sheet.title}!{cell.coordinate} {text}")
    return "\n".join(lines) + "\n"


def test_json(sample, snapshot) -> None:
    report, _ = sample
    assert render_json(report, GENERATED) + "\n" == snapshot(extension_class=_Json)


def test_text_summary(sample, snapshot) -> None:
    report, config = sample
    assert render_text(report, config, GENERATED) == snapshot(extension_class=_Txt)


def test_html_without_images(sample, snapshot) -> None:
    report, config = sample
    page = render_html(report, config, GENERATED, pngs={})
    assert "data:image" not in page
    assert page == snapshot(extension_class=_Html)


def test_workbook_formulas(sample, snapshot) -> None:
    report, config = sample
    lines = formula_lines(render_workbook(report, config, GENERATED))
    assert lines.count("\n") > 1000  # the KPI sheets are formulas over the Measures sheet
    assert lines == snapshot(extension_class=_Txt)
