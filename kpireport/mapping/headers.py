"""Where a sheet's header row is and what each header names: the synonym index of a table, the
header rows a sheet offers (merged cells filled in, a two-row header joined), and the best match
of those rows for each table. The mapper (mapper.py) chooses among the matches and reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..read import RawSheet
from ..schema import Schema, TableSpec
from .kpisheet import KPI_SHEET, kpi_sheet_words
from .normalize import header_keys, normalize_header

# A required column may be given in another form, derived in validation.
ALTERNATIVES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("orders", "revenue"): (("quantity", "unit_price"),),
    ("order_items", "revenue"): (("quantity", "unit_price"),),
}
# A column mapped to one of these in the config is left out ("Notes": ignore).
IGNORE_WORDS = frozenset({"", "-", "ignore", "none", "null", "skip"})
_MAX_MERGE_CELLS = 5000


# --- synonym index -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Index:
    table: str
    keys: dict[str, tuple[str, int]]  # header key -> (column, preference: lower is better)
    ignore: frozenset[str]


def synonym_index(spec: TableSpec, overrides: dict[str, str]) -> Index:
    keys: dict[str, tuple[str, int]] = {}
    ignore: set[str] = set()
    for their, ours in overrides.items():
        key = normalize_header(their)
        if ours.strip().casefold() in IGNORE_WORDS:
            ignore.add(key)
        elif spec.has(ours):
            keys[key] = (ours, -1)
    for col in spec.columns:  # the table's own columns come before the shared dimensions
        for pref, text in enumerate((col.name, col.name.replace("_", " "), *col.synonyms)):
            keys.setdefault(normalize_header(text), (col.name, pref))
    return Index(spec.name, keys, frozenset(ignore))


def sheet_name_keys(schema: Schema) -> dict[str, tuple[str, ...]]:
    out = {t.name: tuple(normalize_header(s) for s in (t.name.replace("_", " "), *t.sheet_names))
           for t in schema.tables.values()}
    out[KPI_SHEET] = kpi_sheet_words().sheet_names
    return out


def name_hits(text: str, keys: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Tables whose sheet-name words occur in `text`, with the number of words matched (specificity)."""
    name = f" {normalize_header(text)} "
    hits: dict[str, int] = {}
    for table, words in keys.items():
        for w in words:
            if w and f" {w} " in name:
                hits[table] = max(hits.get(table, 0), len(w.split()))
    return hits


# --- header rows -----------------------------------------------------------------------------------

@dataclass
class Header:
    """One candidate header: a row, or two rows joined."""

    row: int
    double: bool
    keys: dict[int, tuple[str, ...]]  # column -> keys to try, best first
    texts: dict[int, str]  # column -> header as written ("Amount / USD")


@dataclass
class Match:
    table: str
    header: Header
    columns: dict[str, int]
    shadowed: list[tuple[str, int, int]]  # (column, used index, other index that also matched)
    required: int
    complete: bool

    @property
    def score(self) -> int:
        return 10 * self.required + len(self.columns)


def filled_merges(sheet: RawSheet, start: int, stop: int) -> dict[tuple[int, int], object]:
    """Cells covered by a merge that starts in [start, stop): the merge's value (only its top-left
    cell holds it)."""
    filled: dict[tuple[int, int], object] = {}
    for r0, c0, r1, c1 in sheet.merges:
        if r1 < start or r0 >= stop or (r1 - r0 + 1) * (c1 - c0 + 1) > _MAX_MERGE_CELLS:
            continue
        if r0 >= sheet.n_rows:
            continue
        top = sheet.row(r0)
        if c0 >= len(top):
            continue
        value = top[c0]
        for r in range(max(r0, start), min(r1, stop - 1) + 1):
            for c in range(c0, c1 + 1):
                filled[(r, c)] = value
    return filled


def row_texts(row: list[object], i: int, filled: dict[tuple[int, int], object]) -> tuple[dict[int, str], bool]:
    """Header texts by column, and whether the row holds nothing but text."""
    texts: dict[int, str] = {}
    textlike = True
    for j, cell in enumerate(row):
        cell = filled.get((i, j), cell)
        if isinstance(cell, str):
            if cell.strip():
                texts[j] = " ".join(cell.split())
        elif cell is not None:
            textlike = False
    for (r, c), cell in filled.items():  # merges reaching beyond the row's last cell
        if r == i and c >= len(row) and isinstance(cell, str) and cell.strip():
            texts[c] = " ".join(cell.split())
    return texts, textlike and bool(texts)


