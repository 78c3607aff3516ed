"""Workbooks of the period work recalculate in LibreOffice to the numbers kpireport wrote:
whole-range reports (one period column: `all`, and the years 2024..2025), and a Persian
report on the Solar Hijri calendar (its periods are Solar Hijri months)."""

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


def test_range_and_persian_workbooks_recalculate_to_the_same_numbers(tmp_path: Path):
    plain, persian = Config(), Config(language="fa", locale="fa_IR", currency="IRR", calendar="persian")
    names = {"all": ("all", plain), "2024..2025": ("years", plain), "": ("persian", persian)}
    reports = {}
    for period, (name, config) in names.items():
        reports[name] = run([SAMPLES], config, None, period or None)
        (tmp_path / f"{name}.xlsx").write_bytes(render_workbook(reports[name], config, dt.date(2026, 11, 3)))
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), *(str(tmp_path / f"{n}.xlsx") for n, _ in names.values())],
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
        # the recalculated KPI sheet holds the program's revenue for the report period
        revenue = report_dict(report)["kpis"]["revenue"]["value"]
        cells = list(list(after.values())[1].values())  # the KPIs sheet, second in every language
        assert any(isinstance(v, float) and abs(v - revenue) < 1e-6 * revenue for v in cells), name
    # the Persian Dashboard's period picker holds the Solar Hijri month: Mehr 1405
    assert any(isinstance(v, str) and "مهر ۱۴۰۵" in v for v in cached_values(out / "persian.xlsx")["داشبورد"].values())
