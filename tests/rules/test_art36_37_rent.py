from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.art36_37_rent import (
    AppraisalFacts,
    ProposedRate,
    appraisal_valid_until,
    check_appraisal,
    check_lease_rent,
    check_rent_standard,
    earliest_appraisal_date,
    highest_rate_in_fen,
    lease_rent_cap,
    reappraisal_due,
    rent_cap_rate,
)
from rules.params import ParameterNotInForce

D, M = date, Decimal
ON = D(2024, 6, 1)


def appraisal(appraised_on: date = D(2024, 1, 10), market: str = "30.00",
              per_unit_type: dict[str, str] | None = None) -> AppraisalFacts:
    own = {k: M(v) for k, v in (per_unit_type or {}).items()}
    return AppraisalFacts(appraised_on, M(market), own)


def rate(value: str, unit_type: str | None = None) -> ProposedRate:
    return ProposedRate(unit_type, M(value))


# --- the cap and the appraisal's validity ---------------------------------------------------------

@pytest.mark.parametrize(("market", "cap"), [
    ("30.00", "27.0000"), ("30.01", "27.0090"), ("25", "22.50"), ("24.86", "22.3740"), ("0.01", "0.0090"),
])
def test_rent_cap_rate_is_exact(market: str, cap: str) -> None:
    result = rent_cap_rate(M(market), ON)
    assert result == M(cap)
    assert isinstance(result, Decimal)


def test_no_cap_before_the_regulation() -> None:
    with pytest.raises(ParameterNotInForce):
        rent_cap_rate(M("30"), D(2022, 5, 5))


@pytest.mark.parametrize(("appraised_on", "last_day"), [
    (D(2022, 6, 1), D(2024, 6, 1)),
    (D(2024, 2, 29), D(2026, 2, 28)),    # 29 February: valid through 28 February two years on
    (D(2022, 3, 1), D(2024, 3, 1)),
    (D(2022, 2, 28), D(2024, 2, 28)),    # 29 February 2024 is already one day too late
    (D(2023, 12, 31), D(2025, 12, 31)),
])
def test_appraisal_valid_until(appraised_on: date, last_day: date) -> None:
    assert appraisal_valid_until(appraised_on, ON) == last_day
    assert reappraisal_due(appraised_on, last_day) is False
    assert reappraisal_due(appraised_on, D.fromordinal(last_day.toordinal() + 1)) is True


# --- check_appraisal ------------------------------------------------------------------------------

def test_a_valid_appraisal_lists_every_check() -> None:
    decision = check_appraisal(ON, M("30.00"), {"一室户": M("28.50")}, ON)
    assert decision.ok
    assert [(f.code, f.field) for f in decision.findings] == [
        ("appraisal_date_valid", "appraised_on"),
        ("market_rent_positive", "market_rent_per_m2"),
        ("market_rent_positive", "per_unit_type.一室户"),
    ]
    assert set(decision.articles) == {"第三十七条"}


@pytest.mark.parametrize(("appraised_on", "market", "per_unit_type", "violations"), [
    (D(2024, 6, 2), "30", {}, [("appraisal_date_in_future", "appraised_on")]),
    (ON, "0", {}, [("market_rent_not_positive", "market_rent_per_m2")]),
    (ON, "-1", {}, [("market_rent_not_positive", "market_rent_per_m2")]),
    (ON, "NaN", {}, [("market_rent_not_positive", "market_rent_per_m2")]),
    (ON, "30", {"两室户": "0", "一室户": "25"}, [("market_rent_not_positive", "per_unit_type.两室户")]),
    (ON, "30", {" ": "25"}, [("unit_type_name_required", "per_unit_type")]),
    (D(2024, 6, 2), "0", {"A": "-0.01"}, [("appraisal_date_in_future", "appraised_on"),
                                          ("market_rent_not_positive", "market_rent_per_m2"),
                                          ("market_rent_not_positive", "per_unit_type.A")]),
])
def test_appraisal_violations(appraised_on: date, market: str, per_unit_type: dict[str, str],
                              violations: list[tuple[str, str]]) -> None:
    decision = check_appraisal(appraised_on, M(market), {k: M(v) for k, v in per_unit_type.items()}, ON)
    assert not decision.ok
    assert [(f.code, f.field) for f in decision.violations] == violations
    assert all(f.article == "第三十七条" for f in decision.findings)


# --- check_rent_standard --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "ok"), [
    ("27.00", True),      # exactly 90% of 30.00
    ("26.99", True),
    ("27.01", False),     # one cent above
    ("27.001", False),
])
def test_rate_at_the_90_percent_boundary(value: str, ok: bool) -> None:
    decision = check_rent_standard([rate(value)], appraisal(), ON)
    assert decision.ok is ok
    finding = decision.findings[1]
    assert finding.article == "第三十七条"
    assert finding.field == "rates[0].rate_per_m2"
    assert finding.code == ("rent_within_cap" if ok else "rent_above_cap")


