"""The KPI catalog as frozen dataclasses.

One definition drives the pandas computation, the workbook's live formulas and the
Definitions sheet, so nothing here knows how it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .formula import Node

UNITS = ("count", "percent", "currency", "duration", "days", "score", "ratio")
DIRECTIONS = ("higher", "lower", "target", "info")
AGGREGATIONS = ("sum", "count", "nunique", "min", "max", "mean", "stock", "last")
CONDITION_OPS = ("eq", "ne", "in", "not_in", "isnull", "notnull", "is", "gt", "ge", "lt", "le", "le_column", "gt_column")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: object = None


@dataclass(frozen=True)
class Measure:
    """A base quantity per period: a sum, count, distinct count, stock or last value.

    Flow measures take the rows whose `date` falls in the period. Stock measures
    (`agg: stock`) count or sum the rows active at the period's start or end: started on or
    before that instant (`date`) and not yet ended (`end`). `last` takes, per `by` group, the
    latest value on or before that instant (followers, headcount).
    """

    id: str
    table: str
    agg: str
    date: str
    label: dict[str, str]
    column: str | None = None
    expr: Node | None = None
    where: tuple[Condition, ...] = ()
    end: str | None = None
    as_of: str = "end"
    by: str | None = None

    def columns(self) -> set[str]:
        from .formula import names

        cols = {self.date} | {c.column for c in self.where}
        cols |= {str(c.value) for c in self.where if c.op in ("le_column", "gt_column")}
        if self.expr is not None:
            cols |= names(self.expr) - {"period_end", "period_start"}
        if self.end:
            cols.add(self.end)
        if self.by:
            cols.add(self.by)
        return cols


@dataclass(frozen=True)
class Kpi:
    id: str
    name: dict[str, str]
    category: str
    unit: str
    direction: str
    formula_text: str
    formula: Node
    description: dict[str, str]
    guidance: dict[str, str]
    tolerance: float = 0.05
    target_rollup: str = "auto"
    breakdowns: tuple[str, ...] = ()
    hidden: bool = False

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name["en"]


@dataclass(frozen=True)
class Category:
    id: str
    name: dict[str, str]
    group: str


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    measures: dict[str, Measure]
    kpis: dict[str, Kpi]
    order: tuple[str, ...] = field(default=())

    def kpi_order(self) -> list[str]:
        """KPIs in an order where every KPI comes after the KPIs its formula reads."""
        return list(self.order)

    def visible(self) -> list[Kpi]:
        return [self.kpis[k] for k in self.order if not self.kpis[k].hidden]

    def inputs(self, kpi_id: str) -> dict[str, set[str]]:
        """The tables and columns a KPI reads, through its measures and the KPIs it uses."""
        from .formula import names

        out: dict[str, set[str]] = {}
        seen: set[str] = set()

        def visit(kid: str) -> None:
            if kid in seen:
                return
            seen.add(kid)
            for n in names(self.kpis[kid].formula):
                if n in self.measures:
                    m = self.measures[n]
                    out.setdefault(m.table, set()).update(m.columns())
                elif n in self.kpis:
                    visit(n)

        visit(kpi_id)
        return out
