"""Auditors' lease search and exports (issue 6): filters, keyset pages, masking, audit events."""

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.main import app
from tests.approval.conftest import cast  # noqa: F401  (fixture)
from tests.conftest import count
from tests.leases.conftest import (
    apply,
    approve,
    in_force,
    lease_body,
    operate,
    tenant,  # noqa: F401  (fixture)
)

SEARCH = "/api/v1/audit/leases"


@pytest.fixture
def leased(cast, tenant, make_org, make_user, login, session):  # noqa: F811
    """Three leases in one project: two people and an employer; one sublet, one above its cap."""
    city = operate(cast, units=4)
    people = [tenant(name="李小青"), tenant(name="王大明")]
    numbers = []
    for i, (person, rent) in enumerate(zip(people, ("1039.50", "900.00"), strict=True)):
        application = apply(city, person)["id"]
        approve(city, application)
        numbers.append(in_force(cast.client, cast.post("developer", "/api/v1/leases", lease_body(
            city, application, unit=i, monthly_rent=rent, deposit=rent, start_on=f"2025-0{7 + i}-01",
            end_on="2026-06-30"), expect=201), person.headers, cast.as_("developer"))["number"])
    employer = make_org(name="景德镇某陶瓷企业")
    hr = login(make_user("employer", organization_id=employer.id))
    numbers.append(in_force(cast.client, cast.post("developer", "/api/v1/leases", lease_body(
        city, None, unit=2, employer_organization_id=employer.id, monthly_rent="1000.00", deposit="1000.00",
        start_on="2025-09-01", end_on="2026-08-31"), expect=201), hr, cast.as_("developer"))["number"])
    lease_ids = {n: session.execute(text("SELECT id FROM lease WHERE number = :n"), {"n": n}).scalar()
                 for n in numbers}
    cast.post("developer", f"/api/v1/leases/{lease_ids[numbers[1]]}/violations", {
        "kind": "subletting", "description": "转租", "rectify_days": 10}, expect=201)
    session.execute(text("UPDATE lease SET monthly_rent = 1100.00 WHERE number = :n"),
                    {"n": numbers[2]})  # drift above the cap, to be found
    auditor = login(make_user("auditor"))
    return {"city": city, "people": people, "numbers": numbers, "auditor": auditor,
            "client": cast.client, "employer": employer}


def numbers_of(page: dict) -> list[str]:
    return [item["number"] for item in page["items"]]


def test_filters_each_find_their_leases(leased) -> None:
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]

    def search(**params) -> list[str]:
        response = client.get(SEARCH, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return numbers_of(response.json())

    assert search() == numbers  # sorted by start date
    assert search(project_id=leased["city"].project_id) == numbers
    assert search(district="昌江区") == numbers and search(district="珠山区") == []
    assert search(organization_id=leased["employer"].id) == [numbers[2]]
    assert search(start_from="2025-08-01") == numbers[1:]
    assert search(start_to="2025-07-31") == [numbers[0]]
    assert search(end_from="2026-07-01") == [numbers[2]]
    assert search(with_violations="true") == [numbers[1]]
    assert search(above_filed="true") == [numbers[2]]
    assert search(above_appraisal="true") == [numbers[2]]  # 1100 > 38.5 × 30 × 0.9 = 1039.5
    assert search(above_filed="false") == numbers[:2]
    assert search(status="active") == numbers
    assert search(sort="-monthly_rent") == [numbers[2], numbers[0], numbers[1]]


def test_lapsed_appraisal_and_transition_filters(leased, today) -> None:
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]
    person = leased["people"][0]
    lease_id = client.get("/api/v1/leases", headers=person.headers).json()[0]["id"]
    client.post(f"/api/v1/leases/{lease_id}/home-acquired", headers=person.headers,
                json={"acquired_on": "2025-06-03", "how": "purchase"})  # the day it was signed
    found = client.get(SEARCH, params={"in_transition": "true"}, headers=headers).json()
    assert numbers_of(found) == [numbers[0]]
    assert client.get(SEARCH, params={"appraisal_lapsed": "true"}, headers=headers).json()["items"] == []
    today(date(2027, 5, 21))  # the 2025-05-20 appraisal is now over two years old
    lapsed = client.get(SEARCH, params={"appraisal_lapsed": "true"}, headers=headers).json()
    assert len(lapsed["items"]) == 3 and all(i["appraisal_lapsed"] for i in lapsed["items"])


