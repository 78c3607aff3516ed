"""The formula language: parsing, safety, printing and Excel translation."""

from __future__ import annotations

import contextlib

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.catalog.formula import FormulaSyntaxError, names, parse, to_excel, to_text
from kpireport.compute.evaluate import evaluate


@pytest.mark.parametrize(("text", "printed", "excel"), [
    ("a / b", "a / b", "A1/B1"),
    ("(a - b) / c * 100", "(a - b) / c * 100", "(A1-B1)/C1*100"),
    ("a - (b - c)", "a - (b - c)", "A1-(B1-C1)"),
    ("a / (b / c)", "a / (b / c)", "A1/(B1/C1)"),
    ("a - b - c", "a - b - c", "A1-B1-C1"),
    ("-a * b", "-a * b", "-A1*B1"),
    ("-(a + b)", "-(a + b)", "-(A1+B1)"),
    ("a / prev(a) - 1", "a / prev(a) - 1", "A1/A0-1"),
    ("a / target(revenue)", "a / target(revenue)", "A1/T!revenue"),
    ("a / b * period_days()", "a / b * period_days()", "A1/B1*D1"),
    ("2.5 * a", "2.5 * a", "2.5*A1"),
])
def test_print_and_excel(text: str, printed: str, excel: str) -> None:
    node = parse(text)
    assert to_text(node) == printed

    def cell(name: str, offset: int) -> str:
        return f"{name.upper()}{1 + offset}"

    assert to_excel(node, cell, lambda k: f"T!{k}", "D1") == excel


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("a /", "position 4"),
    ("a b", "unexpected 'b'"),
    ("__import__(os)", "unknown function"),
    ("__import__('os')", "unexpected character"),
    ("a ** b", "position 4"),
    ("a; b", "unexpected character ';'"),
    ("prev(1)", "takes a name"),
    ("(a", "expected ')'"),
    ("period_days(a)", "takes 0 argument"),
    ("a.b", "unexpected character '.'"),
])
def test_bad_formulas_are_refused_with_a_position(text: str, message: str) -> None:
    with pytest.raises(FormulaSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        parse(text)


def test_names_include_those_inside_functions() -> None:
    assert names(parse("a / prev(b) + target(c)")) == {"a", "b", "c"}


def test_division_by_zero_is_nan_not_inf() -> None:
    a = pd.Series([1.0, 2.0, 0.0])
    b = pd.Series([0.0, 4.0, 0.0])
    out = evaluate(parse("a / b"), {"a": a, "b": b}.__getitem__)
    assert out.isna().tolist() == [True, False, True]
    assert out[1] == 0.5


_names = st.sampled_from(["a", "b", "c", "revenue", "x1"])


@st.composite
def expressions(draw, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.one_of(_names, st.integers(0, 999).map(str)))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    return f"({left} {op} {right})" if draw(st.booleans()) else f"{left} {op} {right}"


@given(expressions())
def test_printing_then_parsing_gives_the_same_tree(text: str) -> None:
    node = parse(text)
    assert parse(to_text(node)) == node


@given(st.text(max_size=40))
def test_parser_never_raises_anything_but_syntax_errors(text: str) -> None:
    with contextlib.suppress(FormulaSyntaxError):
        parse(text)
