"""Filing an application: annex-2/3 fields, the rules that refuse it, drafts and scoping."""

from decimal import Decimal

import pytest

from tests.approval.conftest import application
from tests.conftest import count

URL = "/api/v1/projects"


def test_developer_files_a_draft_with_every_field(cast) -> None:
    body = cast.post("developer", URL, application(), expect=201)
    assert body["status"] == "draft" and body["status_label"] == "草稿"
    assert body["organization"]["id"] == cast.developer.organization_id
    assert body["construction_method_label"] == "利用存量闲置房屋改建"
    assert body["sourcing_channel_label"].startswith("（四）")
    assert body["planned_start"] == "2025-09" and body["commitment_accepted"] is True
    assert body["unit_types"][0]["kind_label"] == "住宅型"
    assert Decimal(body["total_investment_yuan"]) == Decimal("35000000.00")
    history = cast.get("developer", f"{URL}/{body['id']}/history")
    assert [e["action"] for e in history] == ["created"]


def refused(cast, session, data, *, article: str, field: str) -> dict:
    projects, events = count(session, "project"), count(session, "audit_event")
    response = cast.client.post(URL, json=data, headers=cast.as_("developer"))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(v["article"] == article and v.get("field") == field for v in problem["violations"]), problem
    assert count(session, "project") == projects and count(session, "audit_event") == events
    return problem


def test_a_unit_of_90_5_m2_is_refused_citing_article_7(cast, session) -> None:
    data = application(unit_types=[
        {"name": "一室户", "kind": "residential", "building_area_m2": "38.50", "count": 150},
        {"name": "大户型", "kind": "residential", "building_area_m2": "90.50", "count": 30}])
    problem = refused(cast, session, data, article="第七条", field="unit_types[1].building_area_m2")
    assert "90" in problem["detail"]


def test_a_unit_of_exactly_90_m2_is_allowed(cast) -> None:
    data = application(unit_types=[
        {"name": "一室户", "kind": "residential", "building_area_m2": "38.50", "count": 150},
        {"name": "三室户", "kind": "residential", "building_area_m2": "90.00", "count": 30}])
    cast.post("developer", URL, data, expect=201)


def test_a_district_outside_the_central_area_is_refused_citing_article_4(cast, session) -> None:
    refused(cast, session, application(district="乐平市"), article="第四条", field="district")


def test_a_factory_conversion_applied_per_floor_is_refused_citing_article_27(cast, session) -> None:
    refused(cast, session, application(original_building_type="factory",
                                       application_granularity="floor"),
            article="第二十七条", field="application_granularity")


def test_an_office_conversion_may_be_applied_per_floor(cast) -> None:
    cast.post("developer", URL, application(application_granularity="floor"), expect=201)


def test_park_supporting_land_above_15_percent_is_refused(cast, session) -> None:
    data = application(construction_method="park_supporting_land", sourcing_channel="channel_2",
                       original_building_type=None, application_granularity=None,
                       industrial_project_land_area_m2="100000.00",
                       supporting_land_area_m2="15001.00",
                       unit_types=[{"name": "宿舍", "kind": "dormitory", "building_area_m2": "30.00",
                                    "count": 180}])
    refused(cast, session, data, article="第九条第（三）项", field="supporting_land_area_m2")


def test_bad_uscc_and_inconsistent_counts_are_all_named(cast, session) -> None:
    good = application()["operator_unit_uscc"]
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    problem = refused(cast, session, application(operator_unit_uscc=bad, unit_count=181),
                      article="GB 32100-2015", field="operator_unit_uscc")
    assert any(v.get("field") == "unit_count" for v in problem["violations"])


def test_missing_fields_are_named_in_chinese(cast) -> None:
    data = application()
    del data["land_nature"]
    response = cast.client.post(URL, json=data | {"planned_start": "2025-13"},
                                headers=cast.as_("developer"))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["land_nature"] == "缺少必填项" and errors["planned_start"] == "格式不正确"


def test_draft_can_be_edited_but_submission_freezes_it(cast) -> None:
    project_id = cast.file()
    edited = cast.client.put(f"{URL}/{project_id}", json=application(name="改名后的公寓"),
                             headers=cast.as_("developer"))
    assert edited.status_code == 200 and edited.json()["name"] == "改名后的公寓"
    cast.post("developer", f"{URL}/{project_id}/submit", {})
    frozen = cast.client.put(f"{URL}/{project_id}", json=application(name="再改"),
                             headers=cast.as_("developer"))
    assert frozen.status_code == 409 and "冻结" in frozen.json()["detail"]


def test_submission_needs_the_annex_2_commitment(cast) -> None:
    project_id = cast.file(commitment_accepted=False)
    response = cast.client.post(f"{URL}/{project_id}/submit", json={}, headers=cast.as_("developer"))
    assert response.status_code == 422
    assert response.json()["violations"][0]["article"] == "附件2"
    body = cast.post("developer", f"{URL}/{project_id}/submit", {"commitment_accepted": True})
    assert body["status"] == "submitted" and body["commitment_version"] == "附件2-2022"


def test_another_organisations_project_is_404_like_a_missing_one(cast, make_user, login) -> None:
    project_id = cast.file()
    stranger = login(make_user("developer"))
    foreign = cast.client.get(f"{URL}/{project_id}", headers=stranger)
    missing = cast.client.get(f"{URL}/999999", headers=stranger)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert cast.client.get(URL, headers=stranger).json() == []
    put = cast.client.put(f"{URL}/{project_id}", json=application(), headers=stranger)
    assert put.status_code == 404


def test_drafts_are_not_visible_to_the_office(cast) -> None:
    project_id = cast.file()
    assert cast.client.get(f"{URL}/{project_id}", headers=cast.as_("office")).status_code == 404
    cast.post("developer", f"{URL}/{project_id}/submit", {})
    assert cast.client.get(f"{URL}/{project_id}", headers=cast.as_("office")).status_code == 200


@pytest.mark.parametrize("role", ["tenant", "office", "department", "auditor", "employer"])
def test_only_developers_file_applications(cast, make_user, login, role) -> None:
    response = cast.client.post(URL, json=application(), headers=login(make_user(role)))
    assert response.status_code == 403


def test_checks_show_every_rule_materials_and_benefits(cast) -> None:
    project_id = cast.file(government_invested=True, special_fire_project=True)
    checks = cast.get("developer", f"{URL}/{project_id}/checks")
    assert checks["ok"] is True
    articles = {f["article"] for f in checks["findings"]}
    assert {"第四条", "第七条", "第二十七条"} <= articles
    assert checks["city_large_unit_share"]["article"] == "第七条"
    materials = {m["code"]: m for m in checks["materials"]}
    assert materials["fire_design_review"]["required"] is True
    assert all(m["reason"] for m in checks["materials"])
    benefits = {b["code"]: b["applies"] for b in checks["benefits"]}
    assert benefits == {"fee_exemption": True, "vat_simplified": True, "property_tax": True,
                        "residential_utility_prices": True}
    assert "90%" in checks["rent_requirement"]


def test_new_state_land_gets_no_residential_utility_prices(cast) -> None:
    project_id = cast.file(construction_method="new_state_land", sourcing_channel="channel_3",
                           original_building_type=None, application_granularity=None)
    benefits = {b["code"]: b for b in cast.get("developer", f"{URL}/{project_id}/checks")["benefits"]}
    assert benefits["residential_utility_prices"]["applies"] is False
