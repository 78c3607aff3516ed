"""No fictional defaults: whose report it is and in which currency, the draft .eml, `init`.

The company comes from the config, else the first input workbook's Company (then Title)
property, else is left out of titles; the currency from the config, else the locale's country,
else numbers carry no symbol. A report made from a user's own file names no sample company
anywhere, and the sample exports still give Northwind (their document properties say so).
"""

from __future__ import annotations

import datetime as dt
import email
import json
import random
import zipfile
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpireport.cli import init as init_module
from kpireport.cli import main
from kpireport.config import Config, EmailSettings, load_config, locale_currency
from kpireport.dataset import Dataset
from kpireport.i18n import tidy
from kpireport.pipeline import identity, run
from kpireport.read.docprops import DocumentProperties, first_properties
from kpireport.render.formats import excel_currency, format_value

from .conftest import SAMPLES
from .hostile_corpus import order_rows, write_orders_xlsx

SAMPLE_NAMES = ("Northwind", "northwind")


def _orders(path: Path, properties: dict | None = None) -> Path:
    def props(wb, _ws):
        props = dict(properties or {})
        if "currency" in props:
            wb.set_custom_property("Currency", props.pop("currency"))
        if props:
            wb.set_properties(props)

    write_orders_xlsx(path, order_rows(400, random.Random(3)), extra=props)
    return path


@pytest.mark.parametrize(("files", "want"), [
    ([("a.xlsx", {"company": "Acme Tools GmbH", "title": "Orders"})], ("Acme Tools GmbH", "Orders", "a.xlsx")),
    ([("a.xlsx", {"title": "Kuzey Bisiklet siparişleri"})], ("", "Kuzey Bisiklet siparişleri", "a.xlsx")),
    ([("a.xlsx", None), ("b.xlsx", {"company": "Second Ltd."})], ("Second Ltd.", "", "b.xlsx")),
    ([("a.xlsx", {"company": "First"}), ("b.xlsx", {"company": "Second"})], ("First", "", "a.xlsx")),
    ([("a.xlsx", None)], ("", "", "")),
    ([("a.xlsx", {"company": "  Spaced \n  Name  "})], ("Spaced Name", "", "a.xlsx")),
    ([("a.xlsx", {"company": "Acme", "currency": "eur"})], ("Acme", "", "a.xlsx", "EUR")),
    ([("a.xlsx", {"currency": "CHF"})], ("", "", "a.xlsx", "CHF")),
    ([("a.xlsx", {"company": "Acme", "currency": "Euro"})], ("Acme", "", "a.xlsx", "")),  # not a code: ignored
])
def test_document_properties_of_the_first_workbook_that_has_them(tmp_path, files, want):
    paths = [_orders(tmp_path / name, props) for name, props in files]
    assert first_properties(paths) == DocumentProperties(*want)


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04" + b"\0" * 40])
def test_unreadable_properties_give_no_name(tmp_path, data):
    (tmp_path / "x.xlsx").write_bytes(data)
    assert first_properties([tmp_path / "x.xlsx"]) == DocumentProperties()


@pytest.mark.parametrize(("config", "company", "title", "want"), [
    (Config(company="From Config"), "From Props", "Title", ("From Config", "USD")),
    (Config(currency="GBP"), "", "", ("", "GBP")),
    (Config(), "From Props", "Title", ("From Props", "USD")),
    (Config(), "", "Only A Title", ("Only A Title", "USD")),
    (Config(), "", "", ("", "USD")),
    (Config(currency="EUR"), "", "", ("", "EUR")),
    (Config(language="tr", locale="tr_TR"), "", "", ("", "TRY")),
    (Config(locale="en"), "", "", ("", "")),  # a locale without a country: no currency guessed
])
def test_identity_config_then_document_then_nothing(config, company, title, want):
    assert identity(config, Dataset(company=company, title=title)) == want


@pytest.mark.parametrize(("config", "want"), [(Config(), "CHF"), (Config(language="tr", locale="tr_TR"), "CHF"),
                                              (Config(currency="EUR"), "EUR")])
def test_the_workbooks_currency_property_beats_the_locale_not_the_config(config, want):
    assert identity(config, Dataset(currency="CHF"))[1] == want


@pytest.mark.parametrize(("locale", "want"), [("en_US", "USD"), ("en_GB", "GBP"), ("de_DE", "EUR"),
                                              ("tr_TR", "TRY"), ("en", ""), ("xx_YY", "")])
def test_locale_currency(locale, want):
    assert locale_currency(locale) == want


@pytest.mark.parametrize(("text", "want"), [
    (" KPI report – October 2026", "KPI report – October 2026"),
    ("Acme KPI report – October 2026", "Acme KPI report – October 2026"),
    (" · month · generated 3 Nov", "month · generated 3 Nov"),
    ("a ·  · b", "a · b"),
    ("KPI raporu – Ekim 2026", "KPI raporu – Ekim 2026"),
])
def test_tidy_drops_what_an_empty_name_leaves(text, want):
    assert tidy(text) == want


@pytest.mark.parametrize(("value", "currency", "locale", "want"), [
    (1234.5, "", "en_US", "1,234"), (12.5, "", "en_US", "12.50"), (1234.5, "", "de_DE", "1.234"),
    (1234.5, "USD", "en_US", "$1,234"), (1234.5, "TRY", "tr_TR", "₺1.234"),
])
def test_money_without_a_currency_has_no_symbol(value, currency, locale, want):
    assert format_value(value, "currency", currency, locale) == want


def test_excel_money_format_without_a_currency():
    assert excel_currency("", "en_US") == "#,##0" and excel_currency("", "en_US", 2) == "#,##0.00"
    assert excel_currency("USD", "en_US") == '"$"#,##0'


