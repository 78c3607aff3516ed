"""The PDF summary: what it says (text extracted with pypdf), in which language, and where pages break.

The small hand-made company of test_workbook.py keeps the expectations hand-computable:
October 2026 revenue is 3 x (1000 + 13 x 100) + 250 x (0 + 1 + 2) = 7,650 against a target of
5,000; September is 7,350 (+4.1 %), October 2025 is 4,050 (+88.9 % year on year); cost is
60 % of revenue, so the gross margin is 40.0 % against its 35 % target.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import replace

import pypdf
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.config import Config
from kpireport.periods import Grain
from kpireport.render.pdf import render_pdf, sections
from kpireport.render.pdf.document import SummaryPdf

from .test_workbook import TR, small_company

GENERATED = dt.date(2026, 11, 23)
COMPANY = "Ayşe Gıda & Co."


@pytest.fixture(scope="module")
def report():
    return compute_report(small_company(), default_catalog(), Grain.MONTH)


def pages(data: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (wrapping must not decide a test)."""
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def english(report) -> bytes:
    return render_pdf(report, replace(Config(), company=COMPANY), GENERATED)


@pytest.fixture(scope="module")
def turkish(report) -> bytes:
    return render_pdf(report, replace(TR, company=COMPANY), GENERATED)


@pytest.fixture(scope="module")
def persian(report) -> bytes:
    return render_pdf(report, Config(language="fa", locale="fa_IR", currency="IRR", company=COMPANY), GENERATED)


