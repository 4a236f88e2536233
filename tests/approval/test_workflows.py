"""The approval transition table (app.approval.workflows.APPROVAL) and its use.

The table is checked against README's "Project approval" diagram, written out here; then every
step is taken through its service by every role the table does not name (403, nothing
written) and, by a role it names, on a project in every state the step is not open from (409,
nothing written); and ``allowed_actions`` (GET /projects/{id}, the workflow POSTs) lists what
the table allows for a given person and state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts import service as accounts
from app.accounts.models import User
from app.approval import repository, service
from app.approval.models import Project
from app.approval.schemas import (
    AcceptIn,
    DispatchIn,
    LeaderDecisionIn,
    MaterialsIn,
    MeetingIn,
    OpinionIn,
    ProjectIn,
    SubmitIn,
    SupplementIn,
    WithdrawIn,
)
from app.approval.workflows import APPROVAL
from app.core.errors import Conflict, Forbidden, NotFound
from tests.approval.conftest import REVIEW_DAY, Cast, application
from tests.conftest import count

P = "/api/v1/projects"
DEV, OFFICE, DEPARTMENT, LEADER = {"developer"}, {"office"}, {"department"}, {"leader"}
BEFORE_DECISION = {"draft", "returned", "submitted", "accepted", "in_review", "awaiting_materials",
                   "meeting_passed"}

# README, "Project approval (第二十四条)": action → (roles, from-states, to-state)
DIAGRAM: dict[str, tuple[set[str], set[str], str | None]] = {
    "edit": (DEV, {"draft", "returned"}, None),
    "submit": (DEV, {"draft", "returned"}, "submitted"),
    "withdraw": (DEV, BEFORE_DECISION, "withdrawn"),
    "supplement": (DEV, {"awaiting_materials"}, None),  # back to where materials were asked
    "accept": (OFFICE, {"submitted"}, "accepted"),
    "return": (OFFICE, {"submitted"}, "returned"),
    "dispatch": (OFFICE, {"accepted", "in_review"}, "in_review"),
    "request_materials": (OFFICE, {"accepted", "in_review"}, "awaiting_materials"),
    "opinion": (DEPARTMENT, {"in_review", "awaiting_materials"}, None),
    "meeting": (OFFICE, {"in_review"}, "meeting_passed"),  # or refused, with the notice
    "leader": (LEADER, {"meeting_passed"}, "certified"),  # or refused, with the notice
    "construction_start": (DEV, {"certified"}, None),  # 开工日期 (第二十四条; plans, issue 20)
    "revoke": (OFFICE, {"certified"}, "revoked"),
}
STATES = ("draft", "submitted", "returned", "accepted", "in_review", "awaiting_materials",
          "meeting_passed", "certified", "refused", "withdrawn", "revoked")
WHO = ("developer", "office", "leader", "zhujian", "auditor")  # zhujian: a department consulted
ACTOR_OF = {"developer": "developer", "office": "office", "leader": "leader", "department": "zhujian"}
# For the role check: a state the step is open from, which most of WHO can see.
OPEN_STATE = {"edit": "returned", "submit": "returned", "withdraw": "in_review",
              "supplement": "awaiting_materials", "accept": "submitted", "return": "submitted",
              "dispatch": "in_review", "request_materials": "in_review", "opinion": "in_review",
              "meeting": "answered", "leader": "meeting_passed", "revoke": "certified",
              "construction_start": "certified"}


class World:
    """Projects in every state (built through the API, each once) and the people who act."""

    def __init__(self, cast: Cast, session: Session, make_user: Callable[..., User]) -> None:
        self.cast, self.session = cast, session
        self.users = {"developer": cast.developer, "office": cast.office, "leader": cast.leader,
                      "zhujian": cast.zhujian, "auditor": make_user("auditor")}
        self.projects: dict[str, int] = {}

    def user(self, who: str) -> User:
        """The user with organisation and department loaded, as a request has it."""
        return self.session.scalar(
            select(User).where(User.id == self.users[who].id)
            .options(joinedload(User.organization), joinedload(User.department))
            .execution_options(populate_existing=True))  # type: ignore[return-value]

    def project(self, state: str) -> int:
        if state not in self.projects:
            self.projects[state] = self._build(state)
        return self.projects[state]

    def _build(self, state: str) -> int:
        c = self.cast
        pid = c.file()
        walk = {"answered": "opinions2", "returned": "submitted", "withdrawn": "submitted",
                "awaiting_materials": "in_review", "refused": "meeting_passed",
                "revoked": "certified"}.get(state, state)
        if walk != "draft":
            c.to_state(pid, walk)
        materials = {"items": ["消防验收意见"], "comment": "请补充"}
        if state == "returned":
            c.post("office", f"{P}/{pid}/return", materials)
        elif state == "withdrawn":
            c.post("developer", f"{P}/{pid}/withdraw", {})
        elif state == "awaiting_materials":
            c.post("office", f"{P}/{pid}/request-materials", materials)
        elif state == "refused":
            c.post("leader", f"{P}/{pid}/leader-approval", {"approve": False, "comment": "不予认定"})
        elif state == "revoked":
            c.post("office", f"/api/v1/certificates/{self.certificate(pid)}/revoke",
                   {"reason": "擅自改变用途", "article": "第四十六条"})
        assert c.get("developer", f"{P}/{pid}")["status"] == (
            "in_review" if state == "answered" else state)
        return pid

    def certificate(self, pid: int) -> str:
        number = self.cast.get("developer", f"{P}/{pid}")["certificate_number"]
        return number or "no-certificate"

    def loaded(self, pid: int) -> Project:
        """The project as the services load it (the auditor sees every one)."""
        return repository.get_project(self.session, self.user("auditor"), pid)

    def department_id(self, code: str) -> int:
        return accounts.find_department(self.session, code).id  # type: ignore[union-attr]


CALLS: dict[str, Callable[[Session, User, World, int], Any]] = {
    "edit": lambda s, u, w, pid: service.update_project(s, u, pid, ProjectIn(**application())),
    "submit": lambda s, u, w, pid: service.submit(s, u, pid, SubmitIn(commitment_accepted=True)),
    "withdraw": lambda s, u, w, pid: service.withdraw(s, u, pid, WithdrawIn()),
    "supplement": lambda s, u, w, pid: service.supplement(s, u, pid, SupplementIn(comment="已补充")),
    "accept": lambda s, u, w, pid: service.accept(s, u, pid, AcceptIn()),
    "return": lambda s, u, w, pid: service.return_for_materials(
        s, u, pid, MaterialsIn(items=["消防验收意见"], comment="请补正")),
    "dispatch": lambda s, u, w, pid: service.dispatch(
        s, u, pid, DispatchIn(department_ids=[w.department_id("renfang")])),
    "request_materials": lambda s, u, w, pid: service.request_materials(
        s, u, pid, MaterialsIn(items=["消防验收意见"], comment="请补充")),
    "opinion": lambda s, u, w, pid: service.record_opinion(
        s, u, pid, OpinionIn(opinion="approve", comment="同意")),
    "meeting": lambda s, u, w, pid: service.record_meeting(
        s, u, pid, MeetingIn(decision="pass", minutes="评审通过")),
    "leader": lambda s, u, w, pid: service.leader_decision(
        s, u, pid, LeaderDecisionIn(approve=True, comment="同意认定")),
    "revoke": lambda s, u, w, pid: service.revoke_certificate(
        s, u, w.certificate(pid), "擅自改变用途", "第四十六条"),
    "construction_start": lambda s, u, w, pid: service.record_construction_start(
        s, u, pid, REVIEW_DAY),
}


def written(session: Session) -> tuple[int, int, int]:
    return (count(session, "project_event"), count(session, "audit_event"),
            count(session, "material_request"))


def test_the_table_is_the_approval_diagram() -> None:
    table = {s.action: (set(s.roles), set(s.sources or ()), s.target) for s in APPROVAL.steps}
    assert table == DIAGRAM
    assert set(CALLS) == set(DIAGRAM)


def test_a_role_the_table_does_not_name_is_refused_with_403(cast, session, make_user) -> None:
    """Through the service, for every step and every role outside the step's roles that can
    see the project: 403, nothing written. (A department's opinion is scoped to the departments
    consulted: everyone else is answered 404 before the table, which refuses them too.)"""
    world = World(cast, session, make_user)
    for step in APPROVAL.steps:
        pid = world.project(OPEN_STATE[step.action])
        forbidden = 0
        for who in WHO:
            user = world.user(who)
            if user.role in step.roles:
                continue
            before = written(session)
            try:
                CALLS[step.action](session, user, world, pid)
            except Forbidden as refused:
                assert refused.status == 403
                forbidden += 1
            except NotFound:
                with pytest.raises(Forbidden):
                    APPROVAL.check(step.action, user, world.loaded(pid))
            else:
                pytest.fail(f"{who} took {step.action}, which the table does not allow the role")
            assert written(session) == before, (step.action, who)
        assert forbidden or step.action == "opinion", step.action


def test_a_state_the_step_is_not_open_from_is_refused_with_409(cast, session, make_user) -> None:
    """Through the service, for every step and every state outside the step's from-states, by
    a role the step names: 409 naming the state, nothing written (where that role cannot see
    the project — the office a draft — the table's check on it answers 409 as well)."""
    world = World(cast, session, make_user)
    for step in APPROVAL.steps:
        who = ACTOR_OF[next(iter(step.roles))]
        conflicts = 0
        for state in STATES:
            if state in step.sources:  # type: ignore[operator]
                continue
            pid = world.project(state)
            user = world.user(who)
            before = written(session)
            try:
                CALLS[step.action](session, user, world, pid)
            except Conflict as refused:
                assert refused.status == 409 and "当前状态为" in refused.detail, refused.detail
                conflicts += 1
            except NotFound:  # not visible to the role in this state, or no certificate
                with pytest.raises(Conflict):
                    APPROVAL.check(step.action, user, world.loaded(pid))
            else:
                pytest.fail(f"{who} took {step.action} on a {state} project")
            assert written(session) == before, (step.action, state)
        assert conflicts, step.action


def test_guards_beyond_the_state(cast, session, make_user) -> None:
    """The facts the table asks for besides the state: the meeting waits for every department
    consulted, a department answers once, materials are supplemented only when asked for."""
    world = World(cast, session, make_user)
    office, zhujian = world.user("office"), world.user("zhujian")
    reviewing = world.project("in_review")  # 住建 and 发改 consulted, neither has answered
    with pytest.raises(Conflict, match="市住建局、市发改委"):
        CALLS["meeting"](session, office, world, reviewing)
    answered = world.project("answered")
    with pytest.raises(Conflict, match="本部门已提交审查意见"):
        CALLS["opinion"](session, zhujian, world, answered)
    assert "meeting" in APPROVAL.allowed(office, world.loaded(answered))
    assert "meeting" not in APPROVAL.allowed(office, world.loaded(reviewing))


# ---- allowed_actions ------------------------------------------------------------------------

EXPECTED: list[tuple[str, str, list[str]]] = [
    ("draft", "developer", ["edit", "submit", "withdraw"]),
    ("draft", "auditor", []),
    ("submitted", "developer", ["withdraw"]),
    ("submitted", "office", ["accept", "return", "operator_violation"]),
    ("submitted", "leader", []),
    ("returned", "developer", ["edit", "submit", "withdraw"]),
    ("accepted", "office", ["dispatch", "request_materials", "operator_violation"]),
    ("in_review", "office", ["dispatch", "request_materials", "operator_violation"]),
    ("in_review", "zhujian", ["opinion"]),
    ("answered", "office", ["dispatch", "request_materials", "meeting", "operator_violation"]),
    ("answered", "zhujian", []),
    ("awaiting_materials", "developer", ["withdraw", "supplement"]),
    ("awaiting_materials", "zhujian", ["opinion"]),
    ("meeting_passed", "leader", ["leader"]),
    ("meeting_passed", "developer", ["withdraw"]),
    ("certified", "office", ["revoke", "subsidy", "transfer", "unapproved_exit", "operator_violation"]),
    ("certified", "developer", ["construction_start", "completion", "units", "operation",
                                "priority_group"]),
    ("certified", "zhujian", ["appraisal"]),
    ("certified", "leader", []),
    ("refused", "developer", []),
    ("revoked", "office", ["operator_violation"]),
]


def test_allowed_actions_are_what_the_tables_allow(cast, session, make_user, login) -> None:
    world = World(cast, session, make_user)
    headers = dict(cast.headers) | {"zhujian": cast.as_("zhujian"),
                                    "auditor": login(world.users["auditor"])}
    for state, who, expected in EXPECTED:
        pid = world.project(state)
        response = cast.client.get(f"{P}/{pid}", headers=headers[who])
        assert response.status_code == 200, (state, who, response.text)
        assert response.json()["allowed_actions"] == expected, (state, who)


def test_each_step_answers_with_what_may_be_done_next(cast) -> None:
    pid = cast.file()
    assert cast.post("developer", f"{P}/{pid}/submit", {})["allowed_actions"] == ["withdraw"]
    body = cast.post("office", f"{P}/{pid}/accept", {})
    assert body["allowed_actions"] == ["dispatch", "request_materials", "operator_violation"]
