"""The approval workflow of 第二十四条: each transition by its role, with history and audit.

    draft ──submit──▶ submitted ──accept (受理, clock starts)──▶ accepted ──dispatch──▶ in_review
      ▲                  │ return (退回补正)                        │ request-materials ▲ supplement
      └── edit ◀── returned                                         ▼                   │
                                                              awaiting_materials ───────┘
    in_review ──meeting pass──▶ meeting_passed ──leader approve──▶ certified (认定书)
        │ meeting fail                        └──leader refuse──▶ refused (不符合通知书)
        └──────────────────────────────────────────────────────▶ refused
    any state before the decision ──withdraw──▶ withdrawn;  certified ──revoke──▶ revoked

A transition in the wrong state answers 409; a refusal or return without a comment, 422.
Every transition writes a ``ProjectEvent`` (the history the applicant sees) and an audit
event in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.accounts.models import Department, User
from app.accounts.roles import Role
from app.approval import documents
from app.approval.benefits import register_benefits
from app.approval.checks import application_decision, city_share_decision
from app.approval.facts import (
    COMMITMENT_VERSION,
    facts_from_input,
    facts_of,
    month_start,
    unit_types_json,
)
from app.approval.models import (
    LeaderDecision,
    MaterialRequest,
    Project,
    ProjectEvent,
    ReviewDispatch,
    ReviewMeeting,
)
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
from app.approval.status import EDITABLE, WITHDRAWABLE, ProjectStatus
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import Page, keyset, mapped
from rules.decision import Decision, Finding
from rules.identifiers import check_uscc, normalize_uscc
from rules.project_facts import ConstructionMethod

S = ProjectStatus

ACTION_LABELS = {
    "created": "创建申请", "updated": "修改申请", "submitted": "提交申请", "accepted": "受理",
    "returned": "退回补正", "dispatched": "发送相关部门联合审查", "materials_requested": "要求补充材料",
    "supplemented": "补充材料", "opinion": "部门审查意见", "meeting_passed": "评审会通过",
    "meeting_failed": "评审会未通过", "approved": "市领导小组审批通过，出具认定书",
    "refused": "市领导小组不予认定，发放通知书", "withdrawn": "撤回申请", "revoked": "撤销认定书",
    "completion_recorded": "记录竣工验收", "units_registered": "录入房源",
    "listing_submitted": "提交房源审核",
    "listing_verified": "市住建局审核确认房源并发布", "appraisal_recorded": "记录市场租金评估",
    "rent_proposed": "拟订租金标准", "rent_filed": "市发改委租金备案", "subsidy_granted": "核定建设补助资金",
    "subsidy_paid": "拨付建设补助资金", "operation_started": "投入运营", "operator_transferred": "运营权转让",
    "exit_requested": "申请退出", "exit_approved": "同意退出保障性租赁住房序列",
    "exit_refused": "不同意退出", "exited_unapproved": "未经批准退出，取消优惠政策并退回补助",
}

LOAD = (joinedload(Project.organization),
        selectinload(Project.material_requests),
        selectinload(Project.dispatches).joinedload(ReviewDispatch.department),
        joinedload(Project.certificate), joinedload(Project.notice))


# ---- loading ----------------------------------------------------------------------------

def get_project(session: Session, user: User, project_id: int, *, lock: bool = False,
                load: tuple[Any, ...] = LOAD) -> Project:
    """The project if ``user`` may see it (404 otherwise); ``lock`` holds its row until commit;
    ``load`` names the relationships to load with it (all the workflow needs, by default)."""
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


def history(session: Session, project: Project) -> list[ProjectEvent]:
    return list(session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)
                                .order_by(ProjectEvent.id)))


def history_page(session: Session, user: User, project_id: int, *, cursor: int | None,
                 limit: int) -> Page[dict[str, Any]]:
    """The status history of a project ``user`` may see, oldest first (keyset by id)."""
    project = get_project(session, user, project_id, load=())
    stmt = select(ProjectEvent).where(ProjectEvent.project_id == project.id)
    return mapped(keyset(session, stmt, ProjectEvent.id, cursor=cursor, limit=limit,
                         descending=False), event_view)


def opinions_page(session: Session, user: User, project_id: int, *, cursor: int | None,
                  limit: int) -> Page[dict[str, Any]]:
    """The departments a project was sent to and their opinions, in dispatch order (keyset by
    id)."""
    project = get_project(session, user, project_id, load=())
    stmt = (select(ReviewDispatch).where(ReviewDispatch.project_id == project.id)
            .options(joinedload(ReviewDispatch.department)))
    return mapped(keyset(session, stmt, ReviewDispatch.id, cursor=cursor, limit=limit,
                         descending=False), dispatch_view)


def material_requests_page(session: Session, user: User, project_id: int, *,
                           cursor: int | None, limit: int) -> Page[MaterialRequest]:
    """What was asked of a project's applicant, oldest first (keyset by id)."""
    project = get_project(session, user, project_id, load=())
    stmt = select(MaterialRequest).where(MaterialRequest.project_id == project.id)
    return keyset(session, stmt, MaterialRequest.id, cursor=cursor, limit=limit,
                  descending=False)


