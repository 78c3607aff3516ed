"""Read stage: files in, raw sheets (cells as Python values or typed columns, nothing interpreted) out."""

from .entry import read_inputs, read_path
from .sheet import RawSheet, SheetBody

__all__ = ["RawSheet", "SheetBody", "read_inputs", "read_path"]
