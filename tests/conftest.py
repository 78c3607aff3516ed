"""Shared fixtures. With CI=true, tests that need LibreOffice fail instead of skipping.

Speed (README, "Run the tests"): the suite runs on every core with pytest-xdist (`-n auto`)
and `--dist loadgroup` (pyproject's addopts), so a module marked `xdist_group(NAME)` runs
on one worker and its module fixtures (the hostile runs, the LibreOffice recalculation) are
built once. `-m "not slow"` is the quick subset: a test is slow when it is marked so, needs
LibreOffice, or drives a browser.
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


_SHARED_SCOPES = ("module", "class", "package", "session")


def _shares_a_fixture_of_its_module(item: pytest.Item) -> bool:
    """Whether the test uses a module- (or wider-) scoped fixture defined in its own module:
    such a fixture (a report, a recalculated workbook, a server) is built once per worker that
    runs one of its tests, so those tests belong on one worker."""
    module = item.getparent(pytest.Module)
    info = getattr(item, "_fixtureinfo", None)
    if module is None or info is None:
        return False
    return any(defs[-1].scope in _SHARED_SCOPES and defs[-1].baseid == module.nodeid
               for defs in info.name2fixturedefs.values() if defs)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """LibreOffice recalculations take seconds each: they are slow wherever they are. Under
    pytest-xdist (`--dist loadgroup`), the tests sharing a module's costly fixture go to one
    worker (xdist_group named after the module) and every other test goes wherever a worker
    is free."""
    for item in items:
        if item.get_closest_marker("libreoffice") is not None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("xdist_group") is None and _shares_a_fixture_of_its_module(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__.rsplit(".", 1)[-1]))


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
