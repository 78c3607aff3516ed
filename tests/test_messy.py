"""Messy exports give the same KPIs as the clean sample (tests/messy.py writes the variants).

Every variant holds the same records as `clean`, written the way real files arrive: offset and
merged headers, Turkish headers and number formats, text numbers and dates, totals and notes,
extra and hidden sheets and rows, tables split over files, CSV in four dialects, the 1904
date system. For each, every KPI value of every period in the JSON must match the clean run
(relative 1e-9), and the typed tables must be equal.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kpireport.config import Config
from kpireport.pipeline import load_dataset, run
from kpireport.problems import Severity
from kpireport.render.json_out import report_dict

from .messy import VARIANTS, base_tables, write_variant


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Config]]:
    """Every variant written once: name -> (folder, config to read it with)."""
    tables = base_tables()
    root = tmp_path_factory.mktemp("messy")
    return {v: (root / v, write_variant(v, root / v, tables=tables)) for v in VARIANTS}


@pytest.fixture(scope="module")
def clean(variants) -> tuple[object, dict]:
    folder, config = variants["clean"]
    return load_dataset([folder], config), report_dict(run([folder], config))["kpis"]


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    fa, fb = float(a), float(b)  # type: ignore[arg-type]
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-9)


def _assert_same_tables(expected, got) -> None:
    assert set(got.tables) == set(expected.tables)
    for name, a in expected.tables.items():
        b = got.tables[name]
        assert len(b) == len(a), name
        for col in a.columns:
            assert col in b.columns, (name, col)
            pd.testing.assert_series_equal(a[col], b[col], check_dtype=False, rtol=1e-12, obj=f"{name}.{col}")


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "clean"])
def test_variant_gives_the_clean_kpis(variant: str, variants, clean) -> None:
    expected_data, expected = clean
    folder, config = variants[variant]
    dataset = load_dataset([folder], config)
    _assert_same_tables(expected_data, dataset)
    errors = [p.one_line() for p in dataset.problems if p.severity is Severity.ERROR]
    assert not errors, errors
    got = report_dict(run([folder], config))["kpis"]
    assert set(got) == set(expected)
    bad = []
    for kid, entry in expected.items():
        values = got[kid]["values"]
        assert set(values) == set(entry["values"]), kid
        bad += [(kid, p, v, values[p]) for p, v in entry["values"].items() if not _close(v, values[p])]
    assert not bad, bad[:10]
    assert sum(1 for e in expected.values() for v in e["values"].values() if v is not None) > 100


def test_variants_are_reported_as_what_they_are(variants) -> None:
    """The messiness is seen, not silently absorbed: notes for totals, merged units, hidden rows..."""
    reasons = {}
    for variant in ("offset_merged", "extra_hidden", "split", "date1904", "csv"):
        folder, config = variants[variant]
        dataset = load_dataset([folder], config)
        reasons[variant] = " | ".join(p.one_line() for p in dataset.problems)
        if variant == "date1904":
            assert all("1904" in s.detail for s in dataset.sources)
        if variant == "csv":
            details = {s.detail for s in dataset.sources}
            assert {"CSV, semicolon-separated, Windows-1254", "CSV, comma-separated, UTF-8 with BOM",
                    "CSV, tab-separated, UTF-16", "CSV, pipe-separated, UTF-8"} <= details
    assert "totals row(s) left out" in reasons["offset_merged"]
    assert "note(s) or lone value(s) below the table left out" in reasons["offset_merged"]
    assert "'Handle time / (min)' is in minutes: converted to seconds" in reasons["offset_merged"]
    assert "'Revenue / TL' (column E) also matches revenue; 'Revenue / USD' (column D) is used" \
        in reasons["offset_merged"]
    assert "repeated header row(s) left out" in reasons["offset_merged"]
    assert "hidden row(s) are read as data" in reasons["extra_hidden"]
    assert "Orders (old): hidden sheet ignored" in reasons["extra_hidden"]
    assert "Sheet3: empty sheet ignored" in reasons["extra_hidden"]
    assert "2 tables found on this sheet" in reasons["split"]
