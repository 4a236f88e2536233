"""Leases (第二十三、三十五–三十七、四十三条): caps, terms, no overlaps, public verification."""

from datetime import date

from tests.conftest import count
from tests.leases.conftest import apply, approve, in_force, lease_body

LEASES = "/api/v1/leases"


def approved(city, tenant, **kw) -> tuple:
    person = tenant(**kw)
    application = apply(city, person)
    approve(city, application["id"])
    return person, application["id"]


def sign(city, body, expect=201, party: dict | None = None) -> dict:
    """The operator concludes the lease; with ``party`` (the tenant's or the employer's headers)
    both then sign its contract, so the lease is in force."""
    response = city.client.post(LEASES, json=body, headers=city.cast.headers["developer"])
    assert response.status_code == expect, response.text
    if party is None:
        return response.json()
    return in_force(city.client, response.json(), party, city.cast.headers["developer"])


def test_lease_signed_and_publicly_verifiable(city, tenant) -> None:
    person, application = approved(city, tenant, name="李小青")
    lease = sign(city, lease_body(city, application))
    assert lease["number"].startswith("ZL2025") and lease["status"] == "pending"
    # not in force until the contract is signed by both (issue 16)
    waiting = city.client.get(f"{LEASES}/{lease['verify_reference']}/verify").json()
    assert waiting["valid"] is False and waiting["status_label"] == "待签约"
    lease = in_force(city.client, lease, person.headers, city.cast.headers["developer"])
    assert lease["rent_cap"] == "1039.5000" and lease["monthly_rent"] == "1039.50"
    mine = city.client.get(LEASES, headers=person.headers).json()
    assert [x["number"] for x in mine] == [lease["number"]]
    code = lease["verification_code"]
    assert lease["verify_reference"] == f"{lease['number']}-{code}" and len(code) == 8
    verify = city.client.get(f"{LEASES}/{lease['verify_reference']}/verify").json()
    assert verify["valid"] is True and verify["tenant"] == "李*青"
    assert verify["unit_number"] == "101" and verify["ends_on"] == "2026-06-30"
    assert person.id_number not in str(verify)
    assert city.client.get(f"{LEASES}/{lease['number']}-{code.lower()}/verify").status_code == 200
    assert city.client.get(f"{LEASES}/ZL2025999999-{code}/verify").status_code == 404
    application_now = city.client.get(f"/api/v1/tenant-applications/{application}",
                                      headers=person.headers).json()
    assert application_now["status"] == "leased"


def refused(city, session, body, article: str, code: str) -> None:
    before = (count(session, "lease"), count(session, "audit_event"))
    response = city.client.post(LEASES, json=body, headers=city.cast.headers["developer"])
    assert response.status_code == 422, response.text
    assert any(v["article"] == article and v["code"] == code
               for v in response.json()["violations"]), response.json()
    assert (count(session, "lease"), count(session, "audit_event")) == before


def test_rent_one_fen_above_the_cap_is_refused(city, tenant, session) -> None:
    _, application = approved(city, tenant)
    refused(city, session, lease_body(city, application, monthly_rent="1039.51"),
            "第三十七条", "lease_rent_above_cap")


def test_a_five_month_term_is_refused_and_six_accepted(city, tenant, session) -> None:
    _, application = approved(city, tenant)
    refused(city, session, lease_body(city, application, end_on="2025-11-30"),
            "第三十五条", "lease_term_too_short")
    sign(city, lease_body(city, application, end_on="2025-12-31"))


def test_prepaying_the_whole_term_or_more_than_three_months_is_refused(city, tenant, session) -> None:
    _, application = approved(city, tenant)
    refused(city, session, lease_body(city, application, end_on="2025-12-31",
                                      prepaid_rent="6237.00"), "第四十三条", "prepaid_whole_term")
    refused(city, session, lease_body(city, application, prepaid_rent="3118.51"),
            "第四十三条", "prepaid_too_many_months")
    sign(city, lease_body(city, application, prepaid_rent="3118.50"))


def test_other_fees_are_forbidden(city, tenant, session) -> None:
    _, application = approved(city, tenant)
    refused(city, session, lease_body(city, application, other_fees="200.00"),
            "第三十七条", "other_fees_forbidden")


