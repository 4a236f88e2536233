from datetime import date
from decimal import Decimal

import pytest

from rules.art07_unit_size import (
    check_city_large_unit_share,
    check_unit_sizes,
    large_unit_area,
    total_unit_area,
)
from rules.project_facts import UnitKind
from tests.rules.facts import unit

ON = date(2024, 6, 1)


@pytest.mark.parametrize("area", ["0.01", "45", "70", "70.01", "89.99", "90", "90.00"])
def test_unit_areas_up_to_90_pass(area: str) -> None:
    decision = check_unit_sizes([unit("30"), unit(area)], ON)
    assert decision.ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.ok) == ("第七条", "unit_area_within_max", True)
    assert "90 m²" in finding.message


@pytest.mark.parametrize(("area", "code", "shown"), [
    ("90.01", "unit_area_exceeds_max", "90.01 m²"),
    ("90.50", "unit_area_exceeds_max", "90.50 m²"),
    ("120", "unit_area_exceeds_max", "120.00 m²"),
    ("0", "unit_area_not_positive", "0.00 m²"),
    ("-5", "unit_area_not_positive", "-5.00 m²"),
])
def test_unit_areas_over_90_or_not_positive_fail(area: str, code: str, shown: str) -> None:
    decision = check_unit_sizes([unit("30"), unit(area, name="B户型")], ON)
    assert not decision.ok
    (finding,) = decision.findings
    assert (finding.article, finding.code) == ("第七条", code)
    assert finding.field == "unit_types[1].building_area_m2"
    assert shown in finding.message and "B户型" in finding.message


def test_one_finding_per_offending_unit_type() -> None:
    decision = check_unit_sizes([unit("95"), unit("60"), unit("0"), unit("90.01")], ON)
    assert [(f.code, f.field) for f in decision.findings] == [
        ("unit_area_exceeds_max", "unit_types[0].building_area_m2"),
        ("unit_area_not_positive", "unit_types[2].building_area_m2"),
        ("unit_area_exceeds_max", "unit_types[3].building_area_m2"),
    ]


def test_no_unit_types_is_a_violation() -> None:
    (finding,) = check_unit_sizes([], ON).violations
    assert (finding.code, finding.field) == ("unit_types_required", "unit_types")


@pytest.mark.parametrize(("units", "total", "large"), [
    ([], "0", "0"),
    ([unit("70", 10)], "700", "0"),                       # exactly 70 is a small unit
    ([unit("70.01", 10)], "700.10", "700.10"),            # just above 70 counts
    ([unit("90", 2)], "180", "180"),                      # 90 itself counts
    ([unit("90.01", 2)], "180.02", "0"),                  # above 90 is not a 70–90 unit
    ([unit("45", 100), unit("75.5", 4, UnitKind.dormitory), unit("88", 1)], "4890.0", "390.0"),
])
def test_total_and_large_unit_area(units: list, total: str, large: str) -> None:
    assert total_unit_area(units) == Decimal(total)
    assert large_unit_area(units, ON) == Decimal(large)


@pytest.mark.parametrize(("certified_total", "certified_large", "project_total", "project_large",
                          "ok", "code", "shown"), [
    ("0", "0", "0", "0", True, "city_large_unit_share_within_max", None),
    ("900", "100", "100", "50", True, "city_large_unit_share_within_max", "15.00%"),   # exactly 15%
    ("900", "100", "100", "49.99", True, "city_large_unit_share_within_max", "15.00%"),
    ("900", "100", "100", "50.01", False, "city_large_unit_share_exceeded", "15.01%"),  # just above
    ("1000000", "150000", "0.01", "0.01", False, "city_large_unit_share_exceeded", "15.01%"),
    ("0", "0", "1000", "160", False, "city_large_unit_share_exceeded", "16.00%"),
    ("0", "0", "1000", "0", True, "city_large_unit_share_within_max", "0.00%"),
    ("10000", "1000", "3000", "0", True, "city_large_unit_share_within_max", "7.69%"),
])
def test_city_large_unit_share(certified_total: str, certified_large: str, project_total: str,
                               project_large: str, ok: bool, code: str, shown: str | None) -> None:
    decision = check_city_large_unit_share(Decimal(certified_total), Decimal(certified_large),
                                           Decimal(project_total), Decimal(project_large), ON)
    assert decision.ok is ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.ok) == ("第七条", code, ok)
    assert "15%" in finding.message
    if shown is not None:
        assert shown in finding.message
    assert finding.field == (None if ok else "unit_types")


def test_share_message_states_the_areas() -> None:
    (finding,) = check_city_large_unit_share(Decimal("9000"), Decimal("1000"), Decimal("1000"),
                                             Decimal("1000"), ON).findings
    assert "2,000.00 m²" in finding.message and "10,000.00 m²" in finding.message
    assert "20.00%" in finding.message and "超过上限 15%" in finding.message


@pytest.mark.parametrize("args", [
    ("-1", "0", "0", "0"), ("0", "0", "10", "-1"), ("100", "101", "0", "0"), ("0", "0", "100", "100.01"),
])
def test_inconsistent_areas_are_refused(args: tuple[str, str, str, str]) -> None:
    with pytest.raises(ValueError):
        check_city_large_unit_share(*(Decimal(a) for a in args), on=ON)
