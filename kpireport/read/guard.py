"""Pre-read safety checks: bound what a reader will cost before any reader touches the file.

Readers trust what a file declares. python-calamine allocates rows x columns for a sheet, so
one stray value at XFD1048576 asks for 17 billion cells and aborts the whole process; a shared
string table that declares uniqueCount="4000000000" does the same; neither calamine nor
openpyxl limits decompression. `check(path)` reads the file once, in bounded chunks, and
refuses (with a one-line message naming file, sheet and cell) what would hurt:

zip containers (.xlsx, .xlsm, .ods)
  - member count, central directory size, encrypted members, compression methods;
  - declared sizes: total over MAX_TOTAL_UNCOMPRESSED, or one member over RATIO_MIN_BYTES that
    compresses more than MAX_MEMBER_RATIO times (a zip bomb); nested archives outside
    xl/embeddings/ (never opened by us or calamine; refused because Excel never writes them);
  - parts are found the way readers find them (partmap.py: [Content_Types].xml, the workbook's
    relationships, the content itself), never by name alone: any part name is legal;
  - every XML part is actually inflated (raw deflate, CRC checked), so a member that inflates
    beyond its declared size is caught, whatever the declarations say;
  - XML with <!DOCTYPE or <!ENTITY (billion laughs, XXE) and UTF-16 XML parts are refused, in
    any part that is XML by name, by content type or by content;
  - each worksheet's real extent: <dimension ref> is read but only as a hint; the sheet XML is
    scanned for every <c r="..."> (vectorised with numpy; non-canonical XML -- prefixes, cells
    without r, odd attribute order -- falls back to an exact expat pass), keeping the last row
    and column that hold a value. Refused: a value beyond MAX_COLUMNS columns in a mostly empty
    range (a legitimately wide, filled sheet passes), a value more than
    STRAY_MIN_EMPTY_ROWS rows below a sheet whose rows are mostly empty (a stray cell), an
    extent over MAX_SHEET_CELLS cells;
  - sharedStrings uniqueCount far above the strings it holds; cells repeating long shared strings
    beyond a bound (shared-string amplification, sharedtext.py);
  - ODS: table:number-rows-repeated / number-columns-repeated are expanded arithmetically
    (never materialised) to the same extent rules; trailing empty repeats (LibreOffice writes
    1,048,576 x 1,024 of them) cost nothing and are allowed; repeats that conjure more than
    MAX_ODS_REPEATED_CELLS values are refused (a few bytes would otherwise cost gigabytes).
text (.csv): size over MAX_CSV_BYTES.
.xls: size over MAX_XLS_BYTES; the content is bounded by the isolated reader (isolate.py).

Cell text longer than Excel's 32,767 characters is refused (TooLargeError) after the read,
naming the cell: Excel cannot have written it, the report workbook could not hold it, and
truncating silently would change the data. The XML scan flags candidates so the exact
per-cell check only runs when needed (always for CSV and .xls).

A file that passes is "proven" when every allocation calamine makes for it is bounded by what
was measured (xlsx/ods): every sheet of the workbook was found and scanned exactly, and there
is at least one. isolate.py reads only proven files in-process; the rest go to the child. defusedxml must import
(`require_defusedxml`): openpyxl only defends against XML attacks when it is installed.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    CorruptFileError,
    EncryptedFileError,
    InstallationError,
    TooLargeError,
    UnsafeContentError,
    UnsupportedFormatError,
)
from . import partmap, sharedtext
from .sniff import sniff

# --- limits: module constants, tuned here (the reasons are in the comments) ---
MAX_FILE_BYTES = 1 << 30            # any input file on disk
MAX_CSV_BYTES = 512 << 20           # CSV is read whole into Python strings (~10x its size in memory)
MAX_XLS_BYTES = 256 << 20           # BIFF sheets are at most 65,536 x 256 cells anyway
MAX_ZIP_MEMBERS = 10_000            # Excel writes ~3 parts per sheet
MAX_CENTRAL_DIRECTORY_BYTES = 16 << 20
MAX_TOTAL_UNCOMPRESSED = 1 << 30    # declared and actually inflated, all members together
MAX_MEMBER_RATIO = 200              # real sheet XML compresses 8-15x; deflate tops out at ~1,030x
RATIO_MIN_BYTES = 50_000_000        # ... so a >50 MB member compressed >200x is a bomb
MAX_COLUMNS = 1_000                 # a sheet wider than this must fill its range (else: a stray cell)
SPARSE_FACTOR = 4                   # ... at least 1 cell in SPARSE_FACTOR of rows x columns
MAX_SHEET_CELLS = 25_000_000        # rows x columns of one sheet's used range (1M rows x 25 columns)
STRAY_MIN_EMPTY_ROWS = 100_000      # a value this many rows below mostly-empty rows is a stray cell
MAX_TEXT_CHARS = 32_767             # Excel's own limit for one cell
MAX_TAG_BYTES = 16 << 20            # one XML tag longer than this is hostile
CHUNK = 4 << 20                     # inflate and scan in chunks of this size
OVERRUN_CHECK_BYTES = 64 << 20      # a member past its declared size is inflated this much more to judge it
MAX_WORKBOOK_PART_BYTES = 64 << 20  # xl/workbook.xml and its rels are read whole
EXACT_SCAN_MAX_BYTES = 64 << 20     # expat (~1 us per element) only below this; larger: read isolated
SHARED_STRINGS_SLACK = 100_000      # uniqueCount may exceed 2x the <si> count by this much
MAX_ODS_REPEATED_CELLS = 1_000_000  # ODS cells with a value conjured by number-*-repeated (a few bytes each)

_NESTED_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".ods", ".odt", ".jar", ".gz", ".7z",
                    ".rar", ".tar", ".bz2", ".xz")
_FIX_STRAY = ("Delete that cell (or select the rows below / the columns right of your data and use "
              "Delete > Delete Sheet Rows/Columns), save, and drop the file again.")
_EXPORT_AGAIN = "Export or download it again from the source system."


def require_defusedxml() -> None:
    """defusedxml is a hard dependency: without it openpyxl parses XML entity bombs."""
    try:
        import defusedxml
        import defusedxml.ElementTree  # noqa: F401
    except Exception:  # ImportError, or a broken install
        raise InstallationError("the defusedxml package is missing or broken, and kpireport will not read XML "
                                "without it.", "Reinstall kpireport (pip install --force-reinstall kpireport) "
                                "or run: pip install defusedxml") from None


@dataclass
class SheetFacts:
    """What the scan measured for one worksheet: the used range of cells holding a value."""

    name: str
    part: str
    max_row: int = 0          # 1-based; 0 = no value
    max_col: int = 0
    rows_with_data: int = 0   # approximate for the vectorised scan (counts rows with any cell)
    cells: int = 0
    far_row_cell: str = ""    # A1 reference of the value that sets max_row
    far_col_cell: str = ""    # ... and max_col
    exact: bool = True
    extras: object = None     # xlsxpkg.SheetExtras (hidden rows, error cells, merges) when the scan saw every byte

    @property
    def extent(self) -> int:
        return self.max_row * self.max_col


@dataclass
class Facts:
    """The guard's verdict on one file."""

    path: Path
    kind: str
    size: int
    inflated: int = 0
    sheets: list[SheetFacts] = field(default_factory=list)
    proven: bool = False        # every allocation the reader makes is bounded by what was measured
    long_text: bool = False     # some text run may exceed MAX_TEXT_CHARS: check cells after reading
    partial: bool = False       # a part too big for the exact scan was only size-checked
    shared_na_like: bool | None = None  # xl/sharedStrings.xml holds "NA"-like texts (None: not scanned)
    unchecked: list[str] = field(default_factory=list)  # sheets whose part the cell scan never saw

    @property
    def extent(self) -> int:
        return sum(s.extent for s in self.sheets)

    def largest_sheet(self) -> SheetFacts | None:
        return max(self.sheets, key=lambda s: s.extent, default=None)


