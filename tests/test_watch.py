"""The drop folder (kpireport/watch/): files are taken once complete, reported, moved out
unchanged to processed/ or failed/, never lost or duplicated, and a restart finishes what a
killed run left half done."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xlsxwriter

from kpireport.config import Config
from kpireport.errors import CorruptFileError, InputError
from kpireport.watch import FAILED, JOURNAL, PROCESSED, Watcher, ignored, report_processor, wait_for

from .conftest import SAMPLES


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_orders_xlsx(path: Path, seed: int, n: int = 200) -> Path:
    """A one-sheet orders export: a few hundred orders over 14 months."""
    rng = np.random.default_rng(seed)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Orders")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(("Order Date", "Revenue", "Cost", "Region", "Customer ID")):
        ws.write_string(0, c, h)
    start = dt.datetime(2025, 9, 1)
    for r in range(1, n + 1):
        ws.write_datetime(r, 0, start + dt.timedelta(days=int(rng.integers(0, 425))), date)
        revenue = float(rng.integers(50, 900))
        ws.write_number(r, 1, revenue)
        ws.write_number(r, 2, round(revenue * rng.uniform(0.4, 0.8), 2))
        ws.write_string(r, 3, ("North", "South", "East")[r % 3])
        ws.write_string(r, 4, f"C{int(rng.integers(1, 60)):04d}")
    wb.close()
    return path


def orders_csv_lines(seed: int, n: int = 150) -> list[str]:
    rng = np.random.default_rng(seed)
    lines = ["Order Date,Revenue,Region\n"]
    for _ in range(n):
        day = dt.date(2025, 9, 1) + dt.timedelta(days=int(rng.integers(0, 425)))
        lines.append(f"{day.isoformat()},{int(rng.integers(50, 900))},{('North', 'South')[int(rng.integers(0, 2))]}\n")
    return lines


def fake_process(calls: list[str] | None = None):
    """A quick stand-in for the report: fails for files whose content starts with b'BAD'."""
    def process(path: Path, report_dir: Path) -> str:
        data = path.read_bytes()
        if calls is not None:
            calls.append(path.name)
        if data.startswith(b"BAD"):
            raise CorruptFileError(f"{path.name}: the file is damaged.", "Export it again.")
        if data.startswith(b"BUG"):
            raise ZeroDivisionError("division by zero")
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "report.txt").write_bytes(b"report of " + data)
        return "ok"
    return process


def watcher(tmp_path: Path, process=None, **kw) -> Watcher:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    kw.setdefault("interval", 0.05)
    kw.setdefault("empty_settle", 0.2)
    return Watcher(inbox, tmp_path / "out", process or fake_process(), **kw)


# -- what is a dropped file ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "skip"), [
    ("sales.xlsx", False), ("export 2026-10.csv", False), ("Siparişler.xlsx", False), ("notes.txt", False),
    ("~$sales.xlsx", True), (".~lock.sales.xlsx#", True), (".DS_Store", True), (".hidden.csv", True),
    ("sales.xlsx.tmp", True), ("download.part", True), ("big.csv.crdownload", True), ("sales.xlsx~", True),
    ("Thumbs.db", True), ("x.partial", True),
])
def test_what_counts_as_a_dropped_file(name: str, skip: bool):
    assert ignored(name) is skip


def test_missing_inbox_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="does not exist"):
        Watcher(tmp_path / "nope", tmp_path / "out", fake_process())
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        Watcher(tmp_path / "file", tmp_path / "out", fake_process())


# -- processing and moving ------------------------------------------------------------------------

def test_good_bad_and_buggy_files_each_end_up_once(tmp_path: Path):
    w = watcher(tmp_path)
    inbox = w.inbox
    (inbox / "good.xlsx").write_bytes(b"GOOD")
    (inbox / "bad.xlsx").write_bytes(b"BAD data")
    (inbox / "bug.csv").write_bytes(b"BUG")
    (inbox / "~$good.xlsx").write_bytes(b"lock")
    outcomes = w.run(once=True)
    assert sorted((o.source.name, o.ok) for o in outcomes) == [("bad.xlsx", False), ("bug.csv", False),
                                                               ("good.xlsx", True)]
    assert (inbox / PROCESSED / "good.xlsx").read_bytes() == b"GOOD"
    assert (w.out / "good" / "report.txt").read_bytes() == b"report of GOOD"
    assert (inbox / FAILED / "bad.xlsx").read_bytes() == b"BAD data"
    assert (inbox / FAILED / "bad.xlsx.txt").read_text() == "bad.xlsx: the file is damaged. Export it again.\n"
    assert "unexpected error (ZeroDivisionError: division by zero)" in (inbox / FAILED / "bug.csv.txt").read_text()
    assert sorted(p.name for p in inbox.iterdir()) == [JOURNAL, "failed", "processed", "~$good.xlsx"]
    assert not list((inbox / JOURNAL).iterdir())


def test_a_name_used_before_gets_a_number_and_nothing_is_overwritten(tmp_path: Path):
    w = watcher(tmp_path)
    for month in (b"BAD september", b"october", b"november", b"BAD december"):
        (w.inbox / "export.xlsx").write_bytes(month)
        w.run(once=True)
    processed = sorted(p.name for p in (w.inbox / PROCESSED).iterdir())
    failed = sorted(p.name for p in (w.inbox / FAILED).iterdir())
    # failed/export.xlsx and its .txt hold the first name, so october is export-2, november export-3.
    assert processed == ["export-2.xlsx", "export-3.xlsx"]
    assert failed == ["export-4.xlsx", "export-4.xlsx.txt", "export.xlsx", "export.xlsx.txt"]
    assert (w.inbox / PROCESSED / "export-2.xlsx").read_bytes() == b"october"
    assert (w.out / "export-3" / "report.txt").read_bytes() == b"report of november"
    assert sorted(p.name for p in w.out.iterdir()) == ["export-2", "export-3"]


def test_same_stem_other_extension_gets_its_own_report_folder(tmp_path: Path):
    w = watcher(tmp_path)
    (w.inbox / "sales.xlsx").write_bytes(b"xlsx")
    w.run(once=True)
    (w.inbox / "sales.csv").write_bytes(b"csv")
    w.run(once=True)
    assert (w.out / "sales" / "report.txt").read_bytes() == b"report of xlsx"
    assert (w.out / "sales-2" / "report.txt").read_bytes() == b"report of csv"
    assert (w.inbox / PROCESSED / "sales-2.csv").read_bytes() == b"csv"


def test_a_file_still_being_written_waits_until_it_stops_changing(tmp_path: Path):
    calls: list[str] = []
    w = watcher(tmp_path, fake_process(calls), interval=0.1)
    path = w.inbox / "growing.csv"
    finished = threading.Event()

    def write() -> None:
        with open(path, "wb") as fh:
            for i in range(30):
                fh.write(f"row {i}\n".encode())
                fh.flush()
                time.sleep(0.02)
        finished.set()

    stop = threading.Event()
    thread = threading.Thread(target=lambda: w.run(stop=stop))
    writer = threading.Thread(target=write)
    writer.start()
    thread.start()
    try:
        assert wait_for(lambda: (w.inbox / PROCESSED / "growing.csv").exists(), 20)
    finally:
        stop.set()
        thread.join(10)
        writer.join(10)
    assert finished.is_set() and calls == ["growing.csv"]
    assert (w.inbox / PROCESSED / "growing.csv").read_bytes().count(b"\n") == 30


def test_a_file_saved_again_while_being_reported_is_taken_again(tmp_path: Path):
    calls: list[bytes] = []
    inner = fake_process()

    def process(path: Path, report_dir: Path) -> str:
        calls.append(path.read_bytes())
        if len(calls) == 1:
            time.sleep(0.01)
            with open(path, "ab") as fh:  # the user saves a newer version meanwhile
                fh.write(b" v2")
        return inner(path, report_dir)

    w = watcher(tmp_path, process)
    (w.inbox / "sales.xlsx").write_bytes(b"GOOD v1")
    [outcome] = w.run(once=True)
    assert calls == [b"GOOD v1", b"GOOD v1 v2"]
    assert outcome.moved_to.read_bytes() == b"GOOD v1 v2"
    assert (w.out / "sales" / "report.txt").read_bytes() == b"report of GOOD v1 v2"


def test_an_empty_file_waits_for_its_writer(tmp_path: Path):
    now = [0.0]
    w = watcher(tmp_path, empty_settle=10, clock=lambda: now[0])
    (w.inbox / "new.xlsx").write_bytes(b"")
    assert w.poll() == [] and w.poll() == []  # seen twice, but empty for 0 s
    now[0] = 11.0
    [outcome] = w.poll()
    assert outcome.moved_to.name == "new.xlsx"


def test_a_file_that_cannot_be_moved_stays_and_is_not_redone(tmp_path: Path, monkeypatch):
    import kpireport.watch.moves as moves_module

    calls: list[str] = []
    w = watcher(tmp_path, fake_process(calls))
    (w.inbox / "locked.xlsx").write_bytes(b"GOOD")

    def refuse(src, dest):
        raise PermissionError(errno.EACCES, "in use")

    monkeypatch.setattr(moves_module, "link_or_move", refuse)
    for _ in range(4):
        w.poll()
    assert calls == ["locked.xlsx"]
    assert (w.inbox / "locked.xlsx").read_bytes() == b"GOOD"
    assert not list((w.inbox / JOURNAL).iterdir())
    monkeypatch.undo()
    (w.inbox / "locked.xlsx").write_bytes(b"GOOD again")  # changed: tried again
    w.run(once=True)
    assert (w.inbox / PROCESSED / "locked.xlsx").read_bytes() == b"GOOD again"


def test_processed_on_another_filesystem_is_copied_then_removed(tmp_path: Path, monkeypatch):
    w = watcher(tmp_path)
    (w.inbox / "far.xlsx").write_bytes(b"GOOD far")

    def cross(*args, **kw):
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(os, "link", cross)
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(errno.EXDEV, "x"))
                        if Path(a).parent == w.inbox else shutil.move(a, b))
    w.run(once=True)
    assert (w.inbox / PROCESSED / "far.xlsx").read_bytes() == b"GOOD far"
    assert not (w.inbox / "far.xlsx").exists()
    assert [p.name for p in (w.inbox / PROCESSED).iterdir()] == ["far.xlsx"]


# -- restart after a kill ----------------------------------------------------------------------------

def _journal(inbox: Path, source: str, folder: str, dest: str, reason: str = "") -> None:
    (inbox / JOURNAL).mkdir(exist_ok=True)
    (inbox / JOURNAL / "move-deadbeef0001.json").write_text(json.dumps(
        {"source": source, "folder": folder, "dest": dest, "reason": reason}), encoding="utf-8")


def test_restart_finishes_a_half_moved_file(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / PROCESSED).mkdir(parents=True)
    (inbox / "sales.xlsx").write_bytes(b"GOOD")
    os.link(inbox / "sales.xlsx", inbox / PROCESSED / "sales.xlsx")  # killed between link and unlink
    _journal(inbox, "sales.xlsx", PROCESSED, "sales.xlsx")
    calls: list[str] = []
    w = watcher(tmp_path, fake_process(calls))
    assert not (inbox / "sales.xlsx").exists()
    assert (inbox / PROCESSED / "sales.xlsx").read_bytes() == b"GOOD"
    assert w.run(once=True) == [] and calls == []
    assert not list((inbox / JOURNAL).iterdir())


def test_restart_writes_the_missing_reason(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / FAILED).mkdir(parents=True)
    (inbox / FAILED / "bad.csv").write_bytes(b"BAD")  # killed after the move, before the .txt
    _journal(inbox, "bad.csv", FAILED, "bad.csv", "bad.csv: the file is damaged.")
    watcher(tmp_path)
    assert (inbox / FAILED / "bad.csv.txt").read_text() == "bad.csv: the file is damaged.\n"


def test_restart_leaves_a_different_file_alone_and_removes_partial_copies(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / PROCESSED).mkdir(parents=True)
    (inbox / "a.xlsx").write_bytes(b"GOOD new")
    (inbox / PROCESSED / "a.xlsx").write_bytes(b"GOOD old")
    (inbox / PROCESSED / ".kpireport-partial-0011-b.xlsx").write_bytes(b"GOO")
    _journal(inbox, "a.xlsx", PROCESSED, "a.xlsx")
    w = watcher(tmp_path)
    assert (inbox / "a.xlsx").read_bytes() == b"GOOD new"  # not the same file: kept, processed again
    assert not (inbox / PROCESSED / ".kpireport-partial-0011-b.xlsx").exists()
    w.run(once=True)
    assert (inbox / PROCESSED / "a-2.xlsx").read_bytes() == b"GOOD new"
    assert (inbox / PROCESSED / "a.xlsx").read_bytes() == b"GOOD old"


def test_a_report_written_before_a_kill_is_redone_in_the_same_folder(tmp_path: Path):
    w = watcher(tmp_path)
    (w.out / "sales").mkdir(parents=True)
    (w.out / "sales" / "report.txt").write_bytes(b"stale")  # report written, file not yet moved
    (w.inbox / "sales.xlsx").write_bytes(b"GOOD")
    w.run(once=True)
    assert (w.out / "sales" / "report.txt").read_bytes() == b"report of GOOD"
    assert sorted(p.name for p in w.out.iterdir()) == ["sales"]


# -- fifty files, for real ---------------------------------------------------------------------------

def test_fifty_dropped_files_each_end_up_once_and_unchanged(tmp_path: Path):
    staging = tmp_path / "staging"
    staging.mkdir()
    good: list[Path] = []
    bad: list[Path] = []
    for i in range(14):
        good.append(small_orders_xlsx(staging / f"orders-{i:02d}.xlsx", seed=i))
    for i in range(4):
        p = staging / f"shop export {i}.csv"
        p.write_text("".join(orders_csv_lines(100 + i)), encoding="utf-8")
        good.append(p)
    truncated = small_orders_xlsx(staging / "whole.xlsx", seed=99).read_bytes()
    rng = np.random.default_rng(7)
    for i in range(6):
        (staging / f"text-{i}.xlsx").write_text(f"this is not a workbook {i}\n", encoding="utf-8")
        (staging / f"empty-{i}.{'csv' if i % 2 else 'xlsx'}").write_bytes(b"")
        (staging / f"cut-{i}.xlsx").write_bytes(truncated[: 800 + 300 * i])
        (staging / f"noise-{i}.xlsx").write_bytes(rng.bytes(2000 + i))
        (staging / f"letter-{i}.txt").write_text("Dear team,\nplease find the numbers attached.\n", encoding="utf-8")
    bad = [p for p in staging.iterdir() if p.name.startswith(("text-", "empty-", "cut-", "noise-", "letter-"))]
    shutil.copy(SAMPLES / "okrs.xlsx", staging / "okrs.xlsx")  # a real workbook with nothing dated: fails
    bad.append(staging / "okrs.xlsx")
    (staging / "whole.xlsx").unlink()
    assert len(good) + len(bad) == 49  # and one more, written slowly while the watcher runs

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    events: list[tuple[float, str]] = []
    w = Watcher(inbox, out, report_processor(Config()), interval=0.2, empty_settle=0.5,
                log=lambda line: events.append((time.monotonic(), line)))
    stop = threading.Event()
    runner = threading.Thread(target=lambda: w.run(stop=stop), daemon=True)
    runner.start()

    slow_lines = orders_csv_lines(500, n=60)
    slow_done: list[float] = []

    def slow_writer() -> None:
        with open(inbox / "slow export.csv", "w", encoding="utf-8") as fh:
            for line in slow_lines:
                fh.write(line)
                fh.flush()
                time.sleep(0.03)  # ~1.8 s of appending: many polls see it grow
        slow_done.append(time.monotonic())

    writer = threading.Thread(target=slow_writer)
    writer.start()
    digests = {p.name: sha256(p) for p in good + bad}
    for p in sorted(good + bad, key=lambda p: hashlib.md5(p.name.encode()).hexdigest()):
        shutil.copyfile(p, inbox / p.name)
        time.sleep(0.01)
    for name in ("~$orders-00.xlsx", ".~lock.orders-01.xlsx#", "download.part", "copy.tmp", ".hidden.csv"):
        (inbox / name).write_bytes(b"not for us")
    writer.join(30)
    digests["slow export.csv"] = hashlib.sha256("".join(slow_lines).encode("utf-8")).hexdigest()
    good_names = {p.name for p in good} | {"slow export.csv"}
    assert len(digests) == 50

    def failed_files() -> set[str]:  # the dropped files in failed/, each with its <name>.txt
        names = {p.name for p in (inbox / FAILED).iterdir()}
        return {n for n in names if f"{n}.txt" in names}

    def done() -> bool:
        return len(list((inbox / PROCESSED).iterdir())) + len(failed_files()) >= 50
    try:
        assert wait_for(done, 150, 0.2), [f"{t - events[0][0]:.1f} {line[:90]}" for t, line in events]
    finally:
        stop.set()
        runner.join(60)
    assert not runner.is_alive()

    processed = {p.name for p in (inbox / PROCESSED).iterdir()}
    failed = failed_files()
    assert {p.name for p in (inbox / FAILED).iterdir()} == failed | {f"{n}.txt" for n in failed}
    assert processed == good_names, (processed ^ good_names)
    assert failed == set(digests) - good_names
    for name, digest in digests.items():
        place = inbox / (PROCESSED if name in good_names else FAILED) / name
        assert sha256(place) == digest, name
    for name in failed:
        reason = (inbox / FAILED / f"{name}.txt").read_text(encoding="utf-8")
        assert reason.strip() and reason.count("\n") == 1, name
    for name in processed:
        folder = out / Path(name).stem
        assert sorted(p.name for p in folder.iterdir()) == ["kpi-report.eml", "kpi-report.html", "kpi-report.json",
                                                           "kpi-report.pdf", "kpi-report.xlsx"], name
    assert sorted(p.name for p in inbox.iterdir()) == sorted(
        [".hidden.csv", ".kpireport", ".~lock.orders-01.xlsx#", "copy.tmp", "download.part", "failed", "processed",
         "~$orders-00.xlsx"])
    assert not list((inbox / JOURNAL).iterdir())
    started = [t for t, line in events if line == "processing slow export.csv"]
    assert len(started) == 1 and started[0] > slow_done[0], "the growing file was taken before it was complete"
    assert sum(line.startswith("processing ") for _, line in events) == 50


# -- a hostile file in the queue ----------------------------------------------------------------------

def test_watch_once_fails_the_7kb_abort_file_and_reports_the_good_files_behind_it(tmp_path: Path):
    """The 7 KB workbook whose sheet part is not named *.xml and which holds a value at XFD1048576
    once aborted the process (a Rust allocation of 512 GB), so every restart crashed on it again and
    the files behind it were never reported. Run through the real CLI in a child process: an abort
    would show as a negative exit code here instead of killing the test run."""
    import random
    import subprocess
    import sys

    from .hostile_corpus import corner_cell, move_sheet, order_rows, xlsx_bytes

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    bomb = move_sheet(xlsx_bytes(order_rows(40, random.Random(1))), "xl/worksheets/sheet1.bin",
                      "worksheets/sheet1.bin", corner_cell)
    assert len(bomb) < 8000
    (inbox / "aa-first.xlsx").write_bytes(bomb)
    small_orders_xlsx(inbox / "bb-good.xlsx", seed=3)
    (inbox / "cc-good.csv").write_text("".join(orders_csv_lines(4)), encoding="utf-8")
    os.utime(inbox / "aa-first.xlsx", (1, 1))  # the oldest: taken first
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-m", "kpireport", "watch", str(inbox), "--out", str(out), "--once",
                             "--interval", "0.1", "-q"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(root)}, cwd=root)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr
    assert sorted(p.name for p in (inbox / PROCESSED).iterdir()) == ["bb-good.xlsx", "cc-good.csv"]
    assert sorted(p.name for p in (inbox / FAILED).iterdir()) == ["aa-first.xlsx", "aa-first.xlsx.txt"]
    reason = (inbox / FAILED / "aa-first.xlsx.txt").read_text(encoding="utf-8")
    assert "XFD1048576" in reason and reason.count("\n") == 1
    assert (inbox / FAILED / "aa-first.xlsx").read_bytes() == bomb
    assert sorted(p.name for p in out.iterdir()) == ["bb-good", "cc-good"]


# -- writers that pause, reports that cannot be written, hostile names ----------------------------------

def test_a_writer_that_only_paused_sends_the_file_back_and_it_is_reported_whole(tmp_path: Path):
    calls: list[bytes] = []
    inner = fake_process()

    def process(path: Path, report_dir: Path) -> str:
        calls.append(path.read_bytes())
        return inner(path, report_dir)

    w = watcher(tmp_path, process)
    with open(w.inbox / "sales.csv", "wb") as writer:  # the writer keeps the file open throughout
        writer.write(b"GOOD first half")
        writer.flush()
        assert w.poll() == [] and len(w.poll()) == 1  # stable over two polls: taken, moved to processed/
        assert (w.inbox / PROCESSED / "sales.csv").exists()
        writer.write(b" + second half")  # ... and the writer was not done
        writer.flush()
        w.poll()
    assert not (w.inbox / PROCESSED / "sales.csv").exists(), "left growing in processed/"
    assert (w.inbox / "sales.csv").read_bytes() == b"GOOD first half + second half"
    w.run(once=True)
    assert calls == [b"GOOD first half", b"GOOD first half + second half"]
    assert sorted(p.name for p in (w.inbox / PROCESSED).iterdir()) == ["sales.csv"]
    assert (w.out / "sales" / "report.txt").read_bytes() == b"report of GOOD first half + second half"
    assert sorted(p.name for p in w.out.iterdir()) == ["sales"]


def test_a_file_unchanged_after_the_move_stays_where_it_went(tmp_path: Path):
    w = watcher(tmp_path, recheck_polls=2)
    (w.inbox / "done.csv").write_bytes(b"GOOD")
    w.run(once=True)
    assert not w._moved, "once waits until the moved files were looked at again"
    assert (w.inbox / PROCESSED / "done.csv").read_bytes() == b"GOOD"


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "No space left"), (errno.EACCES, "Permission denied"),
                                             (errno.EROFS, "Read-only file system")])
def test_a_report_that_cannot_be_written_leaves_the_file_in_the_inbox(tmp_path: Path, monkeypatch, code: int,
                                                                     words: str):
    import kpireport.deliver.files as files

    def refuse(path, payload):
        raise OSError(code, os.strerror(code))

    lines: list[str] = []
    w = watcher(tmp_path, report_processor(Config()), log=lines.append, retry_after=0.0)
    small_orders_xlsx(w.inbox / "orders.xlsx", seed=5)
    digest = sha256(w.inbox / "orders.xlsx")
    monkeypatch.setattr(files, "_write_synced", refuse)
    [outcome] = w.run(once=True)
    assert outcome.held and not outcome.ok and outcome.moved_to == w.inbox / "orders.xlsx"
    assert words in outcome.reason
    assert sha256(w.inbox / "orders.xlsx") == digest
    assert not list((w.inbox / FAILED).iterdir()) and not list((w.inbox / PROCESSED).iterdir())
    assert not list(w.out.iterdir()), "a failed write left a report folder behind"
    assert any(line.startswith("held orders.xlsx: its report cannot be written") and words in line for line in lines)
    monkeypatch.undo()
    [outcome] = w.run(once=True)  # the disk has room again: the same file, reported
    assert outcome.ok and (w.inbox / PROCESSED / "orders.xlsx").exists()
    assert (w.out / "orders" / "kpi-report.xlsx").exists()


@pytest.mark.parametrize(("name", "folder"), [
    ("a\nprocessed fake.xlsx -> x.csv", "a_processed fake.xlsx -_ x"),
    ("invoice\u202excsv.csv", "invoice_xcsv"),
    ("\x1b[31mred.csv", "_[31mred"),
    (" .csv", "_"),
    ("ends in dots....csv", "ends in dots"),
    ("Siparişler 2026.csv", "Siparişler 2026"),
])
def test_names_are_safe_in_folders_and_logs(tmp_path: Path, name: str, folder: str):
    lines: list[str] = []
    w = watcher(tmp_path, log=lines.append)
    (w.inbox / name).write_bytes(b"GOOD")
    (w.inbox / ("BAD " + name)).write_bytes(b"BAD")
    w.run(once=True)
    assert sorted(p.name for p in w.out.iterdir()) == [folder]
    assert (w.inbox / PROCESSED / name).read_bytes() == b"GOOD"  # the file itself keeps its name
    for line in lines:
        assert "\n" not in line and "\u202e" not in line and "\x1b" not in line, line
    reason = (w.inbox / FAILED / f"BAD {name}.txt").read_text(encoding="utf-8")
    assert reason.count("\n") == 1 and "\u202e" not in reason and "\x1b" not in reason
