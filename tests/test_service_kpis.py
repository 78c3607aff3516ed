"""Call-centre, churn-snapshot and campaign KPIs (issue 16) at month, quarter and year, each
figure worked out by hand in tests/service_shapes.py; plus the service-level config key, the
KPIs that cannot be computed when their column is missing (never a 0), and campaign responses
read off the wide marketing-campaign customer list through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpireport.config import Config, load_config
from kpireport.errors import ConfigError
from kpireport.model.campaigns import campaign_columns, wide_responses
from kpireport.pipeline import run
from kpireport.problems import ProblemLog, Severity

from . import service_shapes

SHAPES = {"calls": service_shapes.calls, "churn_list": service_shapes.churn_list,
          "campaign_responses": service_shapes.campaign_responses, "wide_campaigns": service_shapes.wide_campaigns}
CONFIGS = {"churn_list": Config(as_of=dt.date(2026, 12, 31)), "wide_campaigns": Config(as_of=dt.date(2026, 11, 30))}


def _expected(shape: str) -> dict[str, dict[str, float]]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return SHAPES[shape](Path(tmp))


CASES = [(shape, period, figure) for shape in SHAPES for period, figures in _expected(shape).items()
         for figure in figures]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    out = {}
    for name, make in SHAPES.items():
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        out[name] = folder
    return out


@pytest.fixture(scope="module")
def reports(folders):
    cache: dict[tuple[str, str], object] = {}

    def get(shape: str, period: str):
        if (shape, period) not in cache:
            cache[shape, period] = run([folders[shape]], CONFIGS.get(shape, Config()), period=period)
        return cache[shape, period]

    return get


@pytest.mark.parametrize(("shape", "period", "figure"), CASES)
def test_hand_computed_figure(reports, shape, period, figure):
    report = reports(shape, period)
    expected = _expected(shape)[period][figure]
    parts = figure.split(":")
    if len(parts) == 1:
        got = report.value(figure)
    else:
        column = "share" if parts[0] == "share" else "value"
        dim, kpi, member = parts[1:] if parts[0] == "share" else parts
        b = report.breakdown(kpi, dim)
        assert b is not None, f"no {dim} breakdown of {kpi}"
        got = b.values[column].get(member)
    assert got is not None, f"{shape} {period}: {figure} not computed"
    assert got == pytest.approx(expected, rel=1e-9), f"{shape} {period}: {figure}"


def test_campaign_response_list_is_its_own_table(folders):
    report = run([folders["campaign_responses"]], Config(), period=service_shapes.MONTH)
    assert {s.table for s in report.sources} == {"campaign_responses"}
    assert report.value("customers") is None  # contacts are not a customer list


@pytest.mark.parametrize(("seconds", "expected"), [(20, 3 / 5), (30, 4 / 5), (10, 1 / 5), ("15", 2 / 5)])
def test_service_level_seconds_from_the_config(folders, tmp_path, seconds, expected):
    cfg = tmp_path / "kpireport.yaml"
    cfg.write_text(f"service_level_seconds: {seconds}\n", encoding="utf-8")
    config = load_config(cfg)
    assert config.service_level_seconds == float(seconds)
    report = run([folders["calls"]], config, period=service_shapes.MONTH)
    assert report.value("service_level") == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "true", "7200", "[20]"])
def test_service_level_seconds_is_validated_with_line_and_column(tmp_path, bad):
    cfg = tmp_path / "kpireport.yaml"
    cfg.write_text(f"language: en\nservice_level_seconds: {bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert f"{cfg}:2:24: key 'service_level_seconds'" in str(err.value)


def _without(folder: Path, source: str, column: str, dest: Path) -> Path:
    """A copy of an export with one column dropped."""
    lines = (folder / source).read_text(encoding="utf-8").splitlines()
    at = lines[0].split(",").index(column)
    dest.mkdir()
    (dest / source).write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != at)
                                         for line in lines) + "\n", encoding="utf-8")
    return dest


@pytest.mark.parametrize(("shape", "source", "column", "kpis", "still", "said"), [
    ("calls", "call_centre_log.csv", "Resolved", ["call_resolution_rate"], "answer_rate", "resolved"),
    ("calls", "call_centre_log.csv", "Speed of answer in seconds", ["service_level"], "abandon_rate",
     "wait_seconds"),
    ("calls", "call_centre_log.csv", "Answered (Y/N)", ["answer_rate", "abandon_rate", "service_level",
                                                        "call_resolution_rate"], "csat_top_two_box", "answered"),
    ("churn_list", "telco_customer_churn.csv", "MonthlyCharges", ["revenue_at_risk"], "average_tenure",
     "monthly_charges"),
    ("campaign_responses", "campaign_responses.csv", "Revenue", ["campaign_roi"], "cost_per_response", "revenue"),
    ("campaign_responses", "campaign_responses.csv", "Cost", ["campaign_roi", "cost_per_response", "campaign_spend"],
     "campaign_response_rate", "cost"),
    ("campaign_responses", "campaign_responses.csv", "Complain", ["campaign_complaint_rate"],
     "campaign_response_rate", "complaint"),
])
def test_missing_column_means_could_not_be_computed(folders, tmp_path, shape, source, column, kpis, still, said):
    folder = _without(folders[shape], source, column, tmp_path / "data")
    period = "2026-12" if shape == "churn_list" else service_shapes.MONTH
    report = run([folder], CONFIGS.get(shape, Config()), period=period)
    for kid in kpis:
        assert report.value(kid) is None, kid
        assert said in report.unavailable[kid].reason(), (kid, report.unavailable[kid].reason())
    assert report.value(still) is not None


def test_wide_campaign_list_through_the_cli_without_config(folders, tmp_path):
    """The published file as it comes, no config: dated by its modified day (2026-11-30), the
    default report is November's, with every hand-computed figure and the info note."""
    data = tmp_path / "data"
    shutil.copytree(folders["wide_campaigns"], data)
    noon = dt.datetime(2026, 11, 30, 12).timestamp()
    os.utime(data / "marketing_campaign.csv", (noon, noon))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kpireport", "generate", str(data), "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "kpi-report.json").read_text(encoding="utf-8"))
    breakdowns = {(b["kpi"], b["dimension"]): {m["member"]: m.get("value") for m in b["members"]}
                  for b in doc["breakdowns"]}
    for figure, expected in service_shapes.wide_campaigns(tmp_path)["2026-11"].items():
        if ":" in figure:
            dim, kpi, member = figure.split(":")
            got = breakdowns[kpi, dim][member]
        else:
            assert doc["kpis"][figure]["period"] == "2026-11", figure
            got = doc["kpis"][figure]["value"]
        assert got == pytest.approx(expected, rel=1e-8), figure
    notes = [p for p in doc["problems"] if p["table"] == "campaign_responses"]
    assert len(notes) == 1 and notes[0]["severity"] == "info" and notes[0]["file"] == "marketing_campaign.csv"
    assert "dated 2026-11-30" in notes[0]["reason"] and "47 contacts of 8 customers" in notes[0]["reason"]


