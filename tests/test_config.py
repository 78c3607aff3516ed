"""The config file: every key validated, every error naming the file and the key; targets, bands
and hidden KPIs; `kpireport init`'s commented file covers every key and loads."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kpireport.catalog import load_catalog
from kpireport.cli.init import config_text
from kpireport.config import KEYS, Config, apply_target_overrides, load_config
from kpireport.errors import CatalogError, ConfigError


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "kpireport.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(("text", "key", "words"), [
    ("curency: USD", "curency", "Did you mean 'currency'"),
    ("password: hunter2", "password", "KPIREPORT_SMTP_PASSWORD"),
    ("email: {host: smtp.example.com, password: x}", "email.password", "environment"),
    ("email: {host: smtp.example.com, user: me}", "email.user", "KPIREPORT_SMTP_USER"),
    ("email: {hots: smtp.example.com}", "email.hots", "Did you mean 'host'"),
    ("email: {port: lots}", "email.port", "not a port"),
    ("email: {security: tls}", "email.security", "starttls"),
    ("email: {recipients: [ceo]}", "email.recipients[0]", "not an e-mail address"),
    ("email: {sender: 'no address'}", "email.sender", "not an e-mail address"),
    ("currency: dollars", "currency", "3-letter"),
    ("language: de", "language", "de.yaml"),
    ("locale: xx_YY", "locale", "not a locale"),
    ("fiscal_year_start: 13", "fiscal_year_start", "1-12"),
    ("grain: week", "grain", "month, quarter or year"),
    ("decimal: ';'", "decimal", "'.' or ','"),
    ("day_first: maybe", "day_first", "true or false"),
    ("company: [a, b]", "company", "must be text"),
    ("mapping: {sheets: {Sheet1: ordrs}}", "mapping.sheets.Sheet1", "Did you mean 'orders'"),
    ("mapping: {columns: {orders: {Belegdatum: order_dat}}}", "mapping.columns.orders.Belegdatum", "order_date"),
    ("mapping: {tables: {}}", "mapping.tables", "sheets"),
    ("hide: [revenu]", "hide[0]", "Did you mean 'revenue'"),
    ("hide: 3", "hide", "list of KPI ids"),
    ("bands: {revenue: 2}", "bands.revenue", "between 0 and 1"),
    ("bands: {nope_kpi: 0.1}", "bands.nope_kpi", "not a KPI id"),
    ("targets: {revenue: {October: 5}}", "targets.revenue.October", "not a period"),
    ("targets: {revenue: {2026-10: many}}", "targets.revenue.2026-10", "not a number"),
    ("targets: {revenu: {2026-10: 5}}", "targets.revenu", "Did you mean 'revenue'"),
    ("targets: {revenue: 5}", "targets.revenue", "periods to targets"),
    ("templates: no_such_folder", "templates", "does not exist"),
    ("kpis: [ces]", "kpis", "must map ids"),
])
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, key: str, words: str):
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text + "\n")
    line = err.value.one_line()
    assert str(tmp_path / "kpireport.yaml") in line
    assert f"key {key!r}" in line, line
    assert words in line, line
    assert "\n" not in line


@pytest.mark.parametrize(("text", "where"), [
    # line:column of the offending value (of the key for an unknown key or a secret), 1-based
    ("company: Acme\nemail:\n  host: smtp.example.com\n  port: abc\n", "4:9: key 'email.port'"),
    ("# a comment\n\ncurency: USD\n", "3:1: key 'curency'"),
    ("email:\n  host: smtp.example.com\n  password: x\n", "3:3: key 'email.password'"),
    ("hide:\n  - revenue\n  - revenu\n", "3:5: key 'hide[1]'"),
    ("hide: [revenue, revenu]\n", "1:17: key 'hide[1]'"),
    ("targets:\n  revenue:\n    2026-10: many\n", "3:14: key 'targets.revenue.2026-10'"),
    ("mapping:\n  columns:\n    orders: {Belegdatum: order_dat}\n", "3:26: key 'mapping.columns.orders.Belegdatum'"),
    ("language: en\nfiscal_year_start: 13\n", "2:20: key 'fiscal_year_start'"),
    ("bands: {revenue: 2}\n", "1:18: key 'bands.revenue'"),
])
def test_errors_name_the_line_and_column(tmp_path: Path, text: str, where: str):
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert err.value.one_line().startswith(f"{tmp_path / 'kpireport.yaml'}:{where}: "), err.value.one_line()


def test_unreadable_files(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d+"):
        load_config(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key: value"):
        load_config(bad)
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)


def test_catalog_changes_are_checked_when_the_config_loads(tmp_path: Path):
    with pytest.raises(CatalogError, match=r"kpireport.yaml: KPI 'revenue': key 'direction'"):
        _load(tmp_path, "kpis: {revenue: {direction: up}}\n")


def test_targets_bands_and_hidden(tmp_path: Path):
    config = _load(tmp_path, """\
