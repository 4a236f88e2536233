"""Routes: leases, renewal, transition, occupants, violations, public verification."""

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
from app.leases import flows, repository, service, views
from app.leases.schemas import (
    ExtensionDecisionIn,
    ExtensionRequestIn,
    HomeAcquiredIn,
    InvitationSentRead,
    LeaseIn,
    LeaseRead,
    LeaseVerifyRead,
    OccupantIn,
    OccupantRead,
    OperatorViolationIn,
    PlacementRead,
    RenewIn,
    TerminateIn,
    ViolationIn,
)
from app.tenants import views as tenant_views
from app.tenants.api import MAX_CSV_BYTES
from app.tenants.enums import RegistryKind
from app.tenants.schemas import ApplicationIn, ApplicationRead, CreditEntry, FundCheckRead, ImportRead

router = api_router(tags=["租赁合同"])
public = api_router(tags=["公开核验"])
WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 404, 422)


@router.post("/leases", response_model=LeaseRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def create_lease(session: SessionDep, data: LeaseIn,
                 user: User = require(Role.developer)) -> dict[str, Any]:
    """The operator signs: term 6–60 months, rent ≤ area × filed standard, no other fees,
    prepaid rent below the whole term and within 3 months; no overlap on the unit or person."""
    return views.lease_view(session, user, service.create(session, user, data))


@router.get("/leases", response_model=list[LeaseRead], responses=problem_responses(401, 422))
def list_leases(session: SessionDep, user: CurrentUser, page: PageParams) -> list[dict[str, Any]]:
    """The leases the caller may see, newest first (paged by id)."""
    return page.respond(views.leases_page(session, user, repository.leases(
        session, user, cursor=page.cursor, limit=page.limit)))


@router.get("/leases/{lease_id}", response_model=LeaseRead, responses=READ)
def get_lease(session: SessionDep, user: CurrentUser, lease_id: int) -> dict[str, Any]:
    return views.lease_view(session, user, repository.get(session, user, lease_id))


@public.get("/leases/{number}/verify", response_model=LeaseVerifyRead,
            responses=problem_responses(404))
def verify_lease(session: SessionDep, number: str) -> dict[str, Any]:
    """第二十三条: the electronic lease's validity, unit, term and a masked tenant name.
    ``number`` is the lease's number with its verification code, as printed on the lease and
    in its QR link (``ZL2025000001-7KQ3MX9P``); a number alone, or with a wrong code, answers
    404 like an unknown number."""
    return views.verify_view(session, repository.by_reference(session, number))


@router.post("/leases/{lease_id}/renew", response_model=LeaseRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def renew(session: SessionDep, lease_id: int, data: RenewIn,
          user: User = require(Role.developer)) -> dict[str, Any]:
    """第三十五条: renewal at term end after a fresh eligibility check."""
    return views.lease_view(session, user, service.renew(session, user, lease_id, data))


@router.post("/leases/{lease_id}/home-acquired", response_model=LeaseRead, responses=WRITE)
def home_acquired(session: SessionDep, lease_id: int, data: HomeAcquiredIn,
                  user: User = require(Role.tenant, Role.office)) -> dict[str, Any]:
    """第三十八条: a 12-month transition at market rent, then the lease ends."""
    return views.lease_view(session, user, service.home_acquired(session, user, lease_id, data))


@router.post("/leases/{lease_id}/transition-extension", response_model=LeaseRead, responses=WRITE)
def request_extension(session: SessionDep, lease_id: int, data: ExtensionRequestIn,
                      user: User = require(Role.tenant)) -> dict[str, Any]:
    return views.lease_view(session, user, service.request_extension(session, user, lease_id, data))


@router.post("/leases/{lease_id}/transition-extension/decision", response_model=LeaseRead,
             responses=WRITE)
def decide_extension(session: SessionDep, lease_id: int, data: ExtensionDecisionIn,
                     user: User = require(Role.developer)) -> dict[str, Any]:
    return views.lease_view(session, user, service.decide_extension(session, user, lease_id, data))


def _occupants(session: Session, user: User, lease_id: int, page: Any) -> list[dict[str, Any]]:
    lease = repository.get(session, user, lease_id)
    return page.respond(views.occupants_page(repository.occupants(
        session, lease, user, cursor=page.cursor, limit=page.limit), lease, user))


@router.post("/leases/{lease_id}/occupants", response_model=InvitationSentRead,
             status_code=status.HTTP_202_ACCEPTED,
             responses=problem_responses(401, 403, 404, 409, 422, 429))
def add_occupant(session: SessionDep, lease_id: int, data: OccupantIn,
                 user: User = require(Role.employer)) -> dict[str, Any]:
    """整体配租 (第三十一条): the employer invites the holder of a 身份证 number to live in the
    unit. The holder accepts (after the eligibility check at that moment) or declines
    themself; until then nothing is placed. The answer is the same whoever the number belongs
    to — registered or not, eligible or not, housed or not: ``GET …/occupants`` shows each
    invitation's state, and the person's (masked) name only once they accept."""
    return {"status": "invited", "detail": service.invite_occupant(session, user, lease_id, data)}


@router.post("/leases/{lease_id}/occupants/{occupant_id}/withdraw", response_model=list[OccupantRead],
             responses=WRITE)
def withdraw_invitation(session: SessionDep, lease_id: int, occupant_id: int, page: PageParams,
                        user: User = require(Role.employer)) -> list[dict[str, Any]]:
    """The employer withdraws an invitation not yet answered. Answers the occupants' first page."""
    service.withdraw_invitation(session, user, lease_id, occupant_id)
    return _occupants(session, user, lease_id, page)


@router.post("/leases/{lease_id}/occupants/{occupant_id}/move-out", response_model=list[OccupantRead],
             responses=WRITE)
def move_out(session: SessionDep, lease_id: int, occupant_id: int, page: PageParams,
             user: User = require(Role.employer)) -> list[dict[str, Any]]:
    service.move_out(session, user, lease_id, occupant_id)
    return _occupants(session, user, lease_id, page)


@router.get("/leases/{lease_id}/occupants", response_model=list[OccupantRead],
            responses=problem_responses(401, 404, 422))
def list_occupants(session: SessionDep, user: CurrentUser, lease_id: int,
                   page: PageParams) -> list[dict[str, Any]]:
    """The invitations and placements under the lease, history kept, in order of invitation
    (paged by id); readers other than the employer and the city see the placements only."""
    return _occupants(session, user, lease_id, page)


# ---- the tenant's side of an invitation ------------------------------------------------------

@router.get("/tenants/me/placements", response_model=list[PlacementRead],
            responses=problem_responses(401, 403, 422), tags=["承租人与申请"])
def my_placements(session: SessionDep, page: PageParams,
                  user: User = require(Role.tenant)) -> list[dict[str, Any]]:
    """整体配租 invitations addressed to my 身份证 number (also those made before I registered),
    and what became of them, newest first (paged by id)."""
    return page.respond(views.placements_page(session, user, repository.placements(
        session, user, cursor=page.cursor, limit=page.limit)))


@router.post("/tenants/me/placements/{placement_id}/accept", response_model=PlacementRead,
             responses=WRITE, tags=["承租人与申请"])
def accept_placement(session: SessionDep, placement_id: int,
                     user: User = require(Role.tenant)) -> dict[str, Any]:
    """I accept: placed, once the eligibility check of 第三十二条 passes now and I hold no other
    such housing (422 with the reasons, 409 otherwise)."""
    return views.placement_view(session, user, service.accept_invitation(session, user, placement_id))


@router.post("/tenants/me/placements/{placement_id}/decline", response_model=PlacementRead,
             responses=WRITE, tags=["承租人与申请"])
def decline_placement(session: SessionDep, placement_id: int,
                      user: User = require(Role.tenant)) -> dict[str, Any]:
    """I decline: nothing is placed; the employer sees the invitation declined."""
    return views.placement_view(session, user, service.decline_invitation(session, user, placement_id))


@router.post("/leases/{lease_id}/violations", response_model=CreditEntry,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def record_violation(session: SessionDep, lease_id: int, data: ViolationIn,
                     user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    """第四十条: sale, lending, subletting, idle, change of use, structural change — with a
    rectification deadline."""
    violation = service.record_violation(session, user, lease_id, data)
    return views.credit_entry(repository.credit_row(session, violation.id))


@router.post("/projects/{project_id}/violations", response_model=CreditEntry,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def record_operator_violation(session: SessionDep, project_id: int, data: OperatorViolationIn,
                              user: User = require(Role.office)) -> dict[str, Any]:
    """第四十六条: an operator's violation, kept on its credit record (第四十一条)."""
    violation = service.record_operator_violation(session, user, project_id, data)
    return views.credit_entry(repository.credit_row(session, violation.id))


@router.post("/violations/{violation_id}/rectified", response_model=CreditEntry, responses=WRITE)
def rectified(session: SessionDep, violation_id: int,
              user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    violation = service.rectified(session, user, violation_id)
    return views.credit_entry(repository.credit_row(session, violation.id))


@router.post("/leases/{lease_id}/terminate", response_model=LeaseRead, responses=WRITE)
def terminate(session: SessionDep, lease_id: int, data: TerminateIn,
              user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    """第四十条: the tenant refused to rectify — the lease ends and the unit is recovered."""
    return views.lease_view(session, user, service.terminate(session, user, lease_id, data))


# ---- steps that span tenants and leases (app.leases.flows) --------------------------------

@router.post("/tenant-applications", response_model=ApplicationRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE, tags=["承租人与申请"])
def apply(session: SessionDep, data: ApplicationIn,
          user: User = require(Role.tenant, Role.office)) -> dict[str, Any]:
    """Apply online (tenant) or at the window (office, recorded as 受理经办人员); returns the
    eligibility decision of 第三十二条 with each condition, its evidence and article."""
    return tenant_views.application_view(session, user, flows.apply(session, user, data))


@router.get("/tenants/me/housing-fund-eligibility", response_model=FundCheckRead,
            responses=problem_responses(401, 403, 422), tags=["承租人与申请"])
def housing_fund(
    session: SessionDep,
    contribution_months: Annotated[int, Query(ge=0, le=600, description="连续足额缴存月数")],
    continuous: Annotated[bool, Query(description="是否连续足额缴存")] = True,
    spouse_owns_home: Annotated[bool, Query(description="配偶在市区是否有自有住房")] = False,
    user: User = require(Role.tenant),
) -> dict[str, Any]:
    """第二十二条: may this tenant withdraw housing-fund money to pay the rent?"""
    return tenant_views.fund_check_view(flows.housing_fund_check(
        session, user, contribution_months, continuous, spouse_owns_home))


@router.get("/tenants/{tenant_id}/credit", response_model=list[CreditEntry], responses=LIST,
            tags=["承租人与申请"])
def tenant_credit(session: SessionDep, user: CurrentUser, tenant_id: int,
                  page: PageParams) -> list[dict[str, Any]]:
    """第四十一条: the tenant's credit record (the tenant, the office, auditors), oldest first
    (paged by id)."""
    return page.respond(views.credit_page(repository.tenant_credit(
        session, user, tenant_id, cursor=page.cursor, limit=page.limit)))


@router.get("/organizations/{organization_id}/credit", response_model=list[CreditEntry],
            responses=LIST, tags=["承租人与申请"])
def organization_credit(session: SessionDep, user: CurrentUser, organization_id: int,
                        page: PageParams) -> list[dict[str, Any]]:
    """第四十一条: an operator's or employer's credit record, oldest first (paged by id)."""
    return page.respond(views.credit_page(repository.organization_credit(
        session, user, organization_id, cursor=page.cursor, limit=page.limit)))


@router.post("/registry/properties", response_model=ImportRead, status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 403, 413, 422), tags=["承租人与申请"])
async def import_properties(session: SessionDep, file: Annotated[UploadFile, File()],
                            user: User = require(Role.admin)) -> dict[str, Any]:
    """CSV ``id_number,address,district,acquired_on`` from 不动产登记; all rows or none. Tenants
    it shows now owning a central home enter the 过渡期 (第三十八条)."""
    content = await read_upload(file, MAX_CSV_BYTES)
    return await run_sync(_import_properties, session, user, file.filename, content)


def _import_properties(session: Session, user: User, filename: str | None,
                       content: bytes) -> dict[str, Any]:
    batch, started = flows.import_registry(session, user, RegistryKind.properties,
                                           filename or "properties.csv", content)
    return tenant_views.import_view(batch, started)
