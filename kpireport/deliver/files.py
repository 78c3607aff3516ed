"""Write outputs atomically: a temp file in the target folder, then os.replace.

A run that fails or is killed midway leaves the previous report untouched and no partial
file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def write_atomic(path: Path, data: bytes | str) -> Path:
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror}.", "Choose a folder you can write to with --out.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        hint = "Close the file if it is open in Excel, then run again." if isinstance(exc, PermissionError) else \
            "Check the disk has space and the folder is writable."
        raise OutputError(f"cannot write {path}: {exc.strerror}.", hint) from None
    return path


def write_all(files: dict[Path, bytes | str]) -> list[Path]:
    """Write every rendered output; they were all rendered before the first write starts."""
    return [write_atomic(p, d) for p, d in files.items()]
