"""`kpireport sample`: write the bundled sample workbooks."""

from __future__ import annotations

from pathlib import Path

import click

from .app import main


@main.command()
@click.option("--out", "out_dir", default="sample_workbooks", show_default=True,
              type=click.Path(path_type=Path, file_okay=False))
@click.option("--seed", default=2026, show_default=True, type=int)
def sample(out_dir: Path, seed: int) -> None:
    """Write the bundled sample workbooks (a fictional company, generated from a seed)."""
    from ..sample import write_sample_workbooks

    for p in write_sample_workbooks(out_dir, seed):
        click.echo(f"wrote {p}")
