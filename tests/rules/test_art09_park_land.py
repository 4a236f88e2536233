from datetime import date

import pytest

from rules.art09_park_land import check_park_supporting_land
from rules.project_facts import ConstructionMethod, UnitKind
from tests.rules.facts import park, project, unit

ON = date(2024, 6, 1)
ARTICLE = "第九条第（三）项"
DORM = unit("30", 200, UnitKind.dormitory, "宿舍A")
FLAT = unit("60", 20, UnitKind.residential, "成套B")


OTHER_METHODS = [m for m in ConstructionMethod if m is not ConstructionMethod.park_supporting_land]


@pytest.mark.parametrize("method", OTHER_METHODS)
def test_other_construction_methods_are_not_checked(method: ConstructionMethod) -> None:
    facts = project(construction_method=method, industrial_project_land_area_m2=None,
                    supporting_land_area_m2=None, unit_types=(FLAT,))
    assert check_park_supporting_land(facts, ON).findings == ()


@pytest.mark.parametrize(("industrial", "supporting", "fields"), [
    (None, "100", ["industrial_project_land_area_m2"]),
    ("0", "100", ["industrial_project_land_area_m2"]),
    ("-1", "100", ["industrial_project_land_area_m2"]),
    ("1000", None, ["supporting_land_area_m2"]),
    ("1000", "0", ["supporting_land_area_m2"]),
    (None, None, ["industrial_project_land_area_m2", "supporting_land_area_m2"]),
])
def test_land_areas_are_required(industrial: str | None, supporting: str | None, fields: list[str]) -> None:
    decision = check_park_supporting_land(park(industrial, supporting), ON)
    assert not decision.ok
    assert [f.field for f in decision.findings] == fields
    assert all(f.article == ARTICLE and f.code.endswith("_required") for f in decision.findings)


@pytest.mark.parametrize(("supporting", "units", "codes", "shown"), [
    # Up to the former 7% cap there is no raised part: 住宅型 is not restricted by this item.
    ("50", (FLAT,), [("park_support_land_ratio_within_max", True),
                     ("park_support_land_within_base", True)], "5.00%"),
    ("70", (FLAT,), [("park_support_land_ratio_within_max", True),
                     ("park_support_land_within_base", True)], "7.00%"),
    # Just above 7%: the raised part must be dormitories.
    ("70.01", (DORM,), [("park_support_land_ratio_within_max", True),
                        ("park_raised_part_dormitory", True)], "7.01%"),
    ("70.01", (DORM, FLAT), [("park_support_land_ratio_within_max", True),
                             ("park_raised_part_not_dormitory", False)], "7.01%"),
    ("70.0001", (FLAT,), [("park_support_land_ratio_within_max", True),
                          ("park_raised_part_not_dormitory", False)], "7.01%"),   # never shown as 7.00%
    # Exactly 15% passes, just above fails.
    ("150", (DORM,), [("park_support_land_ratio_within_max", True),
                      ("park_raised_part_dormitory", True)], "15.00%"),
    ("150.01", (DORM,), [("park_support_land_ratio_exceeded", False),
                         ("park_raised_part_dormitory", True)], "15.01%"),
    ("150.0001", (DORM,), [("park_support_land_ratio_exceeded", False),
                           ("park_raised_part_dormitory", True)], "15.01%"),
    ("200", (FLAT, DORM), [("park_support_land_ratio_exceeded", False),
                           ("park_raised_part_not_dormitory", False)], "20.00%"),
])
def test_ratio_and_raised_part(supporting: str, units: tuple, codes: list, shown: str) -> None:
    decision = check_park_supporting_land(park("1000", supporting, *units), ON)
    assert [(f.code, f.ok) for f in decision.findings] == codes
    assert decision.ok is all(ok for _, ok in codes)
    assert all(f.article == ARTICLE for f in decision.findings)
    assert shown in decision.findings[0].message


def test_ratio_violation_names_the_supporting_land_field() -> None:
    (finding, _) = check_park_supporting_land(park("1000", "151"), ON).findings
    assert finding.field == "supporting_land_area_m2"
    assert "151.00 m²" in finding.message and "1,000.00 m²" in finding.message
    assert "15%" in finding.message


def test_every_residential_unit_type_on_the_raised_part_is_a_violation() -> None:
    facts = park("1000", "100", FLAT, DORM, unit("40", 5, UnitKind.residential))
    decision = check_park_supporting_land(facts, ON)
    violations = decision.violations
    assert [(f.code, f.field) for f in violations] == [
        ("park_raised_part_not_dormitory", "unit_types[0].kind"),
        ("park_raised_part_not_dormitory", "unit_types[2].kind"),
    ]
    message = violations[0].message
    assert "严禁建设成套商品住宅" in message
    assert "提高部分主要用于建设宿舍型保障性租赁住房" in message
    assert "成套B" in message
