"""Who a workbook says it belongs to: the Company and Title of its document properties.

A report made from a user's own export should carry the user's company name, not a made-up
one. When the config names no company, the pipeline takes it from the first .xlsx/.xlsm input
that has one: `docProps/app.xml` <Company>, else `docProps/core.xml` <dc:title>. A custom
property "Currency" holding a 3-letter code (File > Properties > Custom in Excel; the sample
exports carry one) gives the currency when the config names none. Called after
`read_inputs`, so the file has already passed the guard (zip bomb, entity and size checks);
the parts are still read with a size cap and parsed with defusedxml, and anything odd simply
gives no name: a missing property is never an error.
"""

from __future__ import annotations

import contextlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

_MAX_PART = 256 << 10  # document properties are a few hundred bytes
_APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


@dataclass(frozen=True)
class DocumentProperties:
    company: str = ""
    title: str = ""
    file: str = ""
    currency: str = ""


def _root(zf: zipfile.ZipFile, part: str):
    try:
        info = zf.getinfo(part)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        return None
    return ElementTree.fromstring(zf.read(info))


def _text(zf: zipfile.ZipFile, part: str, tag: str) -> str:
    root = _root(zf, part)
    node = root.find(tag) if root is not None else None
    text = " ".join((node.text or "").split()) if node is not None else ""
    return text[:200]


def _currency(zf: zipfile.ZipFile) -> str:
    """The custom property named Currency, when it is a 3-letter code."""
    root = _root(zf, "docProps/custom.xml")
    for prop in root.iter(f"{_CUSTOM}property") if root is not None else ():
        if prop.get("name", "").strip().casefold() == "currency":
            value = "".join(prop.itertext()).strip().upper()
            return value if len(value) == 3 and value.isascii() and value.isalpha() else ""
    return ""


def properties_of(path: Path) -> DocumentProperties:
    """The Company and Title of one .xlsx/.xlsm file ('' where absent or unreadable)."""
    with contextlib.suppress(Exception), zipfile.ZipFile(path) as zf:
        return DocumentProperties(_text(zf, "docProps/app.xml", f"{_APP}Company"),
                                  _text(zf, "docProps/core.xml", f"{_DC}title"), path.name, _currency(zf))
    return DocumentProperties(file=path.name)


def first_properties(paths: list[Path]) -> DocumentProperties:
    """The properties of the first .xlsx/.xlsm input (in the order read) that names a company, title or currency."""
    for path in paths:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            props = properties_of(path)
            if props.company or props.title or props.currency:
                return props
    return DocumentProperties()
