"""The step a dropped file goes through: the report of that one file, made and written as
`kpireport generate FILE --out DIR` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..config import Config
from ..deliver.files import write_all
from ..outputs import render_outputs, summary_line
from ..pipeline import run
from .watcher import Process


def report_processor(config: Config, name: str = "kpi-report", today: Callable[[], dt.date] = dt.date.today,
                     ) -> Process:
    """The default `process`: the file's own report, as `kpireport generate FILE --out DIR` writes it."""
    def process(path: Path, report_dir: Path) -> str:
        report = run([path], config)
        files, _ = render_outputs(report, config, today(), name)
        write_all({report_dir / n: data for n, data in files.items()})
        try:
            return summary_line(report)
        except Exception:  # a summary is a courtesy: never fail a report over it
            return ""

    return process
