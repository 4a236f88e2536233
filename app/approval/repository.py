"""Every read of the approval domain: projects (scoped to who asks), their history, requests
for materials, dispatches, meetings and decisions, certificates and notices, benefits, and
what the review clock, the queue and the statistics are computed from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.accounts.deps import scope_key
from app.accounts.models import Department, User
from app.approval.enums import DECIDED, IN_QUEUE, CertificateStatus, MaterialStage
from app.approval.models import (
    Certificate,
    LeaderDecision,
    MaterialRequest,
    NonconformityNotice,
    Project,
    ProjectBenefit,
    ProjectEvent,
    ProjectMaterial,
    ReviewDispatch,
    ReviewMeeting,
)
from app.core.db import fetch_rows
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by

# What the workflow needs with a project: its organisation, requests for materials,
# dispatches (with their departments), certificate and notice.
LOAD = (joinedload(Project.organization),
        selectinload(Project.material_requests),
        selectinload(Project.dispatches).joinedload(ReviewDispatch.department),
        joinedload(Project.certificate), joinedload(Project.notice))


# ---- projects -------------------------------------------------------------------------------

def get_project(session: Session, user: User, project_id: int, *, lock: bool = False,
                load: tuple[Any, ...] = LOAD) -> Project:
    """The project if ``user`` may see it (404 otherwise); ``lock`` holds its row until commit
    (a state change reads it so); ``load`` names the relationships to load with it (all the
    workflow needs, by default)."""
    if lock:
        locked = session.execute(select(Project.id).where(Project.id == project_id,
                                                          Project.visible_to(user))
                                 .with_for_update()).first()
        if locked is None:
            raise NotFound("未找到该项目")
    project = session.execute(select(Project).where(Project.id == project_id, Project.visible_to(user))
                              .options(*load).execution_options(populate_existing=True)
                              ).unique().scalar_one_or_none()
    if project is None:
        raise NotFound("未找到该项目")
    return project


def projects_page(session: Session, user: User, status: str | None = None, *,
                  cursor: int | None, limit: int) -> Page[Project]:
    """The projects ``user`` may see, newest first (keyset by id), with organisation and
    certificate."""
    stmt = select(Project).where(Project.visible_to(user)).options(
        joinedload(Project.organization), joinedload(Project.certificate))
    if status:
        stmt = stmt.where(Project.status == status)
    return keyset(session, stmt, Project.id, cursor=cursor, limit=limit)


# ---- history, requests for materials, the joint review ----------------------------------------

def history(session: Session, project: Project) -> list[ProjectEvent]:
    return list(session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)
                                .order_by(ProjectEvent.id)))


def history_page(session: Session, user: User, project_id: int, *, cursor: int | None,
                 limit: int) -> Page[ProjectEvent]:
    """The status history of a project ``user`` may see, oldest first (keyset by id)."""
    project = get_project(session, user, project_id, load=())
    stmt = select(ProjectEvent).where(ProjectEvent.project_id == project.id)
    return keyset(session, stmt, ProjectEvent.id, cursor=cursor, limit=limit, descending=False)


def opinions_page(session: Session, user: User, project_id: int, *, cursor: int | None,
                  limit: int) -> Page[ReviewDispatch]:
    """The departments a project was sent to and their opinions, in dispatch order (keyset by
    id)."""
    project = get_project(session, user, project_id, load=())
    stmt = (select(ReviewDispatch).where(ReviewDispatch.project_id == project.id)
            .options(joinedload(ReviewDispatch.department)))
    return keyset(session, stmt, ReviewDispatch.id, cursor=cursor, limit=limit, descending=False)


def material_requests_page(session: Session, user: User, project_id: int, *,
                           cursor: int | None, limit: int) -> Page[MaterialRequest]:
    """What was asked of a project's applicant, oldest first (keyset by id)."""
    project = get_project(session, user, project_id, load=())
    stmt = select(MaterialRequest).where(MaterialRequest.project_id == project.id)
    return keyset(session, stmt, MaterialRequest.id, cursor=cursor, limit=limit,
                  descending=False)