def check(path: Path, kind: str | None = None) -> Facts:
    """Sniff `path` and prove it safe and affordable to read, or raise a categorised error."""
    require_defusedxml()
    path = Path(path)
    kind = kind or sniff(path)
    size = path.stat().st_size
    facts = Facts(path, kind, size)
    if size > MAX_FILE_BYTES:
        raise TooLargeError(f"{path.name}: the file is {_mb(size)}; kpireport reads files up to {_mb(MAX_FILE_BYTES)}.",
                            "Export a shorter period or fewer columns.")
    if kind == "csv":
        if size > MAX_CSV_BYTES:
            raise TooLargeError(f"{path.name}: the CSV file is {_mb(size)}; kpireport reads CSV files up to "
                                f"{_mb(MAX_CSV_BYTES)}.", "Export a shorter period, or save it as .xlsx.")
        facts.long_text = size > MAX_TEXT_CHARS
        facts.proven = True
        return facts
    if kind == "xls":
        if size > MAX_XLS_BYTES:
            raise TooLargeError(f"{path.name}: the .xls file is {_mb(size)}; kpireport reads .xls files up to "
                                f"{_mb(MAX_XLS_BYTES)}.", "Save it as .xlsx in Excel and drop the new copy.")
        facts.long_text = True
        return facts  # not proven: BIFF records are bounded by the isolated reader only
    _ZipGuard(path, kind, facts).run()
    # Proven means measured, not "nothing found": a workbook whose sheets the scan did not see
    # (or with none) is read in the isolated child, under its limits.
    facts.proven = bool(facts.sheets) and not facts.unchecked and not facts.partial and \
        all(s.exact for s in facts.sheets)
    return facts


def check_text_lengths(sheets: list, facts: Facts | None = None) -> None:
    """Refuse any cell whose text exceeds Excel's limit (only scans when the guard flagged it)."""
    if facts is not None and not facts.long_text:
        return
    for sheet in sheets:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if type(value) is str and len(value) > MAX_TEXT_CHARS:
                    _too_long(sheet, r, c, len(value))
        body = getattr(sheet, "body", None)
        for c, col in (body.columns.items() if body is not None else ()):
            texts = col.categories.to_numpy(dtype=object) if hasattr(col, "categories") else col
            if hasattr(col, "categories") and max(map(len, texts), default=0) <= MAX_TEXT_CHARS:
                continue  # all texts (a million IDs): one pass in C, no per-value isinstance
            for value in texts:
                if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
                    k = int(_numpy().flatnonzero(_numpy().asarray(col == value))[0])
                    _too_long(sheet, body.start + k, c, len(value))


def _too_long(sheet, r: int, c: int, n: int) -> None:
    raise TooLargeError(
        f"{sheet.file} / {sheet.sheet} / {cell_ref(r + 1, c + 1)}: the cell holds {n:,} "
        f"characters, more than Excel's limit of {MAX_TEXT_CHARS:,}.",
        "Shorten that text (or delete the column if the report does not need it) and drop the file again.")


# --- zip containers -------------------------------------------------------------------------


