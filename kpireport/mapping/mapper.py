"""Map stage: decide which canonical table each sheet holds and which column is which.

A sheet is recognised by its name (e.g. "Orders", "Siparişler") or, failing that, by its
headers. The header row is searched in the first rows, so title blocks above it are fine.
A mapping from the config wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problems import Problem, ProblemLog, Severity
from ..read import RawSheet
from ..schema import Schema, TableSpec, default_schema
from .normalize import cell_ref, normalize_header

HEADER_SEARCH_ROWS = 30
# A required column may be given in another form, derived in validation.
ALTERNATIVES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("orders", "revenue"): (("quantity", "unit_price"),),
}


@dataclass(frozen=True)
class MappingOverrides:
    """User overrides from the config: sheet -> table, and per table header -> column."""

    sheets: dict[str, str] = field(default_factory=dict)  # "file/sheet", "sheet" or "file" -> table
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> {their header: our column}

    def table_for(self, sheet: RawSheet) -> str | None:
        for key in (f"{sheet.file}/{sheet.sheet}", sheet.sheet, sheet.file):
            if key in self.sheets:
                return self.sheets[key]
        return None


@dataclass
class MappedSheet:
    sheet: RawSheet
    table: str
    header_row: int  # 0-based row of the header in sheet.rows
    columns: dict[str, int]  # canonical column -> 0-based column index
    headers: dict[int, str]  # column index -> header text as written
    ignored: list[str]


def _synonym_index(spec: TableSpec, overrides: dict[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for their, ours in overrides.items():
        index[normalize_header(their)] = ours
    for col in spec.columns:
        for key in (col.name, col.name.replace("_", " "), *col.synonyms):
            index.setdefault(normalize_header(key), col.name)
    return index


def _match_row(row: list[object], index: dict[str, str]) -> tuple[dict[str, int], dict[int, str]]:
    cols: dict[str, int] = {}
    headers: dict[int, str] = {}
    for j, cell in enumerate(row):
        if cell is None or isinstance(cell, bool) or not isinstance(cell, str):
            continue
        key = normalize_header(cell)
        headers[j] = str(cell)
        name = index.get(key)
        if name and name not in cols:
            cols[name] = j
    return cols, headers


def _sheet_name_tables(sheet: RawSheet, schema: Schema) -> list[str]:
    names = {normalize_header(sheet.sheet), normalize_header(sheet.file.rsplit(".", 1)[0])}
    hits = []
    for t in schema.tables.values():
        keys = {normalize_header(s) for s in t.sheet_names}
        if names & keys:
            hits.append(t.name)
    return hits


def _best_header(sheet: RawSheet, spec: TableSpec, index: dict[str, str]) -> tuple[int, dict[str, int], dict[int, str]]:
    best: tuple[int, int, dict[str, int], dict[int, str]] = (-1, -1, {}, {})
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cols, headers = _match_row(row, index)
        score = len(cols) + 10 * sum(1 for r in spec.required if r in cols)
        if score > best[0]:
            best = (score, i, cols, headers)
    return best[1], best[2], best[3]


def map_sheet(sheet: RawSheet, schema: Schema, overrides: MappingOverrides, problems: ProblemLog) -> MappedSheet | None:
    forced = overrides.table_for(sheet)
    where = {"file": sheet.file, "sheet": sheet.sheet}
    if forced is not None and forced not in schema.tables:
        problems.add(Problem(f"the config maps this sheet to {forced!r}, which is not a table kpireport knows; "
                             f"use one of {', '.join(schema.tables)}", severity=Severity.ERROR, **where))
        return None
    if sheet.hidden and forced is None:
        problems.add(Problem("hidden sheet ignored (map it in the config to use it)", severity=Severity.INFO, **where))
        return None
    if not any(any(c is not None for c in row) for row in sheet.rows[:HEADER_SEARCH_ROWS]):
        problems.add(Problem("empty sheet ignored", severity=Severity.INFO, **where))
        return None
    by_name = _sheet_name_tables(sheet, schema)
    candidates = [forced] if forced else by_name or list(schema.tables)
    best: tuple[tuple[int, int], MappedSheet] | None = None
    for tname in candidates:
        spec = schema.tables[tname]
        index = _synonym_index(spec, overrides.columns.get(tname, {}))
        row, cols, headers = _best_header(sheet, spec, index)
        if row < 0:
            continue
        required_found = sum(1 for r in spec.required if r in cols)
        rank = (required_found == len(spec.required), required_found * 10 + len(cols))
        ignored = [h for j, h in headers.items() if j not in cols.values()]
        mapped = MappedSheet(sheet, tname, row, cols, headers, ignored)
        if best is None or rank > best[0]:
            best = (rank, mapped)
    if best is None or (not forced and not by_name and len(best[1].columns) < 2):
        problems.add(Problem("sheet not recognised as any input table; ignored. Name the sheet after its table "
                             "(e.g. Orders) or map it in the config", severity=Severity.INFO, **where))
        return None
    mapped = best[1]
    spec = schema.tables[mapped.table]
    missing = [r for r in spec.required if r not in mapped.columns
               and not any(set(alt) <= set(mapped.columns) for alt in ALTERNATIVES.get((mapped.table, r), ()))]
    if missing:
        hint = _did_you_mean(missing, mapped.headers, spec)
        problems.add(Problem(
            f"recognised as table {mapped.table!r} but required column(s) {', '.join(missing)} not found in the header "
            f"row {mapped.header_row + 1}{hint}; sheet ignored", severity=Severity.ERROR, table=mapped.table,
            cell=cell_ref(mapped.header_row, 0), **where))
        return None
    return mapped


def _did_you_mean(missing: list[str], headers: dict[int, str], spec: TableSpec) -> str:
    import difflib

    unused = [h for h in headers.values()]
    hints = []
    for m in missing:
        words = [m.replace("_", " "), *spec.column(m).synonyms]
        guesses = {g for w in words for g in difflib.get_close_matches(normalize_header(w),
                   [normalize_header(h) for h in unused], n=1, cutoff=0.6)}
        if guesses:
            original = [h for h in unused if normalize_header(h) in guesses]
            hints.append(f"{m}: did you mean {', '.join(repr(o) for o in original)}?")
    return (" (" + "; ".join(hints) + ")") if hints else ""


def map_sheets(sheets: list[RawSheet], overrides: MappingOverrides | None = None, schema: Schema | None = None,
               problems: ProblemLog | None = None) -> tuple[list[MappedSheet], ProblemLog]:
    schema = schema or default_schema()
    problems = problems if problems is not None else ProblemLog()
    overrides = overrides or MappingOverrides()
    out = [m for s in sheets if (m := map_sheet(s, schema, overrides, problems)) is not None]
    return out, problems
