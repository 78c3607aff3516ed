"""Report folders of the browser page: private, unguessable, short-lived.

Every upload gets its own folder under one private root (both mode 0700), named by
`secrets.token_urlsafe` (192 bits), so a report can only be reached by someone who was given
its id: ids are never listed, logged or derived from anything a second user could know.
Folders are deleted `keep` seconds after they were made (a sweep runs on every request and
on a timer), and the whole root when the server stops.

    <root>/<id>/inputs/     the uploaded files, under cleaned names
    <root>/<id>/report/     kpi-report.xlsx .html .eml .json (and .pdf when made)
    <root>/<id>/meta.json   what the page shows beside the summary (data quality, files)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ID_BYTES = 24  # 32 URL-safe characters
_ID = re.compile(r"[A-Za-z0-9_-]{32}")
_UNSAFE = re.compile(r"[^\w.\- ]+")


class ReportStore:
    """Creates, finds and expires report folders. Safe to use from several threads."""

    def __init__(self, keep_seconds: float, root: Path | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.keep = float(keep_seconds)
        self.clock = clock
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="kpireport-serve-"))
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        self._made: dict[str, float] = {}
        self._status: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def new(self) -> tuple[str, Path]:
        """A fresh id and its folder (0700), with empty inputs/ and report/ inside."""
        report_id = secrets.token_urlsafe(ID_BYTES)
        folder = self.root / report_id
        folder.mkdir(mode=0o700)
        (folder / "inputs").mkdir(mode=0o700)
        (folder / "report").mkdir(mode=0o700)
        with self._lock:
            self._made[report_id] = self.clock()
        return report_id, folder

    def folder(self, report_id: str) -> Path | None:
        """The folder of a live report; None for an unknown, expired or malformed id."""
        if not _ID.fullmatch(report_id or ""):
            return None
        with self._lock:
            made = self._made.get(report_id)
        if made is None or self.clock() - made > self.keep:
            return None
        folder = self.root / report_id
        return folder if folder.is_dir() else None

    def sweep(self) -> int:
        """Delete every report older than `keep`; returns how many were deleted."""
        now = self.clock()
        with self._lock:
            old = [rid for rid, made in self._made.items() if now - made > self.keep]
            for rid in old:
                del self._made[rid]
                self._status.pop(rid, None)
        for rid in old:
            shutil.rmtree(self.root / rid, ignore_errors=True)
        return len(old)

    def set_status(self, report_id: str, status: dict[str, Any]) -> None:
        with self._lock:
            if report_id in self._made:
                self._status[report_id] = status

    def status(self, report_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._status.get(report_id)

    def discard(self, report_id: str) -> None:
        with self._lock:
            self._made.pop(report_id, None)
            self._status.pop(report_id, None)
        if _ID.fullmatch(report_id):
            shutil.rmtree(self.root / report_id, ignore_errors=True)

    def close(self) -> None:
        """Delete every report and the root (server shutdown)."""
        with self._lock:
            self._made.clear()
            self._status.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def write_meta(self, folder: Path, meta: dict[str, Any]) -> None:
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    def read_meta(self, folder: Path) -> dict[str, Any]:
        with contextlib.suppress(OSError, ValueError):
            return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        return {}


def clean_name(name: str, taken: set[str]) -> str:
    """An uploaded file's name made safe to store: its last path part (a folder pick sends
    `folder/sub/file.xlsx`), no separators or control characters, not hidden, unique in `taken`."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")[:120] or "upload"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        n += 1
    taken.add(candidate.casefold())
    return candidate
