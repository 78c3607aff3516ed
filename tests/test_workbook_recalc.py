"""LibreOffice recalculates the KPI workbook and must land on the program's numbers.

The sample data's workbook is rendered at month, quarter and year grain, plus edited copies
(another period picked on the Dashboard; a target and a measure changed) and a copy whose
cached values were tampered with (proof that LibreOffice really recalculated). All of them
go through one `soffice --convert-to xlsx` call, with a throw-away profile that forces a
recalculation on load, and are read back with openpyxl.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import subprocess
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from kpireport.compute.report import Report
from kpireport.compute.run import compute_report
from kpireport.compute.status import status
from kpireport.config import Config
from kpireport.dataset import Dataset
from kpireport.i18n import Translator
from kpireport.periods import Grain, label
from kpireport.pipeline import catalog_for, load_dataset
from kpireport.render.json_out import report_dict
from kpireport.render.workbook import plan, render_workbook
from kpireport.render.workbook.dashboard import DashboardPlan
from kpireport.render.workbook.layout import Layout, cell

from .conftest import sample_dataset

pytestmark = pytest.mark.libreoffice

GENERATED = dt.date(2026, 11, 23)
CONFIG = Config()
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


@dataclass
class Case:
    report: Report
    layout: Layout
    dashboard: DashboardPlan
    original: Path
    recalculated: Path | None = None


def _open(path: Path, **kw) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines / x14 extensions are dropped by openpyxl
        return openpyxl.load_workbook(path, **kw)


def _plain(v: object) -> object:
    return "" if v is None else v


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def cached_values(path: Path) -> dict[str, dict[str, object]]:
    """Every cell's stored value per sheet, straight from the XML: floats as written, strings as text.

    openpyxl turns values under a time format into rounded timedeltas, which would blur the
    1e-6 comparison of durations, so the stored numbers are read here directly.
    """
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root.findall("m:si", _NS)]
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target").lstrip("/").removeprefix("xl/")
                   for r in rels.findall("p:Relationship", _NS)}
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        out: dict[str, dict[str, object]] = {}
        for sheet in book.find("m:sheets", _NS):
            xml = ElementTree.fromstring(z.read("xl/" + targets[sheet.get(f"{{{_NS['r']}}}id")]))
            cells: dict[str, object] = {}
            for c in xml.iter(f"{{{_NS['m']}}}c"):
                kind, v = c.get("t", "n"), c.find("m:v", _NS)
                text = v.text if v is not None else None
                if kind == "s":
                    cells[c.get("r")] = shared[int(text)]
                elif kind == "inlineStr":
                    cells[c.get("r")] = "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
                elif kind in ("str", "e"):
                    cells[c.get("r")] = text or ""
                elif kind == "b":
                    cells[c.get("r")] = text == "1"
                else:
                    cells[c.get("r")] = float(text) if text not in (None, "") else ""
            out[sheet.get("name")] = cells
    return out


def _same(a: object, b: object) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _scale(report: Report, kid: str) -> float:
    return 86400.0 if report.catalog.kpis[kid].unit == "duration" else 1.0


@pytest.fixture(scope="module")
def dataset(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    if any(sample_dir.glob("*.xlsx")):
        return sample_dataset(CONFIG)
    from kpireport.sample import write_sample_workbooks

    folder = tmp_path_factory.mktemp("samples")
    write_sample_workbooks(folder)
    return load_dataset([folder], CONFIG)


def _report(dataset: Dataset, grain: Grain) -> Report:
    data = copy.deepcopy(dataset)  # compute_report appends target problems to the dataset's log
    return compute_report(data, catalog_for(CONFIG), grain, None, CONFIG.fiscal_year_start, CONFIG.company,
                          CONFIG.currency)


def _edit(source: Path, target: Path, changes: dict[tuple[str, str], object]) -> None:
    wb = _open(source)
    for (sheet, ref), value in changes.items():
        wb[sheet][ref] = value
    wb.save(target)


def _poison(source: Path, target: Path, sheet_index: int, ref: str) -> None:
    """Copy the file with one cached KPI value replaced by 12345 (the formula stays)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                text = data.decode("utf-8")
                text, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)', r"\g<1>12345\g<2>", text)
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(item, data)


@pytest.fixture(scope="module")
def cases(soffice: str, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    root = tmp_path_factory.mktemp("recalc")
    inputs, out = root / "in", root / "out"
    inputs.mkdir()
    found: dict[str, Case] = {}
    for grain in (Grain.MONTH, Grain.QUARTER, Grain.YEAR):
        report = _report(dataset, grain)
        lay, dash = plan(report, CONFIG)
        path = inputs / f"{grain.value}.xlsx"
        path.write_bytes(render_workbook(report, CONFIG, GENERATED))
        found[grain.value] = Case(report, lay, dash, path)
    month = found["month"]
    lay, dash, report = month.layout, month.dashboard, month.report
    names = lay.sheets
    picked = lay.selected - 2
    _edit(month.original, inputs / "picker.xlsx", {(names.dashboard, cell(*dash.picker)): lay.labels[picked]})
    j = lay.selected
    edits = {
        (names.targets, cell(lay.target_rows["revenue"], lay.col(j))): report.value("revenue") * 1.5,
        (names.measures, cell(lay.measure_rows["leads_created"], lay.col(j))):
            float(report.measures.at["leads_created", report.period]) * 2,
    }
    _edit(month.original, inputs / "edits.xlsx", edits)
    _poison(month.original, inputs / "poisoned.xlsx", 2, lay.kpi_cell("revenue", j, sheet=False))
    for name in ("picker", "edits", "poisoned"):
        found[name] = Case(report, lay, dash, inputs / f"{name}.xlsx")
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    files = [str(c.original) for c in found.values()]
    run = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                          "--convert-to", "xlsx", "--outdir", str(out), *files],
                         capture_output=True, text=True, timeout=600)
    for c in found.values():
        c.recalculated = out / c.original.name
        assert c.recalculated.is_file(), f"LibreOffice did not convert {c.original.name}: {run.stdout} {run.stderr}"
    return found


