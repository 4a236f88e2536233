"""Issue 21: the office sees why each department is proposed, changes the set before sending,
and the change (proposed, added, removed, by whom) is recorded."""

from __future__ import annotations

from sqlalchemy import select

from app.approval.models import ProjectEvent
from app.audit.models import AuditEvent

P = "/api/v1/projects"


def test_the_dispatch_records_how_the_office_changed_the_proposal(cast, session) -> None:
    project_id = cast.file()  # a conversion of an office building: 住建、自然资源规划、发改 proposed
    cast.to_state(project_id, "accepted")
    chosen = [cast.department_id("zhujian"), cast.department_id("chengguan")]
    cast.post("office", f"{P}/{project_id}/dispatch", {"department_ids": chosen})
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "project.dispatched",
                                                     AuditEvent.entity_id == str(project_id))).one()
    assert event.actor_id == cast.office.id
    assert event.summary["departments_proposed"] == ["市住建局", "市自然资源规划局", "市发改委"]
    assert event.summary["departments_added"] == ["市城管局"]
    assert event.summary["departments_removed"] == ["市自然资源规划局", "市发改委"]
    history = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project_id,
                                                         ProjectEvent.action == "dispatched")).one()
    assert history.details["departments_added"] == ["市城管局"]


def test_every_department_a_plan_can_be_sent_to_has_a_demo_login(session) -> None:
    from app.approval.repository import review_departments
    from app.seed import seed_demo

    logins = {login.username for login in seed_demo(session)}
    for department in review_departments(session):
        assert f"{department.code}1" in logins, department.name
