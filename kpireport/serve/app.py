"""The ASGI app behind `kpireport serve`: one page, an upload, a report folder per upload.

    GET  /                      the page (self-contained HTML: inline CSS and JS, nothing fetched elsewhere)
    POST /api/reports           multipart upload of one or more files -> 202 {"id": ...}
    GET  /r/{id}/status         {"state": "working", "step": ...} | {"state": "done", ...} | {"state": "failed", ...}
    GET  /r/{id}/summary        the HTML summary (sandboxed: no script, no same-origin access)
    GET  /r/{id}/file/{name}    kpi-report.xlsx / .json / .eml / .pdf as a download
    POST /r/{id}/send           send the report's .eml with the config's e-mail settings

Generation is the CLI's: `pipeline.run_with_dataset` (guard and isolated reader included),
`watch.render_outputs` and `deliver.files.write_all`, in a worker thread. Errors become the
one line the CLI prints (`KpiReportError.one_line()`), never a traceback.

Security: reports are reachable only by their unguessable id (see store.py). With a token,
every request must carry it (cookie set by opening /?token=T, `Authorization: Bearer T` or
`?token=T`). Requests must name this server as Host (no DNS rebinding onto a loopback port),
and every POST must carry the X-Kpireport header, which a cross-site form cannot send.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..config import Config
from ..deliver.files import write_all
from ..errors import KpiReportError, one_line_text
from ..i18n import Translator
from ..read.inputs import SUPPORTED
from .page import page_html
from .quality import quality
from .store import ReportStore, clean_name

BASE = "kpi-report"
DOWNLOADS = {f"{BASE}.xlsx": "workbook", f"{BASE}.pdf": "pdf", f"{BASE}.json": "json", f"{BASE}.eml": "eml"}
STEPS = ("read", "workbook", "html", "email", "json", "write")
COOKIE = "kpireport_token"
MAX_FILES = 200
SUMMARY_CSP = ("sandbox; default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:; "
               "frame-ancestors 'self'")


class TooLarge(Exception):
    pass


def email_ready(config: Config) -> bool:
    e = config.email
    return bool(e.host and e.sender and e.recipients)


def create_app(config: Config, *, token: str | None = None, keep_minutes: float = 60, max_upload_mb: float = 100,
               hosts: tuple[str, ...] | None = ("127.0.0.1", "localhost", "[::1]"), store: ReportStore | None = None,
               today: Callable[[], dt.date] = dt.date.today, workers: int = 2) -> Guard:
    """The app. `hosts`: the Host names accepted (None: any, for a server bound with a token)."""
    store = store or ReportStore(keep_minutes * 60)
    r = _Routes(config, token, keep_minutes, max_upload_mb, store, today, anyio.CapacityLimiter(workers),
                Translator(config.language, config.locale, config.calendar))
    app = Starlette(routes=[
        Route("/", r.page, methods=["GET"]),
        Route("/api/reports", r.upload, methods=["POST"]),
        Route("/r/{id}/status", r.status, methods=["GET"]),
        Route("/r/{id}/summary", r.summary, methods=["GET"]),
        Route("/r/{id}/file/{name}", r.download, methods=["GET"]),
        Route("/r/{id}/send", r.send, methods=["POST"]),
    ], lifespan=_lifespan(store))
    app.state.store = store
    app.state.tasks = r.tasks
    return Guard(app, token=token, hosts=hosts, store=store)


def _error(status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


@dataclass
class _Routes:
    """The app's request handlers, sharing one config, store, translator and limit on report workers."""

    config: Config
    token: str | None
    keep_minutes: float
    max_upload_mb: float
    store: ReportStore
    today: Callable[[], dt.date]
    limiter: anyio.CapacityLimiter
    t: Translator
    tasks: set[asyncio.Task] = field(default_factory=set)  # reports being made; kept so none is collected

    @property
    def limit(self) -> int:
        """The largest upload in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    async def page(self, request: Request) -> Response:
        if self.token and request.query_params.get("token"):
            response: Response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
            return response
        nonce = secrets.token_urlsafe(16)
        body = page_html(self.t, nonce, keep_minutes=self.keep_minutes, max_upload_mb=self.max_upload_mb)
        csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
               "connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
        return Response(body, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": csp})

    async def upload(self, request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return _error(413, too_large(self.max_upload_mb))
        report_id, folder = self.store.new()
        try:
            saved, skipped = await _save_upload(request, folder / "inputs", self.limit)
        except TooLarge:
            self.store.discard(report_id)
            return _error(413, too_large(self.max_upload_mb))
        except (ClientDisconnect, HTTPException, ValueError, KeyError, AssertionError) as exc:
            self.store.discard(report_id)  # HTTPException: Starlette's multipart limits (too many files)
            why = exc.detail if isinstance(exc, HTTPException) else str(exc)
            return _error(400, f"the upload could not be read ({one_line_text(str(why))[:200] or 'empty'}). "
                               f"Send at most {MAX_FILES} files at once, from the page.")
        if not saved and not skipped:
            self.store.discard(report_id)
            return _error(400, "no files were sent. Drop one or more export files on the page.")
        self.store.set_status(report_id, {"state": "working", "step": "read", "label": self.t("serve.step.read")})
        task = asyncio.create_task(self._generate(report_id, folder, skipped))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return JSONResponse({"id": report_id}, status_code=202)

    async def _generate(self, report_id: str, folder: Path, skipped: list[str]) -> None:
        def step(name: str) -> None:
            label = self.t(f"serve.step.{name}")
            self.store.set_status(report_id, {"state": "working", "step": name, "label": label})

        try:
            result = await anyio.to_thread.run_sync(make_report, self.config, folder, skipped, self.t, self.today(),
                                                    step, limiter=self.limiter)
        except Exception as exc:  # every failure is one line on the page, as in the CLI
            text = failure_line(exc, folder)
            self.store.set_status(report_id, {"state": "failed", "error": text})
            return
        self.store.write_meta(folder, result)
        self.store.set_status(report_id, {"state": "done", **result})

    async def status(self, request: Request) -> Response:
        report_id = request.path_params["id"]
        if self.store.folder(report_id) is None:
            return _error(404, "no such report (it may have expired). Drop the files again.")
        return JSONResponse(self.store.status(report_id) or {"state": "failed", "error": "lost"},
                            headers={"Cache-Control": "no-store"})

    async def summary(self, request: Request) -> Response:
        folder = self.store.folder(request.path_params["id"])
        path = folder / "report" / f"{BASE}.html" if folder else None
        if path is None or not path.is_file():
            return _error(404, "no such report (it may have expired). Drop the files again.")
        return FileResponse(path, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": SUMMARY_CSP, "Cache-Control": "no-store",
                                     "X-Content-Type-Options": "nosniff"})

    async def download(self, request: Request) -> Response:
        folder = self.store.folder(request.path_params["id"])
        name = request.path_params["name"]
        path = folder / "report" / name if folder and name in DOWNLOADS else None
        if path is None or not path.is_file():
            return _error(404, "no such file (the report may have expired). Drop the files again.")
        return FileResponse(path, filename=name, headers={"Cache-Control": "no-store",
                                                          "X-Content-Type-Options": "nosniff"})

    async def send(self, request: Request) -> Response:
        folder = self.store.folder(request.path_params["id"])
        if folder is None or not (folder / "report" / f"{BASE}.eml").is_file():
            return _error(404, "no such report (it may have expired). Drop the files again.")
        if not email_ready(self.config):
            return _error(409, "e-mail is not configured. Set email.host, email.sender and email.recipients in "
                               "the config file and start `kpireport serve --config` with it.")
        try:
            await anyio.to_thread.run_sync(send_eml, folder / "report" / f"{BASE}.eml", self.config,
                                           limiter=self.limiter)
        except KpiReportError as exc:
            return _error(502, exc.one_line())
        return JSONResponse({"sent": self.t("serve.sent", recipients=", ".join(self.config.email.recipients))})


def _lifespan(store: ReportStore):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        async def sweeper() -> None:
            while True:
                await asyncio.sleep(min(30.0, max(store.keep / 4, 0.05)))
                store.sweep()

        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            store.close()

    return lifespan


class Guard:
    """ASGI wrapper: Host check, token check, the X-Kpireport header on POSTs, a sweep per request."""

    def __init__(self, app, *, token: str | None, hosts: tuple[str, ...] | None, store: ReportStore) -> None:
        self.app, self.token, self.hosts, self.store = app, token, hosts, store
        self.state = app.state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.store.sweep()
        request = Request(scope)
        refusal = self._refuse(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refuse(self, request: Request) -> Response | None:
        if self.hosts is not None:
            host = request.headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in self.hosts:
                return JSONResponse({"error": f"this server answers only to {', '.join(self.hosts)}."},
                                    status_code=421)
        if self.token and not self._authorised(request, self.token):
            return JSONResponse({"error": "a token is required: open the address `kpireport serve` printed "
                                          "(it ends in ?token=...)."}, status_code=401)
        if request.method == "POST" and request.headers.get("x-kpireport") != "1":
            return JSONResponse({"error": "requests must come from the kpireport page."}, status_code=403)
        return None

    def _authorised(self, request: Request, token: str) -> bool:
        given = [request.cookies.get(COOKIE, ""), request.query_params.get("token", "")]
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given.append(auth[7:].strip())
        return any(g and secrets.compare_digest(g.encode(), token.encode()) for g in given)


def too_large(max_mb: float) -> str:
    return (f"the upload is larger than {max_mb:g} MB, the limit of this server. "
            "Send fewer files at once, or start it with a larger --max-upload-mb.")


async def _save_upload(request: Request, inputs: Path, limit: int) -> tuple[list[str], list[str]]:
    """Stream the multipart body into `inputs` (never more than `limit` bytes in all)."""
    received = 0
    receive = request.receive

    async def counted():
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise TooLarge
        return message

    counted_request = Request(request.scope, counted)
    saved: list[str] = []
    skipped: list[str] = []
    taken: set[str] = set()
    async with counted_request.form(max_files=MAX_FILES, max_fields=10) as form:
        for item in form.getlist("files"):
            if isinstance(item, str):
                continue
            raw = item.filename or ""
            base = raw.replace("\\", "/").rsplit("/", 1)[-1]
            if not base or base.startswith((".", "~$")) or Path(base).suffix.lower() not in SUPPORTED:
                if base and not base.startswith((".", "~$")):
                    skipped.append(base)
                continue
            name = clean_name(base, taken)
            with (inputs / name).open("wb") as out:
                while chunk := await item.read(1 << 20):
                    out.write(chunk)
            saved.append(name)
    return saved, skipped


def make_report(config: Config, folder: Path, skipped: list[str], t: Translator, today: dt.date,
                step: Callable[[str], None]) -> dict[str, Any]:
    """What `kpireport generate <inputs> --out <folder>/report` does, and the page's data."""
    from ..outputs import render_outputs
    from ..pipeline import run_with_dataset

    step("read")
    report, dataset = run_with_dataset([folder / "inputs"], config)
    del dataset
    files, _ = render_outputs(report, config, today, BASE, step)
    step("write")
    write_all({folder / "report" / n: data for n, data in files.items()})
    return {"company": report.company, "period": t.period(report.period), "email": email_ready(config),
            "draft": not email_ready(config),
            "files": sorted(n for n in DOWNLOADS if (folder / "report" / n).is_file()),
            "quality": quality(report, t.lang, skipped)}


def failure_line(exc: BaseException, folder: Path) -> str:
    """The CLI's one-line message, with the private folder's path left out of file names."""
    if isinstance(exc, KpiReportError):
        text = exc.one_line()
    else:
        what = "ran out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
        text = (f"unexpected error ({one_line_text(what)[:300]}). Run `kpireport generate` on the same files "
                "with --debug and send us the traceback.")
    for prefix in (str(folder / "inputs") + "/", str(folder / "inputs"), str(folder) + "/"):
        text = text.replace(prefix, "")
    return text


def send_eml(path: Path, config: Config) -> None:
    from ..deliver.email import send

    send(message_from_bytes(path.read_bytes(), policy=policy.default), config.email)
