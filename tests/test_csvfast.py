"""Large CSV through Arrow (read/csvfast.py) gives the careful path's cells, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpireport.read import csvfast, readers

HEADER = "Order ID,Order Date,Customer ID,Revenue\n"
BODY = "".join(f"A{i},2026-10-{i % 28 + 1:02d},C{i % 7},{i * 1.5}\n" for i in range(150))  # past the 64-row head

SAME = {
    "plain": HEADER + BODY,
    "quoted delimiters and doubled quotes": HEADER + 'A0,2026-10-01,"Smith, ""Jo""",12\n' + BODY,
    "newline inside quotes": HEADER + 'A0,2026-10-01,"two\nlines",12\n' + BODY,
    "empty fields, quoted or not": HEADER + 'A0,,"",\n,2026-10-02,C1,""\n' + BODY,
    "spaces kept": HEADER + "A0 , 2026-10-01,  ,12 \n" + BODY,
    "BOM": "\ufeff" + HEADER + BODY,
    "CRLF": (HEADER + BODY).replace("\n", "\r\n"),
    "no final newline": (HEADER + BODY).rstrip("\n"),
    "semicolons, decimal commas": (HEADER + BODY).replace(",", ";").replace(".", ","),
    "tabs": (HEADER + BODY).replace(",", "\t"),
    "Excel sep= line": "sep=;\n" + (HEADER + BODY).replace(",", ";"),
    "non-ASCII": HEADER + "A0,2026-10-01,Şule Öztürk,12\n" + BODY + "A9,2026-10-01,Ayşe,1\n",
    "error texts and NA": HEADER + "A0,#N/A,NA,#DIV/0!\n" + BODY,
    "one column with a blank line": "Revenue\n" + "".join(f"{i}\n" for i in range(100)) + "\n5\n",
    "blank lines, first and between rows": "\n" + HEADER + BODY + "\n\n" + BODY,
    "title rows above the header": "Orders export,,,\n,,,\n" + HEADER + BODY,
}

CAREFUL = {
    "ragged rows": HEADER + BODY + "A9,2026-10-01\n",
    "lone CR line ends": (HEADER + BODY).replace("\n", "\r"),
    "NUL byte": HEADER + BODY + "A9,\x00,C1,1\n",
}


def _careful(path: Path, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as m:
        m.setattr(csvfast, "read", lambda *a, **k: None)
        return readers._read_csv(path)


def _cells(sheet) -> list[list[object]]:
    return [sheet.row(i) for i in range(sheet.n_rows)]


@pytest.mark.parametrize("text", list(SAME.values()), ids=list(SAME))
def test_arrow_gives_the_careful_cells(tmp_path: Path, monkeypatch, text: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode("utf-8"))
    monkeypatch.setattr(csvfast, "MIN_BYTES", 0)
    fast = readers._read_csv(path)
    careful = _careful(path, monkeypatch)
    assert fast.body is not None or fast.n_rows <= csvfast.HEAD_ROWS
    assert fast.n_rows == careful.n_rows
    assert _cells(fast) == _cells(careful)
    assert fast.detail.startswith(careful.detail)


@pytest.mark.parametrize("text", list(CAREFUL.values()), ids=list(CAREFUL))
def test_arrow_steps_aside(text: str) -> None:
    assert csvfast.read("x.csv", "x", text.encode("utf-8"), readers._delimiter, str, min_bytes=0) is None


@pytest.mark.parametrize(("data", "fast"), [
    ((HEADER + BODY).encode("cp1254"), True),                     # ASCII only: valid UTF-8 too
    ((HEADER + "A0,2026-10-01,Şule,1\n" + BODY).encode("cp1254"), False),  # Windows-1254 bytes
    ((HEADER + BODY).encode("utf-16"), False),
])
def test_only_utf8_goes_through_arrow(data: bytes, fast: bool) -> None:
    got = csvfast.read("x.csv", "x", data, readers._delimiter, str, min_bytes=0)
    assert (got is not None) is fast


def test_small_files_read_the_careful_way() -> None:
    data = (HEADER + BODY).encode()
    assert len(data) < csvfast.MIN_BYTES
    assert csvfast.read("x.csv", "x", data, readers._delimiter, str) is None
