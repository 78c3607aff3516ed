"""The `kpireport` command line: one module per command, registered on the group in app.py.

The library raises KpiReportError subclasses; only this package turns them into one-line
messages with the fix and a distinct exit code.
"""

from . import generate, init, kpis, sample, send, serve, template, validate, watch  # noqa: F401  (registers the commands)
from .app import main, run_cli

__all__ = ["main", "run_cli"]
