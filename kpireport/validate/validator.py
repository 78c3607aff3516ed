"""Validate stage: typed canonical tables from mapped sheets, every problem recorded.

Nothing here stops at the first bad cell. A cell that cannot be parsed is reported by file,
sheet and cell and left empty; a row missing a required value is excluded and counted; a
totals row is dropped; the user sees all of it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..dataset import Dataset, Source
from ..mapping import MappedSheet
from ..mapping.normalize import cell_ref, normalize_header
from ..problems import Problem, ProblemLog, Severity
from ..schema import Schema, default_schema
from . import columns as conv

TOTAL_WORDS = frozenset({"total", "totals", "grand total", "toplam", "genel toplam", "sum", "ara toplam", "subtotal"})


@dataclass(frozen=True)
class Locale:
    """How to read ambiguous text: decimal separator and day-first slash dates."""

    decimal: str = "."
    day_first: bool = True
    date1904: bool = False


def _convert(ctype: str, values: list[object], locale: Locale):
    if ctype in ("number", "money", "score"):
        return conv.to_number(values, locale.decimal)
    if ctype == "date":
        return conv.to_date(values, locale.day_first, locale.date1904)
    if ctype == "bool":
        return conv.to_bool(values)
    if ctype == "id":
        return conv.to_id(values)
    if ctype == "period":
        return conv.to_period_text(values)
    return conv.to_text(values)


def _data_rows(m: MappedSheet) -> tuple[list[list[object]], list[int]]:
    """Rows below the header that hold data, with their sheet row numbers; totals rows dropped."""
    rows, numbers = [], []
    used = list(m.columns.values())
    for offset, row in enumerate(m.sheet.rows[m.header_row + 1:]):
        cells = [row[j] if j < len(row) else None for j in used]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append(row)
        numbers.append(m.header_row + 1 + offset)
    return rows, numbers


def _is_total(row: list[object], first_cols: int = 3) -> bool:
    for c in row[:first_cols]:
        if isinstance(c, str) and normalize_header(c) in TOTAL_WORDS:
            return True
    return False


def validate_sheet(m: MappedSheet, schema: Schema, locale: Locale, problems: ProblemLog) -> tuple[pd.DataFrame, Source]:
    spec = schema.tables[m.table]
    rows, numbers = _data_rows(m)
    keep = [i for i, r in enumerate(rows) if not _is_total(r)]
    where = {"file": m.sheet.file, "sheet": m.sheet.sheet, "table": m.table}
    if len(keep) < len(rows):
        dropped = [numbers[i] + 1 for i in range(len(rows)) if i not in set(keep)]
        problems.add(Problem(f"{len(dropped)} totals row(s) left out (row {', '.join(map(str, dropped[:5]))})",
                             severity=Severity.INFO, **where))
        rows = [rows[i] for i in keep]
        numbers = [numbers[i] for i in keep]
    frame: dict[str, pd.Series] = {}
    bad_rows: set[int] = set()
    for col, j in m.columns.items():
        cspec = spec.column(col)
        values = [r[j] if j < len(r) else None for r in rows]
        series, failures = _convert(cspec.type, values, locale)
        for pos, reason in failures:
            problems.add(Problem(reason, cell=cell_ref(numbers[pos], j), column=m.headers.get(j, col), **where))
            if cspec.required:
                bad_rows.add(pos)
        frame[col] = series
    df = pd.DataFrame(frame)
    for col in spec.required:
        if col in df.columns:
            empty = df[col].isna()
            for pos in empty[empty].index[:20]:
                if pos not in bad_rows:
                    problems.add(Problem(f"required value {col} is empty; row excluded",
                                         cell=cell_ref(numbers[pos], m.columns[col]), column=m.headers.get(m.columns[col], col),
                                         **where))
            bad_rows |= set(empty[empty].index)
    if bad_rows:
        problems.add(Problem(f"{len(bad_rows)} row(s) excluded because a required value is missing or unreadable",
                             severity=Severity.WARNING, **where))
        df = df.drop(index=sorted(bad_rows))
    df = df.reset_index(drop=True)
    source = Source(
        file=m.sheet.file, sheet=m.sheet.sheet, table=m.table, header_row=m.header_row + 1,
        rows_read=len(rows), rows_used=len(df),
        mapping=tuple((m.headers.get(j, ""), col) for col, j in m.columns.items()), ignored=tuple(m.ignored),
    )
    return df, source


def _derive(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Fill canonical columns that the export gives in another form."""
    if table == "orders":
        if "revenue" not in df.columns and {"quantity", "unit_price"} <= set(df.columns):
            discount = df["discount"].fillna(0.0) if "discount" in df.columns else 0.0
            df["revenue"] = df["quantity"] * df["unit_price"] - discount
        if "cost" not in df.columns and "profit" in df.columns and "revenue" in df.columns:
            df["cost"] = df["revenue"] - df["profit"]
    if table == "tickets" and "created_at" in df.columns:
        if "resolved_at" not in df.columns and "resolution_seconds" in df.columns:
            df["resolved_at"] = df["created_at"] + pd.to_timedelta(df["resolution_seconds"], unit="s")
        if "first_response_at" not in df.columns and "wait_seconds" in df.columns:
            df["first_response_at"] = df["created_at"] + pd.to_timedelta(df["wait_seconds"], unit="s")
    return df


def validate(mapped: list[MappedSheet], problems: ProblemLog | None = None, locale: Locale | None = None,
             schema: Schema | None = None) -> Dataset:
    schema = schema or default_schema()
    locale = locale or Locale()
    problems = problems if problems is not None else ProblemLog()
    parts: dict[str, list[pd.DataFrame]] = {}
    sources: list[Source] = []
    for m in mapped:
        df, src = validate_sheet(m, schema, locale, problems)
        parts.setdefault(m.table, []).append(df)
        sources.append(src)
    tables = {}
    for name, frames in parts.items():
        frames = [f for f in frames if not f.empty] or frames[:1]
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        tables[name] = _derive(name, df)
    return Dataset(tables=tables, sources=sources, problems=problems)
