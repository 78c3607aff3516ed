"""Tell a file's format by its content, not its name.

Users rename files, mail gateways rename them, and an encrypted .xlsx is really an OLE2
container; only the content says what a file is. `sniff` returns the reader to use ('xlsx',
'ods', 'xls' or 'csv') or raises a categorised error with a one-line fix:

- a zip that is a workbook (xl/workbook.xml), an OpenDocument spreadsheet (mimetype), an .xlsb
  (refused: UnsupportedFormatError), another Office document or any other zip (NotAWorkbookError);
- an OLE2 container: an encrypted OOXML workbook (EncryptionInfo/EncryptedPackage streams in
  the OLE2 directory, read properly below, not guessed from bytes), a legacy .xls (a Workbook or
  Book stream; FILEPASS in its first records means a password), a Word/PowerPoint/Outlook file;
- text: CSV, or a web page / Excel 2003 XML / MHTML saved with a spreadsheet name
  (UnsupportedFormatError); other binary content (NotAWorkbookError); an empty file.

Everything here reads a bounded number of bytes: the first 8 KiB, the zip central directory
and the OLE2 directory sectors (at most the file size, loops detected).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

import olefile

from ..errors import CorruptFileError, EncryptedFileError, InputError, NotAWorkbookError, UnsupportedFormatError

ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192

_SAVE_AS_XLSX = "Open it in Excel or LibreOffice, save it as .xlsx (File > Save As) and drop the new copy."
_EXPORT_AGAIN = "Export or download it again from the source system."
_PASSWORD_HINT = ("Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
                  "clear it), save, and drop it again.")
_DROP = "Drop .xlsx, .xls, .ods or .csv files."
_DAMAGED = "the workbook is damaged or was cut short."


def sniff(path: Path) -> str:
    """Return 'xlsx', 'ods', 'xls' or 'csv', or raise a categorised error.

    Memoised per (path, size, mtime): the guard, the reader and the isolated child all ask."""
    path = Path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    kind = _sniff(path)
    if key is not None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = kind
    return kind


_CACHE: dict[tuple[str, int, int], str] = {}


def _sniff(path: Path) -> str:
    head = read_head(path)
    if not head:
        raise CorruptFileError(f"{path.name}: the file is empty.", _EXPORT_AGAIN)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(ZIP_EMPTY_MAGIC):
        raise NotAWorkbookError(f"{path.name}: this is an empty zip archive, not a workbook.", _EXPORT_AGAIN)
    if head.startswith(OLE2_MAGIC):
        return _ole_kind(path)
    return _text_kind(path, head)


def read_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file.", "Name the folder itself, not a file inside it.") from None
    except PermissionError:
        raise InputError(f"{path.name}: permission denied.",
                         "Check you can open the file, or copy it somewhere you can.") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder.", "Check the path and try again.") from None
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror}).",
                         "Copy the file to a local folder and retry.") from None


# --- zip ----------------------------------------------------------------------------------

_OFFICE_ZIPS = {
    "word/document.xml": "a Word document",
    "ppt/presentation.xml": "a PowerPoint presentation",
    "visio/document.xml": "a Visio drawing",
    "Index/Document.iwa": "an Apple Numbers file",
}
_ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": "an OpenDocument text document",
    b"application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation",
    b"application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing",
}


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names:
                mime = _small_member(zf, "mimetype")
                if mime.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    if _ods_encrypted(zf, names):
                        raise EncryptedFileError(f"{path.name}: the spreadsheet is password-protected.",
                                                 "Open it in LibreOffice, remove the password (File > Properties > "
                                                 "Security, or save a copy without it), and drop it again.")
                    return "ods"
                for prefix, what in _ODF_KINDS.items():
                    if mime.startswith(prefix):
                        raise NotAWorkbookError(f"{path.name}: this is {what}, not a spreadsheet.",
                                                "Drop .xlsx, .xls, .ods or .csv files.")
            if "xl/workbook.bin" in names:
                raise UnsupportedFormatError(f"{path.name}: this is an Excel binary workbook (.xlsb), which kpireport "
                                             "does not read.", _SAVE_AS_XLSX)
            if "xl/workbook.xml" in names:
                return "xlsx"
            for member, what in _OFFICE_ZIPS.items():
                if member in names:
                    raise NotAWorkbookError(f"{path.name}: this is {what}, not a workbook.",
                                            "Drop .xlsx, .xls, .ods or .csv files.")
            if not infos:
                raise NotAWorkbookError(f"{path.name}: this is an empty zip archive, not a workbook.", _EXPORT_AGAIN)
    except zipfile.BadZipFile:
        raise CorruptFileError(f"{path.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN) from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise CorruptFileError(f"{path.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN) from None
    raise NotAWorkbookError(f"{path.name}: this is a zip archive, not a workbook.",
                            "Unpack it and drop the workbooks inside.")


def _ods_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An encrypted OpenDocument file lists <manifest:encryption-data> for its parts in
    META-INF/manifest.xml (the parts themselves are ciphertext, which would read as "damaged")."""
    if "META-INF/manifest.xml" not in names:
        return False
    try:
        with zf.open("META-INF/manifest.xml") as fh:
            return b"encryption-data" in fh.read(1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        return False


def _small_member(zf: zipfile.ZipFile, name: str) -> bytes:
    """The first 200 bytes of a member, never more (the declared size may lie)."""
    try:
        with zf.open(name) as fh:
            return fh.read(200)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return b""


# --- OLE2 (Compound File Binary) ------------------------------------------------------------

class _Cut(Exception):
    """The OLE2 structure points outside the file or loops: damaged or truncated."""


class Ole2:
    """An OLE2 container's stream names and stream heads, read with `olefile`.

    Enough to list stream names (to spot EncryptionInfo / EncryptedPackage, Workbook, Book,
    WordDocument) and read the first bytes of a stream (to spot FILEPASS in a .xls). olefile
    bounds its chain walks by the FAT and refuses loops; any defect in the structure is `_Cut`.
    """

    def __init__(self, source: bytes | BinaryIO) -> None:
        fh = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        if fh.read(8) != OLE2_MAGIC:
            raise _Cut("header")
        fh.seek(0)
        try:
            self.ole = olefile.OleFileIO(fh, raise_defects=olefile.DEFECT_INCORRECT)
            if _loops(self.ole.fat, self.ole.first_dir_sector):
                raise _Cut("the directory's sector chain loops")
            self._names = {part for entry in self.ole.listdir(streams=True, storages=True) for part in entry}
        except Exception as exc:  # olefile raises OSError, ValueError, struct.error, IndexError... on bad input
            raise _Cut("structure") from exc

    def names(self) -> set[str]:
        """Names of every stream and storage (the root entry excluded)."""
        return self._names

    def stream_head(self, name: str, n: int) -> bytes:
        """The first `n` bytes of stream `name` (fewer if it is shorter); b'' if absent.

        olefile reads a whole stream into memory when it opens one (a .xls may be 256 MB), so
        only the first bytes are opened. Its `_open` places a stream in the FAT or the mini stream
        by the size it is given: the size asked for is never below the cutoff unless the stream's
        own size is."""
        if self.ole.get_type(name) != olefile.STGTY_STREAM:
            return b""
        try:
            entry = self.ole.direntries[self.ole._find(name)]
            size = min(entry.size, max(n, self.ole.minisectorcutoff))
            return self.ole._open(entry.isectStart, size).read(n)
        except Exception as exc:  # a chain pointing outside the file
            raise _Cut("stream") from exc

    def close(self) -> None:
        self.ole.close()


def _loops(fat, start: int) -> bool:
    """A FAT chain that comes back to a sector it passed: olefile reads such a directory to the
    FAT's length and takes the repeated entries, where the file is simply damaged."""
    seen: set[int] = set()
    sect = start
    while 0 <= sect < len(fat) and sect <= olefile.MAXREGSECT:
        if sect in seen:
            return True
        seen.add(sect)
        sect = fat[sect]
    return False


def ole_directory(path: Path) -> Ole2:
    """Parse the OLE2 container at `path` (raises _Cut if damaged). Only the header, FAT,
    directory and stream-head sectors are read."""
    fh = open(path, "rb")  # noqa: SIM115  (closed with the Ole2, or here on failure)
    try:
        return Ole2(fh)
    except BaseException:
        fh.close()
        raise


_BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_BIFF_FILEPASS = 0x002F
_BIFF_EOF = 0x000A


def biff_is_encrypted(stream: bytes) -> bool:
    """True if the workbook globals of a BIFF stream hold a FILEPASS record (a password)."""
    pos, records = 0, 0
    while pos + 4 <= len(stream) and records < 200:
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        if records == 0 and rtype not in _BIFF_BOF:
            return False
        if rtype == _BIFF_FILEPASS:
            return True
        if rtype == _BIFF_EOF:
            return False
        pos += 4 + rlen
        records += 1
    return False


_OLE_OTHERS = {
    "WordDocument": "a Word document",
    "PowerPoint Document": "a PowerPoint presentation",
    "VisioDocument": "a Visio drawing",
    "__properties_version1.0": "an Outlook message",
}


def _ole_kind(path: Path) -> str:
    try:
        ole = ole_directory(path)
    except (_Cut, struct.error, OSError, ValueError):
        raise CorruptFileError(f"{path.name}: {_DAMAGED}", _EXPORT_AGAIN) from None
    try:
        return _ole_verdict(path, ole)
    finally:
        ole.close()


def _ole_verdict(path: Path, ole: Ole2) -> str:
    names = ole.names()
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise EncryptedFileError(f"{path.name}: the workbook is password-protected.", _PASSWORD_HINT)
    for stream in ("Workbook", "Book", "WORKBOOK", "BOOK"):
        if stream in names:
            try:
                head = ole.stream_head(stream, 16384)
            except (_Cut, struct.error):
                raise CorruptFileError(f"{path.name}: {_DAMAGED}", _EXPORT_AGAIN) from None
            if biff_is_encrypted(head):
                raise EncryptedFileError(f"{path.name}: the workbook is password-protected.", _PASSWORD_HINT)
            return "xls"
    for stream, what in _OLE_OTHERS.items():
        if stream in names:
            raise NotAWorkbookError(f"{path.name}: this is {what}, not a workbook.", _DROP)
    raise NotAWorkbookError(f"{path.name}: this is an Office container without a workbook in it.", _DROP)


# --- text and everything else --------------------------------------------------------------

_BINARY_KINDS = (
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3", "a database file"),
)
_OLD_BIFF = (b"\x09\x00\x04\x00", b"\x09\x02", b"\x09\x04")  # BOF of Excel 2.x-4.0 files (no OLE2)


def _text_kind(path: Path, head: bytes) -> str:
    for magic, what in _BINARY_KINDS:
        if head.startswith(magic):
            raise NotAWorkbookError(f"{path.name}: this is {what}, not a workbook or a CSV file.",
                                    "Drop .xlsx, .xls, .ods or .csv files.")
    if head.startswith(_OLD_BIFF) and not _looks_like_text(head):
        raise UnsupportedFormatError(f"{path.name}: this is an Excel 4.0 or older workbook, which kpireport does not "
                                     "read.", _SAVE_AS_XLSX)
    text = _decode_head(head)
    if text is None:
        raise NotAWorkbookError(f"{path.name}: this is not a workbook or a CSV file (it holds binary data).",
                                "Drop .xlsx, .xls, .ods or .csv files.")
    lead = text.lstrip("\ufeff \t\r\n").lower()
    markup = lead[:2048]
    if markup.startswith(("<!doctype html", "<html", "<head", "<body", "<table", "<meta", "<style")) or \
            ("<html" in markup and markup.startswith(("<!--", "<?xml"))):
        raise UnsupportedFormatError(f"{path.name}: this is a web page (HTML) saved with a spreadsheet name, not a "
                                     "real workbook.", _SAVE_AS_XLSX)
    if markup.startswith("mime-version:") or "multipart/related" in markup[:512]:
        raise UnsupportedFormatError(f"{path.name}: this is a single-file web page (MHTML) saved with a spreadsheet "
                                     "name.", _SAVE_AS_XLSX)
    if markup.startswith("<?xml") or markup.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in lead or 'progid="excel.sheet"' in lead:
            raise UnsupportedFormatError(f"{path.name}: this is an Excel 2003 XML spreadsheet, which kpireport does "
                                         "not read.", _SAVE_AS_XLSX)
        if "urn:oasis:names:tc:opendocument" in lead:
            raise UnsupportedFormatError(f"{path.name}: this is a flat OpenDocument (.fods) file, which kpireport does "
                                         "not read.", _SAVE_AS_XLSX)
        raise NotAWorkbookError(f"{path.name}: this is an XML file, not a workbook or a CSV file.",
                                "Drop .xlsx, .xls, .ods or .csv files.")
    return "csv"


def _decode_head(head: bytes) -> str | None:
    """The first bytes as text, or None if they are binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        body = head[2: 2 + (len(head) - 2) // 2 * 2]
        try:
            text = body.decode(enc)
        except UnicodeDecodeError:
            return None
        return text if _looks_like_text(text.encode("utf-8", "replace")) else None
    if not _looks_like_text(head):
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the 8 KiB boundary
            return head[: exc.start].decode("utf-8")
        return head.decode("cp1254", "replace")


def _looks_like_text(data: bytes) -> bool:
    """No NUL bytes and under 1 % other control characters (tab, CR, LF, FF excepted)."""
    if b"\x00" in data:
        return False
    controls = sum(data.count(bytes([c])) for c in (*range(1, 9), 11, *range(14, 32), 127))
    return controls <= max(1, len(data) // 100)
