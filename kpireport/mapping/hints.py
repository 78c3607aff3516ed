"""What the user is told about a header row once a table is chosen: two columns under one
header, a header that matches a column already taken, and, for a required column that is
missing, the headers that come closest by name or by the values below them."""

from __future__ import annotations

import datetime as dt
import difflib

from ..parsing import parse_date_text, parse_number
from ..problems import Problem, ProblemLog, Severity, Where
from ..read import RawSheet
from ..schema import TableSpec
from .headers import Header
from .normalize import cell_ref, column_letter, normalize_header


def report_headers(headers: dict[int, str], columns: dict[str, int], header_row: int,
                   shadowed: list[tuple[str, int, int]], where: Where, problems: ProblemLog) -> None:
    """Duplicate headers (which one is used), and headers that also matched a column taken by another."""
    by_text: dict[str, list[int]] = {}
    for j, t in headers.items():
        by_text.setdefault(normalize_header(t), []).append(j)
    used = {j: c for c, j in columns.items()}
    for key, cols in by_text.items():
        if len(cols) < 2 or not key:
            continue
        letters = ", ".join(column_letter(j) for j in cols)
        in_use = [j for j in cols if j in used]
        if in_use:
            j = in_use[0]
            problems.add(Problem(f"{len(cols)} columns are headed {headers[j]!r} ({letters}); column "
                                 f"{column_letter(j)} is used for {used[j]}, the other(s) ignored",
                                 severity=Severity.WARNING, cell=cell_ref(header_row, j), column=headers[j],
                                 **where))
        else:
            problems.add(Problem(f"{len(cols)} columns are headed {headers[cols[0]]!r} ({letters}); none is used",
                                 severity=Severity.INFO, cell=cell_ref(header_row, cols[0]),
                                 column=headers[cols[0]], **where))
    for col, used_j, other in shadowed:
        if normalize_header(headers.get(other, "")) == normalize_header(headers.get(used_j, "")):
            continue  # reported above as a duplicate header
        problems.add(Problem(f"{headers.get(other)!r} (column {column_letter(other)}) also matches {col}; "
                             f"{headers.get(used_j)!r} (column {column_letter(used_j)}) is used. Map the other "
                             "one in the config if it is the right one", severity=Severity.INFO,
                             cell=cell_ref(header_row, other), column=headers.get(other, ""), **where))


def missing_hint(missing: list[str], header: Header, columns: dict[str, int], sheet: RawSheet,
                 spec: TableSpec) -> str:
    """For each missing column: headers close in name, else headers whose values have the right type."""
    used = set(columns.values())
    unused = {j: t for j, t in header.texts.items() if j not in used}
    hints = []
    for miss in missing:
        cspec = spec.column(miss)
        words = [normalize_header(w) for w in (miss.replace("_", " "), *cspec.synonyms)]
        scored: list[tuple[float, int]] = []
        for j, text in unused.items():
            key = normalize_header(text)
            ratio = max((difflib.SequenceMatcher(None, key, w).ratio() for w in words), default=0.0)
            if ratio >= 0.6:
                scored.append((ratio, j))
        if scored:
            scored.sort(reverse=True)
            names = ", ".join(repr(unused[j]) for _, j in scored[:2])
            hints.append(f"{miss}: did you mean {names}?")
            continue
        typed = [j for j in unused if _looks_like(sheet, header.row, j, cspec.type)]
        if typed:
            names = ", ".join(repr(unused[j]) for j in typed[:3])
            hints.append(f"{miss} ({cspec.type}): columns holding {_type_words(cspec.type)}: {names}")
    config = ""
    if missing:
        config = (f"; to map a header yourself, add to the config: mapping: {{columns: {{{spec.name}: "
                  f"{{\"Your header\": {missing[0]}}}}}}}")
    return (" (" + "; ".join(hints) + ")" if hints else "") + config


def _type_words(ctype: str) -> str:
    return {"date": "dates", "money": "amounts", "number": "numbers", "score": "scores"}.get(ctype, "values")


def _looks_like(sheet: RawSheet, header_row: int, j: int, ctype: str) -> bool:
    """Most of the first 40 values below the header read as `ctype` (dates, or numbers)."""
    values = [r[j] for r in sheet.row_slice(header_row + 1, header_row + 41) if j < len(r) and r[j] not in (None, "")]
    if not values:
        return False
    hits = 0
    for v in values:
        if ctype == "date":
            if isinstance(v, dt.date):
                hits += 1
            elif isinstance(v, str):
                try:
                    parse_date_text(v)
                    hits += 1
                except ValueError:
                    pass
        elif ctype in ("money", "number", "score"):
            if isinstance(v, int | float) and not isinstance(v, bool):
                hits += 1
            elif isinstance(v, str):
                for dec in (".", ","):
                    try:
                        parse_number(v, dec)
                        hits += 1
                        break
                    except ValueError:
                        pass
        else:
            return False
    return hits >= 0.8 * len(values)

