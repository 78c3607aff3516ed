"""The validated input: one typed DataFrame per canonical table, plus where it came from.

This is the narrow interface between the input stages (read, map, validate) and compute.

Besides the record tables it carries:

- `excel_errors`: cached Excel errors (#DIV/0!, #N/A, ...) per (table, column), counted over
  every input sheet. The cells are excluded (a required one excludes its row) and each is
  reported by cell in `problems`; the count lets a renderer say "3 cells with Excel errors"
  next to a KPI that reads the column (`excel_errors_for`).
- `company` / `title`: the first input workbook's document properties (read/docprops.py),
  the report's company name when the config names none.
- `kpi_sheet`: values typed by hand in a monthly KPI sheet, one row per KPI and month:
  kpi (catalog id), period ('YYYY-MM'), value, target (floats, NaN when not given), and
  file / sheet / cell of the value (or of the target when there is no value), in catalog
  units (percentages as fractions, durations in seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .problems import ProblemLog
from .schema import default_schema
from .sqltext import ident

if TYPE_CHECKING:
    from .catalog import Catalog

KPI_SHEET_COLUMNS = ("kpi", "period", "value", "target", "file", "sheet", "cell")


def empty_kpi_sheet() -> pd.DataFrame:
    return pd.DataFrame({
        "kpi": pd.Series(dtype="string"), "period": pd.Series(dtype="string"),
        "value": pd.Series(dtype="float64"), "target": pd.Series(dtype="float64"),
        "file": pd.Series(dtype="string"), "sheet": pd.Series(dtype="string"), "cell": pd.Series(dtype="string"),
    })


@dataclass(frozen=True)
class Source:
    """One input sheet (or one table block of a sheet) that became (part of) a canonical table.

    header_row is 1-based as Excel shows it (the lower row of a two-row header); rows_read
    counts the data rows found below it, rows_used those kept. kind is "records" or
    "kpi sheet"; recognised_by says how the table was found (config, sheet name, file name,
    headers, layout); detail how the file was read (CSV delimiter and encoding, 1904 dates).
    """

    file: str
    sheet: str
    table: str
    header_row: int
    rows_read: int
    rows_used: int
    mapping: tuple[tuple[str, str], ...]  # (their header, our column)
    ignored: tuple[str, ...] = ()
    kind: str = "records"
    recognised_by: str = ""
    header_rows: int = 1
    excel_errors: int = 0
    hidden_rows: int = 0
    detail: str = ""


@dataclass
class Pushed:
    """Tables that stay in the engine that holds the data (a Parquet lake, a DuckDB file): the
    connection, and per canonical table the view of its validated rows. Such a table appears in
    `Dataset.tables` as a frame with its typed columns and no row; whatever needs its rows asks
    here (counts, first and last dates) or queries the view (the compute engine, the model)."""

    con: Any  # a duckdb connection (typed loosely: this module is imported by every stage)
    views: dict[str, str]
    shown: str  # the source as messages name it (never with a password)

    _asked: dict = field(default_factory=dict, repr=False, compare=False)  # answers so far (the views never change)

    def _ask(self, sql: str):
        if sql not in self._asked:
            self._asked[sql] = self.con.execute(sql).fetchall()
        return self._asked[sql]

    def rows(self, table: str) -> int:
        return int(self._ask(f"SELECT COUNT(*) FROM {ident(self.views[table])}")[0][0])

    def filled(self, table: str, column: str) -> bool:
        """Some row has a value in the column."""
        return bool(self._ask(f"SELECT 1 FROM {ident(self.views[table])} WHERE {ident(column)} IS NOT NULL LIMIT 1"))

    def extreme(self, table: str, column: str, pick) -> pd.Timestamp | None:
        agg = "MAX" if pick is max else "MIN"
        v = self._ask(f"SELECT {agg}({ident(column)}) FROM {ident(self.views[table])}")[0][0]
        return None if v is None else pd.Timestamp(v)




@dataclass
class Dataset:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    excel_errors: dict[tuple[str, str], int] = field(default_factory=dict)
    kpi_sheet: pd.DataFrame = field(default_factory=empty_kpi_sheet)
    # the last day of the month a customer snapshot without dates describes (model/snapshot.py):
    # with no event table, the report is of that month alone
    as_of: pd.Timestamp | None = None
    # Company and Title from the document properties of the first input .xlsx that has them
    # (read/docprops.py): the company name of a report when the config gives none.
    company: str = ""
    title: str = ""
    currency: str = ""  # the same workbook's custom property "Currency", when a 3-letter code
    pushed: Pushed | None = None  # tables left where the data lives (sources/), None for files read whole
    # columns the model made rather than read, with every value they can hold: a status column made
    # from a returns list says "returned" or nothing, so no KPI may read a cancellation from it
    derived: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def row_count(self, table: str) -> int:
        """Rows of a table, counted where it lives."""
        if self.pushed is not None and table in self.pushed.views:
            return self.pushed.rows(table)
        return len(self.tables[table])

    def filled(self, table: str, column: str) -> bool:
        """Some row of the table has a value in the column."""
        if self.pushed is not None and table in self.pushed.views:
            return self.pushed.filled(table, column)
        return bool(self.tables[table][column].notna().any())

    def has(self, table: str, columns: set[str] | None = None) -> bool:
        df = self.tables.get(table)
        if df is None:
            return False
        return not columns or columns <= set(df.columns)

    def missing(self, table: str, columns: set[str]) -> set[str]:
        df = self.tables.get(table)
        return set(columns) if df is None else set(columns) - set(df.columns)

    def excel_errors_for(self, kpi_id: str, catalog: Catalog) -> int:
        """Cells with cached Excel errors in the columns the KPI reads (through catalog.inputs)."""
        return sum(self.excel_errors_by_column(kpi_id, catalog).values())

    def excel_errors_by_column(self, kpi_id: str, catalog: Catalog) -> dict[tuple[str, str], int]:
        """As excel_errors_for, per (table, column) with at least one error."""
        out: dict[tuple[str, str], int] = {}
        for table, cols in catalog.inputs(kpi_id).items():
            for col in sorted(cols):
                n = self.excel_errors.get((table, col), 0)
                if n:
                    out[(table, col)] = n
        return out

    def typed_kpis(self) -> set[str]:
        """KPIs with at least one value typed in a monthly KPI sheet."""
        if self.kpi_sheet.empty:
            return set()
        return set(self.kpi_sheet.loc[self.kpi_sheet["value"].notna(), "kpi"].astype(str))

    def kpi_sheet_span(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First day of the first month and last day of the last month with a typed value."""
        if self.kpi_sheet.empty or not self.kpi_sheet["value"].notna().any():
            return None
        months = pd.PeriodIndex(self.kpi_sheet.loc[self.kpi_sheet["value"].notna(), "period"].astype(str), freq="M")
        return months.min().start_time, months.max().end_time.normalize()

    def last_date(self) -> pd.Timestamp | None:
        """The latest date of the rows, for "latest complete period".

        Taken over the event tables (EVENT_TABLES) when any has dated rows; else over the other
        record tables (a customers-only input is reported up to its last acquisition date); from
        the KPI sheet's last month only when no record table has dates. Each table's date is the
        column that places its rows (`placing_date`), never an ID that happens to come first.
        """
        best = _extreme(self, EVENT_TABLES, max)
        if best is None and self.as_of is not None:
            return self.as_of  # a snapshot describes its month up to its end
        if best is None:
            best = _extreme(self, tuple(t for t in self.tables if t not in NOT_RECORDS), max)
        if best is None and (span := self.kpi_sheet_span()) is not None:
            best = span[1]
        return best

    def first_date(self) -> pd.Timestamp | None:
        """The earliest date of the event tables (else of the other record tables), or of the KPI
        sheet's first month when that is earlier: where the reporting history starts."""
        firsts = [d for d in (_extreme(self, EVENT_TABLES, min),) if d is not None]
        if not firsts and self.as_of is not None:
            firsts = [self.as_of.to_period("M").start_time]  # a snapshot tells of its own month only
        if not firsts:
            firsts = [d for d in (_extreme(self, tuple(t for t in self.tables if t not in NOT_RECORDS), min),)
                      if d is not None]
        if (span := self.kpi_sheet_span()) is not None:
            firsts.append(span[0])
        return min(firsts) if firsts else None


