"""Reminders before deadlines: fired by moving BAOZU_TODAY, to the right people, once per
(kind, object, deadline, recipient) however often the daily job runs, with lead times taken from
the city's parameters, and messages naming the object, the deadline, the article and the page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.jobs.registry import JOBS
from app.jobs.service import load_jobs
from app.leases.models import Lease, Violation
from app.notices.models import Notice, NoticeDelivery
from app.reminders import messages, service
from app.reminders.enums import ReminderKind
from app.reminders.models import Reminder
from rules import reminders as rule
from tests.approval.conftest import REVIEW_DAY

API = "/api/v1"


def notices_of(session, user_id: int, kind: str) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.user_id == user_id, Notice.kind == kind)
                                .order_by(Notice.id)))


# ---- the rule --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("deadline", "today", "lead", "due"), [
    (date(2026, 6, 30), date(2026, 5, 30), 30, False),  # 31 days before
    (date(2026, 6, 30), date(2026, 5, 31), 30, True),  # 30 days before: the first day
    (date(2026, 6, 30), date(2026, 6, 30), 30, True),  # the deadline itself
    (date(2026, 6, 30), date(2026, 7, 1), 30, False),  # passed
    (date(2026, 6, 30), date(2026, 6, 30), 0, True),
])
def test_due_soon(deadline: date, today: date, lead: int, due: bool) -> None:
    assert rule.due_soon(deadline, today, lead) is due


def test_every_kind_but_the_overdue_one_has_a_policy_lead_time() -> None:
    from rules.params import parameter

    for kind in ReminderKind:
        if kind == ReminderKind.review_overdue:
            continue
        p = parameter(rule.LEAD_PARAMETER[kind.value])
        assert p.policy and p.values[0].reference


def test_the_daily_job_is_declared() -> None:
    load_jobs()
    assert JOBS["reminders.daily"].schedule.hour == 7


# ---- reviews (第二十四条) -------------------------------------------------------------------------------

def test_review_reminders_go_to_the_office_and_the_departments_then_the_leader(cast, session, today) -> None:
    people = cast
    project_id = people.file(name="瓷都人才公寓")
    people.to_state(project_id, "in_review")
    deadline = date.fromisoformat(people.get("office", f"{API}/projects/{project_id}/clock")["deadline"])
    staff = [people.office, people.zhujian, people.fagai]

    today(REVIEW_DAY)  # accepted today: 10 working days left
    service.send_due(session)
    assert all(notices_of(session, u.id, "review_due") == [] for u in staff)

    today(deadline - timedelta(days=1))
    assert service.send_due(session) >= 3
    for user in staff:
        [n] = notices_of(session, user.id, "review_due")
        assert "瓷都人才公寓" in n.message and "第二十四条" in n.message
        assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in n.message
        assert n.link == f"/projects/{project_id}"
    assert notices_of(session, people.leader.id, "review_overdue") == []
    # the job runs again (the next day, a second worker, a restart): nothing twice
    today(deadline)
    service.send_due(session)
    service.send_due(session)
    assert all(len(notices_of(session, u.id, "review_due")) == 1 for u in staff)

    today(deadline + timedelta(days=7))
    service.send_due(session)
    [overdue] = notices_of(session, people.leader.id, "review_overdue")
    assert overdue.mandatory and "审查已超期" in overdue.title
    service.send_due(session)
    assert len(notices_of(session, people.leader.id, "review_overdue")) == 1


def test_a_department_that_answered_is_not_reminded(cast, session, today) -> None:
    people = cast
    project_id = people.file()
    people.to_state(project_id, "opinions")  # 住建 has answered, 发改 has not
    deadline = date.fromisoformat(people.get("office", f"{API}/projects/{project_id}/clock")["deadline"])
    today(deadline)
    service.send_due(session)
    assert notices_of(session, people.zhujian.id, "review_due") == []
    assert len(notices_of(session, people.fagai.id, "review_due")) == 1


# ---- leases (第三十五、三十八、四十条) -------------------------------------------------------------------

def active(session, home) -> Lease:
    session.execute(update(Lease).where(Lease.id == home.lease_id).values(status="active"))
    session.flush()
    return session.get(Lease, home.lease_id)


def test_the_tenant_is_told_once_before_the_lease_ends(home, session, today) -> None:
    lease = active(session, home)
    assert lease.end_on == date(2026, 6, 30)
    today(date(2026, 5, 30))  # 31 days before
    service.send_due(session)
    assert notices_of(session, home.person.user_id, "lease_ending") == []
    today(date(2026, 5, 31))
    service.send_due(session)
    [n] = notices_of(session, home.person.user_id, "lease_ending")
    assert lease.number in n.message and "2026年6月30日" in n.message and "第三十五条" in n.message
    assert n.link == f"/leases/{lease.id}" and n.mandatory
    # mandatory: an SMS to the registered phone, whatever the tenant chose
    assert [d.channel for d in session.scalars(select(NoticeDelivery).where(
        NoticeDelivery.notice_id == n.id))] == ["sms"]
    for day in (date(2026, 6, 1), date(2026, 6, 29), date(2026, 6, 30)):
        today(day)
        service.send_due(session)
    assert len(notices_of(session, home.person.user_id, "lease_ending")) == 1
    [row] = session.scalars(select(Reminder).where(Reminder.object_id == lease.id,
                                                   Reminder.kind == "lease_ending"))
    assert (row.deadline, row.recipient_id, row.sent_on) == (date(2026, 6, 30), home.person.user_id,
                                                             date(2026, 5, 31))


def test_the_lead_time_is_the_citys_parameter(home, session, today, dated) -> None:
    active(session, home)
    dated("reminder_lease_end_days", ("2022-05-06", 10))
    today(date(2026, 5, 31))
    service.send_due(session)
    assert notices_of(session, home.person.user_id, "lease_ending") == []
    today(date(2026, 6, 20))
    service.send_due(session)
    assert len(notices_of(session, home.person.user_id, "lease_ending")) == 1


def test_the_end_of_a_transition_is_reminded(home, session, today) -> None:
    lease = active(session, home)
    lease.status, lease.transition_ends_on = "in_transition", date(2026, 3, 31)
    session.flush()
    today(date(2026, 3, 1))
    service.send_due(session)
    [n] = notices_of(session, home.person.user_id, "transition_ending")
    assert "过渡期" in n.title and "第三十八条" in n.message and "2026年3月31日" in n.message


def test_a_violation_is_reminded_to_its_party_before_the_rectification_deadline(home, session, today) -> None:
    lease = active(session, home)
    violation = Violation(party="tenant", lease_id=lease.id, project_id=lease.project_id,
                          tenant_id=home.person.user_id, kind="sublet", description="转租",
                          recorded_on=date(2025, 9, 1), rectify_by=date(2025, 9, 15),
                          recorded_by_id=home.city.cast.office.id)
    session.add(violation)
    session.flush()
    today(date(2025, 9, 11))
    service.send_due(session)
    assert notices_of(session, home.person.user_id, "violation_rectification_due") == []
    today(date(2025, 9, 12))
    service.send_due(session)
    [n] = notices_of(session, home.person.user_id, "violation_rectification_due")
    assert "第四十条" in n.message and "2025年9月15日" in n.message


# ---- repairs (第三十九条) ---------------------------------------------------------------------------

def test_the_operator_is_reminded_of_the_repair_deadlines(home, session, today) -> None:
    active(session, home)
    today(date(2025, 7, 8))  # a Tuesday
    repair = home.report(urgency="normal")
    operator = home.city.cast.developer
    service.send_due(session)
    assert notices_of(session, operator.id, "repair_accept_due") == []
    accept_last_day = date.fromisoformat(repair["accept_by"][:10])  # 16:00 UTC = 24:00 that day
    today(accept_last_day)
    service.send_due(session)
    [n] = notices_of(session, operator.id, "repair_accept_due")
    assert f"#{repair['id']}" in n.message and "第三十九条" in n.message
    assert n.link == f"/repairs/{repair['id']}"
    home.step(repair["id"], "accept")
    complete_last_day = date.fromisoformat(repair["complete_by"][:10])
    today(complete_last_day - timedelta(days=1))
    service.send_due(session)
    assert len(notices_of(session, operator.id, "repair_complete_due")) == 1
    assert len(notices_of(session, operator.id, "repair_accept_due")) == 1


# ---- records, the API ----------------------------------------------------------------------------

def test_a_reminder_is_unique_per_kind_object_deadline_and_recipient(session, make_user) -> None:
    from app.notices import service as notices

    user = make_user("office")
    notice = notices.send(session, user_id=user.id, kind="x", title="t", message="m")
    row = {"kind": "lease_ending", "object_type": "lease", "object_id": 1, "deadline": date(2026, 1, 1),
           "recipient_id": user.id, "notice_id": notice.id, "sent_on": date(2025, 12, 2)}
    session.add(Reminder(**row))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Reminder(**row | {"sent_on": date(2025, 12, 3)}))
        session.flush()
    session.add(Reminder(**row | {"deadline": date(2026, 2, 1)}))  # a moved deadline: a new one
    session.flush()


def test_every_template_names_the_object_the_deadline_and_the_article() -> None:
    for kind in ReminderKind:
        m = messages.render(kind, subject="瓷都公寓", deadline=date(2026, 6, 30))
        assert "瓷都公寓" in m.title and "2026年6月30日" in m.body and "第" in m.body and "条" in m.body


def test_the_api_lists_my_reminders_and_the_lead_times(home, session, today, client, make_user,
                                                       login) -> None:
    active(session, home)
    today(date(2026, 6, 1))
    service.send_due(session)
    mine = client.get(f"{API}/reminders", headers=home.person.headers).json()
    assert [r["kind"] for r in mine] == ["lease_ending"]
    others = client.get(f"{API}/reminders", headers=login(make_user("office"))).json()
    assert all(r["recipient_id"] != home.person.user_id for r in others)
    everyone = client.get(f"{API}/reminders", headers=login(make_user("admin"))).json()
    assert any(r["recipient_id"] == home.person.user_id for r in everyone)
    kinds = {k["kind"]: k for k in client.get(f"{API}/reminders/lead-times",
                                              headers=home.person.headers).json()["kinds"]}
    assert kinds["lease_ending"]["lead"] == 30 and kinds["lease_ending"]["mandatory"]
    assert kinds["review_overdue"]["lead"] is None


# ---- the operator's project deadlines (第三十、三十七、四十、四十四条) ---------------------------------

def test_the_operator_is_told_of_appraisal_fire_check_inspection_and_exit_deadlines(city, session,
                                                                                    today) -> None:
    from app.approval.models import Project
    from app.operation.models import ExitRequest
    from app.upkeep.models import SafetyInspection

    people, operator = city.cast, city.cast.developer
    project = session.get(Project, city.project_id)
    project.operation_started_on = date(2025, 6, 3)
    inspection = SafetyInspection(project_id=project.id, department_id=people.zhujian.department_id,
                                  inspector_id=people.zhujian.id, inspected_on=date(2025, 7, 1),
                                  findings="疏散通道堆物", result="rectify", rectify_by=date(2025, 7, 10),
                                  status="open")
    session.add(inspection)
    session.flush()

    today(date(2025, 6, 20))  # the monthly fire-safety check is due 2025-07-03 (14 days' lead)
    service.send_due(session)
    [fire] = notices_of(session, operator.id, "fire_check_due")
    assert "2025年7月3日" in fire.message and fire.link == f"/projects/{project.id}/upkeep"

    today(date(2025, 7, 7))  # 3 days before the rectification deadline
    service.send_due(session)
    [rectify] = notices_of(session, operator.id, "inspection_rectification_due")
    assert "2025年7月10日" in rectify.message and rectify.mandatory

    today(date(2027, 3, 21))  # the 2025-05-20 appraisal lapses on 2027-05-20: 60 days' lead
    service.send_due(session)
    [lapsing] = notices_of(session, operator.id, "appraisal_lapsing")
    assert "2027年5月20日" in lapsing.message and "第三十七条" in lapsing.message

    # a pending exit request (a row: through the API it needs 8 years, tests/operation covers it)
    exit_request = ExitRequest(project_id=project.id, requested_on=date(2025, 9, 1),
                               requested_by_id=operator.id, notice_from=date(2025, 8, 1),
                               notice_to=date(2025, 8, 31), objections=0, status="pending")
    session.add(exit_request)
    session.flush()
    today(date(2025, 9, 3))  # the 3rd working day is 09-04: one working day left
    service.send_due(session)
    assert len(notices_of(session, operator.id, "exit_decision_due")) == 1
    assert len(notices_of(session, people.office.id, "exit_decision_due")) == 1


def test_the_operator_is_told_before_the_listing_is_due(cast, session, today) -> None:
    from app.approval.models import Project

    project_id = cast.file(name="竣工待录入公寓")
    cast.to_state(project_id, "certified")
    session.get(Project, project_id).completed_on = date(2025, 6, 1)  # due 06-16 (第三十条: 15 days)
    session.flush()
    today(date(2025, 6, 12))
    service.send_due(session)
    assert notices_of(session, cast.developer.id, "listing_due") == []
    today(date(2025, 6, 13))
    service.send_due(session)
    [n] = notices_of(session, cast.developer.id, "listing_due")
    assert "竣工待录入公寓" in n.message and "2025年6月16日" in n.message and "第三十条" in n.message
