"""A seeded corpus of broken, hostile and awkward-but-valid input files, and what kpireport must do
with each (exit code and words of the one-line message, or a successful report).

`build_corpus(folder, seed)` writes every file and returns the cases. Files are built from
bytes (OLE2 containers, lying zip headers, XML bombs) or with xlsxwriter, never downloaded.
Expected exit codes follow `kpireport.errors` (4 not a workbook, 5 corrupt, 6 encrypted,
7 missing data, 12 unsafe content, 13 too large, 14 unsupported format).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter


@dataclass
class Case:
    name: str                      # file name written in the corpus folder
    kind: str                      # the class of trouble, for reports
    code: int                      # expected exit code (0: a report is written)
    words: tuple[str, ...] = ()    # each must appear in the one-line error (case-insensitive)
    check: Callable[[dict], None] | None = None  # for code 0: a check on the JSON report
    codes: tuple[int, ...] = field(default_factory=tuple)  # alternatives accepted (awkward inputs)
    build: Callable[[Path, Ctx], bytes | None] | None = None  # writes the file (or returns its bytes)

    @property
    def accepted(self) -> tuple[int, ...]:
        return (self.code, *self.codes)


# --- building blocks -----------------------------------------------------------------------

ORDER_HEADER = ["Order ID", "Order Date", "Customer ID", "Revenue", "Cost", "Region", "Sales Rep"]


def order_rows(n: int, rng: random.Random, start: dt.date = dt.date(2025, 1, 1)) -> list[list[object]]:
    rows = []
    for i in range(n):
        day = start + dt.timedelta(days=i * 480 // max(n, 1))
        revenue = round(rng.uniform(20, 900), 2)
        cost = round(revenue * rng.uniform(0.4, 0.8), 2)
        rows.append([f"O{i + 1:06d}", day, f"C{rng.randint(1, 400):05d}", revenue, cost,
                     rng.choice(["North", "South", "East", "West"]), rng.choice(["Ann Lee", "Bo Chen", "Cem Kaya"])])
    return rows


def write_orders_xlsx(target: Path | io.BytesIO, rows: list[list[object]], sheet: str = "Orders",
                      header_row: int = 0, before: list[list[object]] | None = None, options: dict | None = None,
                      extra: Callable[[xlsxwriter.Workbook, object], None] | None = None,
                      header: list[str] | None = None) -> None:
    opts = {"strings_to_formulas": False, "strings_to_urls": False, **(options or {})}
    if isinstance(target, io.BytesIO):
        opts["in_memory"] = True
    wb = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, opts)
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})  # reproducible bytes
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(before or []):
        ws.write_row(r, 0, row)
    ws.write_row(header_row, 0, header or ORDER_HEADER)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            elif v is not None:
                ws.write(r, c, v)
    if extra:
        extra(wb, ws)
    wb.close()


def xlsx_bytes(rows: list[list[object]], **kw) -> bytes:
    buf = io.BytesIO()
    write_orders_xlsx(buf, rows, **kw)
    return buf.getvalue()


def _info(name: str, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A member header with a fixed date, so the corpus is byte-for-byte reproducible."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = method
    return info


def rezip(data: bytes, replace: dict[str, Callable[[bytes], bytes]] | None = None,
          add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The same zip with some members rewritten, added or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            body = zin.read(info.filename)
            if replace and info.filename in replace:
                body = replace[info.filename](body)
            zout.writestr(_info(info.filename), body)
        for name, body in (add or {}).items():
            zout.writestr(_info(name), body)
    return out.getvalue()


def move_sheet(data: bytes, part: str, target: str, transform: Callable[[bytes], bytes] | None = None) -> bytes:
    """The same workbook with its sheet stored as `part` (any name is legal) and reached through the
    workbook relationship `target` and a content-type Override, as the package format allows."""
    rel = b'Target="worksheets/sheet1.xml"'
    old = b"/" + SHEET.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name, body = info.filename, zin.read(info.filename)
            if name == SHEET:
                name, body = part, (transform or (lambda b: b))(body)
            elif name == "xl/_rels/workbook.xml.rels":
                assert rel in body
                body = body.replace(rel, b'Target="' + target.encode() + b'"')
            elif name == "[Content_Types].xml":
                assert old in body
                body = body.replace(old, b"/" + part.encode())
            zout.writestr(_info(name), body)
    return out.getvalue()


def corner_cell(body: bytes) -> bytes:
    """A sheet claiming A1:XFD1048576 with a value in that corner cell (17 billion cells to a reader)."""
    import re

    body = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body, count=1)
    return body.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')


def shared_string_amplification(rows: list[list[object]], cells: int = 100_000, length: int = 30_000) -> bytes:
    """`cells` cells all pointing at one shared string of `length` characters (under Excel's cell
    limit, so each cell is legal): 3 billion characters once a reader copies it into every cell."""
    good = xlsx_bytes(rows)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        table = z.read("xl/sharedStrings.xml")
    index = table.split(b"<t>Ann Lee</t>")[0].count(b"<si>") - 1
    first = len(rows) + 2
    refs = "".join(f'<row r="{r}"><c r="H{r}" t="s"><v>{index}</v></c></row>' for r in range(first, first + cells))
    return rezip(good, replace={
        "xl/sharedStrings.xml": lambda b: b.replace(b"<t>Ann Lee</t>", b"<t>" + b"A" * length + b"</t>", 1),
        SHEET: lambda b: b.replace(b"</sheetData>", refs.encode() + b"</sheetData>")})


def patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite a member's declared uncompressed size in its local and central headers."""
    buf = bytearray(data)
    name = member.encode()
    for sig, size_at, name_len_at, header_len in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        pos = buf.find(sig)
        while pos >= 0:
            n = struct.unpack_from("<H", buf, pos + name_len_at)[0]
            if bytes(buf[pos + header_len:pos + header_len + n]) == name:
                struct.pack_into("<I", buf, pos + size_at, size)
            pos = buf.find(sig, pos + 4)
    return bytes(buf)


