from datetime import date

import pytest

from rules.art04_location import check_location
from rules.params import ParameterNotInForce

ON = date(2024, 6, 1)


@pytest.mark.parametrize("district", ["珠山区", "昌江区", "高新区", "昌南新区", " 昌江区 "])
def test_central_districts_are_handled(district: str) -> None:
    decision = check_location(district, ON)
    assert decision.ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.field, finding.ok) == (
        "第四条", "district_in_central_area", "district", True)


@pytest.mark.parametrize("district", ["乐平市", "浮梁县", "南昌市", "珠山"])
def test_districts_outside_the_central_area_are_refused(district: str) -> None:
    decision = check_location(district, ON)
    assert not decision.ok
    (finding,) = decision.violations
    assert (finding.article, finding.code, finding.field) == (
        "第四条", "district_outside_central_area", "district")
    assert district in finding.message
    assert "珠山区、昌江区、高新区、昌南新区" in finding.message
    assert "乐平市、浮梁县" in finding.message and "第四十九条" in finding.message


@pytest.mark.parametrize("district", ["", "   "])
def test_missing_district(district: str) -> None:
    (finding,) = check_location(district, ON).violations
    assert (finding.code, finding.field) == ("district_required", "district")


def test_before_the_regulation_took_effect_there_is_no_answer() -> None:
    with pytest.raises(ParameterNotInForce):
        check_location("珠山区", date(2022, 5, 5))
    assert check_location("珠山区", date(2022, 5, 6)).ok
