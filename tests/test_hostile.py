"""Hostile and broken input through the real CLI: a clear error or a correct report, bounded cost,
nothing lost.

Every case of `hostile_corpus` runs `python -m kpireport generate FILE --out DIR` in its own
subprocess, with a 60 s time limit and RLIMIT_AS = 1 GiB set by preexec_fn. The limit is the
issue's 1 GiB of address space, not a proxy: measured, a normal run over all seven sample
workbooks (pandas, numpy, matplotlib loaded) completes under RLIMIT_AS = 1 GiB, and
`test_a_normal_run_fits_the_memory_limit` keeps that true. The isolated reader's child inherits
the limit and caps itself at min(READ_MEMORY_LIMIT, 1 GiB).

For each case: the exit code is the expected category (or a report was written), stderr is one
line starting "kpireport: error:" with the expected words and no traceback, the input's sha256
is unchanged, and a failed run leaves no file at all in --out (no partial report, no temp file).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import hostile_corpus
from .conftest import SAMPLES
from .hostile_corpus import CASES, Case, build_corpus
from .shared_cache import cached_folder, content_key, progress

# The quick subset (-m "not slow") leaves the hostile runs out.
pytestmark = pytest.mark.slow

TIME_LIMIT = 60
SEED = 2026
MEMORY_LIMIT = 1 << 30
ROOT = Path(__file__).resolve().parent.parent


def _limits() -> None:  # runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "kpireport", *args], capture_output=True, text=True,
                          timeout=TIME_LIMIT, preexec_fn=_limits, env=full_env, cwd=ROOT)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, Path, str, Path]]:
    """The corpus from the shared cache (built once per content of its builders and the
    samples), with each file's sha256 as built."""
    key = content_key([Path(hostile_corpus.__file__), SAMPLES, str(SEED)])
    folder, digests = cached_folder("hostile-corpus", key,
                                    lambda into: build_corpus(into, seed=SEED, samples=SAMPLES, progress=progress))
    out_root = tmp_path_factory.mktemp("out")
    return {c.name: (c, folder / c.name, digests[c.name], out_root / c.name) for c in CASES}


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """All cases, four processes at a time, each with its own limits. Started from this thread
    only (preexec_fn is not safe with other threads) and writing to files (no pipe deadlocks)."""
    logs = tmp_path_factory.mktemp("logs")
    todo = [(name, ["generate", str(path), "--out", str(out), "-q"]) for name, (_, path, _, out) in corpus.items()]
    return run_many(todo, logs)


def run_many(todo: list[tuple[str, list[str]]], logs: Path, width: int = 4) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running: dict[str, tuple[subprocess.Popen, float, object, object]] = {}
    done: dict[str, subprocess.CompletedProcess[str]] = {}
    queue = list(todo)
    while queue or running:
        while queue and len(running) < width:
            name, args = queue.pop(0)
            out, err = open(logs / f"{name}.out", "w+b"), open(logs / f"{name}.err", "w+b")  # noqa: SIM115
            proc = subprocess.Popen([sys.executable, "-m", "kpireport", *args], stdout=out, stderr=err,
                                    preexec_fn=_limits, env=env, cwd=ROOT)
            running[name] = (proc, time.monotonic(), out, err)
        time.sleep(0.05)
        for name, (proc, started, out, err) in list(running.items()):
            if proc.poll() is None and time.monotonic() - started < TIME_LIMIT:
                continue
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                pytest.fail(f"{name}: took longer than {TIME_LIMIT} s")
            out.seek(0)
            err.seek(0)
            done[name] = subprocess.CompletedProcess(args, proc.returncode, out.read().decode("utf-8", "replace"),
                                                     err.read().decode("utf-8", "replace"))
            out.close()
            err.close()
            del running[name]
            if len(done) % 10 == 0 or len(done) == len(todo):
                progress(f"hostile runs: {len(done)}/{len(todo)} done")
    return done


def test_the_corpus_covers_every_class() -> None:
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)
    codes = {c.code for c in CASES}
    assert {0, 4, 5, 6, 7, 12, 13, 14} <= codes


def test_the_corpus_is_reproducible(tmp_path: Path, corpus) -> None:
    """A fresh build equals the cached one (so the cache is never stale or altered either)."""
    build_corpus(tmp_path, seed=SEED, samples=SAMPLES)
    for name, (_, _, digest, _) in corpus.items():
        if name != "zip_bomb.xlsx":  # big and deterministic anyway; skip the hashing
            assert sha256(tmp_path / name) == digest, name


