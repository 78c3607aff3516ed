"""How the KPI workbook prints: page setup in the file, and the sample printed by LibreOffice.

The unit tests read the page setup back with openpyxl; the LibreOffice test prints the sample
company's workbook to PDF and counts pages per sheet (each page's footer names its sheet).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import warnings
from dataclasses import replace
from pathlib import Path

import openpyxl
import pypdf
import pytest
from xlsxwriter.utility import xl_col_to_name

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.config import Config
from kpireport.i18n import Translator
from kpireport.periods import Grain
from kpireport.pipeline import catalog_for
from kpireport.render.workbook import plan, render_workbook
from kpireport.render.workbook.printing import (
    PAPER_A4,
    PAPER_LETTER,
    PRINT_PERIODS,
    escape,
    fit_scale,
    page_breaks,
    page_budget,
    paper_for,
)

from .conftest import sample_dataset
from .test_workbook import TR, small_company

GENERATED = dt.date(2026, 11, 23)
COMPANY = "Ayşe Gıda & Co."


@pytest.mark.parametrize(("locale", "paper"), [
    ("en_US", PAPER_LETTER), ("en_CA", PAPER_LETTER), ("es_MX", PAPER_LETTER),
    ("en_GB", PAPER_A4), ("tr_TR", PAPER_A4), ("de-DE", PAPER_A4), ("en", PAPER_A4), ("zz_ZZ", PAPER_A4),
])
def test_paper_follows_the_locale(locale: str, paper: int) -> None:
    assert paper_for(locale) == paper


@pytest.mark.parametrize(("text", "expected"), [
    ("Ayşe Gıda & Co.", "Ayşe Gıda && Co."),
    ("  two\nlines  ", "two lines"),
    ("x" * 100, "x" * 80),
])
def test_header_text_is_escaped_and_short(text: str, expected: str) -> None:
    assert escape(text) == expected


@pytest.mark.parametrize(("points", "landscape", "scale"), [
    (400.0, True, 100),  # fits at full size: never enlarged
    (1000.0, True, 57),  # 10.2 in x 72 x 0.78 = 572.8 pt available
    (1000.0, False, 41),  # 7.47 in x 72 x 0.78 = 419.5 pt
    (50000.0, True, 10),  # never below 10 %
])
def test_fit_scale(points: float, landscape: bool, scale: int) -> None:
    assert fit_scale(points, landscape) == scale


@pytest.mark.parametrize(("width", "height", "landscape", "pages"), [
    (400.0, 5000.0, True, 11),  # full size; a landscape page holds 7.27 in x 72 x 0.94 = 492.0 pt
    (1000.0, 10000.0, False, 7),  # at 41 %: 4,100 pt over portrait pages of 10 in x 72 x 0.94 = 676.8 pt
    (1000.0, 0.0, True, 1),
])
def test_page_budget_is_the_pages_at_the_width_fitting_scale(width, height, landscape, pages) -> None:
    assert page_budget(width, height, landscape) == pages


@pytest.mark.parametrize(("blocks", "capacity", "breaks"), [
    ([(0, 100.0), (10, 100.0), (20, 100.0)], 250.0, [20]),
    ([(0, 100.0), (10, 100.0), (20, 100.0)], 300.0, []),
    ([(0, 100.0), (10, 200.0), (20, 200.0), (30, 50.0)], 250.0, [10, 20]),
    ([(0, 400.0), (10, 10.0)], 250.0, [10]),  # a block taller than a page still gets its own page
])
def test_page_breaks_fall_between_blocks(blocks, capacity, breaks) -> None:
    assert page_breaks(blocks, capacity) == breaks


@pytest.fixture(scope="module")
def report():
    return compute_report(small_company(), default_catalog(), Grain.MONTH)


def _load(data: bytes) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize(("config", "period", "page", "paper"), [
    (replace(Config(), company=COMPANY), "October 2026", "Page &P of &N", PAPER_LETTER),
    (replace(TR, company=COMPANY), "Ekim 2026", "Sayfa &P / &N", PAPER_A4),
])
def test_every_sheet_has_header_footer_paper_and_no_printed_gridlines(report, config, period, page, paper) -> None:
    wb = _load(render_workbook(report, config, GENERATED))
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == "Ayşe Gıda && Co.", ws.title
        assert ws.oddHeader.right.text == period, ws.title
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == page, ws.title
        assert int(ws.page_setup.paperSize) == paper, ws.title
        assert not ws.print_options.gridLines, ws.title


def test_dashboard_is_landscape_at_a_fixed_scale_and_data_sheets_repeat_their_labels(report) -> None:
    data = render_workbook(report, Config(), GENERATED)
    wb = _load(data)
    lay, _ = plan(report, Config())
    dash = wb[lay.sheets.dashboard]
    assert dash.page_setup.orientation == "landscape"
    assert 10 <= int(dash.page_setup.scale) < 100
    assert not dash.sheet_properties.pageSetUpPr or not dash.sheet_properties.pageSetUpPr.fitToPage
    first = xl_col_to_name(lay.col(lay.selected - PRINT_PERIODS + 1))
    for key, orientation in (("kpis", "landscape"), ("measures", "portrait"), ("targets", "portrait")):
        ws = wb[getattr(lay.sheets, key)]
        assert ws.page_setup.orientation == orientation, key
        assert ws.print_title_rows == "$4:$4" and ws.print_title_cols == "$A:$C", key
        assert ws.print_area.split("!")[1].startswith(f"${first}$1:"), (key, ws.print_area)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), key
    assert wb[lay.sheets.breakdowns].page_setup.orientation == "portrait"


@pytest.mark.libreoffice
def test_the_sample_workbook_prints_in_few_pages_with_the_dashboard_one_page_wide(
        soffice: str, tmp_path: Path) -> None:
    config = Config()
    data = sample_dataset(config)
    sample = compute_report(data, catalog_for(config), Grain.MONTH, None, config.fiscal_year_start, config.company,
                            config.currency)
    book = tmp_path / "kpi-report.xlsx"
    book.write_bytes(render_workbook(sample, config, GENERATED))
    profile = tmp_path / "profile"
    run = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                         capture_output=True, text=True, timeout=600)
    printed = tmp_path / "kpi-report.pdf"
    assert printed.is_file(), f"LibreOffice did not print the workbook: {run.stdout} {run.stderr}"
    texts = [p.extract_text() for p in pypdf.PdfReader(printed).pages]
    # 28 pages for 70 KPIs (118 before the print setup), 35 for 85: about 0.4 page per KPI (its
    # rows on the KPIs sheet, its definition, its breakdowns)
    kpis = len(sample.computed)
    assert len(texts) <= 0.42 * kpis, f"{len(texts)} pages for {kpis} KPIs"
    lay, dash_plan = plan(sample, config)
    footers = [re.search(r"^(.+?) Page (\d+) of (\d+)$", text, re.M) for text in texts]
    assert all(footers), "every printed page has its footer"
    sheets = [m.group(1) for m in footers]
    assert [int(m.group(2)) for m in footers] == list(range(1, len(texts) + 1))
    assert list(dict.fromkeys(sheets)) == [lay.sheets.dashboard, lay.sheets.kpis, lay.sheets.breakdowns,
                                           lay.sheets.measures, lay.sheets.targets, lay.sheets.definitions,
                                           lay.sheets.quality]
    assert sheets.count(lay.sheets.dashboard) <= 8, sheets
    # One page wide: the first page holds the whole first tile row and the right end of the title band.
    t = Translator(config.language, config.locale)
    first_page = "".join(texts[0].split())
    first_row = [k.label("en") for _, group in dash_plan.category_rows[0][1] for k in group]
    assert len(first_row) >= 4
    for name in [*first_row, t("workbook.dashboard.generated", date=t.date(GENERATED))]:
        assert "".join(name.split()) in first_page, name
    assert f"Page 1 of {len(texts)}" in texts[0]
