"""Profiles, the annex-4 commitment, eligibility (第三十二条) and the office's review (第三十三条)."""

from tests.conftest import count
from tests.tenants.conftest import apply, approve, csv_file

APPLY = "/api/v1/tenant-applications"
PROPERTIES = "id_number,address,district,acquired_on"


def import_properties(city, rows: list[str]) -> dict:
    response = city.client.post("/api/v1/registry/properties", files=csv_file(rows, PROPERTIES),
                                headers=city.cast.headers["admin"])
    assert response.status_code == 201, response.text
    return response.json()


def test_no_application_without_profile_and_commitment(city, tenant, session) -> None:
    person = tenant(commit=False)
    problem = apply(city, person, expect=422)
    assert problem["violations"][0]["code"] == "commitment_missing"
    assert problem["violations"][0]["article"] == "第三十三条"
    partial = city.client.post("/api/v1/tenants/me/commitment", headers=person.headers,
                               json={"clauses": [1, 2, 4], "declaration": {
                                   "owns_home_in_central_area": False}})
    assert partial.status_code == 422 and partial.json()["violations"][0]["article"] == "附件4"
    assert count(session, "tenant_application") == 0


def test_commitment_is_stored_with_its_text_version(city, tenant) -> None:
    person = tenant()
    me = city.client.get("/api/v1/tenants/me", headers=person.headers).json()
    assert me["commitment"]["text_version"] == "附件4-2022" and me["commitment"]["clauses"] == [1, 2, 3, 4]
    assert len(me["commitment_text"]) == 4 and me["commitment_text"][1].startswith("二、本人授权")
    assert me["id_number"] == person.id_number


def test_eligible_applicant_gets_every_condition_with_evidence(city, tenant) -> None:
    body = apply(city, tenant(district="珠山区"))
    decision = body["eligibility"]
    assert decision["ok"] is True and body["status"] == "submitted" and body["channel"] == "online"
    codes = {f["code"]: f for f in decision["findings"]}
    assert {"individual_applicant", "lives_or_works_in_central_area", "no_home_in_central_area",
            "one_of_conditions"} <= codes.keys()
    assert all(f["article"] == "第三十二条" for f in decision["findings"])
    assert "珠山区" in codes["lives_or_works_in_central_area"]["message"]


def test_registry_home_in_the_central_area_makes_the_applicant_ineligible(city, tenant) -> None:
    person = tenant()
    import_properties(city, [f"{person.id_number},昌江区某小区1栋101,昌江区,2020-05-01"])
    body = apply(city, person)
    assert body["eligibility"]["ok"] is False
    assert body["eligibility"]["conflicts"][0]["code"] == "registry_conflict"
    response = city.client.post(f"{APPLY}/{body['id']}/review", json={"approve": True},
                                headers=city.cast.headers["office"])
    assert response.status_code == 422 and response.json()["violations"][0]["article"] == "第三十二条"


def test_a_home_outside_the_central_area_does_not_count(city, tenant) -> None:
    person = tenant()
    import_properties(city, [f"{person.id_number},浮梁县某村,浮梁县,2020-05-01"])
    assert apply(city, person)["eligibility"]["ok"] is True


def test_public_rental_qualified_but_not_receiving_is_eligible(city, tenant) -> None:
    person = tenant(owns_home=True)
    response = city.client.post("/api/v1/registry/public-rental", headers=city.cast.headers["admin"],
                                files=csv_file([f"{person.id_number},是,否"],
                                               "id_number,qualified,receiving"))
    assert response.status_code == 201
    body = apply(city, person, owns_home_in_central_area=True)
    assert body["eligibility"]["ok"] is True


def test_living_and_working_outside_the_central_area_is_ineligible(city, tenant) -> None:
    body = apply(city, tenant(district="乐平市", work="浮梁县"))
    assert body["eligibility"]["ok"] is False
    failed = [f for f in body["eligibility"]["findings"] if not f["ok"]]
    assert failed[0]["code"] == "lives_or_works_in_central_area"


def test_one_open_application_per_person(city, tenant, session) -> None:
    person = tenant()
    apply(city, person)
    before = count(session, "tenant_application")
    problem = apply(city, person, expect=409)
    assert "每人限一份" in problem["detail"]
    assert count(session, "tenant_application") == before


def test_window_application_records_the_staff_member(city, tenant) -> None:
    person = tenant()
    office = city.cast.headers["office"]
    response = city.client.post(APPLY, headers=office, json={
        "project_id": city.project_id, "declaration": {"owns_home_in_central_area": False},
        "applicant_id_number": person.id_number})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["channel"] == "window"
    assert body["taken_by"] in {city.cast.office.full_name, city.cast.office.username}
    mine = city.client.get(APPLY, headers=person.headers).json()
    assert [a["id"] for a in mine] == [body["id"]]
    assert mine[0]["applicant_id_number_masked"].count("*") == 8


def test_office_review_with_reason_visible_to_the_applicant(city, tenant, session) -> None:
    person = tenant()
    application = apply(city, person)
    no_reason = city.client.post(f"{APPLY}/{application['id']}/review", json={"approve": False},
                                 headers=city.cast.headers["office"])
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    city.cast.post("office", f"{APPLY}/{application['id']}/review",
                   {"approve": False, "reason": "工作证明与申报不符"})
    seen = city.client.get(f"{APPLY}/{application['id']}", headers=person.headers).json()
    assert seen["status"] == "refused" and seen["decision_reason"] == "工作证明与申报不符"
    notices = city.client.get("/api/v1/tenants/me/notices", headers=person.headers).json()
    assert "工作证明与申报不符" in notices[0]["message"]
    again = city.client.post(f"{APPLY}/{application['id']}/review", json={"approve": True},
                             headers=city.cast.headers["office"])
    assert again.status_code == 409


def test_a_tenant_sees_nothing_of_anyone_else(city, tenant) -> None:
    mine, other = tenant(), tenant(name="王五")
    theirs = apply(city, other)
    assert city.client.get(f"{APPLY}/{theirs['id']}", headers=mine.headers).status_code == 404
    assert city.client.get(APPLY, headers=mine.headers).json() == []
    assert city.client.get(f"/api/v1/tenants/{other.user_id}/credit",
                           headers=mine.headers).status_code == 404


def test_approval_leads_to_a_notice(city, tenant) -> None:
    person = tenant()
    approve(city, apply(city, person)["id"])
    notices = city.client.get("/api/v1/tenants/me/notices", headers=person.headers).json()
    assert "审核通过" in notices[0]["message"]
