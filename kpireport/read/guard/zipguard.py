"""The zip container (.xlsx, .xlsm, .ods): directory, members, every XML part inflated once.

The inflating is `read/deflate.py`'s, shared with the readers; here each member is also held to
its declared length, its CRC and the whole file's budget, so the readers after the guard stream
the same parts without checking them again.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from ...errors import CorruptFileError, TooLargeError, UnsafeContentError, UnsupportedFormatError
from .. import partmap, sharedtext
from ..deflate import DamagedMember, Inflater, TruncatedMember, seek_data
from ..xlsxpkg import NA_LIKE_SHARED, ExtrasScan
from . import limits
from .cellscan import CellScan, declaration, max_gap
from .directory import check_directory, check_end_record
from .facts import Facts, SheetFacts
from .limits import EXPORT_AGAIN, FIX_STRAY, cell_ref, mb, part_label
from .ods import OdsScan
from .xmlparse import ExactSheetScan, Refuse, expat


class ZipGuard:
    def __init__(self, path: Path, kind: str, facts: Facts) -> None:
        self.path, self.kind, self.facts = path, kind, facts
        self.name = path.name
        self.budget = limits.MAX_TOTAL_UNCOMPRESSED
        self.scanned: set[str] = set()  # lower-case names of the parts that got the cell scan
        self.sheet_infos: list = []      # (zip member, sheet name) of each scanned worksheet
        self.shared_lengths: sharedtext.Lengths | None = None

    def run(self) -> None:
        check_end_record(self.path, self.name, self.facts.size)
        try:
            with zipfile.ZipFile(self.path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", EXPORT_AGAIN) from None
        check_directory(self.name, infos)
        try:
            self._scan_members(infos)
        except (OSError, EOFError, struct.error, zlib.error, ValueError, OverflowError, zipfile.BadZipFile):
            # offsets or headers pointing nowhere: the reader would fail on it too
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", EXPORT_AGAIN) from None
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
                    label = parts.sheets.get(info.filename.lower(), part_label(info.filename))
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

    def _head(self, fh, info, n: int = 4096) -> bytes:
        """The first `n` inflated bytes of a member (to tell XML and worksheets by content)."""
        if not info.file_size:
            return b""
        try:
            seek_data(fh, info, self.facts.size)
        except DamagedMember:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged.", EXPORT_AGAIN) from None
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
                if info.file_size > limits.MAX_WORKBOOK_PART_BYTES:
                    raise TooLargeError(f"{self.name}: {info.filename} is {mb(info.file_size)}; a workbook's is a "
                                        "few kilobytes.", "Save it again from Excel.")
                texts.append(b"".join(self._chunks(fh, info)))
        self.budget = limits.MAX_TOTAL_UNCOMPRESSED  # these parts are scanned again with the rest
        self.facts.inflated = 0
        return partmap.build(*texts)

    # -- inflating, bounded and checked

    def _inflate(self, fh, info):
        """Yield the member's bytes in chunks: never more than it declares, length and CRC checked.

        A member that inflates beyond its declared size is either damaged (a flipped bit makes
        deflate produce other output) or declared small on purpose: the rest of it is inflated,
        without keeping it, up to OVERRUN_CHECK_BYTES more, and its CRC decides: damaged (exit 5)
        when the stream breaks or the CRC differs, built to mislead (exit 12) when it matches."""
        stream = Inflater(fh, info, limits.CHUNK, self.facts.size)
        pieces = iter(stream)
        out, crc, limit = 0, 0, info.file_size
        try:
            for data in pieces:
                out += len(data)
                crc = zlib.crc32(data, crc)
                if out > limit:
                    self._overrun(stream, pieces, info, crc)
                self.budget -= len(data)
                if self.budget < 0:
                    raise TooLargeError(f"{self.name}: the workbook unpacks to more than "
                                        f"{mb(limits.MAX_TOTAL_UNCOMPRESSED)}.",
                                        "Export a shorter period or fewer columns.")
                yield data
        except TruncatedMember:
            raise CorruptFileError(f"{self.name}: the workbook was cut short (part {info.filename}).",
                                   EXPORT_AGAIN) from None
        except (DamagedMember, zlib.error):
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged.", EXPORT_AGAIN) from None
        if (not stream.complete and info.file_size) or out != info.file_size:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged or was cut short.", EXPORT_AGAIN)
        if crc != info.CRC:
            raise CorruptFileError(f"{self.name}: part {info.filename} is damaged (its checksum does not match).",
                                   EXPORT_AGAIN)
        self.facts.inflated += out

    def _overrun(self, stream: Inflater, pieces, info, crc: int) -> None:
        """The member inflates past its declared size: damaged, or built to mislead (see _inflate)."""
        extra = 0
        damaged = CorruptFileError(f"{self.name}: part {info.filename} is damaged (it unpacks to more than it "
                                   "declares and its checksum does not match).", EXPORT_AGAIN)
        try:
            for data in pieces:
                extra += len(data)
                crc = zlib.crc32(data, crc)
                if extra > limits.OVERRUN_CHECK_BYTES:
                    break
            else:
                if not stream.complete:
                    raise damaged
        except (DamagedMember, zlib.error):
            raise damaged from None
        if extra <= limits.OVERRUN_CHECK_BYTES and crc != info.CRC:
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
                elif len(buf) > limits.MAX_TAG_BYTES:
                    raise UnsafeContentError(f"{self.name}: part {info.filename} holds an XML tag over "
                                             f"{mb(limits.MAX_TAG_BYTES)} long.", "Save the file again from Excel.")
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
            if declaration(piece, at):
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
        scan = CellScan()
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
        if info.file_size > limits.EXACT_SCAN_MAX_BYTES:  # bound the guard's own time: the child's limits apply
            sheet.exact = False
            self._scan_plain(fh, info)
            return
        # Unusual XML (prefixes, cells without r, odd attribute order): one exact expat pass, which
        # re-reads bytes already counted, so the budget and the inflated total are restored after it.
        budget, inflated = self.budget, self.facts.inflated
        try:
            ExactSheetScan(self.name, self._chunks(fh, info), sheet).run()
        finally:
            self.budget, self.facts.inflated = budget, inflated

    def _judge(self, sheet: SheetFacts) -> None:
        where = f"{self.name} / {sheet.name}"
        # Far right of the data, in a mostly empty range: a stray cell. A sheet that really is wide
        # (16,384 headers over a few dozen rows) fills its range and is only held to limits.MAX_SHEET_CELLS.
        if sheet.max_col > limits.MAX_COLUMNS and sheet.cells * limits.SPARSE_FACTOR < sheet.extent:
            raise UnsafeContentError(
                f"{where}: cell {sheet.far_col_cell} in column {sheet.max_col:,} is in use (a value, a formula or "
                f"even an empty text), far right of the rest of the sheet; readers would allocate "
                f"{sheet.extent:,} cells for it.", FIX_STRAY)
        empty_rows = sheet.max_row - sheet.rows_with_data
        if empty_rows > limits.STRAY_MIN_EMPTY_ROWS and sheet.max_row > 2 * sheet.rows_with_data:
            raise UnsafeContentError(
                f"{where}: cell {sheet.far_row_cell} on row {sheet.max_row:,} is in use, but only "
                f"{sheet.rows_with_data:,} rows hold data; readers would allocate {sheet.extent:,} cells for it.",
                FIX_STRAY)
        if sheet.extent > limits.MAX_SHEET_CELLS:
            raise TooLargeError(
                f"{where}: the sheet spans A1:{cell_ref(sheet.max_row, sheet.max_col)} ({sheet.extent:,} cells); "
                f"kpireport reads up to {limits.MAX_SHEET_CELLS:,} cells per sheet.",
                "Export a shorter period or fewer columns, or split it over several sheets.")

    # -- shared strings

    def _scan_shared_strings(self, fh, info) -> None:
        declared, count = 0, 0
        lt_scan = CellScan(cells=False)
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
        if declared > 2 * count + limits.SHARED_STRINGS_SLACK:
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
            raise CorruptFileError(f"{self.name}: the workbook is damaged or was cut short.", EXPORT_AGAIN) from None
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
        if info.file_size > limits.EXACT_SCAN_MAX_BYTES:  # bound the guard's own time: the child's limits apply
            self.facts.partial = True
            self._scan_plain(fh, info)
            return
        scan = OdsScan(self.name)
        parser = expat(scan)
        try:
            for piece in self._chunks(fh, info):
                parser.Parse(piece, False)
                if len(piece) and max_gap(piece) > limits.MAX_TEXT_CHARS:
                    self.facts.long_text = True
            parser.Parse(b"", True)
        except Refuse as exc:
            raise exc.error from None
        except Exception:  # pyexpat.ExpatError and friends: the XML is malformed
            raise CorruptFileError(f"{self.name}: content.xml is damaged.", EXPORT_AGAIN) from None
        self.facts.sheets.extend(scan.sheets)
