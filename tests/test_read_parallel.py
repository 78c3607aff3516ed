"""Several large input files are read at once (readers._read_all), with the result and errors of a
sequential read."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kpireport.errors import KpiReportError
from kpireport.read import csvfast
from kpireport.read import entry as readers  # the guarded entry: read_path, read_inputs, _read_all

ROWS = "Order ID,Order Date,Revenue\n" + "".join(f"A{i},2026-10-{i % 28 + 1:02d},{i}\n" for i in range(200))


def _files(tmp_path: Path, texts: list[str]) -> list[Path]:
    out = []
    for k, text in enumerate(texts):
        path = tmp_path / f"export{k}.csv"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def _cells(sheets) -> list[tuple[str, list]]:
    return [(s.file, [s.row(i) for i in range(s.n_rows)]) for s in sheets]


@pytest.mark.parametrize(("min_bytes", "threads"), [(0, True), (10 << 20, False)], ids=["large", "small"])
def test_large_files_read_at_once_in_order(tmp_path: Path, monkeypatch, min_bytes: int, threads: bool) -> None:
    files = _files(tmp_path, [ROWS, ROWS.replace("A", "B"), ROWS.replace("A", "C")])
    sequential = _cells(readers.read_path(f)[0] for f in files)
    monkeypatch.setattr(csvfast, "MIN_BYTES", min_bytes)
    seen: list[str] = []
    real = readers.read_path

    def recorded(path: Path):
        seen.append(threading.current_thread().name)
        return real(path)

    monkeypatch.setattr(readers, "read_path", recorded)
    got = readers.read_inputs(files)
    assert _cells(got) == sequential
    assert [s.file for s in got] == ["export0.csv", "export1.csv", "export2.csv"]
    assert all(name.startswith("kpireport-read") for name in seen) is threads
    assert len(seen) == 3  # one guarded call per file (the raw reader below it never calls back up)


def test_an_error_is_raised_at_its_file(tmp_path: Path, monkeypatch) -> None:
    files = _files(tmp_path, [ROWS, "", ROWS])  # the second file is empty
    monkeypatch.setattr(csvfast, "MIN_BYTES", 0)
    with pytest.raises(KpiReportError, match=r"export1\.csv: the file is empty"):
        readers.read_inputs(files)
