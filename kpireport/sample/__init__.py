"""Fictional sample data (Northwind Outdoor Ltd.) for demos, tests and benchmarks.

The functions are loaded on first use so that `python -m kpireport.sample.generator` does not
import the generator module twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .generator import generate_tables, write_sample_workbooks

__all__ = ["generate_tables", "write_sample_workbooks"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