# ---- helpers ----------------------------------------------------------------------------

def actor_unit(user: User) -> str:
    """How a person's unit is named in the history the applicant sees."""
    if user.role == Role.office:
        return "市保租办"
    if user.role == Role.leader:
        return "市领导小组"
    if user.role == Role.department and user.department is not None:
        return user.department.name
    if user.organization is not None:
        return user.organization.name
    return Role(user.role).label


def require_status(project: Project, allowed: frozenset[S] | set[S], doing: str) -> None:
    if project.status not in allowed:
        labels = "、".join(s.label for s in allowed)
        raise Conflict(f"项目当前状态为“{S(project.status).label}”，不能{doing}（须为：{labels}）",
                       status_now=project.status)


def transition(session: Session, project: Project, user: User, *, to: S, action: str,
                comment: str | None = None, details: dict[str, Any] | None = None) -> None:
    before = project.status
    project.status = to.value
    session.add(ProjectEvent(project_id=project.id, on=clock.today(), actor_id=user.id,
                             actor_role=user.role, actor_unit=actor_unit(user), action=action,
                             from_status=before, to_status=to.value, comment=comment,
                             details=details or {}))
    session.flush()
    record(session, actor=user, action=f"project.{action}", entity_type="project",
           entity_id=project.id, summary={"from": before, "to": to.value, **(details or {})})


