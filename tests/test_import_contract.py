"""The import contract: stages import one way only, and no module imports itself back in a circle.

Stages, bottom to top: shared definitions <- read <- mapping <- validate <- config <- model <-
compute <- pipeline <- render <- deliver <- outputs <- the commands (cli, serve, watch, template, sample).
A module may import its own stage and any stage below it, never one above. Every import counts,
also one inside a function or under TYPE_CHECKING: an import moved into a function to dodge a
cycle is still a cycle. The graph comes from `tools/house.py`, which reads the source with `ast`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[tuple[str, ...]] = [
    ("errors", "problems", "marker", "resources", "yamlfile", "periods", "i18n", "schema", "dataset", "duck", "sqltext",
     "safenames", "catalog", "parsing", "calendars", "ranges", "engines"),
    ("read",),
    ("mapping",),
    ("validate",),
    ("config",),
    ("cache", "sources"),
    ("model",),
    ("compute",),
    ("pipeline",),
    ("render",),
    ("deliver",),
    ("outputs",),
    ("cli", "serve", "watch", "template", "sample", "__main__", ""),
]


def _house():
    spec = importlib.util.spec_from_file_location("house", ROOT / "tools" / "house.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


house = _house()
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def stage(module: str) -> str:
    """'kpireport.read.guard.zipguard' -> 'read'; the package itself -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                  if RANK[stage(b)] > RANK[stage(a)])


@pytest.fixture(scope="module")
def edges() -> dict[str, set[str]]:
    return house.graph(type_checking=True)


def test_every_module_has_a_stage(edges) -> None:
    unplaced = sorted({stage(m) for m in edges} - set(RANK))
    assert not unplaced, f"put kpireport.{unplaced[0]} into a layer of LAYERS in {Path(__file__).name}"


def test_no_import_goes_up_a_stage(edges) -> None:
    assert upward(edges) == []


def test_no_import_cycle(edges) -> None:
    assert house.cycles(edges) == []


@pytest.mark.parametrize(("graph", "ups", "cycles"), [
    ({"kpireport.mapping.mapper": {"kpireport.validate.parsers"}, "kpireport.validate.parsers": set()},
     ["kpireport.mapping.mapper -> kpireport.validate.parsers"], []),
    ({"kpireport.compute.engine": {"kpireport.compute.okrs"}, "kpireport.compute.okrs": {"kpireport.compute.engine"}},
     [], [["kpireport.compute.engine", "kpireport.compute.okrs"]]),
    ({"kpireport.read.a": {"kpireport.read.b"}, "kpireport.read.b": {"kpireport.read.c"},
      "kpireport.read.c": {"kpireport.read.a"}}, [], [["kpireport.read.a", "kpireport.read.b", "kpireport.read.c"]]),
    ({"kpireport.render.html": {"kpireport.compute.run", "kpireport.errors"}, "kpireport.compute.run": set(),
      "kpireport.errors": set()}, [], []),
])
def test_the_checks_find_what_they_look_for(graph, ups, cycles) -> None:
    assert upward(graph) == ups
    assert house.cycles(graph) == cycles


def test_the_graph_sees_imports_inside_functions_and_type_checking(tmp_path: Path) -> None:
    src = tmp_path / "kpireport"
    (src / "read").mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "read" / "__init__.py").write_text("")
    (src / "read" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n")
    (src / "read" / "b.py").write_text("def f():\n    from .a import x\n")
    assert house.graph(src, type_checking=True)["kpireport.read.a"] == {"kpireport.read.b"}
    assert house.graph(src, type_checking=True)["kpireport.read.b"] == {"kpireport.read.a"}
    assert house.graph(src, type_checking=False)["kpireport.read.a"] == set()
