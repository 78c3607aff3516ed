"""Which paths become input files: named files, the files inside named folders, and what is left out.

- A named file must be a regular file. A named pipe (FIFO) would block `open()` until some
  writer appears, and a device (/dev/zero) never ends, so both are refused with the reason. A
  pipe the shell hands over (`<(cat orders.csv)`, i.e. /dev/fd/63) has a writer already: it is
  read once, fully (up to the guard's MAX_FILE_BYTES), into a private temporary file that every
  later step (sniffing, the guard, the isolated reader, which cannot see our descriptors)
  reads instead, and which is deleted when the process ends.
- Inside a named folder: the supported files at its top level, sorted. Office lock files and
  hidden files are skipped silently; anything that is not a regular file, and links that lead
  out of the folder (an `orders.csv` linking to a system file), are skipped with a note in the
  problem log: a folder stands for what it holds, not for what it points at. A link to a file
  inside the same folder is read.
- A workbook kpireport wrote itself (it carries the custom property of `kpireport/marker.py`)
  is skipped with a note, so an --out folder inside an input folder does not feed a report back
  into the next one. Only docProps/custom.xml is looked at, at most 1 MiB of it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from .. import marker
from ..errors import InputError, TooLargeError
from ..problems import Problem, ProblemLog, Severity
from .guard.limits import MAX_FILE_BYTES

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
_PIPE_PREFIXES = ("/dev/fd/", "/proc/self/fd/", "/dev/stdin")
_spool_dir: Path | None = None


def expand(paths: list[Path], problems: ProblemLog | None = None) -> list[Path]:
    """Files named, plus the supported files inside named folders (see the module doc)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(_folder(p, problems))
        elif os.path.lexists(p):
            out.append(_named_file(p))
        else:
            raise InputError(f"{p}: no such file or folder.", "Check the path and try again.")
    kept = []
    for f in out:
        if is_report(f):
            _note(problems, f.name, "a report kpireport wrote (it carries the kpireport report marker); not read "
                                    "as input, so a report never feeds the next one.")
        else:
            kept.append(f)
    if not kept:
        raise InputError("no input files were found." if not out else "the only input files are reports kpireport "
                         "wrote itself.", "Name .xlsx, .xls, .ods or .csv files, or a folder holding them.")
    return kept


def is_report(path: Path) -> bool:
    """Whether `path` is a workbook kpireport wrote (its custom properties name marker.PROPERTY)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/custom.xml")
            if info.file_size > 1 << 20:
                return False
            with zf.open(info) as fh:
                text = fh.read(1 << 20)
    except (OSError, KeyError, ValueError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
            zlib.error):
        return False  # not ours to judge here: the guard and the readers report damaged files
    return f'name="{marker.PROPERTY}"'.encode() in text


def _named_file(p: Path) -> Path:
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise InputError(f"{p}: cannot be opened ({exc.strerror or exc}).", "Check the path and try again.") from None
    if stat.S_ISREG(mode):
        return p
    if stat.S_ISFIFO(mode) and str(p).startswith(_PIPE_PREFIXES):
        return _spool(p)
    what = _kind(mode)
    raise InputError(f"{p}: this is {what}, not a file; kpireport reads regular files only.",
                     "Save the data to a file (for example: cat source > orders.csv) and name that file.")


def _folder(folder: Path, problems: ProblemLog | None) -> list[Path]:
    root = folder.resolve()
    found = []
    for q in sorted(folder.iterdir()):
        if q.suffix.lower() not in SUPPORTED or q.name.startswith(("~$", ".~lock", ".")):
            continue
        try:
            mode = q.stat().st_mode  # follows a link
        except OSError:
            _note(problems, q.name, "a link whose target is missing; not read.")
            continue
        if q.is_symlink():
            target = q.resolve()
            if not target.is_relative_to(root):
                _note(problems, q.name, f"a link to {target}, outside the folder {folder}; not read (a folder stands "
                                        "for the files it holds). Name that file itself to read it.")
                continue
        if not stat.S_ISREG(mode):
            _note(problems, q.name, f"{_kind(mode)}, not a file; not read.")
            continue
        found.append(q)
    return found


def _spool(p: Path) -> Path:
    """Read a pipe once, fully, into a private temporary file (deleted at exit)."""
    global _spool_dir
    if _spool_dir is None:
        _spool_dir = Path(tempfile.mkdtemp(prefix="kpireport-pipe-"))
        atexit.register(shutil.rmtree, _spool_dir, True)
    target = _spool_dir / f"pipe-{p.name}"
    n = 0
    with open(p, "rb") as src, open(target, "xb") as dst:
        while block := src.read(1 << 20):
            n += len(block)
            if n > MAX_FILE_BYTES:
                raise TooLargeError(f"{p}: the pipe delivered more than {MAX_FILE_BYTES >> 20:,} MiB; kpireport reads "
                                    "files up to that size.", "Export a shorter period or fewer columns.")
            dst.write(block)
    return target


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _note(problems: ProblemLog | None, name: str, reason: str) -> None:
    if problems is not None:
        problems.add(Problem(reason, file=name, severity=Severity.INFO))
