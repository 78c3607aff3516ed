"""The config's targets merged over the input's targets table at run time (the config only
checks them when it loads; the table comes with the data)."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import pandas as pd

from ..periods import label, parse_period


def apply_target_overrides(targets: pd.DataFrame | None, overrides: tuple[tuple[str, str, float], ...],
                           fiscal_year_start: int = 1) -> pd.DataFrame | None:
    """The input targets table (a DataFrame or None) with the config's targets merged over it.

    An override replaces the table's overall target rows (no dimension, kind target) for the
    same KPI and period, and is appended as a row of its own, so the engine's usual rules hold:
    a monthly row still beats a month's share of a yearly one. KPIs are matched by id.
    Applying the same overrides twice gives the same table.
    """
    if not overrides:
        return targets
    rows = pd.DataFrame({"kpi": [k for k, _, _ in overrides], "period": [p for _, p, _ in overrides],
                         "target": [float(v) for _, _, v in overrides], "dimension": [""] * len(overrides),
                         "member": [""] * len(overrides), "kind": ["target"] * len(overrides)})
    if targets is None or len(targets) == 0:
        typed = rows.astype({"kpi": "string", "period": "string", "dimension": "string", "member": "string",
                             "kind": "string"})
        if targets is not None:
            typed = typed[[c for c in typed.columns if c in targets.columns or c in ("kpi", "period", "target")]]
        return typed
    keys = {(k, p) for k, p, _ in overrides}

    def text(value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        return str(value).strip()

    def period_label(value: Any) -> str | None:
        try:
            return label(parse_period(text(value), fiscal_year_start))
        except Exception:
            return None

    def overridden(row: dict[str, Any]) -> bool:
        if text(row.get("dimension")).casefold() not in ("", "nan", "<na>", "none"):
            return False
        if text(row.get("kind")).casefold() in ("budget", "budgets", "bütçe", "butce", "bütce", "plan"):
            return False
        return (text(row.get("kpi")), period_label(row.get("period"))) in keys

    keep = targets[[not overridden(r) for r in targets.to_dict("records")]]
    rows = rows[[c for c in rows.columns if c in keep.columns or c in ("kpi", "period", "target")]]
    for column in rows.columns:
        if column in keep.columns:
            with contextlib.suppress(TypeError, ValueError):
                rows[column] = rows[column].astype(keep[column].dtype)
    return pd.concat([keep, rows], ignore_index=True)
