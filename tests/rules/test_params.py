from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rules.params import ParameterNotInForce, UnknownParameter, load, parameters, value_at

CATALOG_PARAMETERS = {
    "unit_area_max_m2": Decimal("90"), "small_unit_area_m2": Decimal("70"),
    "large_unit_share_max": Decimal("0.15"), "park_support_land_ratio_max": Decimal("0.15"),
    "vat_simplified_rate": Decimal("0.015"), "property_tax_rate": Decimal("0.04"),
    "fund_contribution_months_min": 6, "review_working_days": 10,
    "conversion_procedure_working_days": 10, "listing_days_after_completion": 15,
    "lease_term_months_min": 6, "rent_cap_ratio": Decimal("0.90"), "appraisal_valid_years": 2,
    "transition_months": 12, "exit_min_operation_years": 8, "prepaid_rent_months_max": 3,
    "lease_term_months_max": 60, "exit_decision_working_days": 3,
}


@pytest.mark.parametrize(("name", "expected"), CATALOG_PARAMETERS.items())
def test_catalog_values_in_force(name: str, expected: object) -> None:
    assert value_at(name, date(2024, 6, 1)) == expected


def test_every_parameter_cites_an_article_and_a_start_date() -> None:
    for p in parameters().values():
        assert p.article.startswith(("第", "附件")), p.name
        assert p.values and all(isinstance(v.since, date) for v in p.values)


def test_central_districts() -> None:
    assert value_at("central_districts", date(2023, 1, 1)) == ("珠山区", "昌江区", "高新区", "昌南新区")


def test_before_the_regulation_no_value_is_in_force() -> None:
    with pytest.raises(ParameterNotInForce) as err:
        value_at("rent_cap_ratio", date(2022, 5, 5))
    assert "2022-05-06" in str(err.value)


def test_unknown_parameter() -> None:
    with pytest.raises(UnknownParameter):
        value_at("no_such_parameter", date(2023, 1, 1))


def test_a_later_value_applies_from_its_date(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[cap]\narticle = "第三十七条"\ndescription = "x"\ntype = "decimal"\n'
        'values = [{ since = 2024-01-01, value = "0.85" }, { since = 2022-05-06, value = "0.90" }]\n',
        encoding="utf-8")
    cap = load(path)["cap"]
    assert cap.at(date(2023, 12, 31)) == Decimal("0.90")
    assert cap.at(date(2024, 1, 1)) == Decimal("0.85")


# ---- the city's dated changes of its policy settings ---------------------------------------------

def test_a_policy_change_applies_from_its_date_and_the_latest_of_a_day_wins() -> None:
    from rules import params as p

    try:
        p.set_city_changes({"prepaid_rent_months_max": [
            p.DatedValue(date(2026, 1, 1), 2, "景保租办〔2025〕7号"),
            p.DatedValue(date(2026, 1, 1), 1, "景保租办〔2025〕8号（更正）")]})
        assert p.value_at("prepaid_rent_months_max", date(2025, 12, 31)) == 3
        assert p.value_at("prepaid_rent_months_max", date(2026, 1, 1)) == 1
        assert p.parameter_in_file("prepaid_rent_months_max").values[-1].value == 3
    finally:
        p.set_city_changes({})
    assert p.value_at("prepaid_rent_months_max", date(2026, 1, 1)) == 3


def test_the_regulations_own_numbers_do_not_change_this_way() -> None:
    from rules import params as p

    with pytest.raises(ValueError, match="regulation"):
        p.set_city_changes({"rent_cap_ratio": [p.DatedValue(date(2026, 1, 1), Decimal("0.85"), "x")]})
    assert {n for n, v in p.parameters().items() if v.policy} == {
        "review_due_soon_working_days", "renewal_window_days", "lease_term_months_max",
        "prepaid_rent_months_max",
        # upkeep (issue 17): repair deadlines, the fire-safety check interval, plan reviews
        "repair_urgent_accept_hours", "repair_urgent_complete_days", "repair_normal_accept_working_days",
        "repair_normal_complete_working_days", "repair_confirm_days", "fire_check_interval_months",
        "emergency_plan_review_months_max",
        # contracts (issue 16): the deposit cap, how long a 租赁备案证明 stays valid
        "deposit_months_max", "lease_proof_valid_days",
        # usability (issue 21): from when the 附件5 materials due with an application are uploaded
        "materials_upload_required",
        # reminders (issue 18): lead times before each deadline
        "reminder_appraisal_days", "reminder_exit_working_days", "reminder_fire_check_days",
        "reminder_lease_end_days", "reminder_listing_days", "reminder_rectification_days",
        "reminder_repair_days", "reminder_review_working_days", "reminder_transition_days",
        # door access (issue 19): retention, signal thresholds, the devices' limits
        "access_batch_max_events", "access_clock_skew_seconds", "access_device_events_per_minute",
        "access_idle_days", "access_lending_min_days", "access_lending_min_entries",
        "access_lending_window_days", "access_retention_days", "access_signal_quiet_days",
        # plans (issue 20): how far a plan line may lag before it is flagged
        "plan_progress_tolerance"}