def test_a_unit_never_has_two_overlapping_leases(city, tenant, session) -> None:
    _, first = approved(city, tenant)
    _, second = approved(city, tenant, name="王五")
    sign(city, lease_body(city, first))
    before = count(session, "lease")
    overlap = city.client.post(LEASES, json=lease_body(city, second, start_on="2026-06-01",
                                                       end_on="2026-12-31"),
                               headers=city.cast.headers["developer"])
    assert overlap.status_code == 409 and "已有租赁合同" in overlap.json()["detail"]
    assert count(session, "lease") == before
    sign(city, lease_body(city, second, start_on="2026-07-01", end_on="2026-12-31"))


def test_a_person_holds_one_active_lease(city, tenant, make_org) -> None:
    person, application = approved(city, tenant)
    sign(city, lease_body(city, application))
    assert city.client.post("/api/v1/tenant-applications", headers=person.headers, json={
        "project_id": city.project_id,
        "declaration": {"owns_home_in_central_area": False}}).status_code == 409


def test_only_a_filed_rent_standard_allows_signing(cast, tenant, make_org) -> None:
    from tests.leases.conftest import operate

    city = operate(cast)
    # a newer proposal is not in force: the lease is capped by the filed 27.00
    appraisal = cast.post("zhujian", f"/api/v1/projects/{city.project_id}/appraisals", {
        "appraiser": "评估公司", "report_no": "评-2", "appraised_on": "2025-06-01",
        "market_rent_per_m2": "40.00"}, expect=201)["id"]
    cast.post("developer", f"/api/v1/projects/{city.project_id}/rent-standards", {
        "appraisal_id": appraisal, "rates": [{"rate_per_m2": "36.00"}]}, expect=201)
    _, application = approved(city, tenant)
    response = city.client.post(LEASES, json=lease_body(city, application, monthly_rent="1386.00"),
                                headers=city.cast.headers["developer"])
    assert response.status_code == 422


def test_the_public_check_needs_the_number_and_its_code(city, tenant) -> None:
    """Lease numbers are sequential (ZL2025000001, …02, …): the public check needs the random
    code printed beside the number, and a missing or wrong code answers exactly like an unknown
    number, so walking the numbers finds nothing."""
    _, first = approved(city, tenant, name="李小青")
    _, second = approved(city, tenant, name="王五")
    leases = [sign(city, lease_body(city, first)), sign(city, lease_body(city, second, unit=1))]
    unknown = city.client.get(f"{LEASES}/ZL2099999999-ABCDEFGH/verify")
    assert unknown.status_code == 404
    for lease in leases:
        number, code = lease["number"], lease["verification_code"]
        wrong = "".join("2" if c != "2" else "3" for c in code)
        for reference in (number, f"{number}-", f"{number}-{wrong}", f"{number}-{code[:7]}",
                          f"{number}-{code}X", f"{code}-{number}"):
            found = city.client.get(f"{LEASES}/{reference}/verify")
            assert (found.status_code, found.json()) == (404, unknown.json()), reference
    assert leases[0]["verification_code"] != leases[1]["verification_code"]
    page = city.client.get(f"/leases/{leases[0]['number']}/verify")
    assert page.status_code == 404 and "李*青" not in page.text
    assert "李*青" in city.client.get(f"/leases/{leases[0]['verify_reference']}/verify").text


