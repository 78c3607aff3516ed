"""Values typed in a monthly KPI sheet: they win over the records, with a note, at every grain."""

from __future__ import annotations

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.run import compute_report
from kpireport.dataset import Dataset
from kpireport.periods import Grain, parse_period
from kpireport.render.json_out import report_dict

from .kpi_fixture import dataset

CAT = default_catalog()
JAN, FEB, MAR = (parse_period(f"2026-0{m}") for m in (1, 2, 3))
NAN = float("nan")


def sheet(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["kpi", "period", "value", "target"])
    df["file"], df["sheet"] = "kpis.xlsx", "KPIs"
    df["cell"] = [f"C{i + 2}" for i in range(len(df))]
    return df.astype({"kpi": "string", "period": "string", "file": "string", "sheet": "string", "cell": "string"})


def with_sheet(rows: list[tuple[str, str, float, float]], **tables) -> Dataset:
    ds = dataset(**tables)
    ds.kpi_sheet = sheet(rows)
    return ds


def test_typed_value_wins_over_the_records_with_a_note() -> None:
    ds = with_sheet([("revenue", "2026-01", 650.0, NAN)])
    r = compute_report(ds, CAT, Grain.MONTH, parse_period("2026-03"))
    assert r.value("revenue", JAN) == 650.0 and r.is_typed("revenue", JAN) and not r.is_typed("revenue", FEB)
    assert r.notes[("revenue", JAN)] == "typed value (kpis.xlsx / KPIs / C2) used; computed from the records: 600"
    assert r.value("gross_margin", JAN) == pytest.approx(0.45)     # other KPIs stay computed from the records
    assert r.ytd_value("revenue", FEB) == 1050.0                   # the values shown: 650 typed + 400
    assert report_dict(r)["kpis"]["revenue"]["values"]["2026-01"] == 650.0


def test_a_typed_kpi_the_records_cannot_give_is_no_longer_unavailable() -> None:
    ds = with_sheet([("market_share", "2026-01", 0.12, 0.1), ("market_share", "2026-02", 0.11, 0.1)], market=None)
    r = compute_report(ds, CAT, Grain.MONTH, parse_period("2026-02"))
    assert "market_share" not in r.unavailable
    assert r.value("market_share", JAN) == 0.12 and r.target("market_share", JAN) == 0.1
    assert r.notes[("market_share", FEB)] == "typed value (kpis.xlsx / KPIs / C3) used"
    assert r.status.at["market_share", JAN] == "off_track"       # 20 % above a closest-to-target goal
    assert r.breakdown("market_share", "region") is None


def test_typed_months_roll_up_to_quarters_by_the_kpis_rule() -> None:
    rows = [("new_leads", m, v, NAN) for m, v in (("2026-01", 10.0), ("2026-02", 20.0), ("2026-03", 30.0))]
    rows += [("csat", "2026-01", 4.0, NAN), ("csat", "2026-02", 5.0, NAN), ("app_downloads", "2026-01", 7.0, NAN)]
    r = compute_report(with_sheet(rows), CAT, Grain.QUARTER, parse_period("2026-Q1"))
    q = parse_period("2026-Q1")
    assert r.value("new_leads") == 60.0 and r.notes[("new_leads", q)].startswith("typed value (the sum of 3 typed")
    assert r.value("csat") == pytest.approx(4.5) and "the mean of 2 typed month(s)" in r.notes[("csat", q)]
    assert r.value("app_downloads") == 250.0 and not r.is_typed("app_downloads")   # one month is not a quarter


def test_typed_targets_join_the_targets_table() -> None:
    r = compute_report(with_sheet([("revenue", "2026-02", NAN, 450.0)]), CAT, Grain.MONTH, parse_period("2026-03"))
    assert r.target("revenue", FEB) == 450.0 and r.target("revenue", JAN) == 500.0
    assert not r.is_typed("revenue", FEB)


def test_a_kpi_sheet_alone_makes_a_report() -> None:
    ds = Dataset()
    ds.kpi_sheet = sheet([("revenue", "2026-01", 100.0, 120.0), ("revenue", "2026-02", 130.0, 120.0),
                          ("nps", "2026-02", 31.0, NAN)])
    r = compute_report(ds, CAT, Grain.MONTH)
    assert r.period == FEB and r.periods == [JAN, FEB]
    assert r.value("revenue") == 130.0 and r.status.at["revenue", FEB] == "on_track"
    assert r.value("nps") == 31.0 and r.value("nps", JAN) is None
    assert {k.id for k in r.computed} == {"revenue", "nps"}
    assert "customers" in r.unavailable and r.ytd_value("revenue") == 230.0
