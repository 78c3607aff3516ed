"""The KPI catalog: data file, dataclasses, loader and the safe formula language."""

from .loader import default_catalog, load_catalog
from .model import Catalog, Category, Condition, Kpi, Measure

__all__ = ["Catalog", "Category", "Condition", "Kpi", "Measure", "default_catalog", "load_catalog"]
