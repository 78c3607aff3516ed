"""Sources that stay where they are: Parquet files and folders, DuckDB database files.

The file path (read -> map -> validate) loads every row into Python; a source here is read in
place by the embedded DuckDB, recognised on a sample, validated by counting queries and handed
on as views (`Dataset.pushed`), so the model's joins and every measure run in the engine and
only aggregates come back.
"""

from .load import load_source
from .locate import SourceSpec, is_pushed_input, parse_source, redact

__all__ = ["SourceSpec", "is_pushed_input", "load_source", "parse_source", "redact"]
