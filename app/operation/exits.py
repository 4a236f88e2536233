"""Leaving the programme (第四十三、四十四条).

New-build and 配建 projects may not exit; a conversion may, after 8 full years of operation,
a public notice without objections and every lease wound up. The office then decides within
3 working days; consent issues a document copied to 发改、财政、税务 and the water, power and
gas companies (recorded as outgoing notifications) and ends the benefits. Leaving without
approval is recorded by the office: benefits cancelled, the certificate revoked, and any
paid subsidy becomes a refund obligation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import Department, User
from app.approval import documents
from app.approval.benefits import end_benefits
from app.approval.models import Project
from app.approval.service import get_project, require_comment, transition
from app.approval.status import ProjectStatus
from app.calendar.service import work_calendar
from app.core import clock
from app.core.errors import Conflict, NotFound, RuleViolation
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by, mapped_all
from app.operation.models import ExitRequest, OutgoingNotification, Subsidy, Unit
from app.operation.schemas import ExitDecisionIn, ExitRequestIn, UnapprovedExitIn
from app.operation.units import operating_project
from rules.art12_13_subsidy import refund_required
from rules.art43_44_exit import check_exit_request, exit_decision_clock
from rules.calendar import CalendarYearMissing
from rules.project_facts import ConstructionMethod

S = ProjectStatus
EXIT_COPIED_TO = ("fagai", "caizheng", "shuiwu", "water", "power", "gas")
EXIT_LABELS = {"pending": "待市保租办决定", "approved": "同意退出", "refused": "不同意退出"}


def active_leases(session: Session, project_id: int) -> int:
    """Units under a lease that has not been wound up (第四十四条: 依法依规完成解除承租对象租赁合同)."""
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id,
                                                            Unit.status == "leased")) or 0


def request_exit(session: Session, user: User, project_id: int, data: ExitRequestIn) -> ExitRequest:
    project = operating_project(session, user, project_id, lock=True)
    if session.scalar(select(ExitRequest.id).where(ExitRequest.project_id == project.id,
                                                   ExitRequest.status == "pending")):
        raise Conflict("已有待决定的退出申请")
    today = clock.today()
    decision = check_exit_request(ConstructionMethod(project.construction_method),
                                  project.operation_started_on, today, data.notice_from,
                                  data.notice_to, data.objections,
                                  active_leases(session, project.id))
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    request = ExitRequest(project_id=project.id, requested_on=today, requested_by_id=user.id,
                          notice_from=data.notice_from, notice_to=data.notice_to,
                          objections=data.objections, status="pending")
    session.add(request)
    session.flush()
    transition(session, project, user, to=S(project.status), action="exit_requested",
               details={"exit_request_id": request.id})
    return request


def _withdraw_units(session: Session, project: Project) -> None:
    session.execute(update(Unit).where(Unit.project_id == project.id, Unit.status != "withdrawn")
                    .values(status="withdrawn"), execution_options={"synchronize_session": False})


def decide_exit(session: Session, user: User, request_id: int, data: ExitDecisionIn) -> ExitRequest:
    request = session.scalar(select(ExitRequest).where(ExitRequest.id == request_id).with_for_update())
    if request is None:
        raise NotFound("未找到该退出申请")
    project = get_project(session, user, request.project_id, lock=True)
    if request.status != "pending":
        raise Conflict(f"该退出申请已{EXIT_LABELS[request.status]}")
    today = clock.today()
    request.decided_on, request.decided_by_id = today, user.id
    if not data.approve:
        request.status = "refused"
        request.decision_comment = require_comment(data.comment, "comment", "不同意退出")
        transition(session, project, user, to=S(project.status), action="exit_refused",
                   comment=request.decision_comment, details={"exit_request_id": request.id})
        return request
    seq = documents.next_seq(session, "exit", today.year)
    request.status, request.document_no = "approved", f"景保租退〔{today.year}〕{seq}号"
    request.decision_comment = data.comment.strip() or None
    subject = f"关于同意“{project.name}”退出保障性租赁住房序列的通知"
    for department in session.scalars(select(Department).where(Department.code.in_(EXIT_COPIED_TO))):
        session.add(OutgoingNotification(project_id=project.id, department_id=department.id,
                                         subject=subject, document_no=request.document_no,
                                         sent_on=today))
    ended = end_benefits(session, project, today, "exit")
    _withdraw_units(session, project)
    if project.certificate is not None:
        # The certificate's end is recorded in its revoked_* fields with status "exited".
        project.certificate.status, project.certificate.revoked_on = "exited", today
        project.certificate.revoked_reason = f"经批准退出保障性租赁住房序列（{request.document_no}）"
    transition(session, project, user, to=S.exited, action="exit_approved",
               comment=request.decision_comment,
               details={"exit_request_id": request.id, "document_no": request.document_no,
                        "benefits_ended": ended, "copied_to": list(EXIT_COPIED_TO)})
    return request


def record_unapproved_exit(session: Session, user: User, project_id: int,
                           data: UnapprovedExitIn) -> Project:
    """第四十四条: 无正当理由（或未经批准）退出 — benefits cancelled, subsidy refunded."""
    project = operating_project(session, user, project_id, lock=True)
    today = clock.today()
    found_on = data.found_on or today
    reason = require_comment(data.reason, "reason", "记录未经批准退出")
    ended = end_benefits(session, project, found_on, "cancelled")
    refunds = []
    for subsidy in session.scalars(select(Subsidy).where(Subsidy.project_id == project.id)):
        obligation = refund_required(subsidy.paid_on, exit_approved=False,
                                     operation_years_completed=False)
        if not obligation.ok:
            subsidy.refund_due_yuan, subsidy.refund_reason = subsidy.amount_yuan, reason
            subsidy.refund_recorded_on = today
            refunds.append(str(subsidy.amount_yuan))
    _withdraw_units(session, project)
    if project.certificate is not None and project.certificate.status == "valid":
        project.certificate.status, project.certificate.revoked_on = "revoked", today
        project.certificate.revoked_reason = f"未经批准退出保障性租赁住房序列：{reason}（第四十四条）"
        project.certificate.revoked_by_id = user.id
    transition(session, project, user, to=S.exited_unapproved, action="exited_unapproved",
               comment=reason, details={"benefits_cancelled": ended, "refunds_yuan": refunds})
    return project


def request_view(session: Session, request: ExitRequest, project: Project) -> dict[str, Any]:
    return request_views(session, [(request, project)])[0]


def request_views(session: Session, pairs: list[tuple[ExitRequest, Project]]) -> list[dict[str, Any]]:
    """The views of a page of exit requests with their projects: the copies sent out for all
    of them in one statement, the working calendar read once."""
    if not pairs:
        return []
    numbers = {r.document_no for r, _ in pairs if r.document_no}
    sent: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    if numbers:
        for n, name in session.execute(
                select(OutgoingNotification, Department.name)
                .join(Department, Department.id == OutgoingNotification.department_id)
                .where(OutgoingNotification.document_no.in_(numbers))
                .order_by(OutgoingNotification.id)):
            sent[(n.project_id, n.document_no)].append({
                "department": name, "subject": n.subject, "document_no": n.document_no,
                "sent_on": n.sent_on})
    calendar = work_calendar(session)
    views = []
    for request, project in pairs:
        deadline, overdue = None, False
        try:
            state = exit_decision_clock(calendar, request.requested_on,
                                        max(clock.today(), request.decided_on or request.requested_on),
                                        request.decided_on)
            deadline, overdue = state.deadline, state.overdue
        except CalendarYearMissing:
            pass
        views.append({
            "id": request.id, "project_id": project.id, "project_name": project.name,
            "requested_on": request.requested_on, "notice_from": request.notice_from,
            "notice_to": request.notice_to, "objections": request.objections,
            "status": request.status, "status_label": EXIT_LABELS[request.status],
            "decided_on": request.decided_on, "decision_comment": request.decision_comment,
            "document_no": request.document_no, "deadline": deadline, "overdue": overdue,
            "notifications": sent[(project.id, request.document_no)] if request.document_no else []})
    return views


def requests_of(session: Session, project: Project) -> list[dict[str, Any]]:
    return request_views(session, [(r, project) for r in session.scalars(
        select(ExitRequest).where(ExitRequest.project_id == project.id).order_by(ExitRequest.id))])


def requests_page(session: Session, project: Project, *, cursor: int | None,
                  limit: int) -> Page[dict[str, Any]]:
    """A project's exit requests, oldest first (keyset by id)."""
    found = keyset(session, select(ExitRequest).where(ExitRequest.project_id == project.id),
                   ExitRequest.id, cursor=cursor, limit=limit, descending=False)
    return mapped_all(found, lambda page: request_views(session, [(r, project) for r in page]))