def test_libreoffice_really_recalculates(cases):
    c = cases["poisoned"]
    ref = c.layout.kpi_cell("revenue", c.layout.selected, sheet=False)
    assert cached_values(c.original)[c.layout.sheets.kpis][ref] == 12345
    got = cached_values(c.recalculated)[c.layout.sheets.kpis][ref]
    assert math.isclose(got, c.report.value("revenue"), rel_tol=1e-9)


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_every_formula_recalculates_to_its_cached_value(cases, grain):
    c = cases[grain]
    formulas, cached, recalc = _open(c.original), cached_values(c.original), cached_values(c.recalculated)
    checked, wrong = 0, []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for x in row:
                if x.data_type != "f":
                    continue
                checked += 1
                want, got = cached[ws.title].get(x.coordinate), recalc[ws.title].get(x.coordinate)
                if not _same(want, got):
                    wrong.append(f"{ws.title}!{x.coordinate}: cached {want!r}, LibreOffice {got!r}, {x.value[:120]}")
    assert checked > 3 * len(c.layout.kpis) * len(c.layout.periods)
    assert not wrong, f"{len(wrong)} of {checked} formulas differ:\n" + "\n".join(wrong[:30])


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_recalculated_kpis_equal_the_json(cases, grain):
    c = cases[grain]
    ws = cached_values(c.recalculated)[c.layout.sheets.kpis]
    kpis = report_dict(c.report, GENERATED)["kpis"]
    for k in c.layout.kpis:
        for j, p in enumerate(c.layout.periods):
            want = kpis[k.id]["values"][label(p)]
            got = _plain(ws.get(c.layout.kpi_cell(k.id, j, sheet=False)))
            if want is None:
                assert got == "", (k.id, label(p), got)
            else:
                assert isinstance(got, int | float), (k.id, label(p), got)
                assert math.isclose(got * _scale(c.report, k.id), want, rel_tol=1e-6, abs_tol=1e-9), (k.id, label(p))


def test_period_picker_moves_the_tiles(cases):
    c = cases["picker"]
    lay, report = c.layout, c.report
    j = lay.selected - 2
    p = lay.periods[j]
    words = Translator(CONFIG.language, CONFIG.locale)
    ws = cached_values(c.recalculated)[lay.sheets.dashboard]
    assert ws[cell(*c.dashboard.picker)] == lay.labels[j]
    moved = 0
    for kid, tile in c.dashboard.tiles.items():
        scale = _scale(report, kid)
        value, target = report.value(kid, p), report.target(kid, p)
        got = _plain(ws.get(cell(*tile.value)))
        if value is None:
            assert got == "", kid
        else:
            assert math.isclose(got * scale, value, rel_tol=1e-6, abs_tol=1e-9), kid
            moved += value != report.value(kid)
        got_target = _plain(ws.get(cell(*tile.target)))
        assert got_target == "" if target is None else math.isclose(got_target * scale, target, rel_tol=1e-6), kid
        st = report.status.at[kid, p]
        assert _plain(ws.get(cell(*tile.status))) == (words(f"status.{st}") if isinstance(st, str) else ""), kid
        before = report.value(kid, lay.periods[j - 1])
        change = _plain(ws.get(cell(*tile.vs_previous)))
        if value is not None and before is not None and report.catalog.kpis[kid].unit == "percent":
            assert math.isclose(change, (value - before) * 100, rel_tol=1e-6, abs_tol=1e-9), kid
        elif value is not None and before:
            assert math.isclose(change, (value - before) / abs(before), rel_tol=1e-6, abs_tol=1e-9), kid
    assert moved > len(c.dashboard.tiles) // 2


def test_editing_a_target_and_a_measure_moves_status_and_values(cases):
    c = cases["edits"]
    lay, report = c.layout, c.report
    j = lay.selected
    words = Translator(CONFIG.language, CONFIG.locale)
    values = cached_values(c.recalculated)
    kpis, dash = values[lay.sheets.kpis], values[lay.sheets.dashboard]
    revenue, k = report.value("revenue"), report.catalog.kpis["revenue"]
    new_target = revenue * 1.5
    expected = words(f"status.{status(revenue, new_target, k.direction, k.tolerance)}")
    assert expected != words(f"status.{report.status.at['revenue', report.period]}")
    assert kpis[lay.kpi_cell("revenue", j, 2, sheet=False)] == expected
    assert dash[cell(*c.dashboard.tiles["revenue"].status)] == expected
    assert math.isclose(dash[cell(*c.dashboard.tiles["revenue"].target)], new_target, rel_tol=1e-9)
    if "revenue_vs_target" in lay.kpi_rows:  # target() in a formula reads the edited Targets cell
        got = kpis[lay.kpi_cell("revenue_vs_target", j, sheet=False)]
        assert math.isclose(got, revenue / new_target, rel_tol=1e-9)
    leads = float(report.measures.at["leads_created", report.period]) * 2
    assert math.isclose(kpis[lay.kpi_cell("new_leads", j, sheet=False)], leads, rel_tol=1e-9)
    assert math.isclose(dash[cell(*c.dashboard.tiles["new_leads"].value)], leads, rel_tol=1e-9)
    converted = float(report.measures.at["leads_converted", report.period])
    got = kpis[lay.kpi_cell("lead_conversion_rate", j, sheet=False)]
    assert math.isclose(got, converted / leads, rel_tol=1e-9)
