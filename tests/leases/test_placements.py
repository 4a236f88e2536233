"""整体配租 (第三十一条): an employer's placement is an invitation the person accepts or declines
themself (issue 14, point 2).

The employer types a 身份证 number. Whatever it belongs to — nobody, an eligible tenant, an
ineligible one, someone already housed — the answer is the same 202 and names no one; nothing
is placed until the person accepts, after the eligibility check of that moment; an invitation
never blocks the person's own lease.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.leases import service
from app.leases.models import LeaseOccupant
from tests.conftest import PASSWORD, count, fake_id_number
from tests.leases.conftest import apply, approve, in_force, lease_body

LEASES = "/api/v1/leases"
MINE = "/api/v1/tenants/me/placements"
SENT = "已向该身份证号码对应的承租人发出入住邀请；对方确认并经资格审查后方可入住"


@pytest.fixture
def whole(city, make_org, make_user, login) -> dict[str, Any]:
    """An employer's whole-unit lease (2025-07-01 to 2026-06-30) and its HR staff logged in."""
    employer = make_org(name="景德镇某陶瓷企业")
    hr = login(make_user("employer", organization_id=employer.id))
    lease = in_force(city.client, city.cast.post("developer", LEASES, lease_body(
        city, None, unit=1, employer_organization_id=employer.id), expect=201), hr,
        city.cast.as_("developer"))
    return {"lease": lease, "hr": hr, "url": f"{LEASES}/{lease['id']}/occupants"}


def invite(city, whole, id_number: str, **kw: Any) -> Any:
    return city.client.post(whole["url"], headers=whole["hr"], json={"id_number": id_number} | kw)


