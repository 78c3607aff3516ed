"""The blank input workbook (`kpireport template`): recognised sheet by sheet and header by header,
formatted and validated for the person filling it in, deterministic, and - filled with the
sample company's data - giving exactly the KPIs the sample workbooks give."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.config import Config, locale_currency
from kpireport.i18n import Translator
from kpireport.mapping import map_sheets
from kpireport.problems import ProblemLog
from kpireport.read import read_inputs
from kpireport.schema import default_schema
from kpireport.template import LISTS, build_template, layout

from .conftest import ROOT, sample_report

EN = Config()
TR = Config(language="tr", locale="tr_TR", currency="TRY")
CONFIGS = {"en": EN, "tr": TR, "fa": Config(language="fa", locale="fa_IR", currency="IRR"),
           "sl": Config(language="sl", locale="sl_SI", currency="EUR")}


def _load(data: bytes) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def template(request, tmp_path_factory) -> tuple[Config, Path, bytes]:
    config = CONFIGS[request.param]
    data = build_template(config)
    path = tmp_path_factory.mktemp("template") / f"input-{request.param}.xlsx"
    path.write_bytes(data)
    return config, path, data


def test_same_config_same_bytes(template):
    config, _, data = template
    assert build_template(config) == data


def test_every_sheet_and_header_is_recognised(template):
    config, path, _ = template
    mapped, problems = map_sheets(read_inputs([path]), problems=ProblemLog())
    by_sheet = {m.sheet.sheet: m for m in mapped}
    expected = layout(config)
    assert len(expected) == len(default_schema().template_tables()) == 21  # with payments, campaign responses
    for sheet in expected:
        m = by_sheet[sheet.sheet]
        assert m.table == sheet.table, sheet.sheet
        assert m.header_row == 0
        headers = [h for _, h in sheet.columns]
        got = {headers[j]: col for col, j in m.columns.items()}
        assert got == {h: col for col, h in sheet.columns}, sheet.table
        assert not m.ignored, (sheet.table, m.ignored)
    notes = [p for p in problems if p.severity.value != "info"]
    assert not notes, [p.one_line() for p in notes]
    assert [p.sheet for p in problems] == [Translator(config.language)("template.instructions.sheet")]


def test_instructions_first_then_one_sheet_per_table(template):
    config, _, data = template
    wb = _load(data)
    t = Translator(config.language, config.locale)
    assert wb.sheetnames == [t("template.instructions.sheet"), *(s.sheet for s in layout(config))]
    text = "\n".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value is not None)
    for sheet in layout(config):
        assert sheet.sheet in text
        assert t(f"template.tables.{sheet.table}.row") in text
    revenue = default_catalog().kpis["revenue"].label(config.language)
    assert revenue in text and "churn_rate" in text  # what each table feeds, and the KPI ids for targets
    assert "kpireport generate" in text


def test_formats_and_drop_downs(template):
    config, _, data = template
    wb = _load(data)
    t = Translator(config.language, config.locale)
    sheets = {s.table: s for s in layout(config)}

    def column_letter(table: str, column: str) -> str:
        idx = [c for c, _ in sheets[table].columns].index(column)
        return openpyxl.utils.get_column_letter(idx + 1)

    def validation(table: str, column: str):
        ws = wb[sheets[table].sheet]
        letter = column_letter(table, column)
        found = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2:")]
        assert found, (table, column)
        return found[0]

    for (table, column), (key, _) in LISTS.items():
        dv = validation(table, column)
        assert dv.type == "list"
        words = [w.strip() for w in t(key).split(",")]
        assert dv.formula1 == '"' + ",".join(words) + '"'
    yes_no = f'"{t("template.yes")},{t("template.no")}"'
    for table, column in (("tickets", "resolved"), ("customers", "referred"), ("leads", "qualified")):
        assert validation(table, column).formula1 == yes_no
    assert validation("targets", "dimension").formula1.startswith('"region,')
    assert "!$A$" in validation("targets", "kpi").formula1  # the KPI ids on the Instructions sheet
    assert validation("orders", "order_date").promptTitle

    def number_format(table: str, column: str) -> str:
        ws = wb[sheets[table].sheet]
        index = [c for c, _ in sheets[table].columns].index(column) + 1
        for dim in ws.column_dimensions.values():
            if dim.min and dim.min <= index <= dim.max:
                return dim.number_format
        return "General"

    date_format = number_format("orders", "order_date")
    assert "yyyy" in date_format and ("dd.mm" if config.language == "tr" else "dd") in date_format
    assert "hh:mm" in number_format("tickets", "created_at")
    assert number_format("orders", "order_id") == "@"
    assert number_format("targets", "period") == "@"
    money = number_format("orders", "revenue")
    currency = config.currency or locale_currency(config.locale)
    assert "#,##0.00" in money and {"TRY": "₺", "USD": "$", "IRR": "ریال", "EUR": "€"}[currency] in money


def _kpireport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("kpireport")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kpireport"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def _cells(series: pd.Series, kind: str, yes: str, no: str) -> list[object]:
    """One column as the sample workbooks hold it: real dates, money to the cent, yes/no as words."""
    if kind == "date":
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in series]
    if kind == "bool":
        return [None if pd.isna(v) else (yes if str(v).strip().lower() in ("yes", "true", "1") else no)
                for v in series]
    if kind in ("money", "number", "score"):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        if kind == "money":
            values = np.round(values, 2)
        return [None if v != v else float(v) for v in values.tolist()]
    return [None if pd.isna(v) else str(v) for v in series]


def fill_template(template: Path, out: Path, config: Config, tables: dict[str, pd.DataFrame]) -> None:
    """Write every table under the template's own header row, with openpyxl, and save as `out`."""
    t = Translator(config.language, config.locale)
    yes, no = t("template.yes"), t("template.no")
    schema = default_schema()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(template)
    for sheet in layout(config):
        ws = wb[sheet.sheet]
        header = [c.value for c in ws[1]]
        column_of = {h: col for col, h in sheet.columns}
        df = tables[sheet.table]
        spec = schema.table(sheet.table)
        columns = [_cells(df[column_of[h]], spec.column(column_of[h]).type, yes, no)
                   if column_of.get(h) in df.columns else [None] * len(df) for h in header]
        for row in zip(*columns, strict=True):
            ws.append(row)
        assert [c.value for c in ws[1]] == header
    wb.save(out)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["tr", "fa", "sl"])
