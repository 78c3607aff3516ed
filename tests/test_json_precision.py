"""JSON numbers are rounded to their unit's precision (kpireport/render/json_out.py): no float-sum
artefacts such as 2469232.9420000003 in a file other programs read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.render.json_out import DECIMALS, RELATIVE_DECIMALS, _in, _num

from .conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("unit", "field", "value", "expected"), [
    ("currency", "", 2469232.9420000003, 2469232.942),
    ("currency", "", 0.1 + 0.2, 0.3),
    ("currency", "", 0.18125, 0.18125),                      # revenue per visitor keeps its fraction of a cent
    ("currency", "", 1.23456789, 1.234568),
    ("currency", "attainment", 1.0123456789, 1.01234568),    # a ratio of two amounts
    ("percent", "", 0.0267362696123, 0.02673627),            # 2.673627 %
    ("percent", "change_relative", -0.000000004, 0.0),       # never -0.0
    ("count", "", 1234.56789012, 1234.56789),
    ("days", "", 12.34567891, 12.345679),
    ("duration", "", 3600.04321, 3600.043),
    ("score", "", 4.256789012, 4.256789),
    ("ratio", "", 3.14159265, 3.141593),
    ("unknown", "", 1.23456789, 1.234568),
    ("currency", "", float("nan"), None),
    ("currency", "", None, None),
])
def test_rounded_to_the_unit(unit: str, field: str, value, expected) -> None:
    got = _in(unit)(value, field)
    assert got == expected and (got is None or str(got) == str(expected))


def test_no_negative_zero() -> None:
    assert str(_num(-0.0000001, 2)) == "0.0"


def _decimals(x: float) -> int:
    text = repr(x)
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


def test_every_number_of_the_sample_report_has_its_units_precision(tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(SAMPLES), "--out", str(out), "-q"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))
    checked = 0
    for kpi in data["kpis"].values():
        places = DECIMALS[kpi["unit"]]
        for key in ("value", "target", "previous", "change", "same_period_last_year", "year_to_date"):
            if isinstance(kpi[key], float):
                assert _decimals(kpi[key]) <= places, (kpi["name"], key, kpi[key])
                checked += 1
        for key in ("attainment", "change_relative"):
            if isinstance(kpi[key], float):
                assert _decimals(kpi[key]) <= RELATIVE_DECIMALS, (kpi["name"], key, kpi[key])
        for series in (kpi["values"], kpi["targets"]):
            for v in series.values():
                if isinstance(v, float):
                    assert _decimals(v) <= places, (kpi["name"], v)
                    checked += 1
    assert checked > 500
