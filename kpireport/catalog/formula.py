"""A small, safe expression language for KPI formulas and row expressions.

Formulas in the catalog are data written by us and by users, so they are parsed, never
`eval`-ed. The parsed tree is used three ways: evaluated over pandas Series (one value per
period, or one per row), translated to an Excel formula for the workbook's live cells, and
printed back as words on the Definitions sheet.

Grammar::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := "-" unary | atom
    atom  := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

FUNCTIONS = {
    # name: (min args, max args, what it means)
    "prev": (1, 1, "value of the previous period"),
    "target": (1, 1, "target of a KPI for the period"),
    "budget": (1, 1, "budget of a KPI for the period"),
    "days": (1, 1, "a time difference in days"),
    "seconds": (1, 1, "a time difference in seconds"),
    "months": (1, 1, "a time difference in whole calendar months (a tenure)"),
    "period_days": (0, 0, "number of days in the period"),
}


class FormulaSyntaxError(ValueError):
    """A formula that does not parse; the message points at the character."""


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]

    @property
    def ref(self) -> str:
        """The name a period function is called on: prev(revenue), target(revenue), budget(revenue)."""
        arg = self.args[0] if self.args else None
        if not isinstance(arg, Ref):
            raise FormulaSyntaxError(f"{self.func}() takes the name of a measure or KPI")
        return arg.name


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    operand: Node


Node = Num | Ref | Call | BinOp | Neg

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the pattern always matches a char
            break
        num, name, op = m.groups()
        start = m.start(m.lastindex or 0)
        if num is not None:
            out.append(("num", num, start))
        elif name is not None:
            out.append(("name", name, start))
        elif op in "+-*/(),":
            out.append(("op", op, start))
        else:
            raise FormulaSyntaxError(f"unexpected character {op!r} at position {start + 1}")
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        kind, val, pos = self.take()
        if val != value:
            found = "the end" if kind == "end" else repr(val)
            raise FormulaSyntaxError(f"expected {value!r} at position {pos + 1}, found {found}")

    def parse(self) -> Node:
        node = self.expr()
        kind, val, pos = self.peek()
        if kind != "end":
            raise FormulaSyntaxError(f"unexpected {val!r} at position {pos + 1}")
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() [:2] == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, val, pos = self.take()
        if kind == "num":
            return Num(float(val))
        if kind == "name":
            if self.peek()[:2] == ("op", "("):
                self.take()
                if val not in FUNCTIONS:
                    known = ", ".join(FUNCTIONS)
                    raise FormulaSyntaxError(f"unknown function {val!r} at position {pos + 1}; known: {known}")
                args: list[Node] = []
                if self.peek()[:2] != ("op", ")"):
                    args.append(self.expr())
                    while self.peek()[:2] == ("op", ","):
                        self.take()
                        args.append(self.expr())
                self.expect(")")
                lo, hi, _ = FUNCTIONS[val]
                if not lo <= len(args) <= hi:
                    wanted = lo if lo == hi else f"{lo}-{hi}"
                    raise FormulaSyntaxError(f"{val}() takes {wanted} argument(s), got {len(args)}")
                if val in ("prev", "target", "budget") and not isinstance(args[0], Ref):
                    raise FormulaSyntaxError(f"{val}() takes a name, e.g. {val}(revenue)")
                return Call(val, tuple(args))
            return Ref(val)
        if kind == "op" and val == "(":
            node = self.expr()
            self.expect(")")
            return node
        found = "the end" if kind == "end" else repr(val)
        raise FormulaSyntaxError(f"expected a number, name or '(' at position {pos + 1}, found {found}")


def parse(text: str) -> Node:
    if not str(text).strip():
        raise FormulaSyntaxError("the formula is empty")
    return _Parser(str(text)).parse()


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, BinOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Neg):
        yield from walk(node.operand)
    elif isinstance(node, Call):
        for a in node.args:
            yield from walk(a)


def names(node: Node) -> set[str]:
    """Every name the formula reads, including those inside prev() and target()."""
    return {n.name for n in walk(node) if isinstance(n, Ref)}


def target_names(node: Node, funcs: tuple[str, ...] = ("target", "budget")) -> set[str]:
    """The KPIs whose target (or budget) the formula reads."""
    return {
        a.name for n in walk(node) if isinstance(n, Call) and n.func in funcs for a in n.args if isinstance(a, Ref)
    }


def measure_names(node: Node) -> set[str]:
    """Names read for their own value in this period or the previous one (not via target()/budget())."""
    out: set[str] = set()

    def go(n: Node) -> None:
        if isinstance(n, Ref):
            out.add(n.name)
        elif isinstance(n, BinOp):
            go(n.left)
            go(n.right)
        elif isinstance(n, Neg):
            go(n.operand)
        elif isinstance(n, Call) and n.func not in ("target", "budget"):
            for a in n.args:
                go(a)

    go(node)
    return out


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def to_text(node: Node, describe: Callable[[str], str] = str, parent: int = 0) -> str:
    """Print the formula back, with names replaced by `describe(name)` (e.g. their labels)."""
    if isinstance(node, Num):
        v = node.value
        return str(int(v)) if v == int(v) else repr(v)
    if isinstance(node, Ref):
        return describe(node.name)
    if isinstance(node, Neg):
        return "-" + to_text(node.operand, describe, 3)
    if isinstance(node, Call):
        return f"{node.func}(" + ", ".join(to_text(a, describe) for a in node.args) + ")"
    prec = _PRECEDENCE[node.op]
    right_prec = prec + 1  # keep the tree: a + (b + c) stays as written
    text = f"{to_text(node.left, describe, prec)} {node.op} {to_text(node.right, describe, right_prec)}"
    return f"({text})" if prec < parent else text


def _target_caller(target_cell: Callable[..., str]) -> Callable[[str, str], str]:
    """Adapt a `target_cell(kpi)` or `target_cell(kpi, kind)` callback to the two-argument form.

    A one-argument callback (the original signature) is called for budget() too: it points at
    the KPI's target cell, which holds the budget when the KPI has no target of its own (the
    report's targets fall back to budgets), so such workbooks keep working.
    """
    try:
        params = list(inspect.signature(target_cell).parameters.values())
        two = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params) >= 2 or any(
            p.kind == p.VAR_POSITIONAL for p in params)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        two = False
    if two:
        return lambda name, kind: target_cell(name, kind)
    return lambda name, kind: target_cell(name)


def to_excel(node: Node, cell: Callable[[str, int], str], target_cell: Callable[..., str],
             period_days_cell: str) -> str:
    """Translate to an Excel expression (without the leading '=').

    `cell(name, offset)` gives the address of a measure or KPI in this period (offset 0) or
    the previous one (offset -1); `target_cell(kpi, kind)` the address of its target
    (kind "target") or budget (kind "budget"). A one-argument `target_cell(kpi)` still works
    (see `_target_caller`). Division yields #DIV/0! on a zero denominator; the caller
    wraps the whole in IFERROR so the cell shows blank, matching "no value" in the program.
    """
    targets = _target_caller(target_cell)

    def go(n: Node, parent: int, offset: int) -> str:
        if isinstance(n, Num):
            return to_text(n)
        if isinstance(n, Ref):
            return cell(n.name, offset)
        if isinstance(n, Neg):
            return "-" + go(n.operand, 3, offset)
        if isinstance(n, Call):
            if n.func == "prev":
                return go(n.args[0], parent, offset - 1)
            if n.func in ("target", "budget"):
                return targets(n.ref, n.func)
            if n.func == "period_days":
                return period_days_cell
            raise FormulaSyntaxError(f"{n.func}() is a row function and has no Excel form")
        prec = _PRECEDENCE[n.op]
        right_prec = prec + 1
        text = f"{go(n.left, prec, offset)}{n.op}{go(n.right, right_prec, offset)}"
        return f"({text})" if prec < parent else text

    return go(node, 0, 0)
