"""Routes: plans (第六条), the subsidy fund ledger (第十一、十二、十三、四十四条), the statistics reports,
and the public summary of published plans."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import Depends, Response, status

from app.accounts.deps import CurrentUser, SessionDep, require, require_department
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import HOUSING_BUREAU
from app.core import clock
from app.core.db import writes
from app.core.errors import Forbidden, problem_responses
from app.core.paging import PageParams, mapped_all
from app.core.routing import api_router
from app.planning import ledger, progress, reports, repository, service, views
from app.planning.schemas import (
    AdjustIn,
    EntryIn,
    EntryRead,
    FundIn,
    FundRead,
    PlanIn,
    PlanLinesIn,
    PlanProgressRead,
    PlanRead,
    ReconciliationRead,
    ReportIn,
    ReportRead,
    ReverseIn,
)
from app.planning.workflows import housing_bureau

router = api_router(tags=["计划、资金与统计"])
public = api_router(tags=["公开核验"])
WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 403, 404)
LIST = problem_responses(401, 403, 422)
FILES = {200: {"content": {reports.XLSX_TYPE: {}, "application/pdf": {}}, "description": "报表文件"}}


def _plan_reader() -> Any:
    """市住建局 (which compiles the plans), the office, the leading group, auditors, the
    administrator; 403 for anyone else (published plans are public at ``/public/plans``)."""

    async def dependency(user: CurrentUser) -> User:
        if not (user.role in (Role.office, Role.leader, Role.auditor, Role.admin) or housing_bureau(user)):
            raise Forbidden("当前角色无权查看计划（已发布的计划可在公开页面查看）")
        return user

    return Depends(dependency)


PLAN_READER = _plan_reader()
ZHUJIAN = require_department(HOUSING_BUREAU)  # 第六条: 市住建部门 compiles the plans
FUND_READER = require(Role.office, Role.leader, Role.auditor)
OFFICE = require(Role.office)


# ---- plans -----------------------------------------------------------------------------------

@router.get("/plans", response_model=list[PlanRead], responses=LIST)
def list_plans(session: SessionDep, page: PageParams, year: int | None = None,
               user: User = PLAN_READER) -> list[dict[str, Any]]:
    """Every version of every plan, newest first (paged by id); ``year``: those covering it."""
    found = repository.plans(session, cursor=page.cursor, limit=page.limit, year=year)
    return page.respond(mapped_all(found, lambda items: views.plans_view(session, user, items)))


@router.post("/plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED, responses=WRITE)
def create_plan(session: SessionDep, data: PlanIn, user: User = ZHUJIAN) -> dict[str, Any]:
    """第六条: 市住建局 drafts a development plan (multi-year) or an annual construction plan."""
    return views.plan_view(session, user, service.create_plan(session, user, data))


@router.get("/plans/{plan_id}", response_model=PlanRead, responses=READ)
def get_plan(session: SessionDep, plan_id: int, user: User = PLAN_READER) -> dict[str, Any]:
    return views.plan_view(session, user, repository.plan(session, plan_id))


@router.put("/plans/{plan_id}/lines", response_model=PlanRead, responses=WRITE)
def replace_lines(session: SessionDep, plan_id: int, data: PlanLinesIn,
                  user: User = ZHUJIAN) -> dict[str, Any]:
    """A draft's targets and the projects they count, replaced as a whole."""
    return views.plan_view(session, user, service.replace_lines(session, user, plan_id, data.lines))


@router.post("/plans/{plan_id}/publish", response_model=PlanRead, responses=WRITE)
def publish_plan(session: SessionDep, plan_id: int, user: User = ZHUJIAN) -> dict[str, Any]:
    """Publish a draft; the version it adjusts becomes 已调整 (kept)."""
    return views.plan_view(session, user, service.publish(session, user, plan_id))