class _ZipGuard:
    def __init__(self, path: Path, kind: str, facts: Facts) -> None:
        self.path, self.kind, self.facts = path, kind, facts
        self.name = path.name
        self.budget = MAX_TOTAL_UNCOMPRESSED
        self.scanned: set[str] = set()  # lower-case names of the parts that got the cell scan
        self.sheet_infos: list = []      # (zip member, sheet name) of each scanned worksheet
        self.shared_lengths: sharedtext.Lengths | None = None

    def run(self) -> None:
        self._check_end_record()
        try:
            with zipfile.ZipFile(self.path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN) from None
        self._check_directory(infos)
        try:
            self._scan_members(infos)
        except (OSError, EOFError, struct.error, zlib.error, ValueError, OverflowError, zipfile.BadZipFile):
            # offsets or headers pointing nowhere: the reader would fail on it too
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN) from None
        for sheet in self.facts.sheets:
            self._judge(sheet)
        self._check_amplification()

    def _scan_members(self, infos: list) -> None:
        """Every part a reader may parse, found through the package's own maps (partmap.py), never
        by its name alone: worksheets get the cell scan, shared strings theirs, any other XML
        the generic checks (DOCTYPE, UTF-16, inflated size)."""
        parts = self._part_map(infos) if self.kind == "xlsx" else None
        with open(self.path, "rb") as fh:
            for info in infos:
                if info.filename.endswith("/"):
                    continue
                head = self._head(fh, info)
                if parts is not None and parts.is_sheet(info.filename, head if partmap.looks_like_xml(head) else b""):
                    label = parts.sheets.get(info.filename.lower(), _part_label(info.filename))
                    sheet = SheetFacts(label, info.filename)
                    self._scan_sheet(fh, info, sheet)
                    self.facts.sheets.append(sheet)
                    self.sheet_infos.append((info, sheet.name))
                    self.scanned.add(info.filename.lower())
                elif parts is not None and parts.is_shared(info.filename):
                    self._scan_shared_strings(fh, info)
                elif self.kind == "ods" and info.filename == "content.xml":
                    self._scan_ods(fh, info)
                    self.scanned.add("content.xml")
                elif (parts.is_xml(info.filename, head) if parts is not None
                      else info.filename.lower().endswith((".xml", ".rdf")) or partmap.looks_like_xml(head)):
                    self._scan_plain(fh, info)
        if parts is not None:
            self.facts.unchecked = [e.name for e in parts.entries if not (e.candidates & self.scanned)]
            if not parts.entries:  # no sheet listed: nothing was measured for what a reader may open
                self.facts.unchecked = [partmap.WORKBOOK]
        elif self.kind == "ods" and "content.xml" not in self.scanned:
            self.facts.unchecked = ["content.xml"]

    def _seek_data(self, fh, info) -> None:
        """Put `fh` at the first compressed byte of a member, through its local header (a damaged
        offset or header is a corrupt file, not a reader crash)."""
        if info.header_offset < 0 or info.header_offset >= self.facts.size:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged.", _EXPORT_AGAIN)
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged.", _EXPORT_AGAIN)
        name_len, extra_len = struct.unpack_from("<HH", local, 26)
        fh.seek(info.header_offset + 30 + name_len + extra_len)

    def _head(self, fh, info, n: int = 4096) -> bytes:
        """The first `n` inflated bytes of a member (to tell XML and worksheets by content)."""
        if not info.file_size:
            return b""
        self._seek_data(fh, info)
        raw = fh.read(min(info.compress_size, 65_536))
        if info.compress_type != 8:
            return raw[:n]
        return zlib.decompressobj(-15).decompress(raw, n)

    def _part_map(self, infos: list) -> partmap.PartMap:
        """[Content_Types].xml, xl/workbook.xml and its relationships, read through the generic
        checks (a DOCTYPE in any of them is refused), bounded in size."""
        by_lower = {i.filename.lower(): i for i in infos}
        texts = []
        with open(self.path, "rb") as fh:
            for lower in (partmap.CONTENT_TYPES, partmap.WORKBOOK, partmap.WORKBOOK_RELS):
                info = by_lower.get(lower)
                if info is None:
                    texts.append(b"")
                    continue
                if info.file_size > MAX_WORKBOOK_PART_BYTES:
                    raise TooLargeError(f"{self.name}: {info.filename} is {_mb(info.file_size)}; a workbook's is a "
                                        "few kilobytes.", "Save it again from Excel.")
                texts.append(b"".join(self._chunks(fh, info)))
        self.budget = MAX_TOTAL_UNCOMPRESSED  # these parts are scanned again with the rest
        self.facts.inflated = 0
        return partmap.build(*texts)

    # -- the zip directory, from declarations only

    def _check_end_record(self) -> None:
        """Count entries from the end-of-central-directory record before zipfile builds them."""
        size = self.facts.size
        with open(self.path, "rb") as fh:
            fh.seek(max(0, size - 65_557))
            tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN)
        _, _, _, entries, cd_size, _ = struct.unpack_from("<HHHHII", tail, at + 4)
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:  # zip64: sizes are in the zip64 record; zipfile reads it
            loc = tail.rfind(b"PK\x06\x06")
            if loc >= 0 and loc + 56 <= len(tail):
                entries, cd_size = struct.unpack_from("<QQ", tail, loc + 32)
        if entries > MAX_ZIP_MEMBERS:
            raise UnsafeContentError(f"{self.name}: the file holds {entries:,} parts; a workbook has a few dozen "
                                     f"(kpireport reads up to {MAX_ZIP_MEMBERS:,}).", "Save it again from Excel.")
        if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
            raise UnsafeContentError(f"{self.name}: the file's directory is {_mb(cd_size)}, far beyond any workbook's.",
                                     "Save it again from Excel.")

    def _check_directory(self, infos: list) -> None:
        if len(infos) > MAX_ZIP_MEMBERS:
            raise UnsafeContentError(f"{self.name}: the file holds {len(infos):,} parts (kpireport reads up to "
                                     f"{MAX_ZIP_MEMBERS:,}).", "Save it again from Excel.")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedFileError(f"{self.name}: the file is a password-protected zip archive.",
                                         "Unpack it with its password and drop the workbook inside.")
            if info.compress_type not in (0, 8) and info.file_size:
                raise UnsupportedFormatError(f"{self.name}: part {info.filename} uses a compression method (#"
                                             f"{info.compress_type}) that Excel never writes.",
                                             "Open it in Excel or LibreOffice, save it as .xlsx and drop the new copy.")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_BYTES and ratio > MAX_MEMBER_RATIO:
                raise UnsafeContentError(
                    f"{self.name}: part {info.filename} declares {_mb(info.file_size)} packed into "
                    f"{_mb(info.compress_size)} ({ratio:,.0f}x); that is a zip bomb, not a workbook.",
                    "Do not open it; ask the sender for the original export.")
            lower = info.filename.lower()
            if lower.endswith(_NESTED_ARCHIVES) and not lower.startswith(("xl/embeddings/", "object")):
                raise UnsafeContentError(f"{self.name}: the file holds another archive ({info.filename}); workbooks "
                                         "saved by Excel or LibreOffice do not.", "Save it again from Excel.")
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise TooLargeError(f"{self.name}: the workbook unpacks to {_mb(total)}; kpireport reads workbooks up to "
                                f"{_mb(MAX_TOTAL_UNCOMPRESSED)} unpacked.", "Export a shorter period or fewer columns.")

    # -- inflating, bounded and checked

    def _inflate(self, fh, info):
        """Yield the member's bytes in chunks: never more than it declares, length and CRC checked.

        A member that inflates beyond its declared size is either damaged (a flipped bit makes
        deflate produce other output) or declared small on purpose: the rest of it is inflated,
        without keeping it, up to OVERRUN_CHECK_BYTES more, and its CRC decides: damaged (exit 5)
        when the stream breaks or the CRC differs, built to mislead (exit 12) when it matches."""
        self._seek_data(fh, info)
        left, out, crc = info.compress_size, 0, 0
        dec = zlib.decompressobj(-15) if info.compress_type == 8 else None
        limit = info.file_size
        try:
            while True:
                if dec is not None and dec.unconsumed_tail:
                    data = dec.decompress(dec.unconsumed_tail, CHUNK)
                elif left > 0:
                    raw = fh.read(min(left, CHUNK // 4 if dec is not None else CHUNK))
                    if not raw:
                        raise CorruptFileError(f"{self.name}: the workbook was cut short (part {info.filename}).",
                                               _EXPORT_AGAIN)
                    left -= len(raw)
                    data = dec.decompress(raw, CHUNK) if dec is not None else raw
                elif dec is not None and not dec.eof:
                    data = dec.decompress(b"", CHUNK)  # drain output zlib still holds
                    if not data:
                        break
                else:
                    break
                if not data:
                    if dec is not None and dec.eof:
                        break
                    continue
                out += len(data)
                crc = zlib.crc32(data, crc)
                if out > limit:
                    self._overrun(fh, info, dec, left, crc)
                self.budget -= len(data)
                if self.budget < 0:
                    raise TooLargeError(f"{self.name}: the workbook unpacks to more than "
                                        f"{_mb(MAX_TOTAL_UNCOMPRESSED)}.", "Export a shorter period or fewer columns.")
                yield data
        except zlib.error:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged.", _EXPORT_AGAIN) from None
        if (dec is not None and not dec.eof and info.file_size) or out != info.file_size:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged or was cut short.", _EXPORT_AGAIN)
        if crc != info.CRC:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged (its checksum does not match).",
                                   _EXPORT_AGAIN)
        self.facts.inflated += out

    def _overrun(self, fh, info, dec, left: int, crc: int) -> None:
        """The member inflates past its declared size: damaged, or built to mislead (see _inflate)."""
        extra = 0
        damaged = CorruptFileError(f"{self.name}: part {info.filename} is damaged (it unpacks to more than it "
                                   "declares and its checksum does not match).", _EXPORT_AGAIN)
        try:
            while extra <= OVERRUN_CHECK_BYTES:
                if dec is not None and dec.unconsumed_tail:
                    data = dec.decompress(dec.unconsumed_tail, CHUNK)
                elif left > 0:
                    raw = fh.read(min(left, CHUNK // 4))
                    if not raw:
                        raise damaged
                    left -= len(raw)
                    data = dec.decompress(raw, CHUNK) if dec is not None else raw
                elif dec is not None and not dec.eof:
                    data = dec.decompress(b"", CHUNK)
                    if not data:
                        raise damaged
                else:
                    break
                extra += len(data)
                crc = zlib.crc32(data, crc)
        except zlib.error:
            raise damaged from None
        if extra <= OVERRUN_CHECK_BYTES and crc != info.CRC:
            raise damaged
        raise UnsafeContentError(f"{self.name}: part {info.filename} unpacks to more than the {info.file_size:,} "
                                 "bytes it declares, intact (its checksum matches); the file is built to mislead "
                                 "readers.", "Do not open it; ask the sender for the original export.")

    def _chunks(self, fh, info, generic: bool = True):
        """Chunks cut at the last '<' (so no tag straddles two), after the generic XML checks."""
        carry = b""
        first = True
        for data in self._inflate(fh, info):
            if first:
                first = False
                if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00", b"\x00\x00\xfe\xff")):
                    raise UnsupportedFormatError(f"{self.name}: part {info.filename} is stored as UTF-16 XML, which "
                                                 "kpireport does not read.",
                                                 "Open it in Excel, save it as .xlsx and drop the new copy.")
            buf = carry + data if carry else data
            cut = buf.rfind(b"<")
            if cut == -1:  # text only (a carry always starts with '<', so none is pending)
                cut = len(buf)
            elif cut == 0:
                if b">" in buf:  # one complete tag then text only: nothing straddles
                    cut = len(buf)
                elif len(buf) > MAX_TAG_BYTES:
                    raise UnsafeContentError(f"{self.name}: part {info.filename} holds an XML tag over "
                                             f"{_mb(MAX_TAG_BYTES)} long.", "Save the file again from Excel.")
                else:
                    carry = buf
                    continue
            piece, carry = buf[:cut], buf[cut:]
            if generic:
                self._generic(piece, info)
            yield piece
        if carry:
            if generic:
                self._generic(carry, info)
            yield carry

    def _generic(self, piece: bytes, info) -> None:
        at = piece.find(b"<!")
        while at >= 0:
            if _declaration(piece, at):
                self._refuse_doctype(info)
            at = piece.find(b"<!", at + 2)

    def _refuse_doctype(self, info) -> None:
        raise UnsafeContentError(f"{self.name}: part {info.filename} declares a DOCTYPE or XML entities, which "
                                 "workbooks never need (an entity-expansion or external-entity attack).",
                                 "Do not open it; ask the sender for the original export.")

    def _scan_plain(self, fh, info) -> None:
        for _ in self._chunks(fh, info):
            pass

    # -- worksheets

    def _scan_sheet(self, fh, info, sheet: SheetFacts) -> None:
        from .xlsxpkg import ExtrasScan

        scan = _CellScan()
        extras = ExtrasScan()  # what the reader needs besides values, from the same inflated bytes
        for piece in self._chunks(fh, info, generic=False):
            scan.feed(piece)
            if scan.declaration:
                self._refuse_doctype(info)
            if scan.long_text:
                self.facts.long_text = True
            if not scan.canonical:
                break
            extras.feed(piece)
        if scan.canonical:
            scan.finish(sheet)
            sheet.extras = extras.result()
            return
        if info.file_size > EXACT_SCAN_MAX_BYTES:  # bound the guard's own time: the child's limits apply
            sheet.exact = False
            self._scan_plain(fh, info)
            return
        # Unusual XML (prefixes, cells without r, odd attribute order): one exact expat pass.
        _ExactSheetScan(self, fh, info, sheet).run()

    def _judge(self, sheet: SheetFacts) -> None:
        where = f"{self.name} / {sheet.name}"
        # Far right of the data, in a mostly empty range: a stray cell. A sheet that really is wide
        # (16,384 headers over a few dozen rows) fills its range and is only held to MAX_SHEET_CELLS.
        if sheet.max_col > MAX_COLUMNS and sheet.cells * SPARSE_FACTOR < sheet.extent:
            raise UnsafeContentError(
                f"{where}: cell {sheet.far_col_cell} in column {sheet.max_col:,} is in use (a value, a formula or "
                f"even an empty text), far right of the rest of the sheet; readers would allocate "
                f"{sheet.extent:,} cells for it.", _FIX_STRAY)
        empty_rows = sheet.max_row - sheet.rows_with_data
        if empty_rows > STRAY_MIN_EMPTY_ROWS and sheet.max_row > 2 * sheet.rows_with_data:
            raise UnsafeContentError(
                f"{where}: cell {sheet.far_row_cell} on row {sheet.max_row:,} is in use, but only "
                f"{sheet.rows_with_data:,} rows hold data; readers would allocate {sheet.extent:,} cells for it.",
                _FIX_STRAY)
        if sheet.extent > MAX_SHEET_CELLS:
            raise TooLargeError(
                f"{where}: the sheet spans A1:{cell_ref(sheet.max_row, sheet.max_col)} ({sheet.extent:,} cells); "
                f"kpireport reads up to {MAX_SHEET_CELLS:,} cells per sheet.",
                "Export a shorter period or fewer columns, or split it over several sheets.")

    # -- shared strings

    def _scan_shared_strings(self, fh, info) -> None:
        from .xlsxpkg import NA_LIKE_SHARED

        declared, count = 0, 0
        lt_scan = _CellScan(cells=False)
        lengths = self.shared_lengths = sharedtext.Lengths()
        na_like = False
        tail = b""  # pieces are cut before a '<': "<t>NA" may end one and "</t>" start the next
        for i, piece in enumerate(self._chunks(fh, info, generic=False)):
            na_like = na_like or bool(NA_LIKE_SHARED.search(tail + piece))
            tail = piece[-64:]
            if i == 0:
                m = re.search(rb"<(?:\w+:)?sst\b[^>]*>", piece[:65536])
                if m:
                    u = re.search(rb'\buniqueCount\s*=\s*["\']\s*(\d{1,20})', m.group(0))
                    declared = int(u.group(1)) if u else 0
            count += piece.count(b"<si>") + piece.count(b"<si ") + piece.count(b":si>") + piece.count(b":si ") + \
                piece.count(b"<si/>") + piece.count(b":si/>")
            lt_scan.feed(piece)
            lengths.feed(piece)
            if lt_scan.declaration:
                self._refuse_doctype(info)
            if lt_scan.long_text:
                self.facts.long_text = True
        lengths.finish()
        self.facts.shared_na_like = na_like
        if declared > 2 * count + SHARED_STRINGS_SLACK:
            raise UnsafeContentError(f"{self.name}: the shared-string table declares {declared:,} strings but holds "
                                     f"{count:,}; readers would reserve memory for all of them.",
                                     "Save the file again from Excel.")

    def _check_amplification(self) -> None:
        """Refuse cells that copy too much text out of long shared strings (sharedtext.py), from a
        second pass over the sheets that runs only when the table holds long strings."""
        lengths = self.shared_lengths
        if lengths is None or not lengths.long:
            return
        refs = sharedtext.References(lengths.long)
        budget, inflated = self.budget, self.facts.inflated
        try:
            with open(self.path, "rb") as fh:
                for info, name in self.sheet_infos:
                    for piece in self._chunks(fh, info, generic=False):
                        refs.feed(piece, name)
                        if refs.over():
                            break
                    if refs.over():
                        break
        except (OSError, EOFError, struct.error, zlib.error, ValueError):
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", _EXPORT_AGAIN) from None
        finally:
            self.budget, self.facts.inflated = budget, inflated
        if refs.over():
            where = f"{self.name} / {refs.sheet} / {refs.first}" if refs.first else self.name
            raise TooLargeError(
                f"{where}: this cell and at least {refs.cells - 1:,} more repeat long shared texts "
                f"({max(lengths.long.values()):,} characters at most) for over "
                f"{sharedtext.MAX_SHARED_TEXT_CHARS // 1_000_000:,} million characters in all; a reader would copy "
                "the text into every cell.",
                "Delete the repeated long texts (or shorten them) and drop the file again.")

    # -- OpenDocument

    def _scan_ods(self, fh, info) -> None:
        if info.file_size > EXACT_SCAN_MAX_BYTES:  # bound the guard's own time: the child's limits apply
            self.facts.partial = True
            self._scan_plain(fh, info)
            return
        scan = _OdsScan(self.name)
        parser = _expat(scan)
        try:
            for piece in self._chunks(fh, info):
                parser.Parse(piece, False)
                if len(piece) and _max_gap(piece) > MAX_TEXT_CHARS:
                    self.facts.long_text = True
            parser.Parse(b"", True)
        except _Refuse as exc:
            raise exc.error from None
        except Exception:  # pyexpat.ExpatError and friends: the XML is malformed
            raise CorruptFileError(f"{self.name}: content.xml is damaged.", _EXPORT_AGAIN) from None
        self.facts.sheets.extend(scan.sheets)


class _Refuse(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _expat(handler):
    import pyexpat

    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_args):
        raise _Refuse(UnsafeContentError(f"{handler.file}: the XML declares a DOCTYPE or entities.",
                                         "Do not open it; ask the sender for the original export."))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    return parser


class _OdsScan:
    """Extent of each top-level table of an ODS content.xml, repeats expanded arithmetically."""

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "

    def __init__(self, file: str) -> None:
        self.file = file
        self.sheets: list[SheetFacts] = []
        self.sheet: SheetFacts | None = None
        self.depth = 0          # nesting of table:table
        self.row = 0            # 0-based index of the current row's first repeat
        self.row_rep = 1
        self.col = 0
        self.row_valued = False
        self.row_last_col = 0
        self.repeated = 0
        self.cell: tuple[int, int, bool] | None = None  # (col, repeat, valued)

    def start(self, name: str, attrs: dict) -> None:
        t = self.TABLE
        if name == t + "table":
            self.depth += 1
            if self.depth == 1:
                self.sheet = SheetFacts(attrs.get(t + "name", f"Sheet{len(self.sheets) + 1}"), "content.xml")
                self.row = 0
                self.repeated = 0
            return
        if self.depth != 1 or self.sheet is None:
            return
        if name == t + "table-row":
            self.row_rep = _repeat(attrs.get(t + "number-rows-repeated"))
            self.col = 0
            self.row_valued = False
            self.row_last_col = 0
        elif name in (t + "table-cell", t + "covered-table-cell"):
            valued = (self.OFFICE + "value-type") in attrs
            self.cell = (self.col, _repeat(attrs.get(t + "number-columns-repeated")), valued)
        elif self.cell is not None and not self.cell[2] and name.endswith((" p", " span", " a", " s")):
            self.cell = (self.cell[0], self.cell[1], True)

    def text(self, data: str) -> None:
        if self.cell is not None and not self.cell[2] and data.strip():
            self.cell = (self.cell[0], self.cell[1], True)

    def end(self, name: str) -> None:
        t = self.TABLE
        if name == t + "table":
            if self.depth == 1 and self.sheet is not None:
                self.sheets.append(self.sheet)
                self.sheet = None
            self.depth -= 1
            return
        if self.depth != 1 or self.sheet is None:
            return
        s = self.sheet
        if name in (t + "table-cell", t + "covered-table-cell") and self.cell is not None:
            col, rep, valued = self.cell
            self.cell = None
            self.col = col + rep
            if valued:
                self.row_valued = True
                last_col = col + rep
                self.row_last_col = last_col
                if last_col > s.max_col:
                    s.max_col = last_col
                    s.far_col_cell = cell_ref(self.row + 1, last_col)
                s.cells += rep * self.row_rep
                self.repeated += rep * self.row_rep - 1
                if self.repeated > MAX_ODS_REPEATED_CELLS:
                    raise _Refuse(UnsafeContentError(
                        f"{self.file} / {s.name}: cell {cell_ref(self.row + 1, col + 1)} is repeated to fill "
                        f"{rep * self.row_rep:,} cells; with the repeats before it the sheet conjures over "
                        f"{MAX_ODS_REPEATED_CELLS:,} values from a few bytes.",
                        "Open it in LibreOffice, delete the repeated rows or columns, save, and drop it again."))
                if s.cells > 4 * MAX_SHEET_CELLS or last_col > 100 * MAX_COLUMNS:
                    self._refuse_now(s)
        elif name == t + "table-row":
            if self.row_valued:
                last_row = self.row + self.row_rep
                s.rows_with_data += self.row_rep
                if last_row > s.max_row:
                    s.max_row = last_row
                    s.far_row_cell = cell_ref(last_row, max(self.row_last_col, 1))
                if s.rows_with_data > 4 * MAX_SHEET_CELLS:
                    self._refuse_now(s)
            self.row += self.row_rep

    def _refuse_now(self, s: SheetFacts) -> None:
        raise _Refuse(TooLargeError(f"{self.file} / {s.name}: the sheet repeats cells over more than "
                                    f"{MAX_SHEET_CELLS:,} cells.", "Export a shorter period or fewer columns."))


def _repeat(value: str | None) -> int:
    if not value:
        return 1
    try:
        n = int(value)
    except ValueError:
        return 1
    return max(1, min(n, 1 << 40))


# --- the vectorised cell scan ----------------------------------------------------------------

_np = None
_TABLES: dict[str, object] = {}


def _numpy():
    global _np
    if _np is None:
        import numpy as np

        is_letter = np.zeros(256, bool)
        is_digit = np.zeros(256, bool)
        letter_value = np.zeros(256, np.int32)
        digit_value = np.zeros(256, np.int64)
        delim = np.zeros(256, bool)
        for i in range(26):
            is_letter[65 + i] = is_letter[97 + i] = True
            letter_value[65 + i] = letter_value[97 + i] = i + 1
        is_digit[48:58] = True
        digit_value[48:58] = np.arange(10)
        for ch in b" \t\r\n/>":
            delim[ch] = True
        global _DIGIT_OFFSETS, _POWERS
        _DIGIT_OFFSETS = np.arange(8)
        # _POWERS[k][j] = place value of digit j in a k-digit number (0 beyond the number)
        _POWERS = np.array([[10 ** (k - 1 - j) if j < k else 0 for j in range(7)] for k in range(9)], np.int32)
        _TABLES.update(is_letter=is_letter, is_digit=is_digit, letter_value=letter_value, digit_value=digit_value,
                       delim=delim)
        _np = np
    return _np


_PAD = b"\0" * 32
_DIGIT_OFFSETS = None
_POWERS = None


def _max_gap(piece: bytes) -> int:
    """Longest run of bytes between two '<' (an upper bound on any text node's length)."""
    np = _numpy()
    a = np.frombuffer(piece, np.uint8)
    lt = np.flatnonzero(a == 60)
    if lt.size == 0:
        return len(piece)
    return int(max(lt[0], len(piece) - lt[-1], int(np.diff(lt).max(initial=0))))


class _CellScan:
    """Max row / column of every `<c r="A1" ...>` in a sheet, in vectorised passes per chunk.

    Canonical XML only (unprefixed `<c r="...">`, r first, plain letters and digits); anything
    else clears `canonical` and the caller rescans exactly. A self-closing `<c .../>` holds no
    value and does not count towards the extent (calamine ignores it); cells with children count.
    """

    def __init__(self, cells: bool = True) -> None:
        self.cells_wanted = cells
        self.canonical = True
        self.long_text = False
        self.declaration = False
        self.max_row = 0
        self.max_col = 0
        self.far_row = (0, 0)
        self.far_col = (0, 0)
        self.cells = 0
        self.rows = 0
        self._last_row = -1

    def feed(self, piece: bytes) -> None:
        np = _numpy()
        t = _TABLES
        n = len(piece)
        a = np.frombuffer(piece + _PAD, np.uint8)
        lt = np.flatnonzero(a[:n] == 60)
        if lt.size:
            gap = max(int(lt[0]), n - int(lt[-1]), int(np.diff(lt).max(initial=0)))
            if gap > MAX_TEXT_CHARS:
                self.long_text = True
        elif n > MAX_TEXT_CHARS:
            self.long_text = True
        if lt.size == 0:
            return
        b1 = a[lt + 1]
        bangs = lt[b1 == 33]  # '<!': comments ('<!-') and CDATA ('<![') are fine, '<!DOCTYPE', '<!ENTITY' are not
        if bangs.size and bool(t["is_letter"][a[bangs + 2]].any()):
            self.declaration = True
            return
        if not self.cells_wanted:
            return
        starts = lt[b1 == 99]
        starts = starts[t["delim"][a[starts + 2]]]
        colon = np.flatnonzero(a[:n] == 58)
        if colon.size and bool(((a[colon + 1] == 99) & t["delim"][a[colon + 2]]).any()):
            self.canonical = False  # a prefixed <x:c> or <x:row>: let expat resolve the names
            return
        if starts.size == 0:
            return
        ok = (a[starts + 2] == 32) & (a[starts + 3] == 114) & (a[starts + 4] == 61) & (a[starts + 5] == 34)
        if not bool(ok.all()):
            self.canonical = False
            return
        isl, isd = t["is_letter"], t["is_digit"]
        lv = t["letter_value"]
        c0, c1, c2, c3 = a[starts + 6], a[starts + 7], a[starts + 8], a[starts + 9]
        l1 = isl[c1]
        l12 = l1 & isl[c2]
        if not bool(isl[c0].all()) or bool((l12 & isl[c3]).any()):
            self.canonical = False
            return
        col = np.where(l12, lv[c0] * 676 + lv[c1] * 26 + lv[c2], np.where(l1, lv[c0] * 26 + lv[c1], lv[c0]))
        p = starts + 7 + l1 + l12
        window = a[p[:, None] + _DIGIT_OFFSETS]          # the 8 bytes after the letters
        isdig = isd[window]
        ndig = np.argmin(isdig, axis=1)                   # leading digits (8 = all eight: too many)
        if not bool(isdig[:, 0].all()) or bool((ndig == 0).any()) or \
                not bool((window[np.arange(ndig.size), ndig] == 34).all()):
            self.canonical = False
            return
        digits = window[:, :7].astype(np.int32) - 48      # bytes past the number get place value 0
        row = np.einsum("ij,ij->i", digits, _POWERS[ndig])  # right-aligned place values per length
        self.cells += int(starts.size)
        if row.size > 1:
            self.rows += int(np.count_nonzero(np.diff(row))) + (1 if int(row[0]) != self._last_row else 0)
        else:
            self.rows += 1 if int(row[0]) != self._last_row else 0
        self._last_row = int(row[-1])
        self._update(piece, starts, row, col)

    def _update(self, piece: bytes, starts, row, col) -> None:
        """Raise max_row / max_col to the largest *valued* cells of this chunk."""
        for key, attr in ((row, "max_row"), (col, "max_col")):
            best = self._largest_valued(piece, starts, key, getattr(self, attr))
            if best is None:
                continue
            r, c = int(row[best]), int(col[best])
            if attr == "max_row":
                self.max_row, self.far_row = r, (r, c)
            else:
                self.max_col, self.far_col = c, (r, c)

    @staticmethod
    def _largest_valued(piece: bytes, starts, key, floor: int):
        """Index of the valued cell with the largest `key` above `floor`, or None."""
        np = _np
        work = None
        for _ in range(64):
            k = key if work is None else work
            i = int(np.argmax(k))
            if int(k[i]) <= floor:
                return None
            if _valued(piece, int(starts[i])):
                return i
            if work is None:
                work = key.copy()
            work[i] = 0
        # many self-closing (empty, styled) cells beyond the data: find every tag's end at once
        a = np.frombuffer(piece, np.uint8)
        gt = np.flatnonzero(a == 62)
        if gt.size == 0:
            return None
        ends = gt[np.minimum(np.searchsorted(gt, starts), gt.size - 1)]
        valued = a[np.maximum(ends - 1, 0)] != 47
        masked = np.where(valued, key, 0)
        i = int(np.argmax(masked))
        return i if int(masked[i]) > floor else None

    def finish(self, sheet: SheetFacts) -> None:
        sheet.max_row, sheet.max_col = self.max_row, self.max_col
        sheet.rows_with_data = self.rows
        sheet.cells = self.cells
        sheet.far_row_cell = cell_ref(*self.far_row) if self.far_row[0] else ""
        sheet.far_col_cell = cell_ref(*self.far_col) if self.far_col[0] else ""


def _declaration(piece: bytes, at: int) -> bool:
    """Whether the '<!' at `at` starts a DOCTYPE/ENTITY/ELEMENT/ATTLIST/NOTATION declaration."""
    return not piece.startswith((b"<!--", b"<![CDATA["), at) and piece[at + 2:at + 3].isalpha()


def _valued(piece: bytes, start: int) -> bool:
    end = piece.find(b">", start)
    return end > 0 and piece[end - 1:end] != b"/"


class _ExactSheetScan:
    """A worksheet's valued extent from a full expat parse: slow (~1 us per element), exact."""

    _REF = re.compile(r"^\s*([A-Za-z]{1,4})([0-9]{1,8})\s*$")

    def __init__(self, guard: _ZipGuard, fh, info, sheet: SheetFacts) -> None:
        self.guard, self.fh, self.info, self.sheet = guard, fh, info, sheet
        self.file = guard.name
        self.row = 0
        self.col = 0
        self.cell: list | None = None   # [row, col, valued]
        self.in_v = False
        self.rows: set[int] = set()

    def run(self) -> None:
        parser = _expat(self)
        budget_before = self.guard.budget
        inflated_before = self.guard.facts.inflated
        chunks = self.guard._chunks(self.fh, self.info)
        try:
            for piece in chunks:
                parser.Parse(piece, False)
            parser.Parse(b"", True)
        except _Refuse as exc:
            raise exc.error from None
        except (CorruptFileError, UnsafeContentError, TooLargeError, UnsupportedFormatError):
            raise
        except Exception:  # malformed XML: calamine may read it anyway; leave the sheet unproven
            self.sheet.exact = False
            for _ in chunks:  # ... but inflate the rest: a damaged member (its CRC) is still caught here
                pass
        self.guard.budget = budget_before  # the second pass re-reads the same bytes
        self.guard.facts.inflated = inflated_before
        self.sheet.rows_with_data = len(self.rows)

    def start(self, name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.strip().isdigit() and len(r.strip()) <= 8 else self.row + 1
            self.col = 0
        elif local == "c":
            ref = attrs.get("r")
            m = self._REF.match(ref) if ref else None
            if m:
                col = 0
                for ch in m.group(1).upper():
                    col = col * 26 + ord(ch) - 64
                row = int(m.group(2))
            else:
                row, col = max(self.row, 1), self.col + 1
            self.col = col
            self.cell = [row, col, False]
        elif self.cell is not None and local == "is":
            self.cell[2] = True
        elif self.cell is not None and local == "v":
            self.in_v = True

    def text(self, data: str) -> None:
        if self.in_v and self.cell is not None and data:
            self.cell[2] = True

    def end(self, name: str) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "v":
            self.in_v = False
        elif local == "c" and self.cell is not None:
            row, col, valued = self.cell
            self.cell = None
            if not valued:
                return
            s = self.sheet
            s.cells += 1
            if len(self.rows) <= 1_100_000:  # Excel's 1,048,576 rows fit; a hostile file cannot grow it
                self.rows.add(row)
            if row > s.max_row:
                s.max_row, s.far_row_cell = row, cell_ref(row, col)
            if col > s.max_col:
                s.max_col, s.far_col_cell = col, cell_ref(row, col)


# --- helpers ----------------------------------------------------------------------------------


def cell_ref(row: int, col: int) -> str:
    """1-based (row, col) -> 'A1' notation."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters or 'A'}{row}"


def _part_label(name: str) -> str:
    return name.rsplit("/", 1)[-1].removesuffix(".xml")


def _mb(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB"
    return f"{n / (1 << 20):,.0f} MiB" if n >= 1 << 20 else f"{n:,} bytes"
