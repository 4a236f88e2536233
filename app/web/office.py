"""Pages of the city office (市保租办).

The review queue sorted by deadline (overdue and due-soon badges), the project steps —
accept or return, dispatch to departments, ask for materials, record the meeting, revoke a
certificate, decide an exit — tenant application review, and the public lotteries.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import review, service
from app.approval.enums import ProjectStatus
from app.approval.repository import get_project
from app.approval.schemas import AcceptIn, DispatchIn, MaterialsIn, MeetingIn, RevokeIn
from app.core.errors import NotFound, ProblemError
from app.operation import repository as operation_repo
from app.operation import service as operation
from app.operation import views as operation_views
from app.operation.enums import ExitRequestStatus
from app.operation.schemas import ExitDecisionIn
from app.tenants import applications, lottery
from app.tenants import repository as tenants_repo
from app.tenants import views as tenant_views
from app.tenants.enums import ApplicationStatus, LotteryStatus
from app.tenants.schemas import ApplicationReview
from app.tenants.workflows import LOTTERY
from app.web.core import Form, attempt, page_router, param, redirect, render, require
from app.web.forms import FormState, blank, from_form, optional, row_renamer, rows, text
from app.web.pager import PAGE, next_url
from app.web.projects import act

router = page_router()
OFFICE = require(Role.office)


@router.get("/office/queue", name="office_queue")
def queue(request: Request, session: SessionDep, cursor: int | None = None,
          exit_cursor: int | None = None, listing_cursor: int | None = None,
          user: User = OFFICE) -> Response:
    """Open applications, soonest deadline first, with overdue and due-soon flags; pending
    exit requests (3 working days) and listings waiting for 住建 or overdue. Each list is
    paged on its own (50 a page; ``cursor``, ``exit_cursor``, ``listing_cursor``)."""
    items = review.queue(session, user, cursor=cursor, limit=PAGE)
    pending = operation_views.exit_queue(
        session, *operation_repo.pending_exit_requests(session, cursor=exit_cursor, limit=PAGE))
    listings = operation_views.listing_queue(
        session, operation_repo.listing_queue(session, user, cursor=listing_cursor, limit=PAGE))
    return render(request, "office/queue.html", {
        "items": items.items, "next_url": next_url(request, items.next_cursor),
        "exits": pending.items, "exits_next_url": next_url(request, pending.next_cursor, "exit_cursor"),
        "listings": listings.items,
        "listings_next_url": next_url(request, listings.next_cursor, "listing_cursor"),
        "stats": review.stats(session)})


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _materials(form: Any) -> MaterialsIn:
    """The list-and-comment form of returning an application and of asking for materials."""
    return from_form(MaterialsIn, {"items": _lines(text(form, "items")),
                                       "comment": text(form, "comment")})


def _reasons(form: Any) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    kept = [r for r in rows(form, "reasons", ("article", "message")) if not blank(r)]
    return [{"article": r["article"], "message": r["message"]} for r in kept], kept


@router.post("/projects/{project_id:int}/accept", name="project_accept")
def accept(request: Request, session: SessionDep, project_id: int, form: Form,
           user: User = OFFICE) -> Response:
    return act(request, session, user, project_id, "accept", form,
               lambda f: from_form(AcceptIn, {"on": optional(f, "on")}),
               lambda data: service.accept(session, user, project_id, data),
               f"已受理，{param('review_working_days')} 个工作日审查计时开始")


@router.post("/projects/{project_id:int}/return", name="project_return")
def return_for_materials(request: Request, session: SessionDep, project_id: int, form: Form,
                         user: User = OFFICE) -> Response:
    return act(request, session, user, project_id, "return", form,
               _materials,
               lambda data: service.return_for_materials(session, user, project_id, data),
               "已退回补正")


@router.post("/projects/{project_id:int}/request-materials", name="project_request_materials")
def request_materials(request: Request, session: SessionDep, project_id: int, form: Form,
                      user: User = OFFICE) -> Response:
    return act(request, session, user, project_id, "request_materials", form,
               _materials,
               lambda data: service.request_materials(session, user, project_id, data),
               "已要求补充材料，审查计时暂停")


@router.post("/projects/{project_id:int}/dispatch", name="project_dispatch")
def dispatch(request: Request, session: SessionDep, project_id: int, form: Form,
             user: User = OFFICE) -> Response:
    return act(request, session, user, project_id, "dispatch", form,
               lambda f: from_form(DispatchIn, {"department_ids": f.getlist("department_ids")}),
               lambda data: service.dispatch(session, user, project_id, data),
               "审查方案已发送相关部门", lists=("department_ids",))


@router.post("/projects/{project_id:int}/meeting", name="project_meeting")
def meeting(request: Request, session: SessionDep, project_id: int, form: Form,
            user: User = OFFICE) -> Response:
    reasons, kept = _reasons(form)
    return act(request, session, user, project_id, "meeting", form,
               lambda f: from_form(MeetingIn, {
                   "decision": optional(f, "decision"), "minutes": text(f, "minutes"),
                   "held_on": optional(f, "held_on"), "reasons": reasons}),
               lambda data: service.record_meeting(session, user, project_id, data),
               lambda p: ("评审会通过，已报市领导小组审批" if p.status == ProjectStatus.meeting_passed
                          else f"评审会未通过，已出具不符合通知书 {p.notice.number if p.notice else ''}"),
               rename=row_renamer("reasons", kept))


@router.post("/projects/{project_id:int}/revoke", name="project_revoke")
def revoke(request: Request, session: SessionDep, project_id: int, form: Form,
           user: User = OFFICE) -> Response:
    project = get_project(session, user, project_id)
    number = project.certificate.number if project.certificate else ""
    return act(request, session, user, project_id, "revoke", form,
               lambda f: from_form(RevokeIn, {"reason": text(f, "reason"),
                                                  "article": text(f, "article") or "第四十六条"}),
               lambda data: service.revoke_certificate(session, user, number, data.reason, data.article),
               f"认定书 {number} 已撤销")


@router.post("/exit-requests/{request_id:int}/decision", name="exit_decision")
def decide_exit(request: Request, session: SessionDep, request_id: int, form: Form,
                user: User = OFFICE) -> Response:
    project_id = operation_repo.pending_request_project(session, request_id)
    if project_id is None:
        raise NotFound("未找到待决定的退出申请")
    return act(request, session, user, project_id, "exit_decision", form,
               lambda f: from_form(ExitDecisionIn, {"approve": optional(f, "approve"),
                                                        "comment": text(f, "comment")}),
               lambda data: operation.decide_exit(session, user, request_id, data),
               lambda r: f"已{'同意' if r.status == ExitRequestStatus.approved else '不同意'}退出"
                         + (f"（{r.document_no}）" if r.document_no else ""))


# ---- tenant applications ---------------------------------------------------------------------

APPLICATION_STATUSES = [(s.value, s.label) for s in ApplicationStatus if s != ApplicationStatus.closed
                        ] + [("", "全部")]


@router.get("/office/applications", name="office_applications")
def application_list(request: Request, session: SessionDep, status: str = "submitted",
                     cursor: int | None = None, user: User = OFFICE) -> Response:
    """Applications in one state (or all), newest first, 50 a page (keyset)."""
    wanted = status if status in {s for s, _ in APPLICATION_STATUSES} else "submitted"
    found = tenant_views.applications_page(session, user, tenants_repo.applications(
        session, user, wanted or None, None, cursor=cursor, limit=PAGE))
    return render(request, "office/applications.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor),
        "status": wanted, "statuses": APPLICATION_STATUSES})


def _application_page(request: Request, session: Any, user: User, application_id: int,
                      f: FormState | None = None, status_code: int = 200) -> Response:
    found = tenants_repo.application(session, user, application_id)
    view = tenant_views.application_view(session, user, found)
    return render(request, "office/application.html", {"a": view, "f": f or FormState()},
                  status_code=status_code)


@router.get("/office/applications/{application_id:int}", name="office_application")
def application_detail(request: Request, session: SessionDep, application_id: int,
                       user: User = OFFICE) -> Response:
    return _application_page(request, session, user, application_id)


@router.post("/office/applications/{application_id:int}/review", name="office_application_review")
def review_application(request: Request, session: SessionDep, application_id: int, form: Form,
                       user: User = OFFICE) -> Response:
    tenants_repo.application(session, user, application_id)
    f = FormState.of(form)
    decision = text(form, "decision")
    if decision not in ("approve", "refuse"):
        f.add("decision", "请选择审核结论")
        f.detail = "请更正下列标出的内容后再提交。"
        return _application_page(request, session, user, application_id, f, 422)
    try:
        data = from_form(ApplicationReview, {"approve": decision == "approve",
                                                 "reason": text(form, "reason")})
        result = attempt(session, applications.review, session, user, application_id, data)
    except ValidationError as exc:
        return _application_page(request, session, user, application_id, f.add_validation(exc), 422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _application_page(request, session, user, application_id, f.add_problem(exc),
                                 exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/office/applications/{application_id}", request,
                    "已审核通过" if result.status == "approved" else "已审核不予通过，理由已告知申请人")


# ---- lotteries (第三十一条) ----------------------------------------------------------------

@router.get("/office/lotteries", name="office_lotteries")
def lotteries(request: Request, session: SessionDep, cursor: int | None = None,
              user: User = OFFICE) -> Response:
    """Projects in operation with their waiting applications, units and draws; 50 a page."""
    found = tenants_repo.lottery_board(session, user, cursor=cursor, limit=PAGE)
    return render(request, "office/lotteries.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor),
        "lottery_labels": LotteryStatus.labels(),
        "may_draw": lambda drawing: "draw" in LOTTERY.allowed(user, drawing)})


@router.post("/office/projects/{project_id:int}/lottery", name="office_lottery_commit")
def commit_lottery(request: Request, session: SessionDep, project_id: int,
                   user: User = OFFICE) -> Response:
    try:
        found = attempt(session, lottery.commit, session, user, project_id)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return redirect("/office/lotteries", request, f"未能发起摇号：{exc.detail}")
    return redirect(f"/lotteries/{found.id}", request,
                    "已公布摇号承诺值与名单；开奖后任何人可用公布的种子复核顺序")


@router.post("/office/lotteries/{lottery_id:int}/draw", name="office_lottery_draw")
def draw_lottery(request: Request, session: SessionDep, lottery_id: int,
                 user: User = OFFICE) -> Response:
    try:
        attempt(session, lottery.draw, session, user, lottery_id)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return redirect("/office/lotteries", request, f"未能开奖：{exc.detail}")
    return redirect(f"/lotteries/{lottery_id}", request, "已开奖，种子与顺序已公布")
