"""Which paths become input files (kpireport/read/inputs.py): regular files only (FIFOs and devices
refused without hanging), shell pipes read fully once, no links out of a named folder, and never
a workbook kpireport wrote itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kpireport.errors import InputError
from kpireport.problems import ProblemLog
from kpireport.read.inputs import expand, is_report

from .conftest import SAMPLES
from .test_watch import orders_csv_lines

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def cli(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kpireport", *args], capture_output=True, text=True, timeout=120,
                          env=ENV, cwd=ROOT, **kw)


@pytest.fixture
def csv_text() -> str:
    return "".join(orders_csv_lines(3, n=2000))  # ~40 KB: far beyond the 8 KiB a sniff reads first


# -- non-regular files ------------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "words"), [
    (lambda p: os.mkfifo(p), "a named pipe (FIFO), not a file"),
    (lambda p: p.symlink_to("/dev/zero"), "a device, not a file"),
])
def test_named_non_regular_files_are_refused(tmp_path: Path, make, words: str) -> None:
    path = tmp_path / "orders.csv"
    make(path)
    with pytest.raises(InputError, match=re.escape(words)):
        expand([path])


@pytest.mark.parametrize("command", ["generate", "validate"])
def test_a_fifo_does_not_hang_the_cli(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    args = [command, str(fifo)] + (["--out", str(tmp_path / "out")] if command == "generate" else [])
    result = cli(*args)  # before: blocked in open() until the 120 s timeout
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "named pipe (FIFO)" in lines[0] and "Traceback" not in result.stderr


def test_a_shell_pipe_is_read_fully_once(tmp_path: Path, csv_text: str) -> None:
    """`kpireport generate <(cat orders.csv)`: the same report as from the file itself."""
    plain = tmp_path / "orders.csv"
    plain.write_text(csv_text, encoding="utf-8")
    assert cli("generate", str(plain), "--out", str(tmp_path / "a"), "-q").returncode == 0
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as fh:
            fh.write(csv_text.encode("utf-8"))

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        result = cli("generate", f"/dev/fd/{read_end}", "--out", str(tmp_path / "b"), "-q", pass_fds=(read_end,))
    finally:
        os.close(read_end)
        writer.join(10)
    assert result.returncode == 0, result.stderr
    a, b = (json.loads((tmp_path / d / "kpi-report.json").read_text(encoding="utf-8")) for d in ("a", "b"))
    assert a["kpis"]["revenue"]["values"] == b["kpis"]["revenue"]["values"]
    assert sum(a["kpis"]["revenue"]["values"].values()) > 0


# -- folders ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "target", "read", "note"), [
    ("inside.csv", "real.csv", True, ""),                           # a link to a file in the folder
    ("escape.csv", "/etc/passwd", False, "a link to /etc/passwd, outside the folder"),
    ("up.csv", "../secret.csv", False, "outside the folder"),
    ("gone.csv", "missing.csv", False, "a link whose target is missing"),
])
def test_links_in_a_folder_stay_in_the_folder(tmp_path: Path, csv_text: str, name: str, target: str, read: bool,
                                              note: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "secret.csv").write_text(csv_text, encoding="utf-8")
    (folder / name).symlink_to(target)
    problems = ProblemLog()
    names = [p.name for p in expand([folder], problems)]
    assert names == sorted(["real.csv", *([name] if read else [])])
    notes = [(p.file, p.reason) for p in problems.items]
    if read:
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0][0] == name and note in notes[0][1], notes


def test_a_fifo_in_a_folder_is_skipped_with_a_note(tmp_path: Path, csv_text: str) -> None:
    (tmp_path / "orders.csv").write_text(csv_text, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.csv")
    problems = ProblemLog()
    assert [p.name for p in expand([tmp_path], problems)] == ["orders.csv"]
    assert [(p.file, p.reason) for p in problems.items] == [("pipe.csv", "a named pipe (FIFO), not a file; not read.")]


# -- our own output -----------------------------------------------------------------------------------

def test_a_report_written_into_its_input_folder_is_not_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    shutil.copytree(SAMPLES, folder)
    first = cli("generate", str(folder), "--out", str(folder), "--with-data", "-q")
    assert first.returncode == 0, first.stderr
    assert is_report(folder / "kpi-report.xlsx") and is_report(folder / "kpi-report-data.xlsx")
    assert not any(is_report(p) for p in SAMPLES.iterdir())
    before = json.loads((folder / "kpi-report.json").read_text(encoding="utf-8"))
    second = cli("generate", str(folder), "--out", str(tmp_path / "again"), "-q")
    assert second.returncode == 0, second.stderr
    after = json.loads((tmp_path / "again" / "kpi-report.json").read_text(encoding="utf-8"))
    assert {k: v["values"] for k, v in after["kpis"].items()} == {k: v["values"] for k, v in before["kpis"].items()}
    skipped = sorted(p["file"] for p in after["problems"] if "report marker" in p["reason"])
    assert skipped == ["kpi-report-data.xlsx", "kpi-report.xlsx"]


def test_only_reports_given_is_an_input_error(tmp_path: Path) -> None:
    result = cli("generate", str(SAMPLES / "sales_orders.xlsx"), "--out", str(tmp_path / "r"), "-q")
    assert result.returncode == 0, result.stderr
    with pytest.raises(InputError, match="reports kpireport wrote itself"):
        expand([tmp_path / "r" / "kpi-report.xlsx"])


@pytest.mark.parametrize("at", [100, 8191, 8192, 50_000])
def test_a_nul_anywhere_in_a_csv_is_binary_data(tmp_path: Path, csv_text: str, at: int) -> None:
    """Sniffing reads the first 8 KiB; a NUL after them gets the same category (exit 4)."""
    from kpireport.errors import NotAWorkbookError
    from kpireport.read import read_path

    data = csv_text.encode("utf-8")
    path = tmp_path / "orders.csv"
    path.write_bytes(data[:at] + b"\x00" + data[at:])
    with pytest.raises(NotAWorkbookError, match="holds binary data"):
        read_path(path)


@pytest.mark.parametrize(("text", "rows"), [
    ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
    ("a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]),
    ("a,b\r1,2\r", [["a", "b"], ["1", "2"]]),                       # old Mac line ends
    ('a,b\n"x\ny",2\n', [["a", "b"], ["x\ny", "2"]]),               # a quoted line break
    ('a,b\r\n"x\r\ny",2', [["a", "b"], ["x\r\ny", "2"]]),           # ... and no final newline
    ("\ufeffa;b\n1;2\n", [["a", "b"], ["1", "2"]]),                 # BOM, semicolons
    ("sep=|\na|b\n1|2\n", [["a", "b"], ["1", "2"]]),                # Excel's sep= line
    ("a,b\n1,\n,2\n", [["a", "b"], ["1", None], [None, "2"]]),
])
def test_csv_lines_are_split_as_the_csv_module_would(tmp_path: Path, text: str, rows: list) -> None:
    from kpireport.read import read_path

    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    [sheet] = read_path(path)
    assert sheet.rows == rows


def test_a_repeated_text_is_one_object(tmp_path: Path) -> None:
    from kpireport.read import read_path

    path = tmp_path / "t.csv"
    path.write_text("Region,Revenue\n" + "".join(f"North,{i}\n" for i in range(1000)), encoding="utf-8")
    [sheet] = read_path(path)
    assert len({id(row[0]) for row in sheet.rows[1:]}) == 1


def test_a_63_mb_csv_stays_under_1_gib(tmp_path: Path) -> None:
    """1.3 million orders in 63 MB: the whole command, measured by a child with RUSAGE_CHILDREN
    (before: 1.26 GB peak)."""
    import datetime as dt
    import random

    rng = random.Random(1)
    path = tmp_path / "orders.csv"
    day0 = dt.date(2025, 1, 1)
    dates = [(day0 + dt.timedelta(days=d)).isoformat() for d in range(600)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Order ID,Order Date,Customer ID,Revenue,Cost,Region\n")
        i = 0
        while fh.tell() < 63_000_000:
            fh.write(f"O{i:08d},{dates[i % 600]},C{rng.randint(1, 9999):05d},{rng.uniform(10, 900):.2f},"
                     f"{rng.uniform(5, 400):.2f},{rng.choice(('North', 'South', 'East', 'West'))}\n")
            i += 1
    probe = ("import json, resource, subprocess, sys\n"
             "r = subprocess.run([sys.executable, '-m', 'kpireport', 'generate', sys.argv[1], '--out', sys.argv[2],"
             " '-q'], capture_output=True, text=True)\n"
             "print(json.dumps([r.returncode, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=300, env=ENV, cwd=ROOT)
    code, stderr, peak_kb = json.loads(done.stdout)
    assert code == 0, stderr
    assert peak_kb << 10 < 1 << 30, f"peak {peak_kb >> 10} MB"
