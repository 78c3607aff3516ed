"""Shared fixtures. With CI=true, tests that need LibreOffice fail instead of skipping.

Speed (README): the suite runs on every core with pytest-xdist (`-n auto`) and
`--dist loadfile --no-loadscope-reorder` (pyproject's addopts), so a file runs on one worker and
its module fixtures (the hostile runs, the LibreOffice recalculation) are built once, and the
files start longest first (LONGEST_FIRST). (`loadgroup` would be finer, but with pytest 9.2 it
silently stops grouping: pytest-xdist issue #1386.) The sample company's dataset and report,
which many files need, are built once per settings and code for all workers (`sample_report`,
`sample_dataset`, tests/shared_cache.py). `-m "not slow"` is the quick subset: a test is slow
when tests/slow_tests.txt lists it, it is marked slow in its file, or it needs LibreOffice; it
runs hypothesis tests that set no example count with fewer examples (the "quick" profile).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from kpireport.compute.report import Report
from kpireport.config import Config
from kpireport.dataset import Dataset
from kpireport.pipeline import load_dataset, run

from . import shared_cache
from .worker_time import WorkerTime, add_option

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
# generate keeps validated tables between runs (kpireport/cache.py); the tests never write to the
# user's cache folder: those of the cache pass --cache-dir themselves
os.environ.setdefault("KPIREPORT_CACHE_DIR", "off")


# The quick subset runs hypothesis tests that set no example count of their own with fewer
# examples; the whole suite keeps hypothesis' default (100).
settings.register_profile("quick", max_examples=20)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_option(parser)


def pytest_configure(config: pytest.Config) -> None:
    shared_cache.bind(config)
    if config.option.markexpr.replace(" ", "") == "notslow" and config.getoption("--hypothesis-profile") is None:
        settings.load_profile("quick")
    config.pluginmanager.register(WorkerTime(), "worker-time")


def _slow_list() -> dict[str, str]:
    """tests/slow_tests.txt: 'FILE' or 'FILE::TEST  # why' per line."""
    out = {}
    for line in (Path(__file__).parent / "slow_tests.txt").read_text(encoding="utf-8").splitlines():
        key, _, why = line.partition("#")
        if key.strip():
            out[key.strip()] = why.strip()
    return out


SLOW = _slow_list()

# The files that take longest go first, so that the two workers finish together: pytest-xdist
# (`--dist loadfile`) hands whole files to workers in collection order (addopts has
# `--no-loadscope-reorder`: by default xdist sorts files by their number of tests instead, which put
# the 4-test fuzz file last on one worker while the other sat idle). Measured with the summary
# tests/worker_time.py prints after a run; the PostgreSQL and Spark files (not in every checkout)
# start early because they wait on a server or a JVM as much as they compute.
LONGEST_FIRST = ["test_fuzz.py", "test_cli.py", "test_template.py", "test_messy.py", "test_source_postgres.py",
                 "test_source_spark.py", "test_sources.py", "test_cli_commands.py", "test_periods_recalc.py",
                 "test_inputs.py", "test_workbook_recalc.py", "test_hostile.py", "test_packaging.py",
                 "test_data_workbook.py", "test_compute_sample.py", "test_fastsheet.py", "test_trusted_input.py",
                 "test_compute_properties.py", "test_compute_report.py", "test_i18n_recalc.py", "test_html.py",
                 "test_workbook_print.py", "test_sample.py", "test_cache.py", "test_serve_browser.py",
                 "test_i18n_report.py", "test_atomic.py", "test_json_precision.py", "test_ranges.py", "test_okrs.py"]


def _slow_reason(item: pytest.Item) -> str | None:
    name, _, test = item.nodeid.rpartition("/")[2].partition("::")
    return SLOW.get(name) or SLOW.get(f"{name}::{test.partition('[')[0]}")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    """Marks the slow tests (slow_tests.txt, LibreOffice) and puts the longest files first. A wrapper,
    so the marks are there before any plugin reads them (-m deselection)."""
    for item in items:
        slow = _slow_reason(item) is not None or item.get_closest_marker("libreoffice") is not None
        if slow and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda it: rank.get(it.nodeid.partition("::")[0].rpartition("/")[2], len(rank)))
    return (yield)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's soffice; skips locally without it, fails in CI."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "LibreOffice (soffice) is not installed; install Debian's libreoffice-calc-nogui to run this test"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLES


def _cache_name(what: str, config: Config) -> str:
    return f"{what}-{hashlib.sha256(repr(config).encode()).hexdigest()[:8]}"


def sample_dataset(config: Config | None = None) -> Dataset:
    """`load_dataset([SAMPLES], config)`, built once per settings and code for all workers and
    runs (tests/shared_cache.py); a fresh copy each call."""
    config = config or Config()
    return shared_cache.cached_value(_cache_name("sample-dataset", config), shared_cache.code_key(),
                                     lambda: load_dataset([SAMPLES], config))


def sample_report(config: Config | None = None) -> Report:
    """`run([SAMPLES], config)`: the sample company's report, built once per settings and code
    for all workers and runs (tests/shared_cache.py); a fresh copy each call."""
    config = config or Config()
    return shared_cache.cached_value(_cache_name("sample-report", config), shared_cache.code_key(),
                                     lambda: run([SAMPLES], config))
