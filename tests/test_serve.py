"""`kpireport serve` without a browser: Starlette's TestClient against the app, and the store.

Token and Host checks, the X-Kpireport header, the upload size limit (declared and streamed),
unguessable ids and 0700 folders, expiry with a fake clock, no way from one report to another,
the data-quality panel and the one-line error of an unreadable file.
"""

from __future__ import annotations

import io
import os
import random
import stat
import time
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from starlette.testclient import TestClient

from kpireport.cli import main
from kpireport.config import Config
from kpireport.serve import ReportStore, create_app
from kpireport.serve.store import clean_name

from .hostile_corpus import order_rows, xlsx_bytes

BASE = "http://127.0.0.1:8765"
POST = {"X-Kpireport": "1"}
TOKEN = "s3cret-token-for-tests"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def orders() -> bytes:
    return xlsx_bytes(order_rows(300, random.Random(7)))


def _client(app, **kw) -> TestClient:
    return TestClient(app, base_url=kw.pop("base_url", BASE), **kw)


def _finish(client: TestClient, report_id: str, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = client.get(f"/r/{report_id}/status").json()
        if body.get("state") != "working":
            return body
        time.sleep(0.1)
    raise AssertionError("the report was not finished in time")


def _upload(client: TestClient, files: dict[str, bytes], headers: dict | None = None):
    return client.post("/api/reports", files=[("files", (n, b, "application/octet-stream")) for n, b in files.items()],
                       headers=POST if headers is None else headers)


# --- the store ------------------------------------------------------------------------------

def test_ids_are_unguessable_and_folders_private(tmp_path):
    store = ReportStore(60, root=tmp_path / "root")
    made = [store.new() for _ in range(200)]
    ids = [rid for rid, _ in made]
    assert len(set(ids)) == 200
    assert all(len(rid) == 32 and rid.replace("-", "").replace("_", "").isalnum() for rid in ids)
    assert stat.S_IMODE((tmp_path / "root").stat().st_mode) == 0o700
    for _, folder in made[:3]:
        for sub in (folder, folder / "inputs", folder / "report"):
            assert stat.S_IMODE(sub.stat().st_mode) == 0o700
    assert sorted(os.listdir(tmp_path / "root")) == sorted(ids)


@pytest.mark.parametrize("bad", ["", "x", "../" + "a" * 29, "a" * 31, "a" * 33, "a" * 31 + "/", "a" * 31 + "."])
def test_malformed_or_unknown_ids_find_nothing(tmp_path, bad):
    store = ReportStore(60, root=tmp_path)
    store.new()
    assert store.folder(bad) is None
    assert store.folder("b" * 32) is None  # well formed, never made


def test_reports_expire_after_keep_and_sweep_deletes_them(tmp_path):
    clock = Clock()
    store = ReportStore(600, root=tmp_path, clock=clock)
    old_id, old = store.new()
    clock.now += 300
    new_id, new = store.new()
    clock.now += 301  # old: 601 s, new: 301 s
    assert store.folder(old_id) is None and store.folder(new_id) == new
    assert store.sweep() == 1
    assert not old.exists() and new.is_dir()
    store.close()
    assert not tmp_path.exists()


@pytest.mark.parametrize(("name", "taken", "want"), [
    ("sales.xlsx", set(), "sales.xlsx"),
    ("exports/2026/sales.xlsx", set(), "sales.xlsx"),          # a folder pick sends the relative path
    ("C:\\Users\\ayse\\satış.xlsx", set(), "satış.xlsx"),       # a Windows path, non-ASCII kept
    ("../../etc/passwd.csv", set(), "passwd.csv"),
    ("a<b>|c.csv", set(), "a_b_c.csv"),
    ("sales.xlsx", {"sales.xlsx"}, "sales-2.xlsx"),
    ("Sales.XLSX", {"sales.xlsx", "sales-2.xlsx"}, "Sales-3.XLSX"),
    ("..", set(), "upload"),
])
def test_clean_name(name, taken, want):
    assert clean_name(name, set(taken)) == want


# --- requests that are refused ------------------------------------------------------------

def test_without_a_token_the_page_opens_on_loopback_only():
    app = create_app(Config())
    with _client(app) as c:
        page = c.get("/")
        assert page.status_code == 200 and "Drop your export files" in page.text
        assert "http://" not in page.text.replace(BASE, "") and "https://" not in page.text  # nothing from elsewhere
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    with _client(app, base_url="http://evil.example:8765") as c:  # DNS rebinding onto the loopback port
        assert c.get("/").status_code == 421


def test_with_a_token_every_request_needs_it():
    app = create_app(Config(), token=TOKEN, hosts=None)
    with _client(app, base_url="http://192.0.2.10:8765", follow_redirects=False) as c:
        assert c.get("/").status_code == 401
        assert c.get("/", params={"token": "wrong-token-value"}).status_code == 401
        assert c.post("/api/reports", headers=POST).status_code == 401
        assert c.get("/r/" + "a" * 32 + "/status").status_code == 401
        opened = c.get("/", params={"token": TOKEN})
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        cookie = opened.headers["set-cookie"]
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert c.get("/").status_code == 200  # the cookie now carries the token
    with _client(app) as c:
        assert c.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_post_without_the_page_header_is_refused(orders):
    with _client(create_app(Config())) as c:
        r = _upload(c, {"orders.xlsx": orders}, headers={})
        assert r.status_code == 403 and "kpireport page" in r.json()["error"]


@pytest.mark.parametrize("streamed", [False, True])
def test_uploads_over_the_limit_get_a_clear_413(tmp_path, orders, streamed):
    store = ReportStore(60, root=tmp_path / "root")
    app = create_app(Config(), max_upload_mb=len(orders) / 2 / 1024 / 1024, store=store)
    boundary = "kpireportboundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="orders.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + orders + f"\r\n--{boundary}--\r\n".encode()
    headers = {**POST, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    with _client(app) as c:
        if streamed:  # no Content-Length: counted while it arrives
            r = c.post("/api/reports", content=(body[i:i + 4096] for i in range(0, len(body), 4096)), headers=headers)
        else:
            r = c.post("/api/reports", content=body, headers=headers)
        assert r.status_code == 413
        assert r.json()["error"].startswith("the upload is larger than ") and "--max-upload-mb" in r.json()["error"]
        assert os.listdir(tmp_path / "root") == []  # nothing of it is kept


def test_too_many_files_is_a_400_that_says_so(tmp_path, monkeypatch):
    from kpireport.serve import app as app_module

    monkeypatch.setattr(app_module, "MAX_FILES", 3)
    store = ReportStore(60, root=tmp_path / "root")
    with _client(create_app(Config(), store=store)) as c:
        r = _upload(c, {f"f{i}.csv": b"a,b\n1,2\n" for i in range(4)})
        assert r.status_code == 400 and "Send at most 3 files at once" in r.json()["error"]
        assert os.listdir(tmp_path / "root") == []


def test_an_empty_upload_is_a_400():
    with _client(create_app(Config())) as c:
        r = c.post("/api/reports", files=[("other", ("x.txt", b"x", "text/plain"))], headers=POST)
        assert r.status_code == 400 and "no files were sent" in r.json()["error"]


# --- reports -------------------------------------------------------------------------------

def test_a_report_is_made_and_reachable_only_through_its_own_id(tmp_path, orders):
    store = ReportStore(60, root=tmp_path / "root")
    with _client(create_app(Config(), store=store)) as c:
        a = _upload(c, {"orders.xlsx": orders, "notes.pdf": b"%PDF-1.4", ".DS_Store": b"\0"})
        b = _upload(c, {"orders.xlsx": orders})
        assert a.status_code == b.status_code == 202
        ida, idb = a.json()["id"], b.json()["id"]
        done = _finish(c, ida)
        assert done["state"] == "done", done
        assert done["files"] == ["kpi-report.eml", "kpi-report.json", "kpi-report.pdf", "kpi-report.xlsx"]
        assert done["draft"] is True and done["email"] is False
        assert done["quality"]["recognised"][0] | {"by": ""} == {
            "file": "orders.xlsx", "sheet": "Orders", "table": "orders", "by": "", "rows_read": 300, "rows_used": 300}
        assert {"where": "notes.pdf", "why": "not a file kpireport reads (.xlsx, .xlsm, .xls, .ods, .csv)"} in \
            done["quality"]["not_used"]
        assert sorted(os.listdir(store.root / ida / "inputs")) == ["orders.xlsx"]
        assert _finish(c, idb)["state"] == "done"
        summary = c.get(f"/r/{ida}/summary")
        assert summary.status_code == 200 and summary.headers["content-security-policy"].startswith("sandbox")
        xlsx = c.get(f"/r/{ida}/file/kpi-report.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert 'attachment; filename="kpi-report.xlsx"' in xlsx.headers["content-disposition"]
        for path in (f"/r/{ida}/file/meta.json", f"/r/{ida}/file/..%2Finputs%2Forders.xlsx",
                     f"/r/{ida}/file/orders.xlsx", f"/r/{ida}/file/kpi-report.txt", f"/r/{ida[:-1]}x/summary",
                     "/r/", "/api/reports"):
            assert c.get(path).status_code in (404, 405), path
        assert c.post(f"/r/{ida}/send", headers=POST).status_code == 409  # no e-mail settings


def test_expired_reports_are_gone_from_the_app_and_the_disk(tmp_path, orders):
    clock = Clock()
    store = ReportStore(60, root=tmp_path / "root", clock=clock)
    with _client(create_app(Config(), store=store)) as c:
        rid = _upload(c, {"orders.xlsx": orders}).json()["id"]
        assert _finish(c, rid)["state"] == "done"
        clock.now += 61
        assert c.get(f"/r/{rid}/file/kpi-report.xlsx").status_code == 404
        assert c.get(f"/r/{rid}/status").status_code == 404
        assert not (store.root / rid).exists()


def _cli_line(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["generate", name, "--out", "out", "-q"])
    finally:
        os.chdir(cwd)
    assert result.exit_code != 0
    return result.stderr.strip().removeprefix("kpireport: error: ")


def _no_table() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("Sheet1").write_row(0, 0, ["Colour", "Flavour"])
    wb.close()
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data"), [
    ("orders.xlsx", b"this is not a workbook at all" * 10),
    ("orders.xlsx", b"PK\x03\x04" + b"\0" * 64),
    ("colours.xlsx", _no_table()),
])
def test_an_unusable_file_fails_with_the_cli_one_line_message(tmp_path, name, data):
    with _client(create_app(Config(), store=ReportStore(60, root=tmp_path / "root"))) as c:
        rid = _upload(c, {name: data}).json()["id"]
        failed = _finish(c, rid)
    assert failed["state"] == "failed"
    assert failed["error"] == _cli_line(tmp_path, name, data)
    assert str(tmp_path) not in failed["error"] and "\n" not in failed["error"]


def test_serve_refuses_another_host_without_a_token():
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--host 0.0.0.0 makes the page reachable from other computers, so it needs --token" in result.stderr
    short = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--token", "abc"])
    assert short.exit_code == 2 and "too short" in short.stderr


def test_send_delivers_the_reports_eml_when_email_is_configured(tmp_path, orders, monkeypatch):
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    from kpireport.config import EmailSettings

    from .serving import free_port

    class Inbox:
        def __init__(self) -> None:
            self.envelopes: list = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    monkeypatch.delenv("KPIREPORT_SMTP_USER", raising=False)
    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        config = Config(company="Acme Tools GmbH", email=EmailSettings(
            host="127.0.0.1", port=port, security="none", sender="kpi@acme.example", recipients=("boss@acme.example",)))
        with _client(create_app(config, store=ReportStore(60, root=tmp_path / "root"))) as c:
            rid = _upload(c, {"orders.xlsx": orders}).json()["id"]
            done = _finish(c, rid)
            assert done["email"] is True and done["draft"] is False and done["company"] == "Acme Tools GmbH"
            sent = c.post(f"/r/{rid}/send", headers=POST)
            assert sent.status_code == 200 and sent.json() == {"sent": "Sent to boss@acme.example"}
    finally:
        smtp.stop()
    assert [e.rcpt_tos for e in inbox.envelopes] == [["boss@acme.example"]]
    msg = message_from_bytes(inbox.envelopes[0].original_content or inbox.envelopes[0].content, policy=policy.default)
    assert str(msg["Subject"]).startswith("Acme Tools GmbH KPI report – ") and msg["To"] == "boss@acme.example"
