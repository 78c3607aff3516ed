"""Load and validate the KPI catalog from YAML.

The packaged `data/catalog.yaml` is read first; user files (from the config) are merged on
top KPI by KPI, so a user can add a KPI, change a direction or hide one without Python.
Every error names the file, the KPI or measure, and the key, because the person fixing a
typo in a YAML file needs exactly that.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CatalogError
from ..resources import data_file
from ..schema import Schema, default_schema
from ..yamlfile import parse_yaml
from .formula import FUNCTIONS, BinOp, Call, FormulaSyntaxError, Node, measure_names, names, parse, target_names, walk
from .model import AGGREGATIONS, CONDITION_OPS, DIRECTIONS, UNITS, Catalog, Category, Condition, Kpi, Measure

_KPI_KEYS = {"name", "category", "unit", "direction", "formula", "description", "guidance", "tolerance",
             "target_rollup", "breakdowns", "hidden", "default_target", "requires_breakdown"}
_MEASURE_KEYS = {"label", "table", "agg", "value", "date", "where", "end", "as_of", "by", "min_count", "window",
                 "key"}
_ROW_NAMES = {"period_end", "period_start"}


def _text(where: str, raw: Any, key: str, required: bool = True) -> dict[str, str]:
    if raw is None:
        if required:
            raise CatalogError(f"{where}: missing key {key!r}", "Give it as {en: ..., tr: ...}.")
        return {}
    if isinstance(raw, str):
        return {"en": raw}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise CatalogError(f"{where}: key {key!r} must be text or a mapping of language to text")
    if "en" not in raw:
        raise CatalogError(f"{where}: key {key!r} has no English ('en') text")
    return {str(k): v for k, v in raw.items()}


def _conditions(where: str, raw: Any, table_cols: set[str] | None, extra: set[str] | None = None,
                ) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: key 'where' must map column names to conditions")
    out: list[Condition] = []
    for column, cond in raw.items():
        if extra is not None and table_cols is not None and column not in table_cols:
            extra.add(str(column))
        elif table_cols is not None and column not in table_cols:
            raise CatalogError(f"{where}: key 'where' names column {column!r}, which its table does not have")
        if isinstance(cond, bool):
            out.append(Condition(column, "is", cond))
            continue
        if not isinstance(cond, dict) or len(cond) != 1:
            raise CatalogError(f"{where}: condition on {column!r} must be true/false or one {{op: value}}")
        op, value = next(iter(cond.items()))
        if op not in CONDITION_OPS:
            raise CatalogError(f"{where}: condition on {column!r} has unknown operator {op!r}; "
                               f"use one of {', '.join(CONDITION_OPS)}")
        if op in ("in", "not_in"):
            value = tuple(str(v).lower() for v in value)
        elif op in ("eq", "ne") and isinstance(value, str):
            value = value.lower()
        out.append(Condition(str(column), str(op), value))
    return tuple(out)


def _measure(path: Path, mid: str, raw: Any, schema: Schema, user: bool = False) -> Measure:
    """A measure; one from the user's config (`user`) may read extra columns, which are checked
    against the data when it is read (check_extra_columns)."""
    where = f"{path}: measure {mid!r}"
    extra: set[str] | None = set() if user else None
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a mapping of keys")
    unknown = set(raw) - _MEASURE_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown key {sorted(unknown)[0]!r}",
                           f"Known keys: {', '.join(sorted(_MEASURE_KEYS))}.")
    for key in ("table", "agg", "date"):
        if key not in raw:
            raise CatalogError(f"{where}: missing key {key!r}")
    table = raw["table"]
    if table not in schema.tables:
        raise CatalogError(f"{where}: key 'table' is {table!r}, not a known table",
                           f"Known: {', '.join(schema.tables)}.")
    cols = {c.name for c in schema.tables[table].columns}
    agg = raw["agg"]
    if agg not in AGGREGATIONS:
        raise CatalogError(f"{where}: key 'agg' is {agg!r}; use one of {', '.join(AGGREGATIONS)}")
    expr, column = _value(where, raw, table, cols, extra)
    for key in ("date", "end", "by", "key"):
        if raw.get(key) is not None and raw[key] not in cols:
            raise CatalogError(f"{where}: key {key!r} names column {raw[key]!r}, which table {table!r} does not have")
    as_of, min_count, window = _measure_options(where, raw, agg)
    return Measure(
        id=mid, table=table, agg=agg, date=raw["date"],
        label=_text(where, raw.get("label"), "label", False) or {"en": mid.replace("_", " ")},
        column=column, expr=expr, where=_conditions(where, raw.get("where"), cols, extra),
        end=raw.get("end"), as_of=as_of, by=raw.get("by"), min_count=min_count, window=window,
        key=raw.get("key"), extra=tuple(sorted(extra or ())),
    )


def _value(where: str, raw: dict[str, Any], table: str, cols: set[str],
           extra: set[str] | None) -> tuple[Node | None, str | None]:
    """A measure's value: (the parsed expression, the column when it is a plain column). Columns
    the table lacks are an error, or for a user's measure (`extra` given) extra columns to read."""
    agg = raw["agg"]
    if raw.get("value") is None:
        if agg not in ("count", "stock"):
            raise CatalogError(f"{where}: missing key 'value' (agg {agg!r} needs a column or expression)")
        return None, None
    try:
        expr = parse(str(raw["value"]))
    except FormulaSyntaxError as exc:
        raise CatalogError(f"{where}: key 'value': {exc}") from None
    for call in (n for n in walk(expr) if isinstance(n, Call) and n.func in ("days", "seconds", "months")):
        arg = call.args[0]
        if not (isinstance(arg, BinOp) and arg.op == "-"):
            raise CatalogError(f"{where}: key 'value': {call.func}() takes a difference of two dates",
                               f"For example {call.func}(resolved_at - created_at).")
    bad = names(expr) - cols - _ROW_NAMES
    if bad and extra is not None:
        extra |= bad
    elif bad:
        raise CatalogError(f"{where}: key 'value' reads column {sorted(bad)[0]!r}, which table {table!r} does not have")
    return expr, (str(raw["value"]) if str(raw["value"]).strip() in cols else None)