def _texts_of(folder: Path) -> dict[str, str]:
    """Every text a reader could see in the outputs: each XML part of the workbook, the HTML, the JSON,
    the PDF's text and properties and every decoded part of the .eml."""
    out: dict[str, str] = {}
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    out[f"{path.name}/{name}"] = zf.read(name).decode("utf-8", "replace")
        elif path.suffix == ".eml":
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            out[path.name] = str(msg["Subject"])
            for i, part in enumerate(msg.walk()):
                if part.get_content_maintype() == "text":
                    out[f"{path.name}#{i}"] = part.get_content()
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(path)
            out[path.name] = "\n".join(page.extract_text() for page in reader.pages) + str(reader.metadata)
        else:
            out[path.name] = path.read_text(encoding="utf-8")
    return out


def _generate(tmp_path: Path, inputs: list[Path], *extra: str) -> tuple[Path, str]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", *map(str, inputs), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out, result.stdout


def test_a_report_from_a_users_own_file_shows_no_sample_name_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./kpireport.yaml
    out, stdout = _generate(tmp_path, [_orders(tmp_path / "orders.xlsx")])
    texts = _texts_of(out)
    assert len(texts) > 10
    for where, text in texts.items():
        assert not any(n in text for n in SAMPLE_NAMES), where
    data = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))
    assert (data["company"], data["currency"]) == ("", "USD")
    html = (out / "kpi-report.html").read_text(encoding="utf-8")
    assert "<title>KPI report – " in html and 'class="company"' not in html
    assert stdout.startswith(f"{len(data['kpis'])} KPIs for ")
    assert "kpi-report.eml (a draft: no From or To;" in stdout
    msg = email.message_from_bytes((out / "kpi-report.eml").read_bytes(), policy=policy.default)
    assert msg["From"] is None and msg["To"] is None and msg["X-Unsent"] == "1"
    assert str(msg["Subject"]).startswith("KPI report – ")


def test_the_company_comes_from_the_workbook_properties(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = _orders(tmp_path / "orders.xlsx", {"company": "Acme Tools GmbH"})
    out, stdout = _generate(tmp_path, [src])
    assert stdout.startswith("Acme Tools GmbH: ")
    assert json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))["company"] == "Acme Tools GmbH"
    assert "<title>Acme Tools GmbH KPI report – " in (out / "kpi-report.html").read_text(encoding="utf-8")
    msg = email.message_from_bytes((out / "kpi-report.eml").read_bytes(), policy=policy.default)
    assert str(msg["Subject"]).startswith("Acme Tools GmbH KPI report – ")
    with zipfile.ZipFile(out / "kpi-report.xlsx") as zf:
        assert "<Company>Acme Tools GmbH</Company>" in zf.read("docProps/app.xml").decode()


def test_the_sample_exports_still_name_the_sample_company():
    report = run([SAMPLES / "web_and_social.xlsx"], Config())
    assert (report.company, report.currency) == ("Northwind Outdoor Ltd.", "USD")
    turkish = run([SAMPLES / "web_and_social.xlsx"], Config(language="tr", locale="tr_TR"))
    assert turkish.currency == "USD"  # the sample's money is in dollars (its Currency property), in any locale
    assert run([SAMPLES / "web_and_social.xlsx"], Config(company="Kuzey A.Ş.", currency="TRY")).company == "Kuzey A.Ş."


def test_eml_with_email_settings_is_addressed_not_a_draft(tmp_path, monkeypatch):
    from kpireport.deliver.email import build_message

    report = run([_orders(tmp_path / "orders.xlsx")], Config())
    addressed = Config(email=EmailSettings(host="smtp.example.com", sender="kpi@example.com",
                                           recipients=("boss@example.com",)))
    msg = build_message(report, addressed, dt.date(2026, 11, 3), b"PK", "kpi-report.xlsx")
    assert msg["From"] == "kpi@example.com" and msg["To"] == "boss@example.com" and msg["X-Unsent"] is None


# --- init ----------------------------------------------------------------------------------

def test_init_without_a_terminal_or_flags_writes_no_company_or_currency(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "kpireport.yaml").read_text(encoding="utf-8")
    assert "Northwind" not in text and "\ncompany:" not in text and "\ncurrency:" not in text
    assert "# company: " in text and "# currency: " in text and "(USD)" in text
    config = load_config(tmp_path / "kpireport.yaml")
    assert (config.company, config.currency) == ("", "")


@pytest.mark.parametrize(("args", "answers", "want"), [
    ([], "Acme Tools GmbH\neur\n", ("Acme Tools GmbH", "EUR")),
    ([], "\n\n", ("", "")),  # Enter twice: both left out
    (["--company", "Kuzey A.Ş."], "try\n", ("Kuzey A.Ş.", "TRY")),  # only the currency is asked
    (["--company", "X", "--currency", "GBP"], "", ("X", "GBP")),
])
def test_init_asks_on_a_terminal_for_what_the_flags_do_not_give(tmp_path, monkeypatch, args, answers, want):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(init_module, "_interactive", lambda: True)
    result = CliRunner().invoke(main, ["init", *args], input=answers)
    assert result.exit_code == 0, result.output
    assert result.output.count("(Enter:") == 2 - len(args) // 2  # one question per option not given
    config = load_config(tmp_path / "kpireport.yaml")
    assert (config.company, config.currency) == want


def test_init_refuses_a_bad_currency(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "--company", "X", "--currency", "dollars"])
    assert result.exit_code == 2 and "'dollars' is not a 3-letter currency code" in result.stderr
    assert not (tmp_path / "kpireport.yaml").exists()

