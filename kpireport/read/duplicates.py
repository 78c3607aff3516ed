"""The same input given twice is read once.

A file named twice on the command line, a folder plus a file inside it, or an identical copy
under another name would otherwise double every sum without a word. Files are compared by
the SHA-256 of their bytes; only files whose size equals another's are hashed, so a folder of
distinct exports costs one stat per file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..problems import Problem, ProblemLog, Severity

_CHUNK = 1 << 20


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def unique_files(files: list[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The files to read, in order, each content once; and (skipped, same as kept) pairs."""
    sizes: dict[int, int] = {}
    for f in files:
        size = f.stat().st_size
        sizes[size] = sizes.get(size, 0) + 1
    seen: dict[str, Path] = {}
    keep: list[Path] = []
    dropped: list[tuple[Path, Path]] = []
    for f in files:
        if sizes[f.stat().st_size] < 2:
            keep.append(f)
            continue
        digest = sha256(f)
        if digest in seen:
            dropped.append((f, seen[digest]))
            continue
        seen[digest] = f
        keep.append(f)
    return keep, dropped


def note_duplicates(dropped: list[tuple[Path, Path]], problems: ProblemLog) -> None:
    """One note per file left out, on the problems list and so on the Data quality sheet."""
    for skipped, kept in dropped:
        same = (f"{skipped.name} was given twice" if skipped.resolve() == kept.resolve()
                else f"{skipped.name} is the same file as {kept.name}")
        problems.add(Problem(f"{same} (identical content); read once", file=skipped.name, severity=Severity.INFO))


def describe(skipped: Path, kept: Path) -> str:
    """The note as validate prints it beside the file list."""
    if skipped.resolve() == kept.resolve():
        return "given twice; read once"
    return f"the same file as {kept.name}; read once"
