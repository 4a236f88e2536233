"""Routes: applications, their review workflow, checks, clock, queue, certificates, notices."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request, Response, status
from fastapi.responses import HTMLResponse

from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import documents, materials, repository, review, service, views
from app.approval.checks import project_checks
from app.approval.enums import ProjectStatus
from app.approval.facts import facts_of
from app.approval.models import Project, ProjectMaterial
from app.approval.schemas import (
    AcceptIn,
    CertificateRead,
    ChecksRead,
    ClockRead,
    ConstructionStartIn,
    DispatchIn,
    DispatchRead,
    EventRead,
    LeaderDecisionIn,
    MaterialForm,
    MaterialRead,
    MaterialRequestRead,
    MaterialsIn,
    MeetingIn,
    NoticeRead,
    OpinionIn,
    ProjectIn,
    ProjectRead,
    ProjectSummary,
    QueueItem,
    ReviewStats,
    RevokeIn,
    SubmitIn,
    SupplementIn,
    WithdrawIn,
)
from app.approval.workflows import allowed_actions
from app.core import clock, media
from app.core.db import offload
from app.core.documents.pdf import render_certificate_pdf, render_notice_pdf
from app.core.errors import NotFound, problem_responses
from app.core.paging import PageParams, mapped
from app.core.routing import api_router
from app.core.templating import templates

router = api_router(tags=["项目认定"])
public = api_router(tags=["公开核验"])

WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 404, 422)
PDF = {200: {"content": {"application/pdf": {}}, "description": "PDF 文件"}}


def _read(session: SessionDep, user: User, project: Project) -> dict[str, Any]:
    """A project as ``ProjectRead``: the application, and what ``user`` may do with it now."""
    return views.project_view(project) | {"allowed_actions": allowed_actions(session, user, project)}


# ---- applications -------------------------------------------------------------------------

@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 403, 422))
def create_project(session: SessionDep, data: ProjectIn,
                   user: User = require(Role.developer)) -> dict[str, Any]:
    """A developer files an application (draft); the rules of 第四、七、九、二十七条 apply at once."""
    return _read(session, user, service.create_project(session, user, data))


@router.get("/projects", response_model=list[ProjectSummary], responses=problem_responses(401, 422))
def list_projects(session: SessionDep, user: CurrentUser, page: PageParams,
                  status: ProjectStatus | None = None) -> list[dict[str, Any]]:
    """The projects the caller may see, newest first (paged by id)."""
    found = repository.projects_page(session, user, status, cursor=page.cursor, limit=page.limit)
    return page.respond(mapped(found, views.summary_view))


@router.get("/projects/{project_id}", response_model=ProjectRead, responses=READ)
def get_project(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    """The application, its state and documents, and ``allowed_actions``: the steps the caller
    may take on it now, as the transition tables say (``app.approval.workflows.APPROVAL``, then
    ``app.operation.workflows.OPERATION``) — the action names, in the tables' order, e.g.
    ``["accept", "return", "operator_violation"]`` for 市保租办 on a submitted application,
    ``["withdraw"]`` for its developer. Each workflow POST answers the same shape, after the step.

    Approval: ``edit`` (PUT), ``submit``, ``withdraw``, ``supplement``, ``accept``, ``return``,
    ``dispatch``, ``request_materials``, ``opinion`` (POST …/opinions), ``meeting``, ``leader``
    (…/leader-approval), ``revoke`` (POST /certificates/{number}/revoke). After certification:
    ``completion``, ``units``, ``listing``, ``verify_listing``, ``appraisal``, ``rent``
    (…/rent-standards), ``file_rent`` (POST /rent-standards/{id}/file), ``operation``,
    ``exit`` (…/exit-requests), ``exit_decision`` (POST /exit-requests/{id}/decision),
    ``subsidy``, ``subsidy_pay`` (POST /subsidies/{id}/pay), ``transfer``, ``unapproved_exit``,
    ``operator_violation`` (…/violations), ``priority_group`` (…/priority-groups)."""
    return _read(session, user, repository.get_project(session, user, project_id))


@router.put("/projects/{project_id}", response_model=ProjectRead, responses=WRITE)
def update_project(session: SessionDep, project_id: int, data: ProjectIn,
                   user: User = require(Role.developer)) -> dict[str, Any]:
    """Edit a draft (or an application returned for materials)."""
    return _read(session, user, service.update_project(session, user, project_id, data))


@router.post("/projects/{project_id}/submit", response_model=ProjectRead, responses=WRITE)
def submit(session: SessionDep, project_id: int, data: SubmitIn | None = None,
           user: User = require(Role.developer)) -> dict[str, Any]:
    return _read(session, user, service.submit(session, user, project_id, data or SubmitIn()))


@router.post("/projects/{project_id}/construction-start", response_model=ProjectRead, responses=WRITE)
def construction_start(session: SessionDep, project_id: int, data: ConstructionStartIn,
                       user: User = require(Role.developer)) -> dict[str, Any]:
    """开工日期 of a certified project (第二十四条): counted by the plans' progress (第六条)."""
    return _read(session, user, service.record_construction_start(session, user, project_id,
                                                                  data.started_on))


