"""The embedded engine's settings under an address-space limit, and running out of memory as
'too large' (exit 13), never an unexpected error."""

from __future__ import annotations

import resource

import duckdb
import pytest
from click.testing import CliRunner

from kpireport import duck, pipeline
from kpireport.cli import main
from kpireport.errors import TooLargeError

from .conftest import SAMPLES


@pytest.mark.parametrize(("limit", "memory"), [(1 << 30, "256MB"), (100 << 20, "64MB"),
                                               (resource.RLIM_INFINITY, None)])
def test_settings_follow_the_address_space_limit(monkeypatch, limit, memory):
    monkeypatch.setattr(resource, "getrlimit", lambda which: (limit, resource.RLIM_INFINITY))
    got = duck.settings()
    assert 1 <= got["threads"] <= duck.MAX_THREADS
    assert got.get("memory_limit") == memory


def test_running_out_of_the_engines_memory_is_too_large():
    con = duckdb.connect(config={"memory_limit": "10MB", "threads": 1})
    with pytest.raises(TooLargeError) as caught, duck.within_memory():
        con.sql("SELECT string_agg(i::VARCHAR, ',') FROM range(5000000) t(i)").fetchall()
    assert caught.value.exit_code == 13 and "more memory than kpireport may use" in str(caught.value)


def test_the_cli_says_too_large_with_exit_13(monkeypatch, tmp_path):
    def exhausted(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 8.0 MiB")

    monkeypatch.setattr(pipeline, "compute_report", exhausted)
    result = CliRunner().invoke(main, ["generate", str(SAMPLES / "sales_orders.xlsx"), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 13, result.output
    assert "more memory than kpireport may use here" in result.output
    assert "unexpected" not in result.output and not list(tmp_path.iterdir())
