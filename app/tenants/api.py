"""Routes: tenant profile and commitment, registry imports, eligibility, applications, lotteries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Query, UploadFile, status
from sqlalchemy.orm import Session

from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.db import run_sync
from app.core.errors import problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router, read_upload
from app.tenants import applications, lottery, registry, repository, service, views
from app.tenants.enums import RegistryKind
from app.tenants.schemas import (
    ApplicationRead,
    ApplicationReview,
    CommitmentIn,
    CommitmentRead,
    HousingRead,
    ImportRead,
    LotteryRead,
    LotteryVerifyRead,
    NoticeRead,
    PriorityGroupIn,
    PriorityGroupRead,
    ProfileIn,
    TenantRead,
)

router = api_router(tags=["承租人与申请"])
public = api_router(tags=["公开核验"])
WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 404, 422)
MAX_CSV_BYTES = 20 * 1024 * 1024


# ---- the tenant themself --------------------------------------------------------------------

@router.get("/tenants/me", response_model=TenantRead, responses=problem_responses(401, 403))
def me(session: SessionDep, user: User = require(Role.tenant)) -> dict[str, Any]:
    return views.tenant_view(session, user)


@router.put("/tenants/me/profile", response_model=TenantRead, responses=WRITE)
def save_profile(session: SessionDep, data: ProfileIn,
                 user: User = require(Role.tenant)) -> dict[str, Any]:
    """Phone, residence and work district, employer (第三十二条)."""
    service.save_profile(session, user, data)
    return views.tenant_view(session, user)


@router.post("/tenants/me/commitment", response_model=CommitmentRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def sign_commitment(session: SessionDep, data: CommitmentIn,
                    user: User = require(Role.tenant)) -> Any:
    """附件4: sign all four clauses of the commitment, declaration and authorisation."""
    return service.sign_commitment(session, user, data)


@router.get("/tenants/me/notices", response_model=list[NoticeRead],
            responses=problem_responses(401, 403, 422))
def notices(session: SessionDep, page: PageParams, user: User = require(Role.tenant)) -> Any:
    """My notices, newest first (paged by id)."""
    return page.respond(repository.notices_page(session, user, cursor=page.cursor,
                                                limit=page.limit))


# ---- registry imports (admin) ----------------------------------------------------------------

@router.post("/registry/public-rental", response_model=ImportRead,
             status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 413, 422))
async def import_public_rental(session: SessionDep, file: Annotated[UploadFile, File()],
                               user: User = require(Role.admin)) -> dict[str, Any]:
    """CSV ``id_number,qualified,receiving`` from 住房保障; all rows or none."""
    content = await read_upload(file, MAX_CSV_BYTES)
    return await run_sync(_import_public_rental, session, user, file.filename, content)


def _import_public_rental(session: Session, user: User, filename: str | None,
                          content: bytes) -> dict[str, Any]:
    batch = registry.store(session, kind=RegistryKind.public_rental,
                           filename=filename or "public_rental.csv", content=content,
                           rows=registry.parse_public_rental(content), actor=user)
    return views.import_view(batch)


# ---- housing on offer, applications ------------------------------------------------------

@public.get("/housing", response_model=list[HousingRead], responses=problem_responses(422))
def housing(session: SessionDep, page: PageParams) -> list[dict[str, Any]]:
    """Certified projects accepting applications, with units available and filed rents,
    oldest project first (paged by id)."""
    return page.respond(views.housing_page(repository.housing_on_offer(
        session, cursor=page.cursor, limit=page.limit)))


@router.get("/tenant-applications", response_model=list[ApplicationRead],
            responses=problem_responses(401, 422))
def list_applications(session: SessionDep, user: CurrentUser, page: PageParams,
                      status: str | None = None,
                      project_id: int | None = None) -> list[dict[str, Any]]:
    """The applications the caller may see, newest first (paged by id)."""
    return page.respond(views.applications_page(session, user, repository.applications(
        session, user, status, project_id, cursor=page.cursor, limit=page.limit)))


@router.get("/tenant-applications/{application_id}", response_model=ApplicationRead, responses=READ)
def get_application(session: SessionDep, user: CurrentUser, application_id: int) -> dict[str, Any]:
    return views.application_view(session, user, repository.application(session, user, application_id))


@router.post("/tenant-applications/{application_id}/review", response_model=ApplicationRead,
             responses=WRITE)
def review(session: SessionDep, application_id: int, data: ApplicationReview,
           user: User = require(Role.office)) -> dict[str, Any]:
    """Approve (eligibility checked again) or refuse with a reason the applicant sees."""
    return views.application_view(session, user, applications.review(session, user, application_id, data))


@router.post("/tenant-applications/{application_id}/withdraw", response_model=ApplicationRead,
             responses=WRITE)
def withdraw(session: SessionDep, application_id: int,
             user: User = require(Role.tenant)) -> dict[str, Any]:
    return views.application_view(session, user, applications.withdraw(session, user, application_id))


# ---- priority groups and lotteries (第三十一条) --------------------------------------------

@router.post("/projects/{project_id}/priority-groups", response_model=PriorityGroupRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def add_priority_group(session: SessionDep, project_id: int, data: PriorityGroupIn,
                       user: User = require(Role.developer)) -> Any:
    """The operator names a group leased to first: staff of a park's or an enterprise's units."""
    return applications.add_priority_group(session, user, project_id, data)


@public.get("/projects/{project_id}/priority-groups", response_model=list[PriorityGroupRead],
            responses=problem_responses(404, 422))
def list_priority_groups(session: SessionDep, project_id: int, page: PageParams) -> Any:
    """Public, like the lottery it orders (第三十一条 公开): a project's priority groups in
    their order (paged by rank and id)."""
    return page.respond(repository.priority_groups_page(session, project_id,
                                                        cursor=page.cursor, limit=page.limit))


@router.post("/projects/{project_id}/lotteries", response_model=LotteryRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def commit_lottery(session: SessionDep, project_id: int,
                   user: User = require(Role.office)) -> dict[str, Any]:
    """Publish the commitment (the seed's hash) and the list of applicants before the draw."""
    return views.lottery_view(lottery.commit(session, user, project_id))


@router.post("/lotteries/{lottery_id}/draw", response_model=LotteryRead, responses=WRITE)
def draw_lottery(session: SessionDep, lottery_id: int,
                 user: User = require(Role.office)) -> dict[str, Any]:
    """Reveal the seed and fix the order: priority groups first."""
    return views.lottery_view(lottery.draw(session, user, lottery_id))


@public.get("/lotteries/{lottery_id}", response_model=LotteryRead, responses=problem_responses(404))
def get_lottery(session: SessionDep, lottery_id: int) -> dict[str, Any]:
    return views.lottery_view(repository.lottery(session, lottery_id))


@public.get("/lotteries/{lottery_id}/verify", response_model=LotteryVerifyRead,
            responses=problem_responses(404, 409, 422))
def verify_lottery(session: SessionDep, lottery_id: int,
                   seed: Annotated[str, Query(min_length=1, max_length=200)]) -> dict[str, Any]:
    """Anyone recomputes the order from the revealed seed; a wrong seed is refused (第三十一条)."""
    decision = lottery.verify(repository.lottery(session, lottery_id), seed)
    return {"ok": decision.ok, "findings": [f.as_dict() for f in decision.findings]}