def test_employer_lease_places_eligible_staff_and_keeps_history(city, tenant, make_org, make_user,
                                                               login) -> None:
    """整体配租: the employer's invitation is accepted by the person themself, after the
    eligibility check of that moment (第三十一、三十二条); the history is kept."""
    employer = make_org(name="景德镇某陶瓷企业")
    staff_login = login(make_user("employer", organization_id=employer.id))
    lease = sign(city, lease_body(city, None, employer_organization_id=employer.id), party=staff_login)
    assert lease["kind"] == "employer" and lease["employer"] == "景德镇某陶瓷企业"
    worker = tenant(name="赵工")
    invited = city.client.post(f"{LEASES}/{lease['id']}/occupants", headers=staff_login,
                               json={"id_number": worker.id_number})
    assert invited.status_code == 202, invited.text
    (mine,) = city.client.get("/api/v1/tenants/me/placements", headers=worker.headers).json()
    placed = city.client.post(f"/api/v1/tenants/me/placements/{mine['id']}/accept",
                              headers=worker.headers)
    assert placed.status_code == 200 and placed.json()["status"] == "placed"
    assert placed.json()["moved_in_on"] == "2025-07-01"  # not before the lease starts
    listed = city.client.get(f"{LEASES}/{lease['id']}/occupants", headers=staff_login).json()
    assert listed[0]["eligible"] is True and listed[0]["name"] == "赵*"
    outsider = tenant(district="乐平市", name="钱外")
    city.client.post(f"{LEASES}/{lease['id']}/occupants", headers=staff_login,
                     json={"id_number": outsider.id_number})
    (theirs,) = city.client.get("/api/v1/tenants/me/placements", headers=outsider.headers).json()
    refused_ = city.client.post(f"/api/v1/tenants/me/placements/{theirs['id']}/accept",
                                headers=outsider.headers)
    assert refused_.status_code == 422 and refused_.json()["violations"][0]["article"] == "第三十二条"
    occupant_id = mine["id"]
    out = city.client.post(f"{LEASES}/{lease['id']}/occupants/{occupant_id}/move-out",
                           headers=staff_login)
    assert out.status_code == 200 and out.json()[0]["moved_out_on"] == "2025-06-03"
    assert out.json()[0]["status"] == "moved_out" and out.json()[1]["status"] == "invited"
    seen = city.client.get(f"{LEASES}/{lease['id']}", headers=worker.headers)
    assert seen.status_code == 200  # the occupant sees the lease they lived under
    other_employer = login(make_user("employer"))
    assert city.client.get(f"{LEASES}/{lease['id']}", headers=other_employer).status_code == 404


def test_renewal_in_the_window_after_a_fresh_check(city, tenant, today) -> None:
    person, application = approved(city, tenant)
    lease = sign(city, lease_body(city, application), party=person.headers)
    early = city.client.post(f"{LEASES}/{lease['id']}/renew", json={"months": 12},
                             headers=city.cast.headers["developer"])
    assert early.status_code == 422 and early.json()["violations"][0]["article"] == "第三十五条"
    today(date(2026, 6, 1))
    renewed = city.client.post(f"{LEASES}/{lease['id']}/renew", json={"months": 12},
                               headers=city.cast.headers["developer"])
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["start_on"] == "2026-07-01" and renewed.json()["end_on"] == "2027-06-30"
    assert renewed.json()["previous_lease_id"] == lease["id"]
    assert renewed.json()["status"] == "pending"  # in force once its own contract is signed by both


def test_renewal_refused_when_no_longer_eligible(city, tenant, today) -> None:
    from tests.leases.conftest import csv_file

    person, application = approved(city, tenant)
    lease = sign(city, lease_body(city, application), party=person.headers)
    city.client.post("/api/v1/registry/properties", headers=city.cast.headers["admin"],
                     files=csv_file([f"{person.id_number},珠山区某小区,珠山区,2020-01-01"],
                                    "id_number,address,district,acquired_on"))
    today(date(2026, 6, 1))
    response = city.client.post(f"{LEASES}/{lease['id']}/renew", json={"months": 12},
                                headers=city.cast.headers["developer"])
    assert response.status_code == 422
    assert any(v["code"] == "one_of_conditions" for v in response.json()["violations"])


def test_housing_fund_check(city, tenant) -> None:
    person, application = approved(city, tenant)
    url = "/api/v1/tenants/me/housing-fund-eligibility"
    no_lease = city.client.get(url, params={"contribution_months": 12}, headers=person.headers).json()
    assert no_lease["eligible"] is False
    lease = sign(city, lease_body(city, application, start_on="2025-06-03", end_on="2025-12-31"))
    waiting = city.client.get(url, params={"contribution_months": 6}, headers=person.headers).json()
    assert waiting["eligible"] is False  # a lease waiting for its contract is not in force yet
    in_force(city.client, lease, person.headers, city.cast.headers["developer"])
    five = city.client.get(url, params={"contribution_months": 5}, headers=person.headers).json()
    six = city.client.get(url, params={"contribution_months": 6}, headers=person.headers).json()
    assert five["eligible"] is False and six["eligible"] is True
    assert {f["article"] for f in six["findings"]} >= {"第二十二条"}
