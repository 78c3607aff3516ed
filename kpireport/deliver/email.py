"""The report as an e-mail: build the MIME message, write it as .eml, send it over SMTP.

Structure (what Outlook, Gmail and Apple Mail all show correctly):

    multipart/mixed
      multipart/alternative
        text/plain                 the plain-text summary
        multipart/related
          text/html                the summary, images referenced as cid:
          image/png ...            one part per chart, Content-ID matching the cid:
      application/vnd.openxmlformats-officedocument.spreadsheetml.sheet   the workbook

Sending always encrypts before credentials travel: STARTTLS or implicit TLS with a verified
certificate (Python 3.11's `starttls()` does not verify unless given a context, so we always
pass one). Credentials come only from the environment (KPIREPORT_SMTP_USER /
KPIREPORT_SMTP_PASSWORD), never from the config file, which tends to end up in a repository.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from ..compute.report import Report
from ..config import Config, EmailSettings
from ..errors import DeliveryError
from ..i18n import Translator, tidy
from ..render.presentation import Presentation

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
USER_ENV, PASSWORD_ENV = "KPIREPORT_SMTP_USER", "KPIREPORT_SMTP_PASSWORD"
TIMEOUT = 60.0


def _header_safe(name: str, value: str) -> str:
    """Refuse CR/LF: a company name or subject with a line break would let input data write
    its own mail headers (Bcc: someone@elsewhere)."""
    if any(c in value for c in "\r\n\x00"):
        raise DeliveryError(f"the e-mail {name} contains a line break, which is not allowed in a mail header.",
                            f"Remove the line break from the {name} in the configuration or the data.")
    return value


def subject_for(report: Report, config: Config) -> str:
    """config.email.subject if set ({company} and {period} are filled in), else the catalog's."""
    t = Translator(config.language, config.locale, config.calendar)
    period = t.period(report.period)
    template = config.email.subject or t("html.subject")
    try:
        text = tidy(template.format(company=config.company or report.company, period=period))
    except (KeyError, IndexError, ValueError):
        text = template  # a literal subject with braces in it
    return _header_safe("subject", text)


def _domain(sender: str) -> str:
    _, _, host = sender.rpartition("@")
    host = host.strip(" >")
    return host or "kpireport.invalid"


