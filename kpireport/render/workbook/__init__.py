"""The KPI workbook (.xlsx): dashboard, KPIs, breakdowns, measures, targets, definitions, data quality.

`render_workbook` is the one entry point. KPI, change and status cells are live formulas
generated from the catalog's parsed formulas, each with the program's value cached, so the
file shows the right numbers whether or not the viewer recalculates, and follows the user's
edits when it does. Input text is only ever written with write_string.
"""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from ... import marker
from ...compute.report import Report
from ...config import Config
from ...i18n import Translator
from ..formats import unit_formats
from . import printing
from .charts import ChartContext, add_charts
from .dashboard import LAST_COL, DashboardPlan, plan_dashboard, print_blocks, write_dashboard
from .layout import FIRST_DATA_ROW, Layout, build_layout
from .sheet_breakdowns import write_breakdowns
from .sheets_data import write_kpis, write_measures, write_targets
from .sheets_reference import write_definitions, write_quality
from .styles import FONT, Styles

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}

ROW_HEIGHT = 12.75

__all__ = ["DashboardPlan", "Layout", "plan", "render_workbook"]


def plan(report: Report, config: Config) -> tuple[Layout, DashboardPlan]:
    """Where every KPI, target, measure and tile lands, without writing anything (for tests and tools)."""
    t = Translator(config.language, config.locale, config.calendar)
    lay = build_layout(report, t, unit_formats(config.currency, config.locale, t("days_word")))
    return lay, plan_dashboard(lay)


def render_workbook(report: Report, config: Config, generated: dt.date) -> bytes:
    """The KPI workbook of `report` as .xlsx bytes, labelled in `config.language`.

    Built in memory (no temporary files, so it is safe in a drop-folder worker); `generated`
    is passed in rather than read from the clock so the same report gives the same file.
    """
    t = Translator(config.language, config.locale, config.calendar)
    units = unit_formats(config.currency, config.locale, t("days_word"))
    lay = build_layout(report, t, units)
    dash_plan = plan_dashboard(lay)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    # The Normal style sets the unit of column widths; Arial 10 has a metric twin everywhere
    # (Liberation Sans), so widths computed here hold in Excel and LibreOffice alike.
    wb.formats[0].set_font_name(FONT)
    wb.formats[0].set_font_size(10)
    st = Styles(wb, units)
    names = lay.sheets
    sheets = {key: wb.add_worksheet(getattr(names, key)) for key in
              ("dashboard", "kpis", "breakdowns", "measures", "targets", "definitions", "quality")}
    for key in ("kpis", "breakdowns", "measures", "targets"):
        # Arial 10's own row height: xlsxwriter's default (15 pt) is Calibri 11's, and on these
        # long sheets the difference is a sixth of the printed pages.
        sheets[key].set_default_row(ROW_HEIGHT)
    if t.rtl:  # Persian reads right to left: column A on the right, as Excel does for an RTL sheet
        for ws in sheets.values():
            ws.right_to_left()
    write_measures(sheets["measures"], st, report, lay, t)
    write_targets(sheets["targets"], st, report, lay, t)
    write_kpis(sheets["kpis"], st, report, lay, t)
    blocks = write_breakdowns(sheets["breakdowns"], st, report, lay, t)
    write_definitions(sheets["definitions"], st, report, t)
    write_quality(sheets["quality"], st, report, t)
    dash = sheets["dashboard"]
    write_dashboard(dash, st, report, lay, t, config, generated, dash_plan)
    end, chart_blocks = add_charts(ChartContext(wb, dash, st, report, lay, t, dash_plan, blocks), dash_plan.next_row)
    dash.activate()
    dash.set_first_sheet()
    dash.set_selection(*dash_plan.picker, *dash_plan.picker)
    company = config.company or report.company
    period = lay.labels[lay.selected]
    grain = t.grain(lay.periods[lay.selected], lay.grain)
    _print_setup(sheets, lay, dash_plan, print_blocks(dash_plan, chart_blocks), max(end, dash_plan.next_row),
                 printing.page_text(company, period, t), printing.paper_for(config.locale))
    wb.set_properties({
        "title": t("workbook.properties.title", period=period),
        "subject": t("workbook.properties.subject", grain=grain),
        "author": company,
        "company": company,
        "keywords": t("workbook.properties.keywords"),
        "comments": t("workbook.properties.comments"),
        "created": dt.datetime.combine(generated, dt.time(0, 0)),
    })
    wb.set_custom_property(marker.PROPERTY, marker.KPI_WORKBOOK)  # never read back as input (marker.py)
    wb.set_custom_property("kpireport period", str(report.period))
    wb.set_custom_property("kpireport grain", lay.grain.value)
    wb.close()
    return buf.getvalue()


def _print_setup(sheets: dict, lay: Layout, dash_plan: DashboardPlan, blocks: list[tuple[int, float]],
                 dash_end: int, text: printing.PageText, paper: int) -> None:
    """Every sheet's page setup (see `printing`): the Dashboard and the period sheets need the layout."""
    printing.dashboard(sheets["dashboard"], text, paper, LAST_COL, dash_end, blocks)
    n = len(lay.kpis)
    printing.period_sheet(sheets["kpis"], text, paper, lay, FIRST_DATA_ROW + 3 * n - 1, extra_cols=1)
    printing.period_sheet(sheets["measures"], text, paper, lay, FIRST_DATA_ROW + len(lay.measure_ids) - 1,
                          landscape=False)
    printing.period_sheet(sheets["targets"], text, paper, lay, FIRST_DATA_ROW + n - 1, landscape=False)
    printing.plain_sheet(sheets["breakdowns"], text, paper, None, landscape=False)
    printing.plain_sheet(sheets["definitions"], text, paper, 3)
    printing.plain_sheet(sheets["quality"], text, paper, None)
