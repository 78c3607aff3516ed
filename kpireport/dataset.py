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
from typing import TYPE_CHECKING

import pandas as pd

from .problems import ProblemLog

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
class Dataset:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    excel_errors: dict[tuple[str, str], int] = field(default_factory=dict)
    kpi_sheet: pd.DataFrame = field(default_factory=empty_kpi_sheet)
    # Company and Title from the document properties of the first input .xlsx that has them
    # (read/docprops.py): the company name of a report when the config gives none.
    company: str = ""
    title: str = ""
    currency: str = ""  # the same workbook's custom property "Currency", when a 3-letter code

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
        """The latest event date over the tables that record events, for "latest complete period";
        from the KPI sheet's last month only when no record table has dates."""
        from .schema import default_schema

        best: pd.Timestamp | None = None
        for name, df in self.tables.items():
            if name in ("targets", "okrs", "market") or df.empty:
                continue
            spec = default_schema().tables.get(name)
            if spec is None:
                continue
            col = spec.required[0] if spec.required else None
            if col is None or col not in df.columns or not pd.api.types.is_datetime64_any_dtype(df[col]):
                continue
            m = df[col].max()
            if pd.notna(m) and (best is None or m > best):
                best = m
        if best is None and (span := self.kpi_sheet_span()) is not None:
            best = span[1]
        return best
