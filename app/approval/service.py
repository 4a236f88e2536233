"""The state changes of the approval workflow (第二十四条), each by the role the transition
table allows (:data:`app.approval.workflows.APPROVAL`), each with its history and audit event
in the same transaction; and the documents and benefits a decision issues.

A step the table does not allow the role answers 403, a state that does not allow it now 409;
a refusal or return without a comment, 422. Every transition writes a ``ProjectEvent`` (the
history the applicant sees) and an audit event in the same transaction.

Certificates and notices are numbered gap-free within a year and never reused: the yearly
row of ``document_sequence`` is incremented in the issuing transaction (its row lock
serialises concurrent issuers; a rollback gives the number back). A certificate's content is
frozen at issue, so later changes to the project never alter an issued document.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import repository
from app.approval.checks import application_decision, city_share_decision
from app.approval.documents import certificate_content
from app.approval.enums import (
    BenefitEnd,
    CertificateStatus,
    EventAction,
    MaterialStage,
    MeetingDecision,
    NoticeStage,
    Opinion,
    ProjectStatus,
)
from app.approval.facts import (
    COMMITMENT_VERSION,
    facts_from_input,
    facts_of,
    month_start,
    unit_types_json,
)
from app.approval.materials import require_due_materials
from app.approval.models import (
    Certificate,
    DocumentSequence,
    LeaderDecision,
    MaterialRequest,
    NonconformityNotice,
    Project,
    ProjectBenefit,
    ProjectEvent,
    ReviewDispatch,
    ReviewMeeting,
)
from app.approval.repository import get_project  # (the later domains' services import it from here)
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
from app.approval.workflows import APPROVAL, enforce
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from rules.annex1_review_departments import proposed_departments
from rules.art14_16_benefits import benefits
from rules.art24_construction_start import check_construction_start
from rules.decision import Decision, Finding
from rules.identifiers import check_uscc, normalize_uscc
from rules.project_facts import ConstructionMethod

S = ProjectStatus
A = EventAction
SEQUENCE_MAX = 9999


# ---- the history and the audit trail of each step ---------------------------------------------

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


def transition(session: Session, project: Project, user: User, *, to: str, action: str,
               comment: str | None = None, details: dict[str, Any] | None = None) -> None:
    """Move ``project`` to ``to`` (or keep its state) and write the history the applicant
    sees and the audit event, in the session's transaction."""
    before = project.status
    project.status = str(to)
    session.add(ProjectEvent(project_id=project.id, on=clock.today(), actor_id=user.id,
                             actor_role=user.role, actor_unit=actor_unit(user), action=str(action),
                             from_status=before, to_status=str(to), comment=comment,
                             details=details or {}))
    session.flush()
    record(session, actor=user, action=f"project.{action}", entity_type="project",
           entity_id=project.id, summary={"from": before, "to": str(to), **(details or {})})


def require_comment(text: str | None, field: str, what: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(f"{what}必须填写意见或理由", field=field)
    return text.strip()


# ---- the application's own checks -------------------------------------------------------------

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
                             actor_role=user.role, actor_unit=actor_unit(user),
                             action=A.created.value, from_status=None, to_status=S.draft.value,
                             details={}))
    record(session, actor=user, action=f"project.{A.created}", entity_type="project",
           entity_id=project.id, summary=_application_summary(project))
    return get_project(session, user, project.id)


def editable(session: Session, user: User, project_id: int) -> Project:
    """A project ``user`` may edit now (the edit form is shown for it): 403/404/409 otherwise."""
    project = get_project(session, user, project_id)
    APPROVAL.check("edit", user, project, doing="修改（提交后申请已冻结）")
    return project


