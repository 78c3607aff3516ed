"""The typed shape of the template context (render/html/shape.py) against the context built.

The TypedDicts are what mypy holds text.py, the PDF and the builder to; this checks at run time
that the builder fills exactly the declared keys with the declared kinds of value, so the types
cannot drift from the dicts the templates read.
"""

from __future__ import annotations

import datetime as dt
from typing import get_type_hints

import pytest

from kpireport.config import Config
from kpireport.render import charts
from kpireport.render.html import shape
from kpireport.render.html.context import build_context

try:
    from tests.test_html_support import make_report, sample_okrs
except ImportError:  # pragma: no cover - depends on how pytest imports tests/
    from test_html_support import make_report, sample_okrs


@pytest.fixture(scope="module")
def context() -> shape.Context:
    report = make_report()
    report.okrs = sample_okrs()
    return build_context(report, Config(), dt.date(2026, 11, 3), {cid: "" for cid in charts.available(report)})


def _parts(ctx: shape.Context) -> list[tuple[str, type, dict]]:
    """(where, declared TypedDict, a dict the builder made) for every kind of part, each non-empty."""
    out: list[tuple[str, type, dict]] = [
        ("context", shape.Context, ctx), ("counts", shape.Counts, ctx["counts"]),
        ("attention", shape.Attention, ctx["attention"]), ("movers", shape.Movers, ctx["movers"]),
        ("quality", shape.Quality, ctx["quality"]), ("footer", shape.Footer, ctx["footer"]),
    ]
    out += [("counts.items", shape.CountItem, c) for c in ctx["counts"]["items"]]
    out += [("tiles", shape.KpiRow, r) for r in ctx["tiles"]]
    out += [("attention.items", shape.AttentionItem, r) for r in ctx["attention"]["items"]]
    out += [("movers.items", shape.KpiRow, r) for r in ctx["movers"]["items"]]
    out += [("charts", shape.Chart, c) for c in ctx["charts"]]
    out += [("breakdowns", shape.BreakdownTable, b) for b in ctx["breakdowns"]]
    out += [("breakdowns.rows", shape.BreakdownRow, r) for b in ctx["breakdowns"] for r in b["rows"]]
    out += [("scorecard", shape.ScorecardGroup, g) for g in ctx["scorecard"]]
    out += [("scorecard.rows", shape.KpiRow, r) for g in ctx["scorecard"] for r in g["rows"]]
    out += [("okrs", shape.Okr, o) for o in ctx["okrs"]]
    out += [("okrs.key_results", shape.KeyResultRow, kr) for o in ctx["okrs"] for kr in o["key_results"]]
    out += [("quality.errors", shape.QualityNote, n) for n in ctx["quality"]["errors"]]
    out += [("quality.warnings", shape.QualityNote, n) for n in ctx["quality"]["warnings"]]
    out += [("quality.unavailable", shape.Unavailable, u) for u in ctx["quality"]["unavailable"]]
    return out


PLAIN = {str, int, bool}


def test_every_part_has_exactly_the_declared_keys_and_leaf_types(context: shape.Context) -> None:
    parts = _parts(context)
    seen = {where for where, _, _ in parts}
    # the fixture report shows every kind of part, so none is checked vacuously
    assert seen == {"context", "counts", "attention", "movers", "quality", "footer", "counts.items", "tiles",
                    "attention.items", "movers.items", "charts", "breakdowns", "breakdowns.rows", "scorecard",
                    "scorecard.rows", "okrs", "okrs.key_results", "quality.errors", "quality.warnings",
                    "quality.unavailable"}
    for where, declared, built in parts:
        hints = get_type_hints(declared)
        assert set(built) == set(hints), where
        for key, kind in hints.items():
            if kind in PLAIN:
                # bool is an int in Python: an int field must not hold a bool, nor a bool field an int
                assert type(built[key]) is kind, f"{where}.{key}: {built[key]!r} is not {kind.__name__}"
            else:
                assert isinstance(built[key], list | dict), f"{where}.{key}"


TREE: shape.LabelTree = {"sections": {"movers": "Biggest movers", "counts": "At a glance"},
                         "text": {"value_line": "{name}: {value} ({status})"}, "heading": "KPI report"}


@pytest.mark.parametrize(("path", "expected"), [
    ("sections.movers", "Biggest movers"),
    ("text.value_line", "{name}: {value} ({status})"),
    ("heading", "KPI report"),
])
def test_label_reads_one_message(path: str, expected: str) -> None:
    assert shape.label(TREE, path) == expected


@pytest.mark.parametrize(("path", "error"), [
    ("sections", "is a group of messages"),
    ("heading.size", "is below a message"),
    ("sections.nothing", "nothing"),
])
def test_label_says_what_is_wrong_with_a_path(path: str, error: str) -> None:
    with pytest.raises(KeyError, match=error):
        shape.label(TREE, path)


def test_label_group_gives_the_messages_of_a_group() -> None:
    assert shape.label_group(TREE, "sections") == {"movers": "Biggest movers", "counts": "At a glance"}
    with pytest.raises(KeyError, match="is one message"):
        shape.label_group(TREE, "heading")
