"""Tell a file's format by its first bytes, not its name.

Users rename files, mail gateways rename them, and an encrypted .xlsx is really an OLE2
container; only the content says what a file is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import CorruptFileError, EncryptedFileError, NotAWorkbookError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> str:
    """Return 'xlsx', 'ods', 'xls' or 'csv', or raise a categorised error."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise CorruptFileError(f"{path.name}: the file is empty.", "Export it again from the source system.")
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(OLE2_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in _ole_dir(path):
            raise EncryptedFileError(
                f"{path.name}: the workbook is password-protected.",
                "Open it in Excel, remove the password (File > Info > Protect Workbook), save, and drop it again.",
            )
        return "xls"
    if b"\x00" in head.replace(b"\x00\x00", b"") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAWorkbookError(f"{path.name}: this is not a workbook or a CSV file.",
                                "Drop .xlsx, .xlsm, .xls, .ods or .csv files.")
    return "csv"


def _ole_dir(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(1 << 20)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names:
                    raise NotAWorkbookError(f"{path.name}: this is an .xlsb (binary) workbook.",
                                            "Save it as .xlsx in Excel and drop it again.")
                return "xlsx"
    except zipfile.BadZipFile:
        raise CorruptFileError(f"{path.name}: the workbook is damaged or was cut short.",
                               "Export or download it again.") from None
    raise NotAWorkbookError(f"{path.name}: this is a zip archive, not a workbook.",
                            "Unpack it and drop the workbooks inside.")
