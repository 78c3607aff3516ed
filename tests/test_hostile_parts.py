"""The guard finds a package's parts the way readers do (kpireport/read/partmap.py): any part name
is legal, so worksheets, shared strings and XML are found through [Content_Types].xml, the
workbook's relationships and the content itself; and a file whose sheets were not all measured
is never "proven" (never read in this process)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kpireport.errors import UnsafeContentError
from kpireport.read import guard, isolate, partmap

from .hostile_corpus import SHEET, corner_cell, move_sheet, order_rows, rezip, xlsx_bytes

GOOD = xlsx_bytes(order_rows(30, random.Random(21)))
DOCTYPE = b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _write(tmp_path: Path, data: bytes, name: str = "w.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("part", "target"), [
    ("xl/worksheets/sheet1.bin", "worksheets/sheet1.bin"),
    ("xl/data/orders", "data/orders"),
    ("data/Orders.part", "/data/Orders.part"),
    ("xl/worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml"),
    ("XL/Data/S", "Data/S"),  # calamine matches names without regard to case
])
def test_a_sheet_under_any_name_is_measured_and_its_corner_cell_refused(tmp_path: Path, part: str,
                                                                        target: str) -> None:
    facts = guard.check(_write(tmp_path, move_sheet(GOOD, part, target)))
    assert [(s.name, s.part, s.max_row, s.max_col) for s in facts.sheets] == [("Orders", part, 31, 7)]
    assert facts.proven and not facts.unchecked
    with pytest.raises(UnsafeContentError, match="Orders: cell XFD1048576"):
        guard.check(_write(tmp_path, move_sheet(GOOD, part, target, corner_cell), "bomb.xlsx"))


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.bin", "xl/data/orders", "custom/x.dat"])
def test_a_doctype_in_a_part_of_any_name_is_refused(tmp_path: Path, part: str) -> None:
    data = move_sheet(GOOD, part, "/" + part, lambda b: b.replace(b"?>", b"?>" + DOCTYPE, 1))
    with pytest.raises(UnsafeContentError, match=f"part {part} declares a DOCTYPE"):
        guard.check(_write(tmp_path, data))


@pytest.mark.parametrize(("member", "body"), [
    ("customXml/item1.dat", b'<?xml version="1.0"?>' + DOCTYPE + b"<r/>"),   # XML by content
    ("xl/extra.bin", b"\xef\xbb\xbf  " + DOCTYPE + b"<r/>"),                  # ... after a BOM and spaces
    ("docProps/custom.xml", DOCTYPE + b"<Properties/>"),                      # XML by name
])
def test_any_xml_part_is_checked_for_doctype(tmp_path: Path, member: str, body: bytes) -> None:
    with pytest.raises(UnsafeContentError, match="DOCTYPE"):
        guard.check(_write(tmp_path, rezip(GOOD, add={member: body})))


def test_binary_parts_are_not_read_as_xml(tmp_path: Path) -> None:
    """An image that happens to hold '<!A' is not XML: no false DOCTYPE refusal."""
    png = b"\x89PNG\r\n\x1a\n" + b"<!ATTLIST" * 50
    facts = guard.check(_write(tmp_path, rezip(GOOD, add={"xl/media/image1.png": png})))
    assert facts.proven


def test_an_unreferenced_part_shaped_like_a_worksheet_is_measured_too(tmp_path: Path) -> None:
    with_orphan = rezip(GOOD, add={"xl/stash/s": corner_cell(_sheet_xml())})
    with pytest.raises(UnsafeContentError, match="cell XFD1048576"):
        guard.check(_write(tmp_path, with_orphan))


def test_a_renamed_shared_string_table_is_still_checked(tmp_path: Path) -> None:
    """uniqueCount=4e9 in a shared-string part found only through its relationship."""
    data = rezip(GOOD, replace={
        "xl/sharedStrings.xml": lambda b: b.replace(b'uniqueCount="', b'uniqueCount="4000000000" x="', 1),
        "xl/_rels/workbook.xml.rels": lambda b: b.replace(b'Target="sharedStrings.xml"', b'Target="strings/s.bin"'),
        "[Content_Types].xml": lambda b: b.replace(b"/xl/sharedStrings.xml", b"/xl/strings/s.bin")})
    data = _rename(data, "xl/sharedStrings.xml", "xl/strings/s.bin")
    with pytest.raises(UnsafeContentError, match="shared-string table declares 4,000,000,000"):
        guard.check(_write(tmp_path, data))


@pytest.mark.parametrize(("case", "edit"), [
    ("no relationship for the sheet", {"xl/_rels/workbook.xml.rels": lambda b: b.replace(b'Id="rId1"', b'Id="x"')}),
    ("no sheet at all", {"xl/workbook.xml": lambda b: b.replace(b"<sheet ", b"<notasheet ")}),
    ("a target that is not in the package", {"xl/_rels/workbook.xml.rels": lambda b: b.replace(
        b"worksheets/sheet1.xml", b"worksheets/missing.xml")}),
])
def test_a_workbook_whose_sheets_were_not_all_measured_is_not_proven(tmp_path: Path, case: str, edit) -> None:
    facts = guard.check(_write(tmp_path, rezip(GOOD, replace=edit)))
    assert not facts.proven, case
    assert not isolate._in_process(facts), case


def test_an_empty_list_of_sheets_is_not_proof() -> None:
    facts = guard.Facts(Path("x.xlsx"), "xlsx", 100, proven=False)
    assert not isolate._in_process(facts)


@pytest.mark.parametrize(("target", "expected"), [
    ("worksheets/s.xml", {"xl/worksheets/s.xml", "worksheets/s.xml"}),
    ("/xl/worksheets/s.xml", {"xl/worksheets/s.xml"}),
    ("/Data/S", {"data/s"}),
    ("./worksheets/s.xml", {"xl/./worksheets/s.xml", "xl/worksheets/s.xml", "./worksheets/s.xml",
                            "worksheets/s.xml"}),
    ("", set()),
])
def test_relationship_targets(target: str, expected: set[str]) -> None:
    assert partmap.candidates(target) == expected


def _sheet_xml() -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(GOOD)) as z:
        return z.read(SHEET)


def _rename(data: bytes, old: str, new: str) -> bytes:
    import io
    import zipfile

    from .hostile_corpus import _info

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(_info(new if info.filename == old else info.filename), zin.read(info.filename))
    return out.getvalue()
