"""Applications to rent (第三十一–三十三条): online or at the window, reviewed by the office,
allocated in priority-group order and, when approved applicants outnumber the units, by lottery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.audit.service import record
from app.auth.models import User
from app.auth.roles import Role
from app.auth.service import load_user
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.leases.models import ACTIVE, Lease, LeaseOccupant, TenantNotice
from app.personal_data import decrypt_id_number, id_number_digest
from app.projects.models import Project, Unit
from app.projects.rents import in_force
from app.projects.status import IN_OPERATION
from app.projects.units import operating_project
from app.tenants import service as tenants
from app.tenants.models import OPEN_APPLICATION, PriorityGroup, TenantApplication
from app.tenants.schemas import ApplicationIn, ApplicationReview, PriorityGroupIn
from rules.identifiers import mask_id_number

NO_PRIORITY = 1_000_000
STATUS_LABELS = {"submitted": "已提交，待审核", "approved": "审核通过，待配租", "refused": "审核未通过",
                 "leased": "已签约", "withdrawn": "已撤回", "closed": "已关闭"}


def notify(session: Session, user_id: int, kind: str, message: str) -> None:
    session.add(TenantNotice(user_id=user_id, kind=kind, message=message))


def has_active_lease(session: Session, person_id: int) -> bool:
    """Whether the person holds, or occupies under an employer, a lease still running."""
    today = clock.today()
    own = select(Lease.id).where(Lease.tenant_id == person_id, Lease.status.in_(ACTIVE),
                                 Lease.ends_on >= today)
    placed = select(LeaseOccupant.id).join(Lease, Lease.id == LeaseOccupant.lease_id).where(
        LeaseOccupant.tenant_id == person_id, LeaseOccupant.moved_out_on.is_(None),
        Lease.status.in_(ACTIVE))
    return session.scalar(select(own.exists())) or session.scalar(select(placed.exists()))


def open_project(session: Session, project_id: int, missing: Exception | None = None) -> Project:
    """A certified project accepting applications (anyone may apply to one)."""
    project = session.get(Project, project_id)
    if project is None or project.status not in IN_OPERATION:
        raise missing or InvalidInput("该项目不存在或未在受理租赁申请", field="project_id")
    return project


def _priority(session: Session, project_id: int, person_id: int) -> tuple[PriorityGroup | None, int]:
    profile = tenants.profile_of(session, person_id)
    employer = profile.employer_organization_id if profile else None
    if employer is None:
        return None, NO_PRIORITY
    groups = session.scalars(select(PriorityGroup).where(PriorityGroup.project_id == project_id)
                             .order_by(PriorityGroup.rank, PriorityGroup.id))
    group = next((g for g in groups if employer in g.organization_ids), None)
    return group, (group.rank if group else NO_PRIORITY)


def _applicant(session: Session, user: User, data: ApplicationIn) -> User:
    if user.role == Role.tenant:
        if data.applicant_id_number:
            raise InvalidInput("承租人只能为本人申请", field="applicant_id_number")
        return user
    if not data.applicant_id_number:
        raise InvalidInput("窗口代办须提供申请人身份证号码", field="applicant_id_number")
    person_id = session.scalar(select(User.id).where(
        User.id_number_digest == id_number_digest(data.applicant_id_number), User.role == Role.tenant))
    if person_id is None:
        raise InvalidInput("申请人尚未注册，请先为其办理注册", field="applicant_id_number")
    return load_user(session, person_id)  # type: ignore[return-value]


def apply(session: Session, user: User, data: ApplicationIn) -> TenantApplication:
    """File an application; the eligibility decision is computed and kept with it."""
    person = _applicant(session, user, data)
    session.execute(select(User.id).where(User.id == person.id).with_for_update())
    tenants.require_ready(session, person)
    project = open_project(session, data.project_id)
    if session.scalar(select(TenantApplication.id).where(
            TenantApplication.applicant_id == person.id,
            TenantApplication.status.in_(OPEN_APPLICATION))):
        raise Conflict("申请人已有一份未办结的申请（每人限一份）", field="applicant")
    if has_active_lease(session, person.id):
        raise Conflict("申请人已有在租的保障性租赁住房（每人限一套）", field="applicant")
    today = clock.today()
    decision, conflicts = tenants.eligibility(session, person, data.declaration, today)
    group, rank = _priority(session, project.id, person.id)
    application = TenantApplication(
        applicant_id=person.id, project_id=project.id,
        channel="online" if user.role == Role.tenant else "window",
        taken_by_id=None if user.role == Role.tenant else user.id, status="submitted",
        eligibility=tenants.eligibility_view(decision, conflicts, today)
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


def get(session: Session, user: User, application_id: int, *, lock: bool = False) -> TenantApplication:
    stmt = select(TenantApplication).where(TenantApplication.id == application_id,
                                           TenantApplication.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt.execution_options(populate_existing=True))
    if found is None:
        raise NotFound("未找到该申请")
    return found


def listing(session: Session, user: User, status: str | None, project_id: int | None
            ) -> list[TenantApplication]:
    stmt = select(TenantApplication).where(TenantApplication.visible_to(user))
    if status:
        stmt = stmt.where(TenantApplication.status == status)
    if project_id:
        stmt = stmt.where(TenantApplication.project_id == project_id)
    return list(session.scalars(stmt.order_by(TenantApplication.id.desc()).limit(500)))


def review(session: Session, user: User, application_id: int, data: ApplicationReview
           ) -> TenantApplication:
    """The office approves (eligibility checked again, today) or refuses with a reason."""
    application = get(session, user, application_id, lock=True)
    if application.status != "submitted":
        raise Conflict(f"该申请已{STATUS_LABELS[application.status]}，不能重复审核")
    today = clock.today()
    person = load_user(session, application.applicant_id)
    if data.approve:
        decision, conflicts = tenants.eligibility(session, person,  # type: ignore[arg-type]
                                                  application.eligibility["declaration"], today)
        if not decision.ok:
            raise RuleViolation.from_decision(decision, "申请人不符合第三十二条规定的条件，不能审核通过")
        application.status = "approved"
        application.eligibility = tenants.eligibility_view(decision, conflicts, today) | {
            "declaration": application.eligibility["declaration"]}
        message = "您的保障性租赁住房申请已审核通过，请等待配租"
    else:
        reason = data.reason.strip()
        if not reason:
            raise InvalidInput("不予通过须填写理由（申请人可见）", field="reason")
        application.status = "refused"
        message = f"您的保障性租赁住房申请未通过审核：{reason}"
    application.decision_reason = data.reason.strip() or None
    application.decided_at, application.decided_by_id = clock.now(), user.id
    notify(session, application.applicant_id, "application_decided", message)
    record(session, actor=user, action=f"tenant_application.{application.status}",
           entity_type="tenant_application", entity_id=application.id,
           summary={"status": application.status})
    return application


def withdraw(session: Session, user: User, application_id: int) -> TenantApplication:
    application = get(session, user, application_id, lock=True)
    if application.applicant_id != user.id:
        raise NotFound("未找到该申请")
    if application.status not in OPEN_APPLICATION:
        raise Conflict("该申请已办结，不能撤回")
    application.status = "withdrawn"
    record(session, actor=user, action="tenant_application.withdrawn",
           entity_type="tenant_application", entity_id=application.id)
    return application


def application_view(session: Session, application: TenantApplication) -> dict[str, Any]:
    person = load_user(session, application.applicant_id)
    project = session.get(Project, application.project_id)
    group = (session.get(PriorityGroup, application.priority_group_id)
             if application.priority_group_id else None)
    taken = load_user(session, application.taken_by_id) if application.taken_by_id else None
    number = decrypt_id_number(person.id_number_enc) if person and person.id_number_enc else None
    eligibility = {k: v for k, v in application.eligibility.items() if k != "declaration"}
    return {
        "id": application.id, "project_id": application.project_id,
        "project_name": project.name if project else "", "applicant_name": person.full_name if person else "",
        "applicant_id_number_masked": mask_id_number(number) if number else None,
        "channel": application.channel, "taken_by": taken.full_name or taken.username if taken else None,
        "status": application.status, "status_label": STATUS_LABELS[application.status],
        "eligibility": eligibility, "priority_group": group.name if group else None,
        "submitted_at": application.submitted_at, "decided_at": application.decided_at,
        "decision_reason": application.decision_reason,
        "allocation_rank": application.allocation_rank, "lottery_id": application.lottery_id,
    }


# ---- priority groups and availability ---------------------------------------------------

def add_priority_group(session: Session, user: User, project_id: int, data: PriorityGroupIn
                       ) -> PriorityGroup:
    project = operating_project(session, user, project_id, lock=True)
    group = PriorityGroup(project_id=project.id, name=data.name.strip(), kind=data.kind,
                          rank=data.rank, organization_ids=sorted(set(data.organization_ids)),
                          created_by_id=user.id)
    session.add(group)
    session.flush()
    record(session, actor=user, action="priority_group.created", entity_type="project",
           entity_id=project.id, summary={"name": group.name, "rank": group.rank,
                                          "organizations": len(group.organization_ids)})
    return group


def priority_groups(session: Session, project_id: int) -> list[PriorityGroup]:
    return list(session.scalars(select(PriorityGroup).where(PriorityGroup.project_id == project_id)
                                .order_by(PriorityGroup.rank, PriorityGroup.id)))


def units_available(session: Session, project_id: int) -> int:
    """Published units not under lease."""
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id,
                                                            Unit.status == "published")) or 0


def housing_on_offer(session: Session) -> list[dict[str, Any]]:
    """Certified projects accepting applications: units available and a filed rent in force."""
    result = []
    for project in session.scalars(select(Project).where(
            Project.status.in_([s.value for s in IN_OPERATION])).order_by(Project.id)):
        standard = in_force(session, project.id)
        available = units_available(session, project.id)
        if standard is None or available == 0:
            continue
        result.append({"project_id": project.id, "name": project.name, "district": project.district,
                       "address": project.address, "operator": project.operator_unit_name,
                       "units_available": available, "rates": standard.rates})
    return result


def waiting(session: Session, project_id: int) -> list[TenantApplication]:
    """Approved applications of a project still waiting for a unit."""
    return list(session.scalars(select(TenantApplication).where(
        TenantApplication.project_id == project_id, TenantApplication.status == "approved")
        .order_by(TenantApplication.id)))