def xs(data: bytes, page: int) -> dict[str, float]:
    """Where each piece of text on a page starts, in points from the left edge (the last one drawn wins)."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():
            found[text.strip()] = tm[4] * cm[0] + cm[4]

    pypdf.PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(("fixture", "expected"), [
    ("english", ["KPI report · October 2026", "Headline KPIs", "Revenue (net sales) $7,650 On track Target $5,000",
                 "▲ +4.1% vs last month", "+88.9% year on year", "Gross margin 40.0% On track Target 35.0%",
                 "What needs attention", "Trends", "Breakdowns", "Revenue (net sales) by region"]),
    ("turkish", ["KPI raporu · Ekim 2026", "Öne çıkan göstergeler", "Gelir (net satışlar) ₺7.650 Hedefte Hedef ₺5.000",
                 "▲ +%4,1 önceki aya göre", "Yıllık +%88,9", "Brüt kâr marjı %40,0 Hedefte Hedef %35,0",
                 "İlgilenilmesi gerekenler", "Eğilimler", "Kırılımlar", "Gelir (net satışlar) – bölge bazında"]),
])
def test_the_summary_says_what_the_html_says_in_its_language(request, fixture: str, expected: list[str]) -> None:
    text = " ".join(pages(request.getfixturevalue(fixture)))
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize(("fixture", "period", "page_label"), [
    ("english", "October 2026", "Page {n} of {total}"),
    ("turkish", "Ekim 2026", "Sayfa {n} / {total}"),
])
def test_every_page_has_the_running_header_and_its_number(request, fixture: str, period: str,
                                                           page_label: str) -> None:
    texts = pages(request.getfixturevalue(fixture))
    assert 2 <= len(texts) <= 6, "the small company's summary is a few pages, not one and not a dozen"
    for n, text in enumerate(texts, start=1):
        assert text.startswith(f"{COMPANY} {period}"), text[:80]
        assert page_label.format(n=n, total=len(texts)) in text


def test_same_report_gives_the_same_bytes(report, english) -> None:
    assert render_pdf(report, replace(Config(), company=COMPANY), GENERATED) == english


def test_is_a4_portrait_and_embeds_its_font(english) -> None:
    reader = pypdf.PdfReader(io.BytesIO(english))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in str(f) for f in fonts), fonts


def _doc() -> SummaryPdf:
    pdf = SummaryPdf("Co", "October 2026", "Page {page} of {pages}", GENERATED, "en")
    pdf.add_page()
    return pdf


@pytest.mark.parametrize(("y", "height", "new_page"), [
    (100.0, 50.0, False),
    (230.0, 44.0, False),  # ends exactly at the bottom (297 - 15 margin - 8 footer = 274)
    (230.0, 44.5, True),
    (270.0, 5.0, True),
])
def test_keep_starts_a_new_page_only_when_the_block_would_not_fit(y: float, height: float, new_page: bool) -> None:
    pdf = _doc()
    pdf.set_y(y)
    pdf.keep(height)
    assert pdf.page_no() == (2 if new_page else 1)


def _tile(i: int) -> dict:
    return {"name": f"Tile KPI {i:02d}", "value": f"V{i:02d}", "status": "on_track", "status_label": "On track",
            "target_line": f"T{i:02d}", "change_dir": "up", "change_tone": "good", "arrow": "▲",
            "change": "+1.0%", "vs": "vs last month", "year_ago": ""}


def test_a_row_of_tiles_is_never_cut_by_a_page_break() -> None:
    pdf = _doc()
    ctx = {"labels": {"sections": {"headline": "Headline"}}, "tiles_intro": "", "tiles": [_tile(i) for i in range(15)]}
    pdf.set_y(150)  # two rows of tiles fit below, the third must move
    sections.tiles(pdf, ctx)
    texts = pages(bytes(pdf.output()))
    for i in range(15):
        where = [n for n, text in enumerate(texts) if f"Tile KPI {i:02d}" in text]
        assert len(where) == 1 and f"V{i:02d}" in texts[where[0]] and f"T{i:02d}" in texts[where[0]], i
    # rows of three: tiles 0-5 on the first page, the rest on the second
    assert [n for i in range(15) for n, text in enumerate(texts) if f"Tile KPI {i:02d}" in text] == [0] * 6 + [1] * 9


def test_a_long_table_repeats_its_header_and_never_splits_a_row() -> None:
    pdf = _doc()
    labels = {"sections": {"breakdowns": "Breakdowns"},
              "table": {"rank": "#", "actual": "Actual", "share": "Share", "change": "Change", "target": "Target",
                        "attainment": "% of target", "status": "Status"}}
    rows = [{"rank": str(i + 1), "member": f"Member {i:02d}", "value": f"${1000 + i}", "share": "1%", "change": "+1.0%",
             "change_dir": "up", "change_tone": "good", "arrow": "▲", "target": "", "attainment": "",
             "status": "none", "status_label": ""} for i in range(70)]
    ctx = {"labels": labels, "breakdowns": [{"title": "Revenue by sales rep", "kpi_name": "Revenue",
                                              "dimension_label": "Sales rep", "leaderboard": True,
                                              "has_target": False, "has_share": True, "show_target": False,
                                              "note": "", "more": "", "rows": rows}]}
    sections.breakdowns(pdf, ctx)
    texts = pages(bytes(pdf.output()))
    assert len(texts) == 2
    for text in texts:
        assert "Sales rep Actual Share Change" in text  # the header on both pages
    for i in range(70):
        hits = [text for text in texts if f"Member {i:02d} ${1000 + i}" in text]
        assert len(hits) == 1, i


PERSIAN_PHRASES = ["گزارش شاخص‌های کلیدی عملکرد", "شاخص‌های اصلی", "درآمد (فروش خالص)", "سود ناخالص",
                   "در مسیر هدف", "آنچه نیاز به توجه دارد", "نرخ ریزش مشتری", "مشتریان از دست رفته", "روندها",
                   "تفکیک‌ها", "درآمد (فروش خالص) به تفکیک منطقه", "نماینده فروش"]


@pytest.mark.parametrize("phrase", PERSIAN_PHRASES, ids=[f"phrase{i}" for i in range(len(PERSIAN_PHRASES))])
def test_a_persian_summary_is_shaped_text_that_reads_back_in_persian(persian, phrase: str) -> None:
    # Shaped glyphs map back to the letters typed (NFKC folds any presentation form a reader returns).
    text = unicodedata.normalize("NFKC", " ".join(pages(persian)))
    assert unicodedata.normalize("NFKC", phrase) in text


def test_a_persian_summary_writes_every_number_in_persian_digits(persian) -> None:
    texts = pages(persian)
    assert not re.search("[0-9]", " ".join(texts)), "a 0-9 digit in the Persian PDF"
    assert set("۰۱۲۳۴۵۶۷۸۹") <= set(" ".join(texts))
    for n, text in enumerate(texts, start=1):  # the page numbers too, total included
        assert text.endswith(f"صفحه {'۰۱۲۳۴۵۶۷۸۹'[n]} از {'۰۱۲۳۴۵۶۷۸۹'[len(texts)]}"), text[-30:]


def _start_side(data: bytes, page: int, needle: str) -> str:
    x = next(x for text, x in xs(data, page).items() if needle in text)
    return "left" if x < 595 / 2 else "right"


@pytest.mark.parametrize(("fixture", "needle", "side"), [
    # the running header and the title: the company at the reading side
    ("english", "Ayşe Gıda & Co.", "left"),
    ("persian", "Ayşe Gıda & Co.", "right"),
    # a breakdown table's first column (the region) and its title
    ("english", "North", "left"),
    ("persian", "North", "right"),
    ("english", "Revenue (net sales) by region", "left"),
    ("persian", "درآمد (فروش خالص) به تفکیک منطقه", "right"),
    # the page number at the far side
    ("english", "Page 3 of 3", "right"),
    ("persian", "صفحه ۳ از ۳", "left"),
])
def test_a_right_to_left_summary_is_laid_out_from_the_right(request, fixture: str, needle: str, side: str) -> None:
    assert _start_side(request.getfixturevalue(fixture), 2, needle) == side


def test_a_persian_table_runs_its_columns_from_the_right(persian, english) -> None:
    # the region, then its actual, then the share: right to left in Persian, left to right in English
    fa, en = xs(persian, 2), xs(english, 2)
    assert fa["North"] > fa["۶۷٪"] and en["North"] < en["67%"]
