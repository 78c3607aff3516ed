"""Unit tests for the pieces behind hostile-input handling: the error taxonomy, sniffing (the
OLE2 directory reader), the guard's limits and scans, and the isolated reader's verdicts."""

from __future__ import annotations

import io
import random
import signal
import sys
import zipfile
from pathlib import Path

import pytest

from kpireport import errors
from kpireport.errors import (
    CorruptFileError,
    EncryptedFileError,
    InstallationError,
    KpiReportError,
    NotAWorkbookError,
    TooLargeError,
    UnsafeContentError,
    UnsupportedFormatError,
)
from kpireport.read import entry, guard, isolate, readers
from kpireport.read.sniff import Ole2, biff_is_encrypted, sniff

from .conftest import SAMPLES
from .hostile_corpus import (
    _info,
    biff_workbook_stream,
    cfb,
    ods_bytes,
    order_rows,
    rezip,
    write_orders_xlsx,
    xlsx_bytes,
)

SHEET = "xl/worksheets/sheet1.xml"


# --- the taxonomy -----------------------------------------------------------------------------


def test_existing_exit_codes_never_change() -> None:
    """The README's table: scripts branch on these numbers."""
    assert {name: code for name, code in errors.EXIT_CODES.items() if code <= 11} == {
        "ok": 0, "unexpected error": 1, "usage error": 2, "input error": 3, "not a workbook": 4, "corrupt file": 5,
        "encrypted file": 6, "missing data": 7, "catalog error": 8, "config error": 9, "output error": 10,
        "delivery error": 11}


def test_new_categories_have_their_own_codes() -> None:
    assert UnsafeContentError.exit_code == 12
    assert TooLargeError.exit_code == 13
    assert UnsupportedFormatError.exit_code == 14
    assert errors.AmbiguousHeaderError.exit_code == 15
    assert errors.UnparseableValueError.exit_code == 16
    assert InstallationError.exit_code == 17
    codes = list(errors.EXIT_CODES.values())
    assert len(codes) == len(set(codes))
    assert issubclass(UnsupportedFormatError, NotAWorkbookError)  # `except NotAWorkbookError` still catches .xlsb


def test_one_line_strips_newlines_and_terminal_escapes() -> None:
    exc = CorruptFileError("evil\nname\x1b[31m.xlsx / She\ret: broken", "Fix\tit.")
    line = exc.one_line()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert line == "evil name [31m.xlsx / She et: broken Fix it."


# --- sniffing -----------------------------------------------------------------------------------


def test_ole2_directory_is_read_not_guessed(tmp_path: Path) -> None:
    data = cfb({"Workbook": biff_workbook_stream(False) + b"\0" * 5000, "SummaryInformation": b"x" * 100})
    ole = Ole2(data)
    assert ole.names() == {"Workbook", "SummaryInformation"}
    assert ole.stream_head("Workbook", 4) == b"\x09\x08\x10\x00"
    path = tmp_path / "plain.xls"
    path.write_bytes(data)
    assert sniff(path) == "xls"


@pytest.mark.parametrize("encrypted", [False, True])
def test_small_streams_in_the_mini_stream(tmp_path: Path, encrypted: bool) -> None:
    """A small .xls keeps its Workbook stream in the mini stream (64-byte sectors); FILEPASS is
    found there too."""
    stream = biff_workbook_stream(encrypted) + b"\x01" * 900
    data = cfb({"Workbook": stream, "\x05SummaryInformation": b"s" * 150}, mini=True)
    ole = Ole2(data)
    assert ole.stream_head("Workbook", 5000) == stream
    assert ole.stream_head("\x05SummaryInformation", 10) == b"s" * 10
    path = tmp_path / "small.xls"
    path.write_bytes(data)
    if encrypted:
        with pytest.raises(EncryptedFileError):
            sniff(path)
    else:
        assert sniff(path) == "xls"


def test_encryption_name_outside_the_directory_is_not_encryption(tmp_path: Path) -> None:
    """The old check scanned bytes for the UTF-16 name; a workbook merely containing it is not encrypted."""
    name = "EncryptionInfo".encode("utf-16-le")
    path = tmp_path / "mentions.xls"
    path.write_bytes(cfb({"Workbook": biff_workbook_stream(False) + name * 20 + b"\0" * 4000}))
    assert sniff(path) == "xls"


@pytest.mark.parametrize(("streams", "error"), [
    ({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"\0" * 10}, EncryptedFileError),
    ({"Workbook": biff_workbook_stream(True)}, EncryptedFileError),
    ({"WordDocument": b"\0"}, NotAWorkbookError),
    ({"Something": b"\0"}, NotAWorkbookError),
])
def test_ole2_verdicts(tmp_path: Path, streams: dict[str, bytes], error: type) -> None:
    path = tmp_path / "f.xls"
    path.write_bytes(cfb(streams))
    with pytest.raises(error):
        sniff(path)


