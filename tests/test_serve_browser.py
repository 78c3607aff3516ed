"""`kpireport serve` end to end in a real browser: Debian's headless Chromium driven by Playwright.

Drops the sample workbooks on the page, waits for the summary, downloads the workbook and the
JSON, and checks every KPI value of the workbook's KPIs sheet against the JSON; drops a zip
bomb and sees the one line `kpireport generate` prints for it. Locally the tests skip when
Chromium or Playwright is missing; with CI=true they fail instead (.ci/run installs chromium).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import shutil
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from kpireport.catalog import default_catalog
from kpireport.cli import main
from kpireport.config import Config
from kpireport.serve import create_app

from .conftest import SAMPLES, _in_ci
from .hostile_corpus import zip_bomb_sheet
from .serving import running

pytestmark = pytest.mark.slow
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT_MS = 180_000
SHOTS = os.environ.get("KPIREPORT_SCREENSHOTS")  # a folder: save screenshots of the page there


def _missing(message: str):
    if _in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install playwright; never `playwright install`)")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("Chromium is not installed; install Debian's chromium to run the browser tests")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    with running(create_app(Config(), keep_minutes=10, max_upload_mb=200)) as url:
        yield url


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith((server, "data:", "about:")) else outside.append(r.url))
    pg.goto(server + "/")
    yield pg
    context.close()
    assert outside == [], "the page must not make a request anywhere else"


def _shot(pg, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SHOTS) / name))  # the viewport: a full-page shot crops the iframe


def _download(pg, name: str) -> bytes:
    with pg.expect_download(timeout=60_000) as info:
        pg.click(f'#downloads a[data-file="{name}"]')
    return Path(info.value.path()).read_bytes()


def _workbook_values(data: bytes) -> dict[tuple[str, str], float | None]:
    """{(KPI name, period header): cached value} of every Actual row of the KPIs sheet, found by its headers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparklines are not read by openpyxl
        ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["KPIs"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "KPI")
    periods = {j: v for j, v in enumerate(rows[head]) if isinstance(v, str) and v[-4:].isdigit()}
    row_col = rows[head].index("Row")
    out = {}
    for r in rows[head + 1:]:
        if r and r[0] and len(r) > row_col and r[row_col] == "Actual":
            for j, p in periods.items():
                out[(r[0], p)] = r[j] if j < len(r) else None
    return out


def test_dropping_the_sample_workbooks_shows_the_summary_and_the_workbook_matches_the_json(page):
    _shot(page, "serve-before.png")
    assert page.is_visible("#drop") and not page.is_visible("#result")
    page.set_input_files("#files", sorted(str(p) for p in SAMPLES.glob("*.xlsx")))
    page.wait_for_selector("#result:not(.hidden)", timeout=TIMEOUT_MS)
    frame = page.frame_locator("#summary")
    assert "October 2026" in frame.locator("body").inner_text(timeout=30_000)
    assert page.inner_text("#result-title") == "Northwind Outdoor Ltd. · October 2026"
    quality = page.inner_text("#quality")
    assert "crm_export.xlsx / Customers → customers" in quality and "sales_orders.xlsx" in quality
    names = page.eval_on_selector_all("#downloads a", "els => els.map(e => e.dataset.file)")
    assert names == ["kpi-report.eml", "kpi-report.json", "kpi-report.pdf", "kpi-report.xlsx"]
    assert "draft" in page.inner_text('#downloads a[data-file="kpi-report.eml"]')
    assert not page.is_visible("#send")  # no e-mail settings in the config
    _shot(page, "serve-after.png")

    data = json.loads(_download(page, "kpi-report.json"))
    book = _workbook_values(_download(page, "kpi-report.xlsx"))
    catalog = default_catalog()
    checked = 0
    for kid, k in data["kpis"].items():
        scale = 86400 if k["unit"] == "duration" else 1  # the workbook keeps durations as Excel days
        for period, want in k["values"].items():
            header = pd.Period(period).strftime("%B %Y")
            got = book[(catalog.kpis[kid].label("en"), header)]
            slack = 1e-9
            if isinstance(got, dt.timedelta):  # a duration read back through its [h]:mm format: whole ms
                got, slack = got / dt.timedelta(days=1), 1e-3
            if want is None:
                assert got in (None, ""), (kid, period, got)
            else:
                # the JSON rounds to its unit's precision, never below nine significant digits
                assert math.isclose(got * scale, want, rel_tol=1e-8, abs_tol=slack), (kid, period, got, want)
                checked += 1
    assert len(data["kpis"]) >= 30 and checked >= 30 * 24


def test_a_hostile_file_shows_the_one_line_error_the_cli_gives(page, tmp_path):
    bomb = tmp_path / "orders.xlsx"
    bomb.write_bytes(zip_bomb_sheet(120_000_000))
    os.chdir(tmp_path)
    try:
        cli = CliRunner().invoke(main, ["generate", "orders.xlsx", "--out", "out", "-q"])
    finally:
        os.chdir(Path(__file__).parent.parent)
    assert cli.exit_code == 12
    cli_line = cli.stderr.strip().removeprefix("kpireport: error: ")
    page.set_input_files("#files", str(bomb))
    page.wait_for_selector("#error:not(.hidden)", timeout=TIMEOUT_MS)
    shown = page.inner_text("#error-text").strip()
    _shot(page, "serve-error.png")
    assert shown == cli_line
    assert "zip bomb" in shown and "\n" not in shown and "Traceback" not in page.content()
    assert page.is_visible("#drop")  # ready for the next drop
