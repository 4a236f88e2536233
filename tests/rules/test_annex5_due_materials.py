"""附件5 (issue 21): which items are uploaded before submitting, and the refusal without them."""

from __future__ import annotations

from datetime import date

from rules.annex5_materials import materials_checklist, missing_at_application
from rules.project_facts import BuildingType, ConstructionMethod, Granularity
from tests.rules.facts import project

ON = date(2026, 12, 1)
CONVERSION = project(construction_method=ConstructionMethod.conversion,
                     original_building_type=BuildingType.commercial_office,
                     application_granularity=Granularity.building)


def test_a_conversion_uploads_its_safety_appraisal_with_the_application() -> None:
    items = materials_checklist(CONVERSION, ON)
    assert [i.code for i in items if i.due_at_application] == ["feasibility_safety_appraisal"]
    refused = missing_at_application(items, set())
    assert not refused.ok and refused.violations[0].article == "附件5；第二十九条"
    assert "房屋安全鉴定检测报告" in refused.violations[0].message
    assert missing_at_application(items, {"feasibility_safety_appraisal"}).ok


def test_approvals_the_certificate_opens_are_not_due_with_the_application() -> None:
    items = materials_checklist(CONVERSION, ON)
    permit = next(i for i in items if i.code == "construction_permit")
    assert permit.required and not permit.due_at_application
    assert missing_at_application(materials_checklist(project(), ON), set()).ok  # a new build
