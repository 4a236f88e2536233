"""Routes: repairs (第三十九条), a project's safety and quality records (第二十八、四十条), 住建's
supervision, and the files (photos, plans) served to the parties only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Response, UploadFile, status

from app.accounts.deps import CurrentUser, SessionDep, require, require_department
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import HOUSING_BUREAU
from app.core.errors import Forbidden, problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.upkeep import media, repository, safety, service, supervision, views
from app.upkeep.models import city_wide
from app.upkeep.schemas import (
    AssignIn,
    ChargeIn,
    ChargeRead,
    CommentIn,
    CompleteIn,
    InspectionForm,
    InspectionIn,
    InspectionRead,
    OptionalCommentIn,
    OptionalReasonIn,
    PhotosForm,
    PlanForm,
    PlanIn,
    PlanRead,
    QualityIn,
    QualityRead,
    ReasonIn,
    RectificationForm,
    RectificationIn,
    RepairEventRead,
    RepairForm,
    RepairIn,
    RepairRead,
    SafetyCheckForm,
    SafetyCheckIn,
    SafetyCheckRead,
    SupervisionOperatorRead,
    SupervisionProjectRead,
    UpkeepRead,
)

router = api_router(tags=["运营维护"])
WRITE = problem_responses(401, 403, 404, 409, 422)
UPLOAD = problem_responses(401, 403, 404, 409, 413, 422)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 403, 404, 422)
MULTIPART = "multipart/form-data"
PHOTO = {200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "照片（已去除元数据）"}}
PDF = {200: {"content": {"application/pdf": {}}, "description": "应急预案 PDF 文件"}}


def _readers(*also: Role) -> Any:
    """The operator (its own projects), 市住建局, the office, auditors, the administrator, and
    ``also``; 403 for anyone else (other departments included)."""
    extra = frozenset(also)

    async def dependency(user: CurrentUser) -> User:
        if not (city_wide(user) or user.role == Role.developer or user.role in extra):
            raise Forbidden("当前角色无权查看运营维护记录")
        return user

    return Depends(dependency)


UPKEEP_READER = _readers()
SUPERVISOR = _readers(Role.leader)
ZHUJIAN = require_department(HOUSING_BUREAU)


def photo_uploads(files: list[UploadFile]) -> list[media.Upload]:
    return media.uploads(files, "photos")


def _fields(form: Any, schema: type[Any]) -> Any:
    return schema.model_validate(form.model_dump(include=set(schema.model_fields)))


# ---- repairs ------------------------------------------------------------------------------------

@router.post("/repairs", response_model=RepairRead, status_code=status.HTTP_201_CREATED,
             responses=UPLOAD)
def report_repair(session: SessionDep, form: Annotated[RepairForm, Form(media_type=MULTIPART)],
                  user: User = require(Role.tenant)) -> dict[str, Any]:
    """第三十九条: report a problem on the unit I live in (as its tenant, or placed there by my
    employer), with up to 5 photos (JPEG/PNG by content, ≤ 5 MB each, metadata removed). The
    answer carries the accept and completion deadlines. A unit I do not live in: 404."""
    repair = service.report(session, user, _fields(form, RepairIn), photo_uploads(form.photos))
    return views.repair_view(session, user, repair)


@router.get("/repairs", response_model=list[RepairRead], responses=problem_responses(401, 422))
def list_repairs(session: SessionDep, user: CurrentUser, page: PageParams) -> list[dict[str, Any]]:
    """The repairs I may see (my own; my projects'; the city's for 住建, the office, auditors),
    newest first (paged by id)."""
    return page.respond(views.repairs_page(session, user, repository.repairs(
        session, user, cursor=page.cursor, limit=page.limit)))


@router.get("/repair-queue", response_model=list[RepairRead], responses=LIST)
def repair_queue(session: SessionDep, page: PageParams, project_id: int | None = None,
                 user: User = UPKEEP_READER) -> list[dict[str, Any]]:
    """Repairs not yet done, by completion deadline (earliest first), with overdue flags."""
    return page.respond(views.repairs_page(session, user, repository.queue(
        session, user, project_id=project_id, cursor=page.cursor, limit=page.limit)))


@router.get("/repairs/{repair_id}", response_model=RepairRead, responses=READ)
def get_repair(session: SessionDep, user: CurrentUser, repair_id: int) -> dict[str, Any]:
    return views.repair_view(session, user, repository.get_repair(session, user, repair_id))


@router.get("/repairs/{repair_id}/history", response_model=list[RepairEventRead], responses=LIST)
def repair_history(session: SessionDep, user: CurrentUser, repair_id: int,
                   page: PageParams) -> list[dict[str, Any]]:
    """Every step of the repair, oldest first (paged by id): what the tenant follows."""
    repair = repository.get_repair(session, user, repair_id)
    return page.respond(views.history_page(repository.history(
        session, repair, cursor=page.cursor, limit=page.limit)))


@router.post("/repairs/{repair_id}/photos", response_model=RepairRead, responses=UPLOAD)
def add_repair_photos(session: SessionDep, repair_id: int,
                      form: Annotated[PhotosForm, Form(media_type=MULTIPART)],
                      user: User = require(Role.tenant)) -> dict[str, Any]:
    """More photos while the repair is open (5 in all)."""
    repair = service.add_photos(session, user, repair_id, photo_uploads(form.photos))
    return views.repair_view(session, user, repair)


def _step(session: Any, user: User, repair: Any) -> dict[str, Any]:
    return views.repair_view(session, user, repair)


@router.post("/repairs/{repair_id}/accept", response_model=RepairRead, responses=WRITE)
def accept_repair(session: SessionDep, repair_id: int, data: OptionalCommentIn,
                  user: User = require(Role.developer)) -> dict[str, Any]:
    """受理: within 24 hours (urgent) or 3 working days (normal) of the report (policy parameters)."""
    return _step(session, user, service.accept(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/assign", response_model=RepairRead, responses=WRITE)
def assign_repair(session: SessionDep, repair_id: int, data: AssignIn,
                  user: User = require(Role.developer)) -> dict[str, Any]:
    """A named worker takes it on (处理中); again to hand it to someone else."""
    return _step(session, user, service.assign(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/comments", response_model=RepairRead, responses=WRITE)
def comment_repair(session: SessionDep, repair_id: int, data: CommentIn,
                   user: User = require(Role.tenant, Role.developer)) -> dict[str, Any]:
    return _step(session, user, service.comment(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/complete", response_model=RepairRead, responses=WRITE)
def complete_repair(session: SessionDep, repair_id: int, data: CompleteIn,
                    user: User = require(Role.developer)) -> dict[str, Any]:
    """The work is done; the tenant confirms or reopens it within ``repair_confirm_days``."""
    return _step(session, user, service.complete(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/confirm", response_model=RepairRead, responses=WRITE)
def confirm_repair(session: SessionDep, repair_id: int, data: OptionalCommentIn,
                   user: User = require(Role.tenant)) -> dict[str, Any]:
    return _step(session, user, service.confirm(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/reopen", response_model=RepairRead, responses=WRITE)
def reopen_repair(session: SessionDep, repair_id: int, data: ReasonIn,
                  user: User = require(Role.tenant)) -> dict[str, Any]:
    """Not fixed: back to the operator with a fresh completion term."""
    return _step(session, user, service.reopen(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/close", response_model=RepairRead, responses=WRITE)
def close_repair(session: SessionDep, repair_id: int,
                 user: User = require(Role.developer)) -> dict[str, Any]:
    """The confirmation period passed without an answer: closed as confirmed."""
    return _step(session, user, service.close(session, user, repair_id))


@router.post("/repairs/{repair_id}/withdraw", response_model=RepairRead, responses=WRITE)
def withdraw_repair(session: SessionDep, repair_id: int, data: OptionalReasonIn,
                    user: User = require(Role.tenant)) -> dict[str, Any]:
    return _step(session, user, service.withdraw(session, user, repair_id, data))


@router.post("/repairs/{repair_id}/charges", response_model=ChargeRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def charge_repair(session: SessionDep, repair_id: int, data: ChargeIn,
                  user: User = require(Role.developer)) -> dict[str, Any]:
    """第三十九条: upkeep is the operator's cost — billing the tenant is refused (422) unless it is
    damage the tenant caused (``tenant_caused`` with the ``reason``); the tenant may dispute it."""
    return views.charge_view(user, service.propose_charge(session, user, repair_id, data))


@router.post("/repair-charges/{charge_id}/accept", response_model=ChargeRead, responses=WRITE)
def accept_charge(session: SessionDep, charge_id: int, data: OptionalCommentIn,
                  user: User = require(Role.tenant)) -> dict[str, Any]:
    return views.charge_view(user, service.answer_charge(session, user, charge_id, "accept", data))


@router.post("/repair-charges/{charge_id}/dispute", response_model=ChargeRead, responses=WRITE)
def dispute_charge(session: SessionDep, charge_id: int, data: ReasonIn,
                   user: User = require(Role.tenant)) -> dict[str, Any]:
    """The tenant disputes the charge, saying why (市住建局 sees disputed charges)."""
    return views.charge_view(user, service.answer_charge(session, user, charge_id, "dispute", data))


@router.post("/repair-charges/{charge_id}/withdraw", response_model=ChargeRead, responses=WRITE)
def withdraw_charge(session: SessionDep, charge_id: int, data: OptionalReasonIn,
                    user: User = require(Role.developer)) -> dict[str, Any]:
    return views.charge_view(user, service.answer_charge(session, user, charge_id, "withdraw", data))


@router.get("/photos/{photo_id}", response_class=Response, responses=PHOTO | READ)
def photo(session: SessionDep, user: CurrentUser, photo_id: int) -> Response:
    """A photo, to the parties of its record only (anyone else: 404)."""
    found = repository.get_photo(session, user, photo_id)
    extension = ".png" if found.content_type == "image/png" else ".jpg"
    return Response(media.read(found.path), media_type=found.content_type, headers={
        "Content-Disposition": f"inline; filename=photo-{found.id}{extension}"})


# ---- a project's safety and quality records ----------------------------------------------------

@router.get("/projects/{project_id}/upkeep", response_model=UpkeepRead, responses=LIST)
def project_upkeep(session: SessionDep, project_id: int, user: User = UPKEEP_READER) -> dict[str, Any]:
    """第二十八、三十九、四十条: the design codes the application declares, the quality
    supervision at completion, the fire-safety check due, inspections, plans and repairs."""
    return views.upkeep_view(session, user, repository.upkeep_project(session, user, project_id))


@router.post("/projects/{project_id}/safety-checks", response_model=SafetyCheckRead,
             status_code=status.HTTP_201_CREATED, responses=UPLOAD)
def record_check(session: SessionDep, project_id: int,
                 form: Annotated[SafetyCheckForm, Form(media_type=MULTIPART)],
                 user: User = require(Role.developer)) -> dict[str, Any]:
    """第四十条: the periodic fire-safety check — 消防设施、器材、疏散通道、安全出口、消防车通道,
    each ``ok`` or ``problem``, what was found, up to 5 photos."""
    check = safety.record_check(session, user, project_id, _fields(form, SafetyCheckIn),
                                photo_uploads(form.photos))
    return views.check_views(session, [check])[0]


@router.get("/projects/{project_id}/safety-checks", response_model=list[SafetyCheckRead],
            responses=LIST)
def list_checks(session: SessionDep, project_id: int, page: PageParams,
                user: User = UPKEEP_READER) -> list[dict[str, Any]]:
    """The project's fire-safety checks, newest first (paged by id)."""
    project = repository.upkeep_project(session, user, project_id)
    return page.respond(views.checks_page(session, repository.checks(
        session, project, cursor=page.cursor, limit=page.limit)))


