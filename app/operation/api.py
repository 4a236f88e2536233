"""Routes after certification: units and listing, rents, subsidies, benefits, operation, exit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status

from app.accounts.deps import CurrentUser, SessionDep, require, require_department
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import repository as approval_repository
from app.approval import views as approval_views
from app.approval.enums import DEVELOPMENT_COMMISSION, HOUSING_BUREAU
from app.approval.repository import get_project
from app.core import clock
from app.core.errors import problem_responses
from app.core.paging import PageParams, mapped
from app.core.routing import api_router
from app.operation import repository, service, views
from app.operation.schemas import (
    AppraisalIn,
    AppraisalRead,
    BenefitRecordRead,
    CompletionIn,
    ExitDecisionIn,
    ExitRequestIn,
    ExitRequestRead,
    ListingQueueItem,
    ListingRead,
    ListingVerifyRead,
    OperationIn,
    OperationRead,
    PublicRent,
    PublicUnitRead,
    RentFilingIn,
    RentsRead,
    RentStandardIn,
    RentStandardRead,
    SubsidyIn,
    SubsidyPayIn,
    SubsidyRead,
    TransferIn,
    UnapprovedExitIn,
    UnitPage,
    UnitsAdded,
    UnitsIn,
    UnitsSummary,
)

router = api_router(tags=["认定后管理"])
public = api_router(tags=["公开核验"])

WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 404, 422)


def _project(session: SessionDep, user: User, project_id: int) -> Any:
    """The project if ``user`` may see it (404 otherwise), without its relationships."""
    return get_project(session, user, project_id, load=())


# ---- units and listing (第七条, 第二十六条, 第三十条, 第四十二条) ------------------------------

@router.post("/projects/{project_id}/units", response_model=UnitsAdded,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def register_units(session: SessionDep, project_id: int, data: UnitsIn,
                   user: User = require(Role.developer)) -> dict[str, Any]:
    """Register a batch of units (each ≤ 90 m²); one bad row refuses the whole batch."""
    return service.register_units(session, user, project_id, data.units)


@router.get("/projects/{project_id}/units", response_model=UnitPage, responses=READ)
def list_units(session: SessionDep, user: CurrentUser, project_id: int,
               cursor: Annotated[int | None, Query(ge=0)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200,
               status: str | None = None) -> dict[str, Any]:
    project = get_project(session, user, project_id)
    items = repository.units_page(session, project, cursor=cursor, limit=limit, status=status)
    return {"items": items, "next_cursor": items[-1].id if len(items) == limit else None}


@router.get("/projects/{project_id}/units/summary", response_model=UnitsSummary, responses=READ)
def units_summary(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    """Registered units against the certificate's count and floor area."""
    return views.units_summary(session, get_project(session, user, project_id))


@router.post("/projects/{project_id}/completion", response_model=ListingRead, responses=WRITE)
def record_completion(session: SessionDep, project_id: int, data: CompletionIn,
                      user: User = require(Role.developer)) -> dict[str, Any]:
    """竣工验收合格日期: the listing is due within 15 calendar days (第三十条)."""
    project = service.record_completion(session, user, project_id, data.completed_on)
    return views.listing_view(session, project)


@router.post("/projects/{project_id}/listing", response_model=ListingRead, responses=WRITE)
def submit_listing(session: SessionDep, project_id: int,
                   user: User = require(Role.developer)) -> dict[str, Any]:
    """The units are entered: submit them to 市住建局 for verification."""
    return views.listing_view(session, service.submit_listing(session, user, project_id))


