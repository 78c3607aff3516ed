"""Evaluate parsed formulas over pandas objects.

The same tree is evaluated per period (KPI formulas over measure Series) and per row
(measure value expressions over table columns). A zero denominator yields NaN, the
program's "no value", never inf or an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeAlias, TypedDict, Unpack

import numpy as np
import pandas as pd

from ..catalog.formula import BinOp, Call, Neg, Node, Num, Ref

# A formula's value: per period (or per row) a Series, per period and member a DataFrame, or a
# plain number (a constant, or a figure already reduced to one period).
Value: TypeAlias = "pd.Series | pd.DataFrame | float"


class PeriodFunctions(TypedDict, total=False):
    """What the period functions of a KPI formula read: prev(), target(), budget(), period_days()."""

    prev: Callable[[str], Value]
    target: Callable[[str], Value]
    period_days: Value
    budget: Callable[[str], Value]


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


def evaluate(node: Node, lookup: Callable[[str], Value], **kw: Unpack[PeriodFunctions]) -> Value:
    """The formula's value, the measures read through `lookup`; a period function that `kw`
    does not provide is a ValueError naming it."""
    prev, target, budget = kw.get("prev"), kw.get("target"), kw.get("budget")
    period_days = kw.get("period_days")

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
                return _as_float(prev(n.ref))
            if n.func in ("target", "budget"):
                source = target if n.func == "target" else budget
                if source is None:
                    raise ValueError(f"{n.func}() is not available here")
                return source(n.ref)
            if n.func == "period_days":
                if period_days is None:
                    raise ValueError("period_days() is not available here")
                return period_days
            seconds = _seconds(go(n.args[0]), n.func)
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


def _seconds(duration: Value, func: str) -> Value:
    """A duration (a difference of two dates) in seconds."""
    if isinstance(duration, pd.Series):
        return duration.dt.total_seconds()
    if isinstance(duration, pd.Timedelta | dt.timedelta):
        return duration.total_seconds()
    raise ValueError(f"{func}() takes a duration (a difference of two dates), not {duration!r}")


def zero_denominators(node: Node, lookup: Callable[[str], Value],
                      **kw: Unpack[PeriodFunctions]) -> list[tuple[Node, Value]]:
    """Each division in the formula with its denominator's value, to explain a missing value."""
    out: list[tuple[Node, Value]] = []

    def go(n: Node) -> None:
        if isinstance(n, BinOp):
            if n.op == "/":
                out.append((n.right, evaluate(n.right, lookup, **kw)))
            go(n.left)
            go(n.right)
        elif isinstance(n, Neg):
            go(n.operand)

    go(node)
    return out
