"""The command group, its error handling and helpers shared by the commands.

The library raises KpiReportError subclasses; this module alone turns them into one-line
messages with the fix and a distinct exit code (see `errors.EXIT_CODES`). `--debug` shows the
traceback instead.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import click

from .. import __version__
from ..config import Config, load_config
from ..errors import KpiReportError, one_line_text
from ..read.guard import require_defusedxml


class _Group(click.Group):
    """Every error ends as one line on stderr and an exit code; `--debug` re-raises for the traceback.

    KpiReportError: its message and hint, its own exit code. click's own exceptions (usage
    errors, --help, Ctrl-C) pass through to click. Anything else is a bug: one line naming it,
    exit 1, never a raw traceback unless --debug asked for one.
    """

    def invoke(self, ctx: click.Context):
        try:
            require_defusedxml()  # a hard dependency: refuse to run without it, with a clear error
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KpiReportError as exc:
            if ctx.obj and ctx.obj.get("debug"):  # set by main() inside super().invoke
                raise
            line, code = f"kpireport: error: {exc.one_line()}", exc.exit_code
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # a bug (or MemoryError, RecursionError, a Rust panic): still one line
            if ctx.obj and ctx.obj.get("debug"):  # set by main() inside super().invoke
                raise
            what = "ran out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
            line = (f"kpireport: error: unexpected error ({one_line_text(what)[:300]}). Run again with --debug and "
                    "send us the traceback.")
            code = 1
        with contextlib.suppress(OSError):  # stderr closed or a broken pipe: the exit code still tells
            click.echo(line, err=True)
        ctx.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kpireport")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """kpireport: KPI workbooks and e-mail summaries from your CRM, sales and finance exports."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    from ..duck import tame_allocators

    tame_allocators()  # before any worker thread starts: a run must fit an address-space limit


def load_cli_config(path: Path | None) -> Config:
    """The config named with --config, else ./kpireport.yaml when present, else defaults."""
    if path is None:
        default = Path("kpireport.yaml")
        return load_config(default) if default.is_file() else Config()
    return load_config(path)


def safe_name(name: str) -> str:
    """An output file name that never comes raw from input content or options."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:80]
    return cleaned or "kpi-report"


def run_cli() -> None:
    """Console-script entry point."""
    main(prog_name="kpireport")
