"""The blank input workbook: one sheet per canonical table, ready to fill in and drop back.

`build_template` writes, from the schema (data/tables.yaml), the KPI catalog and the message
file of the config's language:

- an Instructions sheet first: how to fill it in, one line per sheet (what one row is, the
  required and other columns, the KPIs it feeds), the words kpireport understands in the
  list columns, and the KPI ids the Targets and OKRs sheets take;
- one sheet per table, named and headed in the chosen language with words the mapper
  recognises (a test maps every sheet back), header row 1 with required columns marked;
  date, date-time, money, id and period columns formatted (ids and periods as text, so
  Excel keeps leading zeros and does not turn 2026-10 into a date); drop-down lists on the
  categorical columns (order status, payment, deal stage, campaign channel, expense
  category, target kind and dimension, the KPI of a target) and on yes/no columns, and an
  input message on every column saying what goes in it.

The file depends only on its inputs (fixed creation date; xlsxwriter fixes the zip entry
times), so the same config gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass

import xlsxwriter
from babel.dates import get_date_format

from .catalog import Catalog, load_catalog
from .config import Config, locale_currency
from .i18n import Translator
from .render.formats import excel_currency
from .schema import ColumnSpec, Schema, TableSpec, default_schema

CREATED = dt.datetime(2026, 1, 1)
LAST_ROW = 1_048_575  # validations and formats reach the sheet's last row
HEADER_FILL, REQUIRED_FILL, TITLE_COLOUR = "#DCE6F1", "#FCE4B6", "#1F3864"
# Categorical columns and the message key of their words; `open` lists accept other words too.
LISTS: dict[tuple[str, str], tuple[str, bool]] = {
    ("orders", "status"): ("template.values.status", False),
    ("orders", "payment"): ("template.values.payment", True),
    ("opportunities", "stage"): ("template.values.stage", False),
    ("campaigns", "channel"): ("template.values.channel", True),
    ("expenses", "category"): ("template.values.category", True),
    ("targets", "kind"): ("template.values.kind", False),
}
KPI_COLUMNS = {("targets", "kpi"), ("okrs", "kpi")}
DIMENSION_COLUMNS = {("targets", "dimension")}


@dataclass(frozen=True)
class TemplateSheet:
    table: str
    sheet: str
    columns: tuple[tuple[str, str], ...]  # (canonical column, header as written)


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def header_for(t: Translator, table: str, column: str) -> str:
    """The header written for a column: the language's word, else the column's own name (always recognised)."""
    return t.get(f"template.columns.{table}.{column}") or column


def sheet_for(t: Translator, table: str) -> str:
    name = t.get(f"template.tables.{table}.sheet") or table
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31]


def layout(config: Config | None = None, schema: Schema | None = None) -> list[TemplateSheet]:
    """Every table's sheet name and headers in the config's language (what `build_template` writes)."""
    config = config or Config()
    schema = schema or default_schema()
    t = Translator(config.language, config.locale)
    return [TemplateSheet(spec.name, sheet_for(t, spec.name),
                          tuple((c.name, header_for(t, spec.name, c.name)) for c in spec.columns))
            for spec in schema.template_tables()]


def _date_format(locale: str, with_time: bool) -> str:
    """The locale's short date pattern as an Excel format, with four-digit years: dd.mm.yyyy, mm/dd/yyyy."""
    pattern = get_date_format("short", locale=locale).pattern
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        j = i
        while j < len(pattern) and pattern[j] == ch:
            j += 1
        run = j - i
        if ch == "y":
            out.append("yyyy")
        elif ch == "M":
            out.append("mm" if run <= 2 else "mmm")
        elif ch == "d":
            out.append("dd")
        elif ch == "'":
            pass
        elif ch.isalpha():
            out.append("")
        else:
            out.append(pattern[i:j])
        i = j
    text = "".join(out).strip(" ,") or "yyyy-mm-dd"
    return text + (" hh:mm" if with_time else "")


WIDTHS = (24, 44, 40, 44, 72)


def _fit_row(ws, row: int, cells: tuple[str, ...]) -> None:
    """A row tall enough for its wrapped text (Excel does not grow rows that xlsxwriter writes)."""
    lines = max(math.ceil(len(text) / (0.95 * WIDTHS[c])) if text else 1 for c, text in enumerate(cells))
    if lines > 1:
        ws.set_row(row, 13.5 * lines + 2)


def _kind(column: ColumnSpec) -> str:
    if column.type == "date":
        return "datetime" if column.name.endswith("_at") else "date"
    return column.type


