"""The watcher: polls the drop folder, takes each file once it has settled, has its report
made, and moves it to processed/ or failed/ (see the package doc for the rules)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..deliver.files import sync_dir
from ..errors import InputError, KpiReportError, OutputError, one_line_text
from ..safenames import folder_name, shown
from . import moves
from .moves import FAILED, JOURNAL, PARTIAL, PROCESSED, journal_entry, recover, write_text

IGNORED_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def ignored(name: str) -> bool:
    """True for names that are not dropped files: hidden, Office/LibreOffice locks, temporaries."""
    low = name.lower()
    return (name.startswith((".", "~$")) or low.endswith(IGNORED_SUFFIXES) or low in IGNORED_NAMES
            or low.startswith(PARTIAL))


@dataclass(frozen=True)
class Outcome:
    """What happened to one dropped file."""

    source: Path           # where it was dropped
    moved_to: Path         # its place in processed/ or failed/
    ok: bool
    report_dir: Path | None = None
    reason: str = ""       # the one-line error, for failed files
    summary: str = ""      # a one-line summary of the report, for processed files
    held: bool = False     # the report could not be written: the file stays in the inbox (moved_to == source)


Process = Callable[[Path, Path], str]  # (dropped file, report folder) -> one-line summary; raises on failure


@dataclass
class _Seen:
    size: int
    mtime: int
    since: float
    stable: int = 0


@dataclass
class _Moved:
    key: tuple[int, int]   # (size, mtime) the file was reported with
    name: str              # its name in the inbox
    folder: str            # PROCESSED or FAILED
    polls: int             # polls left to watch it


@dataclass
class Watcher:
    """Polls `inbox`, makes a report per ready file with `process`, moves the file out.

    `process(file, report_dir)` writes the report and returns a one-line summary, or raises
    (a KpiReportError's one_line() becomes the failed/ reason). `log` receives one line per
    event.
    """

    inbox: Path
    out: Path
    process: Process
    interval: float = 2.0
    log: Callable[[str], None] = lambda line: None
    polls_to_settle: int = 1  # polls the size and mtime must stay unchanged (1: two equal readings)
    empty_settle: float = 10.0  # seconds an empty file must stay empty (a writer may not have started yet)
    clock: Callable[[], float] = time.monotonic
    recheck_polls: int = 2  # polls a moved file is watched: a writer that only paused sends it back to the inbox
    retry_after: float = 60.0  # seconds before a file whose report could not be written is tried again
    _seen: dict[str, _Seen] = field(default_factory=dict)
    _stuck: dict[str, tuple[int, int]] = field(default_factory=dict)
    _held: dict[str, tuple[tuple[int, int], float]] = field(default_factory=dict)
    _moved: dict[Path, _Moved] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inbox = Path(self.inbox)
        self.out = Path(self.out)
        if not self.inbox.is_dir():
            what = "does not exist" if not self.inbox.exists() else "is not a folder"
            raise InputError(f"{self.inbox}: the drop folder {what}.",
                             "Create it first, or name an existing folder to watch.")
        for sub in (PROCESSED, FAILED, JOURNAL):
            try:
                (self.inbox / sub).mkdir(exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create {self.inbox / sub}: {exc.strerror}.",
                                  "The watcher needs to write in the drop folder; check its permissions.") from None
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the report folder {self.out}: {exc.strerror}.",
                              "Choose a folder you can write to with --out.") from None
        self.recover()

    # -- the folders -----------------------------------------------------------------------
    def candidates(self) -> list[Path]:
        """INBOX's top-level files that look like dropped files, oldest first."""
        out = []
        try:
            entries = list(os.scandir(self.inbox))
        except OSError:
            return []
        for e in entries:
            if ignored(e.name):
                continue
            try:
                if not e.is_file(follow_symlinks=False):
                    continue
                mtime = e.stat(follow_symlinks=False).st_mtime_ns
            except OSError:
                continue
            out.append((mtime, e.name))
        return [self.inbox / name for _, name in sorted(out)]

    def pending(self) -> int:
        return len(self.candidates())

    # -- one poll ------------------------------------------------------------------------------
    def poll(self) -> list[Outcome]:
        """Look once: note sizes and times, process every file that has settled."""
        outcomes = []
        self._recheck()
        current = self.candidates()
        names = {p.name for p in current}
        for table in (self._seen, self._stuck, self._held):
            for gone in set(table) - names:
                del table[gone]
        for path in current:
            try:
                st = path.stat()
            except OSError:
                continue
            key = (st.st_size, st.st_mtime_ns)
            stuck = self._stuck.get(path.name)
            if stuck == key:
                continue  # could not be moved before, and it has not changed since
            if stuck is not None:
                del self._stuck[path.name]
            held = self._held.get(path.name)
            if held is not None:
                if held[0] == key and self.clock() < held[1]:
                    continue  # its report could not be written a moment ago: try again later
                del self._held[path.name]
            seen = self._seen.get(path.name)
            if seen is None or (seen.size, seen.mtime) != key:
                self._seen[path.name] = _Seen(*key, since=self.clock())
                continue
            seen.stable += 1
            if seen.stable < self.polls_to_settle or not _readable(path):
                continue
            if seen.size == 0 and self.clock() - seen.since < self.empty_settle:
                continue
            del self._seen[path.name]
            try:
                outcome = self.handle(path, key)
            except _Changed:
                continue  # written to while we read it: watched again from scratch
            if outcome is None:
                self._stuck[path.name] = key
            else:
                outcomes.append(outcome)
        return outcomes

    def run(self, once: bool = False, stop: threading.Event | None = None,
            sleep: Callable[[float], Any] | None = None) -> list[Outcome]:
        """Poll every `interval` seconds until `stop` is set; with once, until INBOX holds nothing to do."""
        stop = stop or threading.Event()
        wait = sleep or stop.wait
        outcomes: list[Outcome] = []
        while not stop.is_set():
            outcomes += self.poll()
            if once and not self._moved and all(self._stuck.get(p.name) is not None or p.name in self._held
                                                 for p in self.candidates()):
                break
            wait(self.interval)
        return outcomes

    # -- one file --------------------------------------------------------------------------------
    def handle(self, path: Path, key: tuple[int, int] | None = None) -> Outcome | None:
        """Report on one ready file and move it to processed/ or failed/ (None: it could not be moved).

        `key` is the (size, mtime) the file was taken with: if it changed while the report was
        made (someone saved it again), the file is left in place to be taken again, whole.
        """
        name = self._free_name(path.name)
        report_dir = self.out / folder_name(_split(name)[0])
        existed = report_dir.exists()
        ok, summary, reason = True, "", ""
        self.log(f"processing {shown(path.name)}")
        try:
            summary = self.process(path, report_dir) or ""
        except OutputError as exc:  # the report folder, not the file: leave the file where it is
            _discard(report_dir, existed)
            reason = exc.one_line()
            self._held[path.name] = (key or (0, 0), self.clock() + self.retry_after)
            self.log(f"held {shown(path.name)}: its report cannot be written ({reason}); it stays in the drop "
                     f"folder and is tried again in {self.retry_after:g} s")
            return Outcome(path, path, False, reason=reason, held=True)
        except KpiReportError as exc:
            ok, reason = False, exc.one_line()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a bug or a crash in a library: that file fails, the watcher goes on
            what = "ran out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
            ok, reason = False, f"unexpected error ({one_line_text(what)[:300]}); please report it"
        if not ok:
            _discard(report_dir, existed)  # a write that failed half way (disk full) leaves no folder behind
        if key is not None and _key(path) != key:
            self.log(f"{shown(path.name)} changed while it was being read; it will be taken again")
            raise _Changed(path.name)
        try:
            dest = self._move(path, PROCESSED if ok else FAILED, name, reason)
        except OSError as exc:
            self.log(f"cannot move {shown(path.name)} out of the drop folder ({exc.strerror or exc}); left in place")
            return None
        if key is not None and self.recheck_polls > 0:
            self._moved[dest] = _Moved(key, path.name, PROCESSED if ok else FAILED, self.recheck_polls)
        if ok:
            self.log(f"processed {shown(path.name)} -> {shown(str(report_dir))}" + (f" ({summary})" if summary else ""))
            return Outcome(path, dest, True, report_dir, summary=summary)
        self.log(f"failed {shown(path.name)}: {reason}")
        return Outcome(path, dest, False, reason=reason)

    def _recheck(self) -> None:
        """A file taken while its writer only paused keeps growing after the move (the writer still
        holds it open): for `recheck_polls` polls after a move, a file whose size or time changed
        goes back to the inbox, to be taken again whole once it settles (its report folder is
        reused and rewritten then)."""
        for dest, moved in list(self._moved.items()):
            now = _key(dest)
            if now == moved.key:
                moved.polls -= 1
                if moved.polls <= 0:
                    del self._moved[dest]
                continue
            del self._moved[dest]
            if now is None:
                continue  # moved away by someone else: not ours any more
            try:
                moves.link_or_move(dest, self.inbox / moved.name)
            except OSError as exc:
                self.log(f"{shown(dest.name)} changed after it was taken, and cannot go back to the drop folder "
                         f"({exc.strerror or exc}); left in {moved.folder}/")
                continue
            if moved.folder == FAILED:
                Path(f"{dest}.txt").unlink(missing_ok=True)
            self.log(f"{shown(moved.name)} changed after it was taken (its writer was not done); moved back to the "
                     "drop folder to be taken again whole")

    def _free_name(self, name: str) -> str:
        """`name`, or name-2, name-3 ... so that processed/, failed/ (and its .txt) and OUT/<stem> are all free."""
        stem, suffix = _split(name)
        n = 1
        while True:
            candidate = name if n == 1 else f"{stem}-{n}{suffix}"
            cstem = folder_name(_split(candidate)[0])
            taken = ((self.inbox / PROCESSED / candidate).exists() or (self.inbox / FAILED / candidate).exists()
                     or (self.inbox / FAILED / f"{candidate}.txt").exists())
            # A report folder without its file in processed/ is this file's own, from a run
            # killed before the move: reuse it rather than leave it orphaned.
            if not taken and (self.out / cstem).exists() and self._claimed(cstem):
                taken = True
            if not taken:
                return candidate
            n += 1

    def _claimed(self, stem: str) -> bool:
        """True when processed/ holds a file whose report folder is OUT/<stem> (any extension)."""
        try:
            return any(folder_name(_split(e.name)[0]) == stem for e in os.scandir(self.inbox / PROCESSED))
        except OSError:
            return True

    # -- moving ---------------------------------------------------------------------------------
    def _move(self, src: Path, folder: str, name: str, reason: str = "") -> Path:
        target_dir = self.inbox / folder
        target_dir.mkdir(exist_ok=True)
        while True:
            dest = target_dir / name
            entry = journal_entry(self.inbox, src, dest, reason)
            try:
                moves.link_or_move(src, dest)
            except FileExistsError:
                entry.unlink(missing_ok=True)
                name = self._free_name(src.name)  # taken since we looked (another watcher): the next free one
                continue
            except BaseException:
                entry.unlink(missing_ok=True)
                raise
            break
        if reason:
            write_text(target_dir / f"{dest.name}.txt", reason + "\n")
        sync_dir(self.inbox)
        entry.unlink(missing_ok=True)
        return dest

    def recover(self) -> list[str]:
        """Finish or undo moves a killed run left half done (see the package doc); returns what was done."""
        done = recover(self.inbox)
        for line in done:
            self.log(f"recovered: {line}")
        return done


class _Changed(Exception):
    """The file changed while its report was made."""


def _key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _split(name: str) -> tuple[str, str]:
    p = Path(name)
    return (p.stem, p.suffix) if p.suffix else (name, "")


def _readable(path: Path) -> bool:
    """The file opens for reading (on Windows a file Excel or a copy still holds open does not)."""
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        return True
    except OSError:
        return False


def _discard(report_dir: Path, existed: bool) -> None:
    """Remove a report folder this attempt created (a failed attempt's folder is empty or partial)."""
    if not existed:
        shutil.rmtree(report_dir, ignore_errors=True)


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll `predicate` until true or `timeout` seconds pass (for callers and tests)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