@router.post("/projects/{project_id}/withdraw", response_model=ProjectRead, responses=WRITE)
def withdraw(session: SessionDep, project_id: int, data: WithdrawIn | None = None,
             user: User = require(Role.developer)) -> dict[str, Any]:
    return _read(session, user, service.withdraw(session, user, project_id, data or WithdrawIn()))


@router.post("/projects/{project_id}/supplement", response_model=ProjectRead, responses=WRITE)
def supplement(session: SessionDep, project_id: int, data: SupplementIn,
               user: User = require(Role.developer)) -> dict[str, Any]:
    """Answer the office's request for materials; the review clock resumes."""
    return _read(session, user, service.supplement(session, user, project_id, data))


# ---- the office, departments and the leading group ----------------------------------------

@router.post("/projects/{project_id}/accept", response_model=ProjectRead, responses=WRITE)
def accept(session: SessionDep, project_id: int, data: AcceptIn | None = None,
           user: User = require(Role.office)) -> dict[str, Any]:
    """受理: starts the 10-working-day clock (the acceptance day does not count)."""
    return _read(session, user, service.accept(session, user, project_id, data or AcceptIn()))


@router.post("/projects/{project_id}/return", response_model=ProjectRead, responses=WRITE)
def return_for_materials(session: SessionDep, project_id: int, data: MaterialsIn,
                         user: User = require(Role.office)) -> dict[str, Any]:
    """退回补正 before acceptance, listing the missing materials."""
    return _read(session, user, service.return_for_materials(session, user, project_id, data))


@router.post("/projects/{project_id}/request-materials", response_model=ProjectRead, responses=WRITE)
def request_materials(session: SessionDep, project_id: int, data: MaterialsIn,
                      user: User = require(Role.office)) -> dict[str, Any]:
    """Ask for supplementary materials during review; the clock is suspended."""
    return _read(session, user, service.request_materials(session, user, project_id, data))


@router.post("/projects/{project_id}/dispatch", response_model=ProjectRead, responses=WRITE)
def dispatch(session: SessionDep, project_id: int, data: DispatchIn,
             user: User = require(Role.office)) -> dict[str, Any]:
    """Send the plan to the departments the office chooses (联合审查)."""
    return _read(session, user, service.dispatch(session, user, project_id, data))


@router.post("/projects/{project_id}/opinions", response_model=ProjectRead, responses=WRITE)
def record_opinion(session: SessionDep, project_id: int, data: OpinionIn,
                   user: User = require(Role.department)) -> dict[str, Any]:
    return _read(session, user, service.record_opinion(session, user, project_id, data))


@router.get("/projects/{project_id}/opinions", response_model=list[DispatchRead], responses=LIST)
def list_opinions(session: SessionDep, user: CurrentUser, project_id: int,
                  page: PageParams) -> list[dict[str, Any]]:
    """The departments consulted and their opinions, in dispatch order (paged by id)."""
    return page.respond(mapped(repository.opinions_page(session, user, project_id, cursor=page.cursor,
                                                        limit=page.limit), views.dispatch_view))


@router.post("/projects/{project_id}/meeting", response_model=ProjectRead, responses=WRITE)
def record_meeting(session: SessionDep, project_id: int, data: MeetingIn,
                   user: User = require(Role.office)) -> dict[str, Any]:
    """The review meeting's decision, once every department has answered."""
    return _read(session, user, service.record_meeting(session, user, project_id, data))


@router.post("/projects/{project_id}/leader-approval", response_model=ProjectRead, responses=WRITE)
def leader_approval(session: SessionDep, project_id: int, data: LeaderDecisionIn,
                    user: User = require(Role.leader)) -> dict[str, Any]:
    """Approve (certificate issued in the same transaction) or refuse (notice issued)."""
    return _read(session, user, service.leader_decision(session, user, project_id, data))


@router.get("/projects/{project_id}/history", response_model=list[EventRead], responses=LIST)
def project_history(session: SessionDep, user: CurrentUser, project_id: int,
                    page: PageParams) -> list[dict[str, Any]]:
    """The status history with comments, oldest first (paged by id)."""
    return page.respond(mapped(repository.history_page(session, user, project_id, cursor=page.cursor,
                                                       limit=page.limit), views.event_view))


@router.get("/projects/{project_id}/material-requests", response_model=list[MaterialRequestRead],
            responses=LIST)
def material_requests(session: SessionDep, user: CurrentUser, project_id: int,
                      page: PageParams) -> list[Any]:
    """What was asked of the applicant, oldest first (paged by id)."""
    return page.respond(repository.material_requests_page(session, user, project_id,
                                                          cursor=page.cursor, limit=page.limit))


