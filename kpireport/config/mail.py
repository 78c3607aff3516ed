"""The `email:` section: where `--email` and `kpireport send` deliver, checked key by key.
Never credentials: those come from the environment (see `errors.refuse_secrets`)."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from .errors import did_you_mean, fail, refuse_secrets
from .model import EMAIL_KEYS, SECURITY, EmailSettings


def email_settings(path: Path, raw: Any) -> EmailSettings:
    """The `email:` mapping as EmailSettings (an empty one when the key is there without a value)."""
    if raw is None:
        return EmailSettings()
    if not isinstance(raw, dict):
        raise fail(path, "email", "must be a mapping",
                   "For example email: {host: smtp.example.com, sender: me@example.com, recipients: [a@example.com]}")
    refuse_secrets(path, raw, "email.")
    unknown = sorted(str(k) for k in set(raw) - set(EMAIL_KEYS))
    if unknown:
        raise fail(path, f"email.{unknown[0]}", "unknown key",
                   did_you_mean(unknown[0], EMAIL_KEYS) + f"Known keys: {', '.join(EMAIL_KEYS)}.")
    security = raw.get("security", "starttls")
    if security not in SECURITY:
        raise fail(path, "email.security", f"{security!r} is not starttls, ssl or none",
                   "Use starttls (port 587) or ssl (port 465).")
    port = raw.get("port", 465 if security == "ssl" else 587)
    if isinstance(port, str) and port.strip().isdigit():
        port = int(port.strip())
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise fail(path, "email.port", f"{port!r} is not a port number", "Usually 587 (starttls) or 465 (ssl).")
    for key in ("host", "sender", "subject"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise fail(path, f"email.{key}", "must be text")
    host = (raw.get("host") or "").strip()
    if host and not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        raise fail(path, "email.host", f"{host!r} is not a host name", "For example smtp.example.com")
    sender = (raw.get("sender") or "").strip()
    if sender and not _address(sender):
        raise fail(path, "email.sender", f"{sender!r} is not an e-mail address",
                   "For example reports@example.com or 'KPI reports <reports@example.com>'.")
    recipients = raw.get("recipients") or []
    if isinstance(recipients, str):
        recipients = [r for r in re.split(r"[,;]", recipients) if r.strip()]
    if not isinstance(recipients, list):
        raise fail(path, "email.recipients", "must be a list of addresses", "For example [ceo@example.com]")
    for i, r in enumerate(recipients):
        if not isinstance(r, str) or not _address(r.strip()):
            raise fail(path, f"email.recipients[{i}]", f"{r!r} is not an e-mail address")
    return EmailSettings(host, port, security, sender, tuple(r.strip() for r in recipients),
                         (raw.get("subject") or "").strip())


def _address(text: str) -> bool:
    """One plausible address, optionally with a display name; no header-splitting characters."""
    if any(c in text for c in "\r\n\x00"):
        return False
    _, addr = parseaddr(text)
    return bool(re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", addr))
