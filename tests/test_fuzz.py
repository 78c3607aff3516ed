"""Fuzzing the read path: mutated workbooks give a categorised error or a reading, never a
traceback, a hang or a crash.

Three bounded runs (deadline off, a fixed number of examples, a per-example alarm):
- raw byte mutations of a small .xlsx (flips, inserts, deletes, truncation) through
  `pipeline.load_dataset` (read -> map -> validate), expecting only KpiReportError;
- mutations of the *inflated* XML parts (bytes, and tokens that have hurt readers before:
  far cell references, DOCTYPE, huge counts, odd types), re-zipped, same expectation;
- a few mutated files through the whole CLI in-process (click's CliRunner): exit code from the
  taxonomy, one line on stderr.

Reading happens in-process whenever the guard proves the file small and safe, so a mutation that
slipped past the guard and made calamine abort would kill this test process: that is the point.
"""

from __future__ import annotations

import io
import random
import signal
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpireport.config import Config
from kpireport.errors import EXIT_CODES, KpiReportError
from kpireport.pipeline import load_dataset

from .hostile_corpus import _info, order_rows, xlsx_bytes

SEED_WORKBOOK = xlsx_bytes(order_rows(40, random.Random(11)))
EXAMPLE_SECONDS = 20
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TOKENS = [
    b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A1048576" t="s"><v>0</v></c>', b'<row r="1048576">',
    b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b"&a;", b"&#0;", b"&#xFFFF;", b"]]>", b"<![CDATA[x]]>",
    b'uniqueCount="99999999999"', b'count="4294967297"', b'r="A0"', b'r="ZZZZ1"', b'r="A99999999"',
    b't="e"', b't="d"', b't="str"', b't="inlineStr"', b't="b"', b's="99999"', b"<v>1e309</v>",
    b"<v>NaN</v>", b"<v>-1e308</v>", b"<v>99999999999</v>", b"<v>#DIV/0!</v>", b"<f>1/0</f>",
    b'<sheet name="" sheetId="9" r:id="rId99"/>', b'state="veryHidden"', b'date1904="1"', b"\x00", b"\xff\xfe",
    b'<mergeCell ref="A1:XFD1048576"/>', b'<dimension ref="A1:XFD1048576"/>', b"<is><t>" + b"x" * 40_000 + b"</t></is>",
]


class _Timeout(Exception):
    pass


def _bounded(fn):
    """Run fn with a wall-clock alarm: a hang becomes a test failure, not a stuck suite."""
    def alarm(*_):
        raise _Timeout(f"one example took longer than {EXAMPLE_SECONDS} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(EXAMPLE_SECONDS)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _expect_only_categorised_errors(path: Path) -> None:
    try:
        _bounded(lambda: load_dataset([path], Config()))
    except KpiReportError as exc:
        line = exc.one_line()
        assert line and "\n" not in line
        assert exc.exit_code in EXIT_CODES.values()


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    buf = bytearray(data)
    for kind, pos, value in ops:
        if not buf:
            break
        at = pos % len(buf)
        if kind == 0:
            buf[at] ^= 1 << (value % 8)
        elif kind == 1:
            buf[at] = value
        elif kind == 2:
            buf[at:at] = bytes([value]) * (1 + value % 7)
        elif kind == 3:
            del buf[at:at + 1 + value % 64]
        else:
            del buf[at:]
    return bytes(buf)


OPS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=6)


@FUZZ
@given(ops=OPS)
def test_byte_mutations_of_a_workbook(tmp_path_factory: pytest.TempPathFactory, ops) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "mutated.xlsx"
    path.write_bytes(_mutate(SEED_WORKBOOK, ops))
    _expect_only_categorised_errors(path)


def _parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(SEED_WORKBOOK)) as z:
        return {n: z.read(n) for n in z.namelist()}


PARTS = _parts()
XML_PARTS = sorted(n for n in PARTS if n.endswith((".xml", ".rels")))


@FUZZ
@given(part=st.sampled_from(XML_PARTS), ops=OPS,
       tokens=st.lists(st.tuples(st.sampled_from(TOKENS), st.integers(0, 1 << 30)), max_size=3))
