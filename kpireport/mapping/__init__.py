"""Map stage: sheets to canonical tables, headers to canonical columns."""

from .kpisheet import KPI_SHEET, KpiLayout
from .mapper import MappedSheet, MappingOverrides, map_sheets

__all__ = ["KPI_SHEET", "KpiLayout", "MappedSheet", "MappingOverrides", "map_sheets"]
