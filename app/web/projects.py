"""The project pages every party shares: the list and the project page.

The project page shows what the viewer may see of one project (scoped by
:func:`app.approval.repository.get_project`: 404 outside the viewer's scope) — the
application, the review clock, the rule checks and annex-5 checklist, department opinions,
the meeting and leader records, the status history with reasons, and after certification the
units, listing, rents, operation and exit, subsidies, benefits and priority groups, and (for
those who may see it) the operator's credit record — plus the forms of exactly the steps the
transition tables allow the viewer now (``allowed_actions`` of app.approval.workflows.APPROVAL
and app.operation.workflows.OPERATION; the template names each form by its action). Each form
posts to its own route in the role's module (developer.py, office.py, department.py,
leader.py, operation.py); a refused step re-renders this page with the errors beside that
form's fields (:func:`act`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts import repository as accounts_repo
from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import materials as approval_materials
from app.approval import repository as approval_repo
from app.approval import review
from app.approval import service as approval_service
from app.approval import views as approval_views
from app.approval.checks import project_checks
from app.approval.enums import EVER_CERTIFIED
from app.approval.enums import ProjectStatus as S
from app.approval.facts import COMMITMENT_TEXT, facts_of
from app.approval.workflows import allowed_actions
from app.core import clock, media
from app.core.errors import NotFound, ProblemError
from app.core.paging import Page
from app.leases import repository as leases_repo
from app.leases import views as leases_views
from app.leases.enums import OperatorViolationKind
from app.operation import repository as operation_repo
from app.operation import views as operation_views
from app.operation import workflows as _operation_workflows  # noqa: F401  (its steps in allowed_actions)
from app.operation.enums import RentStandardStatus, TransferReason
from app.tenants import applications
from app.web.core import attempt, page_router, redirect, render, require
from app.web.forms import FormState, Rename
from app.web.pager import PAGE, next_url
from rules.calendar import CalendarYearMissing

router = page_router()

PROJECT_READERS = (Role.developer, Role.office, Role.department, Role.leader, Role.auditor, Role.admin)


def clock_or_none(session: Session, project: Any) -> dict[str, Any] | None:
    """The review clock, or None before acceptance; a missing calendar year is shown as such."""
    if project.accepted_on is None:
        return None
    try:
        return review.clock_view(session, project)
    except CalendarYearMissing as missing:
        return {"calendar_missing_year": missing.year}


@router.get("/projects", name="project_list")
def project_list(request: Request, session: SessionDep, status: str | None = None,
                 cursor: int | None = None, user: User = require(*PROJECT_READERS)) -> Response:
    """My projects (developer) or the projects the viewer may see, with status and clock;
    newest first, 50 a page (keyset)."""
    wanted = status if status in S.__members__ else None
    found = approval_repo.projects_page(session, user, wanted, cursor=cursor, limit=PAGE)
    clocks = review.clocks(session, found.items)
    items = [{"project": p, "status_label": S(p.status).label, "clock": clocks.get(p.id)}
             for p in found.items]
    return render(request, "projects/list.html", {
        "items": items, "status": wanted, "statuses": [(s.value, s.label) for s in S],
        "next_url": next_url(request, found.next_cursor)})


# ---- project operation reads (the forms are in app/web/operation.py) -------------------------

CREDIT_READERS = (Role.office, Role.auditor, Role.admin, Role.leader)
PRIORITY_KINDS = {"park": "园区", "enterprise": "企业"}


def operator_credit(session: Session, user: User, project: Any,
                    cursor: int | None = None) -> Page[dict[str, Any]] | None:
    """第四十一条: a page of the operator's credit record, shown to whom
    ``GET /organizations/{id}/credit`` shows it (the organisation itself and the city-wide
    roles); None for anyone else."""
    if user.organization_id != project.organization_id and user.role not in CREDIT_READERS:
        return None
    return leases_views.credit_page(leases_repo.credit(
        session, organization_id=project.organization_id, cursor=cursor, limit=PAGE))


def priority_groups_view(session: Session, project: Any) -> list[dict[str, Any]]:
    """第三十一条: the project's priority groups (public, like the API's list) with unit names."""
    groups = applications.priority_groups(session, project.id)
    ids = {i for g in groups for i in g.organization_ids}
    names = operation_repo.organization_names(session, ids) if ids else {}
    return [{"name": g.name, "kind_label": PRIORITY_KINDS.get(g.kind, g.kind), "rank": g.rank,
             "organizations": [names.get(i, f"单位 {i}") for i in g.organization_ids]} for g in groups]


def project_page(request: Request, session: Session, user: User, project_id: int, *,
                 forms: dict[str, FormState] | None = None, status_code: int = 200,
                 credit_cursor: int | None = None) -> Response:
    project = approval_repo.get_project(session, user, project_id)
    credit = operator_credit(session, user, project, credit_cursor)
    view = approval_views.project_view(project)
    history = [approval_views.event_view(e) for e in approval_repo.history(session, project)]
    ever_certified = project.status in EVER_CERTIFIED
    context: dict[str, Any] = {
        "p": view, "project": project, "history": history,
        "clock": clock_or_none(session, project),
        "checks": project_checks(session, project, facts_of(project), clock.today()),
        "materials": _materials_by_code(session, project.id),
        "can_upload_materials": (user.role == Role.developer
                                 and project.status not in approval_materials.CLOSED),
        "dispatches": [approval_views.dispatch_view(d) for d in project.dispatches],
        "material_requests": list(project.material_requests),
        "meeting": approval_repo.meeting_of(session, project.id),
        "leader_decision": approval_repo.leader_decision_of(session, project.id),
        "units": operation_views.units_summary(session, project) if ever_certified else None,
        "listing": operation_views.listing_view(session, project) if ever_certified else None,
        "rents": operation_views.rents_view(session, project) if ever_certified else None,
        "operation": operation_views.operation_view(session, project) if ever_certified else None,
        "exit_requests": operation_views.requests_of(session, project) if ever_certified else [],
        "commitment_text": COMMITMENT_TEXT,
        "subsidies": ([operation_views.subsidy_view(s)
                       for s in operation_repo.subsidies_of(session, project.id)]
                      if ever_certified else []),
        "benefits": ([approval_views.benefit_view(b) for b in approval_repo.benefits_of(session, project)]
                     if ever_certified else []),
        "priority_groups": priority_groups_view(session, project),
        "operator_credit": credit.items if credit is not None else None,
        "credit_next_url": (f"/projects/{project.id}?credit_cursor={credit.next_cursor}#credit-title"
                            if credit is not None and credit.next_cursor is not None else None),
    }
    # the forms to render: exactly the steps the transition tables allow the viewer now
    context["actions"] = allowed_actions(session, user, project)
    if "transfer" in context["actions"]:  # (the office, which sees every organisation)
        context["transfer_options"] = [(o.id, o.name) for o in accounts_repo.organizations(session)
                                       if o.id != project.organization_id]
        context["transfer_reasons"] = list(TransferReason.labels().items())
    if "operator_violation" in context["actions"]:
        context["operator_violation_kinds"] = list(OperatorViolationKind.labels().items())
    if "priority_group" in context["actions"]:  # the employers a tenant's profile names
        context["priority_organizations"] = accounts_repo.organizations(session)
    if "dispatch" in context["actions"]:
        context["departments"] = approval_service.dispatch_options(session, project)
    if context["rents"]:
        context["appraisal_options"] = [
            (a["id"], f"第 {a['id']} 号：{a['appraiser']}，{a['appraised_on'].isoformat()}，"
                      f"市场租金 {a['market_rent_per_m2']} 元/m²/月") for a in context["rents"]["appraisals"]]
    context["forms"] = forms or {}
    context["blank"] = FormState()
    context["unplaced"] = unplaced(context["forms"], context)
    return render(request, "projects/detail.html", context, status_code=status_code)


def _materials_by_code(session: Session, project_id: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for m in approval_repo.current_materials(session, project_id):
        found.setdefault(m.code, []).append({"id": m.id, "name": m.name, "uploaded_at": m.uploaded_at,
                                             "size_kb": max(1, round(m.size / 1024)),
                                             "content_type": m.content_type})
    return found


@router.get("/materials/{material_id:int}", name="project_material")
def material_file(session: SessionDep, material_id: int,
                  user: User = require(*PROJECT_READERS)) -> Response:
    """A 附件5 material, to the project's parties only (404 for anyone else); shown in the
    browser (a PDF or an image), beside the checklist."""
    found = approval_repo.material(session, user, material_id)
    extension = {"application/pdf": ".pdf", "image/png": ".png"}.get(found.content_type, ".jpg")
    return Response(media.read(found.path), media_type=found.content_type, headers={
        "Content-Disposition": f"inline; filename=material-{found.id}{extension}",
        "X-Content-Type-Options": "nosniff"})


def unplaced(forms: dict[str, FormState], context: dict[str, Any]) -> list[FormState]:
    """Refused forms the page does not show (the step is no longer offered in this state, a
    subsidy already paid, a violation's button): their messages go at the top of the page
    instead of being lost."""
    shown = context["actions"]
    placed = set(shown)
    if context.get("can_upload_materials"):  # each 附件5 item's own upload form
        placed |= {name for name in forms if name.startswith("material_")}
    if "subsidy_pay" in shown:
        placed |= {f"subsidy_pay_{s['id']}" for s in context["subsidies"] if s["paid_on"] is None}
    if "file_rent" in shown:
        placed |= {f"file_rent_{s['id']}" for s in context["rents"]["standards"]
                   if s["status"] == RentStandardStatus.proposed}
    return [f for name, f in forms.items() if name not in placed and f.invalid]


@router.get("/projects/{project_id:int}", name="project_detail")
def project_detail(request: Request, session: SessionDep, project_id: int,
                   credit_cursor: int | None = None,
                   user: User = require(*PROJECT_READERS)) -> Response:
    """One project (``credit_cursor``: the page of the operator's credit record to show)."""
    return project_page(request, session, user, project_id, credit_cursor=credit_cursor)


@router.get("/projects/{project_id:int}/notice", name="project_notice")
def project_notice(request: Request, session: SessionDep, project_id: int,
                   user: User = require(*PROJECT_READERS)) -> Response:
    """不符合保障性租赁住房项目通知书 with its reasons and articles (the parties only; the
    public page ``/notices/{number}`` confirms it exists without the reasons)."""
    project = approval_repo.get_project(session, user, project_id)
    if project.notice is None:
        raise NotFound("该项目没有不符合保障性租赁住房项目通知书")
    return render(request, "documents/notice.html",
                  {"notice": approval_views.notice_view(project.notice, project)})


def act(request: Request, session: Session, user: User, project_id: int, name: str,
        form: FormData, build: Callable[[FormData], Any], call: Callable[[Any], Any],
        success: str | Callable[[Any], str], *, lists: tuple[str, ...] = (),
        rename: Rename | None = None, target: str | None = None) -> Response:
    """One step on a project: parse the form (``build``), call the service (``call``) in a
    savepoint; refused → the project page again with the errors beside form ``name``. A project
    the viewer may not see answers 404 before the form is even read."""
    approval_repo.get_project(session, user, project_id)
    f = FormState.of(form, lists=lists)
    try:
        data = build(form)
    except ValidationError as exc:
        f.add_validation(exc, *(rename,) if rename else ())
        return project_page(request, session, user, project_id, forms={name: f}, status_code=422)
    try:
        result = attempt(session, call, data)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc, *(rename,) if rename else ())
        return project_page(request, session, user, project_id, forms={name: f},
                            status_code=exc.status if exc.status in (409, 422) else 422)
    message = success(result) if callable(success) else success
    return redirect(target or f"/projects/{project_id}", request, message)