def cfb(streams: dict[str, bytes], mini: bool = False) -> bytes:
    """A minimal OLE2 / Compound File (version 3, 512-byte sectors) holding `streams`.

    By default every stream is padded to 4,096 bytes so it lives in regular sectors; with
    mini=True, streams under 4,096 bytes go to the mini stream (64-byte sectors), as Excel and
    LibreOffice store a small workbook's streams."""
    ss, ms = 512, 64
    names = list(streams)
    small = [mini and len(streams[n]) < 4096 for n in names]
    bodies = [streams[n] if sm else streams[n].ljust(4096, b"\0") for n, sm in zip(names, small, strict=True)]
    # the mini stream: small bodies in 64-byte sectors, chained in the mini FAT
    mini_data, mini_fat, mini_starts = b"", [], {}
    for i, (body, sm) in enumerate(zip(bodies, small, strict=True)):
        if not sm:
            continue
        k = max(1, -(-len(body) // ms))
        mini_starts[i] = len(mini_fat)
        mini_fat += [len(mini_fat) + j + 1 if j < k - 1 else 0xFFFFFFFE for j in range(k)]
        mini_data += body.ljust(k * ms, b"\0")
    blobs = []                      # (directory index or -1 for the mini stream / -2 for the mini FAT, bytes)
    for i, (body, sm) in enumerate(zip(bodies, small, strict=True)):
        if not sm:
            blobs.append((i, body + b"\0" * (-len(body) % ss)))
    if mini_fat:
        blobs.append((-1, mini_data + b"\0" * (-len(mini_data) % ss)))
        raw = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
        blobs.append((-2, raw + b"\xff" * (-len(raw) % ss)))
    n_dir_entries = len(names) + 1
    dir_sectors = -(-n_dir_entries * 128 // ss)
    data_sectors = sum(len(b) // ss for _, b in blobs)
    fat_sectors = 1
    while (fat_sectors + dir_sectors + data_sectors) > fat_sectors * (ss // 4):
        fat_sectors += 1
    fat = [0xFFFFFFFF] * (fat_sectors * ss // 4)
    for i in range(fat_sectors):
        fat[i] = 0xFFFFFFFD
    first_dir = fat_sectors
    for i in range(dir_sectors):
        fat[first_dir + i] = first_dir + i + 1 if i < dir_sectors - 1 else 0xFFFFFFFE
    starts: dict[int, int] = {}
    nxt = first_dir + dir_sectors
    for key, blob in blobs:
        k = len(blob) // ss
        starts[key] = nxt
        for i in range(k):
            fat[nxt + i] = nxt + i + 1 if i < k - 1 else 0xFFFFFFFE
        nxt += k

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[0:len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, right, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    entries = [entry("Root Entry", 5, 1 if names else 0xFFFFFFFF, 0xFFFFFFFF, starts.get(-1, 0xFFFFFFFE),
                     len(mini_data))]
    for i, (name, body) in enumerate(zip(names, bodies, strict=True)):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        start = mini_starts[i] if small[i] else starts[i]
        entries.append(entry(name, 2, 0xFFFFFFFF, right, start, len(body)))
    directory = b"".join(entries).ljust(dir_sectors * ss, b"\0")
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    n_minifat = len(blobs[-1][1]) // ss if mini_fat else 0
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, fat_sectors, first_dir, 0, 4096, starts.get(-2, 0xFFFFFFFE),
                     n_minifat, 0xFFFFFFFE, 0)
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return bytes(header) + fat_bytes + directory + b"".join(b for _, b in blobs)


def biff_workbook_stream(encrypted: bool) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006)
    records = [bof]
    if encrypted:
        filepass = struct.pack("<HHH", 1, 1, 1) + bytes(48)  # RC4 encryption header, dummy salt and verifier
        records.append(struct.pack("<HH", 0x002F, len(filepass)) + filepass)
    records.append(struct.pack("<HH", 0x000A, 0))  # EOF
    return b"".join(records)


def ods_bytes(table_xml: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{table_xml}</office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(_info("mimetype", zipfile.ZIP_STORED), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(_info("META-INF/manifest.xml"), manifest)
        z.writestr(_info("content.xml"), content)
    return out.getvalue()


def _ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if isinstance(value, (int, float)):
        return (f'<table:table-cell{rep} office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell{rep} office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def _row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def zip_bomb_sheet(size: int) -> bytes:
    """A workbook whose sheet XML is `size` bytes, nearly all spaces: deflates ~1,000x."""
    base = xlsx_bytes(order_rows(3, random.Random(1)))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(_info(info.filename), body)
                continue
            head, tail = body.split(b"<sheetData>", 1)
            with zout.open(_info(info.filename), "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                left = size
                while left > 0:
                    fh.write(block[:min(left, len(block))])
                    left -= len(block)
                fh.write(tail)
    return out.getvalue()


# --- the corpus ----------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


class Ctx:
    """What the builders share: per-case seeded randomness, one good workbook to mutate."""

    def __init__(self, seed: int, samples: Path) -> None:
        self.seed, self.samples = seed, samples
        self._orders: list[list[object]] | None = None
        self._good: bytes | None = None

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{name}")

    @property
    def orders(self) -> list[list[object]]:
        if self._orders is None:
            self._orders = order_rows(400, self.rng("orders"))
        return self._orders

    @property
    def good(self) -> bytes:
        if self._good is None:
            self._good = xlsx_bytes(self.orders)
        return self._good


CASES: list[Case] = []
SHEET = "xl/worksheets/sheet1.xml"


def case(name: str, kind: str, code: int, words: tuple[str, ...] = (), check=None, codes: tuple[int, ...] = ()):
    def register(build: Callable[[Path, Ctx], bytes | None]):
        CASES.append(Case(name, kind, code, words, check, codes, build))
        return build

    return register


def build_corpus(folder: Path, seed: int = 2026, samples: Path = SAMPLES,
                 progress: Callable[[str], None] | None = None) -> list[Case]:
    """Write every case into `folder`; return them with their expected outcomes. `progress`
    hears of every tenth case (the build takes tens of seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(seed, samples)
    for i, c in enumerate(CASES):
        if progress is not None and i % 10 == 0:
            progress(f"hostile corpus: building case {i + 1}/{len(CASES)} ({c.name})")
        path = folder / c.name
        data = c.build(path, ctx) if c.build else None
        if data is not None:
            path.write_bytes(data)
        assert path.exists(), c.name
    return list(CASES)


def _has_revenue(report: dict) -> None:
    assert report["kpis"]["revenue"]["values"], "revenue has no values"


def _period_is(period: str) -> Callable[[dict], None]:
    def check(report: dict) -> None:
        assert report["period"] == period, report["period"]
        _has_revenue(report)

    return check


# encrypted

@case("encrypted.xlsx", "encrypted OOXML (OLE2 with EncryptionInfo)", 6, ("password-protected",))
def _encrypted(path: Path, ctx: Ctx) -> bytes:
    rng = ctx.rng(path.name)
    return cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + rng.randbytes(200),
                "EncryptedPackage": struct.pack("<Q", 9000) + rng.randbytes(9000)})


@case("encrypted_legacy.xls", "encrypted .xls (FILEPASS record)", 6, ("password-protected",))
def _encrypted_xls(path: Path, ctx: Ctx) -> bytes:
    return cfb({"Workbook": biff_workbook_stream(encrypted=True)})


@case("word_in_ole2.xls", "a Word .doc renamed .xls", 4, ("word document",))
def _word_doc(path: Path, ctx: Ctx) -> bytes:
    return cfb({"WordDocument": ctx.rng(path.name).randbytes(5000)})


@case("zip_password.xlsx", "a zip whose members are flagged encrypted", 6, ("password",))
def _zip_password(path: Path, ctx: Ctx) -> bytes:
    return _flag_encrypted(ctx.good)


# zip bombs and size limits

@case("zip_bomb.xlsx", "zip bomb: a 120 MB sheet packed ~1,000x", 12, ("zip bomb",))
def _zip_bomb(path: Path, ctx: Ctx) -> bytes:
    return zip_bomb_sheet(120_000_000)


@case("zip_lies_about_size.xlsx", "a member that inflates beyond its declared size", 12, ("unpacks to more",))
def _zip_lies(path: Path, ctx: Ctx) -> bytes:
    padded = rezip(ctx.good, replace={SHEET: lambda b: b.replace(b"</sheetData>", b"</sheetData>" + b" " * 3_000_000)})
    return patch_declared_size(padded, SHEET, 40_000)


@case("declared_too_large.xlsx", "declared sizes totalling over 1 GiB", 13, ("unpacks to",))
def _declared_large(path: Path, ctx: Ctx) -> bytes:
    pads = {f"xl/media/pad{i}.xml": b"" for i in range(30)}
    data = rezip(ctx.good, add=pads)
    for name in pads:
        data = patch_declared_size(data, name, 40_000_000)
    return data


@case("nested_zip.xlsx", "an archive inside the workbook", 12, ("another archive",))
def _nested(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, add={"payload/inner.zip": _zip_of({"a.csv": b"x,y\n1,2\n"})})


# dimension bombs

@case("dimension_bomb.xlsx", "dimension bomb: a value at XFD1048576", 12, ("XFD1048576", "Delete that cell"))
def _dimension_bomb(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, extra=lambda wb, ws: ws.write("XFD1048576", "x"))


@case("stray_row.xlsx", "a stray value a million rows below the data", 12, ("G1048576",))
def _stray_row(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, extra=lambda wb, ws: ws.write("G1048576", 1))


@case("stray_cell_lowercase_ref.xlsx", "a stray cell with a lowercase, single-quoted r after t", 12, ("XFD1048576",))
def _stray_odd(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={SHEET: lambda b: b.replace(
        b"</sheetData>", b"<row r=\"1048576\"><c t=\"n\"  r = 'xfd1048576'><v>1</v></c></row></sheetData>")})


@case("dimension_lies.xlsx", "<dimension> claims A1:XFD1048576, the data is small (harmless)", 0, check=_has_revenue)
def _dimension_lies(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={SHEET: lambda b: _re_sub(rb'<dimension ref="[^"]*"/>',
                                                             b'<dimension ref="A1:XFD1048576"/>', b)})


@case("renamed_sheet_part.xlsx", "7 KB: the sheet part named sheet1.bin, a value at XFD1048576", 12,
      ("XFD1048576", "Delete that cell"))
def _renamed_part(path: Path, ctx: Ctx) -> bytes:
    return move_sheet(xlsx_bytes(order_rows(40, ctx.rng(path.name))), "xl/worksheets/sheet1.bin",
                      "worksheets/sheet1.bin", corner_cell)


@case("renamed_part_doctype.xlsx", "a DOCTYPE in a sheet part stored as xl/data/orders", 12, ("DOCTYPE",))
def _renamed_doctype(path: Path, ctx: Ctx) -> bytes:
    return move_sheet(ctx.good, "xl/data/orders", "data/orders", lambda b: b.replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1))


@case("sheet_outside_xl.xlsx", "a valid sheet at /data/Orders.part (absolute target, harmless)", 0,
      check=_has_revenue)
def _sheet_outside(path: Path, ctx: Ctx) -> bytes:
    return move_sheet(ctx.good, "data/Orders.part", "/data/Orders.part")


@case("shared_strings_bomb.xlsx", "sharedStrings uniqueCount=4,000,000,000", 12, ("shared-string",))
def _sst_bomb(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={"xl/sharedStrings.xml": lambda b: _re_sub(rb'uniqueCount="\d+"',
                                                                              b'uniqueCount="4000000000"', b)})


@case("shared_string_amplification.xlsx", "100,000 cells pointing at one 30,000-character shared string", 13,
      ("/ Orders / G", "long shared texts"))
def _sst_amplification(path: Path, ctx: Ctx) -> bytes:
    return shared_string_amplification(order_rows(20, ctx.rng(path.name)))


@case("ods_repeat_bomb.ods", "ODS value repeated 16,000 x 1,000,000 times", 12, ("repeated",))
def _ods_bomb(path: Path, ctx: Ctx) -> bytes:
    return ods_bytes('<table:table table:name="Orders">' + _row(_ods_cell("Revenue")) +
                     _row(_ods_cell(5, 16000), 1_000_000) + "</table:table>")


# XML attacks

@case("billion_laughs.xlsx", "entity expansion (billion laughs) in the sheet XML", 12, ("DOCTYPE",))
def _laughs(path: Path, ctx: Ctx) -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doctype = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + entities + "]>").encode()
    return rezip(ctx.good, replace={SHEET: lambda b: doctype + b.split(b"?>", 1)[1].replace(b"<v>", b"<v>&lol9;", 1)})


@case("xxe.xlsx", "external entity (XXE) in workbook.xml", 12, ("DOCTYPE",))
def _xxe(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={"xl/workbook.xml": lambda b: b.replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1).replace(
        b'name="Orders"', b'name="&xxe;"')})


@case("utf16_parts.xlsx", "a UTF-16 encoded sheet part", 14, ("UTF-16",))
def _utf16(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={SHEET: lambda b: b.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
                                    .encode("utf-16")})


# truncated, corrupt, not a workbook

@case("truncated.xlsx", "the first half of a workbook", 5, ("cut short",))
def _truncated(path: Path, ctx: Ctx) -> bytes:
    return ctx.good[: len(ctx.good) // 2]


@case("truncated.xls", "the first 700 bytes of an OLE2 container", 5, ("damaged",))
def _truncated_xls(path: Path, ctx: Ctx) -> bytes:
    return cfb({"Workbook": biff_workbook_stream(False) + ctx.rng(path.name).randbytes(6000)})[:700]


@case("corrupt_member.xlsx", "64 random bytes inside the sheet's deflate stream", 5)
def _corrupt(path: Path, ctx: Ctx) -> bytes:
    return _flip_member_bytes(ctx.good, SHEET, ctx.rng(path.name))


@case("bit_flip_longer.xlsx", "one flipped bit: the sheet inflates past its declared size (damaged)", 5,
      ("damaged", "checksum"))
def _bit_flip_longer(path: Path, ctx: Ctx) -> bytes:
    return damaged_member(ctx.good, SHEET, ctx.rng(path.name), longer=True)


@case("bit_flip_same_size.xlsx", "one flipped bit: same size, other bytes (damaged)", 5, ("damaged", "checksum"))
def _bit_flip_same(path: Path, ctx: Ctx) -> bytes:
    return damaged_member(ctx.good, SHEET, ctx.rng(path.name), longer=False)


@case("random_bytes.xlsx", "seeded random bytes", 4, ("not a workbook",))
def _random(path: Path, ctx: Ctx) -> bytes:
    return b"\x00\x01" + ctx.rng(path.name).randbytes(20_000)


@case("empty.xlsx", "a zero-byte file", 5, ("empty",))
def _empty(path: Path, ctx: Ctx) -> bytes:
    return b""


@case("text_as_xlsx.xlsx", "text renamed .xlsx", 4, ("text file with a workbook's name",))
def _text(path: Path, ctx: Ctx) -> bytes:
    return b"Order Date,Revenue\n2026-01-01,5\n"


@case("zip_of_csvs.xlsx", "a zip of CSV files named .xlsx", 4, ("zip archive, not a workbook",))
def _zip_csv(path: Path, ctx: Ctx) -> bytes:
    return _zip_of({"orders.csv": b"Order Date,Revenue\n2026-01-01,5\n", "leads.csv": b"Created,Lead\n"})


@case("binary_workbook.xlsx", "an .xlsb-like zip (xl/workbook.bin)", 14, (".xlsb",))
def _xlsb(path: Path, ctx: Ctx) -> bytes:
    rng = ctx.rng(path.name)
    return _zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": rng.randbytes(300),
                    "xl/worksheets/sheet1.bin": rng.randbytes(900)})


@case("web_page.xls", "HTML saved as .xls", 14, ("web page",))
def _html(path: Path, ctx: Ctx) -> bytes:
    return (b"<html><head><meta charset='utf-8'></head><body><table><tr><td>Order Date</td><td>Revenue</td></tr>"
            b"<tr><td>2026-01-01</td><td>5</td></tr></table></body></html>")


@case("xml_spreadsheet_2003.xls", "Excel 2003 XML saved as .xls", 14, ("2003 XML",))
def _xml2003(path: Path, ctx: Ctx) -> bytes:
    return (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Orders"/></Workbook>')


@case("report.pdf.xlsx", "a PDF renamed .xlsx", 4, ("PDF",))
def _pdf(path: Path, ctx: Ctx) -> bytes:
    return b"%PDF-1.7\n" + ctx.rng(path.name).randbytes(3000)


@case("letter.docx.xlsx", "a .docx renamed .xlsx", 4, ("Word document",))
def _docx(path: Path, ctx: Ctx) -> bytes:
    return _zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@case("password.ods", "an encrypted OpenDocument spreadsheet (manifest encryption-data)", 6, ("password-protected",))
def _encrypted_ods(path: Path, ctx: Ctx) -> bytes:
    rng = ctx.rng(path.name)
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                b'manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="5000"><manifest:'
                b'encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k"'
                b' '
                b'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/'
                b'xmlenc#aes256-cbc" manifest:initialisation-vector="AAAA"/></manifest:encryption-data></manifest:'
                b"file-entry></manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(_info("mimetype", zipfile.ZIP_STORED), b"application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(_info("content.xml", zipfile.ZIP_STORED), rng.randbytes(5000))  # ciphertext
        z.writestr(_info("META-INF/manifest.xml"), manifest)
    return out.getvalue()


@case("wide_sheet.xlsx", "16,384 real headers over 63 rows (about a million cells: wide, not hostile)", 0,
      codes=(7,))
def _wide(path: Path, ctx: Ctx) -> None:
    extra = [f"Attribute {i}" for i in range(16_384 - len(ORDER_HEADER))]
    rows = [[*row, *range(len(extra))] for row in order_rows(63, ctx.rng(path.name))]
    write_orders_xlsx(path, rows, header=[*ORDER_HEADER, *extra])


# cell text beyond Excel's limit

@case("long_cell.xlsx", "a 40,000-character cell", 13, ("/ Orders / G", "40,000 characters", "32,767"))
def _long_xlsx(path: Path, ctx: Ctx) -> bytes:
    return rezip(ctx.good, replace={"xl/sharedStrings.xml": lambda b: b.replace(
        b"<t>Ann Lee</t>", b"<t>" + b"x" * 40_000 + b"</t>", 1)})


@case("long_cell.csv", "a 40,000-character CSV field", 13, ("long_cell.csv", "C2"))
def _long_csv(path: Path, ctx: Ctx) -> bytes:
    return ("Order Date,Revenue,Note\n2026-01-05,10," + "y" * 40_000 + "\n2026-02-05,12,ok\n").encode()


# awkward but valid (INPUT_TABLES.md): a report, or the right categorised error

@case("header_on_row_10.xlsx", "title block, header on row 10", 0, check=_has_revenue)
def _header10(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, header_row=9, before=[["Northwind sales export"], ["Generated 2026-11-02"]])


@case("only_totals_row.xlsx", "a header and only a totals row", 7, codes=(0,))
def _totals(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, [["Total", None, None, 12345.6, 7000.0, None, None]])


@case("empty_sheet_plus_orders.xlsx", "an empty sheet next to the data", 0, check=_has_revenue)
def _empty_sheet_plus(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, extra=lambda wb, ws: wb.add_worksheet("Notes"))


@case("only_empty_sheet.xlsx", "a workbook with one empty sheet", 7, ("no input table",))
def _only_empty(path: Path, ctx: Ctx) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    wb.add_worksheet("Sheet1")
    wb.close()


@case("hidden_sheet_only.xlsx", "the data sits on a hidden sheet", 0, codes=(7,))
def _hidden(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, extra=lambda wb, ws: (wb.add_worksheet("Readme").write("A1", "see Orders"),
                                                              ws.hide()))


@case("duplicate_headers.xlsx", "two columns named Revenue", 0, codes=(15,))
def _duplicates(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, [[*r, r[3]] for r in ctx.orders], header=[*ORDER_HEADER, "Revenue"])


@case("dates_1904.xlsx", "1904 date system", 0, check=_period_is("2026-03"))
def _dates1904(path: Path, ctx: Ctx) -> None:
    write_orders_xlsx(path, ctx.orders, options={"date_1904": True})


@case("semicolon_decimal_comma.csv", "European CSV: ';' and decimal commas", 0, check=_has_revenue)
def _european_csv(path: Path, ctx: Ctx) -> bytes:
    rng = ctx.rng(path.name)
    lines = [f"{(dt.date(2025, 1, 1) + dt.timedelta(days=i)).strftime('%d.%m.%Y')};"
             f"{rng.randint(1, 9999)},{rng.randint(10, 99)}\n" for i in range(480)]
    return ("Sipariş Tarihi;Tutar\n" + "".join(lines)).encode("utf-8")


@case("sample_okrs_renamed.ods", "a real .xlsx with an .ods name", 0, codes=(7,))
def _renamed(path: Path, ctx: Ctx) -> bytes:
    return (ctx.samples / "okrs.xlsx").read_bytes()


# --- small helpers --------------------------------------------------------------------------


def _re_sub(pattern: bytes, repl: bytes, data: bytes) -> bytes:
    import re

    return re.sub(pattern, repl, data, count=1)


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(_info(name), body)
    return out.getvalue()


def _flag_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag bit on every member (the bytes stay plain)."""
    buf = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = buf.find(sig)
        while pos >= 0:
            struct.pack_into("<H", buf, pos + flag_at, struct.unpack_from("<H", buf, pos + flag_at)[0] | 1)
            pos = buf.find(sig, pos + 4)
    return bytes(buf)


def damaged_member(data: bytes, member: str, rng: random.Random, longer: bool) -> bytes:
    """`data` with one bit of `member`'s deflate stream flipped, chosen (seeded) so that the stream
    still inflates, to more bytes than declared (longer) or to as many but other bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
        original = z.read(member)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for _ in range(10_000):
        buf = bytearray(data)
        buf[start + rng.randrange(info.compress_size)] ^= 1 << rng.randrange(8)
        try:
            out = zlib.decompressobj(-15).decompress(bytes(buf[start:start + info.compress_size]))
        except zlib.error:
            continue
        if (len(out) > len(original)) if longer else (len(out) == len(original) and out != original):
            return bytes(buf)
    raise AssertionError("no such bit")


def _flip_member_bytes(data: bytes, member: str, rng: random.Random) -> bytes:
    """Overwrite 64 bytes in the middle of a member's compressed data (headers intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    buf = bytearray(data)
    name_len, extra_len = struct.unpack_from("<HH", buf, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2
    buf[mid:mid + 64] = rng.randbytes(64)
    assert zlib.crc32(bytes(buf)) != zlib.crc32(data)
    return bytes(buf)
