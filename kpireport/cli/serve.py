"""`kpireport serve`: the drop page in the browser (see kpireport/serve/)."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from ..errors import UsageError
from .app import load_cli_config, main

EPILOG = """\b
Examples:
  kpireport serve                                   # http://127.0.0.1:8765/ on this computer only
  kpireport serve --config kpireport.yaml --keep-minutes 15
  kpireport serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"   # reachable from the network

\b
Open the address it prints, drop export files (or a folder) on the page, and read the summary
there; download the workbook, the JSON and the .eml, or send it when the config has e-mail
settings. Uploads live in a private temporary folder per report (mode 0700) named by a random
id, and are deleted after --keep-minutes and when the server stops.
"""


@main.command(epilog=EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this computer (127.0.0.1, ::1) requires --token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--token", help="A secret every request must carry (open the printed address once; the page "
                              "remembers it). Required with a --host other than 127.0.0.1.")
@click.option("--keep-minutes", default=60.0, show_default=True, type=click.FloatRange(1, 7 * 24 * 60),
              help="Minutes each report (uploads and outputs) is kept before it is deleted.")
@click.option("--max-upload-mb", default=100.0, show_default=True, type=click.FloatRange(0.01, 10_000),
              help="Largest upload (all files of one drop together), in MB.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
def serve(host: str, port: int, token: str | None, keep_minutes: float, max_upload_mb: float,
          config_path: Path | None) -> None:
    """Serve the drop page: drop exports in the browser, get the report there."""
    import uvicorn

    from ..serve import LOOPBACK, create_app

    config = load_cli_config(config_path)
    loopback = host in LOOPBACK
    if not loopback and not token:
        raise UsageError(f"--host {host} makes the page reachable from other computers, so it needs --token.",
                         f'Add --token "{secrets.token_urlsafe(16)}" (any long random text), or drop --host.')
    if token is not None and len(token) < 12:
        raise UsageError("the --token is too short to keep anyone out.", "Use at least 12 random characters.")
    app = create_app(config, token=token, keep_minutes=keep_minutes, max_upload_mb=max_upload_mb,
                     hosts=("127.0.0.1", "localhost", "[::1]") if loopback else None)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"kpireport: open {address} in a browser; Ctrl-C to stop")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, date_header=False)