def build_message(report: Report, config: Config, generated: dt.date, workbook_bytes: bytes,
                  workbook_name: str, presentation: Presentation | None = None) -> EmailMessage:
    """The complete message: text + HTML with cid charts + the workbook attached.

    `presentation`: the run's own (render/presentation.py), so nothing is drawn or built again."""
    shown = presentation or Presentation.of(report, config, generated)
    settings = config.email
    msg = EmailMessage(policy=policy.default)
    msg["Subject"] = subject_for(report, config)
    if settings.sender:
        msg["From"] = _header_safe("sender", settings.sender)
    if settings.recipients:
        msg["To"] = ", ".join(_header_safe("recipient", r) for r in settings.recipients)
    if is_draft(settings):
        msg["X-Unsent"] = "1"  # Outlook and Apple Mail open it as a draft to address and send
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=_domain(settings.sender))
    t = shown.translator

    text = shown.text(email=True)
    html, images = shown.email_html()
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    html_part = msg.get_body(("html",))  # the alternative just added
    assert isinstance(html_part, EmailMessage)
    for cid, png in images.items():
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                              filename=f"{cid.split('.', 1)[0]}.png", disposition="inline")
    name = _header_safe("attachment name", workbook_name)
    msg.add_attachment(workbook_bytes, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    msg["Content-Language"] = t.lang  # after the parts: set_content() drops Content-* headers
    # Flattening once fixes every MIME boundary on the message itself; otherwise smtplib,
    # which flattens a shallow copy, would pick a new outer boundary and the .eml on disk
    # would differ from what was sent.
    message_bytes(msg)
    return msg


def is_draft(settings: EmailSettings) -> bool:
    """Without a sender and recipients in the config the .eml is a draft: no From or To, for the
    user to address in their mail program; `kpireport send` cannot send it as it is."""
    return not (settings.sender and settings.recipients)


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as an RFC 5322 .eml file (CRLF line ends), as mail clients open it."""
    return msg.as_bytes(policy=policy.SMTP)


def _addresses(settings: EmailSettings) -> tuple[str, list[str]]:
    if not settings.host:
        raise DeliveryError("no SMTP server is configured.", "Set email.host (and email.port) in the config file.")
    if not settings.sender:
        raise DeliveryError("no sender address is configured.", "Set email.sender in the config file.")
    if not settings.recipients:
        raise DeliveryError("no recipients are configured.", "List them under email.recipients in the config file.")
    for value in (settings.host, settings.sender, *settings.recipients):
        _header_safe("address", value)
    sender = _bare(settings.sender)
    return sender, [_bare(r) for r in settings.recipients]


def _bare(address: str) -> str:
    """'Ayşe Demir <ayse@example.com>' -> 'ayse@example.com' for the SMTP envelope."""
    addr = parseaddr(address)[1]
    if "@" not in addr:
        raise DeliveryError(f"{address!r} is not an e-mail address.", "Write addresses as name@example.com.")
    return addr


def send(msg: EmailMessage, settings: EmailSettings, ssl_context: ssl.SSLContext | None = None,
         timeout: float = TIMEOUT) -> None:
    """Send over SMTP with STARTTLS (`security: starttls`), implicit TLS (`ssl`) or, for a
    local relay only, no encryption (`none`, which never sends a password).

    `ssl_context` defaults to `ssl.create_default_context()` (system CAs, hostname checked);
    tests pass one that trusts their own CA. Every failure becomes a one-line DeliveryError.
    """
    sender, recipients = _addresses(settings)
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if settings.security == "none" and user:
        raise DeliveryError(f"refusing to send the SMTP password unencrypted to {settings.host}.",
                            "Use security: starttls (port 587) or ssl (port 465).")
    context = ssl_context or ssl.create_default_context()
    try:
        refused = _transmit(msg, settings, sender, recipients, context, timeout, user, password)
    except OSError as exc:  # every smtplib, ssl and socket error is one
        raise _delivery_error(exc, settings) from None
    if refused:
        bad = ", ".join(sorted(refused))
        raise DeliveryError(f"the report was sent, but the SMTP server refused: {bad}.",
                            "Check those addresses under email.recipients.")


def _transmit(msg: EmailMessage, settings: EmailSettings, sender: str, recipients: list[str],
              context: ssl.SSLContext, timeout: float, user: str, password: str) -> dict[str, tuple[int, bytes]]:
    """The SMTP conversation: connect (TLS from the start, or upgraded with STARTTLS), log in when
    a user is set, send; returns the recipients the server refused."""
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if user:
            smtp.login(user, password)
        return smtp.send_message(msg, from_addr=sender, to_addrs=recipients)


def _delivery_error(exc: OSError, settings: EmailSettings) -> DeliveryError:
    """A failure to send as one line saying what went wrong, with what to check."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"the SMTP server {where} does not offer STARTTLS.",
                             "Use security: ssl with port 465, or ask IT which port offers STARTTLS.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"the SMTP server {where} rejected the login ({exc.smtp_code}).",
                             f"Check {USER_ENV} and {PASSWORD_ENV}; some servers need an app password.")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        bad = ", ".join(sorted(exc.recipients))
        return DeliveryError(f"the SMTP server {where} refused every recipient: {bad}.",
                             "Check the addresses under email.recipients.")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return DeliveryError(f"the SMTP server {where} refused the sender {exc.sender} ({exc.smtp_code}).",
                             "Use a sender address the SMTP account may send as.")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryError(f"the certificate of {where} could not be verified: {exc.verify_message}.",
                             "Check email.host is the server's real name; if IT uses its own CA, install it "
                             "in the system trust store.")
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(f"TLS with {where} failed: {exc.reason or exc}.",
                             "Check email.security matches the port: starttls for 587, ssl for 465.")
    if isinstance(exc, socket.gaierror):
        return DeliveryError(f"the SMTP server name {settings.host!r} could not be found.",
                             "Check email.host for a typo.")
    if isinstance(exc, TimeoutError):
        return DeliveryError(f"the SMTP server {where} did not answer in time.",
                             "Check email.host and email.port, and that a firewall allows the connection.")
    if isinstance(exc, ConnectionError):
        return DeliveryError(f"could not connect to the SMTP server {where}: {exc.strerror or exc}.",
                             "Check email.host and email.port, and that the server is reachable.")
    if isinstance(exc, smtplib.SMTPException):
        return DeliveryError(f"the SMTP server {where} failed: {exc}.", "Try again; if it persists, ask IT.")
    return DeliveryError(f"could not talk to the SMTP server {where}: {exc.strerror or exc}.",
                         "Check the network connection and email.host / email.port.")
