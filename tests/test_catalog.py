"""The packaged catalog and the user's YAML layers over it (add, override, hide without Python)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpireport.catalog import default_catalog, load_catalog
from kpireport.catalog.formula import parse, to_excel
from kpireport.compute.run import compute_report
from kpireport.errors import CatalogError
from kpireport.periods import Grain, parse_period
from kpireport.render.json_out import report_dict
from kpireport.schema import default_schema

from .kpi_fixture import dataset

SPEC = Path("/work/shared/spec/KPI_CATALOG.md")
USER = Path("user.yaml")

# The spec's public ids, unit and direction (sections A, B and C).
SPEC_IDS = {
    "email_campaigns": ("count", "info"), "email_ctr": ("percent", "higher"),
    "website_conversion_rate": ("percent", "higher"), "sales_calls": ("count", "info"), "sms_sent": ("count", "info"),
    "avg_interaction_cost": ("currency", "lower"), "self_service_rate": ("percent", "higher"),
    "new_leads": ("count", "higher"), "cost_per_lead": ("currency", "lower"),
    "lead_conversion_rate": ("percent", "higher"), "cac": ("currency", "lower"),
    "retention_rate": ("percent", "higher"), "acquisition_rate": ("percent", "higher"),
    "churn_rate": ("percent", "lower"), "complaints": ("count", "lower"),
    "first_contact_resolution": ("percent", "higher"), "avg_resolution_time": ("duration", "lower"),
    "csat": ("score", "higher"), "ces": ("score", "higher"), "sales_cycle_length": ("days", "lower"),
    "roi": ("ratio", "higher"), "customer_lifetime_value": ("currency", "higher"),
    "market_share": ("percent", "target"),
    "repeat_purchase_rate": ("percent", "higher"), "nps": ("score", "higher"), "brand_awareness": ("percent", "higher"),
    "revenue": ("currency", "higher"), "cogs": ("currency", "lower"), "gross_profit": ("currency", "higher"),
    "gross_margin": ("percent", "higher"), "operating_expenses": ("currency", "lower"),
    "net_profit": ("currency", "higher"), "net_margin": ("percent", "higher"),
    "revenue_vs_target": ("percent", "higher"), "expenses_vs_budget": ("percent", "lower"), "dso": ("days", "lower"),
    "sales_by_region": ("currency", "higher"), "customers": ("count", "higher"), "new_customers": ("count", "higher"),
    "lost_customers": ("count", "lower"), "tickets_opened": ("count", "info"), "tickets_resolved": ("count", "higher"),
    "defect_rate": ("percent", "lower"), "units_per_hour": ("ratio", "higher"), "uptime": ("percent", "higher"),
    "average_order_value": ("currency", "higher"), "annual_contract_value": ("currency", "higher"),
    "referral_customers": ("count", "higher"), "pipeline_age": ("days", "lower"), "win_rate": ("percent", "higher"),
    "sales_growth": ("percent", "higher"), "mql": ("count", "higher"), "first_response_time": ("duration", "lower"),
    "average_handle_time": ("duration", "target"), "agent_utilization": ("percent", "target"),
    "sales_per_visitor": ("currency", "higher"), "cart_abandonment_rate": ("percent", "lower"),
    "social_reach": ("count", "higher"), "social_impressions": ("count", "higher"),
    "social_engagement_rate": ("percent", "higher"), "follower_growth_rate": ("percent", "higher"),
    "social_ctr": ("percent", "higher"), "hashtag_performance": ("count", "higher"),
    "task_completion_rate": ("percent", "higher"), "on_time_delivery_rate": ("percent", "higher"),
    "cycle_time": ("duration", "lower"), "error_density": ("ratio", "lower"),
    "employee_productivity": ("currency", "higher"), "monthly_active_users": ("count", "higher"),
    "app_downloads": ("count", "higher"),
}
# Issue 16: call centre, churn snapshot and campaign KPIs (beyond the spec's sections).
SERVICE_IDS = {
    "answer_rate": ("percent", "higher"), "abandon_rate": ("percent", "lower"), "service_level": ("percent", "higher"),
    "call_resolution_rate": ("percent", "higher"), "csat_top_two_box": ("percent", "higher"),
    "revenue_at_risk": ("currency", "lower"), "average_tenure": ("score", "higher"),
    "campaign_response_rate": ("percent", "higher"), "cost_per_response": ("currency", "lower"),
    "campaign_roi": ("percent", "higher"), "campaign_spend": ("currency", "info"),
    "campaign_complaint_rate": ("percent", "lower"),
}
# Issue 16's CRM-pipeline and shop KPIs (not in the spec's sections A-C).
SALES_IDS = {
    "won_revenue": ("currency", "higher"), "avg_won_deal_size": ("currency", "higher"),
    "open_pipeline_value": ("currency", "higher"), "open_pipeline_deals": ("count", "info"),
    "weighted_pipeline": ("currency", "higher"), "lost_deal_rate": ("percent", "lower"),
    "closed_deals": ("count", "info"), "return_rate": ("percent", "lower"), "cancellation_rate": ("percent", "lower"),
    "revenue_with_shipping": ("currency", "higher"), "cash_collected": ("currency", "higher"),
    "items_per_order": ("ratio", "higher"), "discount_rate": ("percent", "lower"),
    "on_time_order_delivery": ("percent", "higher"), "avg_delivery_days": ("days", "lower"),
}
CRM_GROUPS = {
    "crm_interactions": ["email_campaigns", "email_ctr", "website_conversion_rate", "sales_calls", "sms_sent",
                         "avg_interaction_cost", "self_service_rate"],
    "lead_generation": ["new_leads", "cost_per_lead", "lead_conversion_rate", "cac", "retention_rate",
                        "acquisition_rate", "churn_rate"],
    "customer_service": ["complaints", "first_contact_resolution", "avg_resolution_time", "csat", "ces"],
    "business_performance": ["sales_cycle_length", "roi", "customer_lifetime_value", "market_share"],
    "customer_loyalty": ["repeat_purchase_rate", "nps", "brand_awareness"],
}


def test_catalog_has_every_spec_kpi_with_its_unit_and_direction() -> None:
    cat = default_catalog()
    assert {k: (v.unit, v.direction) for k, v in cat.kpis.items()} == SPEC_IDS | SERVICE_IDS | SALES_IDS


@pytest.mark.skipif(not SPEC.exists(), reason="spec not available")
def test_spec_tables_and_catalog_agree() -> None:
    rows = re.findall(r"^\|\s*(?:\d+\s*\|\s*)?([a-z_]+)\s*\|[^|]+\|\s*(\w+)\s*\|\s*(\w+)\s*\|", SPEC.read_text(), re.M)
    assert {i: (u, d) for i, u, d in rows if i != "id"} == SPEC_IDS


@pytest.mark.parametrize("group", sorted(CRM_GROUPS))
def test_crm_kpis_sit_in_the_documents_five_groups(group: str) -> None:
    cat = default_catalog()
    assert sorted(k for k, v in cat.kpis.items() if v.category == group) == sorted(CRM_GROUPS[group])


@pytest.mark.parametrize("kid", sorted(SPEC_IDS | SALES_IDS))
def test_every_kpi_is_documented_in_english_and_turkish(kid: str) -> None:
    k = default_catalog().kpis[kid]
    for field in ("name", "description", "guidance"):
        texts = getattr(k, field)
        assert texts.get("en", "").strip() and texts.get("tr", "").strip(), (kid, field)
        assert texts["en"] != texts["tr"], (kid, field)
    assert k.category in default_catalog().categories


def test_every_measure_reads_columns_of_its_table() -> None:
    cat, schema = default_catalog(), default_schema()
    for m in cat.measures.values():
        cols = {c.name for c in schema.tables[m.table].columns}
        assert m.columns() | m.optional_columns() <= cols, m.id


def test_breakdowns_name_columns_the_kpis_tables_have() -> None:
    cat, schema = default_catalog(), default_schema()
    for k in cat.kpis.values():
        tables = {cat.measures[m].table for m in cat.measures_of(k.id)}
        for b in k.breakdowns:
            assert b in schema.dimensions or any(schema.tables[t].has(b) for t in tables), (k.id, b)


def test_stock_flow_and_additive_classification() -> None:
    cat = default_catalog()
    assert cat.is_additive("revenue") and cat.is_additive("net_profit") and cat.is_additive("new_leads")
    assert not cat.is_additive("gross_margin") and not cat.is_additive("customer_lifetime_value")
    assert cat.is_stock("customers") and not cat.is_flow("customers")
    assert cat.is_flow("email_campaigns") and not cat.is_flow("dso")
    assert cat.alias_of("sales_by_region") == "revenue" and cat.alias_of("revenue") is None


# --- user layers ---------------------------------------------------------------------------


def test_user_layer_adds_a_kpi_and_a_measure() -> None:
    layer = {
        "measures": {"big_orders": {"label": {"en": "Orders over 250"}, "table": "orders", "agg": "count",
                                    "date": "order_date",
                                    "where": {"revenue": {"gt": 250}, "status": {"ne": "cancelled"}}}},
        "kpis": {"big_order_share": {"name": {"en": "Share of big orders", "tr": "Büyük sipariş payı"},
                                     "category": "sales", "unit": "percent", "direction": "higher",
                                     "formula": "big_orders / order_count", "description": "Orders over 250.",
                                     "guidance": "Push bundles."}},
    }
    cat = load_catalog(extra=[(USER, layer)])
    assert "big_order_share" in cat.kpis and len(cat.kpis) == len(default_catalog().kpis) + 1
    report = compute_report(dataset(), cat, Grain.MONTH, parse_period("2026-02"))
    assert report.value("big_order_share", parse_period("2026-01")) == pytest.approx(1 / 3)  # only the 300 order
    assert report.value("big_order_share", parse_period("2026-02")) == 1.0
    out = report_dict(report)
    assert out["kpis"]["big_order_share"]["value"] == 1.0
    assert out["kpis"]["big_order_share"]["names"]["tr"] == "Büyük sipariş payı"


def test_user_layer_overrides_direction_tolerance_and_hides() -> None:
    layer = {"kpis": {"ces": {"direction": "lower"}, "csat": {"tolerance": 0.2}, "sms_sent": {"hidden": True}}}
    cat = load_catalog(extra=[(USER, layer)])
    assert cat.kpis["ces"].direction == "lower"
    assert cat.kpis["ces"].formula_text == default_catalog().kpis["ces"].formula_text  # other keys kept
    assert cat.kpis["csat"].tolerance == 0.2
    assert "sms_sent" not in [k.id for k in cat.visible()]
    report = compute_report(dataset(), cat, Grain.MONTH, parse_period("2026-02"))
    assert "sms_sent" not in [k.id for k in report.computed]
    assert "sms_sent" not in report_dict(report)["kpis"]
    # CES fell from 4 to 2: with 5 = hardest that is an improvement.
    assert report.status.at["ces", parse_period("2026-02")] == "improving"
    # CSAT 2 against target 4.2: within a 20 % band is 3.36, so still off track; 4.0 in Jan is at risk.
    assert report.status.at["csat", parse_period("2026-01")] == "at_risk"


def test_user_layer_changes_which_expense_categories_count() -> None:
    layer = {"measures": {"investment_expenses": {"where": {"category": {"in": ["investment", "rent"]}}}}}
    report = compute_report(dataset(), load_catalog(extra=[(USER, layer)]), Grain.MONTH, parse_period("2026-01"))
    assert report.value("roi") == pytest.approx(70 / 50)   # investment 30 + rent 20


def test_user_layer_sets_a_repeat_purchase_window() -> None:
    layer = {"measures": {"repeat_customers": {"window": 2}, "buying_customers": {"window": 2}}}
    report = compute_report(dataset(), load_catalog(extra=[(USER, layer)]), Grain.MONTH, parse_period("2026-02"))
    # Jan + Feb: C1 (2 orders) and C2 (2 orders) of 2 buyers.
    assert report.value("repeat_purchase_rate") == 1.0


def test_later_layers_win_key_by_key() -> None:
    first = {"kpis": {"ces": {"direction": "lower", "tolerance": 0.1}}}
    second = {"kpis": {"ces": {"direction": "higher"}}}
    cat = load_catalog(extra=[(USER, first), (Path("team.yaml"), second)])
    assert cat.kpis["ces"].direction == "higher" and cat.kpis["ces"].tolerance == 0.1


@pytest.mark.parametrize(("layer", "message"), [
    ({"kpis": {"x": {"name": "X", "category": "sales", "unit": "count", "direction": "up", "formula": "order_count"}}},
     "key 'direction' is 'up'"),
    ({"kpis": {"x": {"name": "X", "category": "sales", "unit": "count", "direction": "higher", "formula": "nope"}}},
     "reads 'nope', which is neither a measure nor a KPI"),
    ({"kpis": {"x": {"name": "X", "category": "sales", "unit": "count", "direction": "higher",
                     "formula": "order_count / budget(net_sales)"}}}, "budget(net_sales) names no KPI"),
    ({"kpis": {"revenue": {"breakdowns": ["hashtag"]}}}, "'breakdowns' names 'hashtag'"),
    ({"kpis": {"revenue": {"default_target": "high"}}}, "'default_target' must be a number"),
    ({"kpis": {"revenue": {"colour": "red"}}}, "unknown key 'colour'"),
    ({"measures": {"m": {"table": "orders", "agg": "count", "date": "order_date", "min_count": 2}}},
     "'min_count' only applies to agg 'nunique'"),
    ({"measures": {"m": {"table": "orders", "agg": "stock", "date": "order_date", "window": 3}}},
     "'window' only applies to flows"),
    ({"measures": {"m": {"table": "orders", "agg": "max", "value": "revenue", "date": "order_date",
                         "key": "order_id"}}}, "'key' only applies to agg 'count', 'nunique' or 'sum'"),
    ({"measures": {"m": {"table": "orders", "agg": "count", "date": "order_date", "key": "basket"}}},
     "key 'key' names column 'basket'"),
    ({"measures": {"m": {"table": "orders", "agg": "sum", "date": "order_date", "value": "days(revenue)"}}},
     "days() takes a difference of two dates"),
])
def test_bad_user_layers_name_file_entry_and_key(layer: dict, message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)) as info:
        load_catalog(extra=[(USER, layer)])
    assert "user.yaml" in str(info.value)


@pytest.mark.parametrize(("columns", "fails"), [
    ({"orders": {"order_date", "revenue"}}, True),             # no 'colour' column, not even an extra one
    ({"orders": {"order_date", "revenue", "colour"}}, False),  # an extra column of the files read
    ({"customers": {"customer_id"}}, False),                   # no orders table: the KPI is simply not computed
])
def test_a_user_measure_may_read_an_extra_column_checked_against_the_data(columns, fails: bool) -> None:
    """A column no canonical table has is an extra column (kept by the mapper); it is checked once the
    files are read, with the KPI, measure and column named."""
    from kpireport.catalog.loader import check_extra_columns

    layer = {"measures": {"m": {"table": "orders", "agg": "count", "date": "order_date", "where": {"colour": True}}},
             "kpis": {"x": {"name": "X", "category": "sales", "unit": "count", "direction": "higher", "formula": "m"}}}
    cat = load_catalog(extra=[(USER, layer)])
    assert cat.measures["m"].extra == ("colour",)
    if fails:
        with pytest.raises(CatalogError, match=re.escape("KPI x: measure 'm' reads column 'colour'")):
            check_extra_columns(cat, columns)
    else:
        check_extra_columns(cat, columns)


def test_the_packaged_catalog_reads_no_extra_column() -> None:
    assert not [m.id for m in load_catalog().measures.values() if m.extra]


def test_description_guidance_and_label_are_optional_in_user_layers() -> None:
    layer = {"measures": {"web_days": {"table": "web", "agg": "count", "date": "date"}},
             "kpis": {"web_days_kpi": {"name": "Days of web data", "category": "ecommerce", "unit": "count",
                                       "direction": "info", "formula": "web_days"}}}
    cat = load_catalog(extra=[(USER, layer)])
    assert cat.measures["web_days"].label == {"en": "web days"}
    assert cat.kpis["web_days_kpi"].description == {"en": ""} and cat.kpis["web_days_kpi"].text("guidance", "tr") == ""


def test_a_kpi_can_read_the_target_of_itself_without_a_cycle() -> None:
    layer = {"kpis": {"revenue_gap": {"name": "Revenue gap", "category": "financial", "unit": "currency",
                                      "direction": "higher", "formula": "revenue - target(revenue)"}}}
    report = compute_report(dataset(), load_catalog(extra=[(USER, layer)]), Grain.MONTH, parse_period("2026-01"))
    assert report.value("revenue_gap") == 100.0   # 600 - 500


# --- formula: budget() and to_excel -----------------------------------------------------


def test_budget_in_formulas_prints_and_translates_with_the_kind() -> None:
    node = parse("operating_expenses / budget(operating_expenses)")

    def cell(name: str, offset: int) -> str:
        return f"M!{name}"

    out = to_excel(node, cell, lambda k, kind: f"{kind.upper()}!{k}", "D1")
    assert out == "M!operating_expenses/BUDGET!operating_expenses"
    out = to_excel(parse("revenue / target(revenue)"), cell, lambda k, kind: f"{kind}!{k}", "D1")
    assert out == "M!revenue/target!revenue"


def test_one_argument_target_callback_still_works() -> None:
    node = parse("operating_expenses / budget(operating_expenses) + revenue / target(revenue)")
    out = to_excel(node, lambda n, o: n, lambda k: f"T!{k}", "D1")
    assert out == "operating_expenses/T!operating_expenses+revenue/T!revenue"
