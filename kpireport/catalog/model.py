"""The KPI catalog as frozen dataclasses.

One definition drives the pandas computation, the workbook's live formulas and the
Definitions sheet, so nothing here knows how it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .formula import BinOp, Neg, Node, Num, Ref, measure_names, names

UNITS = ("count", "percent", "currency", "duration", "days", "score", "ratio")
DIRECTIONS = ("higher", "lower", "target", "info")
AGGREGATIONS = ("sum", "count", "nunique", "min", "max", "mean", "stock", "last")
FLOW_AGGREGATIONS = ("sum", "count", "nunique", "min", "max", "mean")
CONDITION_OPS = ("eq", "ne", "in", "not_in", "isnull", "notnull", "is", "gt", "ge", "lt", "le",
                 "le_column", "gt_column")
# Conditions that only ever drop rows *with* a value: when the column is absent nothing is
# dropped, so the column is optional (orders without a status column are all counted).
OPTIONAL_OPS = ("ne", "not_in", "isnull")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: object = None

    @property
    def optional(self) -> bool:
        """True when a table without this column simply passes every row (see OPTIONAL_OPS)."""
        return self.op in OPTIONAL_OPS


@dataclass(frozen=True)
class Measure:
    """A base quantity per period: a sum, count, distinct count, stock or last value.

    Flow measures take the rows whose `date` falls in the period. Stock measures
    (`agg: stock`) count or sum the rows active at the period's start or end: started on or
    before that instant (`date`) and not yet ended (`end`). `last` takes, per `by` group, the
    latest value on or before that instant (followers, headcount) and adds the groups up.

    `min_count` (nunique only) counts the distinct values seen at least that many times in
    the period: distinct customers with two or more orders are the repeat buyers.
    `window` (flows only) widens each period to the trailing `window` months ending with it,
    for definitions that need a longer look-back than a month (repeat purchase window).
    `by` is optional in the data: a table without that column is one group.

    `key` (count and nunique) names the entity a row belongs to, e.g. `order_id` on a table
    that may hold one row per order line: a count is then of distinct non-blank keys, and a
    value of a `min_count` distinct count needs that many distinct keys (two orders, not two
    lines). A table without the key column falls back to rows. On a sum, `key` takes each
    entity's value once (from its first counted row; the rows of one entity carry the same value,
    e.g. an order's days to delivery on each of its lines).
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
    min_count: int = 1
    window: int | None = None
    key: str | None = None
    # Columns no canonical table has, read by a measure from the config: the mapper's extra
    # columns (mapping/extras.py), checked against the data once it is read.
    extra: tuple[str, ...] = ()

    @property
    def is_flow(self) -> bool:
        """Rows counted by the date they fall on (not a stock or a last reading at an instant)."""
        return self.agg in FLOW_AGGREGATIONS

    def columns(self) -> set[str]:
        """The columns the data must have for this measure (optional ones left out)."""
        cols = {self.date} | {c.column for c in self.where if not c.optional}
        cols |= {str(c.value) for c in self.where if c.op in ("le_column", "gt_column")}
        if self.expr is not None:
            cols |= names(self.expr) - {"period_end", "period_start"}
        if self.end:
            cols.add(self.end)
        return cols

    def optional_columns(self) -> set[str]:
        """Columns used when present: optional filters and the `by` group of `last`."""
        cols = {c.column for c in self.where if c.optional}
        if self.key:
            cols.add(self.key)
        if self.by:
            cols.add(self.by)
        return cols - self.columns()


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
    default_target: float | None = None
    # The KPI is its breakdown (sales by region): without any of its breakdown columns it is not
    # computed, instead of showing the total under a name that promises regions.
    requires_breakdown: bool = False

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name["en"]

    def text(self, field_name: str, lang: str = "en") -> str:
        """description or guidance in `lang`, falling back to English."""
        d: dict[str, str] = getattr(self, field_name)
        return d.get(lang) or d.get("en", "")


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
        """The tables and columns a KPI needs, through its measures and the KPIs it uses."""
        out: dict[str, set[str]] = {}
        for mid in self.measures_of(kpi_id):
            m = self.measures[mid]
            out.setdefault(m.table, set()).update(m.columns())
        return out

    def measures_of(self, kpi_id: str) -> set[str]:
        """Every measure a KPI reads, directly or through the KPIs its formula uses."""
        out: set[str] = set()
        seen: set[str] = set()

        def visit(kid: str) -> None:
            if kid in seen:
                return
            seen.add(kid)
            for n in measure_names(self.kpis[kid].formula):
                if n in self.measures:
                    out.add(n)
                elif n in self.kpis:
                    visit(n)

        visit(kpi_id)
        return out

    def is_flow(self, kpi_id: str) -> bool:
        """All measures are flows over the period's own rows (so a year-to-date value makes sense)."""
        mids = self.measures_of(kpi_id)
        return bool(mids) and all(self.measures[m].is_flow and self.measures[m].window is None for m in mids)

    def is_stock(self, kpi_id: str) -> bool:
        """All measures are readings at an instant (stocks, last values): customers, headcount."""
        mids = self.measures_of(kpi_id)
        return bool(mids) and all(not self.measures[m].is_flow for m in mids)

    def is_additive(self, kpi_id: str) -> bool:
        """Sums and differences of flow sums/counts: the values of sub-periods add up to the whole.

        Only these KPIs may have an annual target split into months, or monthly targets summed.
        """
        def ok(n: object) -> bool:
            if isinstance(n, Num):
                return True
            if isinstance(n, Ref):
                if n.name in self.measures:
                    m = self.measures[n.name]
                    return m.agg in ("sum", "count") and m.window is None
                return n.name in self.kpis and ok(self.kpis[n.name].formula)
            if isinstance(n, Neg):
                return ok(n.operand)
            if isinstance(n, BinOp):
                if n.op in "+-":
                    return ok(n.left) and ok(n.right)
                if n.op == "*":
                    return (isinstance(n.left, Num) and ok(n.right)) or (isinstance(n.right, Num) and ok(n.left))
                return n.op == "/" and isinstance(n.right, Num) and ok(n.left)
            return False

        return ok(self.kpis[kpi_id].formula)

    def alias_of(self, kpi_id: str) -> str | None:
        """The KPI this one is just another view of (formula is one KPI name), e.g. sales_by_region."""
        f = self.kpis[kpi_id].formula
        return f.name if isinstance(f, Ref) and f.name in self.kpis else None
