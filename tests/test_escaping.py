"""Every string a user controls reaches the outputs as text, never as markup.

One real `kpireport generate` run over input whose every user-provided string is a different
piece of markup: the file name, the sheet name, a column header (mapped by the config), a
region member, the company and a custom KPI's name from the config, and an OKR sheet's
objective and key result. Each payload carries its own number (alert(1) ... alert(8)), so a
missing escape is pinned to its source: removing the escape of, say, the sheet name in the
data-quality list leaves an <img onerror> element in the page and the sheet's payload missing
from the page's visible text, and this test names it.

HTML (the page and the e-mail's HTML part) must show each payload as visible text with no
element made from it; the plain-text part and the PDF must show it exactly as typed (escaped
once for HTML is right, escaped again or entity-coded in plain text is wrong).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent

# Sheet names: at most 31 characters and no "/"; file names: no "/". Hence the <img> form there.
PAYLOADS = {
    "file name": "\"><img src=x onerror=alert(1)>",
    "sheet name": "\"><img src=x onerror=alert(2)>",
    "column name": "<script>alert(3)</script>",
    "region member": "<script>alert(4)</script>",
    "company (config)": "<script>alert(5)</script>",
    "KPI name (config)": "\"><img src=x onerror=alert(6)>",
    "OKR objective": "<script>alert(7)</script>",
    "OKR key result": "\"><img src=x onerror=alert(8)>",
}
# Where each source is shown: the data-quality list names file, sheet and column (one bad cell
# makes it list one); the breakdown tables show members; titles the company; the KPI tables
# the KPI's name; the OKR section its objective and key result. The PDF has no data-quality
# list and no OKR section, so it shows three of them.
IN_HTML = list(PAYLOADS)
IN_TEXT = list(PAYLOADS)
IN_PDF = ["company (config)", "region member", "KPI name (config)"]


def _orders(folder: Path) -> Path:
    path = folder / f"{PAYLOADS['file name']}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(PAYLOADS["sheet name"])
    ws.write_row(0, 0, ["Order Date", PAYLOADS["column name"], "Cost", "Status", "Region"])
    for i in range(60):
        ws.write_datetime(i + 1, 0, dt.datetime(2026, 1 + i // 6, 1 + i % 6 * 4), day)
        ws.write(i + 1, 1, "abc" if i == 7 else 100 + i)   # B9: one bad cell, listed under data quality
        ws.write(i + 1, 2, 50)
        ws.write(i + 1, 3, "completed")
        ws.write(i + 1, 4, PAYLOADS["region member"] if i % 2 else "North")
    okrs = wb.add_worksheet("OKRs")
    okrs.write_row(0, 0, ["Objective", "Key result", "KPI", "Period", "Baseline", "Target"])
    okrs.write_row(1, 0, [PAYLOADS["OKR objective"], PAYLOADS["OKR key result"], "revenue", "2026-Q3", 100, 1000])
    wb.close()
    return path


def _config(folder: Path) -> Path:
    def q(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"
    path = folder / "kpireport.yaml"
    path.write_text(f"""company: {q(PAYLOADS['company (config)'])}
mapping:
  columns: {{orders: {{{q(PAYLOADS['column name'])}: revenue}}}}
targets:                 # far off its target: first on the attention list, which the e-mail shows
  revenue_kept: {{2026-09: 500%, 2026-10: 500%}}
kpis:
  revenue_kept:
    name: {{en: {q(PAYLOADS['KPI name (config)'])}}}
    description: {{en: Revenue over itself.}}
    category: sales
    unit: percent
    direction: higher
    formula: revenue / revenue
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("hostile-names")
    inputs, out = folder / "in", folder / "out"
    inputs.mkdir()
    _orders(inputs)
    config = _config(folder)
    run = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(inputs), "--out", str(out),
                          "--config", str(config), "-q"], capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    message = email.message_from_bytes((out / "kpi-report.eml").read_bytes(), policy=email.policy.default)
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO((out / "kpi-report.pdf").read_bytes()))
    return {
        "html": (out / "kpi-report.html").read_text(encoding="utf-8"),
        "email html": message.get_body(("html",)).get_content(),
        "email text": message.get_body(("plain",)).get_content(),
        "pdf": "\n".join(page.extract_text() for page in pdf.pages),
    }


class _Elements(HTMLParser):
    """The page as a browser sees it: its elements with attributes, and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Elements:
    p = _Elements()
    p.feed(page)
    return p


@pytest.mark.parametrize("output", ["html", "email html"])
def test_no_user_string_becomes_an_element(outputs, output: str) -> None:
    p = _parse(outputs[output])
    scripts = [a for tag, a in p.elements if tag == "script"]
    handlers = [(tag, a) for tag, a in p.elements if any(k.startswith("on") for k in a)]
    assert not scripts and not handlers, (scripts, handlers)


@pytest.mark.parametrize("output", ["html", "email html"])
@pytest.mark.parametrize("source", IN_HTML)
def test_each_user_string_is_shown_as_text_in_html(outputs, output: str, source: str) -> None:
    page = outputs[output]
    payload = PAYLOADS[source]
    text = "".join(_parse(page).text)
    assert payload in text, f"{source} is not shown as text in the {output}"
    assert payload not in page, f"{source} is written unescaped into the {output}"


@pytest.mark.parametrize(("output", "sources"), [("email text", IN_TEXT), ("pdf", IN_PDF)])
def test_plain_outputs_show_user_strings_as_typed(outputs, output: str, sources: list[str]) -> None:
    squeezed = re.sub(r"\s+", "", outputs[output])   # the PDF's text extraction breaks long lines
    for source in sources:
        assert re.sub(r"\s+", "", PAYLOADS[source]) in squeezed, f"{source} is not shown as typed in the {output}"
    for entity in ("&lt;", "&gt;", "&#34;", "&#39;", "&quot;", "&amp;"):
        assert entity not in outputs[output], f"HTML-escaped text in the {output}"
