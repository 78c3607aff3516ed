"""The right category and plain words: damaged is not hostile, wide is not a stray cell, and what
a reader says internally never reaches the user (issue: wrong categories and alarming words)."""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kpireport.errors import CorruptFileError, TooLargeError, UnsafeContentError
from kpireport.read import guard, isolate
from kpireport.read.readers import plain_reason

from .hostile_corpus import SHEET, damaged_member, order_rows, patch_declared_size, rezip, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
GOOD = xlsx_bytes(order_rows(60, random.Random(31)))


def _write(tmp_path: Path, data: bytes, name: str = "w.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("longer", [True, False])
def test_a_flipped_bit_is_damage_not_an_attack(tmp_path: Path, seed: int, longer: bool) -> None:
    data = damaged_member(GOOD, SHEET, random.Random(seed), longer=longer)
    with pytest.raises(CorruptFileError, match="checksum does not match"):
        guard.check(_write(tmp_path, data))


def test_a_member_declared_smaller_than_it_is_but_intact_is_an_attack(tmp_path: Path) -> None:
    padded = rezip(GOOD, replace={SHEET: lambda b: b.replace(b"</sheetData>", b"</sheetData>" + b" " * 500_000)})
    data = patch_declared_size(padded, SHEET, 40_000)
    with pytest.raises(UnsafeContentError, match="intact"):
        guard.check(_write(tmp_path, data))


@pytest.mark.parametrize(("rows", "cols", "stray", "error"), [
    (63, 16_384, "", None),                       # 16,384 real headers over 63 rows: wide, filled
    (5, 1_200, "", None),
    (5, 7, "ALM1", UnsafeContentError),           # one cell at column 1,001 beside 7 columns of data
    (5, 7, "XFD1", UnsafeContentError),
    (2_000, 16_384, "", TooLargeError),           # filled, but over MAX_SHEET_CELLS (patched below)
])
def test_wide_sheets_that_fill_their_range_are_not_stray_cells(tmp_path: Path, monkeypatch, rows: int, cols: int,
                                                             stray: str, error: type | None) -> None:
    monkeypatch.setattr(guard.limits, "MAX_SHEET_CELLS", 10_000_000)
    sheet = guard.SheetFacts("Data", SHEET, max_row=rows, max_col=cols, rows_with_data=rows, cells=rows * cols,
                             far_col_cell=f"{guard.cell_ref(1, cols)}")
    if stray:
        letters = stray.rstrip("0123456789")
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        sheet.max_col, sheet.far_col_cell = col, stray
    judge = guard.ZipGuard(Path("w.xlsx"), "xlsx", guard.Facts(Path("w.xlsx"), "xlsx", 0))._judge
    if error is None:
        judge(sheet)
    else:
        with pytest.raises(error, match=stray or "cells per sheet"):
            judge(sheet)


def test_an_empty_text_far_right_is_in_use_not_a_value(tmp_path: Path) -> None:
    data = rezip(GOOD, replace={SHEET: lambda b: b.replace(
        b"</row>", b'<c r="XFD1" t="inlineStr"><is><t></t></is></c></row>', 1)})
    with pytest.raises(UnsafeContentError) as info:
        guard.check(_write(tmp_path, data))
    assert "cell XFD1 in column 16,384 is in use" in info.value.message and "holds a value" not in info.value.message


@pytest.mark.parametrize(("text", "words"), [
    ("Expecting alphanumeric character, got 3C", "its XML is damaged"),
    ("Xml error: sheetData", "its XML is damaged"),
    ("Invalid checksum", "a part of it is damaged"),
    ("Zip error: invalid Zip archive", "the package is damaged"),
    ("Workbook is password protected", "it is password-protected"),
    ("sheetData", "its contents are not laid out as Excel or LibreOffice write them"),
])
def test_reader_messages_become_plain_words(text: str, words: str) -> None:
    assert plain_reason(ValueError(text)) == words


def test_a_reader_error_does_not_leak_into_the_one_line_message(tmp_path: Path) -> None:
    """Malformed sheet XML that calamine rejects with its own word ("sheetData")."""
    data = rezip(GOOD, replace={SHEET: lambda b: b.replace(
        b"</sheetData>", b'<row r="99"><c r="A99"><v>1</v></c></row><3</sheetData>', 1)})
    path = _write(tmp_path, data)
    result = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(path), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            cwd=ROOT)
    assert result.returncode == 5, result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0 and "(sheetData)" not in line and "cannot be read" in line, line


@pytest.mark.parametrize(("code", "payload", "err"), [
    (0, pickle.dumps(("panic", "called `Option::unwrap()` on a `None` value")), b""),
    (-signal.SIGABRT, b"", b"thread 'main' panicked at src/xlsx/mod.rs:812:5:\nindex out of bounds\nnote: run with "
                           b"`RUST_BACKTRACE=1`\n   0: backtrace\n"),
])
def test_a_reader_crash_is_one_clean_line(code: int, payload: bytes, err: bytes) -> None:
    with pytest.raises(CorruptFileError) as info:
        isolate._outcome(Path("x.xlsx"), None, code, payload, err, 1 << 30, 10)
    text = info.value.one_line()
    for leaked in ("unwrap", "panicked", "backtrace", "mod.rs"):
        assert leaked not in text, text
    assert text.startswith("x.xlsx: ") and info.value.exit_code == 5


def test_the_readme_promises_what_the_tests_assert() -> None:
    """The README's exit-code table and its bounds for refusals are the numbers the tests hold."""
    import re

    from kpireport.errors import EXIT_CODES

    from . import test_hostile, test_hostile_sharedtext

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \| ", readme, re.MULTILINE)}
    assert table == set(EXIT_CODES.values())
    assert f"within {test_hostile.TIME_LIMIT} s and {test_hostile.MEMORY_LIMIT >> 30} GiB of address space" in readme
    bound = f"under {test_hostile_sharedtext.PEAK_MB} MB peak memory and {test_hostile_sharedtext.SECONDS} s"
    assert bound in " ".join(readme.split())
