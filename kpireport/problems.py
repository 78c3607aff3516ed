"""Data-quality problem records.

Every stage that finds something wrong with the input appends a `Problem` instead of raising,
so one run tells the user about every bad cell at once. The CLI prints them, the workbook's
Data quality sheet lists them and the HTML summary shows the ones that matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypedDict


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Where(TypedDict, total=False):
    """The table a run of problems is about, given once and spread into each Problem:
    Problem(reason, cell=..., column=..., **where)."""

    file: str
    sheet: str
    table: str


class At(TypedDict, total=False):
    """The cell and column of one problem, when they are worked out apart from it."""

    cell: str
    column: str


@dataclass(frozen=True)
class Problem:
    reason: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    column: str = ""
    table: str = ""
    severity: Severity = Severity.WARNING

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        where = " / ".join(parts)
        if self.column:
            where = f"{where} (column {self.column})" if where else f"column {self.column}"
        return where

    def one_line(self) -> str:
        where = self.location()
        return f"{self.severity.value}: {where}: {self.reason}" if where else f"{self.severity.value}: {self.reason}"


@dataclass
class ProblemLog:
    """An append-only list of problems, with a cap per column so one bad column in a
    million-row file does not produce a million records."""

    items: list[Problem] = field(default_factory=list)
    per_key_limit: int = 20
    _counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    suppressed: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.sheet, problem.column or problem.reason)
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        if n <= self.per_key_limit:
            self.items.append(problem)
        else:
            self.suppressed[key] = self.suppressed.get(key, 0) + 1

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p)

    def summary_lines(self) -> list[str]:
        lines = [p.one_line() for p in self.items]
        for (file, sheet, col), n in self.suppressed.items():
            lines.append(f"warning: {file} / {sheet} (column {col}): {n} more problems like the above")
        return lines

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)
