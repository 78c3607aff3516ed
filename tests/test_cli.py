"""The CLI through its real entry point (a subprocess running the console script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from .conftest import SAMPLES


def kpireport(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("kpireport")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kpireport"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("report")
    return kpireport("generate", str(SAMPLES), "--out", str(out)), out


def test_generate_writes_the_report_files(generated) -> None:
    result, out = generated
    assert result.returncode == 0, result.stderr
    for suffix in ("xlsx", "html", "pdf", "eml", "json"):
        path = out / f"kpi-report.{suffix}"
        assert path.stat().st_size > 1000, path
        assert f"wrote {path}" in result.stdout
    assert (out / "kpi-report.xlsx").read_bytes()[:2] == b"PK"
    assert (out / "kpi-report.pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_no_pdf_leaves_the_pdf_out(tmp_path: Path) -> None:
    result = kpireport("generate", str(SAMPLES / "sales_orders.xlsx"), "--out", str(tmp_path), "-q", "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi-report.eml", "kpi-report.html", "kpi-report.json",
                                                          "kpi-report.xlsx"]


def test_json_has_the_skeleton_kpis_for_the_latest_complete_month(generated) -> None:
    _, out = generated
    data = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))
    assert data["period"] == "2026-10"
    assert data["grain"] == "month"
    for kid in ("revenue", "gross_margin", "average_order_value", "new_leads", "lead_conversion_rate", "customers",
                "retention_rate", "churn_rate", "avg_resolution_time", "csat", "nps", "dso"):
        entry = data["kpis"][kid]
        assert isinstance(entry["value"], float), kid
        assert entry["unit"] and entry["category"], kid
    assert data["kpis"]["revenue"]["target"] is not None
    assert data["kpis"]["revenue"]["status"] in ("on_track", "at_risk", "off_track")


@pytest.mark.parametrize(("args", "period"), [
    (["--grain", "quarter"], "2026-Q3"),
    (["--grain", "year"], "2025"),
    (["--period", "2026-Q2"], "2026-Q2"),
    (["--period", "2025-06"], "2025-06"),
])
def test_grain_and_period(tmp_path: Path, args: list[str], period: str) -> None:
    result = kpireport("generate", str(SAMPLES / "sales_orders.xlsx"), "--out", str(tmp_path), "-q", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads((tmp_path / "kpi-report.json").read_text(encoding="utf-8"))
    assert data["period"] == period


def test_only_orders_still_reports_what_it_can(tmp_path: Path) -> None:
    result = kpireport("generate", str(SAMPLES / "sales_orders.xlsx"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "kpi-report.json").read_text(encoding="utf-8"))
    assert "revenue" in data["kpis"]
    assert data["could_not_compute"]["nps"] == "needs table 'surveys'"
    assert "could not be computed" in result.stdout


def _write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()


@pytest.mark.parametrize(("setup", "code", "words"), [
    ("missing", 3, "no such file or folder"),
    ("empty_dir", 3, "no input files were found"),
    ("text_as_xlsx", 4, "text file with a workbook's name"),
    ("zip", 4, "zip archive, not a workbook"),
    ("truncated", 5, "damaged or was cut short"),
    ("unrecognised", 7, "no input table was recognised"),
    ("bad_period", 2, "is not a period"),
])
def test_errors_are_one_line_with_an_exit_code(tmp_path: Path, setup: str, code: int, words: str) -> None:
    target = tmp_path / "in"
    extra: list[str] = []
    if setup == "missing":
        target = tmp_path / "nope.xlsx"
    elif setup == "empty_dir":
        target.mkdir()
    elif setup == "text_as_xlsx":
        target = tmp_path / "report.xlsx"
        target.write_text("hello\nworld\n", encoding="utf-8")
    elif setup == "zip":
        target = tmp_path / "archive.xlsx"
        shutil.make_archive(str(tmp_path / "archive"), "zip", root_dir=SAMPLES.parent, base_dir="README.md")
        (tmp_path / "archive.zip").rename(target)
    elif setup == "truncated":
        target = tmp_path / "cut.xlsx"
        target.write_bytes((SAMPLES / "okrs.xlsx").read_bytes()[:3000])
    elif setup == "unrecognised":
        target = tmp_path / "misc.xlsx"
        _write_xlsx(target, [["Foo", "Bar"], [1, 2]])
    elif setup == "bad_period":
        target = SAMPLES / "sales_orders.xlsx"
        extra = ["--period", "October"]
    result = kpireport("generate", str(target), "--out", str(tmp_path / "out"), *extra)
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kpireport: error:")
    assert words in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_help_lists_commands_with_examples() -> None:
    result = kpireport("--help")
    assert result.returncode == 0
    assert "generate" in result.stdout and "sample" in result.stdout
    gen = kpireport("generate", "--help")
    assert "kpireport generate sample_workbooks --out report" in gen.stdout


def test_sample_command_writes_the_workbooks(tmp_path: Path) -> None:
    result = kpireport("sample", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == sorted(p.name for p in SAMPLES.glob("*.xlsx"))
