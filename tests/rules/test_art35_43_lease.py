from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rules.art35_43_lease import (
    LeaseTerms,
    check_lease_terms,
    renewal_terms,
    renewal_window_ok,
    renewal_window_opens,
    term_months,
)
from rules.decision import Decision
from rules.params import ParameterNotInForce, parameter, value_at

D, M = date, Decimal
ON = D(2024, 12, 20)
ART35, ART36, ART37, ART43 = "第三十五条", "第三十六条", "第三十七条", "第四十三条"


def lease(**overrides: Any) -> LeaseTerms:
    """Six months from 2025-01-01 at 2,000.00 元 a month, exactly the cap (50 m² × 40.00 元/m²/月),
    three months prepaid, one month's deposit, no other fees."""
    base = LeaseTerms(start_on=D(2025, 1, 1), end_on=D(2025, 6, 30), monthly_rent=M("2000.00"),
                      building_area_m2=M("50"), filed_rate_per_m2=M("40.00"), prepaid_rent=M("6000.00"),
                      deposit=M("2000.00"), other_fees=M("0"))
    return replace(base, **overrides)


def codes(decision: Decision) -> list[tuple[str, str, str | None]]:
    return [(f.article, f.code, f.field) for f in decision.violations]


# --- term_months ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "months"), [
    (D(2025, 1, 1), D(2025, 6, 30), 6),
    (D(2025, 1, 1), D(2025, 6, 29), 5),     # one day short of six months
    (D(2025, 1, 1), D(2025, 5, 31), 5),
    (D(2025, 1, 15), D(2025, 7, 14), 6),
    (D(2025, 1, 31), D(2025, 7, 30), 6),    # add_months(01-31, 6) = 07-31 = end + 1 day
    (D(2025, 1, 1), D(2029, 12, 31), 60),
    (D(2025, 1, 1), D(2030, 1, 31), 61),
    (D(2025, 1, 1), D(2025, 1, 31), 1),
    (D(2025, 1, 1), D(2025, 1, 30), 0),
])
def test_term_months(start: date, end: date, months: int) -> None:
    assert term_months(start, end) == months


# --- a conforming lease ---------------------------------------------------------------------------

def test_a_conforming_lease_lists_every_condition() -> None:
    decision = check_lease_terms(lease(), ON)
    assert decision.ok
    assert [(f.article, f.code, f.field) for f in decision.findings] == [
        (ART35, "lease_end_after_start", "end_on"),
        (ART35, "lease_term_min_met", "end_on"),
        (ART43, "lease_term_max_met", "end_on"),
        (ART37, "lease_rent_within_cap", "monthly_rent"),
        (ART37, "no_other_fees", "other_fees"),
        (ART43, "prepaid_less_than_whole_term", "prepaid_rent"),
        (ART43, "prepaid_within_months_max", "prepaid_rent"),
        (ART37, "deposit_allowed", "deposit"),
    ]
    assert decision.articles == (ART35, ART43, ART37)


# --- term boundaries ------------------------------------------------------------------------------

@pytest.mark.parametrize(("end", "violations"), [
    (D(2025, 6, 30), []),                                              # 6 months
    (D(2025, 6, 29), [(ART35, "lease_term_too_short", "end_on")]),     # 5 months 29 days
    (D(2025, 5, 31), [(ART35, "lease_term_too_short", "end_on")]),     # 5 months
    (D(2029, 12, 31), []),                                             # 60 months
    (D(2030, 1, 1), [(ART43, "lease_term_too_long", "end_on")]),       # 60 months and 1 day
    (D(2030, 1, 31), [(ART43, "lease_term_too_long", "end_on")]),      # 61 months
])
def test_term_boundaries(end: date, violations: list[tuple[str, str, str]]) -> None:
    assert codes(check_lease_terms(lease(end_on=end), ON)) == violations


def test_term_messages() -> None:
    (short,) = check_lease_terms(lease(end_on=D(2025, 5, 31)), ON).violations
    assert short.message == ("租赁期限 2025-01-01 至 2025-05-31 共 5 个整月，少于 6 个月"
                             "（保障性租赁住房租赁期限一般不少于半年）")
    (long,) = check_lease_terms(lease(end_on=D(2030, 1, 31)), ON).violations
    assert "超过 60 个月（最迟应于 2029-12-31 结束）" in long.message and "超长期限合同" in long.message