def departments_by_id(session: Session, ids: list[int]) -> dict[int, Department]:
    """The departments of 附件1 with these ids (a plan is sent to them)."""
    return {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(ids)))}


def current_materials(session: Session, project_id: int) -> list[ProjectMaterial]:
    """The 附件5 files of a project in force (not superseded), by item and upload time."""
    return list(session.scalars(select(ProjectMaterial).where(
        ProjectMaterial.project_id == project_id, ProjectMaterial.superseded_at.is_(None))
        .order_by(ProjectMaterial.code, ProjectMaterial.id)))


def material(session: Session, user: User, material_id: int) -> ProjectMaterial:
    """One file of a project ``user`` may see (its parties: the developer's organisation, the
    office, the departments it was sent to, auditors …); 404 otherwise, the same for a missing one."""
    found = session.scalar(select(ProjectMaterial).join(Project, Project.id == ProjectMaterial.project_id)
                           .where(ProjectMaterial.id == material_id, Project.visible_to(user)))
    if found is None:
        raise NotFound("未找到该材料")
    return found


def review_departments(session: Session) -> list[Department]:
    """The departments a plan can be sent to (联合审查: government departments), by id."""
    return list(session.scalars(select(Department).where(Department.kind == "government")
                                .order_by(Department.id)))


def meeting_of(session: Session, project_id: int) -> ReviewMeeting | None:
    return session.scalar(select(ReviewMeeting).where(ReviewMeeting.project_id == project_id))


def leader_decision_of(session: Session, project_id: int) -> LeaderDecision | None:
    return session.scalar(select(LeaderDecision).where(LeaderDecision.project_id == project_id))


