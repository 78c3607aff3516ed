"""The HTML summary: e-mail safety, escaping, Turkish, user templates, charts, plain text."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kpireport.config import Config
from kpireport.errors import OutputError
from kpireport.i18n import messages
from kpireport.render import charts
from kpireport.render.html import build_context, render_email_html, render_html
from kpireport.render.text import render_text

from .conftest import SAMPLES, sample_report

try:  # tests/ as a package or as a plain folder on sys.path
    from tests.test_html_support import make_report, sample_okrs
except ImportError:  # pragma: no cover - depends on how pytest imports tests/
    from test_html_support import make_report, sample_okrs

GENERATED = dt.date(2026, 11, 3)
HOSTILE = "<script>alert(1)</script>"
TR = Config(language="tr", locale="tr_TR", currency="TRY")


@pytest.fixture(scope="module")
def report():
    r = make_report()
    r.okrs = sample_okrs()
    return r


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_html(report, Config(), GENERATED)


class _Page(HTMLParser):
    """Visible text, images and tags of a page, for assertions that should not depend on markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.imgs: list[dict[str, str | None]] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
            if a.get("alt"):
                self.text.append(a["alt"])
        for name in ("src", "href", "background", "action"):
            if a.get(name):
                self.urls.append(a[name])
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def visible(page: str) -> str:
    return re.sub(r"\s+", " ", " ".join(parse(page).text))


# -- context ---------------------------------------------------------------------------------

def _leaves(node, path="ctx"):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, node


def test_context_is_formatted_text_only(report):
    ctx = build_context(report, Config(), GENERATED, {"revenue": "cid:x"})
    for key in ("title", "company", "period", "generated", "counts", "tiles", "attention", "movers", "charts",
                "breakdowns", "scorecard", "okrs", "quality", "footer", "labels"):
        assert key in ctx
    for path, leaf in _leaves(ctx):
        assert isinstance(leaf, str | int | bool), f"{path} is {type(leaf).__name__}, templates only print text"
    assert [c["id"] for c in ctx["charts"]] == ["revenue"]
    tile = ctx["tiles"][0]
    assert tile["name"] == "Revenue (net sales)"
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*", tile["value"])
    assert tile["status"] in ("on_track", "at_risk", "off_track")
    assert any(b["leaderboard"] for b in ctx["breakdowns"])
    assert ctx["attention"]["items"] and all(a["guidance"] for a in ctx["attention"]["items"])


def test_counts_add_up_to_the_kpis_with_a_target(report):
    ctx = build_context(report, Config(), GENERATED, {})
    basis = report.status_basis[report.period]
    assert sum(c["count"] for c in ctx["counts"]["items"]) == int((basis == "target").sum())


# -- e-mail safety ---------------------------------------------------------------------------

def test_standalone_html_is_email_safe(page):
    p = parse(page)
    assert "script" not in p.tags and "<script" not in page.lower()
    assert not re.search(r"https?://", page), "no external URLs"
    assert all(not u.startswith("//") for u in p.urls), "no protocol-relative URLs"
    assert "url(" not in page and "@import" not in page and "<link" not in page.lower()
    assert "@font-face" not in page
    assert p.imgs, "charts are images"
    for img in p.imgs:
        assert img.get("alt"), f"image without alt text: {img.get('src', '')[:40]}"
        assert img["src"].startswith("data:image/png;base64,")
        assert img.get("width") and img.get("height")
    assert 'width="640"' in page
    assert "<table" in page and 'role="presentation"' in page


def test_css_is_inlined_and_only_media_rules_stay_in_a_style_block(page):
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    assert all(s.strip().startswith("@media") for s in styles if s.strip())
    assert 'class="h2" style="' in page or re.search(r'<h2[^>]*style="[^"]*font-size', page)
    assert re.search(r'<td class="header"[^>]*style="[^"]*background-color', page)


def test_email_html_refers_to_charts_by_cid(report):
    html, images = render_email_html(report, Config(), GENERATED)
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert cids and set(cids) == set(images)
    assert "data:image" not in html
    for png in images.values():
        assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_hostile_text_is_escaped_everywhere():
    r = make_report(company=HOSTILE, region_name=HOSTILE, problem_reason=HOSTILE)
    page = render_html(r, Config(company=HOSTILE), GENERATED)
    assert HOSTILE not in page
    assert "<script" not in page.lower()
    escaped = htmllib.escape(HOSTILE, quote=False)
    # company (title, header), region member (breakdown table), problem reason (data quality)
    assert page.count(escaped) >= 4
    assert "alert(1)" in visible(page)