@pytest.mark.parametrize("end", [D(2025, 1, 1), D(2024, 12, 31)])
def test_an_end_not_after_the_start_skips_the_term_checks(end: date) -> None:
    decision = check_lease_terms(lease(end_on=end), ON)
    assert codes(decision) == [(ART35, "lease_end_not_after_start", "end_on")]
    found = [f.code for f in decision.findings]
    assert "lease_term_min_met" not in found and "prepaid_less_than_whole_term" not in found
    assert "prepaid_within_months_max" in found


# --- rent -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rent", "prepaid", "violations"), [
    ("2000.00", "6000.00", []),
    ("1999.99", "5999.97", []),
    ("2000.01", "6000.03", [(ART37, "lease_rent_above_cap", "monthly_rent")]),   # one fen above the cap
])
def test_rent_against_the_cap(rent: str, prepaid: str, violations: list[tuple[str, str, str]]) -> None:
    assert codes(check_lease_terms(lease(monthly_rent=M(rent), prepaid_rent=M(prepaid)), ON)) == violations


def test_no_filed_rent_standard() -> None:
    decision = check_lease_terms(lease(filed_rate_per_m2=None), ON)
    assert codes(decision) == [(ART37, "no_filed_rent_standard", "filed_rate_per_m2")]
    assert "备案" in decision.violations[0].message


def test_a_rent_of_zero_skips_the_prepaid_comparisons() -> None:
    decision = check_lease_terms(lease(monthly_rent=M("0"), prepaid_rent=M("0")), ON)
    assert codes(decision) == [(ART36, "lease_rent_not_positive", "monthly_rent")]
    assert not [f for f in decision.findings if f.code.startswith("prepaid")]


# --- other fees and deposit -----------------------------------------------------------------------

@pytest.mark.parametrize(("fees", "violations"), [
    ("0", []),
    ("0.00", []),
    ("0.01", [(ART37, "other_fees_forbidden", "other_fees")]),
    ("50", [(ART37, "other_fees_forbidden", "other_fees")]),
    ("-1", [(ART37, "other_fees_negative", "other_fees")]),
])
def test_no_other_fees(fees: str, violations: list[tuple[str, str, str]]) -> None:
    decision = check_lease_terms(lease(other_fees=M(fees)), ON)
    assert codes(decision) == violations
    if violations and violations[0][1] == "other_fees_forbidden":
        assert "不得违规收取其他费用" in decision.violations[0].message


@pytest.mark.parametrize(("deposit", "violations"), [
    ("0", []),
    ("2000.00", []),
    ("20000.00", []),     # no cap is invented: the regulation gives none
    ("-0.01", [(ART37, "deposit_negative", "deposit")]),
])
def test_deposit(deposit: str, violations: list[tuple[str, str, str]]) -> None:
    assert codes(check_lease_terms(lease(deposit=M(deposit)), ON)) == violations


# --- prepaid rent ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("prepaid", "violations"), [
    ("0", []),
    ("6000.00", []),                                                       # exactly 3 months
    ("6000.01", [(ART43, "prepaid_too_many_months", "prepaid_rent")]),     # 3 months + 1 fen
    ("-0.01", [(ART43, "prepaid_rent_negative", "prepaid_rent")]),
])
def test_prepaid_months(prepaid: str, violations: list[tuple[str, str, str]]) -> None:
    assert codes(check_lease_terms(lease(prepaid_rent=M(prepaid)), ON)) == violations


def test_prepaid_message() -> None:
    (finding,) = check_lease_terms(lease(prepaid_rent=M("6000.01")), ON).violations
    assert finding.message == ("预收租金 6,000.01 元 超过 3 个月租金"
                               "（月租金 2,000.00 元 × 3 个月 = 6,000.00 元）")


