"""Map stage: decide which canonical table each sheet holds and which column is which.

A sheet is recognised by its name ("Orders", "Siparişler", "Sales Pipeline"; a CSV by its file
name) or, failing that, by its headers; a mapping from the config wins over both. The header
row is searched in the first rows, so title blocks above it are fine; a header split over two
rows is joined ("Amount" merged over "USD | TL" gives "Amount USD" and "Amount TL"; a group
title over real headers is tried with and without the title). Several tables on one sheet,
separated by blank rows, become several mapped blocks. A sheet laid out as the monthly KPI
sheet (one row per KPI, one column per month) is mapped as `KPI_SHEET`.

Everything decided here is reported: what was recognised and how, duplicate headers, headers
matched twice, units converted, and for a missing required column the headers that come
closest, by name and by the values below them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..catalog import default_catalog
from ..problems import Problem, ProblemLog, Severity, Where
from ..read import RawSheet
from ..read.sheet import is_blank
from ..schema import Schema, TableSpec, default_schema
from .extras import extra_columns
from .headers import (
    ALTERNATIVES,
    IGNORE_WORDS,
    Match,
    best_for_table,
    candidates,
    choose_table,
    filled_merges,
    match_header,
    name_hits,
    sheet_name_keys,
    synonym_index,
)
from .hints import missing_hint, report_headers
from .ignored import report_ignored_columns
from .kpisheet import (
    KPI_SHEET,
    KPI_SHEET_ALIASES,
    KpiLayout,
    KpiResolver,
    detect_layout,
    has_month_row,
)
from .normalize import cell_ref, normalize_header
from .units import unit_scales

if TYPE_CHECKING:
    from ..catalog import Catalog

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class MappingOverrides:
    """User overrides from the config: sheet -> table, and per table header -> column."""

    sheets: dict[str, str] = field(default_factory=dict)  # "file/sheet", "sheet" or "file" -> table
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> {their header: our column}

    def table_for(self, sheet: RawSheet) -> str | None:
        keys = (f"{sheet.file}/{sheet.sheet}", sheet.sheet, sheet.file)
        for key in keys:
            if key in self.sheets:
                return self.sheets[key]
        folded = {k.strip().casefold(): v for k, v in self.sheets.items()}
        for key in keys:
            if key.strip().casefold() in folded:
                return folded[key.strip().casefold()]
        return None


@dataclass
class MappedSheet:
    """One table found on a sheet: where its header is, which column is which.

    header_row is the 0-based row of the (lower) header row; data follow it up to end_row
    (exclusive, None: to the end of the sheet). header_rows is 2 for a two-row header.
    scales multiply a column's numbers (a header in minutes for a seconds column: 60).
    For the monthly KPI sheet, table is KPI_SHEET and kpi_layout says where things are.
    """

    sheet: RawSheet
    table: str
    header_row: int  # 0-based row of the header in the sheet
    columns: dict[str, int]  # canonical column -> 0-based column index
    headers: dict[int, str]  # column index -> header text as written
    ignored: list[str]
    header_rows: int = 1
    end_row: int | None = None
    scales: dict[str, float] = field(default_factory=dict)
    kpi_layout: KpiLayout | None = None
    recognised_by: str = "headers"  # config | sheet name | file name | headers
    extras: dict[str, int] = field(default_factory=dict)  # extra column's safe name -> 0-based index (extras.py)


# --- blocks: several tables on one sheet ----------------------------------------------------------

def _is_empty(v: object) -> bool:
    return v is None or v == ""


def _blank_candidates(sheet: RawSheet, first: int, cols: list[int]) -> list[int]:
    """Rows after `first` that are entirely blank (checked in two mapped columns first, vectorised)."""
    n = sheet.n_rows
    if first >= n:
        return []
    empty = np.ones(n - first, dtype=bool)
    for j in cols[:2]:
        empty &= is_blank(sheet.column(j, first, n))
    out = []
    for k in np.flatnonzero(empty).tolist():
        if all(_is_empty(c) for c in sheet.row(first + k)):
            out.append(first + k)
    return out


# --- sheets ----------------------------------------------------------------------------------------

class _Context:
    def __init__(self, schema: Schema, overrides: MappingOverrides, problems: ProblemLog,
                 catalog: Catalog | None) -> None:
        self.schema = schema
        self.overrides = overrides
        self.problems = problems
        self._catalog = catalog
        self._resolver: KpiResolver | None = None
        self.indexes = {t: synonym_index(spec, overrides.columns.get(t, {})) for t, spec in schema.tables.items()}
        self.name_keys = sheet_name_keys(schema)

    @property
    def resolver(self) -> KpiResolver:
        if self._resolver is None:
            if self._catalog is None:
                self._catalog = default_catalog()
            self._resolver = KpiResolver(self._catalog)
        return self._resolver


def map_sheet(sheet: RawSheet, schema: Schema, overrides: MappingOverrides, problems: ProblemLog,
              catalog: Catalog | None = None) -> MappedSheet | None:
    """The first table on the sheet (see map_sheet_blocks for all of them)."""
    found = map_sheet_blocks(sheet, _Context(schema, overrides, problems, catalog))
    return found[0] if found else None


def map_sheet_blocks(sheet: RawSheet, ctx: _Context) -> list[MappedSheet]:
    forced = ctx.overrides.table_for(sheet)
    where: Where = {"file": sheet.file, "sheet": sheet.sheet}
    problems = ctx.problems
    if forced is not None and forced.strip().casefold() in IGNORE_WORDS - {""}:
        problems.add(Problem("ignored: the config marks it 'ignore' (mapping: sheets)", severity=Severity.INFO,
                             **where))
        return []
    if forced is not None and forced.strip().casefold() in KPI_SHEET_ALIASES:
        forced = KPI_SHEET
    if forced is not None and forced not in ctx.schema.tables and forced != KPI_SHEET:
        problems.add(Problem(f"the config maps this sheet to {forced!r}, which is not a table kpireport knows; "
                             f"use one of {', '.join(ctx.schema.tables)} or {KPI_SHEET}",
                             severity=Severity.ERROR, **where))
        return []
    if sheet.hidden and forced is None:
        problems.add(Problem("hidden sheet ignored (map it in the config to use it)", severity=Severity.INFO, **where))
        return []
    if not any(any(not _is_empty(c) for c in row) for row in sheet.row_slice(0, HEADER_SEARCH_ROWS)):
        problems.add(Problem("empty sheet ignored", severity=Severity.INFO, **where))
        return []
    out: list[MappedSheet] = []
    start: int | None = 0
    while start is not None and start < sheet.n_rows:
        mapped, start = _map_block(sheet, start, forced, ctx, first=not out)
        if mapped is None:
            break
        out.append(mapped)
    if len(out) > 1:
        problems.add(Problem(f"{len(out)} tables found on this sheet, separated by blank rows: "
                             + "; ".join(f"{m.table} (header row {m.header_row + 1})" for m in out),
                             severity=Severity.INFO, **where))
    return out


def _map_block(sheet: RawSheet, start: int, forced: str | None, ctx: _Context,
               first: bool) -> tuple[MappedSheet | None, int | None]:
    """The table whose header is among the rows from `start`, and where the search for the next
    table on the sheet starts (None: no further table)."""
    where: Where = {"file": sheet.file, "sheet": sheet.sheet}
    problems = ctx.problems
    stop = min(sheet.n_rows, start + HEADER_SEARCH_ROWS)
    hits, by = _name_hits(sheet, start, stop, ctx, first)
    if first and (forced == KPI_SHEET or forced is None) and has_month_row(sheet, start, stop):
        kpi_sheet = _kpi_sheet(sheet, start, stop, forced, ctx, hits, by)
        if kpi_sheet is not None:
            return kpi_sheet, None
    if first and forced == KPI_SHEET:
        problems.add(Problem("the config maps this sheet to the KPI sheet, but no row of month headers "
                             "(2026-01, Oca 2026, Jan-26, ...) with KPI names below was found",
                             severity=Severity.ERROR, **where))
        return None, None
    found = candidates(sheet, start, stop)
    matches: dict[str, Match] = {}
    for tname, spec in ctx.schema.tables.items():
        m = best_for_table(found, ctx.indexes[tname], spec)
        if m is not None:
            matches[tname] = m
    chosen, how, note = choose_table(matches, forced, hits, by)
    if chosen is None:
        if first:
            problems.add(Problem("sheet not recognised as any input table; ignored. Name the sheet after its table "
                                 "(e.g. Orders) or map it in the config", severity=Severity.INFO, **where))
        return None, None
    spec = ctx.schema.tables[chosen.table]
    if note:
        problems.add(Problem(note, severity=Severity.INFO, file=sheet.file, sheet=sheet.sheet, table=chosen.table))
    if not chosen.complete:
        _report_incomplete(sheet, spec, chosen, how, problems)
        return None, None
    return _mapped_table(sheet, spec, chosen, how, ctx)


def _name_hits(sheet: RawSheet, start: int, stop: int, ctx: _Context, first: bool) -> tuple[dict[str, int], str]:
    """The tables the sheet's name, the titles above the block or the file's name suggest, and
    which of them spoke (the first that names any table)."""
    sheet_hits = name_hits(sheet.sheet, ctx.name_keys)
    file_hits = name_hits(sheet.file.rsplit(".", 1)[0], ctx.name_keys)
    title_hits = name_hits(" | ".join(_titles(sheet, start, min(stop, start + 5))), ctx.name_keys)
    order = [(sheet_hits, "sheet name"), (title_hits, "title"), (file_hits, "file name")]
    if not first:  # a table further down the sheet: its own title says more than the sheet's name
        order = [(title_hits, "title"), (sheet_hits, "sheet name"), (file_hits, "file name")]
    return next(((h, b) for h, b in order if h), ({}, "file name"))


def _kpi_sheet(sheet: RawSheet, start: int, stop: int, forced: str | None, ctx: _Context, hits: dict[str, int],
               by: str) -> MappedSheet | None:
    """The sheet as the monthly KPI sheet, when a layout of month headers over KPI names is found."""
    filled = filled_merges(sheet, start, stop)
    found = detect_layout(sheet, start, HEADER_SEARCH_ROWS, ctx.resolver, filled,
                          names_hit=forced == KPI_SHEET or KPI_SHEET in hits, targets_hit="targets" in hits)
    if found is None:
        return None
    header, layout = found
    headers = {j: str(c).strip() for j, c in enumerate(sheet.row(header)) if not _is_empty(c)}
    return MappedSheet(sheet, KPI_SHEET, header, {}, headers, layout.ignored, kpi_layout=layout,
                       recognised_by="config" if forced else (by if KPI_SHEET in hits else "layout"))


def _report_incomplete(sheet: RawSheet, spec: TableSpec, chosen: Match, how: str, problems: ProblemLog) -> None:
    """A table recognised without all its required columns: an error (a warning when only its
    headers suggested it), naming the missing columns and the closest headers."""
    header = chosen.header
    missing = [r for r in spec.required if r not in chosen.columns
               and not any(set(alt) <= set(chosen.columns) for alt in ALTERNATIVES.get((spec.name, r), ()))]
    hint = missing_hint(missing, header, chosen.columns, sheet, spec)
    severity = Severity.ERROR if how != "headers" else Severity.WARNING
    problems.add(Problem(
        f"recognised as table {spec.name!r} (by {how}) but required column(s) {', '.join(missing)} not found in "
        f"the header row {header.row + 1}{hint}; sheet ignored", severity=severity, table=spec.name,
        cell=cell_ref(header.row, min(header.texts) if header.texts else 0), file=sheet.file, sheet=sheet.sheet))


def _mapped_table(sheet: RawSheet, spec: TableSpec, chosen: Match, how: str,
                  ctx: _Context) -> tuple[MappedSheet, int | None]:
    """The chosen table mapped: its columns, unit conversions, extra and ignored columns reported;
    with where the next table's search starts when another follows a blank row."""
    problems = ctx.problems
    header = chosen.header
    texts = header.texts
    used = set(chosen.columns.values())
    ignored = [t for j, t in sorted(texts.items()) if j not in used]
    mapped = MappedSheet(sheet, spec.name, header.row, dict(chosen.columns), dict(texts), ignored,
                         header_rows=2 if header.double else 1, recognised_by=how)
    where: Where = {"file": sheet.file, "sheet": sheet.sheet, "table": spec.name}
    report_headers(mapped.headers, mapped.columns, mapped.header_row, chosen.shadowed, where, problems)
    mapped.scales.update(unit_scales(mapped.columns, mapped.headers, where, problems))
    nxt = _next_block(sheet, mapped, ctx)
    if nxt is not None:
        mapped.end_row = nxt[0]
    marked = report_ignored_columns(sheet, spec.name, header.row, mapped.end_row, mapped.columns, mapped.headers,
                                    problems)
    plain = {m.split(" (")[0] for m in marked}
    skipped = {j for j, t in texts.items() if t in plain} | {other for _, _, other in chosen.shadowed}
    ignore = ctx.indexes[spec.name].ignore
    skipped |= set(sheet.hidden_cols) | {j for j, t in texts.items() if normalize_header(t) in ignore}
    mapped.extras = extra_columns(spec, texts, used, skipped, problems, where)
    kept = {texts[j] for j in mapped.extras.values()}
    mapped.ignored = [t for t in mapped.ignored if t not in plain and t not in kept] + marked
    return mapped, (nxt[1] if nxt is not None else None)