class _Writer:
    def __init__(self, config: Config, catalog: Catalog, schema: Schema, file_name: str) -> None:
        self.config = config
        self.catalog = catalog
        self.schema = schema
        self.file_name = file_name
        self.t = Translator(config.language, config.locale)
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        wb = self.wb
        self.f = {
            "title": wb.add_format({"bold": True, "font_size": 14, "font_color": TITLE_COLOUR}),
            "heading": wb.add_format({"bold": True, "font_size": 11, "font_color": TITLE_COLOUR}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "bold_wrap": wb.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "th": wb.add_format({"bold": True, "bg_color": HEADER_FILL, "bottom": 1, "text_wrap": True,
                                 "valign": "top"}),
            "header": wb.add_format({"bold": True, "bg_color": HEADER_FILL, "bottom": 1, "valign": "top"}),
            "required": wb.add_format({"bold": True, "bg_color": REQUIRED_FILL, "bottom": 1, "valign": "top"}),
            "date": wb.add_format({"num_format": _date_format(config.locale, False)}),
            "datetime": wb.add_format({"num_format": _date_format(config.locale, True)}),
            "money": wb.add_format({"num_format": excel_currency(config.currency or locale_currency(config.locale),
                                                                 config.locale, 2)}),
            "text": wb.add_format({"num_format": "@"}),
        }
        self.kpi_range = ""

    # -- Instructions --------------------------------------------------------------------
    def instructions(self) -> None:
        t = self.t
        ws = self.wb.add_worksheet(sheet_for_instructions(t))
        if t.rtl:
            ws.right_to_left()
        for c, width in enumerate(WIDTHS):
            ws.set_column(c, c, width)
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        company = self.config.company.strip()
        title = t("template.instructions.title", company=company) if company else t("template.instructions.title_plain")
        ws.write_string(0, 0, title, self.f["title"])
        ws.merge_range(1, 0, 1, 4, t("template.instructions.intro"), self.f["wrap"])
        ws.set_row(1, 30)
        ws.write_string(3, 0, t("template.instructions.steps"), self.f["heading"])
        yes, no = t("template.yes"), t("template.no")
        row = 4
        for i in range(1, 6):
            text = t(f"template.instructions.step{i}", yes=yes, no=no, file=self.file_name)
            ws.write_string(row, 0, f"{i}.", self.f["bold_wrap"])
            ws.merge_range(row, 1, row, 4, text, self.f["wrap"])
            ws.set_row(row, 30)
            row += 1
        row += 1
        ws.write_string(row, 0, t("template.instructions.tables"), self.f["heading"])
        row += 1
        for c, key in enumerate(("sheet_col", "row_col", "required_col", "optional_col", "kpis_col")):
            ws.write_string(row, c, t(f"template.instructions.{key}"), self.f["th"])
        row += 1
        feeds = self._feeds()
        for spec in self.schema.template_tables():
            headers = {c.name: header_for(t, spec.name, c.name) for c in spec.columns}
            required = [headers[c.name] for c in spec.columns if c.required]
            optional = [headers[c.name] for c in spec.columns if not c.required]
            names = feeds.get(spec.name) or [t.get(f"template.instructions.feeds_{spec.name}")
                                              or t("template.instructions.no_kpis")]
            cells = (sheet_for(t, spec.name), t.get(f"template.tables.{spec.name}.row") or "",
                     ", ".join(required), ", ".join(optional), ", ".join(names))
            for c, text in enumerate(cells):
                ws.write_string(row, c, text, self.f["bold_wrap" if c == 0 else "wrap"])
            _fit_row(ws, row, cells)
            row += 1
        row += 1
        row = self._values(ws, row)
        row += 1
        self._kpi_list(ws, row)
        ws.activate()
        ws.set_first_sheet()

    def _feeds(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k in self.catalog.visible():
            for table in sorted(self.catalog.inputs(k.id)):
                out.setdefault(table, []).append(k.label(self.t.lang))
        return out

    def _values(self, ws, row: int) -> int:
        t = self.t
        ws.write_string(row, 0, t("template.instructions.values"), self.f["heading"])
        row += 1
        ws.write_string(row, 0, t("template.instructions.sheet_col"), self.f["th"])
        ws.write_string(row, 1, t("template.instructions.values_col"), self.f["th"])
        ws.merge_range(row, 2, row, 4, t("template.instructions.values_words"), self.f["th"])
        row += 1
        entries = [(table, col, ", ".join(_words(t(key)))) for (table, col), (key, _) in LISTS.items()]
        entries.append(("targets", "dimension", ", ".join(self.schema.dimensions)))
        bools = [(s.name, c.name) for s in self.schema.template_tables() for c in s.columns if c.type == "bool"]
        for table, col in bools:
            entries.append((table, col, f"{t('template.yes')}, {t('template.no')}"))
        for table, col, words in entries:
            if table not in self.schema.tables or not self.schema.tables[table].has(col):
                continue
            ws.write_string(row, 0, sheet_for(t, table), self.f["bold_wrap"])
            ws.write_string(row, 1, header_for(t, table, col), self.f["wrap"])
            ws.merge_range(row, 2, row, 4, words, self.f["wrap"])
            row += 1
        row += 1
        ws.write_string(row, 0, t("template.instructions.dimensions"), self.f["heading"])
        row += 1
        for dim in self.schema.dimensions:
            ws.write_string(row, 0, dim, self.f["bold_wrap"])
            ws.write_string(row, 1, t.get(f"dimension.{dim}") or dim, self.f["wrap"])
            row += 1
        return row

    def _kpi_list(self, ws, row: int) -> None:
        t = self.t
        ws.write_string(row, 0, t("template.instructions.kpi_list"), self.f["heading"])
        row += 1
        for c, key in enumerate(("kpi_id", "kpi_name", "kpi_unit", "kpi_target_as")):
            ws.write_string(row, c, t(f"template.instructions.{key}"), self.f["th"])
        row += 1
        first = row
        for k in self.catalog.visible():
            ws.write_string(row, 0, k.id, self.f["bold_wrap"])
            ws.write_string(row, 1, k.label(t.lang), self.f["wrap"])
            ws.write_string(row, 2, t.get(f"unit.{k.unit}") or k.unit, self.f["wrap"])
            ws.write_string(row, 3, t.get(f"template.target_as.{k.unit}") or "", self.f["wrap"])
            row += 1
        sheet = sheet_for_instructions(t).replace("'", "''")
        self.kpi_range = f"='{sheet}'!$A${first + 1}:$A${max(row, first + 1)}"

    # -- table sheets ----------------------------------------------------------------------
    def table(self, spec: TableSpec) -> None:
        t = self.t
        ws = self.wb.add_worksheet(sheet_for(t, spec.name))
        if t.rtl:
            ws.right_to_left()
        for c, column in enumerate(spec.columns):
            header = header_for(t, spec.name, column.name)
            kind = _kind(column)
            fmt = {"date": "date", "datetime": "datetime", "money": "money", "id": "text", "period": "text",
                   "text": "text", "bool": "text"}.get(kind)
            ws.set_column(c, c, max(12, min(40, len(header) + 4)), self.f[fmt] if fmt else None)
            ws.write_string(0, c, header, self.f["required" if column.required else "header"])
            self._validation(ws, c, spec, column, header, kind)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, 0, len(spec.columns) - 1)

    def _validation(self, ws, c: int, spec: TableSpec, column: ColumnSpec, header: str, kind: str) -> None:
        t = self.t
        yes, no = t("template.yes"), t("template.no")
        need = t("template.input.required" if column.required else "template.input.optional")
        what = t(f"template.input.{kind}", yes=yes, no=no) if f"template.input.{kind}" in t.messages else ""
        options: dict[str, object] = {"validate": "any"}
        key = (spec.name, column.name)
        if key in LISTS:
            words = _words(t(LISTS[key][0]))
            open_list = LISTS[key][1]
            options = {"validate": "list", "source": words, "error_type": "information" if open_list else "warning"}
            what = t("template.input.list_open" if open_list else "template.input.list")
        elif key in DIMENSION_COLUMNS:
            options = {"validate": "list", "source": list(self.schema.dimensions), "error_type": "warning"}
            what = t("template.input.list")
        elif key in KPI_COLUMNS and self.kpi_range:
            options = {"validate": "list", "source": self.kpi_range, "error_type": "information"}
            what = t("template.input.kpi")
        elif kind == "bool":
            options = {"validate": "list", "source": [yes, no], "error_type": "warning"}
        message = f"{what} {need}".strip()
        options.update({"input_title": header[:32], "input_message": message[:255], "ignore_blank": True})
        if options["validate"] == "any":
            options.pop("ignore_blank")
        ws.data_validation(1, c, LAST_ROW, c, options)

    def close(self) -> bytes:
        t = self.t
        self.wb.set_properties({
            "title": t("template.properties.title"),
            "subject": t("template.properties.subject"),
            "author": self.config.company,
            "company": self.config.company,
            "comments": t("template.properties.comments"),
            "created": CREATED,
        })
        self.wb.set_custom_property("kpireport template", self.t.lang)
        self.wb.close()
        return self.buf.getvalue()


def sheet_for_instructions(t: Translator) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", t("template.instructions.sheet"))[:31]


def build_template(config: Config | None = None, catalog: Catalog | None = None, schema: Schema | None = None,
                   file_name: str = "kpireport-input.xlsx") -> bytes:
    """The blank input workbook as .xlsx bytes, in the config's language, locale and currency."""
    config = config or Config()
    if catalog is None:
        catalog = load_catalog(list(config.catalog_layers))
    w = _Writer(config, catalog, schema or default_schema(), file_name)
    w.instructions()
    for spec in w.schema.template_tables():
        w.table(spec)
    return w.close()