def placements(city, person) -> list[dict[str, Any]]:
    response = city.client.get(MINE, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()


def housed(city, tenant) -> Any:
    """A tenant holding a lease of their own."""
    person = tenant(name="周有房")
    application = apply(city, person)["id"]
    approve(city, application)
    in_force(city.client, city.cast.post("developer", LEASES, lease_body(city, application), expect=201),
             person.headers, city.cast.as_("developer"))
    return person


def test_a_strangers_number_gets_the_same_answer_as_anyone_elses_and_nothing_is_placed(
        city, tenant, whole, session) -> None:
    eligible = tenant(name="赵工")
    ineligible = tenant(district="乐平市", name="钱外")
    unready = tenant(name="孙未签", commit=False)
    holder = housed(city, tenant)
    stranger = fake_id_number("19880808")  # a valid number nobody registered
    answers = []
    for number in (stranger, eligible.id_number, ineligible.id_number, unready.id_number,
                   holder.id_number, eligible.id_number):  # the last: invited already
        response = invite(city, whole, number)
        answers.append((response.status_code, response.json()))
        for person in (eligible, ineligible, unready, holder):
            assert person.id_number not in response.text
        for name in ("赵工", "钱外", "孙未签", "周有房", "赵", "钱", "孙", "周"):
            assert name not in response.text
    assert answers == [(202, {"status": "invited", "detail": SENT})] * 6
    # nothing is placed: every row is an invitation, no person is named
    rows = session.scalars(select(LeaseOccupant)).all()
    assert len(rows) == 5 and {r.status for r in rows} == {"invited"}
    assert all(r.tenant_id is None and r.eligibility is None for r in rows)
    # the employer's list: the number as typed (masked), no name, no eligibility
    listed = city.client.get(whole["url"], headers=whole["hr"]).json()
    assert [o["status"] for o in listed] == ["invited"] * 5
    assert {o["name"] for o in listed} == {None} and {o["eligible"] for o in listed} == {None}
    assert listed[0]["id_number_masked"] == stranger[:6] + "********" + stranger[-4:]
    # the one already housed keeps their own lease, which nothing blocks
    assert city.cast.get("developer", LEASES)[0]["status"] == "active"


def test_the_invited_person_is_told_and_accepts_after_the_eligibility_check(city, tenant, whole,
                                                                           session) -> None:
    worker = tenant(name="赵小工", commit=False)  # the annex-4 commitment not signed yet
    invite(city, whole, worker.id_number, moved_in_on="2025-08-01")
    notices = city.client.get("/api/v1/tenants/me/notices", headers=worker.headers).json()
    assert "景德镇某陶瓷企业邀请您入住" in notices[0]["message"]
    assert notices[0]["kind"] == "placement_invited"
    (invitation,) = placements(city, worker)
    assert invitation["status"] == "invited" and invitation["allowed_actions"] == ["accept", "decline"]
    assert invitation["employer"] == "景德镇某陶瓷企业"
    assert invitation["lease_number"] == whole["lease"]["number"]
    accept = f"{MINE}/{invitation['id']}/accept"
    # not ready: the check of that moment refuses, citing the article; nothing is placed
    refused = city.client.post(accept, headers=worker.headers)
    assert refused.status_code == 422 and refused.json()["violations"][0]["article"] == "第三十三条"
    assert placements(city, worker)[0]["status"] == "invited"
    city.client.post("/api/v1/tenants/me/commitment", headers=worker.headers, json={
        "clauses": [1, 2, 3, 4], "declaration": {"owns_home_in_central_area": False}})
    before = count(session, "audit_event")
    placed = city.client.post(accept, headers=worker.headers)
    assert placed.status_code == 200, placed.text
    assert placed.json()["status"] == "placed" and placed.json()["moved_in_on"] == "2025-08-01"
    assert count(session, "audit_event") == before + 1
    row = session.get(LeaseOccupant, invitation["id"])
    assert row.tenant_id == worker.user_id and row.eligibility["ok"] is True  # type: ignore[union-attr]
    # the employer now sees a masked name; the person reads the lease they live under
    (listed,) = city.client.get(whole["url"], headers=whole["hr"]).json()
    assert listed["name"] == "赵*工" and listed["eligible"] is True and listed["status"] == "placed"
    assert city.client.get(f"{LEASES}/{whole['lease']['id']}", headers=worker.headers).status_code == 200
    # placed: now one home per person holds — they may not apply for another
    assert apply(city, worker, expect=409)
    again = city.client.post(accept, headers=worker.headers)
    assert again.status_code == 409


def test_an_ineligible_person_cannot_accept(city, tenant, whole) -> None:
    outsider = tenant(district="乐平市", work="乐平市", name="钱外")
    invite(city, whole, outsider.id_number)
    (invitation,) = placements(city, outsider)
    refused = city.client.post(f"{MINE}/{invitation['id']}/accept", headers=outsider.headers)
    assert refused.status_code == 422
    assert {v["article"] for v in refused.json()["violations"]} == {"第三十二条"}
    assert placements(city, outsider)[0]["status"] == "invited"
    assert city.client.get(whole["url"], headers=whole["hr"]).json()[0]["name"] is None


def test_a_declined_invitation_places_nobody(city, tenant, whole, session) -> None:
    worker = tenant(name="赵工")
    invite(city, whole, worker.id_number)
    (invitation,) = placements(city, worker)
    declined = city.client.post(f"{MINE}/{invitation['id']}/decline", headers=worker.headers)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["allowed_actions"] == []
    row = session.get(LeaseOccupant, invitation["id"])
    assert row.tenant_id is None and row.eligibility is None  # type: ignore[union-attr]
    (listed,) = city.client.get(whole["url"], headers=whole["hr"]).json()
    assert listed["status"] == "declined" and listed["name"] is None
    assert city.client.get(f"{LEASES}/{whole['lease']['id']}", headers=worker.headers).status_code == 404
    assert city.client.post(f"{MINE}/{invitation['id']}/accept", headers=worker.headers).status_code == 409
    # free to apply and sign their own lease
    application = apply(city, worker)["id"]
    approve(city, application)
    city.cast.post("developer", LEASES, lease_body(city, application), expect=201)


def test_an_invitation_never_blocks_the_persons_own_lease(city, tenant, whole) -> None:
    worker = tenant(name="赵工")
    invite(city, whole, worker.id_number)
    application = apply(city, worker)["id"]  # invited, not placed: may apply
    approve(city, application)
    own = city.cast.post("developer", LEASES, lease_body(city, application), expect=201)
    assert own["status"] == "pending"  # waiting for its contract, and already reserving the person
    (invitation,) = placements(city, worker)
    refused = city.client.post(f"{MINE}/{invitation['id']}/accept", headers=worker.headers)
    assert refused.status_code == 409 and "每人限一套" in refused.json()["detail"]
    assert placements(city, worker)[0]["status"] == "invited"


def test_an_invitation_waits_for_a_number_registered_later(city, client, login, whole) -> None:
    number = fake_id_number("19990909")
    assert invite(city, whole, number).status_code == 202
    registered = client.post("/api/v1/auth/register", json={
        "username": "later-comer", "password": PASSWORD, "full_name": "吴晚到", "id_number": number,
        "phone": "13912345678"})
    assert registered.status_code == 201, registered.text
    headers = login("later-comer")
    found = client.get(MINE, headers=headers).json()
    assert [p["status"] for p in found] == ["invited"]


def test_only_the_person_addressed_sees_and_answers_an_invitation(city, tenant, whole, make_user,
                                                                  login) -> None:
    worker, other = tenant(name="赵工"), tenant(name="王五")
    invite(city, whole, worker.id_number)
    (invitation,) = placements(city, worker)
    assert placements(city, other) == []
    missing = city.client.post(f"{MINE}/999999/accept", headers=other.headers)
    for step in ("accept", "decline"):
        foreign = city.client.post(f"{MINE}/{invitation['id']}/{step}", headers=other.headers)
        assert (foreign.status_code, foreign.json()) == (404, missing.json())
    # the employer may not answer for them: tenants only
    hr_try = city.client.post(f"{MINE}/{invitation['id']}/accept", headers=whole["hr"])
    assert hr_try.status_code == 403
    # another employer cannot invite under this lease, nor see its invitations
    stranger_hr = login(make_user("employer"))
    assert city.client.post(whole["url"], headers=stranger_hr,
                            json={"id_number": worker.id_number}).status_code == 404
    assert city.client.get(whole["url"], headers=stranger_hr).status_code == 404


def test_the_employer_withdraws_an_invitation_not_yet_answered(city, tenant, whole) -> None:
    worker = tenant(name="赵工")
    invite(city, whole, worker.id_number)
    (invitation,) = placements(city, worker)
    withdrawn = city.client.post(f"{whole['url']}/{invitation['id']}/withdraw", headers=whole["hr"])
    assert withdrawn.status_code == 200 and withdrawn.json()[0]["status"] == "withdrawn"
    assert placements(city, worker)[0]["status"] == "withdrawn"
    assert city.client.post(f"{MINE}/{invitation['id']}/accept", headers=worker.headers).status_code == 409
    assert city.client.post(f"{whole['url']}/{invitation['id']}/withdraw",
                            headers=whole["hr"]).status_code == 409
    # withdrawn, it may be sent again
    assert invite(city, whole, worker.id_number).status_code == 202
    assert [p["status"] for p in placements(city, worker)] == ["invited", "withdrawn"]


def test_what_the_employer_controls_is_checked_and_invitations_are_limited(city, tenant, whole,
                                                                          session) -> None:
    # the number's own form, and the move-in day against the lease: 422 naming the field
    bad = invite(city, whole, "360203199001011234")
    assert bad.status_code == 422 and bad.json()["violations"][0]["field"] == "id_number"
    for day in ("2025-06-02", "2026-07-01"):  # before today; after the lease ends
        late = invite(city, whole, fake_id_number(), moved_in_on=day)
        assert late.status_code == 422 and late.json()["errors"][0]["field"] == "moved_in_on"
    assert count(session, "lease_occupant") == 0
    # a day's invitations per lease are limited: the next is 429 with Retry-After
    for _ in range(service.INVITATIONS_PER_LEASE_PER_DAY):
        assert invite(city, whole, fake_id_number()).status_code == 202
    limited = invite(city, whole, fake_id_number())
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert count(session, "lease_occupant") == service.INVITATIONS_PER_LEASE_PER_DAY


def test_unanswered_invitations_are_limited_per_lease(city, whole, today) -> None:
    from datetime import date

    for _ in range(service.WAITING_INVITATIONS_PER_LEASE):
        assert invite(city, whole, fake_id_number()).status_code == 202
    today(date(2025, 6, 4))  # a new day: the daily count starts again, the waiting ones remain
    refused = invite(city, whole, fake_id_number())
    assert refused.status_code == 409 and "等待对方确认" in refused.json()["detail"]
