"""Evaluate parsed formulas over pandas objects.

The same tree is evaluated per period (KPI formulas over measure Series) and per row
(measure value expressions over table columns). A zero denominator yields NaN, the
program's "no value", never inf or an exception.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..catalog.formula import BinOp, Call, Neg, Node, Num, Ref

Value = pd.Series | pd.DataFrame | float


def _as_float(v: Value) -> Value:
    if isinstance(v, pd.DataFrame):  # a KPI for every member of a breakdown (breakdowns.kpi_frame)
        numeric = all(pd.api.types.is_float_dtype(t) for t in v.dtypes)
        return v if numeric else v.apply(pd.to_numeric, errors="coerce").astype("float64")
    if isinstance(v, pd.Series):
        if pd.api.types.is_timedelta64_dtype(v.dtype) or pd.api.types.is_datetime64_any_dtype(v.dtype):
            return v
        return pd.to_numeric(v, errors="coerce").astype("float64")
    return v


def _divide(a: Value, b: Value) -> Value:
    if isinstance(b, pd.Series | pd.DataFrame):
        return a / b.where(b != 0)
    if b == 0 or b is None or (isinstance(b, float) and np.isnan(b)):
        return a * np.nan if isinstance(a, pd.Series) else np.nan
    return a / b


def evaluate(
    node: Node,
    lookup: Callable[[str], Value],
    prev: Callable[[str], Value] | None = None,
    target: Callable[[str], Value] | None = None,
    period_days: Value | None = None,
    budget: Callable[[str], Value] | None = None,
) -> Value:
    def go(n: Node) -> Value:
        if isinstance(n, Num):
            return n.value
        if isinstance(n, Ref):
            return _as_float(lookup(n.name))
        if isinstance(n, Neg):
            return -go(n.operand)
        if isinstance(n, Call):
            if n.func == "prev":
                if prev is None:
                    raise ValueError("prev() is not available here")
                return _as_float(prev(n.args[0].name))  # type: ignore[union-attr]
            if n.func in ("target", "budget"):
                source = target if n.func == "target" else budget
                if source is None:
                    raise ValueError(f"{n.func}() is not available here")
                return source(n.args[0].name)  # type: ignore[union-attr]
            if n.func == "period_days":
                if period_days is None:
                    raise ValueError("period_days() is not available here")
                return period_days
            inner = go(n.args[0])
            seconds = inner.dt.total_seconds() if isinstance(inner, pd.Series) else inner.total_seconds()
            return seconds / 86400.0 if n.func == "days" else seconds
        left, right = go(n.left), go(n.right)
        if n.op == "+":
            return left + right
        if n.op == "-":
            return left - right
        if n.op == "*":
            return left * right
        return _divide(left, right)

    return go(node)


def zero_denominators(node: Node, lookup: Callable[[str], Value], **kw: object) -> list[tuple[Node, Value]]:
    """Each division in the formula with its denominator's value, to explain a missing value."""
    out: list[tuple[Node, Value]] = []

    def go(n: Node) -> None:
        if isinstance(n, BinOp):
            if n.op == "/":
                out.append((n.right, evaluate(n.right, lookup, **kw)))  # type: ignore[arg-type]
            go(n.left)
            go(n.right)
        elif isinstance(n, Neg):
            go(n.operand)

    go(node)
    return out