def test_above_cap_message() -> None:
    (finding,) = check_rent_standard([rate("27.01")], appraisal(), ON).violations
    assert finding.message == ("租金标准 27.01 元/m²/月 超过上限 27.00 元/m²/月"
                               "（评估市场租金 30.00 元/m²/月 的 90%）")


def test_a_cap_with_more_than_two_decimals_is_shown_exactly() -> None:
    decision = check_rent_standard([rate("27.009"), rate("27.01", "一室户")], appraisal(market="30.01"), ON)
    assert [(f.code, f.field) for f in decision.findings[1:]] == [
        ("rent_within_cap", "rates[0].rate_per_m2"), ("rent_above_cap", "rates[1].rate_per_m2")]
    assert "超过上限 27.009 元/m²/月（评估市场租金 30.01 元/m²/月 的 90%）" in decision.findings[2].message


@pytest.mark.parametrize(("rates", "results"), [
    # 一室户 has its own appraised rent (25.00 → cap 22.50); 两室户 has none and uses the general 30.00.
    ([rate("22.50", "一室户")], [("rent_within_cap", "25.00")]),
    ([rate("22.51", "一室户")], [("rent_above_cap", "25.00")]),
    ([rate("27.00", "两室户")], [("rent_within_cap", "30.00")]),
    ([rate("27.01", "两室户")], [("rent_above_cap", "30.00")]),
    ([rate("26.00"), rate("22.51", "一室户"), rate("23", "两室户")],
     [("rent_within_cap", "30.00"), ("rent_above_cap", "25.00"), ("rent_within_cap", "30.00")]),
])
def test_a_unit_types_own_appraisal_overrides_the_general_one(rates: list[ProposedRate],
                                                              results: list[tuple[str, str]]) -> None:
    decision = check_rent_standard(rates, appraisal(per_unit_type={"一室户": "25.00"}), ON)
    findings = decision.findings[1:]
    assert [(f.code, f.field) for f in findings] == [
        (code, f"rates[{i}].rate_per_m2") for i, (code, _) in enumerate(results)]
    for finding, (_, market) in zip(findings, results, strict=True):
        assert f"评估市场租金 {market} 元/m²/月 的 90%" in finding.message
    assert "户型“一室户”评估市场租金 25.00" in check_rent_standard(
        [rate("22.51", "一室户")], appraisal(per_unit_type={"一室户": "25.00"}), ON).violations[0].message


@pytest.mark.parametrize(("appraised_on", "on", "code"), [
    (D(2022, 6, 1), D(2024, 6, 1), "appraisal_in_force"),    # exactly 2 years
    (D(2022, 6, 1), D(2024, 6, 2), "appraisal_lapsed"),      # 2 years and 1 day
    (D(2024, 2, 29), D(2026, 2, 28), "appraisal_in_force"),  # 29 February → 28 February
    (D(2024, 2, 29), D(2026, 3, 1), "appraisal_lapsed"),
    (D(2022, 2, 28), D(2024, 2, 28), "appraisal_in_force"),
    (D(2022, 2, 28), D(2024, 2, 29), "appraisal_lapsed"),    # 29 February is one day too late
    (D(2022, 3, 1), D(2024, 2, 29), "appraisal_in_force"),
    (D(2022, 3, 1), D(2024, 3, 1), "appraisal_in_force"),
    (D(2022, 3, 1), D(2024, 3, 2), "appraisal_lapsed"),
    (D(2024, 6, 1), D(2024, 6, 1), "appraisal_in_force"),    # filed the day of the appraisal
    (D(2024, 6, 2), D(2024, 6, 1), "appraisal_after_standard"),
])
def test_appraisal_in_force_on_the_filing_day(appraised_on: date, on: date, code: str) -> None:
    decision = check_rent_standard([rate("27.00")], appraisal(appraised_on), on)
    finding = decision.findings[0]
    assert (finding.article, finding.code, finding.field) == ("第三十七条", code, "appraisal_id")
    assert decision.ok is (code == "appraisal_in_force")
    assert decision.findings[1].code == "rent_within_cap"   # the rates are still checked


def test_lapsed_message_states_the_appraisal_date_and_last_valid_day() -> None:
    (finding,) = check_rent_standard([rate("27")], appraisal(D(2024, 2, 29)), D(2026, 3, 1)).violations
    assert "2024-02-29" in finding.message and "有效至 2026-02-28" in finding.message
    assert "2026-03-01 起已失效" in finding.message and "每 2 年" in finding.message


@pytest.mark.parametrize(("rates", "violations"), [
    ([], [("rates_required", "rates")]),
    ([rate("0")], [("rate_not_positive", "rates[0].rate_per_m2")]),
    ([rate("-1", "一室户")], [("rate_not_positive", "rates[0].rate_per_m2")]),
    ([rate("20"), rate("21")], [("rate_duplicate", "rates[1].unit_type")]),
    ([rate("20", "A"), rate("20", "B"), rate("21", "A")], [("rate_duplicate", "rates[2].unit_type")]),
    ([rate("30"), rate("0", "A")], [("rent_above_cap", "rates[0].rate_per_m2"),
                                    ("rate_not_positive", "rates[1].rate_per_m2")]),
])
def test_rent_standard_violations(rates: list[ProposedRate], violations: list[tuple[str, str]]) -> None:
    decision = check_rent_standard(rates, appraisal(), ON)
    assert [(f.code, f.field) for f in decision.violations] == violations
    assert all(f.article == "第三十七条" for f in decision.findings)


