"""Message catalogs (one file per language, complete) and locale formats (babel patterns, translated words)."""

from __future__ import annotations

import re
import string

import pytest

from kpireport.catalog import default_catalog
from kpireport.config import Config, load_config
from kpireport.errors import ConfigError
from kpireport.i18n import Translator, default_locale, is_rtl, language_of, languages, messages
from kpireport.render.formats import (
    excel_currency,
    excel_percent,
    format_change,
    format_value,
    percent_pattern,
    percent_text,
    unit_formats,
)
from kpireport.resources import data_file
from kpireport.schema import default_schema


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_one_file_per_language_and_nothing_else():
    folder = data_file("messages")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "en.yaml", "fa.yaml", "sl.yaml", "tr.yaml"]
    assert languages() == ("en", "fa", "sl", "tr")
    assert [default_locale(lang) for lang in languages()] == ["en_US", "fa_IR", "sl_SI", "tr_TR"]


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_every_catalog_text_is_in_every_language(lang):
    """Every KPI's name, description and guidance and every category and measure label, translated:
    present, not empty and not the English text left in place."""
    catalog = default_catalog()
    texts = [(f"category {cid}", c.name) for cid, c in catalog.categories.items()]
    texts += [(f"measure {mid}", m.label) for mid, m in catalog.measures.items()]
    for kid, k in catalog.kpis.items():
        texts += [(f"kpi {kid} name", k.name), (f"kpi {kid} description", k.description),
                  (f"kpi {kid} guidance", k.guidance)]
    assert len(texts) > 3 * len(catalog.kpis)
    for where, text in texts:
        assert text.get(lang, "").strip(), f"{lang}: {where} is missing"
        assert text[lang] != text["en"] or len(text["en"]) <= 4, f"{lang}: {where} is still English"


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_every_language_has_exactly_the_english_keys_and_placeholders(lang):
    en, other = messages("en"), messages(lang)
    assert set(en) == set(other), (sorted(set(en) - set(other))[:20], sorted(set(other) - set(en))[:20])
    for key, text in en.items():
        assert _fields(text) == _fields(other[key]), key
        assert other[key].strip() or not text.strip(), f"{lang}: {key} is empty"


@pytest.mark.parametrize("lang", languages())
def test_every_breakdown_and_table_has_its_words(lang):
    t = Translator(lang, default_locale(lang))
    catalog = default_catalog()
    dims = {b for k in catalog.kpis.values() for b in k.breakdowns} | set(default_schema().dimensions)
    for dim in sorted(dims):
        assert f"dimension.{dim}" in t.messages, dim
        assert f"html.breakdowns.by.{dim}" in t.messages, dim
    for spec in default_schema().template_tables():  # the tables the blank input workbook has
        assert f"template.tables.{spec.name}.sheet" in t.messages
        assert f"template.tables.{spec.name}.row" in t.messages
        for c in spec.columns:
            assert f"template.columns.{spec.name}.{c.name}" in t.messages, (spec.name, c.name)
    for unit in ("count", "percent", "currency", "duration", "days", "score", "ratio"):
        assert f"unit.{unit}" in t.messages and f"template.target_as.{unit}" in t.messages


def test_missing_key_raises_and_get_falls_back():
    t = Translator("tr", "tr_TR")
    with pytest.raises(KeyError, match="missing for language 'tr'"):
        t("workbook.no_such_label")
    assert t.get("workbook.no_such_label", "x") == "x"
    assert t.get("status.on_track") == "Hedefte"


def test_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError):
        messages("xx")
    with pytest.raises(ConfigError):
        messages("../etc")
    assert language_of("tr_TR") == "tr" and language_of("de_DE") == "en" and language_of("en-GB") == "en"


def test_config_language_picks_its_default_locale(tmp_path):
    cfg = tmp_path / "k.yaml"
    cfg.write_text("language: tr\n", encoding="utf-8")
    config = load_config(cfg)
    assert (config.language, config.locale, config.decimal) == ("tr", "tr_TR", ",")


# -- formats ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "percent", "signed", "money", "small_money"), [
    ("en_US", "12.3%", "+4.0%", "$44,366", "$12.50"),
    ("tr_TR", "%12,3", "+%4,0", "₺44.366", "₺12,50"),
    ("de_DE", "12,3\u00a0%", "+4,0\u00a0%", "44.366\u00a0€", "12,50\u00a0€"),
])
def test_percent_and_money_follow_the_locale_pattern(locale, percent, signed, money, small_money):
    currency = {"en_US": "USD", "tr_TR": "TRY", "de_DE": "EUR"}[locale]
    assert percent_text(0.1234, locale) == percent
    assert format_value(0.1234, "percent", currency, locale) == percent
    assert format_change(4.0, "currency", 0.04, locale, currency) == signed
    assert format_value(44366.2, "currency", currency, locale) == money
    assert format_value(12.5, "currency", currency, locale) == small_money


def test_turkish_percent_sign_comes_first_as_babel_says():
    from babel import Locale

    assert Locale.parse("tr_TR").percent_formats[None].pattern.startswith("%")
    assert percent_pattern("tr_TR") == "%#,##0.0"
    assert percent_text(-0.05, "tr_TR") == "-%5,0"