hide: [sms_sent, app_downloads]
bands: {revenue: 3%, csat: 0.02}
targets:
  revenue: {2026-10: 380000, 2026-Q4: "1.15e6", 2026: 4500000}
  churn_rate: {2026-10-01: 2%}
""")
    assert config.hidden == ("sms_sent", "app_downloads")
    assert config.target_overrides == (("revenue", "2026-10", 380000.0), ("revenue", "2026-Q4", 1150000.0),
                                       ("revenue", "2026", 4500000.0), ("churn_rate", "2026-10", 0.02))
    catalog = load_catalog(list(config.catalog_layers))
    assert catalog.kpis["sms_sent"].hidden and catalog.kpis["app_downloads"].hidden
    assert not catalog.kpis["revenue"].hidden
    assert catalog.kpis["revenue"].tolerance == pytest.approx(0.03)
    assert catalog.kpis["csat"].tolerance == pytest.approx(0.02)


def test_fiscal_years_and_user_kpis_in_targets(tmp_path: Path):
    config = _load(tmp_path, """\
fiscal_year_start: 4
kpis:
  my_kpi: {name: Mine, category: sales, unit: count, direction: higher, formula: order_count}
targets: {my_kpi: {2026: 10}}
hide: [my_kpi]
""")
    assert config.target_overrides == (("my_kpi", "2026", 10.0),)
    assert load_catalog(list(config.catalog_layers)).kpis["my_kpi"].hidden


def test_email_settings(tmp_path: Path):
    config = _load(tmp_path, """\
email:
  host: smtp.example.com
  security: ssl
  sender: "KPI reports <kpi@example.com>"
  recipients: "a@example.com, Ayşe Demir <ayse@example.com>"
  subject: "KPIs {period}"
""")
    assert config.email.port == 465
    assert config.email.recipients == ("a@example.com", "Ayşe Demir <ayse@example.com>")


def test_target_overrides_merge_over_the_targets_table():
    table = pd.DataFrame({
        "kpi": ["revenue", "revenue", "revenue", "revenue", "operating_expenses"],
        "period": ["2026-10", "2026-10", "2026-11", "2026-10", "2026-10"],
        "target": [300000.0, 100000.0, 310000.0, 290000.0, 5.0],
        "dimension": ["", "region", "", "", ""],
        "member": ["", "North", "", "", ""],
        "kind": ["target", "target", "target", "budget", "target"],
    })
    merged = apply_target_overrides(table, (("revenue", "2026-10", 380000.0),))
    rows = {(r.kpi, r.period, r.dimension, r.kind): r.target for r in merged.itertuples()}
    assert rows[("revenue", "2026-10", "", "target")] == 380000.0  # replaced
    assert rows[("revenue", "2026-10", "region", "target")] == 100000.0  # member targets stay
    assert rows[("revenue", "2026-10", "", "budget")] == 290000.0  # budgets stay
    assert rows[("revenue", "2026-11", "", "target")] == 310000.0
    assert len(merged) == len(table)
    assert apply_target_overrides(table, ()) is table
    alone = apply_target_overrides(None, (("revenue", "2026", 1.0),))
    assert list(alone["kpi"]) == ["revenue"] and list(alone["period"]) == ["2026"]


def test_init_template_explains_every_key_and_loads(tmp_path: Path):
    text = config_text("kpireport.yaml", 'Kuzey "Rüzgârı" A.Ş.', "TRY", "tr")
    for written in (text, config_text()):  # with a company and currency, and without (commented out)
        for key in KEYS:
            assert re.search(rf"^#? ?{key}:", written, re.M), key
    config = _load(tmp_path, text)
    assert (config.company, config.currency, config.language, config.locale) == \
        ('Kuzey "Rüzgârı" A.Ş.', "TRY", "tr", "tr_TR")
    # Every commented example, uncommented, is a valid config too.
    active = re.sub(r"^# ?(?=[a-z ]*[a-z_]+:)", "", text, flags=re.M)
    active = "\n".join(line for line in active.splitlines()
                       if not line.startswith(("# The SMTP", "# KPIREPORT")) and "templates:" not in line)
    config = _load(tmp_path, active)
    assert config.email.host == "smtp.example.com"
    assert config.hidden == ("sms_sent", "app_downloads")
    assert ("revenue", "2026-Q4", 1150000.0) in config.target_overrides
    assert load_catalog(list(config.catalog_layers)).kpis["web_order_share"].unit == "percent"
