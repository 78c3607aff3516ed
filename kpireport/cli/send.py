"""`kpireport send`: send a report's .eml written by `generate`."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import click

from ..errors import InputError
from .app import load_cli_config, main

EPILOG = """\b
Examples:
  kpireport send report/kpi-report.eml
  KPIREPORT_SMTP_USER=me KPIREPORT_SMTP_PASSWORD=... kpireport send out/kpi-report.eml --config kpireport.yaml

SMTP host, port, security, sender and recipients come from the config's `email` section;
the login comes only from KPIREPORT_SMTP_USER and KPIREPORT_SMTP_PASSWORD.
"""


@main.command(epilog=EPILOG)
@click.argument("eml", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (default: ./kpireport.yaml if present).")
def send(eml: Path, config_path: Path | None) -> None:
    """Send EML (an e-mail written by `kpireport generate`) to the configured recipients."""
    from ..deliver.email import send as smtp_send

    config = load_cli_config(config_path)
    try:
        data = eml.read_bytes()
    except OSError as exc:
        raise InputError(f"{eml}: cannot read the e-mail file ({exc.strerror}).",
                         "Run `kpireport generate` first; it writes <name>.eml next to the workbook.") from None
    message = message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.get("Subject") or not message.is_multipart():
        raise InputError(f"{eml}: this is not a report e-mail written by kpireport.",
                         "Pass the .eml file that `kpireport generate` wrote.")
    smtp_send(message, config.email)
    click.echo(f"sent {eml.name} to {', '.join(config.email.recipients)}")
