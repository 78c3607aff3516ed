"""The e-mail: MIME structure of the .eml, header safety, and sending through a real SMTP
server (aiosmtpd on 127.0.0.1) with STARTTLS or implicit TLS and a trustme certificate."""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
from email import message_from_bytes, policy

import pytest

from kpireport.config import Config, EmailSettings
from kpireport.deliver.email import XLSX_TYPE, build_message, message_bytes, send
from kpireport.errors import DeliveryError
from kpireport.render.html import build_context

try:
    from tests.test_html_support import make_report
except ImportError:  # pragma: no cover - depends on how pytest imports tests/
    from test_html_support import make_report

aiosmtpd = pytest.importorskip("aiosmtpd")
trustme = pytest.importorskip("trustme")

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

GENERATED = dt.date(2026, 11, 3)
WORKBOOK = b"PK\x03\x04" + bytes(range(256)) * 40  # binary, like a real .xlsx
SENDER = "KPI Reports <kpi@northwind.example>"
RECIPIENTS = ("Ayşe Demir <ayse@northwind.example>", "board@northwind.example")


def _config(**email) -> Config:
    settings = {"host": "127.0.0.1", "port": 587, "sender": SENDER, "recipients": RECIPIENTS, **email}
    return Config(email=EmailSettings(**settings))


@pytest.fixture(scope="module")
def report():
    return make_report()


@pytest.fixture(scope="module")
def eml(report) -> bytes:
    return message_bytes(build_message(report, _config(), GENERATED, WORKBOOK, "kpi-report-2026-10.xlsx"))


