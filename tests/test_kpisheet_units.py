"""The monthly KPI sheet: a cell's own percent format wins over a Unit column saying %, rates
outside their range are flagged, and common English KPI names are accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from kpireport.catalog import default_catalog
from kpireport.mapping import map_sheets
from kpireport.mapping.kpisheet import KpiResolver
from kpireport.read import read_path
from kpireport.read.percents import percent_styles
from kpireport.validate import validate


def _workbook(path: Path, rows: list[tuple[str, str, list[float], bool]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("KPIs")
    pct = wb.add_format({"num_format": "0%"})
    custom = wb.add_format({"num_format": '0.0" %"'})  # a percent sign in quotes is text, not a percent format
    ws.write_row(0, 0, ["KPI", "Unit", "2026-01", "2026-02"])
    for r, (name, unit, values, as_percent) in enumerate(rows, start=1):
        ws.write(r, 0, name)
        ws.write(r, 1, unit)
        for c, v in enumerate(values, start=2):
            ws.write_number(r, c, v, pct if as_percent else custom)
    wb.close()


def test_percent_formatted_cells_are_not_divided_again(tmp_path: Path) -> None:
    path = tmp_path / "kpis.xlsx"
    _workbook(path, [("Customer Retention Rate", "%", [0.94, 0.95], True),   # 94 %, stored 0.94
                     ("Churn rate", "%", [6.0, 5.0], False),                 # a plain 6 under a % unit: 6 %
                     ("Number of New Leads", "count", [120.0, 130.0], False),
                     ("Conversion rate", "%", [1.5, 0.2], True)])            # 150 %: impossible for a rate
    mapped, problems = map_sheets(read_path(path))
    ds = validate(mapped, problems, catalog=default_catalog())
    got = {(r.kpi, r.period): r.value for r in ds.kpi_sheet.itertuples()}
    assert got[("retention_rate", "2026-01")] == pytest.approx(0.94)
    assert got[("retention_rate", "2026-02")] == pytest.approx(0.95)
    assert got[("churn_rate", "2026-01")] == pytest.approx(0.06)
    assert got[("new_leads", "2026-02")] == 130.0
    assert got[("lead_conversion_rate", "2026-01")] == pytest.approx(1.5)
    flagged = [(p.cell, p.reason) for p in ds.problems if "outside what it can be" in p.reason]
    assert [c for c, _ in flagged] == ["C5"] and "150 %" in flagged[0][1]
    assert not [p for p in ds.problems if "not in the catalog" in p.reason]


@pytest.mark.parametrize(("xml", "expected"), [
    ('<numFmts><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="3"><xf numFmtId="0"/>'
     '<xf numFmtId="164"/><xf numFmtId="10"/></cellXfs>', {1, 2}),
    ('<numFmts><numFmt numFmtId="164" formatCode="0.0&quot; %&quot;"/></numFmts><cellXfs><xf numFmtId="164"/>'
     '<xf numFmtId="9"/></cellXfs>', {1}),
    ('<cellXfs><xf numFmtId="14"/><xf numFmtId="4"/></cellXfs>', set()),
])
def test_percent_styles(xml: str, expected: set[int]) -> None:
    assert set(percent_styles(xml)) == expected


@pytest.mark.parametrize(("name", "kpi"), [
    ("Customer Retention Rate", "retention_rate"),
    ("Number of New Leads", "new_leads"),
    ("Customer churn rate", "churn_rate"),
    ("Total Revenue", "revenue"),
    ("Number of customers", "customers"),
    ("Customer Satisfaction Score", "csat"),
    ("Net Promoter Score", "nps"),
    ("Retention rate", "retention_rate"),
    ("Number of unicorns", None),
])
def test_common_english_kpi_names_are_accepted(name: str, kpi: str | None) -> None:
    assert KpiResolver(default_catalog())(name) == kpi


def test_every_catalog_name_still_names_its_own_kpi() -> None:
    cat = default_catalog()
    resolve = KpiResolver(cat)
    assert {k: resolve(v.name["en"]) for k, v in cat.kpis.items()} == {k: k for k in cat.kpis}


def test_a_kpi_sheet_cell_read_as_a_fraction_is_flagged() -> None:
    from kpireport.read import RawSheet

    sheet = RawSheet("k.xlsx", "KPIs", [["KPI", "2026-01", "2026-02"], ["Revenue", "1,000", "12,5"]])
    mapped, problems = map_sheets([sheet])
    ds = validate(mapped, problems, catalog=default_catalog())
    flagged = [(p.cell, p.reason) for p in ds.problems if "read as 1 " in p.reason]
    assert [c for c, _ in flagged] == ["B2"] and "a decimal comma" in flagged[0][1]
