"""Large CSV files read by Arrow's multi-threaded parser, into the same cells the careful path gives.

The careful path (readers._read_csv) decodes the whole file, splits it with the csv module and
keeps a Python string per cell: about 25 s and 2 GB for a million-row, 12-column export. Arrow
parses the same bytes on every core into one string array per column in under a second. What
makes the two agree cell for cell:

- every column is read as text (no type inference here: "00123" stays an ID, "1.234" is left
  for validation, which decides decimal commas per column and reports bad cells by row);
- an empty field is an empty cell (None), quoted or not, as the csv module gives '';
- the sheet keeps its first HEAD_ROWS rows as Python values (titles, header, first records)
  and the rest as one Categorical of texts per column, the layout of a large .xlsx sheet
  (sheet.py), so validation parses each distinct text once.

Anything where the two parsers could differ goes the careful way, whole file: a file under
MIN_BYTES (it is fast anyway), text that is not UTF-8 (UTF-16, Windows-1254), a NUL byte,
a lone carriage return (old Mac line ends), or rows of differing widths (Arrow refuses them).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .sheet import RawSheet, SheetBody, unique_categories

# smaller files read the careful way (well under a second); KPIREPORT_CSV_ARROW_MIN=0 sends every
# eligible file through Arrow (to run the CSV tests on this path)
MIN_BYTES = int(os.environ.get("KPIREPORT_CSV_ARROW_MIN", 4 << 20))
HEAD_ROWS = 64           # rows kept as Python values, as for a large .xlsx sheet (fastsheet.HEAD_ROWS)
SAMPLE = 65536           # bytes from which the delimiter and the width are sniffed


def eligible(data: bytes) -> bool:
    """UTF-8 (with or without BOM) text that Arrow splits as the csv module does. Blank lines need
    no check: with ignore_empty_lines=False Arrow gives them as a row of empty cells, as the
    careful path does (the row counts in row numbers on both)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return False
    return data.find(b"\r") < 0 or data.count(b"\r") == data.count(b"\r\n")  # no lone CR line ends


def read(name: str, stem: str, data: bytes, delimiter_of: Callable[[str], str], detail_of: Callable[[str], str],
         min_bytes: int | None = None) -> RawSheet | None:
    """The CSV `data` as one RawSheet, or None when it must be read the careful way."""
    if len(data) < (MIN_BYTES if min_bytes is None else min_bytes) or not eligible(data):
        return None

    offset = 3 if data.startswith(codecs.BOM_UTF8) else 0
    sample = data[offset:offset + SAMPLE].decode("utf-8", errors="ignore")
    first = sample.split("\n", 1)[0]
    skip = 0
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:  # Excel's "sep=;" line
        delimiter, skip = first.strip()[4], 1
        sample = sample.split("\n", 1)[1] if "\n" in sample else ""
    else:
        delimiter = delimiter_of(sample)
    try:
        header = next((r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r), None)
    except csv.Error:
        return None
    if not header:
        return None
    names = [f"c{j}" for j in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(offset)),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip, use_threads=True,
                                           block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None  # ragged rows, invalid UTF-8, a quote left open: the careful path says what is wrong
    del data
    memo: dict[str, str] = {}
    share = memo.setdefault  # a text repeated down the head is one object, as on the careful path
    rows: list[list[object]] = [[share(v, v) if v else None for v in row]
                               for row in zip(*(c.to_pylist() for c in table.slice(0, HEAD_ROWS).columns), strict=True)]
    if table.num_rows <= HEAD_ROWS:
        return RawSheet(name, stem, rows, detail=detail_of(delimiter))
    body = SheetBody(HEAD_ROWS, table.num_rows - HEAD_ROWS)
    rest = table.slice(HEAD_ROWS)
    del table
    for j in range(len(names)):
        body.columns[j] = _texts(rest.column(j))
    return RawSheet(name, stem, rows, detail=detail_of(delimiter) + ", read by column", body=body)


def _texts(col) -> pd.Categorical:
    """A string column as a Categorical of its distinct texts, the empty text as no category."""
    enc = col.combine_chunks().dictionary_encode()
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    cats = enc.dictionary.to_pylist()
    if "" in cats:
        blank = cats.index("")
        codes[codes == blank] = -1
        codes[codes > blank] -= 1
        del cats[blank]
    return pd.Categorical.from_codes(codes, dtype=unique_categories(pd.Index(cats, dtype=object)))
