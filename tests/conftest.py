"""Shared fixtures. With CI=true, tests that need LibreOffice fail instead of skipping."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
# generate keeps validated tables between runs (kpireport/cache.py); the tests never write to the
# user's cache folder: those of the cache pass --cache-dir themselves
os.environ.setdefault("KPIREPORT_CACHE_DIR", "off")


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