@router.post("/projects/{project_id}/inspections", response_model=InspectionRead,
             status_code=status.HTTP_201_CREATED, responses=UPLOAD)
def inspect(session: SessionDep, project_id: int,
            form: Annotated[InspectionForm, Form(media_type=MULTIPART)],
            user: User = ZHUJIAN) -> dict[str, Any]:
    """第四十条第一款: 市住建局's inspection, with a rectification deadline when it orders one."""
    inspection = safety.inspect(session, user, project_id, _fields(form, InspectionIn),
                                photo_uploads(form.photos))
    return views.inspection_views(session, user, [inspection])[0]


@router.get("/projects/{project_id}/inspections", response_model=list[InspectionRead], responses=LIST)
def list_inspections(session: SessionDep, project_id: int, page: PageParams,
                     user: User = UPKEEP_READER) -> list[dict[str, Any]]:
    """住建's inspections of the project, newest first (paged by id), overdue rectifications flagged."""
    project = repository.upkeep_project(session, user, project_id)
    return page.respond(views.inspections_page(session, user, repository.inspections(
        session, project, cursor=page.cursor, limit=page.limit)))


@router.post("/inspections/{inspection_id}/rectification", response_model=InspectionRead,
             responses=UPLOAD)
def rectify(session: SessionDep, inspection_id: int,
            form: Annotated[RectificationForm, Form(media_type=MULTIPART)],
            user: User = require(Role.developer)) -> dict[str, Any]:
    """The operator records the rectification an inspection ordered, with up to 5 photos."""
    inspection = safety.rectify(session, user, inspection_id, _fields(form, RectificationIn),
                                photo_uploads(form.photos))
    return views.inspection_views(session, user, [inspection])[0]