@router.post("/plans/{plan_id}/adjust", response_model=PlanRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def adjust_plan(session: SessionDep, plan_id: int, data: AdjustIn,
                user: User = ZHUJIAN) -> dict[str, Any]:
    """A new draft version of a published plan (its lines copied), for 住建 to edit and publish."""
    return views.plan_view(session, user, service.adjust(session, user, plan_id, data))


@router.get("/plans/{plan_id}/progress", response_model=PlanProgressRead, responses=READ)
def plan_progress(session: SessionDep, plan_id: int, as_of: date | None = None,
                  user: User = PLAN_READER) -> dict[str, Any]:
    """Each line's progress from the platform's records (认定、开工、竣工、房源发布、出租), late lines
    flagged (第六条)."""
    return progress.plan_progress(session, repository.plan(session, plan_id), as_of or clock.today())


@public.get("/public/plans", response_model=list[PlanProgressRead], responses=problem_responses(422))
def public_plans(session: SessionDep, page: PageParams) -> list[dict[str, Any]]:
    """Anyone: the published plans with their targets and progress (no project names)."""
    found = repository.plans(session, cursor=page.cursor, limit=min(page.limit, 20), published_only=True)
    today = clock.today()
    return page.respond(mapped_all(found, lambda items: progress.plans_progress(session, items, today)))


# ---- funds -----------------------------------------------------------------------------------

@router.get("/funds", response_model=list[FundRead], responses=LIST)
def list_funds(session: SessionDep, page: PageParams, user: User = FUND_READER) -> list[dict[str, Any]]:
    found = repository.funds(session, cursor=page.cursor, limit=page.limit)
    return page.respond(mapped_all(found, lambda items: views.funds_view(session, items)))


@router.post("/funds", response_model=FundRead, status_code=status.HTTP_201_CREATED, responses=WRITE)
def receive_fund(session: SessionDep, data: FundIn, user: User = OFFICE) -> dict[str, Any]:
    """第十一、十二条: money received by 市保租办 (source, document number, amount in fen, date,
    year, plan)."""
    fund = ledger.receive(session, user, data)
    return views.fund_view(fund, repository.fund_totals(session, fund.id))


@router.get("/funds/{fund_id}", response_model=ReconciliationRead, responses=READ)
def reconcile_fund(session: SessionDep, fund_id: int, user: User = FUND_READER) -> dict[str, Any]:
    """The reconciliation: received, allocated, paid, refunded, balance, and each project's share."""
    return views.reconciliation(session, repository.fund(session, fund_id))


@router.get("/funds/{fund_id}/entries", response_model=list[EntryRead], responses=READ)
def fund_entries(session: SessionDep, fund_id: int, page: PageParams,
                 user: User = FUND_READER) -> list[dict[str, Any]]:
    repository.fund(session, fund_id)
    found = repository.entries(session, fund_id, cursor=page.cursor, limit=page.limit)
    return page.respond(mapped_all(found, lambda items: views.entries_view(session, items)))


@router.post("/funds/{fund_id}/entries", response_model=EntryRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def post_entry(session: SessionDep, fund_id: int, data: EntryIn, user: User = OFFICE) -> dict[str, Any]:
    """An allocation, a payment (the project's one-time subsidy after listing, 第十二条), a refund due
    (第十三、四十四条) or received; refused (422, with the article) if a balance would go negative."""
    return views.entries_view(session, [ledger.post(session, user, fund_id, data)])[0]


@router.post("/fund-entries/{entry_id}/reverse", response_model=EntryRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def reverse_entry(session: SessionDep, entry_id: int, data: ReverseIn, user: User = OFFICE) -> dict[str, Any]:
    """The correction of an entry: a reversing entry (entries are never changed)."""
    return views.entries_view(session, [ledger.reverse(session, user, entry_id, data)])[0]


# ---- statistics reports ----------------------------------------------------------------------

@router.get("/statistics-reports", response_model=list[ReportRead], responses=LIST)
def list_reports(session: SessionDep, page: PageParams, user: User = FUND_READER) -> list[dict[str, Any]]:
    found = repository.reports(session, cursor=page.cursor, limit=page.limit)
    return page.respond(mapped_all(found, lambda items: [views.report_view(r) for r in items]))


@router.post("/statistics-reports", response_model=ReportRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def generate_report(session: SessionDep, data: ReportIn, user: User = OFFICE) -> dict[str, Any]:
    """Generate (again: version n+1) the monthly or quarterly report of a period."""
    p = reports.period(data.period_kind, data.year, data.number)
    return views.report_view(reports.generate(session, user, p, user.id))


@router.get("/statistics-reports/{report_id}.{fmt}", responses=READ | FILES, response_class=Response)
@writes  # the download's audit event is written before the bytes leave
def download_report(session: SessionDep, report_id: int, fmt: Literal["xlsx", "pdf"],
                    user: User = FUND_READER) -> Response:
    """The stored file (audited before the bytes leave)."""
    data, kind, name = reports.download(session, user, report_id, fmt)
    return Response(data, media_type=kind, headers={"Content-Disposition": f"attachment; filename={name}"})
