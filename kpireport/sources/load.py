"""A source read where it lives: tables recognised on a sample, validated by queries, typed as
views. The rows never come into Python; only counts, a sample and (later) aggregates do.

1. Each relation (relations.py) shows the mapper its column names and its first SAMPLE_ROWS
   rows, as a sheet would: tables are recognised by name and columns exactly as in a workbook,
   with the config's mapping.
2. Plans and outside figures (targets, OKRs, market size: NOT_RECORDS) and monthly KPI sheets
   are small and read whole through the file path's validate stage.
3. Every other table becomes a view of its typed canonical columns (typing_sql.py), several
   relations of one table stacked, rows lacking a required value left out. One query per
   relation counts the values that do not read and the rows left out; each count is a problem
   naming the relation and column, with a few of the values as examples. The same query counts
   the text values that need trimming: a column without any is read as it is, so the report's
   many queries over the view do not trim every row again.
"""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd

from ..catalog import Catalog
from ..config import Config
from ..dataset import NOT_RECORDS, Dataset, Pushed, Source
from ..engines import Connection, EngineError
from ..errors import InputError
from ..mapping import map_sheets
from ..mapping.mapper import KPI_SHEET, MappedSheet
from ..problems import Problem, ProblemLog, Severity
from ..read.sheet import RawSheet
from ..schema import DTYPES, Schema, TableSpec, default_schema
from ..sqltext import ident
from ..validate import validate
from .locate import SourceSpec
from .relations import Relation, open_source
from .typing_sql import WORDS, bad_values, typed, untidy

SAMPLE_ROWS = 1000
EXAMPLES = 3
FEW_VALUES = 50  # distinct values in the sample under which a text column is checked over its distinct values


def load_source(spec: SourceSpec, config: Config, catalog: Catalog, schema: Schema | None = None) -> Dataset:
    """The source's tables, validated: small ones as frames, the rest as views on its engine."""
    schema = schema or default_schema()
    con, relations = open_source(spec, config.spark)
    problems = ProblemLog()
    sheets = {r.name: _readable(con, r) for r in relations}
    mapped, problems = map_sheets(list(sheets.values()), config.mapping, problems=problems, catalog=catalog)
    by_name = {r.name: r for r in relations}
    whole = [m for m in mapped if m.table in NOT_RECORDS or m.table == KPI_SHEET]
    pushed = [m for m in mapped if m not in whole]
    small = validate([_whole(con, by_name[m.sheet.sheet], m) for m in whole], problems, config.input_locale,
                     catalog=catalog) if whole else Dataset(problems=problems)
    names = itertools.count()
    parts: dict[str, list[tuple[str, list[str]]]] = {}
    sources = list(small.sources)
    for m in pushed:
        if m.end_row is not None or m.header_row != 0:
            problems.add(Problem(f"recognised as {m.table} below a title or beside another table; a database table "
                                 "or Parquet file must hold one table with its column names: left out",
                                 file=m.sheet.file, sheet=m.sheet.sheet, severity=Severity.WARNING))
            continue
        r = by_name[m.sheet.sheet]
        try:
            view, src = _typed_view(con, r, m, schema.tables[m.table], f"_part_{next(names)}", problems)
        except (duckdb.Error, EngineError) as exc:
            raise _unreadable(r, exc) from None
        parts.setdefault(m.table, []).append((view, list(m.columns)))
        sources.append(src)
    views: dict[str, str] = {}
    tables = dict(small.tables)
    for table, part_views in parts.items():
        view = f"_t_{table}"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS {_stacked(part_views, schema.tables[table])}")
        views[table] = view
        tables[table] = _stand_in(con, view, schema.tables[table])
    return Dataset(tables=tables, sources=sources, problems=problems, excel_errors=small.excel_errors,
                   kpi_sheet=small.kpi_sheet, pushed=Pushed(con, views, spec.shown))


def _stacked(parts: list[tuple[str, list[str]]], spec: TableSpec) -> str:
    """The parts of one table (views with some of its columns) one below the other, by column
    name: a column a part lacks is NULL there (what DuckDB's UNION ALL BY NAME does, written out
    for every engine)."""
    if len(parts) == 1:
        return f"SELECT * FROM {ident(parts[0][0])}"
    names = list(dict.fromkeys(c for _, cols in parts for c in cols))
    selects = []
    for view, cols in parts:
        items = [ident(c) if c in cols else f"CAST(NULL AS {SQL_TYPES.get(spec.column(c).type, 'VARCHAR')}) "
                 f"AS {ident(c)}" for c in names]
        selects.append(f"SELECT {', '.join(items)} FROM {ident(view)}")
    return " UNION ALL ".join(selects)


def _describe(con: Connection, r: Relation) -> list[tuple[str, str]]:
    return [(str(row[0]), str(row[1])) for row in con.execute(f"DESCRIBE SELECT * FROM {r.sql}").fetchall()]


def _sheet(r: Relation, names: list[str], rows: list[tuple]) -> RawSheet:
    return RawSheet(r.file, r.name, [list(names), *(list(row) for row in rows)], detail=f"read in place by {r.engine}")


def _readable(con: Connection, r: Relation) -> RawSheet:
    """The relation's sample; a file the engine cannot read is an input error naming it."""
    try:
        return _sample(con, r)
    except (duckdb.Error, EngineError) as exc:
        raise _unreadable(r, exc) from None


def _unreadable(r: Relation, exc: Exception) -> InputError:
    said = str(exc).splitlines()[0][:200]
    if r.engine == "DuckDB":  # a file (or a DuckDB file's table)
        return InputError(f"{r.file}: cannot be read ({said}).", "Check that it is a complete Parquet or CSV file "
                          "(or a readable table), or move it out of the folder.")
    return InputError(f"{r.file} / {r.name}: cannot be read ({said}).",
                      "Check that the user may read the table (GRANT SELECT), or move it out of the schema.")