def update_project(session: Session, user: User, project_id: int, data: ProjectIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("edit", user, project, doing="修改（提交后申请已冻结）")
    _validated(data)
    _apply(project, data, user)
    transition(session, project, user, to=project.status, action=A.updated,
               details=_application_summary(project))
    return project


def submit(session: Session, user: User, project_id: int, data: SubmitIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("submit", user, project, doing="提交")
    if data.commitment_accepted and project.commitment_accepted_at is None:
        project.commitment_version, project.commitment_accepted_at = COMMITMENT_VERSION, clock.now()
    if project.commitment_accepted_at is None:
        raise RuleViolation("提交申请前须确认附件2申请书中的承诺", violations=[Finding(
            "附件2", "commitment_not_accepted", "申请单位须承诺项目只用于保障性租赁住房、资料真实",
            field="commitment_accepted")])
    decision = application_decision(facts_of(project), clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    require_due_materials(session, project)
    resolved = [r for r in project.material_requests
                if r.stage == MaterialStage.submission and r.supplemented_on is None]
    for request in resolved:
        request.supplemented_on, request.supplemented_by_id = clock.today(), user.id
        request.supplement_comment = "已修改并重新提交申请"
    project.submitted_at = clock.now()
    transition(session, project, user, to=S.submitted,
               action=A.submitted, details={"commitment_version": project.commitment_version})
    return project


def withdraw(session: Session, user: User, project_id: int, data: WithdrawIn) -> Project:
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("withdraw", user, project, doing="撤回（已作出决定的申请不能撤回）")
    project.withdrawn_on = clock.today()
    transition(session, project, user, to=S.withdrawn, action=A.withdrawn,
               comment=data.comment.strip() or None)
    return project


def supplement(session: Session, user: User, project_id: int, data: SupplementIn) -> Project:
    """The applicant answers a request for materials: the clock resumes with the days left."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("supplement", user, project, doing="补充材料（当前没有待补充的材料要求）")
    open_request = next(r for r in project.material_requests
                        if r.stage == MaterialStage.review and r.supplemented_on is None)
    open_request.supplemented_on, open_request.supplemented_by_id = clock.today(), user.id
    open_request.supplement_comment = data.comment.strip()
    transition(session, project, user, to=open_request.resume_status or S.in_review,
               action=A.supplemented, comment=data.comment.strip(),
               details={"material_request_id": open_request.id})
    return project


# ---- the office ---------------------------------------------------------------------------

def accept(session: Session, user: User, project_id: int, data: AcceptIn) -> Project:
    """受理: the 10-working-day clock starts the day after ``on``."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("accept", user, project, doing="受理")
    today = clock.today()
    on = data.on or today
    submitted_on = clock.local_date(project.submitted_at) if project.submitted_at else today
    if on > today or on < submitted_on:
        raise InvalidInput(f"受理日期须在提交日期 {submitted_on.isoformat()} 与今天之间", field="on")
    project.accepted_on = on
    transition(session, project, user, to=S.accepted, action=A.accepted,
               details={"accepted_on": on.isoformat()})
    return project


def return_for_materials(session: Session, user: User, project_id: int, data: MaterialsIn) -> Project:
    """退回补正: the application is incomplete; the clock has not started."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("return", user, project, doing="退回补正")
    comment = require_comment(data.comment, "comment", "退回")
    request = MaterialRequest(project_id=project.id, stage=MaterialStage.submission.value,
                              items=data.items, comment=comment, requested_on=clock.today(),
                              requested_by_id=user.id)
    session.add(request)
    transition(session, project, user, to=S.returned, action=A.returned, comment=comment,
               details={"items": data.items})
    return project


def request_materials(session: Session, user: User, project_id: int, data: MaterialsIn) -> Project:
    """补正 during review: the clock is suspended until the applicant supplements."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("request_materials", user, project, doing="要求补充材料")
    comment = require_comment(data.comment, "comment", "要求补充材料")
    request = MaterialRequest(project_id=project.id, stage=MaterialStage.review.value,
                              items=data.items, comment=comment, requested_on=clock.today(),
                              requested_by_id=user.id, resume_status=project.status)
    session.add(request)
    transition(session, project, user, to=S.awaiting_materials, action=A.materials_requested,
               comment=comment, details={"items": data.items})
    return project


def dispatch(session: Session, user: User, project_id: int, data: DispatchIn) -> Project:
    """Send the plan to the departments the office chooses (联合审查)."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("dispatch", user, project, doing="发送联合审查")
    wanted = list(dict.fromkeys(data.department_ids))
    departments = repository.departments_by_id(session, wanted)
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
    details: dict[str, Any] = {"departments": [departments[i].name for i in new]}
    if not already:  # the first sending: record how the office changed the proposal
        names = {d.code: d.name for d in repository.review_departments(session)}
        proposed = [names[p.code] for p in proposed_departments(facts_of(project)) if p.code in names]
        chosen = [departments[i].name for i in new]
        details |= {"departments_proposed": proposed,
                    "departments_added": [n for n in chosen if n not in proposed],
                    "departments_removed": [n for n in proposed if n not in chosen]}
    transition(session, project, user, to=S.in_review, action=A.dispatched, details=details)
    return get_project(session, user, project.id)


def dispatch_options(session: Session, project: Project) -> list[dict[str, Any]]:
    """The departments the plan can still be sent to, each marked proposed or not with the fact
    of the application that calls for it (:mod:`rules.annex1_review_departments`)."""
    reasons = {p.code: p.reason for p in proposed_departments(facts_of(project))}
    sent = {d.department_id for d in project.dispatches}
    return [{"id": d.id, "name": d.name, "proposed": d.code in reasons and not sent,
             "reason": reasons.get(d.code)}
            for d in repository.review_departments(session) if d.id not in sent]


def _not_answered(project: Project) -> Conflict:
    pending = [d.department.name for d in project.dispatches if d.opinion is None]
    return Conflict("尚有部门未提交审查意见：" + "、".join(pending) if pending
                    else "尚未向任何部门发送审查方案")


def record_meeting(session: Session, user: User, project_id: int, data: MeetingIn) -> Project:
    """评审会: only after every department the plan was sent to has answered."""
    project = get_project(session, user, project_id, lock=True)
    enforce(APPROVAL, "meeting", user, project, doing="记录评审会结论",
            refusal=lambda: _not_answered(project))
    today = clock.today()
    held_on = data.held_on or today
    if held_on > today or (project.accepted_on and held_on < project.accepted_on):
        raise InvalidInput("评审会日期须在受理日期与今天之间", field="held_on")
    session.add(ReviewMeeting(project_id=project.id, held_on=held_on, decision=data.decision,
                              minutes=data.minutes.strip(), recorded_by_id=user.id))
    if data.decision == MeetingDecision.passed:
        transition(session, project, user, to=S.meeting_passed, action=A.meeting_passed,
                   comment=data.minutes.strip())
        return project
    reasons = [{"article": r.article, "message": r.message} for r in data.reasons] + [
        {"article": "第二十四条", "message": f"{d.department.name}审查意见：{d.comment}"}
        for d in project.dispatches if d.opinion == Opinion.reject]
    if not reasons:
        raise InvalidInput("评审会未通过时须列明理由及依据条款", field="reasons")
    project.decided_on = held_on
    issue_notice(session, project, stage=NoticeStage.meeting, reasons=reasons,
                 comment=data.minutes.strip(), on=today)
    transition(session, project, user, to=S.refused, action=A.meeting_failed,
               comment=data.minutes.strip(), details={"notice": project.notice.number})
    return project


# ---- the departments ----------------------------------------------------------------------

def record_opinion(session: Session, user: User, project_id: int, data: OpinionIn) -> Project:
    """A department's opinion on the plan sent to it."""
    project = get_project(session, user, project_id, lock=True)
    mine = next((d for d in project.dispatches if d.department_id == user.department_id), None)
    if mine is None:  # not sent to this department: as if there were no such project
        raise NotFound("未找到该项目")
    APPROVAL.check("opinion", user, project, doing="提交审查意见")
    comment = data.comment.strip()
    if data.opinion == Opinion.reject:
        require_comment(comment, "comment", "不同意")
    mine.opinion, mine.comment = data.opinion, comment or None
    mine.answered_on, mine.answered_by_id = clock.today(), user.id
    transition(session, project, user, to=project.status, action=A.opinion,
               comment=comment or None,
               details={"department": mine.department.name, "opinion": data.opinion})
    return project


# ---- the leading group --------------------------------------------------------------------

def leader_decision(session: Session, user: User, project_id: int, data: LeaderDecisionIn) -> Project:
    """市领导小组: approval issues the certificate in this transaction; refusal, the notice."""
    project = get_project(session, user, project_id, lock=True)
    APPROVAL.check("leader", user, project, doing="审批（须先经评审会通过）")
    today = clock.today()
    if data.approve:
        facts = facts_of(project)
        decision = application_decision(facts, today) + city_share_decision(
            session, facts, project.id, today)
        if not decision.ok:
            raise RuleViolation.from_decision(decision)
        issue_certificate(session, project, on=today)
        register_benefits(session, project, today)
        project.decided_on = today
        session.add(LeaderDecision(project_id=project.id, approve=True, comment=data.comment.strip(),
                                   decided_on=today, decided_by_id=user.id))
        transition(session, project, user, to=S.certified, action=A.approved,
                   comment=data.comment.strip() or None,
                   details={"certificate": project.certificate.number})
        return project
    comment = require_comment(data.comment, "comment", "不予认定")
    reasons = [{"article": r.article, "message": r.message} for r in data.reasons] or [
        {"article": "第二十四条", "message": f"市领导小组审批意见：{comment}"}]
    project.decided_on = today
    session.add(LeaderDecision(project_id=project.id, approve=False, comment=comment,
                               decided_on=today, decided_by_id=user.id))
    issue_notice(session, project, stage=NoticeStage.leader, reasons=reasons, comment=comment,
                 on=today)
    transition(session, project, user, to=S.refused, action=A.refused, comment=comment,
               details={"notice": project.notice.number})
    return project


def revoke_certificate(session: Session, user: User, number: str, reason: str, article: str) -> Project:
    """Revoke a certificate (第四十四条, 第四十六条); it then verifies as revoked."""
    certificate = repository.certificate_by_number(session, number, lock=True)
    if certificate is None:
        raise NotFound("未找到该认定书")
    project = get_project(session, user, certificate.project_id, lock=True)
    APPROVAL.check("revoke", user, project, doing="撤销认定书")
    today = clock.today()
    certificate.status, certificate.revoked_on = CertificateStatus.revoked.value, today
    certificate.revoked_reason = f"{reason.strip()}（{article}）"
    certificate.revoked_by_id = user.id
    transition(session, project, user, to=S.revoked, action=A.revoked,
               comment=certificate.revoked_reason,
               details={"certificate": number, "article": article})
    return project


# ---- documents: numbering and issuing ---------------------------------------------------------

def next_seq(session: Session, kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``, holding the sequence row until commit."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DocumentSequence).values(kind=kind, year=year, last_seq=0)
                    .on_conflict_do_nothing())
    seq = session.execute(update(DocumentSequence)
                          .where(DocumentSequence.kind == kind, DocumentSequence.year == year)
                          .values(last_seq=DocumentSequence.last_seq + 1)
                          .returning(DocumentSequence.last_seq),
                          execution_options={"synchronize_session": False}).scalar_one()
    if seq > SEQUENCE_MAX:
        raise Conflict(f"{year} 年的编号已用尽（最多 {SEQUENCE_MAX} 号）")
    return seq


def issue_certificate(session: Session, project: Project, *, on: date) -> Certificate:
    if project.certificate is not None:
        raise Conflict("该项目已出具认定书")
    seq = next_seq(session, "certificate", on.year)
    certificate = Certificate(number=f"{on.year}-{seq:04d}", year=on.year, seq=seq,
                              project_id=project.id, issued_on=on,
                              status=CertificateStatus.valid.value,
                              content=certificate_content(project, on))
    session.add(certificate)
    session.flush()
    project.certificate = certificate
    return certificate


def issue_notice(session: Session, project: Project, *, stage: str, reasons: list[dict[str, str]],
                 comment: str, on: date) -> NonconformityNotice:
    seq = next_seq(session, "notice", on.year)
    notice = NonconformityNotice(number=f"景保租不符〔{on.year}〕{seq}号", year=on.year, seq=seq,
                                 project_id=project.id, issued_on=on, stage=str(stage),
                                 reasons=reasons, comment=comment)
    session.add(notice)
    session.flush()
    project.notice = notice
    return notice


# ---- the benefits register (第十四–十六条) -------------------------------------------------------

def register_benefits(session: Session, project: Project, on: date) -> None:
    """Record the benefits the certificate unlocks, in force from its issue date."""
    for benefit in benefits(facts_of(project), on):
        if benefit.applies:
            session.add(ProjectBenefit(project_id=project.id, code=benefit.code,
                                       title=benefit.title, article=benefit.article, since=on))


def end_benefits(session: Session, project: Project, on: date, reason: BenefitEnd) -> list[str]:
    """End every active benefit (``reason``: exit when approved, cancelled otherwise)."""
    ended = []
    for benefit in repository.active_benefits(session, project.id):
        benefit.ended_on, benefit.end_reason = on, reason.value
        ended.append(benefit.code)
    return ended


# ---- construction start (第二十四条; the plan's progress, 第六条) ---------------------------------

def record_construction_start(session: Session, user: User, project_id: int, started_on: date) -> Project:
    """The developer records the day construction (or conversion works) started: not before the
    certificate that opens the 施工 procedures, not after the completion acceptance, not future."""
    project = get_project(session, user, project_id, lock=True)
    enforce(APPROVAL, "construction_start", user, project)
    certified = project.certificate.issued_on if project.certificate is not None else project.decided_on
    decision = check_construction_start(started_on, certified, project.completed_on, clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    before = project.construction_started_on
    project.construction_started_on = started_on
    transition(session, project, user, to=project.status, action=EventAction.construction_started,
               details={"started_on": started_on.isoformat(),
                        "before": before.isoformat() if before else None})
    return project
