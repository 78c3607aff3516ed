"""One member per name, whatever its case: `İZMİR`, `İzmir` and `izmir` are one region.

Breakdown members come from text columns typed by people, so the same region arrives in
several cases. Spellings that differ only by case are grouped by a case fold and shown with
the spelling most rows use (ties: the first in sorted order, so every run shows the same),
with a note per group. The fold is Turkish-aware: dotted İ/i and dotless I/ı are different
letters in Turkish, so `IĞDIR` folds to `ığdır` like `Iğdır`, where a plain fold would make
`iğdir`. The Turkish rule is used when the report's locale is Turkish or the column holds a
letter only Turkish uses (ğ, ş, ı, İ); elsewhere `IRVINE` and `irvine` fold by Unicode rules.

The spellings are unified in every table at once (orders' and customers' region alike, and the
members named in the targets table), before the engine groups by them, so the SQL engine's
groups, the member targets and the joins all see one spelling.
"""

from __future__ import annotations

import pandas as pd

from ..problems import Problem, ProblemLog, Severity
from ..schema import Schema

TURKISH_ONLY = frozenset("ğĞşŞıİ")
# a column of more distinct texts than this is names or notes, not the members of a breakdown
MAX_DISTINCT = 100_000


def fold(text: str, turkish: bool) -> str:
    """The case fold that decides which spellings are one member."""
    if turkish:
        return text.replace("I", "ı").replace("İ", "i").casefold()
    return text.casefold().replace("i\u0307", "i")  # İ without the Turkish rule: i and a combining dot


def _columns(schema: Schema, tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Text and dimension columns per column name, over the tables that have them."""
    out: dict[str, list[str]] = {}
    for name, df in tables.items():
        spec = schema.tables.get(name)
        if spec is None or name in ("targets", "okrs"):  # their texts name KPIs and goals, not members
            continue
        for c in spec.columns:
            if c.type == "text" and c.name in df.columns:
                out.setdefault(c.name, []).append(name)
    return out


Shown = dict[str, tuple[bool, dict[str, str]]]  # column -> (Turkish fold?, {fold: spelling shown})


def unify_case(tables: dict[str, pd.DataFrame], schema: Schema, log: ProblemLog, turkish_locale: bool = False,
               ) -> Shown:
    """Rewrite, in place in `tables`, each text column's spellings to one per case fold; returns
    the spelling shown for each fold, per column (for the targets' members)."""
    merged: Shown = {}
    for column, names in _columns(schema, tables).items():
        counts: dict[str, int] = {}
        for n in names:
            vc = tables[n][column].value_counts(dropna=True)
            if len(vc) > MAX_DISTINCT:
                counts = {}
                break
            for value, k in vc.items():
                counts[str(value)] = counts.get(str(value), 0) + int(k)
        if not counts:
            continue
        turkish = turkish_locale or any(ch in TURKISH_ONLY for v in counts for ch in v)
        groups: dict[str, list[str]] = {}
        for value in sorted(counts):
            groups.setdefault(fold(value, turkish), []).append(value)
        mapping: dict[str, str] = {}
        merged[column] = (turkish, {})
        for key, spellings in groups.items():
            shown = max(spellings, key=lambda s: (counts[s], -spellings.index(s)))
            merged[column][1][key] = shown
            if len(spellings) < 2:
                continue
            mapping.update({s: shown for s in spellings if s != shown})
            listed = ", ".join(repr(s) for s in spellings)
            log.add(Problem(f"{listed} differ only by case and count as one {column}, shown as {shown!r} (the "
                            f"spelling most rows use{'; Turkish dotted and dotless i kept apart' if turkish else ''})",
                            column=column, table=", ".join(names), severity=Severity.INFO))
        if not mapping:
            continue
        for n in names:
            s = tables[n][column]
            tables[n] = tables[n].assign(**{column: s.replace(mapping).astype(s.dtype)})
    return merged


def unify_targets(tables: dict[str, pd.DataFrame], shown: Shown) -> None:
    """The targets table's members in the spelling the data shows (a target for 'İZMİR' is İzmir's)."""
    df = tables.get("targets")
    if not shown or df is None or not {"member", "dimension"} <= set(df.columns):
        return
    out = []
    for dim, member in zip(df["dimension"].tolist(), df["member"].tolist(), strict=True):
        rule = shown.get(str(dim)) if isinstance(dim, str) and isinstance(member, str) else None
        out.append(member if rule is None else rule[1].get(fold(member, rule[0]), member))
    tables["targets"] = df.assign(member=pd.Series(out, index=df.index, dtype=df["member"].dtype))