def _titles(sheet: RawSheet, start: int, stop: int) -> list[str]:
    """Rows holding a single text: titles above a table ("Expenses", "Sales report 2026")."""
    out = []
    for row in sheet.row_slice(start, stop):
        filled = [c for c in row if not _is_empty(c)]
        if len(filled) == 1 and isinstance(filled[0], str):
            out.append(filled[0])
        elif len(filled) > 1:
            break
    return out


def _next_block(sheet: RawSheet, m: MappedSheet, ctx: _Context) -> tuple[int, int] | None:
    """(end of this table, header search start of the next) when another table follows a blank row."""
    first = m.header_row + 1
    cols = sorted(m.columns.values())
    n = sheet.n_rows
    blanks = _blank_candidates(sheet, first, cols)
    blank_set = set(blanks)
    for k in blanks:
        j = k + 1
        if j >= n or j in blank_set:
            continue
        stop = min(n, j + 3)
        for header in candidates(sheet, j, stop):
            if header.double or len(header.keys) < 2:
                continue
            row = sheet.row(header.row)
            if any(not _is_empty(c) and not isinstance(c, str) for c in row):
                continue
            for tname, spec in ctx.schema.tables.items():
                mt = match_header(header, ctx.indexes[tname], spec)
                if mt.complete and len(mt.columns) >= 2:
                    return k, j
    return None


