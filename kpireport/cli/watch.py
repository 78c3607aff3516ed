"""`kpireport watch`: turn files dropped into a folder into reports (see kpireport/watch/)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from ..errors import InputError, OutputError
from .app import load_cli_config, main, safe_name

EPILOG = """\b
Examples:
  kpireport watch inbox --out reports
  kpireport watch //server/share/kpi-drop --out //server/share/kpi-reports --config kpireport.yaml
  kpireport watch inbox --out reports --once        # process what is there and exit (cron)

\b
For each file dropped into INBOX (.xlsx, .xlsm, .xls, .ods, .csv):
  OUT/<file name>/kpi-report.xlsx .html .eml .json   its report
  INBOX/processed/<file>                             the file, moved unchanged, once reported
  INBOX/failed/<file> and <file>.txt                 the file, unchanged, and the one-line reason
A file is picked up once its size and time stop changing between two polls, so a file still
being copied or saved is left alone; one that changes again just after it was taken goes back
to INBOX. When a report cannot be written (--out unwritable, disk full) the file stays in INBOX
and is tried again a minute later. Office lock files (~$...), hidden and temporary files
(.tmp, .part, .crdownload) are ignored. A name already used in processed/ or failed/ gets a
number (sales-2.xlsx); nothing is ever overwritten. All state is in the folders, so the
watcher can be stopped (Ctrl-C) and started again at any time.
"""


@main.command(epilog=EPILOG)
@click.argument("inbox", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the reports, one sub-folder per dropped file (created if missing).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Seconds between two looks at the folder.")
@click.option("--name", default="kpi-report", show_default=True, help="Base name of each report's files.")
@click.option("--once", is_flag=True, help="Process the files already there (waiting for any still being written), "
                                           "then exit.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def watch(inbox: Path, out_dir: Path, config_path: Path | None, interval: float, name: str, once: bool,
          quiet: bool) -> None:
    """Watch INBOX and write a report for every file dropped into it.

    Runs until Ctrl-C (or, with --once, until the folder holds nothing to do). A bad file
    never stops it: it goes to INBOX/failed/ with the reason next to it. Exit code 0 when
    stopped; with --once, 3 if any file failed, 10 if a report could not be written.
    """
    from ..watch import Watcher, report_processor

    config = load_cli_config(config_path)

    def log(line: str) -> None:
        if quiet and not line.startswith("failed"):
            return
        click.echo(line, err=line.startswith("failed"))

    watcher = Watcher(inbox, out_dir, report_processor(config, safe_name(name)), interval=interval, log=log)
    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if not quiet:
        click.echo(f"watching {inbox} (every {interval:g} s); reports go to {out_dir}"
                   + ("" if once else "; Ctrl-C to stop"))
    try:
        outcomes = watcher.run(once=once, stop=stop)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        return
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if once:
        ok = sum(o.ok for o in outcomes)
        held = sum(o.held for o in outcomes)
        failed = len(outcomes) - ok - held
        if not quiet:
            click.echo(f"{ok} processed, {failed} failed" + (f", {held} held (report not written)" if held else ""))
        if failed:
            raise InputError(f"{failed} of {len(outcomes)} files could not be reported; see {inbox / 'failed'}.",
                             "Each failed file has a .txt next to it with the reason.")
        if held:
            raise OutputError(f"the reports of {held} files could not be written to {out_dir}; the files stay in "
                              f"{inbox}.", "Make the --out folder writable (and check the disk has space), then run "
                                       "again.")
