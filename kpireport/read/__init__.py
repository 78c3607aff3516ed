"""Read stage: files in, raw sheets (cells as Python values, nothing interpreted) out."""

from .readers import RawSheet, read_inputs, read_path

__all__ = ["RawSheet", "read_inputs", "read_path"]
