"""The operation transition table (app.operation.workflows.OPERATION) and its use.

The table is checked against the steps after certification, written out here; every step is
taken through its service by every role the table does not name (403, nothing written), by a
reviewer of another department (403), and by a role it names on a project no longer in the
programme (409, nothing written); and ``allowed_actions`` follows a project's operation step
by step, for the developer, the office and the two departments that follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.approval import repository as approval_repository
from app.core.errors import Conflict, Forbidden
from app.operation import service
from app.operation.models import ExitRequest
from app.operation.schemas import (
    AppraisalIn,
    ExitDecisionIn,
    ExitRequestIn,
    OperationIn,
    RateIn,
    RentFilingIn,
    RentStandardIn,
    SubsidyIn,
    SubsidyPayIn,
    TransferIn,
    UnapprovedExitIn,
    UnitIn,
)
from app.operation.workflows import OPERATION, facts_of
from tests.approval.conftest import Cast
from tests.conftest import count
from tests.operation.conftest import eight_years_on

P = "/api/v1/projects"
DEV, OFFICE, DEPARTMENT = {"developer"}, {"office"}, {"department"}
CERTIFIED = {"certified"}

# The steps after certification: action → (roles, from-states, to-state)
STEPS: dict[str, tuple[set[str], set[str] | None, str | None]] = {
    "completion": (DEV, CERTIFIED, None),
    "units": (DEV, CERTIFIED, None),
    "listing": (DEV, CERTIFIED, None),
    "verify_listing": (DEPARTMENT, CERTIFIED, None),  # 市住建局
    "appraisal": (DEPARTMENT, CERTIFIED, None),  # 市住建局
    "rent": (DEV, CERTIFIED, None),
    "file_rent": (DEPARTMENT, CERTIFIED, None),  # 市发改委
    "operation": (DEV, CERTIFIED, None),
    "exit": (DEV, CERTIFIED, None),
    "exit_decision": (OFFICE, CERTIFIED, "exited"),  # on consent
    "subsidy": (OFFICE, CERTIFIED, None),
    "subsidy_pay": (OFFICE, CERTIFIED, None),
    "transfer": (OFFICE, CERTIFIED, None),
    "unapproved_exit": (OFFICE, CERTIFIED, "exited_unapproved"),
    "operator_violation": (OFFICE, None, None),  # any project the office sees (app.leases)
    "priority_group": (DEV, CERTIFIED, None),  # app.tenants
}
WHO = ("developer", "office", "leader", "zhujian", "fagai", "auditor")
ACTOR_OF = {"completion": "developer", "units": "developer", "listing": "developer",
            "verify_listing": "zhujian", "appraisal": "zhujian", "rent": "developer",
            "file_rent": "fagai", "operation": "developer", "exit": "developer",
            "exit_decision": "office", "subsidy": "office", "subsidy_pay": "office",
            "transfer": "office", "unapproved_exit": "office", "operator_violation": "office",
            "priority_group": "developer"}
OTHER_DOMAINS = {"operator_violation", "priority_group"}  # their services are app.leases', app.tenants'


class World:
    """A certified project in full operation (completion, a unit, the listing submitted, an
    appraisal, a proposed standard, a subsidy, operation since its certificate, an exit request
    pending), built through the API, and the people who act on it. The pending exit request is
    a row: one made through the API needs 8 years of operation (test_lifecycle moves the clock
    for that; the table's steps do not depend on the years)."""

    def __init__(self, cast: Cast, session: Session, make_user: Callable[..., User],
                 make_org: Callable[..., Any]) -> None:
        self.cast, self.session = cast, session
        self.users = {"developer": cast.developer, "office": cast.office, "leader": cast.leader,
                      "zhujian": cast.zhujian, "fagai": cast.fagai, "auditor": make_user("auditor")}
        self.other_org = make_org().id
        c = cast
        self.pid = pid = c.file()
        c.to_state(pid, "certified")
        c.post("developer", f"{P}/{pid}/completion", {"completed_on": "2025-06-01"})
        c.post("developer", f"{P}/{pid}/units", {"units": [{
            "building": "1栋", "floor": 1, "number": "0101", "building_area_m2": "38.50",
            "kind": "residential", "unit_type": "一室户"}]}, expect=201)
        c.post("developer", f"{P}/{pid}/listing")
        self.appraisal = c.post("zhujian", f"{P}/{pid}/appraisals", {
            "appraiser": "江西某房地产评估有限公司", "report_no": "赣评字〔2025〕88号",
            "appraised_on": "2025-05-20", "market_rent_per_m2": "30.00"}, expect=201)["id"]
        self.standard = c.post("developer", f"{P}/{pid}/rent-standards", {
            "appraisal_id": self.appraisal, "rates": [{"rate_per_m2": "27.00"}]}, expect=201)["id"]
        self.subsidy = c.post("office", f"{P}/{pid}/subsidies", {
            "amount_yuan": "500000.00", "source": "中央补助资金", "document_no": "景保租办〔2025〕9号"},
            expect=201)["id"]
        c.post("developer", f"{P}/{pid}/operation", {"started_on": "2025-06-03"})
        request = ExitRequest(project_id=pid, requested_on=date(2025, 6, 3),
                              requested_by_id=cast.developer.id, notice_from=date(2025, 5, 1),
                              notice_to=date(2025, 5, 31), objections=0, status="pending")
        session.add(request)
        session.flush()
        self.exit = request.id

    def user(self, who: str) -> User:
        """The user with organisation and department loaded, as a request has it."""
        return self.session.scalar(
            select(User).where(User.id == self.users[who].id)
            .options(joinedload(User.organization), joinedload(User.department))
            .execution_options(populate_existing=True))  # type: ignore[return-value]

    def facts(self) -> Any:
        project = approval_repository.get_project(self.session, self.user("auditor"), self.pid)
        return facts_of(self.session, project)


CALLS: dict[str, Callable[[Session, User, World], Any]] = {
    "completion": lambda s, u, w: service.record_completion(s, u, w.pid, date(2025, 6, 1)),
    "units": lambda s, u, w: service.register_units(s, u, w.pid, [UnitIn(
        building="2栋", floor=1, number="0101", building_area_m2=Decimal("38.50"),
        kind="residential")]),
    "listing": lambda s, u, w: service.submit_listing(s, u, w.pid),
    "verify_listing": lambda s, u, w: service.verify_listing(s, u, w.pid),
    "appraisal": lambda s, u, w: service.record_appraisal(s, u, w.pid, AppraisalIn(
        appraiser="江西某房地产评估有限公司", report_no="赣评字〔2025〕99号",
        appraised_on=date(2025, 5, 21), market_rent_per_m2=Decimal("31.00"))),
    "rent": lambda s, u, w: service.propose_rent_standard(s, u, w.pid, RentStandardIn(
        appraisal_id=w.appraisal, rates=[RateIn(rate_per_m2=Decimal("26.00"))])),
    "file_rent": lambda s, u, w: service.file_rent_standard(s, u, w.standard,
                                                           RentFilingIn(filing_no="景发改备〔2025〕7号")),
    "operation": lambda s, u, w: service.start_operation(s, u, w.pid,
                                                         OperationIn(started_on=date(2025, 6, 3))),
    "exit": lambda s, u, w: service.request_exit(s, u, w.pid, ExitRequestIn(
        notice_from=date(2025, 5, 1), notice_to=date(2025, 5, 31), objections=0)),
    "exit_decision": lambda s, u, w: service.decide_exit(
        s, u, w.exit, ExitDecisionIn(approve=False, comment="公示期间有异议")),
    "subsidy": lambda s, u, w: service.grant_subsidy(s, u, w.pid, SubsidyIn(
        amount_yuan=Decimal("1.00"), source="中央补助资金", document_no="景保租办〔2025〕10号")),
    "subsidy_pay": lambda s, u, w: service.pay_subsidy(s, u, w.subsidy, SubsidyPayIn()),
    "transfer": lambda s, u, w: service.transfer_operation(s, u, w.pid, TransferIn(
        to_organization_id=w.other_org, reason="merger", document_no="合并协议1号")),
    "unapproved_exit": lambda s, u, w: service.record_unapproved_exit(
        s, u, w.pid, UnapprovedExitIn(reason="擅自将房源转为商品房销售")),
}


def written(session: Session) -> tuple[int, ...]:
    return tuple(count(session, t) for t in (
        "project_event", "audit_event", "unit", "appraisal", "rent_standard", "subsidy",
        "exit_request", "operator_transfer", "outgoing_notification"))


def test_the_table_is_the_steps_after_certification() -> None:
    table = {s.action: (set(s.roles), set(s.sources) if s.sources is not None else None, s.target)
             for s in OPERATION.steps}
    assert table == STEPS
    assert set(CALLS) == set(STEPS) - OTHER_DOMAINS


@pytest.fixture
def world(cast, session, make_user, make_org) -> World:
    return World(cast, session, make_user, make_org)


def test_a_role_the_table_does_not_name_is_refused_with_403(world: World, session) -> None:
    for step in OPERATION.steps:
        for who in WHO:
            user = world.user(who)
            if user.role in step.roles:
                continue
            before = written(session)
            if step.action in OTHER_DOMAINS:
                with pytest.raises(Forbidden):
                    OPERATION.check(step.action, user, world.facts())
                continue
            with pytest.raises(Forbidden):
                CALLS[step.action](session, user, world)
            assert written(session) == before, (step.action, who)


@pytest.mark.parametrize(("action", "who"), [
    ("verify_listing", "fagai"), ("appraisal", "fagai"), ("file_rent", "zhujian")])
def test_a_reviewer_of_another_department_is_refused_with_403(world: World, session, action,
                                                                who) -> None:
    before = written(session)
    with pytest.raises(Forbidden):
        CALLS[action](session, world.user(who), world)
    assert action not in OPERATION.allowed(world.user(who), world.facts())
    assert written(session) == before


def test_a_project_no_longer_in_the_programme_is_refused_with_409(world: World, cast, session) -> None:
    """Revoked (第四十六条) with everything still attached: every step, by its role, answers
    409 naming the state, and writes nothing; only the office's violation record stays open."""
    number = cast.get("developer", f"{P}/{world.pid}")["certificate_number"]
    cast.post("office", f"/api/v1/certificates/{number}/revoke", {"reason": "擅自改变用途"})
    for step in OPERATION.steps:
        user = world.user(ACTOR_OF[step.action])
        before = written(session)
        if step.action in OTHER_DOMAINS:
            if step.sources is None:
                assert step.action in OPERATION.allowed(user, world.facts())
            else:
                with pytest.raises(Conflict, match="当前状态为“认定已撤销”"):
                    OPERATION.check(step.action, user, world.facts())
            continue
        with pytest.raises(Conflict, match="当前状态为“认定已撤销”"):
            CALLS[step.action](session, user, world)
        assert written(session) == before, step.action


def test_before_certification_the_steps_are_closed(cast, session, make_user) -> None:
    pid = cast.file()
    cast.to_state(pid, "in_review")
    developer = session.scalar(select(User).where(User.id == cast.developer.id)
                               .options(joinedload(User.organization)))
    before = written(session)
    with pytest.raises(Conflict, match="须为已认定且未退出的项目"):
        service.record_completion(session, developer, pid, date(2025, 6, 1))
    with pytest.raises(Conflict, match="须为已认定且未退出的项目"):
        service.start_operation(session, developer, pid, OperationIn(started_on=date(2025, 6, 3)))
    assert written(session) == before


# ---- allowed_actions, step by step ----------------------------------------------------------

def actions(cast: Cast, who: str, pid: int) -> list[str]:
    return cast.get(who, f"{P}/{pid}")["allowed_actions"]


def test_allowed_actions_follow_the_operation(cast, today) -> None:
    pid = cast.file()
    cast.to_state(pid, "certified")
    office_always = ["revoke", "subsidy", "transfer", "unapproved_exit", "operator_violation"]
    assert actions(cast, "developer", pid) == ["construction_start", "completion", "units", "operation",
                                               "priority_group"]
    assert actions(cast, "office", pid) == office_always
    assert actions(cast, "zhujian", pid) == ["appraisal"]
    assert actions(cast, "fagai", pid) == []
    assert actions(cast, "leader", pid) == []
    cast.post("developer", f"{P}/{pid}/completion", {"completed_on": "2025-06-01"})
    assert actions(cast, "developer", pid) == ["construction_start", "completion", "units", "listing",
                                               "operation",
                                               "priority_group"]
    cast.post("developer", f"{P}/{pid}/units", {"units": [{
        "building": "1栋", "floor": 1, "number": "0101", "building_area_m2": "38.50",
        "kind": "residential"}]}, expect=201)
    cast.post("developer", f"{P}/{pid}/listing")
    assert actions(cast, "developer", pid) == ["construction_start", "units", "operation", "priority_group"]
    assert actions(cast, "zhujian", pid) == ["verify_listing", "appraisal"]
    cast.post("zhujian", f"{P}/{pid}/listing/verify")
    assert actions(cast, "zhujian", pid) == ["appraisal"]
    appraisal = cast.post("zhujian", f"{P}/{pid}/appraisals", {
        "appraiser": "江西某房地产评估有限公司", "report_no": "赣评字〔2025〕88号",
        "appraised_on": "2025-05-20", "market_rent_per_m2": "30.00"}, expect=201)["id"]
    assert actions(cast, "developer", pid) == ["construction_start", "units", "rent", "operation",
                                               "priority_group"]
    standard = cast.post("developer", f"{P}/{pid}/rent-standards", {
        "appraisal_id": appraisal, "rates": [{"rate_per_m2": "27.00"}]}, expect=201)["id"]
    assert actions(cast, "fagai", pid) == ["file_rent"]
    cast.post("fagai", f"/api/v1/rent-standards/{standard}/file", {"filing_no": "景发改备1号"})
    assert actions(cast, "fagai", pid) == []
    subsidy = cast.post("office", f"{P}/{pid}/subsidies", {
        "amount_yuan": "1.00", "source": "中央补助资金", "document_no": "景保租办1号"}, expect=201)["id"]
    assert actions(cast, "office", pid) == ["revoke", "subsidy", "subsidy_pay", "transfer",
                                            "unapproved_exit", "operator_violation"]
    cast.post("office", f"/api/v1/subsidies/{subsidy}/pay", {})
    assert actions(cast, "office", pid) == office_always
    cast.post("developer", f"{P}/{pid}/operation", {"started_on": "2025-06-03"})
    assert actions(cast, "developer", pid) == ["construction_start", "units", "rent", "exit",
                                               "priority_group"]
    eight_years_on(cast, today)
    request = cast.post("developer", f"{P}/{pid}/exit-requests", {
        "notice_from": "2033-05-01", "notice_to": "2033-05-31", "objections": 0}, expect=201)["id"]
    assert actions(cast, "developer", pid) == ["construction_start", "units", "rent",
                                               "priority_group"]
    assert actions(cast, "office", pid) == ["revoke", "exit_decision", "subsidy", "transfer",
                                            "unapproved_exit", "operator_violation"]
    cast.post("office", f"/api/v1/exit-requests/{request}/decision", {"approve": True, "comment": "同意"})
    assert actions(cast, "developer", pid) == []  # exited: no longer certified
    assert actions(cast, "office", pid) == ["operator_violation"]
