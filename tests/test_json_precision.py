"""JSON numbers are rounded to their unit's precision (kpireport/render/json_out.py): no float-sum
artefacts such as 2469232.9420000003 in a file other programs read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.render.json_out import DECIMALS, RELATIVE_DECIMALS, SIGNIFICANT, _in, _num

from .conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("unit", "field", "value", "expected"), [
    ("currency", "", 2469232.9420000003, 2469232.942),       # the float-sum artefact goes
    ("currency", "", 1234567.123456789, 1234567.123457),     # six places for money
    ("currency", "", 0.1 + 0.2, 0.3),
    ("currency", "", 0.18125, 0.18125),                      # revenue per visitor keeps its fraction of a cent
    ("currency", "attainment", 1.0123456789, 1.01234568),    # a ratio of two amounts: eight places
    ("percent", "", 0.25000000000000006, 0.25),
    ("percent", "", 0.00158321406911236, 0.00158321407),     # a small margin keeps nine significant digits
    ("percent", "change_relative", -0.0, 0.0),               # never -0.0
    ("count", "", 1234.56789012, 1234.56789),
    ("duration", "", 123456.04321, 123456.043),              # seconds: three places
    ("days", "", 30.000000000000004, 30.0),
    ("unknown", "", 1.2345678912, 1.23456789),
    ("currency", "", float("nan"), None),
    ("currency", "", None, None),
])
def test_rounded_to_the_unit(unit: str, field: str, value, expected) -> None:
    got = _in(unit)(value, field)
    assert got == expected and (got is None or str(got) == str(expected))


def test_no_negative_zero() -> None:
    assert str(_num(-0.0, 2)) == "0.0"


@pytest.mark.parametrize("value", [0.00158321406911236, 1e-7 / 3, 123.456789123, 2469232.9420000003, -0.0301])
def test_within_a_relative_1e_8(value: float) -> None:
    for unit in DECIMALS:
        assert abs(_in(unit)(value) - value) <= 1e-8 * abs(value)


def _decimals(x: float) -> int:
    text = repr(x)
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


def _allowed(x: float, places: int) -> int:
    import math

    return places if x == 0 else max(places, SIGNIFICANT - 1 - math.floor(math.log10(abs(x))))


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
                assert _decimals(kpi[key]) <= _allowed(kpi[key], places), (kpi["name"], key, kpi[key])
                checked += 1
        for key in ("attainment", "change_relative"):
            if isinstance(kpi[key], float):
                assert _decimals(kpi[key]) <= _allowed(kpi[key], RELATIVE_DECIMALS), (kpi["name"], key, kpi[key])
        for series in (kpi["values"], kpi["targets"]):
            for v in series.values():
                if isinstance(v, float):
                    assert _decimals(v) <= _allowed(v, places), (kpi["name"], v)
                    checked += 1
    assert checked > 500
