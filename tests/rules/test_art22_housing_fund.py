from datetime import date
from typing import Any

import pytest

from rules.art22_housing_fund import housing_fund_eligibility
from rules.decision import Decision
from rules.params import ParameterNotInForce

ON = date(2025, 3, 1)
ART22, ART23 = "第二十二条", "第二十三条"


def check(**overrides: Any) -> Decision:
    """Six continuous months, no home for either spouse, a lease on the platform."""
    facts: dict[str, Any] = {"contribution_months": 6, "continuous": True, "owns_home_in_urban_area": False,
                             "spouse_owns_home_in_urban_area": False, "has_platform_lease": True, "on": ON}
    return housing_fund_eligibility(**{**facts, **overrides})


def test_an_eligible_tenant_sees_every_condition() -> None:
    decision = check()
    assert decision.ok
    assert [(f.article, f.code, f.field) for f in decision.findings] == [
        (ART22, "fund_contribution_continuous", "continuous"),
        (ART22, "fund_contribution_months_met", "contribution_months"),
        (ART22, "tenant_no_home_in_urban_area", "owns_home_in_urban_area"),
        (ART22, "spouse_no_home_in_urban_area", "spouse_owns_home_in_urban_area"),
        (ART23, "platform_lease_present", "has_platform_lease"),
    ]
    assert decision.articles == (ART22, ART23)


@pytest.mark.parametrize(("overrides", "violations"), [
    ({"contribution_months": 6}, []),
    ({"contribution_months": 120}, []),
    ({"contribution_months": 5}, [(ART22, "fund_contribution_too_short", "contribution_months")]),
    ({"contribution_months": 0}, [(ART22, "fund_contribution_too_short", "contribution_months")]),
    ({"continuous": False}, [(ART22, "fund_contribution_not_continuous", "continuous")]),
    ({"continuous": False, "contribution_months": 5},
     [(ART22, "fund_contribution_not_continuous", "continuous"),
      (ART22, "fund_contribution_too_short", "contribution_months")]),
    ({"owns_home_in_urban_area": True},
     [(ART22, "tenant_owns_home_in_urban_area", "owns_home_in_urban_area")]),
    ({"spouse_owns_home_in_urban_area": True},
     [(ART22, "spouse_owns_home_in_urban_area", "spouse_owns_home_in_urban_area")]),
    ({"has_platform_lease": False}, [(ART23, "no_platform_lease", "has_platform_lease")]),
])
def test_each_condition(overrides: dict[str, Any], violations: list[tuple[str, str, str]]) -> None:
    decision = check(**overrides)
    assert [(f.article, f.code, f.field) for f in decision.violations] == violations
    assert decision.ok is (not violations)


def test_the_months_message_names_the_minimum() -> None:
    (finding,) = check(contribution_months=5).violations
    assert finding.message == "已缴存住房公积金 5 个月，不满 6 个月"


def test_no_answer_before_the_regulation() -> None:
    with pytest.raises(ParameterNotInForce):
        check(on=date(2022, 5, 5))
