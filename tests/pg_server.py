"""A throw-away PostgreSQL server for the tests and the benchmark: `initdb` into a temporary
folder, `pg_ctl start` on a free local port, password authentication over TCP, stopped and
deleted at the end. KPIREPORT_TEST_PG_URL names an existing server's database instead (nothing is
started then; the tests create their tables there).

initdb refuses to run as root (CI and this machine run as root): the server then runs as the
`postgres` user (Debian's package creates it) or `nobody`, owning the temporary folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = "kpireport"
PASSWORD = "s3cret-pw"
DATABASE = "kpitest"


class NoServer(RuntimeError):
    """PostgreSQL's binaries are not installed, or its server did not start."""


def bindir() -> Path | None:
    """Where initdb and pg_ctl are: `pg_config --bindir`, else Debian's newest /usr/lib/postgresql/N/bin."""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
        if (out / "initdb").exists():
            return out
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runner() -> tuple[list[str], str | None]:
    """The command prefix that runs the server as a user that is not root, and that user."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            return ["runuser", "-u", user, "--"], user
    raise NoServer("running as root, and neither a postgres nor a nobody user exists to run the server")


@contextlib.contextmanager
def server() -> Iterator[str]:
    """A database URL (with user and password) on a running server, for as long as the block runs."""
    given = os.environ.get("KPIREPORT_TEST_PG_URL")
    if given:
        yield given
        return
    bin_ = bindir()
    if bin_ is None:
        raise NoServer("PostgreSQL is not installed (no initdb; Debian: apt-get install postgresql)")
    prefix, user = _runner()
    # /tmp, not $TMPDIR: the server's user must reach the folder (a root-only TMPDIR would hide it)
    base = Path(tempfile.mkdtemp(prefix="kpireport-pg-", dir="/tmp" if user is not None else None))
    if user is not None:
        shutil.chown(base, user)
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if user is not None:
        shutil.chown(pwfile, user)
    data, port = base / "data", _free_port()

    def run(*cmd: str) -> None:
        got = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120, cwd=base)
        if got.returncode:
            raise NoServer(f"{Path(cmd[0]).name} failed: {(got.stderr or got.stdout).strip()[-600:]}")

    try:
        run(str(bin_ / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
        run(str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60", "start", "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off")
        try:
            import psycopg

            url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}"
            with psycopg.connect(f"{url}/postgres", autocommit=True) as con:
                con.execute(f"CREATE DATABASE {DATABASE}")
            yield f"{url}/{DATABASE}"
        finally:
            run(str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