@router.get("/projects/{project_id}/checks", response_model=ChecksRead, responses=READ)
def checks(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    """Every rule applied to the application, the 附件5 materials checklist and the benefits."""
    project = repository.get_project(session, user, project_id)
    return project_checks(session, project, facts_of(project), clock.today())


@router.get("/projects/{project_id}/clock", response_model=ClockRead,
            responses=problem_responses(401, 404, 422))
def project_clock(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    """10 working days from acceptance, suspended while materials are awaited."""
    return review.project_clock(session, user, project_id)


@router.get("/review-queue", response_model=list[QueueItem],
            responses=problem_responses(401, 403, 422))
def review_queue(session: SessionDep, page: PageParams,
                 user: User = require(Role.office, Role.leader)) -> list[dict[str, Any]]:
    """Open applications sorted by deadline, with overdue and due-soon flags.

    Paged over the sorted open set: ``cursor`` is the position in it where the next page
    starts (the order is computed, not a column; see ``app.approval.review.queue``)."""
    return page.respond(review.queue(session, user, cursor=page.cursor, limit=page.limit))


@router.get("/review-stats", response_model=ReviewStats, responses=problem_responses(401, 403))
def review_stats(session: SessionDep,
                 _: User = require(Role.office, Role.leader, Role.auditor, Role.admin)
                 ) -> dict[str, Any]:
    return review.stats(session)


# ---- notices ------------------------------------------------------------------------------

def _notice_of(session: SessionDep, user: User, project_id: int) -> tuple[Any, Project]:
    project = repository.get_project(session, user, project_id)
    if project.notice is None:
        raise NotFound("该项目没有不符合保障性租赁住房项目通知书")
    return project.notice, project


@router.get("/projects/{project_id}/notice", response_model=NoticeRead, responses=READ)
def notice(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    return views.notice_view(*_notice_of(session, user, project_id))


@router.get("/projects/{project_id}/notice.html", response_class=HTMLResponse, responses=READ)
def notice_html(request: Request, session: SessionDep, user: CurrentUser,
                project_id: int) -> HTMLResponse:
    view = views.notice_view(*_notice_of(session, user, project_id))
    return templates.TemplateResponse(request, "documents/notice.html", {"notice": view})


@router.get("/projects/{project_id}/notice.pdf", response_class=Response,
            responses=READ | PDF)
def notice_pdf(session: SessionDep, user: CurrentUser, project_id: int) -> Response:
    found, project = _notice_of(session, user, project_id)
    pdf = offload(render_notice_pdf, documents.notice_document(found, project))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=notice-{project.id}.pdf"})


# ---- certificates -------------------------------------------------------------------------

def _certificate(session: SessionDep, number: str) -> Any:
    certificate = repository.certificate_by_number(session, number)
    if certificate is None:
        raise NotFound("未找到该认定书编号")
    return certificate


@public.get("/certificates/{number}.pdf", response_class=Response,
            responses=problem_responses(404) | PDF)
def certificate_pdf(session: SessionDep, number: str) -> Response:
    """The certificate (附件3) as PDF, with a QR code to its verification page."""
    pdf = offload(render_certificate_pdf,
                  documents.certificate_document(_certificate(session, number)))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=certificate-{number}.pdf"})


@public.get("/certificates/{number}", response_model=CertificateRead,
            responses=problem_responses(404))
def certificate(session: SessionDep, number: str) -> dict[str, Any]:
    """Anyone verifies a certificate by its number: valid or revoked."""
    return views.certificate_view(_certificate(session, number))


@router.post("/certificates/{number}/revoke", response_model=ProjectRead, responses=WRITE)
def revoke(session: SessionDep, number: str, data: RevokeIn,
           user: User = require(Role.office)) -> dict[str, Any]:
    """Revoke a certificate with a reason (第四十四条, 第四十六条)."""
    project = service.revoke_certificate(session, user, number, data.reason, data.article)
    return _read(session, user, project)


# ---- 附件5 materials (issue 21) -----------------------------------------------------------------

MATERIAL_FILE = {200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}},
                       "description": "申报材料文件"}}


@router.post("/projects/{project_id}/materials", response_model=MaterialRead,
             status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 403, 404, 409, 413, 422))
def upload_material(session: SessionDep, project_id: int,
                    form: Annotated[MaterialForm, Form(media_type="multipart/form-data")],
                    user: User = require(Role.developer)) -> ProjectMaterial:
    """One file of a 附件5 item (PDF or image, checked by content, ≤ 10 MB); a newer file of the
    same item supersedes the older. Items due with the application must be uploaded before
    ``submit`` (from ``materials_upload_required``)."""
    upload = media.Upload(form.file.filename or "", media.read_limited(form.file.file, media.MAX_PLAN_BYTES),
                          "file")
    return materials.upload(session, user, project_id, form.code, upload)


@router.get("/materials/{material_id}", responses=problem_responses(401, 404) | MATERIAL_FILE)
def material_file(session: SessionDep, material_id: int, user: CurrentUser) -> Response:
    """A material's file, to the project's parties only."""
    found = repository.material(session, user, material_id)
    return Response(media.read(found.path), media_type=found.content_type)
