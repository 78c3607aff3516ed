"""Validate stage: typed canonical tables from mapped sheets, every problem recorded.

Nothing here stops at the first bad cell. A cell that cannot be parsed is reported by file,
sheet and cell and left empty; a row missing a required value is excluded and counted; totals
rows, notes below the table and repeated header rows are left out with a note; hidden rows
are kept as data with a note; the user sees all of it at once.

Rows are handled as arrays: each mapped column is taken out of the sheet once, blank rows,
totals and notes are found with vectorised masks, and the converters in `columns.py` parse
text once per distinct value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..dataset import EVENT_TABLES, Dataset, Source, empty_kpi_sheet
from ..mapping import KPI_SHEET, MappedSheet
from ..mapping.normalize import cell_ref, normalize_header
from ..mapping.units import duration_base
from ..parsing import is_excel_error
from ..problems import Problem, ProblemLog, Severity, Where
from ..read.sheet import Column, is_blank
from ..schema import Schema, TableSpec, default_schema
from . import columns as conv
from .derive import derive
from .extras import extra_series
from .kpisheet import combine, read_kpi_sheet
from .locale import Locale
from .stray import drop_stray_dates

if TYPE_CHECKING:
    from ..catalog import Catalog

TOTAL_WORDS = frozenset({"total", "totals", "grand total", "toplam", "genel toplam", "sum", "ara toplam", "subtotal",
                         "sub total", "toplamlar", "overall total", "total general", "gesamt", "summe"})
# "Total North", "Toplam 2026": a totals row only when a required value of the row is empty too.
TOTAL_PREFIXES = frozenset({"total", "totals", "toplam", "subtotal", "grand"})
# Problems listed one by one per column; the rest are counted.
CELL_LIMIT = 20


def _convert(ctype: str, column: str, values, locale: Locale, date1904: bool, scale: float,
             notes: list[conv.Note]) -> tuple[pd.Series, list[conv.Failure]]:
    if ctype in ("number", "money"):
        return conv.to_number(values, locale.decimal, notes, scale=scale, duration_unit=duration_base(column),
                              amount=ctype == "money")
    if ctype == "score":
        return conv.to_score(values, locale.decimal, notes)
    if ctype == "date":
        return conv.to_date(values, locale.day_first, locale.date1904 or date1904, notes)
    if ctype == "bool":
        return conv.to_bool(values, notes)
    if ctype == "id":
        return conv.to_id(values, notes)
    if ctype == "period":
        return conv.to_period_text(values, notes)
    return conv.to_text(values, notes)


_LABEL_START = re.compile(r"(?i)^\W*(?:grand|genel|ara|sub|sum|summe|total|toplam|overall|gesamt)")


def _label_mask(a: Column, words: frozenset[str], prefixes: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """(exact totals label, 'Total ...' label) per row, from the distinct texts of one column."""
    n = len(a)
    exact = np.zeros(n, dtype=bool)
    prefix = np.zeros(n, dtype=bool)
    if isinstance(a, pd.Categorical):
        idx = np.flatnonzero(a.codes >= 0)
        codes, uniques = a.codes[idx], a.categories.to_numpy(dtype=object)
    elif a.dtype.kind != "O":  # typed numbers or dates hold no label
        return exact, prefix
    else:
        is_str = np.fromiter(map(isinstance, a, [str] * n), dtype=bool, count=n) if n else np.zeros(0, dtype=bool)
        idx = np.flatnonzero(is_str)
        if not len(idx):
            return exact, prefix
        codes, uniques = pd.factorize(a[idx])
    keys = [normalize_header(u) if len(u) < 40 and _LABEL_START.match(u) else "" for u in uniques]
    ex = np.array([k in words for k in keys], dtype=bool)
    pre = np.array([bool(k) and k.split()[0] in prefixes and k not in words for k in keys], dtype=bool)
    exact[idx] = ex[codes]
    prefix[idx] = pre[codes]
    return exact, prefix


def _equals(a: Column, text: str) -> np.ndarray:
    if isinstance(a, pd.Categorical):  # compared with the categories as an array: no hash table of a million IDs
        hits = np.flatnonzero(np.asarray(a.categories == text, dtype=bool))
        return np.asarray(a.codes == hits[0]) if len(hits) else np.zeros(len(a), bool)
    if a.dtype.kind != "O":
        return np.zeros(len(a), dtype=bool)
    return np.asarray(a == text, dtype=bool)


@dataclass
class _Rows:
    numbers: np.ndarray  # 0-based sheet row of each kept row
    values: dict[int, Column]  # column index -> cells of the kept rows (typed where the sheet is)
    read: int


def _rows(m: MappedSheet, spec: TableSpec, problems: ProblemLog, where: Where) -> _Rows:
    """The data rows below the header: blank rows skipped; totals, notes and repeated headers left out."""
    sheet = m.sheet
    first = m.header_row + 1
    end = sheet.n_rows if m.end_row is None else min(m.end_row, sheet.n_rows)
    size = max(0, end - first)
    used = sorted(set(m.columns.values()))
    cols = {j: sheet.column(j, first, end) for j in used}
    empties = {j: is_blank(a) for j, a in cols.items()}
    filled = np.zeros(size, dtype=np.int32)
    for e in empties.values():
        filled += ~e
    numbers = first + np.arange(size)
    keep = filled > 0
    read = int(keep.sum())
    dropped: dict[str, list[int]] = {}
    # notes and lone values below the last full row
    multi = np.flatnonzero(filled >= 2)
    if len(multi):
        tail = np.flatnonzero(keep)
        tail = tail[tail > multi[-1]]
        if len(tail):
            dropped["note(s) or lone value(s) below the table"] = (numbers[tail] + 1).tolist()
            keep[tail] = False
    hit = _totals_rows(m, spec, cols, empties, keep, first, end)
    if hit.any():
        dropped["totals row(s)"] = (numbers[hit] + 1).tolist()
        keep &= ~hit
    # a header repeated inside the data (page headers of printed exports)
    if len(used) >= 2:
        same = np.zeros(size, dtype=np.int32)
        header_row = sheet.row(m.header_row)
        for j in used:
            raw = header_row[j] if j < len(header_row) else None
            if isinstance(raw, str) and raw.strip():
                same += _equals(cols[j], raw)
        hit = keep & (same >= min(2, len(used)))
        if hit.any():
            dropped["repeated header row(s)"] = (numbers[hit] + 1).tolist()
            keep &= ~hit
    for what, rownums in dropped.items():
        rownums = sorted(set(rownums))
        shown = ", ".join(map(str, rownums[:5])) + (", ..." if len(rownums) > 5 else "")
        problems.add(Problem(f"{len(rownums)} {what} left out (row {shown})", severity=Severity.INFO, **where))
    idx = np.flatnonzero(keep)
    return _Rows(numbers[idx], {j: a[idx] for j, a in cols.items()}, read)


def _totals_rows(m: MappedSheet, spec: TableSpec, cols: dict[int, Column], empties: dict[int, np.ndarray],
                 keep: np.ndarray, first: int, end: int) -> np.ndarray:
    """Per row (of those kept): a totals row. That is a label ("Total", "Genel Toplam", "Total
    North") in the first columns or a mapped text column of a row that lacks a required value,
    or a label where a required date or number belongs."""
    size = len(keep)
    label_cols = set(range(3)) | {j for c, j in m.columns.items() if spec.column(c).type in ("text", "id")}
    required_empty = np.zeros(size, dtype=bool)
    for c in spec.required:
        if c in m.columns:
            required_empty |= empties[m.columns[c]]
    candidates = np.flatnonzero(keep & required_empty)
    hit = np.zeros(size, dtype=bool)
    if len(candidates):
        for j in sorted(label_cols):
            a = (cols[j] if j in cols else m.sheet.column(j, first, end))[candidates]
            exact, prefix = _label_mask(a, TOTAL_WORDS, TOTAL_PREFIXES)
            hit[candidates[exact | prefix]] = True
    tail = np.flatnonzero(keep)[-5:]
    for c in spec.required:  # the label where a required value belongs: "Total" in the date column
        if c not in m.columns:
            continue
        a = cols[m.columns[c]]
        if spec.column(c).type == "date":  # few distinct texts, if any: check every row ("Total January")
            exact, prefix = _label_mask(a, TOTAL_WORDS, TOTAL_PREFIXES)
            hit |= exact | prefix
        elif len(tail):  # other columns: the last rows only (a label mid-table comes with a blank value)
            exact, _ = _label_mask(a[tail], TOTAL_WORDS, TOTAL_PREFIXES)
            hit[tail[exact]] = True
    return hit & keep


def _report(problems: ProblemLog, items: list[tuple[int, str]], numbers: np.ndarray, j: int, header: str,
            where: Where, severity: Severity = Severity.WARNING) -> None:
    """Problems by cell, the first CELL_LIMIT one by one, the rest counted."""
    for pos, reason in items[:CELL_LIMIT]:
        problems.add(Problem(reason, cell=cell_ref(int(numbers[pos]), j), column=header, severity=severity, **where))
    rest = len(items) - CELL_LIMIT
    if rest > 0:
        key = (where["file"], where["sheet"], header)
        problems.suppressed[key] = problems.suppressed.get(key, 0) + rest


def validate_sheet(m: MappedSheet, schema: Schema, locale: Locale, problems: ProblemLog,
                   excel_errors: dict[tuple[str, str], int] | None = None,
                   ) -> tuple[pd.DataFrame, Source, np.ndarray]:
    """The sheet's typed rows, its Source, and the 0-based sheet row of each kept row (for cell
    references found later, such as stray dates over all the sheets of a table)."""
    spec = schema.tables[m.table]
    where: Where = {"file": m.sheet.file, "sheet": m.sheet.sheet, "table": m.table}
    got = _rows(m, spec, problems, where)
    numbers = got.numbers
    df, results = _typed_columns(m, spec, got, locale)
    drop = _sum_total_row(df, spec)
    if drop is not None:
        problems.add(Problem(f"row {int(numbers[drop]) + 1} has no {spec.required[0]} and its figures are the sums of "
                             "the rows above: a totals row, left out", severity=Severity.INFO, **where))
    errors, bad_rows = _column_problems(m, spec, got, results, drop, excel_errors, problems, where)
    bad_rows |= _missing_required(m, spec, df, drop, bad_rows, numbers, problems, where)
    if drop is not None:
        bad_rows.add(drop)
    excluded = len(bad_rows) - (1 if drop is not None else 0)
    if excluded:
        problems.add(Problem(f"{excluded} row(s) excluded because a required value is missing or unreadable",
                             severity=Severity.WARNING, **where))
    bad_rows |= _repeated_keys(df, spec, m, bad_rows, numbers, problems, where)
    if m.extras:  # joined at once: one insert per column would copy the frame each time
        extras = {name: extra_series(m, j, numbers, locale.decimal) for name, j in m.extras.items()}
        df = pd.concat([df, pd.DataFrame(extras, index=df.index)], axis=1)
    if bad_rows:
        df = df.drop(index=sorted(bad_rows))
    df = df.reset_index(drop=True)
    kept = np.delete(numbers, sorted(bad_rows)) if bad_rows else numbers
    hidden = _hidden_rows_used(m, kept, problems, where)
    source = Source(
        file=m.sheet.file, sheet=m.sheet.sheet, table=m.table, header_row=m.header_row + 1,
        rows_read=got.read - (1 if drop is not None else 0), rows_used=len(df),
        mapping=tuple((m.headers.get(j, ""), col) for col, j in m.columns.items())
        + tuple((m.headers.get(j, ""), f"{name} (extra)") for name, j in m.extras.items()), ignored=tuple(m.ignored),
        recognised_by=m.recognised_by, header_rows=m.header_rows, excel_errors=errors, hidden_rows=hidden,
        detail=m.sheet.detail,
    )
    return df, source, np.asarray(kept)


Results = dict[str, tuple[list[conv.Failure], list[conv.Note]]]  # column -> (its failures, its notes)


def _typed_columns(m: MappedSheet, spec: TableSpec, got: _Rows, locale: Locale) -> tuple[pd.DataFrame, Results]:
    """Every mapped column converted to its type, with what each conversion found."""
    frame: dict[str, pd.Series] = {}
    results: Results = {}
    for col, j in m.columns.items():
        notes: list[conv.Note] = []
        series, failures = _convert(spec.column(col).type, col, got.values[j], locale, m.sheet.date1904,
                                    m.scales.get(col, 1.0), notes)
        frame[col] = series
        results[col] = (failures, notes)
    return pd.DataFrame(frame, index=pd.RangeIndex(len(got.numbers))), results


def _column_problems(m: MappedSheet, spec: TableSpec, got: _Rows, results: Results, drop: int | None,
                     excel_errors: dict[tuple[str, str], int] | None, problems: ProblemLog,
                     where: Where) -> tuple[int, set[int]]:
    """Each column's failures and notes reported by cell (a totals row's left out); returns the
    number of cached Excel errors and the rows whose required values failed."""
    errors = 0
    bad_rows: set[int] = set()
    for col, j in m.columns.items():
        failures, notes = results[col]
        header = m.headers.get(j, col)
        if drop is not None:
            failures = [f for f in failures if f[0] != drop]
        n_err = sum(1 for pos, _ in failures if is_excel_error(got.values[j][pos]))
        if n_err and excel_errors is not None:
            excel_errors[(m.table, col)] = excel_errors.get((m.table, col), 0) + n_err
        errors += n_err
        _report(problems, failures, got.numbers, j, header, where)
        if spec.column(col).required:
            bad_rows.update(pos for pos, _ in failures)
        for note in notes:
            if note.position is None:
                problems.add(Problem(note.reason, column=header, severity=Severity(note.severity), **where))
        cell_notes = [(n.position, n.reason) for n in notes if n.position is not None and n.position != drop]
        if cell_notes:
            _report(problems, cell_notes, got.numbers, j, header, where, Severity.WARNING)
    return errors, bad_rows


def _missing_required(m: MappedSheet, spec: TableSpec, df: pd.DataFrame, drop: int | None, bad_rows: set[int],
                      numbers: np.ndarray, problems: ProblemLog, where: Where) -> set[int]:
    """The rows (not already excluded) with an empty required value, reported by cell."""
    new_rows: set[int] = set()
    for col in spec.required:
        if col not in df.columns:
            continue
        empty = df[col].isna().to_numpy().copy()
        if drop is not None:
            empty[drop] = False
        new = [int(p) for p in np.flatnonzero(empty) if int(p) not in bad_rows and int(p) not in new_rows]
        j = m.columns[col]
        _report(problems, [(p, f"required value {col} is empty; row excluded") for p in new], numbers, j,
                m.headers.get(j, col), where)
        new_rows.update(new)
    return new_rows


def _hidden_rows_used(m: MappedSheet, kept: np.ndarray, problems: ProblemLog, where: Where) -> int:
    """How many kept rows are hidden in the sheet (read as data all the same, and said so)."""
    if not m.sheet.hidden_rows:
        return 0
    hidden_used = np.flatnonzero(np.isin(kept, np.fromiter(m.sheet.hidden_rows, dtype=np.int64)))
    hidden = len(hidden_used)
    if hidden:
        rownums = (kept[hidden_used] + 1).tolist()
        shown = ", ".join(map(str, rownums[:5])) + (", ..." if hidden > 5 else "")
        problems.add(Problem(f"{hidden} hidden row(s) are read as data (row {shown}); delete them in the source "
                             "if they should not count", severity=Severity.INFO, **where))
    return hidden


def _repeated_keys(df: pd.DataFrame, spec: TableSpec, m: MappedSheet, bad_rows: set[int], numbers: np.ndarray,
                   problems: ProblemLog, where: Where) -> set[int]:
    """Rows repeating the key of a table whose row is one entity (a customer twice): reported by
    cell and left out, so the entity counts once. (Across files the model stage does the same.)"""
    if not spec.unique or spec.key is None or spec.key not in df.columns:
        return set()
    keys = df[spec.key].copy()
    if bad_rows:
        keys.iloc[sorted(bad_rows)] = pd.NA
    repeated = keys.notna().to_numpy() & keys.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return set()
    rows = [int(p) for p in np.flatnonzero(repeated)]
    firsts = keys[keys.notna()].drop_duplicates(keep="first")
    first = dict(zip(firsts.to_numpy(), numbers[firsts.index.to_numpy()] + 1, strict=True))
    j = m.columns[spec.key]
    _report(problems, [(p, f"{spec.key} {keys.iloc[p]!s} repeats row {int(first[keys.iloc[p]])}; this row is left "
                           f"out so it counts once") for p in rows[:CELL_LIMIT]], numbers, j,
            m.headers.get(j, spec.key), where)
    problems.add(Problem(f"{len(rows)} row(s) repeat a {spec.key} of an earlier row and are left out",
                         severity=Severity.WARNING, **where))
    return set(rows)


def _sum_total_row(df: pd.DataFrame, spec: TableSpec) -> int | None:
    """The last row, when it has no date and a figure that is the sum of the rows above."""
    if len(df) < 3:
        return None
    dates = [c for c in spec.required if spec.column(c).type == "date" and c in df.columns]
    if not dates or not df[dates].iloc[-1].isna().all():
        return None
    for c in df.columns:
        if spec.column(c).type not in ("number", "money"):
            continue
        v = df[c].iloc[-1]
        if pd.isna(v) or v == 0:
            continue
        s = df[c].iloc[:-1].sum()
        if abs(v - s) <= 1e-6 * max(1.0, abs(v)):
            return len(df) - 1
    return None


def validate(mapped: list[MappedSheet], problems: ProblemLog | None = None, locale: Locale | None = None,
             schema: Schema | None = None, catalog: Catalog | None = None) -> Dataset:
    schema = schema or default_schema()
    locale = locale or Locale()
    problems = problems if problems is not None else ProblemLog()
    parts: dict[str, list[tuple[pd.DataFrame, int, np.ndarray, MappedSheet]]] = {}
    sources: list[Source] = []
    excel_errors: dict[tuple[str, str], int] = {}
    kpi_frames: list[pd.DataFrame] = []
    for m in mapped:
        if m.table == KPI_SHEET:
            frame, src = read_kpi_sheet(m, locale, problems, catalog)
            kpi_frames.append(frame)
            sources.append(src)
            continue
        df, src, kept = validate_sheet(m, schema, locale, problems, excel_errors)
        parts.setdefault(m.table, []).append((df, len(sources), kept, m))
        sources.append(src)
    tables = {}
    for name, got in parts.items():
        if name in EVENT_TABLES:
            got = drop_stray_dates(name, got, sources, problems)
        frames = [f for f, *_ in got if not f.empty] or [got[0][0]]
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        tables[name] = derive(name, df, excel_errors, problems)
    kpi_sheet = empty_kpi_sheet()
    if kpi_frames:
        kpi_sheet = combine(kpi_frames, problems)
    return Dataset(tables=tables, sources=sources, problems=problems, excel_errors=excel_errors, kpi_sheet=kpi_sheet)
