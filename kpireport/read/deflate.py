"""One raw-deflate reader for zip members, shared by the guard and the readers.

zipfile's own reader is not used on members because it checks the CRC as it goes, and the
guard has to do more than that (bound the output, judge a member that inflates past its
declared size, count every byte against the file's budget). So the split is:

- the guard (`guard/zipguard.py`) inflates every XML part once through `Inflater`, and checks
  each one's length and CRC itself;
- the readers after it (`xlsxpkg.inflate`, fastsheet) stream the same parts through `Inflater`
  and check nothing again: a file reaches them only after the guard passed it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO


class DamagedMember(ValueError):
    """The member's local header or offset points nowhere."""


class TruncatedMember(DamagedMember):
    """The file ends before the member's compressed bytes do."""


def seek_data(fh: BinaryIO, info: zipfile.ZipInfo, file_size: int | None = None) -> None:
    """Put `fh` at the first compressed byte of a member, through its local header."""
    if info.header_offset < 0 or (file_size is not None and info.header_offset >= file_size):
        raise DamagedMember(info.filename)
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise DamagedMember(info.filename)
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)


class Inflater:
    """A member's bytes in pieces of at most `piece` bytes (stored members as they are).

    Output is bounded per step (zlib's max_length), so a bomb costs one piece of memory at a
    time. After the iteration ends, `complete` says whether the deflate stream reached its end.
    No length or CRC check here (see the module's docstring: the guard does that).
    """

    def __init__(self, fh: BinaryIO, info: zipfile.ZipInfo, piece: int = 4 << 20,
                 file_size: int | None = None) -> None:
        self.fh, self.info, self.piece, self.file_size = fh, info, piece, file_size
        self.complete = False

    def __iter__(self) -> Iterator[bytes]:
        fh, info, piece = self.fh, self.info, self.piece
        seek_data(fh, info, self.file_size)
        left = info.compress_size
        dec = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while True:
            if dec is not None and dec.unconsumed_tail:
                data = dec.decompress(dec.unconsumed_tail, piece)
            elif left > 0:
                raw = fh.read(min(left, max(piece // 4, 1024) if dec is not None else piece))
                if not raw:
                    raise TruncatedMember(info.filename)
                left -= len(raw)
                data = dec.decompress(raw, piece) if dec is not None else raw
            elif dec is not None and not dec.eof:
                data = dec.decompress(b"", piece)  # drain output zlib still holds
                if not data:
                    break
            else:
                break
            if not data:
                if dec is not None and dec.eof:
                    break
                continue
            yield data
        self.complete = dec is None or dec.eof
