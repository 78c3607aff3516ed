"""High-cardinality breakdowns keep the best and worst members and one rest line; the JSON
leaves empty fields out and counts every problem."""

from __future__ import annotations

import copy
from dataclasses import replace

import pandas as pd
import pytest

from kpireport.catalog import default_catalog
from kpireport.compute.breakdowns import KEEP, MAX_MEMBERS, trim
from kpireport.compute.report import Breakdown, Report
from kpireport.compute.run import compute_report
from kpireport.periods import Grain, parse_period
from kpireport.problems import Problem
from kpireport.render.json_out import report_dict

from .kpi_fixture import dataset


@pytest.fixture(scope="module")
def january() -> Report:
    """January's report of the hand-made company, computed once; each test changes its own copy."""
    return compute_report(dataset(), default_catalog(), Grain.MONTH, parse_period("2026-01"))


def _frame(values: list[float | None]) -> pd.DataFrame:
    """Members m00.. ranked best first (higher is better), unranked (no value) last."""
    ranked = sorted((v for v in values if v is not None), reverse=True)
    empty = {"target": None, "attainment": None, "status": None}
    rows = [{"value": v, "previous": 1.0, **empty, "rank": i + 1} for i, v in enumerate(ranked)]
    rows += [{"value": None, "previous": None, **empty, "rank": None} for v in values if v is None]
    return pd.DataFrame(rows, index=[f"m{i:02d}" for i in range(len(rows))])


@pytest.mark.parametrize(("values", "additive", "kept", "rest", "rest_value", "rest_previous"), [
    # 50 members: not trimmed
    ([float(v) for v in range(1, 51)], True, 50, 0, None, None),
    # 60 members 1..60: keep 60..51 and 10..1; the rest 11..50 sum to 1220, previous 40 x 1
    ([float(v) for v in range(1, 61)], True, 20, 40, float(sum(range(11, 51))), 40.0),
    # a ratio does not add up: the rest is counted, not summed
    ([float(v) for v in range(1, 61)], False, 20, 40, None, None),
    # 55 ranked and 5 without a value: those go to the rest; the rest sums 11..45 = 980
    ([float(v) for v in range(1, 56)] + [None] * 5, True, 20, 40, float(sum(range(11, 46))), 35.0),
    # no member has a value (a vs-target KPI without member targets): nothing kept, the breakdown is left out
    ([None] * 60, True, 0, 60, None, None),
])
def test_trim_keeps_top_and_bottom_and_a_rest_line(values, additive, kept, rest, rest_value, rest_previous) -> None:
    b = trim(Breakdown("revenue", "customer_id", _frame(values)), additive)
    assert len(b.values) == kept and b.rest == rest
    assert b.rest_value == rest_value and b.rest_previous == rest_previous
    if kept and rest:
        ranks = b.values["rank"].tolist()
        n_ranked = sum(v is not None for v in values)
        assert ranks == list(range(1, KEEP + 1)) + list(range(n_ranked - KEEP + 1, n_ranked + 1))


def test_trim_limit_is_the_documented_one() -> None:
    assert MAX_MEMBERS == 50 and KEEP == 10


def test_json_leaves_empty_fields_out_and_shows_the_rest_line(january: Report) -> None:
    r = copy.deepcopy(january)
    big = trim(Breakdown("revenue", "region", _frame([float(v) for v in range(1, 61)])), True)
    r.breakdowns = [big]
    out = report_dict(r)["breakdowns"][0]
    assert out["rest"] == {"members": 40, "value": 1220.0, "previous": 40.0}
    assert len(out["members"]) == 20
    assert all("target" not in m and "status" not in m for m in out["members"])  # no targets given: left out
    assert out["members"][0] == {"member": "m00", "value": 60.0, "previous": 1.0, "rank": 1.0}


def test_json_counts_every_problem_including_those_not_listed(january: Report) -> None:
    r = copy.deepcopy(january)
    log = replace(r.problems, items=[], _counts={}, suppressed={})
    for i in range(25):  # 25 bad cells in one column: 20 listed, 5 counted
        log.add(Problem(f"bad {i}", file="a.csv", sheet="a", cell=f"B{i + 2}", column="Amount"))
    log.add(Problem("other", file="b.csv", sheet="b", column="Date"))
    r.problems = log
    out = report_dict(r)
    assert len(out["problems"]) == 21 and out["problems_count"] == 26
    assert out["problems_not_listed"] == [{"file": "a.csv", "sheet": "a", "column": "Amount", "count": 5}]


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_workbook_and_html_show_the_rest_line(lang: str, january: Report) -> None:
    import datetime as dt
    import io

    import openpyxl

    from kpireport.config import Config
    from kpireport.i18n import Translator
    from kpireport.render.html import render_html
    from kpireport.render.workbook import render_workbook

    r = copy.deepcopy(january)
    r.breakdowns = [trim(Breakdown("revenue", "region", _frame([float(v) for v in range(1, 61)])), True)]
    config = Config(language=lang)
    wb = openpyxl.load_workbook(io.BytesIO(render_workbook(r, config, dt.date(2026, 2, 1))))
    ws = wb.worksheets[2]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    label = Translator(lang)("workbook.breakdowns.rest", count=40)
    rest = [row for row in rows if label in row]
    assert len(rest) == 1 and 1220.0 in rest[0] and 40.0 in rest[0]
    html = render_html(r, config, dt.date(2026, 2, 1))
    assert "m00" in html and "m30" not in html
