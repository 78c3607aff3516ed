"""Where the data lives: a Parquet file, a folder of Parquet/CSV files, or a database URL.

`--source` names it; a `.parquet` file or a folder holding Parquet files given as an input is
one too. The URL's password is never kept in anything that is shown: `shown` is the URL with
the password replaced, and it is what messages, the Data quality sheet and the JSON name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..errors import UsageError

FILE_SUFFIXES = (".parquet", ".csv", ".tsv", ".csv.gz")
SCHEMES = ("duckdb", "postgres", "postgresql", "pyspark")


@dataclass(frozen=True)
class SourceSpec:
    """kind: "files" (a Parquet file or a folder, scanned by the embedded DuckDB), "duckdb" (a
    DuckDB database file), "postgres" (a PostgreSQL database) or "pyspark" (the tables of the
    config's Spark database; no path); path: the file or folder;
    shown: how messages name it; url: a database's URL as given, password and all (for the
    connection only, never shown)."""

    kind: str
    path: Path
    shown: str
    url: str = field(default="", repr=False)


def redact(url: str) -> str:
    """The URL with its password replaced by ***, for every message and output."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ":***@"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, parts.query, parts.fragment))


def is_pushed_input(path: Path) -> bool:
    """A path given as an input that the engine reads in place: a .parquet file, or a folder
    holding Parquet files (a folder of only CSV or Excel files stays on the file path)."""
    if path.is_file():
        return path.suffix.lower() == ".parquet"
    return path.is_dir() and any(p.suffix.lower() == ".parquet" for p in path.rglob("*.parquet"))


def parse_source(text: str) -> SourceSpec:
    """A --source value: `duckdb:///path/file.duckdb`, `postgres://user:password@host:port/db`
    (or postgresql://; `?schema=name` for another schema than public), `pyspark`, a .parquet file or
    a folder."""
    scheme = text.split("://", 1)[0].lower() if "://" in text else ("pyspark" if text == "pyspark" else "")
    if scheme == "duckdb":
        path = Path(urlsplit(text).path)
        if not path.is_file():
            raise UsageError(f"--source {text}: no DuckDB database file at {path}.",
                             "Give the file's path after duckdb:// (three slashes for an absolute path: "
                             "duckdb:///data/sales.duckdb).")
        return SourceSpec("duckdb", path, f"duckdb:///{path}")
    if scheme in ("postgres", "postgresql"):
        parts = urlsplit(text)
        if not parts.path.strip("/") and not parts.hostname:
            raise UsageError(f"--source {redact(text)}: no database named.",
                             "Give the server and database: postgres://user@host:5432/sales (the password in "
                             "the URL or in PGPASSWORD).")
        return SourceSpec("postgres", Path(), redact(text), text)
    if scheme == "pyspark":  # the session, catalog and database come from the config's spark: section
        if text.lower() != "pyspark":
            raise UsageError(f"--source {redact(text)}: give just pyspark.",
                             "Set master, catalog and database under spark: in the config file.")
        return SourceSpec("pyspark", Path(), "pyspark")
    if scheme:
        raise UsageError(f"--source {redact(text)}: unknown kind of source {scheme!r}.",
                         "Use a folder or .parquet file, duckdb:///file.duckdb, postgres://user@host/db or pyspark.")
    path = Path(text)
    if not path.exists():
        raise UsageError(f"--source {text}: no such file or folder.", "Check the path.")
    if path.is_file() and not path.name.lower().endswith(FILE_SUFFIXES):
        raise UsageError(f"--source {text}: not a Parquet or CSV file.",
                         "Give a .parquet or .csv file, a folder of them, or duckdb:///file.duckdb.")
    return SourceSpec("files", path, str(path))
