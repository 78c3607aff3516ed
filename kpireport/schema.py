"""The canonical input tables, loaded from `data/tables.yaml`.

Mapping, validation, the sample generator and the blank input template all read the same
definition, so a column added there is recognised, typed and generated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import CatalogError
from .resources import data_file
from .yamlfile import parse_yaml

COLUMN_TYPES = frozenset({"date", "id", "text", "number", "money", "bool", "score", "period"})


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool
    synonyms: tuple[str, ...]
    dimension: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    sheet_names: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)


@dataclass(frozen=True)
class Schema:
    tables: dict[str, TableSpec]
    dimensions: tuple[str, ...]

    def table(self, name: str) -> TableSpec:
        return self.tables[name]


def _column(path: Path, table: str, name: str, raw: object, dimension: bool = False) -> ColumnSpec:
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: table {table!r}, column {name!r}: expected a mapping")
    unknown = set(raw) - {"type", "required", "synonyms"}
    if unknown:
        raise CatalogError(f"{path}: table {table!r}, column {name!r}: unknown key {sorted(unknown)[0]!r}")
    ctype = raw.get("type")
    if ctype not in COLUMN_TYPES:
        raise CatalogError(
            f"{path}: table {table!r}, column {name!r}: type {ctype!r} is not one of {sorted(COLUMN_TYPES)}"
        )
    synonyms = tuple(str(s) for s in raw.get("synonyms", []))
    return ColumnSpec(name, ctype, bool(raw.get("required", False)), synonyms, dimension)


def load_schema(path: Path | None = None) -> Schema:
    path = path or data_file("tables.yaml")
    raw = parse_yaml(path.read_text(encoding="utf-8"), path, CatalogError)
    dims_raw = raw.get("dimensions", {})
    dims = {name: _column(path, "dimensions", name, spec, True) for name, spec in dims_raw.items()}
    tables: dict[str, TableSpec] = {}
    for tname, traw in raw["tables"].items():
        cols = [_column(path, tname, cname, craw) for cname, craw in traw["columns"].items()]
        for d in traw.get("dimensions", []):
            if d not in dims:
                raise CatalogError(f"{path}: table {tname!r}: unknown dimension {d!r}")
            if not any(c.name == d for c in cols):
                cols.append(dims[d])
        tables[tname] = TableSpec(tname, tuple(traw.get("sheet_names", [])), tuple(cols))
    return Schema(tables, tuple(dims))


def with_language_words(schema: Schema) -> Schema:
    """The schema with every language's template words (data/messages) as the last synonyms.

    `kpireport template --lang fa` names its sheets and headers from the Persian message file;
    adding those words here means a filled-in template in any language is read back without
    each new language also editing tables.yaml. They come last, so tables.yaml's own synonyms
    keep their preference, and a word already listed is not added twice.
    """
    from .i18n import languages, messages

    per_lang = [messages(lang) for lang in languages()]
    tables: dict[str, TableSpec] = {}
    for name, spec in schema.tables.items():
        sheet_words = [m.get(f"template.tables.{name}.sheet", "") for m in per_lang]
        cols = []
        for c in spec.columns:
            words = [m.get(f"template.columns.{name}.{c.name}", "") for m in per_lang]
            cols.append(replace(c, synonyms=_merged(c.synonyms, words)))
        tables[name] = TableSpec(name, _merged(spec.sheet_names, sheet_words), tuple(cols))
    return Schema(tables, schema.dimensions)


def _merged(first: tuple[str, ...], more: list[str]) -> tuple[str, ...]:
    seen = {w.casefold() for w in first}
    out = list(first)
    for w in more:
        if w.strip() and w.casefold() not in seen:
            seen.add(w.casefold())
            out.append(w)
    return tuple(out)


@lru_cache(maxsize=1)
def default_schema() -> Schema:
    """The packaged tables, recognising the template's sheet names and headers in every language."""
    return with_language_words(load_schema())
