"""The drop folder: files dropped into INBOX become reports, then move out of the way.

    INBOX/                 drop files here (.xlsx, .xlsm, .xls, .ods, .csv)
    INBOX/processed/       each file that gave a report, moved here unchanged
    INBOX/failed/          each file that did not, unchanged, with <name>.txt saying why
    INBOX/.kpireport/      move journal (hidden; see "Crash safety")
    OUT/<stem>/            the report of processed/<stem>.<ext>: kpi-report.xlsx/.html/.eml/.json

One report per file (not per batch): each export stands on its own, a bad file spoils only
its own report, and the report folder is named after the file it came from.

When a file is ready. A poll lists INBOX's top-level files, leaving out what is not a
dropped file: hidden files (.DS_Store, LibreOffice's .~lock.*#), Office lock files (~$*),
temporary and partial downloads (*.tmp, *.part, *.partial, *.crdownload, *.download, *~),
and folders. A file is processed once its size and modification time are the same on two
polls in a row and it can be opened for reading, so a file still being copied, saved or
downloaded is left alone until its writer is done. An empty file waits `empty_settle`
seconds more (a writer may not have started). A file that changes while its report is being
made is not moved; it is watched again and reported whole. A writer that only paused (longer
than two polls) keeps writing to the file after it was moved: for `recheck_polls` polls after
a move the file is looked at again, and one that changed goes back to INBOX to be taken again
whole (its report folder is rewritten then), instead of growing in processed/.

Not the file's fault. When the report cannot be written (--out unwritable, disk full: an
OutputError), the file stays in INBOX, the log says why, and it is tried again after
`retry_after` seconds; a report folder created by a failed attempt is removed, never left
empty or half written.

Names. Files keep their names; report folders and log lines never use one raw (safenames.py):
a newline or U+202E in a name cannot forge a log line or a folder that lies about itself.

Never lost, duplicated or changed. The dropped file is only ever read and then moved, never
rewritten. Moves are hard links (which never replace an existing name) followed by removing
the inbox name, `os.replace` where links are not supported, and a synced copy when processed/
sits on another filesystem. A name already taken in processed/ or failed/ (the same export
dropped every month) gets a numbered suffix: sales.xlsx, sales-2.xlsx, sales-3.xlsx, and its
report goes to OUT/sales-2/; nothing is overwritten.

Crash safety. All state is in the folders: a file in INBOX is still to do; processed/ and
failed/ are done. Before a move the watcher writes a small journal entry (source,
destination, reason); on start-up, entries left by a killed run are finished: a file linked
into processed/ but not yet removed from INBOX (a "half-moved" file) is removed from INBOX,
a missing failed/<name>.txt is written, a partial cross-filesystem copy is deleted and its
source processed again. A file whose report was written but which was not yet moved is simply
processed again, into the same report folder.

A bad file never stops the watcher: every error, including a bug, sends that file to failed/
with the one-line reason. `run(once=True)` processes what is there (waiting for files still
being written) and returns, for cron and tests; otherwise it polls until `stop` is set or
Ctrl-C.

The parts: `watcher` (polling and the life of one file), `moves` (the crash-safe moves and
their journal) and `report` (the report step a file goes through).
"""

from __future__ import annotations

from .moves import FAILED, JOURNAL, PROCESSED
from .report import report_processor
from .watcher import IGNORED_NAMES, IGNORED_SUFFIXES, Outcome, Process, Watcher, ignored, wait_for

__all__ = ["FAILED", "IGNORED_NAMES", "IGNORED_SUFFIXES", "JOURNAL", "PROCESSED", "Outcome", "Process", "Watcher",
           "ignored", "report_processor", "wait_for"]