@router.get("/projects/{project_id}/listing", response_model=ListingRead, responses=READ)
def listing(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    return views.listing_view(session, get_project(session, user, project_id))


@router.post("/projects/{project_id}/listing/verify", response_model=ListingVerifyRead,
             responses=WRITE)
def verify_listing(session: SessionDep, project_id: int,
                   user: User = require_department(HOUSING_BUREAU)) -> dict[str, Any]:
    """市住建局 verifies the listing: each unit gets its 房源核验码 and is published."""
    project, published = service.verify_listing(session, user, project_id)
    return views.listing_view(session, project) | {"newly_published": published}


@router.get("/listing-queue", response_model=list[ListingQueueItem],
            responses=problem_responses(401, 403, 422))
def listing_queue(session: SessionDep, page: PageParams,
                  user: User = require(Role.department, Role.office)) -> list[dict[str, Any]]:
    """Listings awaiting verification and completed projects whose listing is overdue,
    earliest completion first (paged by completion date and project id)."""
    found = repository.listing_queue(session, user, cursor=page.cursor, limit=page.limit)
    return page.respond(views.listing_queue(session, found))


@public.get("/listings/{code}", response_model=PublicUnitRead, responses=problem_responses(404))
def public_unit(session: SessionDep, code: str) -> dict[str, Any]:
    """Anyone checks a listing verification code (房源核验码)."""
    return views.public_unit(repository.unit_by_code(session, code))


# ---- rents (第三十六、三十七条) ------------------------------------------------------------

@router.post("/projects/{project_id}/appraisals", response_model=AppraisalRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def record_appraisal(session: SessionDep, project_id: int, data: AppraisalIn,
                     user: User = require_department(HOUSING_BUREAU)) -> dict[str, Any]:
    """市住建局 records the third-party market-rent appraisal it commissioned."""
    return views.appraisal_view(service.record_appraisal(session, user, project_id, data), clock.today())


@router.post("/projects/{project_id}/rent-standards", response_model=RentStandardRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def propose_rent_standard(session: SessionDep, project_id: int, data: RentStandardIn,
                          user: User = require(Role.developer)) -> dict[str, Any]:
    """The operator proposes a rent standard: ≤ 90% of the appraisal, appraisal ≤ 2 years old."""
    return views.standard_view(service.propose_rent_standard(session, user, project_id, data))


@router.post("/rent-standards/{standard_id}/file", response_model=RentStandardRead, responses=WRITE)
def file_rent_standard(session: SessionDep, standard_id: int, data: RentFilingIn,
                       user: User = require_department(DEVELOPMENT_COMMISSION)) -> dict[str, Any]:
    """市发改委 files the standard; only a filed standard is in force."""
    return views.standard_view(service.file_rent_standard(session, user, standard_id, data))


@router.get("/projects/{project_id}/rents", response_model=RentsRead, responses=READ)
def project_rents(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    """Appraisals, standards, the one in force, and whether a re-appraisal is due."""
    return views.rents_view(session, get_project(session, user, project_id))


@public.get("/rents", response_model=list[PublicRent], responses=problem_responses(422))
def public_rents(session: SessionDep, page: PageParams) -> list[dict[str, Any]]:
    """The filed rent standards in force, project by project (向社会公布), by district and
    name; a page holds ``limit`` projects, each with all its rates (paged by district, name
    and project id)."""
    found = repository.projects_with_filed_rents(session, cursor=page.cursor, limit=page.limit)
    return page.respond(views.public_rents(session, found))


# ---- subsidies, benefits, operation (第十二–十六条, 第四十三、四十五条) -------------------------

@router.post("/projects/{project_id}/subsidies", response_model=SubsidyRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def grant_subsidy(session: SessionDep, project_id: int, data: SubsidyIn,
                  user: User = require(Role.office)) -> Any:
    return service.grant_subsidy(session, user, project_id, data)


@router.post("/subsidies/{subsidy_id}/pay", response_model=SubsidyRead, responses=WRITE)
def pay_subsidy(session: SessionDep, subsidy_id: int, data: SubsidyPayIn | None = None,
                user: User = require(Role.office)) -> Any:
    """一次性拨付, only after the listing is verified (第十二条)."""
    return service.pay_subsidy(session, user, subsidy_id, data or SubsidyPayIn())


@router.get("/projects/{project_id}/subsidies", response_model=list[SubsidyRead], responses=LIST)
def list_subsidies(session: SessionDep, user: CurrentUser, project_id: int,
                   page: PageParams) -> Any:
    """Granted subsidies with any refund obligation, oldest first (paged by id)."""
    return page.respond(repository.subsidies_page(session, _project(session, user, project_id),
                                                  cursor=page.cursor, limit=page.limit))


@router.get("/projects/{project_id}/benefits", response_model=list[BenefitRecordRead],
            responses=LIST)
def list_benefits(session: SessionDep, user: CurrentUser, project_id: int,
                  page: PageParams) -> Any:
    """Which benefits apply, since when, and when they ended (paged by id, oldest first)."""
    found = approval_repository.benefits_page(session, _project(session, user, project_id),
                                              cursor=page.cursor, limit=page.limit)
    return page.respond(mapped(found, approval_views.benefit_view))


@router.post("/projects/{project_id}/operation", response_model=OperationRead, responses=WRITE)
def start_operation(session: SessionDep, project_id: int, data: OperationIn,
                    user: User = require(Role.developer)) -> dict[str, Any]:
    """投入运营: the 8-year operation period counts from this day."""
    return views.operation_view(session, service.start_operation(session, user, project_id, data))


@router.get("/projects/{project_id}/operation", response_model=OperationRead, responses=READ)
def operation_status(session: SessionDep, user: CurrentUser, project_id: int) -> dict[str, Any]:
    return views.operation_view(session, get_project(session, user, project_id))


@router.post("/projects/{project_id}/transfers", response_model=OperationRead, responses=WRITE)
def transfer_operation(session: SessionDep, project_id: int, data: TransferIn,
                       user: User = require(Role.office)) -> dict[str, Any]:
    """Operation rights pass to another organisation; the use stays affordable rental."""
    project = service.transfer_operation(session, user, project_id, data)
    return views.operation_view(session, project)


# ---- exit (第四十三、四十四条) --------------------------------------------------------------

@router.post("/projects/{project_id}/exit-requests", response_model=ExitRequestRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def request_exit(session: SessionDep, project_id: int, data: ExitRequestIn,
                 user: User = require(Role.developer)) -> dict[str, Any]:
    """Apply to leave the programme (conversions only, after 8 years, notice without objection)."""
    request = service.request_exit(session, user, project_id, data)
    return views.request_view(session, request, get_project(session, user, project_id))


@router.get("/projects/{project_id}/exit-requests", response_model=list[ExitRequestRead],
            responses=LIST)
def list_exit_requests(session: SessionDep, user: CurrentUser, project_id: int,
                       page: PageParams) -> list[dict[str, Any]]:
    """A project's exit requests, oldest first (paged by id)."""
    project = _project(session, user, project_id)
    found = repository.exit_requests_page(session, project, cursor=page.cursor, limit=page.limit)
    return page.respond(views.requests_page(session, project, found))


@router.post("/exit-requests/{request_id}/decision", response_model=ExitRequestRead, responses=WRITE)
def decide_exit(session: SessionDep, request_id: int, data: ExitDecisionIn,
                user: User = require(Role.office)) -> dict[str, Any]:
    """The office's decision within 3 working days; consent notifies 发改、财政、税务 and utilities."""
    request = service.decide_exit(session, user, request_id, data)
    return views.request_view(session, request, get_project(session, user, request.project_id))


@router.get("/exit-queue", response_model=list[ExitRequestRead],
            responses=problem_responses(401, 403, 422))
def exit_queue(session: SessionDep, page: PageParams,
               _: User = require(Role.office, Role.leader)) -> list[dict[str, Any]]:
    """Pending exit requests, soonest deadline first (paged by request day and id: the
    deadline is 3 working days after the request day)."""
    found, projects = repository.pending_exit_requests(session, cursor=page.cursor, limit=page.limit)
    return page.respond(views.exit_queue(session, found, projects))


@router.post("/projects/{project_id}/unapproved-exit", response_model=OperationRead, responses=WRITE)
def record_unapproved_exit(session: SessionDep, project_id: int, data: UnapprovedExitIn,
                           user: User = require(Role.office)) -> dict[str, Any]:
    """Record an exit without approval: benefits cancelled, subsidy to be refunded (第四十四条)."""
    project = service.record_unapproved_exit(session, user, project_id, data)
    return views.operation_view(session, project)
