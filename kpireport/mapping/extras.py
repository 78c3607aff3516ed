"""Extra columns: the columns of a recognised table that no canonical column names.

An export often carries a figure the catalog has no column for (a delivery fee, a coupon code,
a promised date). The mapper keeps each such column under a safe name, the header folded to
lowercase ASCII words joined by underscores ('Delivery Fee (TL)' -> delivery_fee_tl), so a
custom measure in the config may read it (`value: delivery_fee`). Columns logged as ignored
(hidden, no header, a renamed copy, a repeated header) and names that a canonical column of the
table already has are not kept.
"""

from __future__ import annotations

import re
import unicodedata

from ..problems import Problem, ProblemLog, Severity, Where
from ..schema import TableSpec
from .normalize import TURKISH_ASCII, normalize_header

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# A custom measure reads a handful of extra columns; a sheet of thousands of unnamed figures
# (16,384 headers is legal) would otherwise be typed column by column for nothing.
MAX_EXTRA = 200
LISTED = 20  # extra columns named in the note; the rest are counted


def safe_name(header: str) -> str:
    """'Delivery Fee (TL)' -> 'delivery_fee_tl'; '2nd Price' -> 'col_2nd_price'; '' for no letters."""
    text = header.translate(TURKISH_ASCII).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = _NOT_WORD.sub("_", text.lower()).strip("_")
    if name and name[0].isdigit():
        name = "col_" + name
    return name


def extra_columns(spec: TableSpec, headers: dict[int, str], used: set[int], skipped: set[int],
                  problems: ProblemLog, where: Where) -> dict[str, int]:
    """{safe name: column index} for the headers not used and not `skipped` (logged as ignored)."""
    counts: dict[str, int] = {}
    for text in headers.values():
        counts[normalize_header(text)] = counts.get(normalize_header(text), 0) + 1
    out: dict[str, int] = {}
    clash: list[str] = []
    dropped = 0
    for j, text in sorted(headers.items()):
        if j in used or j in skipped or counts[normalize_header(text)] > 1:
            continue
        name = safe_name(text)
        if not name:
            continue
        if spec.has(name) or name in out:
            clash.append(text)
            continue
        if len(out) == MAX_EXTRA:
            dropped += 1
            continue
        out[name] = j
    if out:
        listed = ", ".join(f"{name} ({headers[j]!r})" for name, j in list(out.items())[:LISTED])
        if len(out) > LISTED:
            listed += f" and {len(out) - LISTED} more"
        problems.add(Problem(f"kept as extra column(s), which custom measures in the config may read: {listed}",
                             severity=Severity.INFO, **where))
    if dropped:
        problems.add(Problem(f"{dropped} more unused column(s) not kept: at most {MAX_EXTRA} extra columns are kept "
                             "per sheet; map the one a custom measure needs under mapping: columns",
                             severity=Severity.INFO, **where))
    for text in clash:
        problems.add(Problem(f"column {text!r} is not used and its name is taken by a column of the table; ignored",
                             severity=Severity.INFO, column=text, **where))
    return out