def department_inbox(session: Session, user: User, *, cursor: int | None = None,
                     limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """The projects sent to the user's department (which is what makes them visible to it),
    unanswered first, then the newest (keyset by unanswered, dispatch day and id): rows of
    (dispatch, project, id) for :func:`app.approval.views.inbox_item`."""
    if user.department_id is None:
        return Page([], None)
    stmt = (select(ReviewDispatch, Project, ReviewDispatch.id)
            .join(Project, Project.id == ReviewDispatch.project_id)
            .where(ReviewDispatch.department_id == user.department_id)
            .options(joinedload(Project.organization)))
    return keyset_by(session, stmt, [ReviewDispatch.opinion.is_(None), ReviewDispatch.dispatched_on],
                     ReviewDispatch.id, cursor=cursor, limit=limit, descending=True, scalars=False)


# ---- certificates, notices, the city-wide stock --------------------------------------------

def certificate_by_number(session: Session, number: str, *, lock: bool = False) -> Certificate | None:
    """A certificate by its number; ``lock`` holds its row (revoking it)."""
    stmt = select(Certificate).where(Certificate.number == number)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def notice_by_number(session: Session, number: str) -> NonconformityNotice | None:
    return session.scalar(select(NonconformityNotice).where(NonconformityNotice.number == number)
                          .options(joinedload(NonconformityNotice.project)))


def certified_unit_types(session: Session, *, exclude_project: int | None = None
                         ) -> list[list[dict[str, Any]]]:
    """The stored unit types of every project holding a valid certificate (the city-wide
    stock of 第七条's share)."""
    stmt = (select(Project.unit_types).join(Certificate, Certificate.project_id == Project.id)
            .where(Certificate.status == CertificateStatus.valid))
    if exclude_project is not None:
        stmt = stmt.where(Project.id != exclude_project)
    return list(session.scalars(stmt))


# ---- benefits (第十四–十六条) ------------------------------------------------------------------

def active_benefits(session: Session, project_id: int) -> list[ProjectBenefit]:
    return list(session.scalars(select(ProjectBenefit).where(
        ProjectBenefit.project_id == project_id, ProjectBenefit.ended_on.is_(None))))


def benefits_of(session: Session, project: Project) -> list[ProjectBenefit]:
    return list(session.scalars(select(ProjectBenefit).where(
        ProjectBenefit.project_id == project.id).order_by(ProjectBenefit.id)))


def benefits_page(session: Session, project: Project, *, cursor: int | None,
                  limit: int) -> Page[ProjectBenefit]:
    """The benefits register of a project, oldest first (keyset by id)."""
    stmt = select(ProjectBenefit).where(ProjectBenefit.project_id == project.id)
    return keyset(session, stmt, ProjectBenefit.id, cursor=cursor, limit=limit, descending=False)


# ---- what the review clock, the queue and the statistics count --------------------------------

_CLOCK_BY_SCOPE: dict[tuple[Any, ...], Select[Any]] = {}


def _clock_statement(user: User) -> Select[Any]:
    """The clock's one statement (the dates and the requests for materials, within what
    ``user`` may see), built once per scope and kept: a hot read (``fetch_rows``)."""
    key = scope_key(user)
    stmt = _CLOCK_BY_SCOPE.get(key)
    if stmt is None:
        if len(_CLOCK_BY_SCOPE) >= 4096:
            _CLOCK_BY_SCOPE.clear()
        stmt = _CLOCK_BY_SCOPE[key] = (
            select(Project.accepted_on, Project.decided_on, Project.withdrawn_on,
                   MaterialRequest.requested_on, MaterialRequest.supplemented_on)
            .outerjoin(MaterialRequest, and_(MaterialRequest.project_id == Project.id,
                                             MaterialRequest.stage == MaterialStage.review.value))
            .where(Project.id == bindparam("project_id"), Project.visible_to(user)))
    return stmt


def clock_rows(session: Session, user: User, project_id: int) -> list[Any]:
    """(accepted_on, decided_on, withdrawn_on, requested_on, supplemented_on) of a project
    ``user`` may see, one row per request for materials during review (one row with the
    last two None if there is none); no rows if the project is not visible."""
    return fetch_rows(session, _clock_statement(user), {"project_id": project_id})


def open_projects(session: Session, user: User, statuses: list[str]) -> list[Project]:
    """The open applications ``user`` may see in ``statuses``, with organisation and requests
    for materials (the queue sorts them by a deadline computed from these)."""
    return list(session.scalars(
        select(Project).where(Project.status.in_(statuses), Project.visible_to(user))
        .options(joinedload(Project.organization), selectinload(Project.material_requests))))


def pending_departments(session: Session, project_ids: list[int]) -> list[tuple[int, str]]:
    """(project id, department name) of every department that has not answered yet, in
    dispatch order: one statement for a page of the queue."""
    if not project_ids:
        return []
    return [(pid, name) for pid, name in session.execute(
        select(ReviewDispatch.project_id, Department.name)
        .join(Department, Department.id == ReviewDispatch.department_id)
        .where(ReviewDispatch.project_id.in_(project_ids), ReviewDispatch.opinion.is_(None))
        .order_by(ReviewDispatch.id))]


def with_requests(session: Session, project_ids: list[int]) -> list[Project]:
    """These projects with organisation and requests for materials."""
    if not project_ids:
        return []
    return list(session.scalars(select(Project).where(Project.id.in_(project_ids)).options(
        joinedload(Project.organization), selectinload(Project.material_requests))))


def decided_projects(session: Session) -> list[Project]:
    """Every decided project that was accepted, with its requests for materials."""
    return list(session.scalars(
        select(Project).where(Project.status.in_([s.value for s in DECIDED]),
                              Project.accepted_on.is_not(None), Project.decided_on.is_not(None))
        .options(selectinload(Project.material_requests))))


def accepted_open_projects(session: Session) -> list[Project]:
    """Every open application whose clock runs (accepted), with its requests for materials."""
    return list(session.scalars(
        select(Project).where(Project.status.in_([s.value for s in IN_QUEUE]),
                              Project.accepted_on.is_not(None))
        .options(selectinload(Project.material_requests))))