def test_filled_template_gives_the_sample_workbooks_kpis(tmp_path: Path, lang: str):
    from kpireport.pipeline import run
    from kpireport.render.json_out import report_dict
    from kpireport.sample import generate_tables

    made = _kpireport("template", "girdi.xlsx", "--lang", lang, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    filled = tmp_path / "doldurulmus.xlsx"
    fill_template(tmp_path / "girdi.xlsx", filled, CONFIGS[lang], generate_tables())
    generated = dt.date(2026, 11, 3)
    ours = report_dict(run([filled], Config()), generated)
    theirs = report_dict(sample_report(), generated)
    for key in ("period", "periods", "grain", "could_not_compute"):
        assert ours[key] == theirs[key], key
    ours_b = {(b["kpi"], b["dimension"]): b for b in ours["breakdowns"]}
    theirs_b = {(b["kpi"], b["dimension"]): b for b in theirs["breakdowns"]}
    assert set(theirs_b) <= set(ours_b)
    for key, b in theirs_b.items():
        assert ours_b[key] == b, key
    # The template has every optional column; those the sample data leaves empty (campaigns by
    # region, say) add breakdowns with a "(blank)" member, and nothing else changes.
    for key in set(ours_b) - set(theirs_b):
        assert "(blank)" in [m["member"] for m in ours_b[key]["members"]], key
    assert set(ours["kpis"]) == set(theirs["kpis"])
    for kid, entry in theirs["kpis"].items():
        assert ours["kpis"][kid] == entry, kid
    assert json.dumps(ours["kpis"], sort_keys=True) == json.dumps(theirs["kpis"], sort_keys=True)
    # only the note that the instructions sheet was not read, and the semantic model's notes of its joins
    assert [p["sheet"] for p in ours["problems"] if p["sheet"]] == [Translator(lang)("template.instructions.sheet")]
    joins = [p for p in ours["problems"] if not p["sheet"]]
    assert all(p["severity"] == "info" and " joined to " in p["reason"] for p in joins), [p["reason"] for p in joins]


@pytest.mark.parametrize(("lang", "word", "kind"), [
    # The words a Persian or Slovenian template offers in its drop-downs are the words kpireport reads.
    ("fa", "template.yes", True), ("fa", "template.no", False),
    ("sl", "template.yes", True), ("sl", "template.no", False),
])
def test_yes_no_words_of_the_template_are_read(lang, word, kind):
    from kpireport.parsing import parse_bool

    assert parse_bool(Translator(lang)(word)) is kind


@pytest.mark.parametrize("lang", ["fa", "sl"])
def test_list_words_of_the_template_reach_the_catalog(lang):
    """Cancelled and returned, won and lost, the campaign channels, marketing and investment, budget:
    each word the template lists is one the catalog's filters (or the targets reader) know."""
    from kpireport.compute.targets import kind_of

    t = Translator(lang)
    measures = default_catalog().measures

    def listed(mid: str) -> set[str]:
        return {str(v) for c in measures[mid].where for v in (c.value if isinstance(c.value, tuple) else ())}

    status = [w.strip() for w in t("template.values.status").split(",")]
    assert not set(status[1:]) - listed("net_sales") and status[0] not in listed("net_sales")
    stage = [w.strip() for w in t("template.values.stage").split(",")]
    assert stage[1] in listed("deals_won") and {stage[1], stage[2]} <= listed("deals_closed")
    channel = [w.strip().lower() for w in t("template.values.channel").split(",")]
    assert channel[0] in listed("emails_sent") and channel[1] in listed("sms_messages_sent")
    assert channel[2] in listed("calls_made")
    category = [w.strip().lower() for w in t("template.values.category").split(",")]
    assert category[0] in listed("marketing_sales_expenses") and category[3] in listed("investment_expenses")
    kinds = [w.strip() for w in t("template.values.kind").split(",")]
    assert [kind_of(k) for k in kinds] == ["target", "budget"]
