"""The zip directory, judged from its declarations alone, before any member is inflated: member
count and directory size from the end record (before zipfile builds its list), then each
member's flags, compression method, declared sizes and ratio, and nested archives."""

from __future__ import annotations

import struct
from pathlib import Path

from ...errors import CorruptFileError, EncryptedFileError, TooLargeError, UnsafeContentError, UnsupportedFormatError
from . import limits
from .limits import EXPORT_AGAIN, mb


def check_end_record(path: Path, name: str, size: int) -> None:
    """Count entries from the end-of-central-directory record before zipfile builds them."""
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise CorruptFileError(f"{name}: the workbook is damaged or was cut short.", EXPORT_AGAIN)
    _, _, _, entries, cd_size, _ = struct.unpack_from("<HHHHII", tail, at + 4)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:  # zip64: sizes are in the zip64 record; zipfile reads it
        loc = tail.rfind(b"PK\x06\x06")
        if loc >= 0 and loc + 56 <= len(tail):
            entries, cd_size = struct.unpack_from("<QQ", tail, loc + 32)
    if entries > limits.MAX_ZIP_MEMBERS:
        raise UnsafeContentError(f"{name}: the file holds {entries:,} parts; a workbook has a few dozen "
                                 f"(kpireport reads up to {limits.MAX_ZIP_MEMBERS:,}).",
                                 "Save it again from Excel.")
    if cd_size > limits.MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnsafeContentError(f"{name}: the file's directory is {mb(cd_size)}, far beyond any workbook's.",
                                 "Save it again from Excel.")

def check_directory(name: str, infos: list) -> None:
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise UnsafeContentError(f"{name}: the file holds {len(infos):,} parts (kpireport reads up to "
                                 f"{limits.MAX_ZIP_MEMBERS:,}).", "Save it again from Excel.")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedFileError(f"{name}: the file is a password-protected zip archive.",
                                     "Unpack it with its password and drop the workbook inside.")
        if info.compress_type not in (0, 8) and info.file_size:
            raise UnsupportedFormatError(f"{name}: part {info.filename} uses a compression method (#"
                                         f"{info.compress_type}) that Excel never writes.",
                                         "Open it in Excel or LibreOffice, save it as .xlsx and drop the new copy.")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.RATIO_MIN_BYTES and ratio > limits.MAX_MEMBER_RATIO:
            raise UnsafeContentError(
                f"{name}: part {info.filename} declares {mb(info.file_size)} packed into "
                f"{mb(info.compress_size)} ({ratio:,.0f}x); that is a zip bomb, not a workbook.",
                "Do not open it; ask the sender for the original export.")
        lower = info.filename.lower()
        if lower.endswith(limits.NESTED_ARCHIVES) and not lower.startswith(("xl/embeddings/", "object")):
            raise UnsafeContentError(f"{name}: the file holds another archive ({info.filename}); workbooks "
                                     "saved by Excel or LibreOffice do not.", "Save it again from Excel.")
    if total > limits.MAX_TOTAL_UNCOMPRESSED:
        raise TooLargeError(f"{name}: the workbook unpacks to {mb(total)}; kpireport reads workbooks up to "
                            f"{mb(limits.MAX_TOTAL_UNCOMPRESSED)} unpacked.",
                            "Export a shorter period or fewer columns.")