@router.post("/projects/{project_id}/emergency-plans", response_model=PlanRead,
             status_code=status.HTTP_201_CREATED, responses=UPLOAD)
def file_plan(session: SessionDep, project_id: int,
              form: Annotated[PlanForm, Form(media_type=MULTIPART)],
              user: User = require(Role.developer)) -> dict[str, Any]:
    """第四十条第四款: an emergency plan (PDF, checked by content, ≤ 10 MB) with its review date;
    it supersedes the current plan of the same kind."""
    found = media.uploads([form.file], "file", media.MAX_PLAN_BYTES, indexed=False)
    upload = found[0] if found else media.Upload(form.file.filename or "", b"", "file")
    return views.plan_view(safety.file_plan(session, user, project_id, _fields(form, PlanIn), upload))


@router.get("/projects/{project_id}/emergency-plans", response_model=list[PlanRead], responses=LIST)
def list_plans(session: SessionDep, project_id: int, page: PageParams,
               user: User = UPKEEP_READER) -> list[dict[str, Any]]:
    """The project's plans, current and superseded, newest first (paged by id); lapsed flagged."""
    project = repository.upkeep_project(session, user, project_id)
    return page.respond(views.plans_page(repository.plans(session, project, cursor=page.cursor,
                                                          limit=page.limit)))


