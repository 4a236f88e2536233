"""Applications to rent (第三十一–三十三条): online or at the window, reviewed by the office,
allocated in priority-group order and, when approved applicants outnumber the units, by lottery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.service import load_user
from app.approval.models import Project
from app.approval.status import IN_OPERATION
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by, mapped, mapped_all
from app.core.personal_data import decrypt_id_number, id_number_digest
from app.operation.models import RentStandard, Unit
from app.operation.units import operating_project
from app.tenants import service as tenants
from app.tenants.models import OPEN_APPLICATION, PriorityGroup, TenantApplication, TenantNotice
from app.tenants.schemas import ApplicationIn, ApplicationReview, PriorityGroupIn
from rules.identifiers import mask_id_number

NO_PRIORITY = 1_000_000
STATUS_LABELS = {"submitted": "已提交，待审核", "approved": "审核通过，待配租", "refused": "审核未通过",
                 "leased": "已签约", "withdrawn": "已撤回", "closed": "已关闭"}


def notify(session: Session, user_id: int, kind: str, message: str) -> None:
    session.add(TenantNotice(user_id=user_id, kind=kind, message=message))


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


def apply(session: Session, user: User, data: ApplicationIn, *,
          holds_lease: Callable[[int], bool]) -> TenantApplication:
    """File an application; the eligibility decision is computed and kept with it.

    ``holds_lease(person_id)`` answers whether the applicant already holds a running lease (one
    home per person): leases sit above this domain, so ``app.leases.flows.apply`` says it."""
    person = _applicant(session, user, data)
    session.execute(select(User.id).where(User.id == person.id).with_for_update())
    tenants.require_ready(session, person)
    project = open_project(session, data.project_id)
    if session.scalar(select(TenantApplication.id).where(
            TenantApplication.applicant_id == person.id,
            TenantApplication.status.in_(OPEN_APPLICATION))):
        raise Conflict("申请人已有一份未办结的申请（每人限一份）", field="applicant")
    if holds_lease(person.id):
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


def listing(session: Session, user: User, status: str | None, project_id: int | None, *,
            cursor: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[TenantApplication]:
    """The applications ``user`` may see, newest first (keyset by id)."""
    stmt = select(TenantApplication).where(TenantApplication.visible_to(user))
    if status:
        stmt = stmt.where(TenantApplication.status == status)
    if project_id:
        stmt = stmt.where(TenantApplication.project_id == project_id)
    return keyset(session, stmt, TenantApplication.id, cursor=cursor, limit=limit)


def applications_page(session: Session, user: User, status: str | None, project_id: int | None,
                      *, cursor: int | None = None,
                      limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """:func:`listing` as views, with a constant number of statements for the page."""
    return mapped_all(listing(session, user, status, project_id, cursor=cursor, limit=limit),
                      lambda found: application_views(session, found))


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
    return application_views(session, [application])[0]


def application_views(session: Session, found: list[TenantApplication]) -> list[dict[str, Any]]:
    """The views of a page of applications: applicants and window clerks, projects and
    priority groups each read once for the whole page."""
    if not found:
        return []
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        {a.applicant_id for a in found} | {a.taken_by_id for a in found if a.taken_by_id})))}
    projects = dict(session.execute(select(Project.id, Project.name).where(
        Project.id.in_({a.project_id for a in found}))).all())
    group_ids = {a.priority_group_id for a in found if a.priority_group_id}
    groups = dict(session.execute(select(PriorityGroup.id, PriorityGroup.name).where(
        PriorityGroup.id.in_(group_ids))).all()) if group_ids else {}
    return [_application_view(a, people, projects, groups) for a in found]


def _application_view(application: TenantApplication, people: dict[int, User],
                      projects: dict[int, str], groups: dict[int, str]) -> dict[str, Any]:
    person = people.get(application.applicant_id)
    taken = people.get(application.taken_by_id) if application.taken_by_id else None
    number = decrypt_id_number(person.id_number_enc) if person and person.id_number_enc else None
    eligibility = {k: v for k, v in application.eligibility.items() if k != "declaration"}
    return {
        "id": application.id, "project_id": application.project_id,
        "project_name": projects.get(application.project_id, ""),
        "applicant_name": person.full_name if person else "",
        "applicant_id_number_masked": mask_id_number(number) if number else None,
        "channel": application.channel, "taken_by": taken.full_name or taken.username if taken else None,
        "status": application.status, "status_label": STATUS_LABELS[application.status],
        "eligibility": eligibility,
        "priority_group": groups.get(application.priority_group_id)
        if application.priority_group_id else None,
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


def priority_groups_page(session: Session, project_id: int, *, cursor: int | None,
                         limit: int) -> Page[PriorityGroup]:
    """A project open for applications and its priority groups in lottery order (keyset by
    rank and id); 404 for any other project."""
    open_project(session, project_id, missing=NotFound("未找到该项目"))
    return keyset_by(session, select(PriorityGroup).where(PriorityGroup.project_id == project_id),
                     [PriorityGroup.rank], PriorityGroup.id, cursor=cursor, limit=limit)


def units_available(session: Session, project_id: int) -> int:
    """Published units not under lease."""
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id,
                                                            Unit.status == "published")) or 0


def housing_on_offer(session: Session, *, cursor: int | None = None,
                     limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """Certified projects accepting applications: units available and a filed rent in force,
    oldest project first (keyset by id). One statement a page, whatever its size: the units
    available are counted per project inside it."""
    published = (Unit.project_id == Project.id, Unit.status == "published")
    available = (select(func.count(Unit.id)).where(*published).correlate(Project)
                 .scalar_subquery().label("units_available"))
    stmt = (select(Project.id, Project.name, Project.district, Project.address,
                   Project.operator_unit_name, available, RentStandard.rates)
            .join(RentStandard, and_(RentStandard.project_id == Project.id,
                                     RentStandard.status == "filed"))
            .where(Project.status.in_([s.value for s in IN_OPERATION]),
                   exists(select(Unit.id).where(*published))))
    return mapped(keyset(session, stmt, Project.id, cursor=cursor, limit=limit, descending=False,
                         scalars=False), _housing_view)


def _housing_view(row: Any) -> dict[str, Any]:
    return {"project_id": row.id, "name": row.name, "district": row.district,
            "address": row.address, "operator": row.operator_unit_name,
            "units_available": row.units_available, "rates": row.rates}


def notices_page(session: Session, user: User, *, cursor: int | None,
                 limit: int) -> Page[TenantNotice]:
    """A tenant's notices, newest first (keyset by id)."""
    return keyset(session, select(TenantNotice).where(TenantNotice.user_id == user.id),
                  TenantNotice.id, cursor=cursor, limit=limit)


def waiting(session: Session, project_id: int) -> list[TenantApplication]:
    """Approved applications of a project still waiting for a unit."""
    return list(session.scalars(select(TenantApplication).where(
        TenantApplication.project_id == project_id, TenantApplication.status == "approved")
        .order_by(TenantApplication.id)))
