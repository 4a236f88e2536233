"""第二十四条、附件1: the departments proposed for the joint review, each with the fact behind it."""

from __future__ import annotations

import pytest

from rules.annex1_review_departments import proposed_departments
from rules.project_facts import BuildingType, ConstructionMethod, Granularity
from tests.rules.facts import project

ALWAYS = ["zhujian", "ziranziyuan", "fagai"]
CONVERSION = {"construction_method": ConstructionMethod.conversion,
              "original_building_type": BuildingType.commercial_office,
              "application_granularity": Granularity.building}


@pytest.mark.parametrize(("facts", "codes"), [
    (CONVERSION, ALWAYS),
    ({}, [*ALWAYS, "renfang"]),  # a new build: 人防 配建
    (CONVERSION | {"government_invested": True}, [*ALWAYS, "caizheng"]),
    (CONVERSION | {"special_fire_project": True}, [*ALWAYS, "yingji"]),
    ({"construction_method": ConstructionMethod.collective_land}, [*ALWAYS, "renfang", "nongye"]),
    (CONVERSION | {"original_building_type": BuildingType.factory}, [*ALWAYS, "shengtai"]),
])
def test_the_proposal_follows_the_facts_of_the_application(facts, codes) -> None:
    assert [p.code for p in proposed_departments(project(**facts))] == codes


def test_each_proposal_names_the_fact_that_calls_for_it() -> None:
    reasons = {p.code: p.reason for p in proposed_departments(project(government_invested=True,
                                                                      special_fire_project=True))}
    assert "政府投资" in reasons["caizheng"]
    assert "特殊建设工程" in reasons["yingji"]
    assert "利用新供应国有建设用地" in reasons["renfang"]
    assert all(reasons.values())
