"""A whole-range workbook (one period column: `all`, and years 2024..2025) recalculates in
LibreOffice to the numbers kpireport wrote, and its KPI values are the JSON's."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from kpireport.config import Config
from kpireport.pipeline import run
from kpireport.render.json_out import report_dict
from kpireport.render.workbook import render_workbook

from .conftest import SAMPLES
from .test_workbook_recalc import RECALC_ALWAYS, cached_values

pytestmark = pytest.mark.libreoffice


def test_range_workbooks_recalculate_to_the_same_numbers(tmp_path: Path):
    config = Config()
    names = {"all": "all", "2024..2025": "years"}
    reports = {}
    for period, name in names.items():
        reports[name] = run([SAMPLES], config, None, period)
        (tmp_path / f"{name}.xlsx").write_bytes(render_workbook(reports[name], config, dt.date(2026, 11, 3)))
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), *(str(tmp_path / f"{n}.xlsx") for n in names.values())],
                   check=True, capture_output=True, timeout=600)
    for name, report in reports.items():
        before, after = cached_values(tmp_path / f"{name}.xlsx"), cached_values(out / f"{name}.xlsx")
        numbers = [(sheet, ref, v) for sheet, cells in before.items() for ref, v in cells.items()
                   if isinstance(v, float)]
        assert len(numbers) > 500
        differ = [(sheet, ref, v, after[sheet].get(ref)) for sheet, ref, v in numbers
                  if not isinstance(after[sheet].get(ref), float)
                  or abs(after[sheet][ref] - v) > 1e-6 * max(1.0, abs(v))]
        assert not differ, (name, differ[:10])
        # the recalculated KPI column is the program's value for the range
        kpis = after["KPIs"]
        data = report_dict(report)
        revenue = data["kpis"]["revenue"]["value"]
        assert any(isinstance(v, float) and abs(v - revenue) < 1e-6 * revenue for v in kpis.values())
