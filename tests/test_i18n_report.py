"""The Turkish report end to end: no message key and no English label in the workbook, the HTML
or the e-mail; Turkish number, currency and date formats in all three.

"English label" means any English message (en.yaml) or English catalog text (KPI names,
descriptions, guidance, measure labels, category names) that differs from its Turkish
version. User data stays as it was typed (sheet and header names of the sample files, region
and team names, OKR texts), so words that occur in the input are not counted.
"""

from __future__ import annotations

import datetime as dt
import functools
import html as htmllib
import io
import re
import warnings
from email import message_from_bytes, policy

import openpyxl
import pytest

from kpireport.catalog import default_catalog
from kpireport.config import Config
from kpireport.deliver.email import build_message, message_bytes
from kpireport.i18n import messages
from kpireport.pipeline import run
from kpireport.render.html import render_html
from kpireport.render.workbook import render_workbook

from .conftest import SAMPLES

TR = Config(language="tr", locale="tr_TR", currency="TRY")
GENERATED = dt.date(2026, 11, 3)
KEY = re.compile(r"(?<![\w.-])(?:workbook|html|template|kpis|status|unit|dimension|grain|period)"
                 r"\.[a-z_]+(?:\.[a-z_]+)*")


def _visible(page: str) -> str:
    page = re.sub(r"(?is)<(style|script|head)\b.*?</\1>", " ", page)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def outputs():
    report = run([SAMPLES], TR)
    workbook = render_workbook(report, TR, GENERATED)
    page = render_html(report, TR, GENERATED)
    msg = message_from_bytes(message_bytes(build_message(report, TR, GENERATED, workbook, "rapor.xlsx")),
                             policy=policy.default)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines and x14 formats openpyxl does not read
        wb = openpyxl.load_workbook(io.BytesIO(workbook))
    cells = [(ws.title, c.coordinate, c.value, c.number_format) for ws in wb.worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    return {
        "report": report,
        "sheets": wb.sheetnames,
        "cells": cells,
        "html": page,
        "email_text": msg.get_body(preferencelist=("plain",)).get_content(),
        "email_html": msg.get_body(preferencelist=("html",)).get_content(),
        "subject": str(msg["Subject"]),
    }


def _user_words() -> set[str]:
    """Everything the sample input itself contains: file, sheet and header names, text values."""
    from kpireport.read import read_inputs

    words: set[str] = set()
    for sheet in read_inputs([SAMPLES]):
        words |= {sheet.file, sheet.sheet}
        for row in sheet.rows:
            words |= {str(v).strip() for v in row if isinstance(v, str)}
    return words


@functools.cache
def _english_labels() -> dict[str, str]:
    """English text that has a different Turkish version, by where it comes from."""
    en, tr = messages("en"), messages("tr")
    labels: dict[str, str] = {}
    for key, value in en.items():
        if key.startswith("meta.") or tr.get(key) == value:
            continue
        for chunk in re.split(r"\{[^}]*\}", value):
            chunk = chunk.strip(" .,:;()–-·\"'")
            if len(chunk) >= 4 and re.search(r"[A-Za-z]{3}", chunk):
                labels[chunk] = key
    cat = default_catalog()
    for k in cat.kpis.values():
        for field in ("name", "description", "guidance"):
            d = getattr(k, field)
            if d.get("en") and d.get("en") != d.get("tr"):
                labels[d["en"]] = f"kpi {k.id}.{field}"
    for m in cat.measures.values():
        if m.label.get("en") != m.label.get("tr"):
            labels[m.label["en"]] = f"measure {m.id}"
    for c in cat.categories.values():
        if c.name.get("en") != c.name.get("tr"):
            labels[c.name["en"]] = f"category {c.id}"
    # Words Turkish shares with English (Hashtag, Platform, NPS) are not English left behind.
    turkish = " ".join([*tr.values(), *(t for k in cat.kpis.values() for t in (k.name.get("tr", ""),
                                                                               k.description.get("tr", ""),
                                                                               k.guidance.get("tr", ""))),
                        *(m.label.get("tr", "") for m in cat.measures.values()),
                        *(c.name.get("tr", "") for c in cat.categories.values())])
    user = _user_words()
    return {chunk: where for chunk, where in labels.items() if chunk not in turkish and chunk not in user}


def _found(chunk: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(chunk) + r"(?!\w)", text) is not None


def test_no_message_key_anywhere(outputs):
    texts = [v for _, _, v, _ in outputs["cells"] if isinstance(v, str) and not v.startswith("=")]
    for name in ("html", "email_text", "email_html", "subject"):
        texts.append(_visible(outputs[name]) if "html" in name else outputs[name])
    for text in [*texts, *outputs["sheets"]]:
        assert not KEY.search(text), KEY.search(text).group()


def test_no_english_label_in_the_workbook(outputs):
    english = _english_labels()
    assert len(english) > 200  # the check has teeth
    strings = {v for _, _, v, _ in outputs["cells"] if isinstance(v, str) and not v.startswith("=")}
    strings |= set(outputs["sheets"])
    joined = "\n\x00\n".join(sorted(strings))
    left = [(where, chunk) for chunk, where in english.items()
            if chunk in strings or (len(chunk) >= 12 and _found(chunk, joined))]
    assert not left, left[:10]


@pytest.mark.parametrize("part", ["html", "email_text", "email_html"])
def test_no_english_label_in_the_html_and_email(outputs, part):
    text = outputs[part] if part == "email_text" else _visible(outputs[part])
    left = [(where, chunk) for chunk, where in _english_labels().items() if _found(chunk, text)]
    assert not left, left[:10]


def test_turkish_formats_in_the_workbook(outputs):
    cells = outputs["cells"]
    strings = {v for _, _, v, _ in cells if isinstance(v, str)}
    assert "Ekim 2026" in strings
    formats = {f for _, _, v, f in cells if isinstance(v, int | float)}
    assert any("₺" in f for f in formats), "Turkish lira in the money formats"
    assert any(f.startswith("%") for f in formats), "percent sign first, as Turkish writes it: %0.0"
    assert any('"sa"' in f for f in formats) or not any("[h]" in f for f in formats), "hours as sa"


@pytest.mark.parametrize("part", ["html", "email_text", "email_html"])
def test_turkish_formats_in_the_html_and_email(outputs, part):
    text = outputs[part] if part == "email_text" else _visible(outputs[part])
    assert "Ekim 2026" in text
    assert re.search(r"₺\d{1,3}(\.\d{3})+", text), "money as ₺44.366"
    assert re.search(r"\d+,\d", text), "decimal comma"
    assert re.search(r"%\d+,\d", text), "percent as %12,3"
    assert re.search(r"\d puan", text), "percentage points in Turkish"
    assert not re.search(r"\$\d", text)
    assert "Ekim 2026" in outputs["subject"]
