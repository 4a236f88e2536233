"""Routes for auditors: the event trail and its verification, the lease search and exports,
the dashboard."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Response
from fastapi.responses import StreamingResponse
from pydantic_core import to_json

from app.accounts.deps import ReadSessionDep, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.audit import service as audit
from app.core.db import reads_only
from app.core.errors import InvalidInput, problem_responses
from app.core.routing import api_router
from app.oversight import dashboard, exports, impact, repository, search
from app.oversight.exports import XLSX_TYPE
from app.oversight.repository import EventFilter, LeaseFilter
from app.oversight.schemas import (
    AuditEventPage,
    AuditLeasePage,
    DashboardRead,
    LeaseExportIn,
    LeaseFilterBody,
    LeaseFilterIn,
    LeaseQueryIn,
    LeaseSearchIn,
    LeaseSearchQueryIn,
    VerificationRead,
)
from app.parameters import service as parameters
from app.parameters.schemas import ImpactRead, PreviewIn
from app.parameters.views import shown
from rules.params import value_at

router = api_router(prefix="/audit", tags=["审计"])
dashboard_router = api_router(tags=["审计"])
AUDIT_READERS = (Role.auditor, Role.admin)
DASHBOARD_READERS = (Role.auditor, Role.admin, Role.office, Role.leader)


@router.get("/events", response_model=AuditEventPage, responses=problem_responses(401, 403, 422))
def list_events(
    session: ReadSessionDep,
    _: User = require(*AUDIT_READERS),
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: Annotated[int | None, Query(ge=0, description="上一页最后一条事件的编号")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    order: Literal["asc", "desc"] = "desc",
) -> AuditEventPage:
    """Keyset-paginated events, newest first by default; pass ``next_cursor`` back for more."""
    flt = EventFilter(entity_type, entity_id, action, actor, since, until)
    items = repository.events_page(session, flt, cursor=cursor, limit=limit,
                                   descending=order == "desc")
    next_cursor = items[-1].id if len(items) == limit else None
    return AuditEventPage.model_validate({"items": items, "next_cursor": next_cursor})


@router.get("/verify", response_model=VerificationRead, responses=problem_responses(401, 403))
def verify_chain(session: ReadSessionDep, _: User = require(*AUDIT_READERS)) -> VerificationRead:
    """Recompute the whole chain; ``ok`` or the first broken event and why."""
    return VerificationRead(**asdict(audit.verify(session)))


# ---- leases: search and exports (issue 6) ---------------------------------------------------

def _filter(data: LeaseFilterIn | LeaseFilterBody, id_number: str | None = None) -> LeaseFilter:
    return LeaseFilter.of(data.model_dump(include=set(LeaseFilterIn.model_fields)), id_number)


@router.get("/leases", response_model=AuditLeasePage, responses=problem_responses(401, 403, 422))
def search_leases(session: ReadSessionDep, query: Annotated[LeaseSearchQueryIn, Query()],
                  _: User = require(*AUDIT_READERS)) -> Response:
    """Any lease, filtered; keyset pages (pass ``next_cursor`` back), by start date or rent.
    A query parameter the search does not know is refused (422)."""
    return _page(search.search(session, _filter(query), sort=query.sort, cursor=query.cursor,
                               limit=query.limit))


@router.post("/leases/search", response_model=AuditLeasePage,
             responses=problem_responses(401, 403, 422))
def search_leases_by_body(session: ReadSessionDep, write: SessionDep, data: LeaseSearchIn,
                          user: User = require(*AUDIT_READERS)) -> Response:
    """The same search with the filters in the body: the way to search by 身份证 number (each
    such search is an audit event, ``audit.leases_searched_by_person``)."""
    flt = _filter(data, data.tenant_id_number)
    page = search.search(session, flt, sort=data.sort, cursor=data.cursor, limit=data.limit)
    if flt.tenant_id_number:
        search.record_person_search(write, user, flt, len(page["items"]))
    return _page(page)


def _page(page: dict[str, Any]) -> Response:
    """The page as JSON straight from the service's plain values (the shape ``AuditLeasePage``
    declares), skipping a second validation of rows the service just built."""
    return Response(to_json(page), media_type="application/json")


EXPORT = problem_responses(401, 403, 422) | {200: {"content": {
    "text/csv": {}, XLSX_TYPE: {}}, "description": "CSV 或 XLSX 文件"}}


@router.get("/leases.csv", response_class=StreamingResponse, responses=EXPORT)
def export_csv(session: ReadSessionDep, query: Annotated[LeaseQueryIn, Query()],
               user: User = require(*AUDIT_READERS)) -> Any:
    """Every matching lease as CSV, streamed (the 身份证 numbers masked); an audit event records it."""
    return exports.export_response(session, user, _filter(query), query.sort, "csv")


@router.get("/leases.xlsx", response_class=StreamingResponse, responses=EXPORT)
def export_xlsx(session: ReadSessionDep, query: Annotated[LeaseQueryIn, Query()],
                user: User = require(*AUDIT_READERS)) -> Any:
    """Every matching lease as an XLSX workbook, up to ``XLSX_MAX_ROWS`` rows (larger: CSV)."""
    return exports.export_response(session, user, _filter(query), query.sort, "xlsx")


@router.post("/leases/export", response_class=StreamingResponse, responses=EXPORT)
@reads_only
def export_by_body(session: ReadSessionDep, data: LeaseExportIn,
                   user: User = require(*AUDIT_READERS)) -> Any:
    """Export with the filters in the body; full 身份证 numbers only when asked, with a reason."""
    if data.include_full_id_numbers and not (data.reason and data.reason.strip()):
        raise InvalidInput("导出完整身份证号码须说明理由", field="reason")
    return exports.export_response(session, user, _filter(data, data.tenant_id_number),
                                   data.sort, data.format, data.include_full_id_numbers,
                                   data.reason)


@dashboard_router.get("/dashboard", response_model=DashboardRead,
                      responses=problem_responses(401, 403))
def programme_dashboard(session: SessionDep,
                        user: User = require(*DASHBOARD_READERS)) -> dict[str, Any]:
    """Projects per state, review timeliness, units and occupancy, rents against caps, overdue."""
    return dashboard.stats(session, user)


@dashboard_router.post("/parameters/{name}/preview", response_model=ImpactRead,
                       responses=problem_responses(401, 403, 404, 409, 422), tags=["规则与参数"])
@reads_only
def preview_parameter_change(session: SessionDep, name: str, data: PreviewIn,
                             user: User = require(Role.admin, Role.office)) -> dict[str, Any]:
    """Before a policy parameter is changed: what the new value would apply to from its date
    (counts, and up to 50 of each), so the office sees the impact before it decides. The same
    checks as the change itself (a statutory number, a date in the past, a wrong value: refused)."""
    parameter = parameters.known(name)
    value = parameters.check_change(parameter, data.value, data.since)
    return {"name": name, "since": data.since, "value_then": shown(value_at(name, data.since)),
            "value": shown(value), "groups": impact.impact(session, name, data.since, value)}