def queue(session: Session, *, cursor: int | None = None,
          limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """Pending exit requests for the office, soonest deadline first.

    The deadline is 3 working days after the request day, so it follows the request day:
    the queue is kept in the order of (request day, id) and paged by that keyset (a request
    whose year has no holiday calendar yet shows without a deadline, in its place)."""
    found = keyset_by(session, select(ExitRequest).where(ExitRequest.status == "pending"),
                      [ExitRequest.requested_on], ExitRequest.id, cursor=cursor, limit=limit)
    ids = {r.project_id for r in found.items}
    projects = {p.id: p for p in session.scalars(
        select(Project).where(Project.id.in_(ids)))} if ids else {}
    return mapped_all(found, lambda page: request_views(
        session, [(r, projects[r.project_id]) for r in page]))


def pending_request_project(session: Session, request_id: int) -> int | None:
    """The project of a pending exit request (None if there is no such pending request)."""
    return session.scalar(select(ExitRequest.project_id).where(
        ExitRequest.id == request_id, ExitRequest.status == "pending"))


def overdue_pending(session: Session) -> int:
    """How many pending exit requests are past their 3-working-day deadline (a count over all
    of them: two statements, whatever their number)."""
    calendar, today = work_calendar(session), clock.today()
    overdue = 0
    for requested_on in session.scalars(select(ExitRequest.requested_on).where(
            ExitRequest.status == "pending")):
        try:
            overdue += exit_decision_clock(calendar, requested_on, max(today, requested_on)).overdue
        except CalendarYearMissing:
            continue
    return overdue