# -- language --------------------------------------------------------------------------------

def _flat(node, prefix=""):
    out = {}
    for k, v in node.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        out.update(_flat(v, key) if isinstance(v, dict) else {key: str(v)})
    return out


def test_turkish_labels_and_number_formats(report):
    page = render_html(report, TR, GENERATED)
    text = visible(page)
    for word in ("Genel bakış", "Öne çıkan göstergeler", "İlgilenilmesi gerekenler", "En çok değişenler",
                 "Kırılımlar", "Veri kalitesi", "Hedefte", "Risk altında", "Ekim 2026", "3 Kasım 2026"):
        assert word in text, word
    assert re.search(r"₺\d{1,3}(\.\d{3})+", text), "currency as ₺44.366 (babel's Turkish pattern)"
    assert re.search(r"%\d+,\d", text), "percent sign first, with a decimal comma"
    assert not re.search(r"\$\d", text)
    assert '<html lang="tr" dir="ltr">' in page


def test_turkish_page_has_no_english_label():
    report = make_report()  # without the fixture's OKRs, whose text is English user data
    en = {k: v for k, v in messages("en").items() if k.startswith("html.")}
    tr = {k: v for k, v in messages("tr").items() if k.startswith("html.")}
    assert set(en) == set(tr), "every English label has a Turkish one"
    outputs = {"html": visible(render_html(report, TR, GENERATED)), "text": render_text(report, TR, GENERATED)}
    for key, value in en.items():
        if value == tr[key]:
            continue
        for chunk in re.split(r"\{[^}]*\}", value):
            chunk = chunk.strip(" .,:;()–-·")
            if len(chunk) < 4 or not re.search(r"[A-Za-z]{3}", chunk):
                continue
            for name, out in outputs.items():
                assert chunk not in out, f"English label {key} ({chunk!r}) in the Turkish {name}"


# -- templates -------------------------------------------------------------------------------

def test_user_template_overrides_a_partial(tmp_path: Path, report):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "footer.html.j2").write_text(
        "<tr><td class=\"footer\">Prepared by Finance for {{ company }}</td></tr>\n", encoding="utf-8")
    page = render_html(report, Config(templates=tmp_path, company="Acme & Sons"), GENERATED)
    assert "Prepared by Finance for Acme &amp; Sons" in page
    assert "Produced by kpireport" not in page
    assert "What needs attention" in page, "the other partials still come from the defaults"


