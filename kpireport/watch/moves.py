"""Moving a dropped file out of the inbox without ever losing, duplicating or changing it, and
finishing on start-up the moves a killed run left half done (see the package doc, "Never lost"
and "Crash safety")."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path

PROCESSED, FAILED, JOURNAL = "processed", "failed", ".kpireport"
PARTIAL = ".kpireport-partial-"  # the name prefix of a copy to another filesystem, until it is whole


def journal_entry(inbox: Path, src: Path, dest: Path, reason: str) -> Path:
    """Write the journal entry of a move about to be made (removed once it is done)."""
    folder = inbox / JOURNAL
    folder.mkdir(exist_ok=True)
    entry = folder / f"move-{secrets.token_hex(6)}.json"
    write_text(entry, json.dumps({"source": src.name, "folder": dest.parent.name, "dest": dest.name,
                                  "reason": reason, "at": dt.datetime.now().isoformat(timespec="seconds")}))
    return entry


def recover(inbox: Path) -> list[str]:
    """Finish or undo moves a killed run left half done (see the module doc); returns what was done."""
    done: list[str] = []
    for folder in (PROCESSED, FAILED):
        with contextlib.suppress(OSError):
            for e in os.scandir(inbox / folder):
                if e.name.startswith(PARTIAL):
                    Path(e.path).unlink(missing_ok=True)
                    done.append(f"removed partial copy {folder}/{e.name}")
    journal = inbox / JOURNAL
    try:
        entries = sorted(journal.glob("move-*.json"))
    except OSError:
        return done
    for entry in entries:
        try:
            info = json.loads(entry.read_text(encoding="utf-8"))
            src = inbox / info["source"]
            dest = inbox / info["folder"] / info["dest"]
            reason = str(info.get("reason") or "")
        except (OSError, ValueError, KeyError, TypeError):
            entry.unlink(missing_ok=True)
            continue
        if src.exists() and dest.exists():
            if same(src, dest):
                src.unlink()
                done.append(f"finished moving {src.name} to {info['folder']}/{dest.name}")
            else:  # a different file holds that name: leave both, the source is processed again
                done.append(f"left {src.name} in the drop folder ({info['folder']}/{dest.name} is another file)")
        if dest.exists() and info["folder"] == FAILED and reason and not Path(f"{dest}.txt").exists():
            write_text(Path(f"{dest}.txt"), reason + "\n")
            done.append(f"wrote {FAILED}/{dest.name}.txt")
        entry.unlink(missing_ok=True)
    return done


def same(a: Path, b: Path) -> bool:
    """The same file, or two files with the same bytes."""
    try:
        if os.path.samefile(a, b):
            return True
        if a.stat().st_size != b.stat().st_size:
            return False
        return sha256(a) == sha256(b)
    except OSError:
        return False


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def link_or_move(src: Path, dest: Path) -> None:
    """Move without ever replacing `dest` (FileExistsError if taken) or changing the bytes."""
    try:
        os.link(src, dest)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            copy_across(src, dest)
        elif dest.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(dest)) from None
        else:  # no hard links here (FAT, some network shares): a rename within the filesystem
            try:
                os.replace(src, dest)
            except OSError as exc2:
                if exc2.errno == errno.EXDEV:
                    copy_across(src, dest)
                else:
                    raise
            return
    src.unlink()


def copy_across(src: Path, dest: Path) -> None:
    """processed/ on another filesystem: copy to a partial name, sync, rename into place, then unlink."""
    tmp = dest.with_name(f"{PARTIAL}{secrets.token_hex(4)}-{dest.name}")
    try:
        with open(src, "rb") as fin, open(tmp, "xb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        if dest.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(dest))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    src.unlink()


def write_text(path: Path, text: str) -> None:
    """Write a small text file whole or not at all (a synced temporary renamed into place)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
