"""Map stage: sheets to canonical tables, headers to canonical columns."""

from .mapper import MappedSheet, MappingOverrides, map_sheets

__all__ = ["MappedSheet", "MappingOverrides", "map_sheets"]
