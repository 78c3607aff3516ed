"""The cache of validated tables (kpireport/cache.py): hit, miss, invalidation, damage, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kpireport import pipeline
from kpireport.cache import TableCache
from kpireport.cli import main
from kpireport.config import Config
from kpireport.mapping import MappingOverrides

ORDERS = ("Order ID,Order Date,Customer ID,Revenue\n"
          "A1,2026-09-03,C1,100\n"
          "A2,2026-09-20,C2,oops\n"
          "A3,2026-10-05,C1,250.5\n")


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "orders.csv"
    path.parent.mkdir()
    path.write_text(ORDERS, encoding="utf-8")
    return path


class Reads:
    """Counts the real reads (read_inputs) a load makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = pipeline.read_inputs

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "read_inputs", counted)


def _load(path: Path, cache: TableCache, config: Config | None = None):
    return pipeline.load_dataset([path], config or Config(), cache=cache)


def test_second_load_comes_from_the_cache_unchanged(orders: Path, tmp_path: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    cache = TableCache(tmp_path / "cache")
    first = _load(orders, cache)
    second = _load(orders, cache)
    assert reads.count == 1
    assert list(second.tables) == list(first.tables) == ["orders", "customers"]  # customers: derived by the model
    for name in first.tables:
        pd.testing.assert_frame_equal(second.tables[name], first.tables[name])
    # the bad cell is still reported by cell on the warm run
    assert [p.one_line() for p in second.problems] == [p.one_line() for p in first.problems]
    assert [(p.file, p.cell) for p in second.problems if "oops" in p.reason] == [("orders.csv", "D3")]
    assert second.sources == first.sources
    assert second.tables["orders"]["revenue"].tolist() == [100.0, 250.5]  # A2 left out: its revenue is bad


def _change_content(path: Path) -> Path:
    path.write_text(ORDERS.replace("250.5", "300"), encoding="utf-8")
    return path


def _rename(path: Path) -> Path:
    return path.rename(path.with_name("orders_october.csv"))


@pytest.mark.parametrize(("change", "config"), [
    (_change_content, None),
    (_rename, None),  # problems name the file
    (None, Config(mapping=MappingOverrides(columns={"orders": {"Customer ID": "customer_id"}}))),
    (None, Config(decimal=",")),
    (None, Config(day_first=False)),
], ids=["content", "file name", "mapping", "decimal", "day_first"])
def test_a_change_that_matters_reads_again(orders: Path, tmp_path: Path, monkeypatch, change, config) -> None:
    reads = Reads(monkeypatch)
    cache = TableCache(tmp_path / "cache")
    _load(orders, cache)
    path = change(orders) if change else orders
    again = _load(path, cache, config)
    assert reads.count == 2
    if change is _change_content:
        assert again.tables["orders"]["revenue"].tolist() == [100.0, 300.0]


def test_options_outside_reading_reuse_the_entry(orders: Path, tmp_path: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    cache = TableCache(tmp_path / "cache")
    _load(orders, cache)
    _load(orders, cache, Config(language="tr", locale="tr_TR"))
    assert reads.count == 1


def _truncate_table(entry: Path) -> None:
    table = entry / "t-orders.parquet"
    table.write_bytes(table.read_bytes()[:40])


def _garble_meta(entry: Path) -> None:
    (entry / "meta.json").write_text("{not json", encoding="utf-8")


def _other_layout(entry: Path) -> None:
    meta = json.loads((entry / "meta.json").read_text())
    (entry / "meta.json").write_text(json.dumps({**meta, "format": -1}))


def _lose_table(entry: Path) -> None:
    (entry / "t-orders.parquet").unlink()


@pytest.mark.parametrize("damage", [_truncate_table, _garble_meta, _other_layout, _lose_table])
def test_a_damaged_entry_is_ignored_and_replaced(orders: Path, tmp_path: Path, monkeypatch, damage) -> None:
    reads = Reads(monkeypatch)
    cache = TableCache(tmp_path / "cache")
    first = _load(orders, cache)
    (entry,) = (tmp_path / "cache").iterdir()
    damage(entry)
    second = _load(orders, cache)
    assert reads.count == 2
    pd.testing.assert_frame_equal(second.tables["orders"], first.tables["orders"])
    third = _load(orders, cache)  # stored whole again
    assert reads.count == 2
    pd.testing.assert_frame_equal(third.tables["orders"], first.tables["orders"])


def test_oldest_entries_are_evicted_beyond_the_size_bound(tmp_path: Path) -> None:
    files = []
    for k in range(3):
        path = tmp_path / f"orders{k}.csv"
        path.write_text(ORDERS.replace("100", str(100 + k)), encoding="utf-8")
        files.append(path)
    cache = TableCache(tmp_path / "cache")
    _load(files[0], cache)
    (one,) = (tmp_path / "cache").iterdir()
    size = sum(f.stat().st_size for f in one.iterdir())
    cache.max_bytes = 2 * size + size // 2  # room for two entries
    os.utime(one / "meta.json", (1, 1))  # used long ago
    _load(files[1], cache)
    _load(files[2], cache)
    left = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(left) == 2 and one.name not in left


def _store_in_child(args: tuple[str, str]) -> int:
    path, folder = args
    cache = TableCache(Path(folder))
    for _ in range(5):
        pipeline.load_dataset([Path(path)], Config(), cache=cache)
    return 0


def test_concurrent_runs_leave_one_whole_entry(orders: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_store_in_child, [(str(orders), str(folder))] * 4) == [0] * 4
    entries = list(folder.iterdir())
    assert len(entries) == 1 and not entries[0].name.startswith(".tmp-")
    assert sorted(p.name for p in entries[0].iterdir()) == ["kpi_sheet.parquet", "meta.json", "t-orders.parquet"]
    assert TableCache(folder).load(entries[0].name) is not None


@pytest.mark.parametrize(("flags", "cached"), [
    ([], True),
    (["--no-cache"], False),
])
def test_cli_cache_flags(orders: Path, tmp_path: Path, flags: list[str], cached: bool) -> None:
    folder = tmp_path / "cache"
    args = ["generate", str(orders), "--out", str(tmp_path / "out"), "--no-pdf", "-q", "--cache-dir", str(folder)]
    result = CliRunner().invoke(main, args + flags)
    assert result.exit_code == 0, result.output
    assert folder.exists() == cached
    again = CliRunner().invoke(main, args + flags + ["--period", "2026-09"])
    assert again.exit_code == 0, again.output
    report = json.loads((tmp_path / "out" / "kpi-report.json").read_text())
    assert report["period"] == "2026-09"
    assert report["kpis"]["revenue"]["value"] == 100.0  # A2's "oops" left out, warm or cold
