"""The canonical input tables, loaded from `data/tables.yaml`.

Mapping, validation, the sample generator and the blank input template all read the same
definition, so a column added there is recognised, typed and generated everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import CatalogError
from .i18n import languages, messages
from .resources import data_file
from .yamlfile import parse_yaml

COLUMN_TYPES = frozenset({"date", "id", "text", "number", "money", "bool", "score", "period"})


# The pandas dtype the validate stage gives a column of each schema type: what a table's frame
# holds, and what a stand-in frame for a table left in its engine (sources/, model/) declares.
DTYPES = {"date": "datetime64[us]", "id": "string", "text": "string", "period": "string", "number": "float64",
          "money": "float64", "score": "float64", "bool": "boolean"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool
    synonyms: tuple[str, ...]
    dimension: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns and, for the semantic model, what one row is.

    `key` names the entity column; `unique` says whether a row is a whole entity (a repeated
    key is then a duplicate) or a part of one (an order's lines). `references` are foreign keys
    (column -> table), `header` the table whose rows this table's rows belong to, and
    `completed_by` the required columns a related table may supply (column -> table).
    """

    name: str
    sheet_names: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    key: str | None = None
    unique: bool = False
    references: tuple[tuple[str, str], ...] = ()
    header: str | None = None
    completed_by: tuple[tuple[str, str, str], ...] = ()  # (column, table that supplies it, joining column)
    in_template: bool = True

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def completable(self, column: str, present: set[str] | frozenset[str]) -> bool:
        """A required column a related file may supply, given the columns a sheet has: the sheet
        must carry the column that joins it to that file."""
        return any(c == column and link in present for c, _, link in self.completed_by)

    def supplier(self, column: str) -> str | None:
        """The table that may supply a required column this table lacks."""
        return next((t for c, t, _ in self.completed_by if c == column), None)

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

    def template_tables(self) -> list[TableSpec]:
        """The tables the blank input workbook has a sheet for (not the files a system exports
        beside its main ones: the Orders sheet takes category and returned status directly)."""
        return [t for t in self.tables.values() if t.in_template]

    def link(self, table: str, other: str) -> str | None:
        """The column of `table` that joins it to `other`: a foreign key of its own, else its key
        when `other` points at it (order items -> orders by order_id)."""
        spec, o = self.tables[table], self.tables[other]
        for col, target in spec.references:
            if target == other:
                return col
        if o.header == table or any(target == table for _, target in o.references):
            return spec.key
        return None


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
    completed: dict[str, tuple[tuple[str, str], ...]] = {}  # column -> table, until the joining column is known
    for tname, traw in raw["tables"].items():
        unknown = set(traw) - _TABLE_KEYS
        if unknown:
            raise CatalogError(f"{path}: table {tname!r}: unknown key {sorted(unknown)[0]!r}")
        cols = [_column(path, tname, cname, craw) for cname, craw in traw["columns"].items()]
        for d in traw.get("dimensions", []):
            if d not in dims:
                raise CatalogError(f"{path}: table {tname!r}: unknown dimension {d!r}")
            if not any(c.name == d for c in cols):
                cols.append(dims[d])
        names = {c.name for c in cols}
        key = traw.get("key")
        if key is not None and key not in names:
            raise CatalogError(f"{path}: table {tname!r}: key {key!r} is not one of its columns")
        refs = _column_map(path, tname, "references", traw.get("references"), names)
        completed[tname] = _column_map(path, tname, "completed_by", traw.get("completed_by"), names)
        tables[tname] = TableSpec(tname, tuple(traw.get("sheet_names", [])), tuple(cols), key=key,
                                  unique=bool(traw.get("unique", False)), references=refs,
                                  header=traw.get("header"),
                                  in_template=bool(traw.get("template", True)))
    for spec in tables.values():
        for col, other in (*spec.references, *completed[spec.name], *((("", spec.header),) if spec.header else ())):
            if other not in tables:
                raise CatalogError(f"{path}: table {spec.name!r}: {col or 'header'} names unknown table {other!r}")
    schema = Schema(tables, tuple(dims))
    for name, spec in tables.items():
        links = []
        for col, other in completed[name]:
            link = schema.link(name, other)
            if link is None:
                raise CatalogError(f"{path}: table {name!r}: completed_by {col!r}: no key joins it to {other!r}")
            links.append((col, other, link))
        tables[name] = replace(spec, completed_by=tuple(links))
    return schema


_TABLE_KEYS = frozenset({"sheet_names", "dimensions", "columns", "key", "unique", "references", "header",
                         "completed_by", "template"})


def _column_map(path: Path, table: str, field: str, raw: object, names: set[str]) -> tuple[tuple[str, str], ...]:
    """A {column: table} mapping of tables.yaml, checked: the column must be the table's own."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: table {table!r}: {field} must map a column to a table, "
                           "e.g. {customer_id: customers}")
    for col in raw:
        if col not in names:
            raise CatalogError(f"{path}: table {table!r}: {field} names {col!r}, which is not one of its columns")
    return tuple((str(c), str(t)) for c, t in raw.items())


def with_language_words(schema: Schema) -> Schema:
    """The schema with every language's template words (data/messages) as the last synonyms.

    `kpireport template --lang fa` names its sheets and headers from the Persian message file;
    adding those words here means a filled-in template in any language is read back without
    each new language also editing tables.yaml. They come last, so tables.yaml's own synonyms
    keep their preference, and a word already listed is not added twice.
    """
    per_lang = [messages(lang) for lang in languages()]
    tables: dict[str, TableSpec] = {}
    for name, spec in schema.tables.items():
        sheet_words = [m.get(f"template.tables.{name}.sheet", "") for m in per_lang]
        cols = []
        for c in spec.columns:
            words = [m.get(f"template.columns.{name}.{c.name}", "") for m in per_lang]
            cols.append(replace(c, synonyms=_merged(c.synonyms, words)))
        tables[name] = replace(spec, sheet_names=_merged(spec.sheet_names, sheet_words), columns=tuple(cols))
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