@router.get("/emergency-plans/{plan_id}/file", response_class=Response, responses=PDF | LIST)
def plan_file(session: SessionDep, plan_id: int, user: User = UPKEEP_READER) -> Response:
    found = repository.get_plan(session, user, plan_id)
    return Response(media.read(found.path), media_type=media.PDF_TYPE, headers={
        "Content-Disposition": f"attachment; filename=emergency-plan-{found.id}.pdf"})


@router.post("/projects/{project_id}/quality-supervisions", response_model=QualityRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def supervise_quality(session: SessionDep, project_id: int, data: QualityIn,
                      user: User = ZHUJIAN) -> dict[str, Any]:
    """第二十八条: 住建's quality and safety supervision result at completion acceptance."""
    return views.quality_view(session, safety.supervise_quality(session, user, project_id, data))


@router.get("/projects/{project_id}/quality-supervisions", response_model=list[QualityRead],
            responses=LIST)
def list_quality(session: SessionDep, project_id: int, page: PageParams,
                 user: User = UPKEEP_READER) -> list[dict[str, Any]]:
    project = repository.upkeep_project(session, user, project_id)
    return page.respond(views.quality_page(session, repository.quality_records(
        session, project, cursor=page.cursor, limit=page.limit)))


# ---- 住建's supervision ---------------------------------------------------------------------------

@router.get("/upkeep/supervision/projects", response_model=list[SupervisionProjectRead],
            responses=problem_responses(401, 403, 422))
def supervision_projects(session: SessionDep, page: PageParams,
                         user: User = SUPERVISOR) -> list[dict[str, Any]]:
    """第三十九、四十条: per project, open and overdue repairs, median completion hours, reopen
    rate, disputed charges, and the safety flags — the worst first (paged)."""
    return page.respond(supervision.projects_page(session, user, cursor=page.cursor, limit=page.limit))


@router.get("/upkeep/supervision/operators", response_model=list[SupervisionOperatorRead],
            responses=problem_responses(401, 403, 422))
def supervision_operators(session: SessionDep, page: PageParams,
                          user: User = SUPERVISOR) -> list[dict[str, Any]]:
    """The same per operator (its projects added up), the worst first (paged)."""
    return page.respond(supervision.operators_page(session, user, cursor=page.cursor, limit=page.limit))
