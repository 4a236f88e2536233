from datetime import date

import pytest

from rules.art27_conversion import check_conversion
from rules.project_facts import BuildingType, ConstructionMethod, Granularity
from tests.rules.facts import conversion, project

ON = date(2024, 6, 1)
B, G = BuildingType, Granularity

ALLOWED = {
    B.commercial_office: {G.plot, G.building, G.unit, G.floor},
    B.hotel: {G.plot, G.building, G.unit, G.floor},               # 旅馆 read as 商办类
    B.research_education: {G.plot, G.building, G.unit, G.floor},
    B.factory: {G.plot, G.building},
    B.warehouse: {G.plot, G.building},
}
CASES = [(b, g, g in ALLOWED[b]) for b in BuildingType for g in Granularity]


@pytest.mark.parametrize(("building", "granularity", "allowed"), CASES)
def test_each_building_type_and_granularity(building: BuildingType, granularity: Granularity,
                                            allowed: bool) -> None:
    decision = check_conversion(conversion(original_building_type=building,
                                           application_granularity=granularity), ON)
    assert decision.ok is allowed
    (finding,) = decision.findings
    assert finding.article == "第二十七条"
    assert finding.field == "application_granularity"
    expected = "conversion_granularity_allowed" if allowed else "conversion_granularity_not_allowed"
    assert finding.code == expected
    assert building.label in finding.message and granularity.label in finding.message


def test_count_of_combinations() -> None:
    assert len(CASES) == 20 and sum(1 for *_, ok in CASES if not ok) == 4


def test_factory_per_floor_names_the_allowed_units() -> None:
    (finding,) = check_conversion(conversion(original_building_type=B.factory,
                                             application_granularity=G.floor), ON).violations
    assert finding.code == "conversion_granularity_not_allowed"
    assert "工业厂房" in finding.message and "厂房类" in finding.message
    assert "地块或楼栋" in finding.message and "独立楼层" in finding.message


@pytest.mark.parametrize(("building", "granularity", "fields"), [
    (None, G.building, ["original_building_type"]),
    (B.factory, None, ["application_granularity"]),
    (None, None, ["original_building_type", "application_granularity"]),
])
def test_conversion_needs_building_type_and_granularity(building: BuildingType | None,
                                                        granularity: Granularity | None,
                                                        fields: list[str]) -> None:
    decision = check_conversion(conversion(original_building_type=building,
                                           application_granularity=granularity), ON)
    assert [f.field for f in decision.violations] == fields
    assert [f.code for f in decision.violations] == [f"{name}_required" for name in fields]
    assert all(f.article == "第二十七条" for f in decision.findings)


@pytest.mark.parametrize("method", [m for m in ConstructionMethod if m is not ConstructionMethod.conversion])
@pytest.mark.parametrize(("building", "granularity"), [(None, None), (B.factory, G.floor), (B.hotel, None)])
def test_non_conversions_ignore_conversion_fields(method: ConstructionMethod, building: BuildingType | None,
                                                  granularity: Granularity | None) -> None:
    facts = project(construction_method=method, original_building_type=building,
                    application_granularity=granularity)
    assert check_conversion(facts, ON).findings == ()
