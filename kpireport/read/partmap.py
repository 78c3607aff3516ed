"""Which parts of an .xlsx package a reader will parse, found the way readers find them.

Part names are free in a package: a worksheet may be stored as `xl/data/s.bin`, reached only
through `xl/_rels/workbook.xml.rels`, its type given by an Override in `[Content_Types].xml`.
calamine follows the relationships (and matches part names without regard to case), so a guard
that picks worksheets by the name `xl/worksheets/*.xml` checks nothing when the name differs,
and the reader then trusts whatever the unchecked part declares. This module names the parts
the guard must check, from every source a reader could use:

- worksheets: targets of the workbook's relationships named by a `<sheet>`, parts whose content
  type is a worksheet, the conventional `xl/worksheets/*`, and any part whose root element is a
  worksheet (a part nobody points to is still scanned: being wrong costs one extra scan);
- shared strings: the relationship of that type, the content type, the conventional name;
- XML at all (checked for DOCTYPE and UTF-16): a name ending in .xml/.rels/.vml, an XML content
  type, or content that starts like XML, whatever the name.

Names are compared in lower case. Pure functions over bytes: the guard supplies the inflated
bytes, so every read stays inside its budget.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_DEFAULT = re.compile(rb"<(?:[\w.-]+:)?Default\b[^>]*>")
_OVERRIDE = re.compile(rb"<(?:[\w.-]+:)?Override\b[^>]*>")
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*>")
_SHEET_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:worksheet|dialogsheet)[\s>/]")
_SHEET_TYPES = ("worksheet+xml", "dialogsheet+xml", "/worksheet", "/dialogsheet")
_XML_NAMES = (".xml", ".rels", ".vml")

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[content_types].xml"


@dataclass
class SheetEntry:
    """One `<sheet>` of xl/workbook.xml and the part names a reader may open for it."""

    name: str
    candidates: frozenset[str]


@dataclass
class PartMap:
    sheets: dict[str, str] = field(default_factory=dict)   # lower-case part name -> sheet name
    shared: set[str] = field(default_factory=lambda: {"xl/sharedstrings.xml"})
    entries: list[SheetEntry] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)    # lower-case part name -> content type
    defaults: dict[str, str] = field(default_factory=dict)  # extension -> content type

    def content_type(self, name: str) -> str:
        lower = name.lower()
        if lower in self.types:
            return self.types[lower]
        ext = lower.rsplit(".", 1)[-1] if "." in lower.rsplit("/", 1)[-1] else ""
        return self.defaults.get(ext, "")

    def is_sheet(self, name: str, head: bytes = b"") -> bool:
        lower = name.lower()
        return (lower in self.sheets or conventional_sheet(lower)
                or self.content_type(name).endswith(_SHEET_TYPES) or bool(head and sheet_root(head)))

    def is_shared(self, name: str) -> bool:
        return name.lower() in self.shared or self.content_type(name).endswith("sharedstrings+xml")

    def is_xml(self, name: str, head: bytes) -> bool:
        ctype = self.content_type(name)
        return name.lower().endswith(_XML_NAMES) or ctype.endswith("xml") or looks_like_xml(head)


def build(content_types: bytes, workbook: bytes, rels: bytes) -> PartMap:
    """The map from the three small parts (any of them may be b'')."""
    out = PartMap()
    for tag in _DEFAULT.findall(content_types):
        a = _attrs(tag)
        if "Extension" in a:
            out.defaults[a["Extension"].lower().lstrip(".")] = a.get("ContentType", "").lower()
    for tag in _OVERRIDE.findall(content_types):
        a = _attrs(tag)
        if "PartName" in a:
            out.types[a["PartName"].lstrip("/").lower()] = a.get("ContentType", "").lower()
    targets: dict[str, frozenset[str]] = {}
    for tag in _REL.findall(rels):
        a = _attrs(tag)
        if a.get("TargetMode", "").lower() == "external":
            continue
        found = candidates(a.get("Target", ""))
        targets[a.get("Id", "")] = found
        if a.get("Type", "").lower().endswith("/sharedstrings"):
            out.shared |= found
    for tag in _SHEET.findall(workbook):
        a = _attrs(tag)
        rid = next((v for k, v in a.items() if k.endswith(":id")), None)
        name = a.get("name", "")
        found = targets.get(rid, frozenset()) if rid is not None else frozenset()
        out.entries.append(SheetEntry(name, found))
        for part in found:
            out.sheets.setdefault(part, name)
    return out


def candidates(target: str) -> frozenset[str]:
    """Lower-case part names a workbook relationship's Target may mean: relative to xl/ (the
    standard), absolute from the package root, and normalised ('./', '../')."""
    target = target.strip().replace("\\", "/")
    if not target:
        return frozenset()
    if target.startswith("/"):
        raw = {target.lstrip("/")}
    else:
        raw = {"xl/" + target, target}
    out = set()
    for name in raw:
        out.add(name.lower())
        norm = posixpath.normpath(name)
        if not norm.startswith(".."):
            out.add(norm.lower())
    return frozenset(out)


def conventional_sheet(lower: str) -> bool:
    return lower.startswith(("xl/worksheets/", "xl/dialogsheets/")) and lower.count("/") == 2 \
        and not lower.endswith("/")


def sheet_root(head: bytes) -> bool:
    """Whether the first bytes of a part open a worksheet element (after the XML declaration)."""
    return bool(_SHEET_ROOT.search(head[:4096]))


def looks_like_xml(head: bytes) -> bool:
    """Content that starts like XML (UTF-8 with or without BOM, or UTF-16)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00", b"\x00\x00\xfe\xff")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode("utf-8", "replace"): html.unescape((v1 or v2).decode("utf-8", "replace"))
            for k, v1, v2 in _ATTR.findall(tag)}
