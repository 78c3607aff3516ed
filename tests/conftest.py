"""Shared fixtures. With CI=true, tests that need LibreOffice fail instead of skipping.

Speed (README): the suite runs on every core with pytest-xdist (`-n auto`) and
`--dist loadfile` (pyproject's addopts), so a file runs on one worker and its module fixtures
(the hostile runs, the LibreOffice recalculation, a report) are built once. (`loadgroup`
would be finer, but with pytest 9.2 it silently stops grouping: pytest-xdist issue #1386.)
`-m "not slow"` is the quick subset: a test is slow when SLOW below lists it, it is marked
slow in its file, or it needs LibreOffice.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from . import shared_cache

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"


def pytest_configure(config: pytest.Config) -> None:
    shared_cache.bind(config)


# Slow tests, left out of the quick subset (-m "not slow"), with what makes them slow. Measured
# with --durations under `-n 2`; a file or a single test (its parametrized cases included).
# Marks already in the files (the browser, packaging, the hostile corpus) and every
# LibreOffice test count as well.
SLOW: dict[str, str] = {
    "test_fuzz.py": "hypothesis over byte mutations of workbooks, each read in a child process",
    "test_messy.py": "every messy variant of a company written and reported",
    "test_compute_sample.py": "the sample company's report at every grain, and per-member breakdowns",
    "test_i18n_report.py": "the sample company's report in every language",
    "test_compute_properties.py": "hypothesis against a row-by-row loop",
    "test_golden.py": "the sample company's report rendered to every output",
    "test_escaping.py": "a whole `kpireport generate` run with the PDF",
    "test_inputs.py::test_a_63_mb_csv_stays_under_1_gib": "writes and reads a 63 MB CSV under a memory limit",
    "test_inputs.py::test_a_report_written_into_its_input_folder_is_not_read_back": "two CLI runs on the samples",
    "test_inputs.py::test_a_shell_pipe_is_read_fully_once": "CLI runs reading a pipe",
    "test_json_precision.py::test_every_number_of_the_sample_report_has_its_units_precision": "CLI on the samples",
    "test_fastsheet.py::test_messy_variants_read_by_column_equal_cell_by_cell": "every messy variant read twice",
    "test_fastsheet.py::test_body_travels_from_the_isolated_reader": "a child-process read",
    "test_kpi_math.py::test_whole_empty_dataset_period_still_computes": "every KPI over an empty dataset",
    "test_kpi_math.py::test_hashtag_breakdown_counts_a_row_for_each_of_its_hashtags": "a report per hashtag",
    "test_kpi_math.py::test_followers_by_platform_use_each_platforms_latest_count": "a report per platform",
    "test_kpi_math.py::test_market_given_per_year_is_split_over_months_by_days": "reports at every grain",
    "test_cli_commands.py::test_watch_stops_cleanly_on_ctrl_c_and_survives_a_kill": "waits on a watching process",
    "test_data_workbook.py::test_with_data_writes_every_validated_row": "every sample row written and read back",
    "test_atomic.py::test_sigkill_while_writing_leaves_the_previous_report": "a CLI run killed midway, then rerun",
    "test_cli.py": "`kpireport generate` runs on the sample company",
}

# The files that take longest go first: pytest-xdist (`--dist loadfile`) hands whole files to
# workers in collection order, so a long file started last would keep one worker busy alone.
LONGEST_FIRST = ["test_hostile.py", "test_inputs.py", "test_messy.py", "test_fastsheet.py", "test_workbook_recalc.py",
                 "test_kpi_math.py", "test_fuzz.py", "test_compute_sample.py", "test_serve_browser.py",
                 "test_i18n_report.py", "test_cli.py", "test_json_precision.py", "test_cli_commands.py"]


def _slow_reason(item: pytest.Item) -> str | None:
    name, _, test = item.nodeid.rpartition("/")[2].partition("::")
    return SLOW.get(name) or SLOW.get(f"{name}::{test.partition('[')[0]}")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    """Marks the slow tests (SLOW, LibreOffice) and puts the longest files first. A wrapper,
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