def test_ole2_with_a_looping_fat_is_corrupt_not_a_hang(tmp_path: Path) -> None:
    data = bytearray(cfb({"Workbook": biff_workbook_stream(False) + b"\0" * 5000}))
    # make the directory sector's FAT entry point at itself
    first_dir = int.from_bytes(data[0x30:0x34], "little")
    data[512 + 4 * first_dir:512 + 4 * first_dir + 4] = first_dir.to_bytes(4, "little")
    path = tmp_path / "loop.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFileError):
        sniff(path)


def test_biff_filepass_detection() -> None:
    assert biff_is_encrypted(biff_workbook_stream(True))
    assert not biff_is_encrypted(biff_workbook_stream(False))
    assert not biff_is_encrypted(b"garbage that is not BIFF")


@pytest.mark.parametrize(("content", "error", "words"), [
    (b"\xef\xbb\xbf<!DOCTYPE html><html>", UnsupportedFormatError, "web page"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related;", UnsupportedFormatError, "MHTML"),
    (b"<?xml version='1.0'?><office:document xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0'>",
     UnsupportedFormatError, "flat OpenDocument"),
    (b"<?xml version='1.0'?><note/>", NotAWorkbookError, "XML file"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, NotAWorkbookError, "PNG"),
    (b"\x09\x00\x04\x00\x00\x00\x10\x00" + b"\0" * 100, UnsupportedFormatError, "Excel 4.0"),
])
def test_text_and_binary_sniffing(tmp_path: Path, content: bytes, error: type, words: str) -> None:
    path = tmp_path / "f.xls"
    path.write_bytes(content)
    with pytest.raises(error, match=words):
        sniff(path)


def test_utf16_csv_is_text(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Tarih\tTutar\n2026-01-01\t5\n".encode("utf-16"))
    assert sniff(path) == "csv"


# --- the guard ------------------------------------------------------------------------------------


def _xlsx(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_guard_measures_the_real_extent(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    write_orders_xlsx(path, order_rows(50, random.Random(3)))
    facts = guard.check(path)
    assert facts.proven and facts.kind == "xlsx"
    (sheet,) = facts.sheets
    assert (sheet.name, sheet.max_row, sheet.max_col, sheet.rows_with_data) == ("Orders", 51, 7, 51)


def test_canonical_and_exact_scans_agree(tmp_path: Path) -> None:
    """The vectorised scan and the expat fallback (forced here by a namespace prefix) agree."""
    base = xlsx_bytes(order_rows(30, random.Random(4)))
    prefixed = rezip(base, replace={SHEET: lambda b: b.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(
        b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ')})
    a = guard.check(_xlsx(tmp_path, "a.xlsx", base)).sheets[0]
    b = guard.check(_xlsx(tmp_path, "b.xlsx", prefixed)).sheets[0]
    assert (a.max_row, a.max_col, a.far_row_cell) == (b.max_row, b.max_col, b.far_row_cell) == (31, 7, "A31")


def test_empty_styled_cells_far_away_are_harmless(tmp_path: Path) -> None:
    """Excel writes <c r="Z9" s="3"/> for formatted empty cells; calamine ignores them, so do we."""
    data = rezip(xlsx_bytes(order_rows(5, random.Random(5))), replace={SHEET: lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')})
    sheet = guard.check(_xlsx(tmp_path, "styled.xlsx", data)).sheets[0]
    assert (sheet.max_row, sheet.max_col) == (6, 7)


@pytest.mark.parametrize(("cell", "error", "words"), [
    ("ALM1", UnsafeContentError, "column 1,001"),
    ("ALL1", None, ""),
    ("A200000", UnsafeContentError, "A200000"),
    ("A90000", None, ""),
])
def test_column_and_stray_row_limits(tmp_path: Path, cell: str, error: type | None, words: str) -> None:
    data = rezip(xlsx_bytes(order_rows(5, random.Random(6))), replace={SHEET: lambda b: b.replace(
        b"</sheetData>", f'<row r="{cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{cell}"><v>1</v></c></row>'
                         "</sheetData>".encode())})
    path = _xlsx(tmp_path, "s.xlsx", data)
    if error is None:
        guard.check(path)
    else:
        with pytest.raises(error, match=words):
            guard.check(path)


def test_extent_limit_is_too_large_not_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard.limits, "MAX_SHEET_CELLS", 100)
    path = tmp_path / "dense.xlsx"
    write_orders_xlsx(path, order_rows(20, random.Random(7)))
    with pytest.raises(TooLargeError, match=r"spans A1:G21 \(147 cells\)"):
        guard.check(path)


def test_member_ratio_and_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = rezip(xlsx_bytes(order_rows(5, random.Random(8))),
                 add={"xl/media/blank.xml": b" " * 2_000_000})
    path = _xlsx(tmp_path, "r.xlsx", data)
    guard.check(path)
    monkeypatch.setattr(guard.limits, "RATIO_MIN_BYTES", 1_000_000)
    with pytest.raises(UnsafeContentError, match="zip bomb"):
        guard.check(path)
    monkeypatch.setattr(guard.limits, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(UnsafeContentError, match="parts"):
        guard.check(path)


def test_comments_and_cdata_are_not_declarations(tmp_path: Path) -> None:
    data = rezip(xlsx_bytes(order_rows(5, random.Random(9))), replace={SHEET: lambda b: b.replace(
        b"<sheetData>", b"<!-- a comment --><sheetData>")})
    guard.check(_xlsx(tmp_path, "c.xlsx", data))


def test_ods_trailing_empty_repeats_are_free(tmp_path: Path) -> None:
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Revenue</text:p>'
            '</table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row>')
    path = _xlsx(tmp_path, "lo.ods", ods_bytes(f'<table:table table:name="Data">{rows}</table:table>'))
    facts = guard.check(path)
    assert facts.proven and [(s.name, s.max_row, s.max_col) for s in facts.sheets] == [("Data", 1, 1)]


def test_missing_defusedxml_is_an_installation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "defusedxml", None)
    with pytest.raises(InstallationError, match="defusedxml") as info:
        guard.require_defusedxml()
    assert info.value.exit_code == 17


def test_text_length_check_names_the_cell() -> None:
    sheet = readers.RawSheet("f.csv", "f", [["a", "b"], ["c", "x" * 32_768]])
    with pytest.raises(TooLargeError, match=r"f\.csv / f / B2: the cell holds 32,768 characters"):
        guard.check_text_lengths([sheet])
    guard.check_text_lengths([readers.RawSheet("f.csv", "f", [["x" * 32_767]])])


# --- isolation ------------------------------------------------------------------------------------


def test_child_reads_exactly_what_the_parent_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    path = SAMPLES / "finance.xlsx"
    monkeypatch.setenv("KPIREPORT_ISOLATE", "never")
    here = entry.read_path(path)
    monkeypatch.setenv("KPIREPORT_ISOLATE", "always")
    there = entry.read_path(path)
    assert here == there


def test_a_reader_abort_in_the_child_is_a_categorised_error(tmp_path: Path) -> None:
    """The backstop: calamine aborting on XFD1048576 (guard bypassed) costs the child, not us."""
    path = tmp_path / "bomb.xlsx"
    write_orders_xlsx(path, order_rows(3, random.Random(10)), extra=lambda wb, ws: ws.write("XFD1048576", 1))
    with pytest.raises(TooLargeError, match=r"ran out of memory \(512 MiB\)"):
        isolate.read_in_child(path, memory=512 << 20, seconds=60)


def test_a_slow_child_is_stopped() -> None:
    with pytest.raises(TooLargeError, match=r"took longer than 0\.01 s"):
        isolate.read_in_child(SAMPLES / "finance.xlsx", seconds=0.01)


def test_errors_raised_in_the_child_keep_their_class_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes((SAMPLES / "okrs.xlsx").read_bytes()[:3000])
    with pytest.raises(CorruptFileError) as info:
        isolate.read_in_child(path)
    assert info.value.hint and "cut short" in info.value.message


@pytest.mark.parametrize(("code", "err", "error", "words"), [
    (-signal.SIGABRT, b"memory allocation of 549755813888 bytes failed\n", TooLargeError, "ran out of memory"),
    (-signal.SIGKILL, b"", TooLargeError, "ran out of memory"),
    (-signal.SIGXCPU, b"", TooLargeError, "took longer"),
    (-signal.SIGSEGV, b"", CorruptFileError, "crashed on this file (SIGSEGV)"),
    (1, b"Traceback ...\nImportError: no module\n", RuntimeError, "ImportError"),
])
def test_child_failures_are_categorised(code: int, err: bytes, error: type, words: str) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        isolate._outcome(Path("x.xlsx"), None, code, b"", err, 1 << 30, 10)


def test_a_bug_in_the_child_stays_a_bug() -> None:
    import pickle

    payload = pickle.dumps(("bug", "ZeroDivisionError", "division by zero", "Traceback..."))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        isolate._outcome(Path("x.xlsx"), None, 0, payload, b"", 1 << 30, 10)
    payload = pickle.dumps(("error", "UnsafeContentError", "m", "h"))
    with pytest.raises(UnsafeContentError):
        isolate._outcome(Path("x.xlsx"), None, 0, payload, b"", 1 << 30, 10)
    payload = pickle.dumps(("error", "NoSuchError", "m", "h"))
    with pytest.raises(KpiReportError):
        isolate._outcome(Path("x.xlsx"), None, 0, payload, b"", 1 << 30, 10)


def test_the_unpickler_only_accepts_sheet_types() -> None:
    import os
    import pickle

    evil = pickle.dumps(("ok", os.system))
    with pytest.raises(pickle.UnpicklingError):
        isolate._loads(evil)


def test_small_proven_files_are_read_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = guard.check(SAMPLES / "okrs.xlsx")
    monkeypatch.setenv("KPIREPORT_ISOLATE", "auto")
    assert isolate._in_process(facts)
    facts.proven = False
    assert not isolate._in_process(facts)
    xls = guard.Facts(Path("x.xls"), "xls", 1000)
    assert not isolate._in_process(xls)


def test_zip_members_written_by_the_corpus_are_deterministic() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_info("a.xml"), b"<a/>")
    assert zipfile.ZipFile(io.BytesIO(buf.getvalue())).getinfo("a.xml").date_time == (2026, 1, 1, 0, 0, 0)
