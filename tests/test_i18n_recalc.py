"""The Persian workbook (sheets right to left, Persian period labels the Dashboard's picker
matches on) recalculates in LibreOffice to the numbers kpireport wrote."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from kpireport.config import Config
from kpireport.render.workbook import render_workbook

from .conftest import sample_report
from .test_workbook_recalc import RECALC_ALWAYS, cached_values

pytestmark = pytest.mark.libreoffice


def test_persian_workbook_recalculates_to_the_same_numbers(tmp_path: Path):
    config = Config(language="fa", locale="fa_IR", currency="IRR")
    src = tmp_path / "fa.xlsx"
    src.write_bytes(render_workbook(sample_report(config), config, dt.date(2026, 11, 3)))
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=600)
    before, after = cached_values(src), cached_values(out / "fa.xlsx")
    numbers = [(sheet, ref, v) for sheet, cells in before.items() for ref, v in cells.items() if isinstance(v, float)]
    assert len(numbers) > 1000
    differ = [(sheet, ref, v, after[sheet].get(ref)) for sheet, ref, v in numbers
              if not isinstance(after[sheet].get(ref), float) or abs(after[sheet][ref] - v) > 1e-6 * max(1.0, abs(v))]
    assert not differ, differ[:10]
    # The period picker holds a Persian label and the sheet names are the Persian ones.
    assert "داشبورد" in after and any(isinstance(v, str) and "۲۰۲۶" in v for v in after["داشبورد"].values())