def test_a_campaign_response_list_wins_over_the_wide_columns(folders, tmp_path):
    for name in ("wide_campaigns", "campaign_responses"):
        shutil.copytree(folders[name], tmp_path, dirs_exist_ok=True)
    report = run([tmp_path], Config(as_of=dt.date(2026, 11, 30)), period=service_shapes.MONTH)
    assert report.value("campaign_response_rate") == pytest.approx(1 / 3)
    assert report.value("campaign_spend") == pytest.approx(16.0)


@pytest.mark.parametrize(("columns", "expected"), [
    (["acceptedcmp3", "acceptedcmp1", "response"], [("acceptedcmp1", "Campaign 1"), ("acceptedcmp3", "Campaign 3"),
                                                    ("response", "Last campaign")]),
    (["accepted_campaign_2", "accepted_cmp_10"], [("accepted_campaign_2", "Campaign 2"),
                                                  ("accepted_cmp_10", "Campaign 10")]),
    (["acceptedcmp1", "response"], []),  # one campaign column is not the wide shape
    (["response", "complain"], []),
    (["acceptedcmpx", "acceptedcmp"], []),
])
def test_wide_campaign_columns(columns, expected):
    assert campaign_columns(pd.DataFrame(columns=["customer_id", *columns])) == expected


def test_wide_campaigns_are_named_in_turkish_for_a_turkish_report(folders):
    report = run([folders["wide_campaigns"]], Config(as_of=dt.date(2026, 11, 30), language="tr"), period="2026-11")
    rates = report.breakdown("campaign_response_rate", "campaign_id").values["value"]
    assert rates.get("Kampanya 4") == pytest.approx(0.375) and rates.get("Son kampanya") == pytest.approx(0.5)
    assert not any("Campaign" in str(m) for m in rates.index)


@pytest.mark.parametrize(("cmp1", "cmp2", "rows", "accepted", "warned"), [
    ([1, 0, 1], [0, 0, 1], 6, 3, []),
    (["Yes", "no", ""], ["N", "y", "Y"], 5, 3, []),  # a blank flag is not a contact
    ([1, 2, 0], [0, 1, 1], 3, 2, ["acceptedcmp1"]),  # a 2 is not a flag: that campaign is left out
    ([1, 2, 0], [3, 1, 1], None, None, ["acceptedcmp1", "acceptedcmp2"]),
])
def test_wide_flags(cmp1, cmp2, rows, accepted, warned):
    customers = pd.DataFrame({"customer_id": pd.array(["a", "b", "c"], dtype="string"),
                              "acceptedcmp1": cmp1, "acceptedcmp2": cmp2})
    log = ProblemLog()
    out = wide_responses(customers, pd.Timestamp("2026-11-30"), "as_of in the config", log)
    assert [p.column for p in log if p.severity is Severity.WARNING] == warned
    if rows is None:
        assert out is None
        return
    assert out is not None and len(out) == rows and int(out["accepted"].sum()) == accepted
    assert "cost" not in out.columns and "complaint" not in out.columns  # no such column, no zero made up
