"""Pages of the leading group (市领导小组): approvals waiting, and the decision."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import review, service
from app.approval.enums import ProjectStatus
from app.approval.schemas import LeaderDecisionIn
from app.web.core import Form, page_router, render, require
from app.web.forms import blank, from_form, optional, row_renamer, rows, text
from app.web.pager import PAGE, next_url
from app.web.projects import act

router = page_router()
LEADER = require(Role.leader)


@router.get("/leader/approvals", name="leader_approvals")
def approvals(request: Request, session: SessionDep, cursor: int | None = None,
              user: User = LEADER) -> Response:
    """Projects the meeting passed, waiting for the leading group, soonest deadline first;
    50 a page."""
    found = review.queue(session, user, cursor=cursor, limit=PAGE,
                         status=ProjectStatus.meeting_passed.value)
    return render(request, "leader/approvals.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor)})


@router.post("/projects/{project_id:int}/leader-approval", name="project_leader_approval")
def decide(request: Request, session: SessionDep, project_id: int, form: Form,
           user: User = LEADER) -> Response:
    kept = [r for r in rows(form, "reasons", ("article", "message")) if not blank(r)]
    decision = optional(form, "decision")
    return act(request, session, user, project_id, "leader", form,
               lambda f: from_form(LeaderDecisionIn, {
                   **({"approve": decision == "approve"} if decision in ("approve", "refuse") else {}),
                   "comment": text(f, "comment"),
                   "reasons": [{"article": r["article"], "message": r["message"]} for r in kept]}),
               lambda data: service.leader_decision(session, user, project_id, data),
               lambda p: (f"已同意认定，出具认定书 {p.certificate.number}" if p.certificate
                          else f"已不予认定，出具不符合通知书 {p.notice.number if p.notice else ''}"),
               rename=lambda name: row_renamer("reasons", kept)(name).replace("approve", "decision"))