def _measure_options(where: str, raw: dict[str, Any], agg: str) -> tuple[str, int, int | None]:
    """(as_of, min_count, window), each checked against the aggregation it applies to."""
    as_of = raw.get("as_of", "end")
    if as_of not in ("start", "end"):
        raise CatalogError(f"{where}: key 'as_of' must be 'start' or 'end', not {as_of!r}")
    min_count = raw.get("min_count", 1)
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise CatalogError(f"{where}: key 'min_count' must be a whole number of at least 1")
    if min_count > 1 and agg != "nunique":
        raise CatalogError(f"{where}: key 'min_count' only applies to agg 'nunique'")
    if raw.get("key") is not None and agg not in ("count", "nunique", "sum"):
        raise CatalogError(f"{where}: key 'key' only applies to agg 'count', 'nunique' or 'sum', not {agg!r}")
    window = raw.get("window")
    if window is not None:
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            raise CatalogError(f"{where}: key 'window' must be a whole number of months, at least 1")
        if agg in ("stock", "last"):
            raise CatalogError(f"{where}: key 'window' only applies to flows, not agg {agg!r}")
    return as_of, min_count, window


def _kpi(path: Path, kid: str, raw: Any, categories: dict[str, Category]) -> Kpi:
    where = f"{path}: KPI {kid!r}"
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a mapping of keys")
    unknown = set(raw) - _KPI_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown key {sorted(unknown)[0]!r}",
                           f"Known keys: {', '.join(sorted(_KPI_KEYS))}.")
    for key in ("name", "category", "unit", "direction", "formula"):
        if key not in raw:
            raise CatalogError(f"{where}: missing key {key!r}")
    if raw["category"] not in categories:
        raise CatalogError(f"{where}: key 'category' is {raw['category']!r}", f"Use one of {', '.join(categories)}.")
    if raw["unit"] not in UNITS:
        raise CatalogError(f"{where}: key 'unit' is {raw['unit']!r}", f"Use one of {', '.join(UNITS)}.")
    if raw["direction"] not in DIRECTIONS:
        raise CatalogError(f"{where}: key 'direction' is {raw['direction']!r}", f"Use one of {', '.join(DIRECTIONS)}.")
    try:
        formula = parse(str(raw["formula"]))
    except FormulaSyntaxError as exc:
        raise CatalogError(f"{where}: key 'formula': {exc}") from None
    for node_name in names(formula):
        if node_name in FUNCTIONS:
            raise CatalogError(f"{where}: key 'formula' uses function name {node_name!r} without parentheses")
    tol = raw.get("tolerance", 0.05)
    if not isinstance(tol, int | float) or isinstance(tol, bool) or not 0 <= tol <= 1:
        raise CatalogError(f"{where}: key 'tolerance' must be a fraction between 0 and 1, e.g. 0.05")
    rollup = raw.get("target_rollup", "auto")
    if rollup not in ("auto", "sum", "mean", "last"):
        raise CatalogError(f"{where}: key 'target_rollup' must be auto, sum, mean or last")
    breakdowns = raw.get("breakdowns") or ()
    if isinstance(breakdowns, str) or not all(isinstance(b, str) for b in breakdowns):
        raise CatalogError(f"{where}: key 'breakdowns' must be a list of column names, e.g. [region, channel]")
    requires = raw.get("requires_breakdown", False)
    if not isinstance(requires, bool) or (requires and not breakdowns):
        raise CatalogError(f"{where}: key 'requires_breakdown' must be true or false, and true only with 'breakdowns'")
    default_target = raw.get("default_target")
    if default_target is not None and (not isinstance(default_target, int | float) or isinstance(default_target, bool)):
        raise CatalogError(f"{where}: key 'default_target' must be a number (percent as a fraction: 0.9 for 90 %)")
    return Kpi(
        id=kid, name=_text(where, raw["name"], "name"), category=raw["category"], unit=raw["unit"],
        direction=raw["direction"], formula_text=str(raw["formula"]), formula=formula,
        description=_text(where, raw.get("description"), "description", False) or {"en": ""},
        guidance=_text(where, raw.get("guidance"), "guidance", False) or {"en": ""},
        tolerance=float(tol), target_rollup=rollup, breakdowns=tuple(breakdowns), hidden=bool(raw.get("hidden", False)),
        default_target=None if default_target is None else float(default_target), requires_breakdown=requires,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    raw = parse_yaml(text, path, CatalogError) or {}
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected sections categories / measures / kpis at the top level")
    unknown = set(raw) - {"categories", "measures", "kpis"}
    if unknown:
        raise CatalogError(f"{path}: unknown top-level key {sorted(unknown)[0]!r}",
                           "Use categories, measures and kpis.")
    return raw


def _order(path: Path, kpis: dict[str, Kpi], measures: dict[str, Measure]) -> tuple[str, ...]:
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(kid: str, chain: list[str]) -> None:
        if state.get(kid) == 2:
            return
        if state.get(kid) == 1:
            loop = " -> ".join([*chain, kid])
            raise CatalogError(f"{path}: KPI {kid!r}: formula refers back to itself via {loop}")
        state[kid] = 1
        for n in sorted(measure_names(kpis[kid].formula)):
            if n in kpis:
                visit(n, [*chain, kid])
        state[kid] = 2
        order.append(kid)

    for kid in kpis:
        visit(kid, [])
    return tuple(order)


def load_catalog(extra: list[tuple[Path, dict[str, Any]]] | None = None, path: Path | None = None,
                 schema: Schema | None = None) -> Catalog:
    """Load the packaged catalog, then merge each (source path, raw dict) of `extra` on top.

    A KPI or measure in `extra` that exists already is updated key by key; a new one is added.
    """
    schema = schema or default_schema()
    path = path or data_file("catalog.yaml")
    layers = [(path, _read(path)), *(extra or [])]
    raw_cats: dict[str, tuple[Path, Any]] = {}
    raw_measures: dict[str, tuple[Path, dict[str, Any]]] = {}
    raw_kpis: dict[str, tuple[Path, dict[str, Any]]] = {}
    for src, layer in layers:
        for section, target in (("categories", raw_cats), ("measures", raw_measures), ("kpis", raw_kpis)):
            entries = layer.get(section) or {}
            if not isinstance(entries, dict):
                raise CatalogError(f"{src}: section {section!r} must map ids to definitions")
            for key, value in entries.items():
                if key in target and isinstance(value, dict) and isinstance(target[key][1], dict):
                    target[key] = (src, {**target[key][1], **value})
                else:
                    target[key] = (src, value)
    categories: dict[str, Category] = {}
    for cid, (src, raw) in raw_cats.items():
        where = f"{src}: category {cid!r}"
        if not isinstance(raw, dict):
            raise CatalogError(f"{where}: expected a mapping with name and group")
        categories[cid] = Category(cid, _text(where, raw.get("name"), "name"), str(raw.get("group", "")))
    measures = {mid: _measure(src, mid, raw, schema, user=src != path) for mid, (src, raw) in raw_measures.items()}
    kpis = {kid: _kpi(src, kid, raw, categories) for kid, (src, raw) in raw_kpis.items()}
    for kid, k in kpis.items():
        src = raw_kpis[kid][0]
        if kid in measures:
            raise CatalogError(f"{src}: KPI {kid!r} has the same id as a measure", "Rename the measure.")
        for n in names(k.formula):
            if n not in measures and n not in kpis:
                raise CatalogError(
                    f"{src}: KPI {kid!r}: key 'formula' reads {n!r}, which is neither a measure nor a KPI")
        for func in ("target", "budget"):
            for n in target_names(k.formula, (func,)):
                if n not in kpis:
                    raise CatalogError(f"{src}: KPI {kid!r}: {func}({n}) names no KPI")
    catalog = Catalog(categories, measures, kpis, _order(path, kpis, measures))
    for kid, k in kpis.items():
        _check_breakdowns(raw_kpis[kid][0], catalog, k, schema)
    return catalog


def _check_breakdowns(src: Path, catalog: Catalog, k: Kpi, schema: Schema) -> None:
    """A breakdown is a shared dimension or a column of a table the KPI reads (hashtag, platform)."""
    tables = {catalog.measures[m].table for m in catalog.measures_of(k.id)}
    for b in k.breakdowns:
        if b in schema.dimensions or any(schema.tables[t].has(b) for t in tables):
            continue
        raise CatalogError(f"{src}: KPI {k.id!r}: key 'breakdowns' names {b!r}, which is neither a dimension nor a "
                           f"column of {', '.join(sorted(tables)) or 'its tables'}",
                           f"Dimensions: {', '.join(schema.dimensions)}.")


def check_extra_columns(catalog: Catalog, columns: dict[str, set[str]]) -> None:
    """Every column a config measure reads beyond the canonical ones is there in the data
    (`columns`: table -> its columns, extra ones included); else one error naming the KPI, the
    measure and the column, with the extra columns the table does have."""
    for mid, m in catalog.measures.items():
        if not m.extra or m.table not in columns:
            continue
        missing = [c for c in m.extra if c not in columns[m.table]]
        if not missing:
            continue
        kpis = sorted(k for k in catalog.kpis if mid in catalog.measures_of(k)) or ["(none)"]
        spec = default_schema().tables.get(m.table)
        extras = sorted(c for c in columns[m.table] if spec is None or not spec.has(c))
        raise CatalogError(
            f"KPI {', '.join(kpis)}: measure {mid!r} reads column {missing[0]!r}, which table {m.table!r} has neither "
            f"as a column nor as an extra column of the files read",
            f"Its extra columns: {', '.join(extras) or 'none'} (a header 'Delivery Fee' is delivery_fee); "
            "`kpireport validate` lists them.")


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog()