def test_prepaying_the_whole_term_of_a_six_month_lease_trips_both_findings() -> None:
    # 6 × 2,000 = 12,000 is the whole term's rent and also more than 3 months' rent.
    decision = check_lease_terms(lease(prepaid_rent=M("12000.00")), ON)
    assert codes(decision) == [(ART43, "prepaid_whole_term", "prepaid_rent"),
                               (ART43, "prepaid_too_many_months", "prepaid_rent")]
    assert "不得以一次性收取租赁期限内全部租金" in decision.violations[0].message


def test_prepaying_a_whole_term_within_three_months_is_still_refused_as_the_whole_term() -> None:
    # A 3-month lease (already too short) prepaid in full: 6,000 is not more than 3 months' rent, so only
    # prepaid_whole_term fires on the prepayment — the whole-term rule stands on its own.
    decision = check_lease_terms(lease(end_on=D(2025, 3, 31), prepaid_rent=M("6000.00")), ON)
    assert codes(decision) == [(ART35, "lease_term_too_short", "end_on"),
                               (ART43, "prepaid_whole_term", "prepaid_rent")]
    assert "prepaid_within_months_max" in [f.code for f in decision.findings]


def test_the_whole_term_counts_whole_months() -> None:
    # 6 months and 15 days: the whole term's rent is read as 6 × 2,000; prepaying 5,999.99 passes.
    decision = check_lease_terms(lease(end_on=D(2025, 7, 15), prepaid_rent=M("5999.99")), ON)
    assert decision.ok


def test_all_failures_are_reported_together() -> None:
    decision = check_lease_terms(lease(end_on=D(2025, 5, 31), monthly_rent=M("2000.01"),
                                       prepaid_rent=M("10000.05"), other_fees=M("100")), ON)
    assert codes(decision) == [
        (ART35, "lease_term_too_short", "end_on"),
        (ART37, "lease_rent_above_cap", "monthly_rent"),
        (ART37, "other_fees_forbidden", "other_fees"),
        (ART43, "prepaid_whole_term", "prepaid_rent"),
        (ART43, "prepaid_too_many_months", "prepaid_rent"),
    ]


def test_no_lease_rule_before_the_regulation() -> None:
    with pytest.raises(ParameterNotInForce):
        check_lease_terms(lease(), D(2022, 5, 5))


# --- renewal --------------------------------------------------------------------------------------

def test_the_renewal_window_parameter() -> None:
    p = parameter("renewal_window_days")
    assert (p.article, p.unit, value_at("renewal_window_days", ON)) == (ART35, "日", 60)
    assert "平台设置" in p.description
    assert p.values[0].since == D(2022, 5, 6)


@pytest.mark.parametrize(("on", "code", "ok"), [
    (D(2025, 4, 30), "renewal_too_early", False),     # 61 days before the end
    (D(2025, 5, 1), "renewal_window_open", True),     # 60 days before the end
    (D(2025, 6, 30), "renewal_window_open", True),    # the end day
    (D(2025, 7, 1), "renewal_after_end", False),
])
def test_renewal_window(on: date, code: str, ok: bool) -> None:
    end = D(2025, 6, 30)
    assert renewal_window_opens(end, on) == D(2025, 5, 1)
    decision = renewal_window_ok(end, on)
    assert decision.ok is ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.field) == (ART35, code, "requested_on")
    if code == "renewal_too_early":
        assert "2025-05-01" in finding.message


@pytest.mark.parametrize(("end", "months", "new"), [
    (D(2025, 6, 30), 6, (D(2025, 7, 1), D(2025, 12, 31))),
    (D(2025, 6, 30), 12, (D(2025, 7, 1), D(2026, 6, 30))),
    (D(2025, 1, 30), 1, (D(2025, 1, 31), D(2025, 2, 27))),     # 01-31 + 1 month clamps to 02-28
    (D(2027, 12, 31), 6, (D(2028, 1, 1), D(2028, 6, 30))),
])
def test_renewal_terms(end: date, months: int, new: tuple[date, date]) -> None:
    assert renewal_terms(end, months) == new
    assert term_months(*new) == months


def test_a_renewal_of_no_months_is_an_error() -> None:
    with pytest.raises(ValueError):
        renewal_terms(D(2025, 6, 30), 0)
