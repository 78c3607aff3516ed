"""The Turkish, Persian and Slovenian reports end to end: no message key and no English label in
the workbook, the HTML or the e-mail; the language's number, currency and date formats in all
three; Persian right to left (dir="rtl" on the page, sheets right to left) with Persian digits.

"English label" means any English message (en.yaml) or English catalog text (KPI names,
descriptions, guidance, measure labels, category names) that differs from its version in the
report's language. User data stays as it was typed (sheet and header names of the sample files, region
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
from kpireport.render.html import render_html
from kpireport.render.workbook import render_workbook

from .conftest import SAMPLES, sample_report

CONFIGS = {"tr": Config(language="tr", locale="tr_TR", currency="TRY"),
           "fa": Config(language="fa", locale="fa_IR", currency="IRR"),
           "sl": Config(language="sl", locale="sl_SI", currency="EUR")}
GENERATED = dt.date(2026, 11, 3)
KEY = re.compile(r"(?<![\w.-])(?:workbook|html|template|kpis|status|unit|dimension|grain|period)"
                 r"\.[a-z_]+(?:\.[a-z_]+)*")


def _visible(page: str) -> str:
    page = re.sub(r"(?is)<(style|script|head)\b.*?</\1>", " ", page)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def outputs(request):
    config = CONFIGS[request.param]
    report = sample_report(config)
    workbook = render_workbook(report, config, GENERATED)
    page = render_html(report, config, GENERATED)
    msg = message_from_bytes(message_bytes(build_message(report, config, GENERATED, workbook, "rapor.xlsx")),
                             policy=policy.default)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines and x14 formats openpyxl does not read
        wb = openpyxl.load_workbook(io.BytesIO(workbook))
    cells = [(ws.title, c.coordinate, c.value, c.number_format) for ws in wb.worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    return {
        "lang": request.param,
        "rtl": {ws.title: bool(ws.sheet_view.rightToLeft) for ws in wb.worksheets},
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
def _english_labels(lang: str) -> dict[str, str]:
    """English text that has a different version in `lang`, by where it comes from."""
    en, tr = messages("en"), messages(lang)
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
            if d.get("en") and d.get("en") != d.get(lang):
                labels[d["en"]] = f"kpi {k.id}.{field}"
    for m in cat.measures.values():
        if m.label.get("en") != m.label.get(lang):
            labels[m.label["en"]] = f"measure {m.id}"
    for c in cat.categories.values():
        if c.name.get("en") != c.name.get(lang):
            labels[c.name["en"]] = f"category {c.id}"
    # Words the language shares with English (Hashtag, Platform, NPS) are not English left behind.
    own = " ".join([*tr.values(), *(t for k in cat.kpis.values() for t in (k.name.get(lang, ""),
                                                                           k.description.get(lang, ""),
                                                                           k.guidance.get(lang, ""))),
                    *(m.label.get(lang, "") for m in cat.measures.values()),
                    *(c.name.get(lang, "") for c in cat.categories.values())])
    user = _user_words()
    return {chunk: where for chunk, where in labels.items() if chunk not in own and chunk not in user}


def _found(chunk: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(chunk) + r"(?!\w)", text) is not None


def test_no_message_key_anywhere(outputs):
    texts = [v for _, _, v, _ in outputs["cells"] if isinstance(v, str) and not v.startswith("=")]
    for name in ("html", "email_text", "email_html", "subject"):
        texts.append(_visible(outputs[name]) if "html" in name else outputs[name])
    for text in [*texts, *outputs["sheets"]]:
        assert not KEY.search(text), KEY.search(text).group()


def test_no_english_label_in_the_workbook(outputs):
    english = _english_labels(outputs["lang"])
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
    left = [(where, chunk) for chunk, where in _english_labels(outputs["lang"]).items() if _found(chunk, text)]
    assert not left, left[:10]


# What each language's report must show: its month name (babel's), money, decimals, percent and
# percentage points, and the money, percent and hour words in the workbook's number formats.
FORMATS = {
    "tr": {"month": "Ekim 2026", "money": r"₺\d{1,3}(\.\d{3})+", "decimal": r"\d+,\d", "percent": r"%\d+,\d",
           "pp": r"\d puan", "symbol": "₺", "percent_format": "%0.0", "hours": '"sa"'},
    "fa": {"month": "اکتبر ۲۰۲۶", "money": r"ریال\xa0[۰-۹]{1,3}(٬[۰-۹]{3})+", "decimal": r"[۰-۹]+٫[۰-۹]",
           "percent": r"[۰-۹]+٫[۰-۹]٪", "pp": r"[۰-۹] واحد درصد", "symbol": "ریال", "percent_format": "0.0%",
           "hours": '"ساعت"'},
    "sl": {"month": "oktober 2026", "money": r"\d{1,3}(\.\d{3})+\xa0€", "decimal": r"\d+,\d",
           "percent": r"\d+,\d\xa0%", "pp": r"\d o\. t\.", "symbol": "€", "percent_format": '0.0"\xa0"%',
           "hours": '"h"'},
}


def test_formats_in_the_workbook(outputs):
    want = FORMATS[outputs["lang"]]
    cells = outputs["cells"]
    strings = {v for _, _, v, _ in cells if isinstance(v, str)}
    assert want["month"] in strings
    formats = {f for _, _, v, f in cells if isinstance(v, int | float)}
    assert any(want["symbol"] in f for f in formats), "the currency in the money formats"
    assert want["percent_format"] in formats, sorted(f for f in formats if "%" in f)
    assert any(want["hours"] in f for f in formats) or not any("[h]" in f for f in formats), "hours in the language"


@pytest.mark.parametrize("part", ["html", "email_text", "email_html"])
def test_formats_in_the_html_and_email(outputs, part):
    want = FORMATS[outputs["lang"]]
    text = outputs[part] if part == "email_text" else _visible(outputs[part])
    for what in ("money", "decimal", "percent", "pp"):
        assert re.search(want[what], text), what
    assert want["month"] in text and want["month"] in outputs["subject"]
    assert not re.search(r"\$\d", text)


def test_persian_digits_and_right_to_left(outputs):
    """Persian: every sheet right to left, the page and e-mail dir="rtl" lang="fa", and the report's own
    numbers (tiles, counts, dates) in Persian digits; other languages left to right."""
    rtl = outputs["lang"] == "fa"
    assert set(outputs["rtl"].values()) == {rtl}
    for part in ("html", "email_html"):
        assert re.search(r'<html[^>]*\blang="{}"'.format(outputs["lang"]), outputs[part])
        assert bool(re.search(r'<html[^>]*\bdir="rtl"', outputs[part])) is rtl
        assert bool(re.search(r'<body[^>]*\bdir="rtl"', outputs[part])) is rtl
    if not rtl:
        return
    text = _visible(outputs["html"])
    tiles = re.findall(r'class="tile-value"[^>]*>([^<]*)<', outputs["html"])
    counts = re.findall(r'class="count-num"[^>]*>([^<]*)<', outputs["html"])
    assert tiles and counts
    for value in tiles + counts:
        assert re.search(r"[۰-۹]", value) and not re.search(r"[0-9]", value), value
    assert "۲۰۲۶" in outputs["subject"] and "2026" not in outputs["subject"]
    assert not re.search(r"[0-9]", outputs["email_text"].split("\n", 1)[0])
    assert "۳ نوامبر ۲۰۲۶" in text  # the generated date


def test_kpi_names_come_from_the_catalog_in_the_language(outputs):
    cat = default_catalog()
    text = _visible(outputs["html"])
    for kid in ("revenue", "churn_rate", "nps"):
        name = cat.kpis[kid].name[outputs["lang"]]
        assert name != cat.kpis[kid].name["en"] and name in text, kid
