"""The steps on one lease, through its page (test client, no browser): renewal (第三十五条),
the transition's extension (第三十八条), an employer's occupants (整体配租), violations,
rectification and termination (第四十条). Each form: done (the state changed, the page shows
it), refused (422/409 with the message and the article, what was typed kept, nothing
written), and out of scope (another organisation's lease answers 404)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.leases.models import Lease, LeaseOccupant, Violation
from tests.leases.conftest import City, apply, approve, csv_file, in_force, lease_body
from tests.web.conftest import text_of
from tests.web.test_workflows import field_error, input_value

LEASES = "/api/v1/leases"


def count(session: Session, model: Any) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def signed(city: City, tenant: Any, unit: int = 0, **kw: Any) -> tuple[Any, dict[str, Any]]:
    """A tenant with a lease of unit ``unit`` (2025-07-01 to 2026-06-30) in force: concluded and
    its contract signed by both through the API."""
    person = tenant(**kw)
    application_id = apply(city, person)["id"]
    approve(city, application_id)
    return person, in_force(city.client, city.cast.post(
        "developer", LEASES, lease_body(city, application_id, unit=unit), expect=201), person.headers,
        city.cast.as_("developer"))


def logged_in(person: Any, username: str) -> Any:
    someone = person()
    someone.login(username)
    return someone


def summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary"
    return text_of(found.group(0))


def test_the_operator_renews_after_a_fresh_check(city, tenant, person, make_user, session, today) -> None:
    me, lease = signed(city, tenant)
    moved, other = signed(city, tenant, unit=1, name="周搬家")
    dev = logged_in(person, city.cast.developer.username)
    url = f"/leases/{lease['id']}"
    page = dev.get(url)
    assert f'action="{url}/renew"' in page and "续租（第三十五条）" in page
    assert f'action="{url}/renew"' not in logged_in(person, me.username).get(url)  # the tenant: no form
    before = count(session, Lease)
    # nothing typed: the field says so
    assert "缺少必填项" in field_error(dev.post(f"{url}/renew", {"months": ""}, expect=422).text, "f-months")
    # too early: the window of 第三十五条, with the months typed kept
    early = dev.post(f"{url}/renew", {"months": "12"}, expect=422)
    assert "第三十五条" in summary(early.text) and "尚未到可申请日期" in summary(early.text)
    assert input_value(early.text, "months") == "12"
    today(date(2026, 6, 1))
    over = dev.post(f"{url}/renew", {"months": "12", "monthly_rent": "1039.51"}, expect=422)
    assert "第三十七条" in field_error(over.text, "f-monthly_rent")
    assert input_value(over.text, "monthly_rent") == "1039.51"
    # no longer eligible (a home in the central area on the registry): refused with the article
    city.client.post("/api/v1/registry/properties", headers=city.cast.headers["admin"],
                     files=csv_file([f"{moved.id_number},珠山区某小区,珠山区,2020-01-01"],
                                    "id_number,address,district,acquired_on"))
    refused = dev.post(f"/leases/{other['id']}/renew", {"months": "12"}, expect=422)
    assert "第三十二条" in summary(refused.text)
    assert count(session, Lease) == before
    # another organisation's operator: 404, nothing written
    stranger = logged_in(person, make_user("developer").username)
    stranger.post(f"{url}/renew", {"months": "12"}, expect=404)
    assert count(session, Lease) == before
    # renewed: on to the new lease's page, which links back; the old one is no longer renewable
    dev.post(f"{url}/renew", {"months": "12", "monthly_rent": "", "prepaid_rent": ""})
    new_url = dev.last.headers["location"]  # type: ignore[union-attr]
    assert new_url != url and re.fullmatch(r"/leases/\d+", new_url)
    renewed = dev.follow()
    assert "已续租" in renewed and "2026-07-01 至 2027-06-30" in renewed and f'href="{url}"' in renewed
    old = dev.get(url)
    assert "已续租（至期满）" in old and f'action="{url}/renew"' not in old
    assert count(session, Lease) == before + 1


def test_a_longer_transition_asked_and_decided(city, tenant, person, make_user, session) -> None:
    me, lease = signed(city, tenant)
    url = f"/leases/{lease['id']}"
    mine = logged_in(person, me.username)
    assert f"{url}/transition-extension" not in mine.get(url)  # not in a transition yet
    mine.post(f"{url}/home-acquired", {"acquired_on": "2025-06-03", "how": "purchase"})
    page = mine.follow()
    assert "过渡期至 2026-06-02" in page and f'action="{url}/transition-extension"' in page
    # not later than the current end: refused beside the date, citing 第三十八条, the reason kept
    early = mine.post(f"{url}/transition-extension", {"until": "2026-05-01", "reason": "子女上学"},
                      expect=422)
    assert "第三十八条" in field_error(early.text, "f-until")
    assert "子女上学" in early.text
    assert "缺少必填项" in field_error(
        mine.post(f"{url}/transition-extension", {"until": "2026-12-31"}, expect=422).text, "f-reason")
    # another tenant: 404 like a missing lease
    other, _ = signed(city, tenant, unit=1)
    logged_in(person, other.username).post(f"{url}/transition-extension",
                                           {"until": "2026-12-31", "reason": "x"}, expect=404)
    assert session.get(Lease, lease["id"]).extension_status is None
    mine.post(f"{url}/transition-extension", {"until": "2026-12-31", "reason": "子女在附近上学至学期末"})
    asked = mine.follow()
    assert "待运营单位审核" in asked and f'action="{url}/transition-extension"' not in asked
    # the operator decides
    dev = logged_in(person, city.cast.developer.username)
    page = dev.get(url)
    assert f'action="{url}/transition-extension/decision"' in page and "子女在附近上学至学期末" in page
    assert "缺少必填项" in field_error(
        dev.post(f"{url}/transition-extension/decision", {"comment": "x"}, expect=422).text, "f-approve")
    logged_in(person, make_user("developer").username).post(
        f"{url}/transition-extension/decision", {"approve": "true"}, expect=404)
    assert session.get(Lease, lease["id"]).extension_status == "requested"
    dev.post(f"{url}/transition-extension/decision", {"approve": "true", "comment": ""})
    decided = dev.follow()
    assert "已同意延长过渡期至 2026-12-31" in decided and "已同意" in decided
    assert session.get(Lease, lease["id"]).transition_ends_on == date(2026, 12, 31)
    # nothing left to decide: the state's refusal
    again = dev.post(f"{url}/transition-extension/decision", {"approve": "false"}, expect=409)
    assert "没有待审核的过渡期延长申请" in text_of(again.text)


def test_the_employer_places_and_moves_out_staff(city, tenant, person, make_org, make_user,
                                                 session, login) -> None:
    """整体配租 (issue 14): the employer invites; the page answers the same for every number
    and shows each invitation masked; the person accepts on their own page (after the
    eligibility check), and only then does the employer see a (masked) name."""
    employer = make_org(name="景德镇某陶瓷企业")
    staff = make_user("employer", organization_id=employer.id)
    lease = city.cast.post("developer", LEASES, lease_body(city, None, employer_organization_id=employer.id),
                           expect=201)
    lease = in_force(city.client, lease, login(staff), city.cast.as_("developer"))
    url = f"/leases/{lease['id']}"
    hr = logged_in(person, staff.username)
    page = hr.get(url)
    assert f'action="{url}/occupants"' in page and "尚未安排职工入住" in page
    assert f'action="{url}/occupants"' not in logged_in(person, city.cast.developer.username).get(url)
    worker, outsider = tenant(name="赵工"), tenant(district="乐平市", work="乐平市", name="钱外")
    # a malformed number: refused beside the field, the number typed never written back
    unknown = hr.post(f"{url}/occupants", {"id_number": "360203199001011234"}, expect=422)
    assert "校验位" in field_error(unknown.text, "f-id_number")
    assert "360203199001011234" not in unknown.text
    # another employer: 404
    logged_in(person, make_user("employer").username).post(
        f"{url}/occupants", {"id_number": worker.id_number}, expect=404)
    assert count(session, LeaseOccupant) == 0
    # an ineligible person and an eligible one: the same answer, no name, nothing placed
    answers = []
    for who in (outsider, worker):
        hr.post(f"{url}/occupants", {"id_number": who.id_number, "moved_in_on": ""})
        answers.append(text_of(hr.follow()))
        assert who.id_number not in answers[-1] and who.id_number[-4:] in answers[-1]
    assert "已向该身份证号码对应的承租人发出入住邀请" in answers[1]
    assert "赵工" not in answers[1] and "钱外" not in answers[1] and "赵*" not in answers[1]
    assert answers[1].count("待本人确认") == 2
    # the worker accepts on their own page; the outsider's acceptance is refused (第三十二条)
    me = logged_in(person, worker.username)
    invitations = me.get("/tenant/placements")
    assert "景德镇某陶瓷企业" in invitations and "确认入住" in invitations
    mine = re.search(r"/tenant/placements/(\d+)/accept", invitations).group(1)  # type: ignore[union-attr]
    me.post(f"/tenant/placements/{mine}/accept")
    assert "已确认入住" in me.follow()
    them = logged_in(person, outsider.username)
    theirs = re.search(r"/tenant/placements/(\d+)/accept",  # type: ignore[union-attr]
                       them.get("/tenant/placements")).group(1)
    refused = them.post(f"/tenant/placements/{theirs}/accept", expect=422)
    assert "第三十二条" in summary(refused.text)
    placed = hr.get(url)
    assert "赵*" in placed and "赵工" not in placed and worker.id_number not in placed
    assert worker.id_number[-4:] in placed and "2025-07-01 入住" in placed  # not before the lease starts
    occupant = re.search(rf"{url}/occupants/(\d+)/move-out", placed).group(1)  # type: ignore[union-attr]
    assert occupant == mine
    hr.post(f"{url}/occupants/999999/move-out", expect=404)
    hr.post(f"{url}/occupants/{occupant}/move-out")
    out = hr.follow()
    assert "2025-06-03 搬离" in out and f"/occupants/{occupant}/move-out" not in out
    again = hr.post(f"{url}/occupants/{occupant}/move-out", expect=409)
    assert "该职工已搬离" in text_of(again.text)


def test_violations_rectified_or_the_lease_terminated(city, tenant, person, make_user, session,
                                                      today) -> None:
    me, lease = signed(city, tenant)
    _, second = signed(city, tenant, unit=1)
    url = f"/leases/{lease['id']}"
    dev = logged_in(person, city.cast.developer.username)
    assert f'action="{url}/violations"' in dev.get(url) and f'action="{url}/terminate"' not in dev.get(url)
    assert f'action="{url}/violations"' not in logged_in(person, me.username).get(url)
    # the form's own checks beside each field
    empty = dev.post(f"{url}/violations", {"kind": "", "description": "", "rectify_days": "0"}, expect=422)
    assert field_error(empty.text, "f-kind") and field_error(empty.text, "f-description")
    assert "不能小于 1" in field_error(empty.text, "f-rectify_days")
    logged_in(person, make_user("developer").username).post(
        f"{url}/violations", {"kind": "idle", "description": "x", "rectify_days": "5"}, expect=404)
    assert count(session, Violation) == 0
    dev.post(f"{url}/violations", {"kind": "subletting", "description": "将房屋转租他人",
                                   "rectify_days": "15"})
    page = dev.follow()
    assert "出租（转租）" in page and "整改期限至 2025-06-18" in page and "整改中" in page
    assert f'action="{url}/terminate"' in page
    violation = session.scalars(select(Violation)).one()
    # those who may see the lease see the record: the tenant too
    assert "将房屋转租他人" in logged_in(person, me.username).get(url)
    # terminating: the confirmation first, then the deadline of 第四十条
    unconfirmed = dev.post(f"{url}/terminate", {"violation_id": str(violation.id)}, expect=422)
    assert "请勾选确认" in field_error(unconfirmed.text, "f-confirm")
    early = dev.post(f"{url}/terminate", {"violation_id": str(violation.id), "confirm": "on"}, expect=409)
    assert "第四十条" in early.text and "尚在整改期内" in text_of(early.text)
    assert session.get(Lease, lease["id"]).status == "active"
    today(date(2025, 6, 19))
    dev.post(f"{url}/terminate", {"violation_id": str(violation.id), "confirm": "on"})
    ended = dev.follow()
    assert "已解除租赁合同" in ended and "已解除" in ended and "拒不整改，已解除合同" in ended
    assert f'action="{url}/violations"' not in ended and f'action="{url}/terminate"' not in ended
    assert session.get(Lease, lease["id"]).status == "terminated"

    # the office records one on the other lease; it is rectified, so it cannot end the lease
    office = logged_in(person, city.cast.office.username)
    other = f"/leases/{second['id']}"
    office.post(f"{other}/violations", {"kind": "idle", "description": "长期闲置", "rectify_days": "10"})
    rectify = re.search(r'action="(/violations/(\d+)/rectified)"', office.follow())
    assert rectify
    logged_in(person, make_user("developer").username).post(rectify.group(1), expect=404)
    office.post(rectify.group(1))
    assert office.last.headers["location"] == other  # type: ignore[union-attr]
    assert "已整改" in office.follow() and f'action="{rectify.group(1)}"' not in office.get(other)
    twice = office.post(rectify.group(1), expect=409)
    assert "该违规记录已整改" in text_of(twice.text) and "违规记录" in text_of(twice.text)
    today(date(2025, 7, 1))
    kept = office.post(f"{other}/terminate", {"violation_id": rectify.group(2), "confirm": "on"}, expect=409)
    assert "第四十条" in kept.text
    assert session.get(Lease, second["id"]).status == "active"


def test_an_operator_violation_rectified_goes_back_to_the_project(city, person) -> None:
    recorded = city.cast.post("office", f"/api/v1/projects/{city.project_id}/violations", {
        "kind": "rent_as_sale", "description": "一次性收取五年租金", "rectify_days": 30}, expect=201)
    office = logged_in(person, city.cast.office.username)
    office.post(f"/violations/{recorded['violation_id']}/rectified")
    assert office.last.headers["location"] == f"/projects/{city.project_id}"  # type: ignore[union-attr]
    again = office.post(f"/violations/{recorded['violation_id']}/rectified", expect=409)
    assert "一次性收取五年租金" in again.text  # the project page, with the refusal on it
    assert "该违规记录已整改" in text_of(again.text)
    office.post("/violations/999999/rectified", expect=404)