def _sample(con: Connection, r: Relation) -> RawSheet:
    """The relation's column names and first rows, as a sheet for the mapper."""
    names = [n for n, _ in _describe(con, r)]
    return _sheet(r, names, con.execute(f"SELECT * FROM {r.sql} LIMIT {SAMPLE_ROWS}").fetchall())


def _whole(con: Connection, r: Relation, m: MappedSheet) -> MappedSheet:
    """A small table (a plan, a KPI sheet) read whole, for the file path's validate stage."""
    names = [n for n, _ in _describe(con, r)]
    m.sheet = _sheet(r, names, con.execute(f"SELECT * FROM {r.sql}").fetchall())
    return m


def _typed_view(con: Connection, r: Relation, m: MappedSheet, spec: TableSpec, view: str,
                problems: ProblemLog) -> tuple[str, Source]:
    """A view of the relation's typed canonical columns with only usable rows, and its Source
    (rows read and used counted by one query, with the values that do not read)."""
    types = dict(_describe(con, r))
    cols = {col: m.headers[j] for col, j in m.columns.items()}
    exprs = {col: typed(head, types[head], spec.column(col).type, m.scales.get(col, 1.0)) for col, head in cols.items()}
    required = [c for c in spec.required if c in cols]
    checks = {col: bad_values(head, types[head], spec.column(col).type) for col, head in cols.items()}
    checks = {c: sql for c, sql in checks.items() if sql is not None}
    untidy_sql = {col: sql for col, head in cols.items() if spec.column(col).type in ("id", "text", "period")
                  and (sql := untidy(head, types[head])) is not None}
    few = _few_values(m, cols, untidy_sql)
    by_row = {c: sql for c, sql in untidy_sql.items() if c not in few}
    missing = " OR ".join(f"({exprs[c]}) IS NULL" for c in required) or "FALSE"
    counts = [f"COUNT(*) FILTER (WHERE {sql})" for sql in [*checks.values(), *by_row.values()]]
    row = con.execute(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {missing}) {''.join(', ' + c for c in counts)} "
                      f"FROM {r.sql}").fetchall()[0]
    read, excluded = int(row[0]), int(row[1])
    bad, messy = row[2:2 + len(checks)], row[2 + len(checks):]
    tidy = {c for c, n in zip(by_row, messy, strict=True) if not n}
    if few:  # a handful of distinct values (region, status): checked over those, not over every row
        checked = " UNION ALL ".join(
            f"SELECT {k} AS k, COUNT(*) AS n FROM (SELECT DISTINCT {ident(cols[c])} FROM {r.sql}) d "
            f"WHERE {untidy_sql[c]}" for k, c in enumerate(few))
        messy_few = {int(k): int(n) for k, n in con.execute(checked).fetchall()}
        tidy |= {c for k, c in enumerate(few) if not messy_few.get(k)}
    exprs = {col: typed(head, types[head], spec.column(col).type, m.scales.get(col, 1.0), tidy=col in tidy)
             for col, head in cols.items()}
    keep = " AND ".join(f"{ident(c)} IS NOT NULL" for c in required) or "TRUE"
    select = ", ".join(f"{e} AS {ident(c)}" for c, e in exprs.items())
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS SELECT * FROM (SELECT {select} FROM {r.sql}) "
                f"WHERE {keep}")
    where = {"file": r.file, "sheet": r.name, "table": m.table}
    for (col, sql), n in zip(checks.items(), bad, strict=True):
        if n:
            shown = ", ".join(repr(str(v[0])) for v in con.execute(
                f"SELECT {ident(cols[col])} FROM {r.sql} WHERE {sql} LIMIT {EXAMPLES}").fetchall())
            problems.add(Problem(f"{n:,} value(s) are not {WORDS[spec.column(col).type]} (such as {shown}); "
                                 "read as empty", column=cols[col], severity=Severity.WARNING, **where))
    if excluded:
        problems.add(Problem(f"{excluded:,} row(s) excluded because a required value is missing or unreadable",
                             severity=Severity.WARNING, **where))
    src = Source(file=r.file, sheet=r.name, table=m.table, header_row=1, rows_read=read, rows_used=read - excluded,
                 mapping=tuple((cols[c], c) for c in cols), ignored=tuple(m.ignored),
                 recognised_by=m.recognised_by, detail=f"read in place by {r.engine}: {r.sql}")
    return view, src


def _few_values(m: MappedSheet, cols: dict[str, str], candidates: dict[str, str]) -> list[str]:
    """The text columns to check over their distinct values: those with at most FEW_VALUES in the
    sample (a column with more in the whole table is only checked more slowly, never wrongly)."""
    names = [str(h) for h in m.sheet.row(0)]
    rows = [m.sheet.row(i) for i in range(1, m.sheet.n_rows)]
    out = []
    for col in candidates:
        j = names.index(cols[col])
        if len({r[j] if j < len(r) else None for r in rows}) <= FEW_VALUES:
            out.append(col)
    return out


def _stand_in(con: Connection, view: str, spec: TableSpec) -> pd.DataFrame:
    """The view's columns, typed as the validate stage types them, with no row: what the stages
    that only look at a table's columns see."""
    names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {ident(view)}").fetchall()]
    kinds = {c.name: c.type for c in spec.columns}
    return pd.DataFrame({n: pd.Series(dtype=DTYPES.get(kinds.get(n, ""), "object")) for n in names})


# the SQL type of a view's column per schema type (what typing_sql.typed gives)
SQL_TYPES = {"date": "TIMESTAMP", "number": "DOUBLE", "money": "DOUBLE", "score": "DOUBLE", "bool": "BOOLEAN"}