def test_lapsed_appraisal_and_rate_above_cap_are_reported_together() -> None:
    decision = check_rent_standard([rate("28")], appraisal(D(2021, 1, 1)), ON)
    assert [f.code for f in decision.violations] == ["appraisal_lapsed", "rent_above_cap"]


# --- check_lease_rent -----------------------------------------------------------------------------

def test_lease_rent_cap_is_exact() -> None:
    assert lease_rent_cap(M("38.55"), M("22.37")) == M("862.3635")
    assert lease_rent_cap(M("45"), M("20")) == M("900")


@pytest.mark.parametrize(("rent", "ok", "code"), [
    ("862.36", True, "lease_rent_within_cap"),
    ("862.3635", True, "lease_rent_within_cap"),
    ("862.37", False, "lease_rent_above_cap"),
    ("862.3636", False, "lease_rent_above_cap"),
    ("0.01", True, "lease_rent_within_cap"),
])
def test_lease_rent_on_building_area(rent: str, ok: bool, code: str) -> None:
    decision = check_lease_rent(M(rent), M("38.55"), M("22.37"), ON)
    assert decision.ok is ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.field) == ("第三十七条", code, "monthly_rent")
    assert "862.3635 元" in finding.message and "38.55 m²" in finding.message
    assert "22.37 元/m²/月" in finding.message


def test_lease_rent_above_cap_message() -> None:
    (finding,) = check_lease_rent(M("2300"), M("80"), M("27"), ON).violations
    assert finding.message.startswith("月租金 2,300.00 元 超过上限 2,160.00 元")


@pytest.mark.parametrize("rent", ["0", "-862.36"])
def test_lease_rent_must_be_positive(rent: str) -> None:
    (finding,) = check_lease_rent(M(rent), M("38.55"), M("22.37"), ON).violations
    assert (finding.article, finding.code, finding.field) == ("第三十六条", "lease_rent_not_positive",
                                                              "monthly_rent")


@pytest.mark.parametrize(("area", "value"), [("0", "22.37"), ("38.55", "0"), ("-1", "22.37")])
def test_broken_reference_data_is_an_error(area: str, value: str) -> None:
    with pytest.raises(ValueError):
        check_lease_rent(M("100"), M(area), M(value), ON)


def test_oldest_valid_appraisal_agrees_with_reappraisal_due() -> None:
    from datetime import timedelta

    from rules.art36_37_rent import oldest_valid_appraisal

    for on in (date(2024, 2, 29), date(2026, 2, 28), date(2025, 6, 3), date(2028, 3, 1)):
        first = oldest_valid_appraisal(on)
        assert not reappraisal_due(first, on)
        assert reappraisal_due(first - timedelta(days=1), on)


# ---- every market rent in fen: the highest rate in fen passes, one fen more does not -------------

MARKET_RENTS = st.integers(min_value=100, max_value=30_000).map(lambda fen: Decimal(fen) / 100)


@given(MARKET_RENTS)
def test_the_highest_rate_in_fen_is_accepted_and_one_fen_more_refused(market: Decimal) -> None:
    on = D(2024, 6, 1)
    cap = rent_cap_rate(market, on)
    best = highest_rate_in_fen(cap)
    assert best <= cap < best + Decimal("0.01") and best.as_tuple().exponent == -2
    facts = AppraisalFacts(D(2024, 1, 10), market, {})
    assert check_rent_standard([ProposedRate(None, best)], facts, on).ok
    refused = check_rent_standard([ProposedRate(None, best + Decimal("0.01"))], facts, on)
    assert [f.code for f in refused.violations] == ["rent_above_cap"]


@pytest.mark.parametrize(("appraised_on", "ok", "code"), [
    (D(2020, 5, 6), True, "appraisal_date_valid"),      # in force on the regulation's first day
    (D(2020, 5, 5), False, "appraisal_date_too_old"),   # lapsed the day before it took effect
    (D(1, 1, 1), False, "appraisal_date_too_old"),
    (D(2021, 1, 1), True, "appraisal_date_valid"),      # lapsed today, but once in force: recorded
])
def test_an_appraisal_that_lapsed_before_the_regulation_is_refused(appraised_on: date, ok: bool,
                                                                   code: str) -> None:
    assert earliest_appraisal_date() == D(2020, 5, 6)
    decision = check_appraisal(appraised_on, M("30"), {}, ON)
    finding = decision.findings[0]
    assert (decision.ok, finding.article, finding.code, finding.field) == (ok, "第三十七条", code,
                                                                           "appraised_on")
