"""Repairs through the API (第三十九条): a tenant reports with photos and follows the repair to
completion; the operator works its queue within the deadlines; upkeep is never billed to the
tenant except damage the tenant caused, which the tenant may dispute."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.upkeep.models import RepairEvent
from tests.conftest import count
from tests.leases.conftest import in_force
from tests.upkeep.conftest import API, Home, jpeg, make_home, place_occupant, png


def test_a_tenant_reports_and_follows_the_repair_to_its_confirmation(home: Home) -> None:
    made = home.report(photos=[("leak.jpg", jpeg(), "image/jpeg"), ("pipe.png", png(), "image/png")],
                       urgency="normal")
    assert made["status"] == "submitted" and made["status_label"] == "已提交"
    assert [p["content_type"] for p in made["photos"]] == ["image/jpeg", "image/png"]
    assert made["allowed_actions"] == ["withdraw", "comment", "add_photos"]
    # 2025-06-03 (Tue) + 3 working days → Fri 06-06, the day ends at 24:00 (Beijing) = 16:00 UTC
    assert made["accept_by"].startswith("2025-06-06T16:00:00")
    # 10 working days: 06-17 (the 端午 holiday 05-31…06-02 is before the report day)
    assert made["complete_by"].startswith("2025-06-17T16:00:00")
    rid = made["id"]

    queue = home.client.get(f"{API}/repair-queue", headers=home.operator()).json()
    assert [r["id"] for r in queue] == [rid]
    assert queue[0]["allowed_actions"] == ["accept", "comment"]
    assert home.step(rid, "accept", {"comment": "已收到，明天上门"})["status"] == "accepted"
    assigned = home.step(rid, "assign", {"worker": "王师傅"})
    assert (assigned["status"], assigned["assigned_to"]) == ("in_progress", "王师傅")
    home.step(rid, "comments", {"comment": "需要更换阀门，周四上午能在家吗？"})
    home.step(rid, "comments", {"comment": "可以"}, who="tenant")
    done = home.step(rid, "complete", {"note": "已更换阀门并试水"})
    assert done["status"] == "completed" and done["confirm_by"] is not None
    assert done["complete_overdue"] is False
    mine = home.client.get(f"{API}/repairs/{rid}", headers=home.person.headers).json()
    assert mine["allowed_actions"] == ["confirm", "reopen", "comment"]
    confirmed = home.step(rid, "confirm", who="tenant")
    assert confirmed["status"] == "confirmed" and confirmed["confirmed_by_tenant"] is True

    history = home.client.get(f"{API}/repairs/{rid}/history", headers=home.person.headers).json()
    assert [e["action"] for e in history] == ["reported", "accepted", "assigned", "commented",
                                             "commented", "completed", "confirmed"]
    assert history[2]["details"]["worker"] == "王师傅" and history[1]["comment"] == "已收到，明天上门"
    assert history[0]["actor_role"] == "承租人" and history[1]["actor_role"] == "建设/运营单位"
    assert [e["to_status"] for e in history][-1] == "confirmed"


def test_every_step_is_audited_in_the_same_transaction(home: Home, session) -> None:
    rid = home.report()["id"]
    home.step(rid, "accept")
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "repair_request", AuditEvent.entity_id == str(rid))
        .order_by(AuditEvent.id)).all()
    assert actions == ["repair.reported", "repair.accepted"]
    assert count(session, "repair_event") >= 2


def test_a_reopened_repair_gets_a_fresh_completion_term(home: Home, today) -> None:
    rid = home.report(urgency="urgent", category="gas", description="燃气灶打不着火")["id"]
    first = home.client.get(f"{API}/repairs/{rid}", headers=home.person.headers).json()
    # urgent: accept within 24 hours of the report, complete by the end of the 3rd day after it
    reported = datetime.fromisoformat(first["reported_at"])
    assert datetime.fromisoformat(first["accept_by"]) - reported == timedelta(hours=24)
    assert first["complete_by"].startswith("2025-06-06T16:00:00")
    for action, body in (("accept", {}), ("assign", {"worker": "李师傅"}), ("complete", {"note": "已修"})):
        home.step(rid, action, body)
    today(date(2025, 6, 5))
    reopened = home.step(rid, "reopen", {"reason": "又打不着火了"}, who="tenant")
    assert reopened["status"] == "in_progress" and reopened["reopen_count"] == 1
    assert reopened["complete_by"].startswith("2025-06-08T16:00:00")  # 3 days from 06-05
    assert reopened["confirm_by"] is None


def test_the_operator_closes_a_repair_the_tenant_left_unanswered(home: Home, today) -> None:
    rid = home.report()["id"]
    for action, body in (("accept", {}), ("assign", {"worker": "李师傅"}), ("complete", {"note": "已修"})):
        home.step(rid, action, body)
    refused = home.step(rid, "close", expect=409)
    assert "确认期限未过" in refused["detail"]
    today(date(2025, 6, 11))  # 7 days after 06-03 ended at 06-10 24:00
    late = home.step(rid, "confirm", who="tenant", expect=409)
    assert "确认期限已过" in late["detail"]
    closed = home.step(rid, "close")
    assert closed["status"] == "confirmed" and closed["confirmed_by_tenant"] is False


def test_the_tenant_withdraws_and_nothing_more_can_be_done(home: Home) -> None:
    rid = home.report()["id"]
    withdrawn = home.step(rid, "withdraw", {"reason": "自己修好了"}, who="tenant")
    assert withdrawn["status"] == "withdrawn" and withdrawn["allowed_actions"] == []
    refused = home.step(rid, "accept", expect=409)
    assert "已撤回" in refused["detail"]


def test_the_queue_is_by_deadline_with_overdue_flags(home: Home, today) -> None:
    normal = home.report(urgency="normal")["id"]
    urgent = home.report(urgency="urgent", category="elevator", description="电梯困人")["id"]
    queue = home.client.get(f"{API}/repair-queue", headers=home.operator()).json()
    assert [r["id"] for r in queue] == [urgent, normal]  # the urgent one is due first
    today(date(2025, 6, 5))  # urgent: 24 h passed without acceptance
    queue = {r["id"]: r for r in home.client.get(f"{API}/repair-queue", headers=home.operator()).json()}
    assert queue[urgent]["accept_overdue"] and not queue[urgent]["complete_overdue"]
    assert not queue[normal]["accept_overdue"]
    today(date(2025, 6, 7))
    queue = {r["id"]: r for r in home.client.get(f"{API}/repair-queue", headers=home.operator()).json()}
    assert queue[urgent]["complete_overdue"] and queue[normal]["accept_overdue"]


def test_a_unit_the_person_does_not_live_in_is_not_found(home: Home, tenant) -> None:
    other_unit = home.city.unit_ids[1]
    refused = home.report(unit_id=other_unit, expect=404)
    assert refused["status"] == 404
    stranger = tenant(name="王二")
    home.report(headers=stranger.headers, expect=404)


def test_a_placed_occupant_reports_on_the_employer_s_unit(home: Home, tenant, make_org, make_user,
                                                         login) -> None:
    employer = make_org()
    staff = login(make_user("employer", organization_id=employer.id))
    lease = home.city.cast.post("developer", f"{API}/leases", {
        "unit_id": home.city.unit_ids[1], "employer_organization_id": employer.id,
        "start_on": "2025-07-01", "end_on": "2026-06-30", "monthly_rent": "1039.50"}, expect=201)
    lease = in_force(home.client, lease, staff, home.operator())
    occupant = tenant(name="赵职工")
    place_occupant(home, lease["id"], staff, occupant)
    made = home.report(headers=occupant.headers, unit_id=home.city.unit_ids[1])
    assert made["lease_id"] == lease["id"]
    # the employer is not a party to upkeep: it does not see the repair
    assert home.client.get(f"{API}/repairs/{made['id']}", headers=staff).status_code == 404


def test_roles_and_states_follow_the_transition_table(home: Home) -> None:
    rid = home.report()["id"]
    # a tenant may not accept (403); the operator may not confirm (403)
    assert home.step(rid, "accept", who="tenant", expect=403)["status"] == 403
    assert home.client.post(f"{API}/repairs/{rid}/confirm", json={},
                            headers=home.operator()).status_code == 403
    # the operator may not complete a repair nobody was assigned to (409)
    refused = home.step(rid, "complete", {"note": "好了"}, expect=409)
    assert "已提交" in refused["detail"] and "处理中" in refused["detail"]


def test_another_operator_sees_nothing(home: Home, cast, make_user, login) -> None:
    rid = home.report()["id"]
    other = login(make_user("developer"))
    assert home.client.get(f"{API}/repairs/{rid}", headers=other).status_code == 404
    assert home.client.get(f"{API}/repair-queue", headers=other).json() == []
    assert home.client.post(f"{API}/repairs/{rid}/accept", json={}, headers=other).status_code == 404


def test_history_is_kept_per_event_row(home: Home, session) -> None:
    rid = home.report()["id"]
    home.step(rid, "accept")
    rows = session.scalars(select(RepairEvent).where(RepairEvent.repair_id == rid)).all()
    assert [r.action for r in rows] == ["reported", "accepted"]
    assert rows[1].at.tzinfo is not None and rows[1].at <= datetime.now(UTC) + timedelta(days=400)


def test_two_tenants_two_homes(city, tenant) -> None:
    first = make_home(city, tenant(name="甲"), unit=0)
    second = make_home(city, tenant(name="乙"), unit=1)
    a = first.report()["id"]
    second.report()
    mine = first.client.get(f"{API}/repairs", headers=first.person.headers).json()
    assert [r["id"] for r in mine] == [a]
