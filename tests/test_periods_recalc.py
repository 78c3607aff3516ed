"""Workbooks of the period work, made by `kpireport generate` on the sample workbooks,
recalculate in LibreOffice to the numbers kpireport wrote: whole-range reports (one period
column: `all`, and the years 2024..2025), and a Persian report on the Solar Hijri calendar
(`language: fa`, `calendar: persian`; its periods are Solar Hijri months)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import SAMPLES
from .test_cli import kpireport
from .test_workbook_recalc import RECALC_ALWAYS, cached_values

pytestmark = pytest.mark.libreoffice

CASES = {"all": ("", ["--period", "all"]), "years": ("", ["--period", "2024..2025"]),
         "persian": ("language: fa\nlocale: fa_IR\ncalendar: persian\n", [])}


def test_range_and_persian_workbooks_recalculate_to_the_same_numbers(tmp_path: Path):
    books, revenue = tmp_path / "books", {}
    books.mkdir()
    for name, (config, args) in CASES.items():
        out = tmp_path / name
        extra = []
        if config:
            (tmp_path / f"{name}.yaml").write_text(config, encoding="utf-8")
            extra = ["--config", str(tmp_path / f"{name}.yaml")]
        result = kpireport("generate", str(SAMPLES), "--out", str(out), "--no-pdf", *args, *extra)
        assert result.returncode == 0, result.stderr
        shutil.copy(out / "kpi-report.xlsx", books / f"{name}.xlsx")
        revenue[name] = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))["kpis"]["revenue"]["value"]
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    again = tmp_path / "recalculated"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(again), *(str(books / f"{n}.xlsx") for n in CASES)],
                   check=True, capture_output=True, timeout=600)
    for name in CASES:
        before, after = cached_values(books / f"{name}.xlsx"), cached_values(again / f"{name}.xlsx")
        numbers = [(sheet, ref, v) for sheet, cells in before.items() for ref, v in cells.items()
                   if isinstance(v, float)]
        assert len(numbers) > 500
        differ = [(sheet, ref, v, after[sheet].get(ref)) for sheet, ref, v in numbers
                  if not isinstance(after[sheet].get(ref), float)
                  or abs(after[sheet][ref] - v) > 1e-6 * max(1.0, abs(v))]
        assert not differ, (name, differ[:10])
        # the recalculated KPIs sheet (second in every language) holds the JSON's revenue for the period
        cells = list(list(after.values())[1].values())
        assert any(isinstance(v, float) and abs(v - revenue[name]) < 1e-6 * revenue[name] for v in cells), name
    # the Persian Dashboard's period picker holds the Solar Hijri month: Mehr 1405
    dashboard = cached_values(again / "persian.xlsx")["داشبورد"]
    assert any(isinstance(v, str) and "مهر ۱۴۰۵" in v for v in dashboard.values())
