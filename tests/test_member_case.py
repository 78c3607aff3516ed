"""Breakdown members that differ only by case are one member (Turkish dotted/dotless i kept apart)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.model import apply_model
from kpireport.model.members import fold
from kpireport.periods import Grain, parse_period
from kpireport.problems import ProblemLog

from .kpi_fixture import dataset, dt, num, text


@pytest.mark.parametrize(("a", "b", "turkish", "same"), [
    ("İZMİR", "izmir", True, True),
    ("İZMİR", "İzmir", True, True),
    ("IĞDIR", "Iğdır", True, True),
    ("IĞDIR", "ığdır", True, True),
    ("ISPARTA", "Isparta", True, True),
    ("ISPARTA", "isparta", True, False),     # Turkish: I is dotless ı, not i
    ("sık", "sik", True, False),             # two words in Turkish
    ("IRVINE", "irvine", False, True),
    ("İZMİR", "izmir", False, True),         # İ with a plain fold: i and a combining dot, taken off
    ("North", "NORTH", False, True),
    ("North", "Nort", False, False),
])
def test_fold(a: str, b: str, turkish: bool, same: bool) -> None:
    assert (fold(a, turkish) == fold(b, turkish)) is same


def _upper_tr(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


@given(st.text(alphabet="abcçdefgğhıijklmnoöprsştuüvyz ", max_size=12))
def test_turkish_fold_groups_a_word_with_its_turkish_capitals(word: str) -> None:
    assert fold(_upper_tr(word), True) == fold(word, True) == fold(word.title() if "i" not in word else word, True)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", max_size=12))
def test_plain_fold_groups_any_case_of_an_ascii_word(word: str) -> None:
    assert fold(word.upper(), False) == fold(word.title(), False) == fold(word, False)


@given(st.text(alphabet="ıi", min_size=1, max_size=6), st.text(alphabet="ıi", min_size=1, max_size=6))
def test_turkish_fold_keeps_dotted_and_dotless_apart(a: str, b: str) -> None:
    assert (fold(_upper_tr(a), True) == fold(b, True)) is (a == b)


def _orders(regions: list[str], revenue: list[float]) -> pd.DataFrame:
    n = len(regions)
    return pd.DataFrame({"order_date": dt(["2026-01-10"] * n), "customer_id": text([f"C{i}" for i in range(n)]),
                         "revenue": num(revenue), "region": text(regions)})


def test_members_are_grouped_by_a_turkish_fold_in_the_breakdown() -> None:
    regions = ["İzmir", "İZMİR", "izmir", "İzmir", "IĞDIR", "Iğdır", "Iğdır", "Ankara"]
    revenue = [10.0, 20.0, 30.0, 40.0, 1.0, 2.0, 3.0, 100.0]
    ds = dataset(orders=_orders(regions, revenue), customers=None)
    ds.problems = ProblemLog()
    ds = apply_model(ds)
    r = compute_report(ds, default_catalog(), Grain.MONTH, parse_period("2026-01"))
    b = r.breakdown("sales_by_region", "region").values
    assert b["value"].to_dict() == {"Ankara": 100.0, "İzmir": 100.0, "Iğdır": 6.0}
    notes = [p.reason for p in ds.problems if "differ only by case" in p.reason and p.column == "region"]
    assert notes == [
        "'IĞDIR', 'Iğdır' differ only by case and count as one region, shown as 'Iğdır' (the spelling most rows "
        "use; Turkish dotted and dotless i kept apart)",
        "'izmir', 'İZMİR', 'İzmir' differ only by case and count as one region, shown as 'İzmir' (the spelling "
        "most rows use; Turkish dotted and dotless i kept apart)",
    ]


def test_targets_name_the_member_in_any_case() -> None:
    targets = pd.DataFrame({"kpi": text(["revenue"]), "period": text(["2026-01"]), "target": num([50.0]),
                            "dimension": text(["region"]), "member": text(["NORTH"]), "kind": text(["target"])})
    ds = dataset(orders=_orders(["North", "north", "North"], [10.0, 20.0, 30.0]), customers=None, targets=targets)
    ds.problems = ProblemLog()
    r = compute_report(apply_model(ds), default_catalog(), Grain.MONTH, parse_period("2026-01"))
    b = r.breakdown("sales_by_region", "region").values
    assert list(b.index) == ["North"] and b.at["North", "value"] == 60.0 and b.at["North", "target"] == 50.0


def test_one_spelling_per_member_is_left_alone() -> None:
    ds = dataset(orders=_orders(["North", "South"], [1.0, 2.0]), customers=None)
    ds.problems = ProblemLog()
    out = apply_model(ds)
    assert out.tables["orders"]["region"].tolist() == ["North", "South"]
    assert not [p for p in ds.problems if "differ only by case" in p.reason and p.column == "region"]
