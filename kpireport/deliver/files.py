"""Write outputs atomically: nothing lost, nothing half-written.

`write_all` receives every output already rendered (the CLI renders the workbook, HTML and
JSON before calling it), then:

1. removes stale temporaries of its own naming pattern left by runs that were killed
   (`.{stem}.{pid}.{random}.tmp`, only when that pid is gone);
2. writes every file into one staging folder `.{stem}.{pid}.{random}.tmp/` inside the target
   folder (same filesystem, so the final rename is atomic), each fsync'ed;
3. only when all are staged, `os.replace`s them over the targets one by one; if a replace
   fails (the workbook is open in Excel on Windows, say) the targets already replaced are put
   back from hard links of their previous versions, so the previous report stays whole;
4. removes the staging folder.

A run that fails or is killed before step 3 leaves the previous report byte-identical and at
most one `.{stem}.*.tmp` entry (the staging folder, cleaned by the next run). The renames of
step 3 are atomic one by one, not as a set: a SIGKILL landing between two of them (a window of
microseconds) leaves complete files of both runs, never a partial file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError

STALE_AFTER_SECONDS = 3600  # where process ids cannot be checked (Windows), temps older than this are stale


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write one file atomically (a temp file in its folder, fsync, os.replace)."""
    return write_all({Path(path): data})[0]


Writer = Callable[[Path], object]


def write_all(files: dict[Path, bytes | str | Writer]) -> list[Path]:
    """Write every rendered output, all or nothing as far as the filesystem allows.

    A payload is the file's bytes (or text), or a function that writes the file at the path it
    is given: a large output streamed to disk (the data workbook) is staged like the others.
    """
    targets = [Path(p) for p in files]
    payloads = [d.encode("utf-8") if isinstance(d, str) else d if callable(d) else bytes(d) for d in files.values()]
    if not targets:
        return []
    stages: dict[Path, Path] = {}
    try:
        for folder in dict.fromkeys(p.parent for p in targets):
            stem = next(p for p in targets if p.parent == folder).stem
            try:
                folder.mkdir(parents=True, exist_ok=True)
                clean_stale_temps(folder, stem)
                stage = folder / f".{stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
                stage.mkdir()
            except OSError as exc:
                raise OutputError(f"cannot write to {folder}: {exc.strerror}.",
                                  "Choose a folder you can write to with --out.") from None
            stages[folder] = stage
        staged = []
        for target, payload in zip(targets, payloads, strict=True):
            tmp = stages[target.parent] / target.name
            try:
                _write_synced(tmp, payload)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror}.",
                                  "Check the disk has space and the folder is writable.") from None
            staged.append((tmp, target))
        _swap_in(staged)
    finally:
        for stage in stages.values():
            shutil.rmtree(stage, ignore_errors=True)
    for folder in stages:
        sync_dir(folder)
    return targets


def _write_synced(path: Path, payload: bytes | Writer) -> None:
    if callable(payload):
        payload(path)
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())
        return
    with open(path, "xb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Replace each target by its staged file; on failure, put the replaced ones back."""
    previous: dict[Path, Path | None] = {}
    for tmp, target in staged:
        backup = tmp.with_name(tmp.name + ".prev")
        try:
            os.link(target, backup)
            previous[target] = backup
        except FileNotFoundError:
            previous[target] = None  # no previous version: roll back by removing
        except OSError:
            previous[target] = backup if _copy_quietly(target, backup) else None
    done: list[Path] = []
    for tmp, target in staged:
        try:
            os.replace(tmp, target)
        except OSError as exc:
            for t in reversed(done):
                with contextlib.suppress(OSError):
                    saved = previous.get(t)
                    if saved is not None:
                        os.replace(saved, t)
                    else:
                        os.unlink(t)
            hint = "Close the file if it is open in Excel, then run again." if isinstance(exc, PermissionError) else \
                "Check the disk has space and the folder is writable."
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}; the previous report was left as it was.",
                              hint) from None
        done.append(target)


def _copy_quietly(src: Path, dst: Path) -> bool:
    try:
        shutil.copy2(src, dst)
        return True
    except OSError:
        return False


def sync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op on Windows, which has no directory fsync)."""
    if sys.platform.startswith("win"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def stale_temp_pattern(stem: str) -> re.Pattern[str]:
    """`.{stem}.{pid}.{hex}.tmp`: the staging folders (and nothing else) this module creates."""
    return re.compile(rf"^\.{re.escape(stem)}\.(\d+)\.[0-9a-f]+\.tmp$")


def clean_stale_temps(folder: Path, stem: str) -> list[Path]:
    """Remove staging folders left in `folder` by killed runs writing `stem`.* (never a live run's)."""
    pattern = stale_temp_pattern(stem)
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or int(m.group(1)) == os.getpid() or not _stale(entry, int(m.group(1))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def _stale(entry: Path, pid: int) -> bool:
    if sys.platform.startswith("win") or pid <= 0:
        try:
            return time.time() - entry.lstat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: alive, someone else's
        return False
    return False
