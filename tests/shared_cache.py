"""Test inputs built once per content and shared by pytest-xdist workers and later runs.

Building the hostile corpus takes tens of seconds; under `pytest -n 2` each worker would build
its own, and every run would build it again although its builders have not changed. Here a
folder is built once under a file lock into `.cache/tests/NAME-KEY`, KEY being a hash of
everything the build reads (the builders' source, the seed, the sample workbooks), so a changed
builder or sample gives a new folder and stale ones are removed. The folder is written under a
temporary name and renamed when complete: a build killed halfway is never picked up.

`cached_value` does the same for one picklable value (the sample company's report and dataset,
which a dozen test files need and which take about 6 s of CPU each time), keyed by `code_key`:
kpireport's own files, the HTML templates, the sample workbooks and the Python and library
versions. Each caller gets its own unpickled copy, so a test that changes it changes nothing
for the next.

`progress` writes a line to the terminal past pytest's output capture (xdist workers share the
terminal's stderr), so a long build is not a silent minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import platform
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("KPIREPORT_TEST_CACHE", ROOT / ".cache" / "tests"))
MANIFEST = "manifest.json"


_config: list[pytest.Config] = []


def bind(config: pytest.Config) -> None:
    """Called from conftest's pytest_configure: progress needs the capture manager."""
    _config[:] = [config]


def progress(message: str) -> None:
    """One line on the terminal now, with pytest's output capture suspended for it (an xdist
    worker's stderr is the terminal's too)."""
    capman = _config[0].pluginmanager.getplugin("capturemanager") if _config else None
    with capman.global_and_fixture_disabled() if capman is not None else contextlib.nullcontext():
        sys.stderr.write(f"\n[{os.environ.get('PYTEST_XDIST_WORKER', 'tests')}] {message}\n")
        sys.stderr.flush()


def content_key(parts: Iterable[Path | str | bytes]) -> str:
    """A hash of files' bytes (a folder: its files' names and bytes, sorted) and strings."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path) and part.is_dir():
            for f in sorted(p for p in part.rglob("*") if p.is_file()):
                h.update(f.relative_to(part).as_posix().encode() + b"\0" + f.read_bytes())
        elif isinstance(part, Path):
            h.update(part.read_bytes())
        else:
            h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached_folder(name: str, key: str, build: Callable[[Path], None]) -> tuple[Path, dict[str, str]]:
    """The folder `build` writes, built at most once per key; with the sha256 of each file as
    built (kept in the cache, so a test that finds a file changed is not fooled by a cache an
    earlier run changed)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"{name}-{key}"
    with FileLock(str(CACHE / f"{name}.lock")):
        if not (target / MANIFEST).exists():
            for stale in CACHE.glob(f"{name}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            building = CACHE / f".{name}-{key}.{os.getpid()}.building"
            shutil.rmtree(building, ignore_errors=True)
            started = time.monotonic()
            progress(f"building {name} into {target} (once per content; later runs reuse it)")
            build(building)
            digests = {p.name: sha256(p) for p in sorted(building.iterdir()) if p.is_file()}
            (building / MANIFEST).write_text(json.dumps(digests, indent=0), encoding="utf-8")
            building.rename(target)
            progress(f"built {name}: {len(digests)} files in {time.monotonic() - started:.0f} s")
        digests = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    return target, digests


@cache
def code_key() -> str:
    """What a report of the sample company depends on besides its settings: kpireport's files
    (without compiled ones), the templates, the sample workbooks, KPIREPORT_* variables, and the
    versions of Python and of every installed package."""
    files = [p for folder in (ROOT / "kpireport", ROOT / "templates", ROOT / "sample_workbooks")
             for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    env = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("KPIREPORT_"))
    return content_key([*(p.relative_to(ROOT).as_posix() for p in files), *files, platform.python_version(),
                        *versions, *env])


def cached_value(name: str, key: str, build: Callable[[], T]) -> T:
    """build()'s value, built at most once per key by whichever process asks first (the others
    wait for it) and unpickled afresh for every caller."""
    def write(into: Path) -> None:
        into.mkdir(parents=True)
        (into / "value.pickle").write_bytes(pickle.dumps(build(), protocol=pickle.HIGHEST_PROTOCOL))

    folder, _ = cached_folder(name, key, write)
    return pickle.loads((folder / "value.pickle").read_bytes())
