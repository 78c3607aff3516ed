"""A plain (non-editable) install finds its templates and data files from any folder.

The wheel is built from the repository and unpacked into a temporary folder; the report is
then generated with `python -S` so that only that copy (not the editable install of the
test environment) can be imported, from a working directory outside the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_wheel_install_produces_the_same_report(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)], tmp_path)
    assert built.returncode == 0, built.stderr
    [wheel] = list(dist.glob("kpireport-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "kpireport/templates/report.html.j2" in names
    assert "kpireport/data/catalog.yaml" in names
    assert "kpireport/data/tables.yaml" in names
    assert "kpireport/serve/page.html.j2" in names  # the drop page of `kpireport serve`
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"],
                                                         sysconfig.get_paths()["platlib"]])}
    where = _run([sys.executable, "-S", "-c", "import kpireport; print(kpireport.__file__)"], elsewhere, env)
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr

    installed = _run([sys.executable, "-S", "-m", "kpireport", "generate", str(SAMPLES), "--out", "out", "-q"],
                     elsewhere, env)
    assert installed.returncode == 0, installed.stderr
    editable = _run([sys.executable, "-m", "kpireport", "generate", str(SAMPLES), "--out", str(tmp_path / "ref"), "-q"],
                    ROOT)
    assert editable.returncode == 0, editable.stderr
    for suffix in ("xlsx", "html", "json"):
        assert (elsewhere / "out" / f"kpi-report.{suffix}").stat().st_size > 0
    a = json.loads((elsewhere / "out" / "kpi-report.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "ref" / "kpi-report.json").read_text(encoding="utf-8"))
    assert a == b
    html_a = (elsewhere / "out" / "kpi-report.html").read_text(encoding="utf-8")
    html_b = (tmp_path / "ref" / "kpi-report.html").read_text(encoding="utf-8")
    assert html_a == html_b