def test_eml_structure_images_text_and_attachment(report, eml):
    msg = message_from_bytes(eml, policy=policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Subject"] == "Northwind Outdoor Ltd. KPI report – October 2026"
    assert msg["From"] == SENDER
    assert "ayse@northwind.example" in msg["To"] and "board@northwind.example" in msg["To"]
    assert msg["Message-ID"] and msg["Date"]

    html = msg.get_body(preferencelist=("html",)).get_content()
    text = msg.get_body(preferencelist=("plain",)).get_content()
    images = {part["Content-ID"].strip("<>"): part.get_content() for part in msg.walk()
              if part.get_content_maintype() == "image"}
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert cids, "the HTML shows the charts"
    for cid in cids:
        assert cid in images, f"cid:{cid} has no image part"
        assert images[cid].startswith(b"\x89PNG")
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    assert related.get_payload()[0].get_content_type() == "text/html"

    ctx = build_context(report, _config(), GENERATED, {})
    for tile in ctx["tiles"]:
        assert tile["value"] in text, tile["name"]
        assert tile["name"] in text

    attachments = list(msg.iter_attachments())
    workbook = [a for a in attachments if a.get_content_type() == "/".join(XLSX_TYPE)]
    assert len(workbook) == 1
    assert workbook[0].get_filename() == "kpi-report-2026-10.xlsx"
    data = workbook[0].get_content()
    assert data == WORKBOOK and data.startswith(b"PK")


def test_eml_uses_crlf_and_short_lines(eml):
    assert b"\r\n" in eml and b"\n" not in eml.replace(b"\r\n", b"")
    assert max(len(line) for line in eml.split(b"\r\n")) <= 998


def test_subject_from_config_and_turkish_catalog(report):
    msg = build_message(report, Config(email=EmailSettings(subject="KPIs {period} for {company}")), GENERATED,
                        WORKBOOK, "r.xlsx")
    assert msg["Subject"] == "KPIs October 2026 for Northwind Outdoor Ltd."
    tr = Config(language="tr", locale="tr_TR", currency="TRY", company="Kuzey Rüzgârı A.Ş.")
    msg = build_message(report, tr, GENERATED, WORKBOOK, "rapor.xlsx")
    assert msg["Subject"] == "Kuzey Rüzgârı A.Ş. KPI raporu – Ekim 2026"
    assert msg["From"] is None, "no sender configured: the .eml is a draft without From"


@pytest.mark.parametrize("field", ["company", "sender", "recipient", "subject", "name"])
def test_line_breaks_in_header_values_are_refused(report, field):
    evil = "x\r\nBcc: everyone@elsewhere.example"
    cfg = {"company": Config(company=evil),
           "sender": _config(sender=evil),
           "recipient": _config(recipients=("a@b.example", evil)),
           "subject": _config(subject=evil),
           "name": _config()}[field]
    with pytest.raises(DeliveryError):
        build_message(report, cfg, GENERATED, WORKBOOK, evil if field == "name" else "r.xlsx")


# -- sending ---------------------------------------------------------------------------------

class _Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


class _Auth:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.seen: list[str] = []

    def __call__(self, server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == self.user \
            and data.password.decode() == self.password
        self.seen.append(data.login.decode() if isinstance(data, LoginPassword) else "")
        return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tls():
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def _server(inbox, port, **kw) -> Controller:
    c = Controller(inbox, hostname="127.0.0.1", port=port, **kw)
    c.start()
    return c


def _received(inbox: _Inbox):
    assert len(inbox.envelopes) == 1
    env = inbox.envelopes[0]
    return env, message_from_bytes(env.original_content or env.content, policy=policy.default)


def test_send_with_starttls_and_login(report, tls, monkeypatch):
    server_ctx, client_ctx = tls
    inbox, auth, port = _Inbox(), _Auth("reports", "s3cret"), _free_port()
    monkeypatch.setenv("KPIREPORT_SMTP_USER", "reports")
    monkeypatch.setenv("KPIREPORT_SMTP_PASSWORD", "s3cret")
    controller = _server(inbox, port, require_starttls=True, tls_context=server_ctx, authenticator=auth,
                         auth_require_tls=True)
    try:
        cfg = _config(port=port, security="starttls")
        msg = build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx")
        send(msg, cfg.email, ssl_context=client_ctx, timeout=10)
    finally:
        controller.stop()
    assert auth.seen == ["reports"]
    env, got = _received(inbox)
    assert env.mail_from == "kpi@northwind.example"
    assert env.rcpt_tos == ["ayse@northwind.example", "board@northwind.example"]
    assert got["Subject"] == msg["Subject"]
    assert got["Message-ID"].strip() == msg["Message-ID"].strip()
    [attachment] = list(got.iter_attachments())
    assert attachment.get_content() == WORKBOOK
    assert env.original_content == message_bytes(msg), "received byte for byte what was sent"


def test_send_with_implicit_tls(report, tls):
    server_ctx, client_ctx = tls
    inbox, port = _Inbox(), _free_port()
    controller = _server(inbox, port, ssl_context=server_ctx)
    try:
        cfg = _config(port=port, security="ssl")
        msg = build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx")
        send(msg, cfg.email, ssl_context=client_ctx, timeout=10)
    finally:
        controller.stop()
    _, got = _received(inbox)
    assert got["Subject"] == msg["Subject"]
    assert next(iter(got.iter_attachments())).get_content() == WORKBOOK


def test_untrusted_certificate_is_refused(report, tls):
    server_ctx, _ = tls
    inbox, port = _Inbox(), _free_port()
    controller = _server(inbox, port, require_starttls=True, tls_context=server_ctx)
    try:
        cfg = _config(port=port, security="starttls")
        msg = build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx")
        with pytest.raises(DeliveryError, match="certificate"):
            send(msg, cfg.email, timeout=10)  # default context: the test CA is not trusted
    finally:
        controller.stop()
    assert inbox.envelopes == []


def test_server_without_starttls_gets_a_hint(report):
    inbox, port = _Inbox(), _free_port()
    controller = _server(inbox, port)
    try:
        cfg = _config(port=port, security="starttls")
        with pytest.raises(DeliveryError) as info:
            send(build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx"), cfg.email, timeout=10)
    finally:
        controller.stop()
    assert "STARTTLS" in info.value.message and "465" in info.value.hint


def test_password_is_never_sent_unencrypted(report, monkeypatch):
    monkeypatch.setenv("KPIREPORT_SMTP_USER", "reports")
    cfg = _config(port=_free_port(), security="none")
    with pytest.raises(DeliveryError, match="unencrypted"):
        send(build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx"), cfg.email)


def test_connection_refused_is_a_delivery_error(report, monkeypatch):
    monkeypatch.delenv("KPIREPORT_SMTP_USER", raising=False)
    cfg = _config(port=_free_port())
    with pytest.raises(DeliveryError) as info:
        send(build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx"), cfg.email, timeout=5)
    assert "127.0.0.1" in info.value.message and info.value.hint
    assert "\n" not in info.value.one_line()


@pytest.mark.parametrize("missing", ["host", "sender", "recipients"])
def test_incomplete_settings_are_refused_before_connecting(report, missing):
    cfg = _config(**{missing: () if missing == "recipients" else ""})
    with pytest.raises(DeliveryError, match=missing.rstrip("s") if missing != "host" else "SMTP server"):
        send(build_message(report, cfg, GENERATED, WORKBOOK, "kpi.xlsx"), cfg.email)
