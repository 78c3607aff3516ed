"""The validated input: one typed DataFrame per canonical table, plus where it came from.

This is the narrow interface between the input stages (read, map, validate) and compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .problems import ProblemLog


@dataclass(frozen=True)
class Source:
    """One input sheet that became (part of) a canonical table."""

    file: str
    sheet: str
    table: str
    header_row: int
    rows_read: int
    rows_used: int
    mapping: tuple[tuple[str, str], ...]  # (their header, our column)
    ignored: tuple[str, ...] = ()


@dataclass
class Dataset:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)

    def has(self, table: str, columns: set[str] | None = None) -> bool:
        df = self.tables.get(table)
        if df is None:
            return False
        return not columns or columns <= set(df.columns)

    def missing(self, table: str, columns: set[str]) -> set[str]:
        df = self.tables.get(table)
        return set(columns) if df is None else set(columns) - set(df.columns)

    def last_date(self) -> pd.Timestamp | None:
        """The latest event date over the tables that record events, for "latest complete period"."""
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
        return best