_XFAIL: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(c.name, marks=pytest.mark.xfail(reason=_XFAIL[c.name], strict=False))
                                  if c.name in _XFAIL else c.name for c in CASES])
def test_hostile_input(name: str, corpus, runs) -> None:
    case, path, digest, out = corpus[name]
    result = runs[name]
    assert sha256(path) == digest, "the input file was modified"
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in case.accepted, (case.kind, result.returncode, result.stderr)
    if result.returncode == 0:
        assert result.stderr.strip() == "", result.stderr
        names = {p.name for p in out.iterdir()}
        assert {"kpi-report.html", "kpi-report.json", "kpi-report.xlsx"} <= names, names
        assert not [n for n in names if n.startswith(".") or n.endswith(".tmp")], names
        if case.check is not None:
            case.check(json.loads((out / "kpi-report.json").read_text(encoding="utf-8")))
        return
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kpireport: error:"), lines[0]
    for word in case.words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())


def test_a_normal_run_fits_the_memory_limit(tmp_path: Path) -> None:
    """The 1 GiB address-space limit above is real: a full run on the samples fits in it."""
    result = run_cli("generate", str(SAMPLES), "--out", str(tmp_path), "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kpi-report.json").exists()


def test_isolated_reading_in_the_cli(tmp_path: Path, corpus) -> None:
    """KPIREPORT_ISOLATE=always sends every file to the child reader: same report, same errors."""
    env = {"KPIREPORT_ISOLATE": "always"}
    _, good, _, _ = corpus["header_on_row_10.xlsx"]
    result = run_cli("generate", str(good), "--out", str(tmp_path / "good"), "-q", env=env)
    assert result.returncode == 0, result.stderr
    _, bad, _, _ = corpus["long_cell.xlsx"]
    result = run_cli("generate", str(bad), "--out", str(tmp_path / "bad"), "-q", env=env)
    assert result.returncode == 13, result.stderr
    assert "long_cell.xlsx / Orders / G" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_folder_with_one_hostile_file_fails_whole_and_writes_nothing(tmp_path: Path, corpus) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "okrs.xlsx", folder / "okrs.xlsx")
    shutil.copy(corpus["dimension_bomb.xlsx"][1], folder / "zz_bomb.xlsx")
    out = tmp_path / "out"
    result = run_cli("generate", str(folder), "--out", str(out))
    assert result.returncode == 12, result.stderr
    assert "zz_bomb.xlsx / Orders" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_debug_shows_the_traceback(tmp_path: Path, corpus) -> None:
    _, path, _, _ = corpus["dimension_bomb.xlsx"]
    result = run_cli("--debug", "generate", str(path), "--out", str(tmp_path))
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "UnsafeContentError" in result.stderr


def test_an_unexpected_error_is_one_line_and_exit_1(tmp_path: Path) -> None:
    """A bug (here: an exception injected into the read stage) is one line, exit 1, no traceback."""
    code = ("import sys, kpireport.read.entry as r\n"
            "def boom(path): raise ZeroDivisionError('injected')\n"
            "r.read_path = boom\n"
            "from kpireport.cli import main\n"
            "main(prog_name='kpireport')\n")
    args = ["generate", str(SAMPLES / "okrs.xlsx"), "--out", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=TIME_LIMIT,
                            env=env, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "unexpected error (ZeroDivisionError: injected)" in lines[0] and "--debug" in lines[0]
    debug = subprocess.run([sys.executable, "-c", code, "--debug", *args], capture_output=True, text=True,
                           timeout=TIME_LIMIT, env=env, cwd=ROOT)
    assert "Traceback" in debug.stderr and "ZeroDivisionError" in debug.stderr


def test_without_defusedxml_the_cli_refuses_with_exit_17(tmp_path: Path) -> None:
    code = ("import sys\n"
            "sys.modules['defusedxml'] = None  # as if it were not installed\n"
            "from kpireport.cli import main\n"
            "main(prog_name='kpireport')\n")
    result = subprocess.run([sys.executable, "-c", code, "generate", str(SAMPLES / "okrs.xlsx"), "--out",
                             str(tmp_path)], capture_output=True, text=True, timeout=TIME_LIMIT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert result.returncode == 17, result.stderr
    assert result.stderr.count("\n") == 1 and "defusedxml" in result.stderr
