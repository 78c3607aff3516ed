"""Validated tables kept between runs, so a re-run on the same exports skips reading them.

Users re-run the same files with another period, grain, target, language or template. Reading,
mapping and validating a million rows is most of a run; none of it depends on those options.
So the validated input (every table, the problems found by cell, the sources) is stored under
a key made of everything it does depend on:

- the name and SHA-256 of every input file, in order (problems name the file);
- the notes made while listing the inputs (a folder's skipped links, a pipe);
- the settings that change validation: decimal, day_first, the column mapping and the catalog
  layers (a KPI sheet may name a KPI only the user's catalog defines);
- the code that reads, maps and validates (a hash of its source files, the table definitions and
  the built-in catalog),
  so a new version of kpireport never reuses an old entry.

An entry is a folder `<key>/` holding one Parquet file per table and `meta.json` (sources,
problems, Excel error counts). It is written in a temporary folder and renamed into place
(os.replace is atomic, and it fails rather than mix two entries when a concurrent run got
there first), so a reader sees a whole entry or none. An entry that cannot be read back
(cut short, edited, from an older layout) is ignored and the run reads the files. The folder
is kept under a size bound (MAX_BYTES, `KPIREPORT_CACHE_MB`): the entries used longest ago
are removed first. `KPIREPORT_CACHE_DIR` moves the folder; the value `off` turns caching off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
from platformdirs import user_cache_dir

from .dataset import Dataset, Source
from .problems import Problem, ProblemLog, Severity
from .read.duplicates import sha256

FORMAT = 1                      # layout of an entry; bump when it changes


def _max_bytes() -> int:
    """KPIREPORT_CACHE_MB (a positive number), else 2 GiB."""
    try:
        mb = float(os.environ.get("KPIREPORT_CACHE_MB", "") or 2048)
    except ValueError:
        mb = 2048
    return int((mb if 0 < mb < 1e9 else 2048) * (1 << 20))


MAX_BYTES = _max_bytes()
_CODE = ("read", "mapping", "validate", "catalog", "data", "schema.py", "dataset.py", "problems.py", "cache.py")
_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".json")
_TMP = ".tmp-"


def default_dir() -> Path | None:
    """KPIREPORT_CACHE_DIR, else the platform's user cache folder; None when turned off."""
    given = os.environ.get("KPIREPORT_CACHE_DIR", "").strip()
    if given.lower() == "off":
        return None
    if given:
        return Path(given)
    return Path(user_cache_dir("kpireport", appauthor=False)) / "tables"


class TableCache:
    """Validated datasets by key in `folder` (created on first write)."""

    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def key(self, files: list[Path], notes: list[str], settings: object) -> str:
        h = hashlib.sha256(f"kpireport-tables {FORMAT} {_code_hash()}".encode())
        for f in files:
            h.update(f"\0file {f.name} {sha256(f)}".encode())
        for note in notes:
            h.update(f"\0note {note}".encode())
        h.update(f"\0settings {settings!r}".encode())
        return h.hexdigest()[:40]

    def load(self, key: str) -> Dataset | None:
        """The entry's dataset, or None when there is none or it cannot be read back whole."""
        entry = self.folder / key
        if not (entry / "meta.json").is_file():
            return None
        try:
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError("another layout")
            dataset = _from_meta(meta)
            for name in meta["tables"]:
                dataset.tables[name] = pd.read_parquet(entry / f"t-{_safe(name)}.parquet")
            dataset.kpi_sheet = pd.read_parquet(entry / "kpi_sheet.parquet")
        except Exception:  # cut short, edited, another layout: Arrow, JSON and OS errors alike
            _remove(entry)
            return None
        with contextlib.suppress(OSError):
            os.utime(entry / "meta.json")  # used now: evicted last
        return dataset

    def store(self, key: str, dataset: Dataset) -> None:
        """Write the entry (best effort: a full disk or a read-only folder only costs the next run)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=_TMP, dir=self.folder))
        except OSError:
            return
        try:
            for name, df in dataset.tables.items():
                df.to_parquet(tmp / f"t-{_safe(name)}.parquet", index=False)
            dataset.kpi_sheet.to_parquet(tmp / "kpi_sheet.parquet", index=False)
            (tmp / "meta.json").write_text(json.dumps(_to_meta(dataset)), encoding="utf-8")
            try:
                os.replace(tmp, self.folder / key)
            except OSError:  # another run stored the same key meanwhile: theirs is as good
                _remove(tmp)
                return
        except Exception:  # a table Parquet cannot hold: not cached, the run goes on
            _remove(tmp)
            return
        self.evict()

    def evict(self) -> None:
        """Remove the entries used longest ago until the folder fits in max_bytes; temporary
        folders of runs that died more than an hour ago go too."""
        entries = []
        now = time.time()
        try:
            children = list(self.folder.iterdir())
        except OSError:
            return
        for d in children:
            try:
                if d.name.startswith(_TMP):
                    if now - d.stat().st_mtime > 3600:
                        _remove(d)
                    continue
                size = sum(f.stat().st_size for f in d.iterdir())
                used = (d / "meta.json").stat().st_mtime
            except OSError:
                continue
            entries.append((used, size, d))
        total = sum(size for _, size, _ in entries)
        for _, size, d in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            _remove(d)
            total -= size


def _remove(path: Path) -> None:
    """Move aside, then delete: a concurrent reader sees the entry whole or not at all."""
    trash = path.with_name(f"{_TMP}gone-{os.getpid()}-{path.name}")
    try:
        os.replace(path, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else f"%{ord(ch):02x}" for ch in name)


_code_digest: str | None = None


def _code_hash() -> str:
    """The reading, mapping and validating code and table definitions, as one hash."""
    global _code_digest
    if _code_digest is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for part in _CODE:
            p = root / part
            for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
                if f.is_file() and f.suffix in _CODE_SUFFIXES:
                    h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
        _code_digest = h.hexdigest()
    return _code_digest


def _to_meta(dataset: Dataset) -> dict:
    log = dataset.problems
    return {
        "format": FORMAT,
        "tables": list(dataset.tables),
        "sources": [dataclasses.asdict(s) for s in dataset.sources],
        "problems": [dataclasses.asdict(p) for p in log.items],
        "per_key_limit": log.per_key_limit,
        "counts": [[*k, n] for k, n in log._counts.items()],
        "suppressed": [[*k, n] for k, n in log.suppressed.items()],
        "excel_errors": [[*k, n] for k, n in dataset.excel_errors.items()],
    }


def _from_meta(meta: dict) -> Dataset:
    sources = [Source(**{**s, "mapping": tuple(tuple(m) for m in s["mapping"]), "ignored": tuple(s["ignored"])})
               for s in meta["sources"]]
    log = ProblemLog(per_key_limit=int(meta["per_key_limit"]))
    log.items = [Problem(**{**p, "severity": Severity(p["severity"])}) for p in meta["problems"]]
    log._counts = {(a, b, c): int(n) for a, b, c, n in meta["counts"]}
    log.suppressed = {(a, b, c): int(n) for a, b, c, n in meta["suppressed"]}
    errors = {(t, c): int(n) for t, c, n in meta["excel_errors"]}
    return Dataset(sources=sources, problems=log, excel_errors=errors)