def test_words_come_from_the_translator_not_english_constants():
    assert format_change(0.05, "percent", None, "tr_TR") == "+5,0 puan"
    assert format_change(0.05, "percent", None, "en_US") == "+5.0 pp"
    assert format_value(7500, "duration", "TRY", "tr_TR") == "2sa 05dk"
    assert format_value(7500, "duration", "USD", "en_US") == "2h 05min"
    assert format_value(3.5, "days", "TRY", "tr_TR") == "3,5 gün"
    assert format_value(3.5, "days", "USD", "en_US") == "3.5 days"
    # An explicit translator wins over the locale's language.
    assert format_change(0.05, "percent", None, "en_US", t=Translator("tr", "en_US")) == "+5.0 puan"


def test_excel_formats_per_locale():
    assert excel_percent("en_US") == "0.0%"
    assert excel_percent("tr_TR") == "%0.0"
    assert excel_currency("TRY", "tr_TR") == '"₺"#,##0'
    assert excel_currency("USD", "en_US") == '"$"#,##0'
    assert excel_currency("EUR", "de_DE") == '#,##0"\u00a0€"'
    tr = unit_formats("TRY", "tr_TR")
    assert tr["percent"].excel == "%0.0"
    assert tr["duration"].excel == '[h]"sa" mm"dk"'
    assert tr["days"].excel == '0.0" gün"'
    assert unit_formats("USD", "en_US")["duration"].excel == '[h]"h" mm"min"'


def test_translator_periods_in_turkish():
    import pandas as pd

    t = Translator("tr", "tr_TR")
    assert t.period(pd.Period("2026-10", "M")) == "Ekim 2026"
    assert t.period(pd.Period("2026Q3", "Q-DEC")) == "2026 3. Çeyrek"
    assert re.fullmatch(r"\d{1,2} Kasım 2026", t.date(pd.Timestamp("2026-11-03").date()))
    assert Config().language == "en"


# -- Persian and Slovenian ------------------------------------------------------------------------

@pytest.mark.parametrize(("locale", "currency", "expected"), [
    # babel says fa_IR writes Extended Arabic-Indic digits with ٫ (decimal), ٬ (group) and ٪ after the number.
    # Its signs carry a left-to-right mark (U+200E) so they stay beside the number in RTL text.
    ("fa_IR", "IRR", {"percent": "۱۲٫۳٪", "negative": "\u200e−۵٫۰٪", "money": "\u200eریال\u00a0۴۴٬۳۶۶",
                      "count": "۱٬۲۳۴", "days": "۳٫۵ روز", "duration": "۲ ساعت ۰۵ دقیقه",
                      "pp": "\u200e+۵٫۰ واحد درصد", "change": "\u200e+۴٫۰٪"}),
    ("sl_SI", "EUR", {"percent": "12,3\u00a0%", "negative": "-5,0\u00a0%", "money": "44.366\u00a0€",
                      "count": "1.234", "days": "3,5 dni", "duration": "2h 05min",
                      "pp": "+5,0 o. t.", "change": "+4,0\u00a0%"}),
])
def test_persian_and_slovenian_values(locale, currency, expected):
    assert percent_text(0.1234, locale) == expected["percent"]
    assert percent_text(-0.05, locale) == expected["negative"]
    assert format_value(44366.2, "currency", currency, locale) == expected["money"]
    assert format_value(1234, "count", currency, locale) == expected["count"]
    assert format_value(3.5, "days", currency, locale) == expected["days"]
    assert format_value(7500, "duration", currency, locale) == expected["duration"]
    assert format_change(0.05, "percent", None, locale) == expected["pp"]
    assert format_change(4.0, "currency", 0.04, locale, currency) == expected["change"]


@pytest.mark.parametrize(("lang", "locale", "month", "quarter", "short", "date", "count"), [
    ("fa", "fa_IR", "اکتبر ۲۰۲۶", "فصل ۳ ۲۰۲۶", "اکتبر ۲۶", "۳ نوامبر ۲۰۲۶", "وضعیت ۱۲ شاخصی که هدف دارند."),
    ("sl", "sl_SI", "oktober 2026", "3. četrtletje 2026", "okt. 26", "3. november 2026",
     "Stanje kazalnikov s ciljem (število: 12)."),
])
def test_persian_and_slovenian_periods(lang, locale, month, quarter, short, date, count):
    import pandas as pd
    from babel.dates import get_month_names

    t = Translator(lang, locale)
    assert t.period(pd.Period("2026-10", "M")) == month
    assert get_month_names("wide", "stand-alone", locale)[10] in month  # the month name is babel's, not typed
    assert t.period(pd.Period("2026Q3", "Q-DEC")) == quarter
    assert t.period_short(pd.Period("2026-10", "M")) == short
    assert t.date(pd.Timestamp("2026-11-03").date()) == date
    assert t("html.counts.of_total", count=12) == count


@pytest.mark.parametrize(("lang", "rtl"), [("en", False), ("tr", False), ("sl", False), ("fa", True)])
def test_right_to_left_comes_from_babel(lang, rtl):
    assert is_rtl(lang) is rtl and Translator(lang, default_locale(lang)).rtl is rtl


def test_persian_excel_formats_keep_numbers_numbers():
    fa = unit_formats("IRR", "fa_IR")
    assert fa["percent"].excel == "0.0%"  # Excel shows the digits of the reader's system
    assert fa["duration"].excel == '[h]"ساعت" mm"دقیقه"'
    assert fa["days"].excel == '0.0" روز"'


@pytest.mark.parametrize("lang", ["fa", "sl"])
def test_config_takes_persian_and_slovenian(tmp_path, lang):
    cfg = tmp_path / "k.yaml"
    cfg.write_text(f"language: {lang}\n", encoding="utf-8")
    config = load_config(cfg)
    assert (config.language, config.locale) == (lang, {"fa": "fa_IR", "sl": "sl_SI"}[lang])
