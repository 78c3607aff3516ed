"""The config's KPI sections: new or changed definitions (kpis, measures, categories), hidden
KPIs, status bands, targets and the service-level time. Together they become catalog layers,
loaded over the built-in catalog, and every KPI id they name is checked against it."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from ..catalog import default_catalog, load_catalog
from ..errors import UsageError
from ..periods import label, parse_period
from .errors import did_you_mean, fail
from .model import SERVICE_LEVEL_MEASURE

CatalogLayer = tuple[Path, dict[str, Any]]


def catalog_settings(path: Path, raw: dict[str, Any], fiscal_year_start: int) -> dict[str, Any]:
    """The Config fields of the KPI sections the file has: catalog_layers, hidden,
    target_overrides and service_level_seconds."""
    kw: dict[str, Any] = {}
    definitions = _definitions(path, raw)
    layers = list(definitions)
    overlay: dict[str, dict[str, Any]] = {}
    named: list[tuple[str, str]] = []  # (key path, the KPI id it names)
    if raw.get("hide") is not None:
        kw["hidden"] = _id_list(path, "hide", raw["hide"])
        for i, kid in enumerate(kw["hidden"]):
            overlay.setdefault(kid, {})["hidden"] = True
            named.append((f"hide[{i}]", kid))
    if raw.get("bands") is not None:
        for kid, tol in _bands(path, raw["bands"]).items():
            overlay.setdefault(kid, {})["tolerance"] = tol
            named.append((f"bands.{kid}", kid))
    if raw.get("targets") is not None:
        kw["target_overrides"] = _targets(path, raw["targets"], fiscal_year_start)
        named += [(f"targets.{kid}", kid) for kid in dict.fromkeys(k for k, _, _ in kw["target_overrides"])]
    if named or definitions:
        _check_kpi_ids(path, definitions, named)
    if overlay:
        layers.append((path, {"kpis": overlay}))
    if "service_level_seconds" in raw:
        kw["service_level_seconds"] = _service_level(path, raw["service_level_seconds"])
        # first, so a measures: entry of the same file still wins over it
        layers.insert(0, (path, {"measures": {SERVICE_LEVEL_MEASURE: {"where": {
            "answered": True, "wait_seconds": {"le": kw["service_level_seconds"]}}}}}))
    if layers:
        kw["catalog_layers"] = tuple(layers)
    return kw


def _definitions(path: Path, raw: dict[str, Any]) -> list[CatalogLayer]:
    """The file's kpis, measures and categories as one catalog layer (none when it has none)."""
    layer = {}
    for key in ("kpis", "measures", "categories"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], dict):
                raise fail(path, key, "must map ids to definitions", "For example kpis: {ces: {direction: lower}}")
            layer[key] = raw[key]
    return [(path, layer)] if layer else []


def _id_list(path: Path, key: str, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise fail(path, key, "must be a list of KPI ids", f"For example {key}: [sms_sent, app_downloads]")
    return tuple(dict.fromkeys(x.strip() for x in raw))


def _number(path: Path, key: str, value: Any) -> float:
    """A number from YAML: 380000, 0.25, "12%", "1.2e6", "380 000"."""
    if isinstance(value, bool):
        raise fail(path, key, f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("_", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            number = float(text) * scale
        except ValueError:
            raise fail(path, key, f"{value!r} is not a number",
                       "Write it without thousands separators: 380000, 0.25 or 25%.") from None
    else:
        raise fail(path, key, f"{value!r} is not a number")
    if math.isnan(number) or math.isinf(number):
        raise fail(path, key, f"{value!r} is not a number")
    return number


def _service_level(path: Path, raw: Any) -> float:
    """The service-level time in seconds: a positive number up to an hour."""
    key = "service_level_seconds"
    seconds = _number(path, key, raw)
    if not 0 < seconds <= 3600:
        raise fail(path, key, f"{raw!r} is not a number of seconds between 1 and 3600",
                   "For example service_level_seconds: 20 (answered within 20 seconds).")
    return seconds


def _bands(path: Path, raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise fail(path, "bands", "must map KPI ids to a fraction of the target", "For example bands: {revenue: 0.03}")
    out = {}
    for kid, value in raw.items():
        tol = _number(path, f"bands.{kid}", value)
        if not 0 <= tol <= 1:
            raise fail(path, f"bands.{kid}", f"{value!r} is not a fraction between 0 and 1",
                       "For example 0.03 (or 3%) for on track within 3 % of the target.")
        out[str(kid)] = tol
    return out


def _period_text(path: Path, key: str, period: Any, fiscal_year_start: int) -> str:
    if isinstance(period, dt.date):
        period = f"{period.year}-{period.month:02d}"
    try:
        return label(parse_period(str(period), fiscal_year_start))
    except UsageError:
        raise fail(path, key, f"{period!r} is not a period",
                   "Write a month as 2026-10, a quarter as 2026-Q4 or a year as 2026.") from None


def _targets(path: Path, raw: Any, fiscal_year_start: int) -> tuple[tuple[str, str, float], ...]:
    example = "For example targets: {revenue: {2026-10: 380000, 2026-Q4: 1150000}, churn_rate: {2026: 2%}}"
    if not isinstance(raw, dict):
        raise fail(path, "targets", "must map KPI ids to {period: target}", example)
    out: list[tuple[str, str, float]] = []
    for kid, periods in raw.items():
        if not isinstance(periods, dict) or not periods:
            raise fail(path, f"targets.{kid}", "must map periods to targets", example)
        for period, value in periods.items():
            key = f"targets.{kid}.{period}"
            out.append((str(kid), _period_text(path, key, period, fiscal_year_start), _number(path, key, value)))
    return tuple(out)


def _check_kpi_ids(path: Path, definitions: list[CatalogLayer], named: list[tuple[str, str]]) -> None:
    """The config's catalog layer loads (errors name the file, KPI and key), and every KPI that hide,
    bands and targets name exists there or in the catalog."""
    catalog = load_catalog(definitions) if definitions else default_catalog()
    known = list(catalog.kpis)
    for key, kid in named:
        if kid not in catalog.kpis:
            raise fail(path, key, f"{kid!r} is not a KPI id",
                       did_you_mean(kid, known) + "`kpireport kpis` lists them.")