def test_template_syntax_error_names_file_and_line(tmp_path: Path, report):
    (tmp_path / "partials").mkdir()
    bad = tmp_path / "partials" / "footer.html.j2"
    bad.write_text("<tr>\n<td>\n{% if footer.sources %}\n{{ footer.sources }\n</td></tr>\n", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        render_html(report, Config(templates=tmp_path), GENERATED)
    message = info.value.one_line()
    assert str(bad) in message
    assert "line 4" in message
    assert "templates folder" in message


def test_template_runtime_error_names_file_and_line(tmp_path: Path, report):
    (tmp_path / "partials").mkdir()
    bad = tmp_path / "partials" / "header.html.j2"
    bad.write_text("<tr><td>\n{{ company }}\n{{ no_such_value }}\n</td></tr>\n", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        render_html(report, Config(templates=tmp_path), GENERATED)
    assert str(bad) in info.value.message and "line 3" in info.value.message
    assert "no_such_value" in info.value.message


def test_user_templates_are_sandboxed(tmp_path: Path, report):
    (tmp_path / "report.html.j2").write_text("{{ company.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    with pytest.raises(OutputError):
        render_html(report, Config(templates=tmp_path), GENERATED)


# -- charts ----------------------------------------------------------------------------------

def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_charts_are_small_stable_pngs(report):
    first = charts.render_charts(report, Config())
    again = charts.render_charts(report, Config())
    assert list(first) == ["revenue", "funnel", "nps"]
    assert first == again, "same report, same bytes"
    for png in first.values():
        assert _png_size(png) == (charts.WIDTH_PX, charts.HEIGHT_PX)
        assert b"Software" not in png[:200] and len(png) < 60_000


def test_a_chart_without_its_kpis_is_skipped(report):
    r = make_report()
    r.values = r.values.drop(index=["revenue", "nps"])
    assert charts.available(r) == ["funnel"]
    page = render_html(r, Config(), GENERATED)
    assert len(parse(page).imgs) == 1


def test_no_charts_and_no_previous_period_still_render():
    r = make_report()
    r.values = r.values.iloc[:, :1]
    r.targets = r.targets.iloc[:, :1]
    r.status, r.status_basis = r.status.iloc[:, :1], r.status_basis.iloc[:, :1]
    r.periods = r.periods[:1]
    r.period = r.periods[0]
    r.breakdowns = []
    page = render_html(r, Config(), GENERATED)
    assert "<img" not in page
    assert "There is no previous period to compare with yet." in page


# -- sections --------------------------------------------------------------------------------

def test_okr_section_only_when_objectives_exist(report, page):
    assert "Objectives and key results" in page
    assert "Grow profitably in the core regions" in page and "60%" in page
    plain = render_html(make_report(), Config(), GENERATED)
    assert "Objectives and key results" not in plain


def test_attention_shows_catalog_guidance_in_the_report_language(report, page):
    nps = report.catalog.kpis["nps"]
    assert report.status.at["nps", report.period] == "off_track"
    assert htmllib.escape(nps.guidance["en"], quote=False) in page
    assert htmllib.escape(nps.guidance["tr"], quote=False) in render_html(report, TR, GENERATED)


def test_data_quality_notes_list_problems_and_unavailable_kpis(page):
    text = visible(page)
    assert "3 rows have no order date and were excluded" in text
    assert "crm_export.xlsx / Orders / D118 (column revenue)" in text
    assert "Days sales outstanding" in text and "the invoices table is missing" in text
    assert "sheet 'Notes' was not recognised" not in text, "info notes stay in the workbook"


# -- plain text ------------------------------------------------------------------------------

def test_plain_text_has_the_same_headline_content(report):
    ctx = build_context(report, Config(), GENERATED, {})
    text = render_text(report, Config(), GENERATED)
    for tile in ctx["tiles"]:
        assert f"{tile['name']}: {tile['value']} ({tile['status_label']})" in text
        assert tile["change"] in text
    for a in ctx["attention"]["items"]:
        assert a["reason"] in text
    for m in ctx["movers"]["items"]:
        assert f"{m['name']}: {m['previous']} → {m['value']}" in text
    assert "Ayşe Demir" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_quarterly_report_renders(report):
    from kpireport.catalog import load_catalog
    from kpireport.compute.run import compute_report
    from kpireport.periods import Grain

    try:
        from tests.test_html_support import make_dataset
    except ImportError:  # pragma: no cover
        from test_html_support import make_dataset

    q = compute_report(make_dataset(), load_catalog([]), Grain.QUARTER, None, 1, "Northwind", "USD")
    page = render_html(q, Config(), GENERATED)
    assert "Quarterly report" in page and "vs last quarter" in page
    assert isinstance(q.period, pd.Period)


def test_change_from_zero_or_a_loss_is_shown_in_units_not_percent():
    from kpireport.i18n import Translator
    from kpireport.render.html.formatting import Formatter

    f = Formatter(Translator("en", "en_US"), "USD")
    assert f.change(31072.0, -11685.0, "currency") == "+$42,757"
    assert f.change(5.0, 0.0, "count") == "+5"
    assert f.change(110.0, 100.0, "count") == "+10.0%"
    assert f.change(0.25, 0.2, "percent") == "+5.0 pp"
    tr = Formatter(Translator("tr", "tr_TR"), "TRY")
    assert tr.change(0.25, 0.2, "percent") == "+5,0 puan"
    assert tr.value(7500.0, "duration") == "2sa 05dk"


def test_email_leaves_out_the_table_of_every_kpi(report, page):
    html, _ = render_email_html(report, Config(), GENERATED)
    assert "All KPIs" in page and "All KPIs" not in html
    assert "is attached" in html and "is attached" not in page




@pytest.mark.slow
@pytest.mark.skipif(not any(SAMPLES.glob("*.xlsx")), reason="sample workbooks not generated")
def test_sample_company_email_fits_under_gmails_clip_limit():
    """Gmail hides everything after the first 102 KB of an HTML part behind "View entire message"."""
    r = sample_report()
    html, images = render_email_html(r, Config(), GENERATED)
    assert len(html.encode("utf-8")) < 100_000
    assert len(images) >= 2
    assert "<script" not in html and not re.search(r"https?://", html)
