"""Nothing lost: outputs are staged then swapped in; a failed or killed run leaves the previous
report byte-identical and at most one `.kpi-report.*.tmp` entry, which the next run removes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpireport.deliver import files
from kpireport.errors import OutputError

from .conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("kpi-report.xlsx", "kpi-report.html", "kpi-report.json")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp"))


def previous_report(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        (folder / name).write_bytes(f"previous {name}\n".encode() * 100)
    return digests(folder)


# --- the library -------------------------------------------------------------------------------


def test_write_all_writes_everything_and_leaves_no_temps(tmp_path: Path) -> None:
    out = tmp_path / "new" / "report"
    written = files.write_all({out / "kpi-report.xlsx": b"PK\x03\x04xx", out / "kpi-report.html": "<p>ü</p>"})
    assert [p.name for p in written] == ["kpi-report.xlsx", "kpi-report.html"]
    assert (out / "kpi-report.html").read_text(encoding="utf-8") == "<p>ü</p>"
    assert temps(out) == []


def test_a_failure_while_staging_leaves_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = previous_report(tmp_path)
    real = files._write_synced
    calls = []

    def failing(path: Path, payload: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, payload)

    monkeypatch.setattr(files, "_write_synced", failing)
    with pytest.raises(OutputError, match="No space left"):
        files.write_all({tmp_path / n: b"new" for n in OUTPUTS})
    assert digests(tmp_path) == before
    assert temps(tmp_path) == []


def test_a_failure_while_swapping_rolls_back(tmp_path: Path) -> None:
    before = previous_report(tmp_path)
    (tmp_path / "kpi-report.json").unlink()
    (tmp_path / "kpi-report.json").mkdir()  # the last replace fails: a folder is in the way
    del before["kpi-report.json"]
    with pytest.raises(OutputError, match="previous report was left as it was"):
        files.write_all({tmp_path / n: b"new" for n in OUTPUTS})
    assert digests(tmp_path) == before
    assert temps(tmp_path) == []


def test_rollback_removes_files_that_did_not_exist_before(tmp_path: Path) -> None:
    (tmp_path / "kpi-report.json").mkdir()
    with pytest.raises(OutputError):
        files.write_all({tmp_path / n: b"new" for n in OUTPUTS})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpi-report.json"]


def test_stale_temps_of_dead_runs_are_cleaned_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stale = tmp_path / f".kpi-report.{dead_pid}.ab12cd34.tmp"
        stale.mkdir()
        (stale / "kpi-report.xlsx").write_bytes(b"half")
        busy = tmp_path / f".kpi-report.{live.pid}.ab12cd34.tmp"
        busy.mkdir()
        other = tmp_path / ".other-report.1.ab.tmp"
        other.mkdir()
        mine = tmp_path / "kpi-report.xlsx.tmp"
        mine.write_bytes(b"user file")
        removed = files.clean_stale_temps(tmp_path, "kpi-report")
        assert removed == [stale]
        assert busy.exists() and other.exists() and mine.exists()
    finally:
        live.kill()
        live.wait()


# --- the CLI, killed -----------------------------------------------------------------------------

# A real `kpireport generate`, with the staging write slowed down after the first file so the
# test can SIGKILL it at a known point of the write phase.
SLOW_WRITES = """
import sys, time
import kpireport.deliver.files as f
real = f._write_synced
count = [0]
def slow(path, payload):
    real(path, payload)
    count[0] += 1
    if count[0] == 1:
        sys.stderr.write("STAGED\\n"); sys.stderr.flush()
        time.sleep(60)
f._write_synced = slow
from kpireport.cli import main
main(prog_name="kpireport")
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _wait_for(proc: subprocess.Popen, marker: bytes, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    seen = b""
    os.set_blocking(proc.stderr.fileno(), False)
    while time.monotonic() < deadline:
        chunk = proc.stderr.read() or b""
        seen += chunk
        if marker in seen:
            return
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {marker!r}: {seen.decode(errors='replace')}")
        time.sleep(0.05)
    pytest.fail(f"no {marker!r} within {seconds} s")


def test_sigkill_while_writing_leaves_the_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    before = previous_report(out)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITES, "generate", str(SAMPLES / "sales_orders.xlsx"),
                             "--out", str(out), "-q"], stderr=subprocess.PIPE, env=_env(), cwd=ROOT)
    try:
        _wait_for(proc, b"STAGED", 240)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert digests(out) == before
    left = temps(out)
    assert len(left) <= 1 and all(n.startswith(".kpi-report.") and n.endswith(".tmp") for n in left), left
    assert left, "the kill should have left the staging folder of the killed run"

    # the next run cleans it up and writes the new report
    result = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(SAMPLES / "sales_orders.xlsx"),
                             "--out", str(out), "-q"], capture_output=True, text=True, env=_env(), cwd=ROOT,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert temps(out) == []
    after = digests(out)
    assert all(after[n] != before[n] for n in OUTPUTS)


def test_sigkill_midway_through_a_run_leaves_the_previous_report(tmp_path: Path) -> None:
    """Killed one second into a run over all the samples (reading / computing): nothing changes."""
    out = tmp_path / "report"
    before = previous_report(out)
    proc = subprocess.Popen([sys.executable, "-m", "kpireport", "generate", str(SAMPLES), "--out", str(out), "-q"],
                            stderr=subprocess.DEVNULL, env=_env(), cwd=ROOT)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert digests(out) == before
    left = temps(out)
    assert len(left) <= 1 and all(n.startswith(".kpi-report.") and n.endswith(".tmp") for n in left), left
