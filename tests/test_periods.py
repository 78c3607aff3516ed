from __future__ import annotations

import pandas as pd
import pytest

from kpireport.errors import UsageError
from kpireport.periods import Grain, days_in, label, latest_complete, parse_period


@pytest.mark.parametrize(("text", "fy", "start", "end", "shown"), [
    ("2026-03", 1, "2026-03-01", "2026-03-31", "2026-03"),
    ("2026/3", 1, "2026-03-01", "2026-03-31", "2026-03"),
    ("2026-Q1", 1, "2026-01-01", "2026-03-31", "2026-Q1"),
    ("Q2 2025", 1, "2025-04-01", "2025-06-30", "2025-Q2"),
    ("2026", 1, "2026-01-01", "2026-12-31", "2026"),
    ("FY2026", 4, "2025-04-01", "2026-03-31", "2026"),
    ("2026-Q1", 4, "2025-04-01", "2025-06-30", "2026-Q1"),
])
def test_parse_period(text: str, fy: int, start: str, end: str, shown: str) -> None:
    p = parse_period(text, fy)
    assert p.start_time == pd.Timestamp(start)
    assert p.end_time.normalize() == pd.Timestamp(end)
    assert label(p) == shown


@pytest.mark.parametrize("text", ["2026-13", "26-03", "March", "2026-Q5", ""])
def test_bad_period_says_how_to_write_one(text: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_period(text)
    assert "2026-Q1" in exc.value.one_line()


@pytest.mark.parametrize(("last", "grain", "expected"), [
    ("2026-10-31", Grain.MONTH, "2026-10"),
    ("2026-10-30", Grain.MONTH, "2026-09"),
    ("2026-10-31", Grain.QUARTER, "2026Q3"),
    ("2026-12-31", Grain.QUARTER, "2026Q4"),
    ("2026-10-31", Grain.YEAR, "2025"),
])
def test_latest_complete(last: str, grain: Grain, expected: str) -> None:
    assert str(latest_complete(pd.Timestamp(last), grain)) == expected


def test_days_in() -> None:
    assert days_in(parse_period("2024-02")) == 29
    assert days_in(parse_period("2026-Q1")) == 90
    assert days_in(parse_period("2024")) == 366
