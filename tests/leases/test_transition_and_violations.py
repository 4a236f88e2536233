"""A home acquired (第三十八条), violations and credit (第四十、四十一、四十六条)."""

from datetime import date

from tests.leases.conftest import apply, approve, csv_file, in_force, lease_body

LEASES = "/api/v1/leases"


def signed(city, tenant, start_on: str = "2025-07-01", **kw) -> tuple:
    person = tenant(**kw)
    application = apply(city, person)["id"]
    approve(city, application)
    lease = city.cast.post("developer", LEASES, lease_body(city, application, start_on=start_on,
                                                          end_on="2027-06-30"), expect=201)
    return person, in_force(city.client, lease, person.headers, city.cast.as_("developer"))


def test_tenant_reports_a_home_and_the_transition_starts(city, tenant) -> None:
    person, lease = signed(city, tenant)  # signed today, 2025-06-03
    response = city.client.post(f"{LEASES}/{lease['id']}/home-acquired", headers=person.headers,
                                json={"acquired_on": "2025-06-03", "how": "purchase"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "in_transition" and body["transition_ends_on"] == "2026-06-02"
    assert body["market_rent_from"] == "2025-07-01"
    assert body["transition_monthly_rent"] == "1155.00"  # 38.50 m² × 30.00 appraised
    assert body["ends_on"] == "2026-06-02"  # the lease ends with the transition
    notices = city.client.get("/api/v1/tenants/me/notices", headers=person.headers).json()
    assert "过渡期" in notices[0]["message"] and "第三十八条" in notices[0]["message"]


def test_operator_approves_an_extension(city, tenant) -> None:
    person, lease = signed(city, tenant)
    city.client.post(f"{LEASES}/{lease['id']}/home-acquired", headers=person.headers,
                     json={"acquired_on": "2025-06-03", "how": "inheritance"})
    asked = city.client.post(f"{LEASES}/{lease['id']}/transition-extension", headers=person.headers,
                             json={"until": "2026-12-31", "reason": "子女在附近上学至学期末"})
    assert asked.status_code == 200 and asked.json()["extension_status"] == "requested"
    decided = city.cast.post("developer", f"{LEASES}/{lease['id']}/transition-extension/decision",
                             {"approve": True})
    assert decided["transition_ends_on"] == "2026-12-31" and decided["ends_on"] == "2026-12-31"


def test_registry_import_starts_the_transition(city, tenant) -> None:
    person, lease = signed(city, tenant, start_on="2025-06-03")  # the day the unit was published
    response = city.client.post("/api/v1/registry/properties", headers=city.cast.headers["admin"],
                                files=csv_file([f"{person.id_number},珠山区新房,珠山区,2025-06-03"],
                                               "id_number,address,district,acquired_on"))
    assert response.status_code == 201 and response.json()["transitions_started"] == 1
    now = city.client.get(f"{LEASES}/{lease['id']}", headers=person.headers).json()
    assert now["status"] == "in_transition" and now["home_acquired_on"] == "2025-06-03"


def test_the_central_area_is_the_one_of_the_day_the_home_was_acquired(city, tenant, today,
                                                                      dated) -> None:
    """第三十八条 asks whether the home is in the central area (第四条) when it was acquired:
    were 高新区 to join the area only from 2025-07-01, a home there acquired on 2025-06-03
    starts no transition, even though the import runs when it is central."""
    dated("central_districts", ("2022-05-06", ["珠山区", "昌江区", "昌南新区"]),
          ("2025-07-01", ["珠山区", "昌江区", "高新区", "昌南新区"]))
    person, lease = signed(city, tenant, start_on="2025-06-03")
    today(date(2025, 7, 15))
    response = city.client.post("/api/v1/registry/properties", headers=city.cast.headers["admin"],
                                files=csv_file([f"{person.id_number},高新区新房,高新区,2025-06-03"],
                                               "id_number,address,district,acquired_on"))
    assert response.status_code == 201 and response.json()["transitions_started"] == 0
    now = city.client.get(f"{LEASES}/{lease['id']}", headers=person.headers).json()
    assert now["status"] == "active"


def test_violation_rectify_or_terminate(city, tenant, today) -> None:
    person, lease = signed(city, tenant)
    violation = city.cast.post("developer", f"{LEASES}/{lease['id']}/violations", {
        "kind": "subletting", "description": "将房屋转租他人", "rectify_days": 15}, expect=201)
    assert violation["rectify_by"] == "2025-06-18" and violation["status"] == "open"
    early = city.client.post(f"{LEASES}/{lease['id']}/terminate", headers=city.cast.headers["developer"],
                             json={"violation_id": violation["violation_id"]})
    assert early.status_code == 409 and early.json()["violations"][0]["article"] == "第四十条"
    today(date(2025, 6, 19))
    ended = city.cast.post("developer", f"{LEASES}/{lease['id']}/terminate",
                           {"violation_id": violation["violation_id"]})
    assert ended["status"] == "terminated" and ended["ends_on"] == "2025-06-19"
    units = city.cast.get("developer", f"/api/v1/projects/{city.project_id}/units")["items"]
    assert next(u for u in units if u["id"] == lease["unit_id"])["status"] == "published"
    credit = city.client.get(f"/api/v1/tenants/{person.user_id}/credit", headers=person.headers).json()
    assert credit[0]["kind_label"] == "出租（转租）" and credit[0]["status"] == "terminated"
    assert city.client.get(f"/api/v1/tenants/{person.user_id}/credit",
                           headers=city.cast.headers["office"]).status_code == 200


def test_a_rectified_violation_does_not_end_the_lease(city, tenant, today) -> None:
    _, lease = signed(city, tenant)
    violation = city.cast.post("developer", f"{LEASES}/{lease['id']}/violations", {
        "kind": "idle", "description": "长期闲置", "rectify_days": 10}, expect=201)
    city.cast.post("developer", f"/api/v1/violations/{violation['violation_id']}/rectified")
    today(date(2025, 7, 1))
    response = city.client.post(f"{LEASES}/{lease['id']}/terminate", headers=city.cast.headers["developer"],
                                json={"violation_id": violation["violation_id"]})
    assert response.status_code == 409


def test_operator_violation_on_the_organisation_credit(city) -> None:
    recorded = city.cast.post("office", f"/api/v1/projects/{city.project_id}/violations", {
        "kind": "rent_as_sale", "description": "一次性收取五年租金", "rectify_days": 30}, expect=201)
    assert recorded["kind_label"] == "以租代售"
    org = city.cast.developer.organization_id
    credit = city.cast.get("developer", f"/api/v1/organizations/{org}/credit")
    assert [c["violation_id"] for c in credit] == [recorded["violation_id"]]


def test_the_12_months_are_the_tenants_a_short_lease_continues_to_the_transitions_end(
        city, tenant, today) -> None:
    """第三十八条 (catalog): a six-month lease ending 2025-12-31 whose tenant bought a home on
    2025-07-15 gets a transition to 2026-07-14; renewal at term end continues the lease up to
    that day — cut to it when more is asked, with no fresh eligibility check (the tenant now
    owns a home), at the market rent — instead of being refused."""
    person = tenant()
    application = apply(city, person)["id"]
    approve(city, application)
    short = in_force(city.client, city.cast.post("developer", LEASES, lease_body(
        city, application, start_on="2025-07-01", end_on="2025-12-31"), expect=201), person.headers,
        city.cast.as_("developer"))
    today(date(2025, 7, 20))
    reported = city.client.post(f"{LEASES}/{short['id']}/home-acquired", headers=person.headers,
                                json={"acquired_on": "2025-07-15", "how": "purchase"})
    assert reported.status_code == 200, reported.text
    assert (reported.json()["transition_ends_on"], reported.json()["ends_on"]) == ("2026-07-14",
                                                                                  "2025-12-31")
    today(date(2025, 12, 1))
    assert "renew" in city.cast.get("developer", f"{LEASES}/{short['id']}")["allowed_actions"]
    continued = city.client.post(f"{LEASES}/{short['id']}/renew", json={"months": 12},
                                 headers=city.cast.headers["developer"])
    assert continued.status_code == 201, continued.text
    body = continued.json()
    assert (body["start_on"], body["end_on"], body["ends_on"]) == ("2026-01-01", "2026-07-14",
                                                                  "2026-07-14")
    assert body["status"] == "in_transition" and body["monthly_rent"] == "1155.00"
    assert body["previous_lease_id"] == short["id"]


def test_a_lease_that_outlasts_the_transition_is_not_renewed_citing_article_38(city, tenant,
                                                                                today) -> None:
    person, lease = signed(city, tenant)  # to 2027-06-30
    city.client.post(f"{LEASES}/{lease['id']}/home-acquired", headers=person.headers,
                     json={"acquired_on": "2025-06-03", "how": "purchase"})
    assert "renew" not in city.cast.get("developer", f"{LEASES}/{lease['id']}")["allowed_actions"]
    refused = city.client.post(f"{LEASES}/{lease['id']}/renew", json={"months": 12},
                               headers=city.cast.headers["developer"])
    assert refused.status_code == 409 and "第三十八条" in refused.json()["detail"]


# ---- the dates reported, bounded by their facts (第三十八条, 第三十二条) --------------------------

def test_a_home_acquired_before_the_lease_was_signed_or_in_the_future_is_refused(city, tenant,
                                                                                session) -> None:
    """The 12 months are for a home acquired while renting: one owned when signing (2025-06-03)
    is refused citing 第三十八条 and 第三十二条 — an early date would also cut the tenant's 12
    months short (1901-01-01 would end the lease at once) — and so is a date after today."""
    from tests.conftest import count

    person, lease = signed(city, tenant)
    before = count(session, "audit_event")
    for day, codes in (("2025-06-02", {"home_acquired_before_tenancy", "owned_home_when_tenancy_began"}),
                       ("1901-01-01", {"home_acquired_before_tenancy", "owned_home_when_tenancy_began"}),
                       ("2025-06-04", {"home_acquired_in_future"})):
        refused = city.client.post(f"{LEASES}/{lease['id']}/home-acquired", headers=person.headers,
                                   json={"acquired_on": day, "how": "purchase"})
        assert refused.status_code == 422, refused.text
        assert {v["code"] for v in refused.json()["violations"]} == codes
        assert all(v["field"] == "acquired_on" for v in refused.json()["violations"])
    assert {v["article"] for v in refused.json()["violations"]} == {"第三十八条"}
    assert count(session, "audit_event") == before
    assert city.cast.get("developer", f"{LEASES}/{lease['id']}")["status"] == "active"


def test_a_renewed_lease_keeps_the_day_the_tenancy_was_agreed(city, tenant, today) -> None:
    """The bound is the tenancy's first signing day, not the renewal's: a home bought during the
    first lease may still be reported on the renewed one."""
    person = tenant()
    application = apply(city, person)["id"]
    approve(city, application)
    first = in_force(city.client, city.cast.post("developer", LEASES, lease_body(city, application),
                                                 expect=201), person.headers, city.cast.as_("developer"))
    today(date(2026, 6, 1))
    renewed = in_force(city.client, city.cast.post("developer", f"{LEASES}/{first['id']}/renew",
                                                   {"months": 12}, expect=201),
                       person.headers, city.cast.as_("developer"))
    today(date(2026, 7, 2))
    reported = city.client.post(f"{LEASES}/{renewed['id']}/home-acquired", headers=person.headers,
                                json={"acquired_on": "2026-05-01", "how": "gift"})
    assert reported.status_code == 200, reported.text
    assert reported.json()["transition_ends_on"] == "2027-04-30"


def test_an_extension_far_ahead_is_refused(city, tenant) -> None:
    person, lease = signed(city, tenant)
    city.client.post(f"{LEASES}/{lease['id']}/home-acquired", headers=person.headers,
                     json={"acquired_on": "2025-06-03", "how": "purchase"})  # to 2026-06-02
    for until in ("2027-06-03", "2199-12-31"):
        refused = city.client.post(f"{LEASES}/{lease['id']}/transition-extension", headers=person.headers,
                                   json={"until": until, "reason": "子女上学"})
        assert refused.status_code == 422, refused.text
        assert refused.json()["violations"][0]["code"] == "extension_too_long"
        assert refused.json()["violations"][0]["article"] == "第三十八条"
    asked = city.client.post(f"{LEASES}/{lease['id']}/transition-extension", headers=person.headers,
                             json={"until": "2027-06-02", "reason": "子女上学"})
    assert asked.status_code == 200, asked.text