def test_keyset_pages_are_stable_under_inserts(leased, session) -> None:
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]
    first = client.get(SEARCH, params={"limit": 2}, headers=headers).json()
    assert numbers_of(first) == numbers[:2] and first["next_cursor"]
    # a lease inserted before the cursor (an earlier start date) must not shift the next page
    session.execute(text(
        "INSERT INTO lease (number, verification_code, kind, unit_id, project_id, "
        "operator_organization_id, "
        "employer_organization_id, start_on, end_on, ends_on, monthly_rent, rate_per_m2, "
        "market_rent_per_m2, rent_standard_id, building_area_m2, prepaid_rent, deposit, status, "
        "signed_on, signed_by_id, created_at) SELECT 'ZL2025EARLY1', 'EARLY234', kind, unit_id, "
        "project_id, "
        "operator_organization_id, employer_organization_id, '2025-01-01', '2025-06-30', "
        "'2025-06-30', monthly_rent, rate_per_m2, market_rent_per_m2, rent_standard_id, "
        "building_area_m2, prepaid_rent, deposit, 'ended', signed_on, signed_by_id, created_at "
        "FROM lease WHERE number = :n"), {"n": numbers[2]})
    second = client.get(SEARCH, params={"limit": 2, "cursor": first["next_cursor"]},
                        headers=headers).json()
    assert numbers_of(second) == [numbers[2]] and second["next_cursor"] is None
    bad = client.get(SEARCH, params={"cursor": "not-a-cursor"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_tenant_searched_by_id_number_in_the_body_only(leased, session) -> None:
    client, headers = leased["client"], leased["auditor"]
    person = leased["people"][1]
    body = client.post(f"{SEARCH}/search", json={"tenant_id_number": person.id_number},
                       headers=headers).json()
    assert numbers_of(body) == [leased["numbers"][1]]
    item = body["items"][0]
    assert item["tenant"] == "王*明" and item["tenant_id_number"] == (
        person.id_number[:6] + "********" + person.id_number[-4:])
    # the look-up is itself on the trail: who searched whom (the person's account), never the number
    event = session.execute(text(
        "SELECT actor, entity_type, entity_id, summary FROM audit_event "
        "WHERE action = 'audit.leases_searched_by_person' ORDER BY id DESC")).first()
    assert event is not None and (event.entity_type, event.entity_id) == ("user", str(person.user_id))
    summary = json.loads(event.summary) if isinstance(event.summary, str) else event.summary
    assert summary == {"filters": {"tenant": "按身份证号码检索"}, "rows": 1}
    assert person.id_number not in json.dumps(summary, ensure_ascii=False)
    searched = count(session, "audit_event")
    client.post(f"{SEARCH}/search", json={"district": "昌江区"}, headers=headers)
    client.get(SEARCH, params={"district": "昌江区"}, headers=headers)
    assert count(session, "audit_event") == searched  # other searches are plain reads
    params = {p["name"] for path, ops in app.openapi()["paths"].items() if path.startswith(SEARCH)
              for op in ops.values() for p in op.get("parameters", [])}
    assert not any("id_number" in name for name in params)


def test_only_auditors_and_admins_search(leased, make_user, login) -> None:
    client = leased["client"]
    for role in ("office", "developer", "tenant", "department", "leader", "employer"):
        assert client.get(SEARCH, headers=login(make_user(role))).status_code == 403
    assert client.get(SEARCH, headers=login(make_user("admin"))).status_code == 200


def exported_events(session) -> list:
    return session.execute(text("SELECT summary FROM audit_event WHERE action = "
                                "'audit.leases_exported' ORDER BY id")).scalars().all()


def test_csv_export_streams_every_row_masked_and_is_audited(leased, session) -> None:
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]
    response = client.get(f"{SEARCH}.csv", params={"district": "昌江区"}, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "合同编号" and [r[0] for r in rows[1:]] == numbers
    assert all("*" in r[9] for r in rows[1:3])
    for person in leased["people"]:
        assert person.id_number not in response.text
    summary = exported_events(session)[-1]
    summary = json.loads(summary) if isinstance(summary, str) else summary
    assert summary["rows"] == 3 and summary["filters"] == {"district": "昌江区"}
    assert summary["full_id_numbers"] is False
    # recorded before the first byte; when the stream ended, what was sent
    started, finished = session.execute(text(
        "SELECT id FROM audit_event WHERE action = 'audit.leases_exported' ORDER BY id DESC")).scalar(), \
        session.execute(text("SELECT entity_id, summary FROM audit_event "
                             "WHERE action = 'audit.leases_export_finished' ORDER BY id DESC")).first()
    done = json.loads(finished.summary) if isinstance(finished.summary, str) else finished.summary
    assert finished.entity_id == str(started) and done == {"rows": 3, "complete": True}


def test_full_id_numbers_only_when_asked_with_a_reason(leased, session) -> None:
    client, headers = leased["client"], leased["auditor"]
    refused = client.post(f"{SEARCH}/export", json={"include_full_id_numbers": True},
                          headers=headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    response = client.post(f"{SEARCH}/export", headers=headers, json={
        "include_full_id_numbers": True, "reason": "审计署专项核查（审字〔2025〕12号）"})
    assert response.status_code == 200
    assert leased["people"][0].id_number in response.content.decode("utf-8-sig")
    summary = exported_events(session)[-1]
    summary = json.loads(summary) if isinstance(summary, str) else summary
    assert summary["full_id_numbers"] is True and "审计署" in summary["reason"]


def test_xlsx_export(leased, session) -> None:
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]
    before = count(session, "audit_event")
    response = client.get(f"{SEARCH}.xlsx", params={"with_violations": "true"}, headers=headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "合同编号" and [v[0] for v in values[1:]] == [numbers[1]]
    assert count(session, "audit_event") == before + 1


def test_dashboard(leased, make_user, login) -> None:
    client = leased["client"]
    body = client.get("/api/v1/dashboard", headers=leased["auditor"]).json()
    assert body["units"]["leased"] == 3 and body["units"]["published"] == 1
    assert body["units"]["occupancy"] == 0.75
    buckets = {b["bucket"]: b["leases"] for b in body["rent_to_cap"]}
    assert buckets[">100%"] == 1 and buckets["95–100%"] == 1 and buckets["80–90%"] == 1
    assert body["projects_by_status"]["已认定"] == 1
    assert body["review"]["decided"] == 1
    assert set(body["overdue"]) == {"reviews", "listings", "exit_decisions", "reappraisals"}
    assert client.get("/api/v1/dashboard", headers=login(make_user("tenant"))).status_code == 403



def test_above_appraisal_uses_the_ratio_in_force_when_the_lease_was_signed(leased, today,
                                                                            dated) -> None:
    """A lease is checked against 第三十七条's ratio on its signing day, not today's: were the
    ratio lowered to 85% from 2026, the lease signed in 2025 at exactly 90% stays within it."""
    client, headers, numbers = leased["client"], leased["auditor"], leased["numbers"]
    dated("rent_cap_ratio", ("2022-05-06", "0.90"), ("2026-01-01", "0.85"))
    today(date(2026, 3, 1))
    page = client.get(SEARCH, params={"above_appraisal": "true"}, headers=headers).json()
    assert numbers_of(page) == [numbers[2]]  # 1039.50 = 38.5 × 30 × 90%: not above at signing
