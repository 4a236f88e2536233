"""Applications to rent (第三十一–三十三条), the state changes: filed online or at the window,
reviewed by the office, withdrawn by the applicant; and the priority groups the allocation
follows. Who may take each step, from which state: :data:`~app.tenants.workflows.TENANT_APPLICATION`.
The reads are in :mod:`app.tenants.repository`, the presenters in :mod:`app.tenants.views`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.repository import load_user
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, RuleViolation
from app.operation.service import in_operation
from app.tenants import repository
from app.tenants import service as tenants
from app.tenants.enums import ApplicationStatus, Channel, NoticeKind
from app.tenants.models import PriorityGroup, TenantApplication
from app.tenants.repository import priority_groups as priority_groups  # read here by app.web.projects
from app.tenants.schemas import ApplicationIn, ApplicationReview, PriorityGroupIn
from app.tenants.service import notify as notify  # imported from here by tests/test_list_endpoints
from app.tenants.workflows import TENANT_APPLICATION

NO_PRIORITY = 1_000_000


def _priority(session: Session, project_id: int, person_id: int) -> tuple[PriorityGroup | None, int]:
    profile = repository.profile_of(session, person_id)
    employer = profile.employer_organization_id if profile else None
    if employer is None:
        return None, NO_PRIORITY
    groups = repository.priority_groups(session, project_id)
    group = next((g for g in groups if employer in g.organization_ids), None)
    return group, (group.rank if group else NO_PRIORITY)


def _applicant(session: Session, user: User, data: ApplicationIn) -> User:
    if user.role == Role.tenant:
        if data.applicant_id_number:
            raise InvalidInput("承租人只能为本人申请", field="applicant_id_number")
        return user
    if not data.applicant_id_number:
        raise InvalidInput("窗口代办须提供申请人身份证号码", field="applicant_id_number")
    person_id = repository.tenant_id_by_number(session, data.applicant_id_number)
    if person_id is None:
        raise InvalidInput("申请人尚未注册，请先为其办理注册", field="applicant_id_number")
    return load_user(session, person_id)  # type: ignore[return-value]


def apply(session: Session, user: User, data: ApplicationIn, *,
          holds_lease: Callable[[int], bool]) -> TenantApplication:
    """File an application; the eligibility decision is computed and kept with it.

    ``holds_lease(person_id)`` answers whether the applicant already holds a running lease (one
    home per person): leases sit above this domain, so ``app.leases.flows.apply`` says it."""
    TENANT_APPLICATION.check("apply", user, None)
    person = _applicant(session, user, data)
    session.execute(select(User.id).where(User.id == person.id).with_for_update())  # one at a time
    tenants.require_ready(session, person)
    project = repository.open_project(session, data.project_id)
    if repository.has_open_application(session, person.id):
        raise Conflict("申请人已有一份未办结的申请（每人限一份）", field="applicant")
    if holds_lease(person.id):
        raise Conflict("申请人已有在租的保障性租赁住房（每人限一套）", field="applicant")
    today = clock.today()
    decision, conflicts = tenants.eligibility(session, person, data.declaration, today)
    group, rank = _priority(session, project.id, person.id)
    online = user.role == Role.tenant
    application = TenantApplication(
        applicant_id=person.id, project_id=project.id,
        channel=Channel.online if online else Channel.window,
        taken_by_id=None if online else user.id, status=ApplicationStatus.submitted,
        eligibility=tenants.eligibility_record(decision, conflicts, today)
        | {"declaration": data.declaration.model_dump()},
        conflicts=[c.as_dict() for c in conflicts],
        priority_group_id=group.id if group else None, priority_rank=rank)
    session.add(application)
    try:
        session.flush()
    except IntegrityError:  # a concurrent application by the same person won the race
        raise Conflict("申请人已有一份未办结的申请（每人限一份）", field="applicant") from None
    record(session, actor=user, action="tenant_application.submitted",
           entity_type="tenant_application", entity_id=application.id,
           summary={"project_id": project.id, "channel": application.channel,
                    "eligible": decision.ok, "conflicts": len(conflicts)})
    return application


def review(session: Session, user: User, application_id: int, data: ApplicationReview
           ) -> TenantApplication:
    """The office approves (eligibility checked again, today) or refuses with a reason."""
    application = repository.application(session, user, application_id, lock=True)
    TENANT_APPLICATION.check("approve" if data.approve else "refuse", user, application,
                             doing="审核")
    today = clock.today()
    person = load_user(session, application.applicant_id)
    if data.approve:
        decision, conflicts = tenants.eligibility(session, person,  # type: ignore[arg-type]
                                                  application.eligibility["declaration"], today)
        if not decision.ok:
            raise RuleViolation.from_decision(decision, "申请人不符合第三十二条规定的条件，不能审核通过")
        application.status = ApplicationStatus.approved
        application.eligibility = tenants.eligibility_record(decision, conflicts, today) | {
            "declaration": application.eligibility["declaration"]}
        message = "您的保障性租赁住房申请已审核通过，请等待配租"
    else:
        reason = data.reason.strip()
        if not reason:
            raise InvalidInput("不予通过须填写理由（申请人可见）", field="reason")
        application.status = ApplicationStatus.refused
        message = f"您的保障性租赁住房申请未通过审核：{reason}"
    application.decision_reason = data.reason.strip() or None
    application.decided_at, application.decided_by_id = clock.now(), user.id
    tenants.notify(session, application.applicant_id, NoticeKind.application_decided, message)
    record(session, actor=user, action=f"tenant_application.{application.status}",
           entity_type="tenant_application", entity_id=application.id,
           summary={"status": application.status})
    return application


def withdraw(session: Session, user: User, application_id: int) -> TenantApplication:
    """The applicant takes back an application not decided on, or approved and not leased."""
    application = repository.application(session, user, application_id, lock=True)
    TENANT_APPLICATION.check("withdraw", user, application)
    application.status = ApplicationStatus.withdrawn
    record(session, actor=user, action="tenant_application.withdrawn",
           entity_type="tenant_application", entity_id=application.id)
    return application


# ---- priority groups -------------------------------------------------------------------------

def add_priority_group(session: Session, user: User, project_id: int, data: PriorityGroupIn
                       ) -> PriorityGroup:
    project = in_operation(session, user, project_id, "priority_group", lock=True)[0]
    group = PriorityGroup(project_id=project.id, name=data.name.strip(), kind=data.kind,
                          rank=data.rank, organization_ids=sorted(set(data.organization_ids)),
                          created_by_id=user.id)
    session.add(group)
    session.flush()
    record(session, actor=user, action="priority_group.created", entity_type="project",
           entity_id=project.id, summary={"name": group.name, "rank": group.rank,
                                          "organizations": len(group.organization_ids)})
    return group
