"""`kpireport kpis`, `template`, `init`, `watch` and `generate`'s progress and summary, through the
real entry point (a subprocess), error paths included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpireport.errors import EXIT_CODES

from .conftest import ROOT
from .test_watch import orders_csv_lines, sha256, small_orders_xlsx


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("kpireport")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kpireport"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
            "COLUMNS": "100"}


def kpireport(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=_env())


def _one_error_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kpireport: error:"), result.stderr
    assert "Traceback" not in result.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# -- help ------------------------------------------------------------------------------------------

def test_help_lists_every_command_and_every_exit_code():
    result = kpireport("--help")
    assert result.returncode == 0, result.stderr
    for command in ("generate", "validate", "kpis", "template", "init", "watch", "send", "sample"):
        assert f"  {command}" in result.stdout, command
    assert "Exit codes" in result.stdout
    for meaning, code in EXIT_CODES.items():
        assert f"{code:>2}  {meaning}" in result.stdout, meaning


@pytest.mark.parametrize("command", ["generate", "kpis", "template", "init", "watch"])
def test_every_command_help_has_examples(command: str):
    result = kpireport(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Examples:" in result.stdout and f"kpireport {command}" in result.stdout


# -- kpis ------------------------------------------------------------------------------------------

def test_kpis_lists_by_category():
    result = kpireport("kpis")
    assert result.returncode == 0, result.stderr
    assert "churn_rate" in result.stdout and "Churn (attrition) rate" in result.stdout
    assert "Customer service (customer_service)" in result.stdout
    only = kpireport("kpis", "--category", "customer_service")
    assert only.returncode == 0 and "csat" in only.stdout and "churn_rate" not in only.stdout


def test_kpis_explains_one_in_words():
    result = kpireport("kpis", "churn_rate")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Churn (attrition) rate\n")
    assert "Formula:" in out and "Customers lost / Customers at period start" in out
    assert "Needs:" in out and "Customers: Acquired Date, Lost Date" in out
    assert "Lower is better" in out
    assert "±10%" in out
    assert "When it moves the wrong way:" in out and "complaints" in out


def test_kpis_in_turkish_and_by_name():
    result = kpireport("kpis", "Churn (attrition) rate", "--lang", "tr")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Müşteri kaybetme oranı\n")
    assert "Düşük olması iyi" in out and "Kaybedilen müşteriler / Dönem başı müşteri" in out
    assert "Müşteriler: Kayıp Tarihi, Kazanım Tarihi" in out
    assert "±%10" in out
    assert kpireport("kpis", "LTV").stdout.startswith("Customer lifetime value (LTV)")


@pytest.mark.parametrize(("args", "words"), [
    (["churn_rte"], ("no KPI 'churn_rte'", "Did you mean 'churn_rate'")),
    (["--category", "custmer_service"], ("no category", "Did you mean 'customer_service'")),
    (["rate"], ("matches", "KPIs")),
    (["--lang", "xx"], ("'xx' is not an available language",)),
])
def test_kpis_errors(args: list[str], words: tuple[str, ...]):
    _one_error_line(kpireport("kpis", *args), 2, *words)


def test_kpis_with_a_bad_config_key_names_the_file_and_key(tmp_path: Path):
    cfg = tmp_path / "kpireport.yaml"
    cfg.write_text("company: Acme\ncurency: EUR\n", encoding="utf-8")
    _one_error_line(kpireport("kpis", "--config", str(cfg)), 9, str(cfg), "key 'curency'", "currency")
    (tmp_path / "kpireport.yaml").write_text("hide: [churn_rate]\n", encoding="utf-8")
    listed = kpireport("kpis", cwd=tmp_path)  # ./kpireport.yaml is picked up
    assert listed.returncode == 0 and "churn_rate" not in listed.stdout
    assert "churn_rate" in kpireport("kpis", "--all", cwd=tmp_path).stdout


# -- template --------------------------------------------------------------------------------------

def test_template_writes_refuses_to_overwrite_and_reads_back(tmp_path: Path):
    result = kpireport("template", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "kpireport-input.xlsx"
    assert path.read_bytes()[:2] == b"PK" and f"wrote {path.name}" in result.stdout
    before = sha256(path)
    again = kpireport("template", cwd=tmp_path)
    _one_error_line(again, 2, "already exists", "--force")
    assert sha256(path) == before
    assert kpireport("template", "--force", cwd=tmp_path).returncode == 0
    assert sha256(path) == before  # deterministic
    checked = kpireport("validate", str(path))
    assert "20 tables recognised" in checked.stdout or "-> orders" in checked.stdout, checked.stdout


def test_template_in_turkish(tmp_path: Path):
    import openpyxl

    result = kpireport("template", str(tmp_path / "girdi.xlsx"), "--lang", "tr")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(tmp_path / "girdi.xlsx", read_only=True)
    assert wb.sheetnames[:3] == ["Açıklamalar", "Siparişler", "Müşteriler"]
    assert [c.value for c in next(wb["Siparişler"].iter_rows(max_row=1))][:2] == ["Sipariş Tarihi", "Satış Tutarı"]


@pytest.mark.parametrize(("setup", "code", "words"), [
    ("parent_is_a_file", 10, ("cannot write", "folder you can write to")),
    ("not_xlsx", 2, ("Excel workbook",)),
    ("bad_lang", 2, ("not an available language",)),
])
def test_template_errors(tmp_path: Path, setup: str, code: int, words: tuple[str, ...]):
    args: list[str] = []
    if setup == "parent_is_a_file":
        (tmp_path / "report.txt").write_text("a file, not a folder")
        args = [str(tmp_path / "report.txt" / "input.xlsx")]
    elif setup == "not_xlsx":
        args = [str(tmp_path / "input.csv")]
    else:
        args = [str(tmp_path / "t.xlsx"), "--lang", "klingon"]
    _one_error_line(kpireport("template", *args), code, *words)


# -- init ------------------------------------------------------------------------------------------

def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path):
    result = kpireport("init", "--lang", "tr", "--company", "Kuzey A.Ş.", "--currency", "try", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "kpireport.yaml"
    text = path.read_text(encoding="utf-8")
    assert "language: tr" in text and "currency: TRY" in text and "KPIREPORT_SMTP_PASSWORD" in text
    _one_error_line(kpireport("init", cwd=tmp_path), 2, "already exists", "--force")
    assert path.read_text(encoding="utf-8") == text
    listed = kpireport("kpis", cwd=tmp_path)  # the written config is picked up and valid
    assert listed.returncode == 0 and "gösterge" in listed.stdout
    assert kpireport("init", "--force", cwd=tmp_path).returncode == 0
    assert "language: en" in path.read_text(encoding="utf-8")


def test_init_into_an_unwritable_place(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    _one_error_line(kpireport("init", str(tmp_path / "file" / "kpireport.yaml")), 10, "cannot write")


# -- generate: summary, quiet, config errors -----------------------------------------------------------

def test_generate_prints_the_summary_table(tmp_path: Path):
    data = small_orders_xlsx(tmp_path / "orders.xlsx", seed=3)
    result = kpireport("generate", str(data), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    out = result.stdout
    for label in ("on track", "at risk", "off track", "could not be computed", "data-quality warnings",
                  "files written"):
        assert f"  {label} " in out, label
    for suffix in ("xlsx", "html", "pdf", "eml", "json"):
        assert f"wrote {tmp_path / 'out' / f'kpi-report.{suffix}'}" in out
    assert "September 2026" in out.splitlines()[0]
    quiet = kpireport("generate", str(data), "--out", str(tmp_path / "out2"), "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_generate_email_dry_run_and_missing_smtp(tmp_path: Path):
    data = small_orders_xlsx(tmp_path / "orders.xlsx", seed=6)
    dry = kpireport("generate", str(data), "--out", str(tmp_path / "out"), "--email", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: e-mail written, not sent" in dry.stdout
    assert (tmp_path / "out" / "kpi-report.eml").read_bytes().startswith(b"Subject:") or \
        b"Subject:" in (tmp_path / "out" / "kpi-report.eml").read_bytes()[:2000]
    sent = kpireport("generate", str(data), "--out", str(tmp_path / "out2"), "--email")
    _one_error_line(sent, 11, "no SMTP server is configured")
    assert "files written" in sent.stdout and (tmp_path / "out2" / "kpi-report.xlsx").exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="needs a pseudo-terminal")
def test_generate_shows_progress_on_a_terminal(tmp_path: Path):
    import pty

    data = small_orders_xlsx(tmp_path / "orders.xlsx", seed=4)
    master, slave = pty.openpty()
    proc = subprocess.Popen([*_command(), "generate", str(data), "--out", str(tmp_path / "out")], stderr=slave,
                            stdout=subprocess.PIPE, env=_env())
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(120) == 0
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "reading and computing" in text and "writing the workbook" in text and "7/7" in text


@pytest.mark.parametrize(("config", "key"), [
    ("curency: EUR\n", "curency"),
    ("email:\n  host: smtp.example.com\n  password: secret\n", "email.password"),
    ("targets: {revenue: {next month: 5}}\n", "targets.revenue.next month"),
])
def test_generate_with_a_bad_config(tmp_path: Path, config: str, key: str):
    cfg = tmp_path / "kpireport.yaml"
    cfg.write_text(config, encoding="utf-8")
    data = small_orders_xlsx(tmp_path / "orders.xlsx", seed=5)
    line = _one_error_line(kpireport("generate", str(data), "--out", str(tmp_path / "out"), "--config", str(cfg)),
                           9, str(cfg), f"key {key!r}")
    assert "secret" not in line
    assert not (tmp_path / "out").exists()


# -- watch -----------------------------------------------------------------------------------------

def test_watch_on_a_missing_folder(tmp_path: Path):
    _one_error_line(kpireport("watch", str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--once"), 3,
                    "does not exist")


def test_watch_once_processes_what_is_there(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    small_orders_xlsx(inbox / "sales.xlsx", seed=1)
    (inbox / "~$sales.xlsx").write_bytes(b"lock")
    result = kpireport("watch", str(inbox), "--out", str(tmp_path / "out"), "--once", "--interval", "0.2")
    assert result.returncode == 0, result.stderr
    assert "processed sales.xlsx" in result.stdout and "1 processed, 0 failed" in result.stdout
    assert (inbox / "processed" / "sales.xlsx").exists() and (inbox / "~$sales.xlsx").exists()
    data = json.loads((tmp_path / "out" / "sales" / "kpi-report.json").read_text(encoding="utf-8"))
    assert data["kpis"]["revenue"]["value"] > 0
    (inbox / "broken.xlsx").write_text("not a workbook")
    failed = kpireport("watch", str(inbox), "--out", str(tmp_path / "out"), "--once", "--interval", "0.2")
    assert failed.returncode == 3, failed.stderr
    lines = failed.stderr.strip().splitlines()
    assert lines[0].startswith("failed broken.xlsx: broken.xlsx: this is a text file")  # the event, as it happens
    assert lines[-1].startswith("kpireport: error: 1 of 1 files could not be reported")
    assert (inbox / "failed" / "broken.xlsx.txt").exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX signals")
def test_watch_stops_cleanly_on_ctrl_c_and_survives_a_kill(tmp_path: Path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    digests = {}
    for i in range(5):
        p = small_orders_xlsx(inbox / f"orders-{i}.xlsx", seed=20 + i)
        digests[p.name] = sha256(p)
    (inbox / "bad.xlsx").write_text("nope")
    digests["bad.xlsx"] = sha256(inbox / "bad.xlsx")
    (inbox / "shop.csv").write_text("".join(orders_csv_lines(9)), encoding="utf-8")
    digests["shop.csv"] = sha256(inbox / "shop.csv")

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen([*_command(), "watch", str(inbox), "--out", str(out), "--interval", "0.2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())

    def moved() -> int:
        return sum(1 for d in ("processed", "failed") if (inbox / d).is_dir()
                   for p in (inbox / d).iterdir() if not p.name.endswith(".txt"))

    first = start()
    deadline = time.monotonic() + 120
    while moved() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # killed mid-run, maybe mid-report
    first.wait(30)
    second = start()
    deadline = time.monotonic() + 120
    while moved() < len(digests) and time.monotonic() < deadline:
        time.sleep(0.1)
    second.send_signal(signal.SIGINT)  # Ctrl-C
    _, err_text = second.communicate(timeout=60)
    assert second.returncode == 0, err_text
    assert "stopped" in err_text and "Traceback" not in err_text
    for name, digest in digests.items():
        places = [inbox / d / name for d in ("processed", "failed") if (inbox / d / name).exists()]
        assert len(places) == 1, (name, places)
        assert sha256(places[0]) == digest, name
    assert (inbox / "failed" / "bad.xlsx.txt").exists()
    assert not [p for p in inbox.iterdir() if p.is_file()]
    assert not list((inbox / ".kpireport").iterdir())
