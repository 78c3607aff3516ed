"""Base measures as SQL on an embedded relational engine (see engine.MeasureEngine)."""

from .engine import MeasureEngine

__all__ = ["MeasureEngine"]