def check_overrides(overrides: MappingOverrides, schema: Schema, problems: ProblemLog) -> None:
    """Column mappings in the config that name an unknown table or column."""
    for table, cols in overrides.columns.items():
        spec = schema.tables.get(table)
        if spec is None:
            problems.add(Problem(f"the config maps columns of {table!r}, which is not a table kpireport knows; use one "
                                 f"of {', '.join(schema.tables)}", severity=Severity.ERROR))
            continue
        for their, ours in cols.items():
            if ours.strip().casefold() not in IGNORE_WORDS and not spec.has(ours):
                close = difflib.get_close_matches(ours, [c.name for c in spec.columns], n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.add(Problem(f"the config maps header {their!r} to {ours!r}, which is not a column of "
                                     f"{table!r}{hint}; columns: {', '.join(c.name for c in spec.columns)}",
                                     severity=Severity.ERROR, table=table))


def map_sheets(sheets: list[RawSheet], overrides: MappingOverrides | None = None, schema: Schema | None = None,
               problems: ProblemLog | None = None, catalog: Catalog | None = None,
               ) -> tuple[list[MappedSheet], ProblemLog]:
    schema = schema or default_schema()
    problems = problems if problems is not None else ProblemLog()
    overrides = overrides or MappingOverrides()
    check_overrides(overrides, schema, problems)
    ctx = _Context(schema, overrides, problems, catalog)
    out: list[MappedSheet] = []
    for s in sheets:
        out.extend(map_sheet_blocks(s, ctx))
    return out, problems


__all__ = ["ALTERNATIVES", "HEADER_SEARCH_ROWS", "KPI_SHEET", "MappedSheet", "MappingOverrides", "map_sheet",
           "map_sheets"]