def candidates(sheet: RawSheet, start: int, stop: int) -> list[Header]:
    filled = filled_merges(sheet, start, stop)
    rows = [row_texts(sheet.row(i), i, filled) for i in range(start, stop)]
    out: list[Header] = []
    for k, (texts, textlike) in enumerate(rows):
        i = start + k
        out.append(Header(i, False, {j: header_keys(t) for j, t in texts.items()}, texts))
        if k == 0 or not textlike or not rows[k - 1][1]:
            continue
        top = rows[k - 1][0]
        keys: dict[int, tuple[str, ...]] = {}
        shown: dict[int, str] = {}
        for j in sorted(set(top) | set(texts)):
            a, b = top.get(j), texts.get(j)
            if a and b and a != b:
                keys[j] = tuple(dict.fromkeys((*header_keys(f"{a} {b}"), *header_keys(b))))
                shown[j] = f"{a} / {b}"
            else:
                keys[j] = header_keys(b or a)
                shown[j] = b or a or ""
        out.append(Header(i, True, keys, shown))
    return out


def match_header(header: Header, index: Index, spec: TableSpec) -> Match:
    best: dict[str, tuple[int, int]] = {}
    shadowed: list[tuple[str, int, int]] = []
    for j, keys in header.keys.items():
        if not keys or keys[0] in index.ignore:
            continue
        for key in keys:
            hit = index.keys.get(key)
            if hit is None:
                continue
            col, pref = hit
            cur = best.get(col)
            if cur is None:
                best[col] = (pref, j)
            elif pref < cur[0]:
                shadowed.append((col, j, cur[1]))
                best[col] = (pref, j)
            else:
                shadowed.append((col, cur[1], j))
            break
    columns = {c: j for c, (_, j) in best.items()}
    found = 0
    for r in spec.required:
        if r in columns or any(set(alt) <= set(columns) for alt in ALTERNATIVES.get((spec.name, r), ())):
            found += 1
        elif spec.completable(r, set(columns)):
            found += 1  # supplied by a related file (order amounts from the order items file)
    shadowed = [(c, used, other) for c, used, other in shadowed if columns.get(c) == used]
    return Match(spec.name, header, columns, shadowed, found, found == len(spec.required))


def best_for_table(headers: list[Header], index: Index, spec: TableSpec) -> Match | None:
    best: Match | None = None
    best_key: tuple[int, int, int] | None = None
    singles = {h.row: 0 for h in headers if not h.double}
    matches = [match_header(h, index, spec) for h in headers]
    for m in matches:
        if not m.header.double:
            singles[m.header.row] = m.score
    first_complete = min((m.header.row for m in matches if m.complete), default=None)
    for m in matches:
        if not m.columns:
            continue
        if m.header.double and m.score <= singles.get(m.header.row, 0):
            continue  # a title row above a complete header adds nothing
        if first_complete is not None and m.header.row > first_complete + 1:
            continue  # the first complete header is the table's (a second table may follow below)
        key = (m.score, int(m.header.double), -m.header.row)
        if best_key is None or key > best_key:
            best, best_key = m, key
    return best


def choose_table(matches: dict[str, Match], forced: str | None, hits: dict[str, int],
            by: str) -> tuple[Match | None, str, str]:
    """The table for the sheet: (match, how it was recognised, a note or '')."""
    if forced is not None:
        m = matches.get(forced)
        return m, "config", ""

    def rank(m: Match) -> tuple[int, int, int, int, int]:
        return (int(m.complete), hits.get(m.table, 0), -m.header.row, len(m.columns), m.required)

    named = [m for t, m in matches.items() if t in hits]
    if named and by in ("file name", "title") and not any(m.complete for m in named):
        named = []  # a workbook's name or a title says little about a sheet that does not fit: judge by headers
    if named:
        best = max(named, key=rank)
        if best.complete:
            return best, by, ""
        others = [m for m in matches.values() if m.complete and len(m.columns) >= 2 and m.table not in hits]
        if others:
            alt = max(others, key=lambda m: (len(m.columns), m.required))
            if len(alt.columns) > len(best.columns):
                return alt, "headers", (f"the {by} suggests table {best.table!r}, but the headers fit "
                                        f"{alt.table!r}; read as {alt.table!r}")
        return best, by, ""
    complete = [m for m in matches.values() if m.complete and len(m.columns) >= 2]
    if complete:  # the topmost table (more may follow below), then the one that explains most headers
        return max(complete, key=lambda m: (-m.header.row, len(m.columns), m.required)), "headers", ""
    strong = [m for m in matches.values() if m.required >= 1 and len(m.columns) >= 3]
    if strong:
        return max(strong, key=lambda m: m.score), "headers", ""
    return None, "", ""