def require_comment(text: str | None, field: str, what: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(f"{what}必须填写意见或理由", field=field)
    return text.strip()


def _uscc_findings(data: ProjectIn) -> list[Finding]:
    findings = []
    for field in ("construction_unit_uscc", "operator_unit_uscc"):
        findings += [replace(f, field=field) for f in check_uscc(getattr(data, field)).violations]
    return findings


def _consistency_findings(data: ProjectIn) -> list[Finding]:
    """Checks that the form's own numbers agree (附件2, 附件3)."""
    findings = []
    counted = sum(u.count for u in data.unit_types)
    if counted != data.unit_count:
        findings.append(Finding("附件3", "unit_count_mismatch",
                                f"保障性租赁住房套（间）数 {data.unit_count} 与户型合计 {counted} 不一致",
                                field="unit_count"))
    if data.affordable_floor_area_m2 > data.total_floor_area_m2:
        findings.append(Finding("附件3", "affordable_area_exceeds_total",
                                "保障性租赁住房建筑面积不能大于项目总建筑面积",
                                field="affordable_floor_area_m2"))
    if month_start(data.planned_in_use) < month_start(data.planned_start):
        findings.append(Finding("附件3", "in_use_before_start", "投入使用时间不能早于开工时间",
                                field="planned_in_use"))
    return findings


def _validated(data: ProjectIn) -> None:
    """Refuse, with every problem at once, an application the rules do not allow."""
    decision = application_decision(facts_from_input(data), clock.today())
    problems = Decision.of([*_uscc_findings(data), *_consistency_findings(data),
                            *decision.violations])
    if not problems.ok:
        raise RuleViolation.from_decision(problems)


def _apply(project: Project, data: ProjectIn, user: User) -> None:
    conversion = data.construction_method == ConstructionMethod.conversion
    park = data.construction_method == ConstructionMethod.park_supporting_land
    values = data.model_dump(exclude={"unit_types", "planned_start", "planned_in_use",
                                      "commitment_accepted"})
    values |= {
        "construction_unit_uscc": normalize_uscc(data.construction_unit_uscc),
        "operator_unit_uscc": normalize_uscc(data.operator_unit_uscc),
        "district": data.district.strip(),
        "original_building_type": data.original_building_type if conversion else None,
        "application_granularity": data.application_granularity if conversion else None,
        "industrial_project_land_area_m2": data.industrial_project_land_area_m2 if park else None,
        "supporting_land_area_m2": data.supporting_land_area_m2 if park else None,
    }
    for key, value in values.items():
        setattr(project, key, value.value if hasattr(value, "value") else value)
    project.unit_types = unit_types_json(data)
    project.planned_start_on = month_start(data.planned_start)
    project.planned_in_use_on = month_start(data.planned_in_use)
    if data.commitment_accepted and project.commitment_accepted_at is None:
        project.commitment_version, project.commitment_accepted_at = COMMITMENT_VERSION, clock.now()
    elif not data.commitment_accepted:
        project.commitment_version = project.commitment_accepted_at = None


def _application_summary(project: Project) -> dict[str, Any]:
    return {"name": project.name, "district": project.district, "unit_count": project.unit_count,
            "unit_types": project.unit_types,
            "construction_method": project.construction_method}


# ---- the developer's application ------------------------------------------------------

def create_project(session: Session, user: User, data: ProjectIn) -> Project:
    _validated(data)
    project = Project(organization_id=user.organization_id, created_by_id=user.id,
                      status=S.draft.value)
    _apply(project, data, user)
    session.add(project)
    session.flush()
    session.add(ProjectEvent(project_id=project.id, on=clock.today(), actor_id=user.id,
                             actor_role=user.role, actor_unit=actor_unit(user), action="created",
                             from_status=None, to_status=S.draft.value, details={}))
    record(session, actor=user, action="project.created", entity_type="project",
           entity_id=project.id, summary=_application_summary(project))
    return get_project(session, user, project.id)


def update_project(session: Session, user: User, project_id: int, data: ProjectIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    require_status(project, EDITABLE, "修改（提交后申请已冻结）")
    _validated(data)
    _apply(project, data, user)
    transition(session, project, user, to=S(project.status), action="updated",
                details=_application_summary(project))
    return project


def submit(session: Session, user: User, project_id: int, data: SubmitIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    require_status(project, EDITABLE, "提交")
    if data.commitment_accepted and project.commitment_accepted_at is None:
        project.commitment_version, project.commitment_accepted_at = COMMITMENT_VERSION, clock.now()
    if project.commitment_accepted_at is None:
        raise RuleViolation("提交申请前须确认附件2申请书中的承诺", violations=[Finding(
            "附件2", "commitment_not_accepted", "申请单位须承诺项目只用于保障性租赁住房、资料真实",
            field="commitment_accepted")])
    decision = application_decision(facts_of(project), clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    resolved = [r for r in project.material_requests
                if r.stage == "submission" and r.supplemented_on is None]
    for request in resolved:
        request.supplemented_on, request.supplemented_by_id = clock.today(), user.id
        request.supplement_comment = "已修改并重新提交申请"
    project.submitted_at = clock.now()
    transition(session, project, user, to=S.submitted,
                action="submitted", details={"commitment_version": project.commitment_version})
    return project


def withdraw(session: Session, user: User, project_id: int, data: WithdrawIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    require_status(project, WITHDRAWABLE, "撤回（已作出决定的申请不能撤回）")
    project.withdrawn_on = clock.today()
    transition(session, project, user, to=S.withdrawn, action="withdrawn",
                comment=data.comment.strip() or None)
    return project


def supplement(session: Session, user: User, project_id: int, data: SupplementIn) -> Project:
    """The applicant answers a request for materials: the clock resumes with the days left."""
    project = get_project(session, user, project_id, lock=True)
    open_request = next((r for r in project.material_requests
                         if r.stage == "review" and r.supplemented_on is None), None)
    if project.status != S.awaiting_materials or open_request is None:
        raise Conflict("当前没有待补充的材料要求，无需补充")
    open_request.supplemented_on, open_request.supplemented_by_id = clock.today(), user.id
    open_request.supplement_comment = data.comment.strip()
    transition(session, project, user, to=S(open_request.resume_status or S.in_review),
                action="supplemented", comment=data.comment.strip(),
                details={"material_request_id": open_request.id})
    return project


# ---- the office ---------------------------------------------------------------------------

def accept(session: Session, user: User, project_id: int, data: AcceptIn) -> Project:
    """受理: the 10-working-day clock starts the day after ``on``."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.submitted}, "受理")
    today = clock.today()
    on = data.on or today
    submitted_on = clock.local_date(project.submitted_at) if project.submitted_at else today
    if on > today or on < submitted_on:
        raise InvalidInput(f"受理日期须在提交日期 {submitted_on.isoformat()} 与今天之间", field="on")
    project.accepted_on = on
    transition(session, project, user, to=S.accepted, action="accepted",
                details={"accepted_on": on.isoformat()})
    return project


def return_for_materials(session: Session, user: User, project_id: int, data: MaterialsIn) -> Project:
    """退回补正: the application is incomplete; the clock has not started."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.submitted}, "退回补正")
    comment = require_comment(data.comment, "comment", "退回")
    request = MaterialRequest(project_id=project.id, stage="submission", items=data.items,
                              comment=comment, requested_on=clock.today(), requested_by_id=user.id)
    session.add(request)
    transition(session, project, user, to=S.returned, action="returned", comment=comment,
                details={"items": data.items})
    return project


def request_materials(session: Session, user: User, project_id: int, data: MaterialsIn) -> Project:
    """补正 during review: the clock is suspended until the applicant supplements."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.accepted, S.in_review}, "要求补充材料")
    comment = require_comment(data.comment, "comment", "要求补充材料")
    request = MaterialRequest(project_id=project.id, stage="review", items=data.items,
                              comment=comment, requested_on=clock.today(), requested_by_id=user.id,
                              resume_status=project.status)
    session.add(request)
    transition(session, project, user, to=S.awaiting_materials, action="materials_requested",
                comment=comment, details={"items": data.items})
    return project


def dispatch(session: Session, user: User, project_id: int, data: DispatchIn) -> Project:
    """Send the plan to the departments the office chooses (联合审查)."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.accepted, S.in_review}, "发送联合审查")
    wanted = list(dict.fromkeys(data.department_ids))
    departments = {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(wanted)))}
    unknown = [i for i in wanted if i not in departments or departments[i].kind != "government"]
    if unknown:
        raise InvalidInput(f"部门编号 {unknown[0]} 不存在或不参与联合审查", field="department_ids")
    already = {d.department_id for d in project.dispatches}
    new = [i for i in wanted if i not in already]
    if not new:
        raise Conflict("所选部门均已发送过审查方案")
    for department_id in new:
        session.add(ReviewDispatch(project_id=project.id, department_id=department_id,
                                   dispatched_on=clock.today(), dispatched_by_id=user.id))
    transition(session, project, user, to=S.in_review, action="dispatched",
                details={"departments": [departments[i].name for i in new]})
    return get_project(session, user, project.id)


def record_meeting(session: Session, user: User, project_id: int, data: MeetingIn) -> Project:
    """评审会: only after every department the plan was sent to has answered."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.in_review}, "记录评审会结论")
    pending = [d.department.name for d in project.dispatches if d.opinion is None]
    if not project.dispatches or pending:
        raise Conflict("尚有部门未提交审查意见：" + "、".join(pending) if pending
                       else "尚未向任何部门发送审查方案")
    today = clock.today()
    held_on = data.held_on or today
    if held_on > today or (project.accepted_on and held_on < project.accepted_on):
        raise InvalidInput("评审会日期须在受理日期与今天之间", field="held_on")
    session.add(ReviewMeeting(project_id=project.id, held_on=held_on, decision=data.decision,
                              minutes=data.minutes.strip(), recorded_by_id=user.id))
    if data.decision == "pass":
        transition(session, project, user, to=S.meeting_passed, action="meeting_passed",
                    comment=data.minutes.strip())
        return project
    reasons = [{"article": r.article, "message": r.message} for r in data.reasons] + [
        {"article": "第二十四条", "message": f"{d.department.name}审查意见：{d.comment}"}
        for d in project.dispatches if d.opinion == "reject"]
    if not reasons:
        raise InvalidInput("评审会未通过时须列明理由及依据条款", field="reasons")
    project.decided_on = held_on
    documents.issue_notice(session, project, stage="meeting", reasons=reasons,
                           comment=data.minutes.strip(), on=today)
    transition(session, project, user, to=S.refused, action="meeting_failed",
                comment=data.minutes.strip(), details={"notice": project.notice.number})
    return project


def record_opinion(session: Session, user: User, project_id: int, data: OpinionIn) -> Project:
    """A department's opinion on the plan sent to it."""
    project = get_project(session, user, project_id, lock=True)
    mine = next((d for d in project.dispatches if d.department_id == user.department_id), None)
    if mine is None:
        raise NotFound("未找到该项目")
    require_status(project, {S.in_review, S.awaiting_materials}, "提交审查意见")
    if mine.opinion is not None:
        raise Conflict("本部门已提交审查意见，不能重复提交")
    comment = data.comment.strip()
    if data.opinion == "reject":
        require_comment(comment, "comment", "不同意")
    mine.opinion, mine.comment = data.opinion, comment or None
    mine.answered_on, mine.answered_by_id = clock.today(), user.id
    transition(session, project, user, to=S(project.status), action="opinion",
                comment=comment or None,
                details={"department": mine.department.name, "opinion": data.opinion})
    return project


# ---- the leading group --------------------------------------------------------------------

def leader_decision(session: Session, user: User, project_id: int, data: LeaderDecisionIn) -> Project:
    """市领导小组: approval issues the certificate in this transaction; refusal, the notice."""
    project = get_project(session, user, project_id, lock=True)
    require_status(project, {S.meeting_passed}, "审批（须先经评审会通过）")
    today = clock.today()
    if data.approve:
        facts = facts_of(project)
        decision = application_decision(facts, today) + city_share_decision(
            session, facts, project.id, today)
        if not decision.ok:
            raise RuleViolation.from_decision(decision)
        documents.issue_certificate(session, project, on=today)
        register_benefits(session, project, today)
        project.decided_on = today
        session.add(LeaderDecision(project_id=project.id, approve=True, comment=data.comment.strip(),
                                   decided_on=today, decided_by_id=user.id))
        transition(session, project, user, to=S.certified, action="approved",
                    comment=data.comment.strip() or None,
                    details={"certificate": project.certificate.number})
        return project
    comment = require_comment(data.comment, "comment", "不予认定")
    reasons = [{"article": r.article, "message": r.message} for r in data.reasons] or [
        {"article": "第二十四条", "message": f"市领导小组审批意见：{comment}"}]
    project.decided_on = today
    session.add(LeaderDecision(project_id=project.id, approve=False, comment=comment,
                               decided_on=today, decided_by_id=user.id))
    documents.issue_notice(session, project, stage="leader", reasons=reasons, comment=comment,
                           on=today)
    transition(session, project, user, to=S.refused, action="refused", comment=comment,
                details={"notice": project.notice.number})
    return project


def revoke_certificate(session: Session, user: User, number: str, reason: str, article: str) -> Project:
    """Revoke a certificate (第四十四条, 第四十六条); it then verifies as revoked."""
    certificate = documents.find_certificate(session, number, lock=True)
    if certificate is None:
        raise NotFound("未找到该认定书")
    if certificate.status != "valid":
        raise Conflict("该认定书已撤销")
    project = get_project(session, user, certificate.project_id, lock=True)
    today = clock.today()
    certificate.status, certificate.revoked_on = "revoked", today
    certificate.revoked_reason = f"{reason.strip()}（{article}）"
    certificate.revoked_by_id = user.id
    transition(session, project, user, to=S.revoked, action="revoked",
                comment=certificate.revoked_reason,
                details={"certificate": number, "article": article})
    return project


def dispatch_view(d: ReviewDispatch) -> dict[str, Any]:
    return {"department_id": d.department_id, "department_name": d.department.name,
            "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
            "answered_on": d.answered_on}


def event_view(e: ProjectEvent) -> dict[str, Any]:
    return {"at": e.at, "on": e.on, "action": e.action,
            "action_label": ACTION_LABELS.get(e.action, e.action), "actor_role": e.actor_role,
            "actor_unit": e.actor_unit, "from_status": e.from_status, "to_status": e.to_status,
            "to_status_label": S(e.to_status).label, "comment": e.comment, "details": e.details}