# Tables whose rows are events placed in time by their date: they decide the reporting range.
# Customers, opportunities, tasks and social are left out: they carry rows from before the
# activity data on purpose (customers acquired years ago, old open deals and tasks, the
# follower count the day before); they decide it only when no event table is given.
EVENT_TABLES = ("orders", "leads", "tickets", "invoices", "web", "campaigns", "surveys", "expenses",
                "interactions", "production", "product_usage")
# Tables that are not records of the business: plans and outside figures.
NOT_RECORDS = ("targets", "okrs", "market")


def placing_date(table: str) -> str | None:
    """The date column that places a table's rows in time: its first required date column, else its
    first date column (customers: acquired_date, not customer_id)."""
    spec = default_schema().tables.get(table)
    if spec is None:
        return None
    dated = [c for c in spec.columns if c.type in ("date", "period")]
    required = [c.name for c in dated if c.required]
    return required[0] if required else (dated[0].name if dated else None)


def _extreme(dataset: Dataset, names: tuple[str, ...], pick) -> pd.Timestamp | None:
    found = []
    pushed = dataset.pushed.views if dataset.pushed is not None else {}
    for name in names:
        df = dataset.tables.get(name)
        col = placing_date(name)
        if df is None or col is None or col not in df.columns:
            continue
        if not pd.api.types.is_datetime64_any_dtype(df[col]):
            continue
        if dataset.pushed is not None and name in pushed:
            v = dataset.pushed.extreme(name, col, pick)
        elif df.empty:
            continue
        else:
            v = df[col].max() if pick is max else df[col].min()
        if pd.notna(v):
            found.append(pd.Timestamp(v))
    return pick(found) if found else None