def test_xml_part_mutations_rezipped(tmp_path_factory: pytest.TempPathFactory, part, ops, tokens) -> None:
    body = bytearray(_mutate(PARTS[part], ops) if ops[0][0] != 4 else PARTS[part])
    for token, pos in tokens:
        at = pos % (len(body) + 1)
        body[at:at] = token
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in PARTS.items():
            z.writestr(_info(name), bytes(body) if name == part else data)
    path = tmp_path_factory.mktemp("fuzzxml") / "mutated.xlsx"
    path.write_bytes(out.getvalue())
    _expect_only_categorised_errors(path)


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_cli_in_process_on_mutated_files(tmp_path_factory: pytest.TempPathFactory, ops) -> None:
    from kpireport.cli import main

    folder = tmp_path_factory.mktemp("fuzzcli")
    path = folder / "mutated.xlsx"
    path.write_bytes(_mutate(SEED_WORKBOOK, ops))
    result = _bounded(lambda: CliRunner().invoke(main, ["generate", str(path), "--out", str(folder / "out"), "-q"]))
    assert result.exit_code in EXIT_CODES.values(), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code:
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("kpireport: error:"), result.output
        assert "Traceback" not in result.output


# -- the package's structure: part names, relationship order, content where it is not expected -------

_DIRS = ["xl/worksheets/", "xl/", "xl/data/", "XL/Sheets/", "data/", ""]
_EXTS = ["", ".xml", ".bin", ".dat", ".XML", ".rels.txt"]
_HOSTILE = [None, "corner cell", "orphan sheet", "doctype elsewhere", "renamed shared strings bomb"]


def _package(sheet_part: str, absolute: bool, override: bool, corner: bool, order: int, extra: str | None,
             extra_name: str) -> bytes:
    """The seed workbook with its sheet stored as `sheet_part`, relationships shuffled, members
    written in a shuffled order, and at most one hostile addition (see _HOSTILE)."""
    import re

    from .hostile_corpus import SHEET, corner_cell

    rng = random.Random(order)
    parts = dict(PARTS)
    sheet = parts.pop(SHEET)
    parts[sheet_part] = corner_cell(sheet) if corner else sheet
    target = "/" + sheet_part if absolute or not sheet_part.lower().startswith("xl/") else sheet_part[3:]
    rels = parts["xl/_rels/workbook.xml.rels"].replace(b'Target="worksheets/sheet1.xml"',
                                                      b'Target="' + target.encode() + b'"')
    head, _, rest = rels.partition(b"<Relationship ")
    items = re.findall(rb"<Relationship [^>]*/>", b"<Relationship " + rest)
    rng.shuffle(items)
    parts["xl/_rels/workbook.xml.rels"] = head + b"".join(items) + b"</Relationships>"
    if override:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/" + SHEET.encode(),
                                                                            b"/" + sheet_part.encode())
    if extra == "orphan sheet":
        parts[extra_name] = corner_cell(sheet)
    elif extra == "doctype elsewhere":
        parts[extra_name] = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "e">]><r>&e;</r>'
    elif extra == "renamed shared strings bomb":
        table = parts.pop("xl/sharedStrings.xml")
        parts[extra_name] = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', table, count=1)
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b'Target="sharedStrings.xml"', b'Target="/' + extra_name.encode() + b'"')
    names = list(parts)
    rng.shuffle(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.writestr(_info(name), parts[name])
    return out.getvalue()


_NAME = st.text("abcdefgh123_", min_size=1, max_size=8)


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(folder=st.sampled_from(_DIRS), stem=_NAME, ext=st.sampled_from(_EXTS), absolute=st.booleans(),
       override=st.booleans(), order=st.integers(0, 1000), hostile=st.sampled_from(_HOSTILE),
       extra_dir=st.sampled_from(_DIRS), extra_stem=_NAME, extra_ext=st.sampled_from(_EXTS))
def test_package_structure_mutations(tmp_path_factory: pytest.TempPathFactory, folder, stem, ext, absolute, override,
                                     order, hostile, extra_dir, extra_stem, extra_ext) -> None:
    """Any part name is legal: a sheet under any name is read (and its content judged), content in
    parts nobody expects is still checked, and the order of relationships or members changes
    nothing. A file with hostile content is refused before any reader runs in this process (an
    abort here would end the test run)."""
    from kpireport.errors import TooLargeError, UnsafeContentError

    sheet_part = folder + stem + ext
    extra_name = extra_dir + "x" + extra_stem + extra_ext
    if extra_name.lower() in {n.lower() for n in (*PARTS, sheet_part)}:
        extra_name = "custom/" + extra_name
    data = _package(sheet_part, absolute, override, hostile == "corner cell", order,
                    hostile if hostile != "corner cell" else None, extra_name)
    path = tmp_path_factory.mktemp("fuzzpkg") / "package.xlsx"
    path.write_bytes(data)
    if hostile is None:
        dataset = _bounded(lambda: load_dataset([path], Config()))
        assert len(dataset.tables["orders"]) == 40, sheet_part
    else:
        with pytest.raises((UnsafeContentError, TooLargeError)):
            _bounded(lambda: load_dataset([path], Config()))
