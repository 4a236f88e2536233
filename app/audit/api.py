"""Routes for auditors: the event trail and its verification."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from sqlalchemy.orm import Session

from app import clock
from app.audit import dashboard, service
from app.audit import leases as lease_search
from app.audit.schemas import (
    AuditEventPage,
    AuditLeasePage,
    DashboardRead,
    LeaseExportIn,
    LeaseFilterIn,
    LeaseSearchIn,
    VerificationRead,
)
from app.auth.deps import ReadSessionDep, SessionDep, require
from app.auth.models import User
from app.auth.roles import Role
from app.db import get_replica_session, get_session
from app.errors import InvalidInput, problem_responses

router = APIRouter(prefix="/audit", tags=["审计"])
dashboard_router = APIRouter(tags=["审计"])
AUDIT_READERS = (Role.auditor, Role.admin)
DASHBOARD_READERS = (Role.auditor, Role.admin, Role.office, Role.leader)
# Exports stream after the route returns: their sessions live until the response is sent.
StreamReadSession = Annotated[Session, Depends(get_replica_session, scope="request")]
StreamWriteSession = Annotated[Session, Depends(get_session, scope="request")]
XLSX_MAX_ROWS = 1_048_575  # one sheet's limit, after the header row


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
    flt = service.EventFilter(entity_type, entity_id, action, actor, since, until)
    items = service.events_page(session, flt, cursor=cursor, limit=limit,
                                descending=order == "desc")
    next_cursor = items[-1].id if len(items) == limit else None
    return AuditEventPage.model_validate({"items": items, "next_cursor": next_cursor})


@router.get("/verify", response_model=VerificationRead, responses=problem_responses(401, 403))
def verify_chain(session: ReadSessionDep, _: User = require(*AUDIT_READERS)) -> VerificationRead:
    """Recompute the whole chain; ``ok`` or the first broken event and why."""
    return VerificationRead(**asdict(service.verify(session)))


# ---- leases: search and exports (issue 6) ---------------------------------------------------

def _filter(data: LeaseFilterIn, id_number: str | None = None) -> lease_search.LeaseFilter:
    values = data.model_dump(include=set(LeaseFilterIn.model_fields))
    values["status"] = tuple(values["status"])
    return lease_search.LeaseFilter(**values, tenant_id_number=id_number)


@router.get("/leases", response_model=AuditLeasePage, responses=problem_responses(401, 403, 422))
def search_leases(session: ReadSessionDep, filters: Annotated[LeaseFilterIn, Query()],
                  _: User = require(*AUDIT_READERS),
                  sort: Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"] = "start_on",
                  cursor: Annotated[str | None, Query(max_length=400)] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Any lease, filtered; keyset pages (pass ``next_cursor`` back), by start date or rent."""
    return _page(lease_search.search(session, _filter(filters), sort=sort, cursor=cursor,
                                     limit=limit))


@router.post("/leases/search", response_model=AuditLeasePage,
             responses=problem_responses(401, 403, 422))
def search_leases_by_body(session: ReadSessionDep, data: LeaseSearchIn,
                          _: User = require(*AUDIT_READERS)) -> Response:
    """The same search with the filters in the body: the way to search by 身份证 number."""
    return _page(lease_search.search(session, _filter(data, data.tenant_id_number), sort=data.sort,
                                     cursor=data.cursor, limit=data.limit))


def _page(page: dict[str, Any]) -> Response:
    """The page as JSON straight from the service's plain values (the shape ``AuditLeasePage``
    declares), skipping a second validation of rows the service just built."""
    return Response(json.dumps(page, ensure_ascii=False, default=str, separators=(",", ":")),
                    media_type="application/json")


def _csv_stream(read: Session, write: Session, user: User, flt: lease_search.LeaseFilter,
                sort: Any, full_id_numbers: bool, reason: str | None) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in lease_search.CSV_COLUMNS])
    yield ("\ufeff" + buffer.getvalue()).encode()
    rows, complete = 0, False
    try:
        if read.get_bind().dialect.name == "postgresql" and not full_id_numbers:
            for data in lease_search.copy_csv(read, flt, sort=sort):
                if isinstance(data, int):
                    rows = data
                else:
                    yield data
            complete = True
            return
        chunk: list[list[Any]] = []
        for cells in lease_search.export_rows(read, flt, sort=sort, full_id_numbers=full_id_numbers):
            chunk.append(cells)
            if len(chunk) == 1000:
                rows += len(chunk)
                yield _csv_bytes(chunk)
                chunk = []
        if chunk:
            rows += len(chunk)
            yield _csv_bytes(chunk)
        complete = True
    finally:
        _end_read(read, write)
        _record_export(write, user, flt, "csv", rows, complete, full_id_numbers, reason)


def _end_read(read: Session, write: Session) -> None:
    """End the export's read transaction before writing its audit event: on SQLite an open
    reader would keep the writer from committing."""
    if read is not write:
        read.rollback()


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _record_export(session: Session, user: User, flt: lease_search.LeaseFilter, fmt: str,
                   rows: int, complete: bool, full_id_numbers: bool, reason: str | None) -> None:
    service.record(session, actor=user, action="audit.leases_exported", entity_type="lease_export",
                   entity_id=fmt, summary={"format": fmt, "filters": flt.summary(), "rows": rows,
                                           "complete": complete,
                                           "full_id_numbers": full_id_numbers,
                                           "reason": reason})
    session.flush()


def _export(read: Session, write: Session, user: User, flt: lease_search.LeaseFilter, sort: Any,
            fmt: str, full_id_numbers: bool = False, reason: str | None = None) -> Any:
    stamp = clock.today().isoformat()
    if fmt == "csv":
        return StreamingResponse(
            _csv_stream(read, write, user, flt, sort, full_id_numbers, reason),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename=leases-{stamp}.csv"})
    path, rows = _xlsx_file(read, flt, sort, full_id_numbers)
    _end_read(read, write)
    _record_export(write, user, flt, "xlsx", rows, True, full_id_numbers, reason)
    return StreamingResponse(_file_chunks(path), media_type=XLSX_TYPE,
                             headers={"Content-Disposition": f"attachment; filename=leases-{stamp}.xlsx"})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_file(read: Session, flt: lease_search.LeaseFilter, sort: Any,
               full_id_numbers: bool) -> tuple[str, int]:
    """Write the workbook row by row (openpyxl write-only mode) to a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("租赁合同")
    sheet.append([label for _, label in lease_search.CSV_COLUMNS])
    rows = 0
    for cells in lease_search.export_rows(read, flt, sort=sort, full_id_numbers=full_id_numbers):
        if rows == XLSX_MAX_ROWS:
            raise InvalidInput(f"XLSX 最多 {XLSX_MAX_ROWS} 行，请缩小筛选范围或导出 CSV", field="format")
        sheet.append(cells)
        rows += 1
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    workbook.save(handle.name)
    return handle.name, rows


def _file_chunks(path: str, size: int = 1 << 16) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(size):
                yield chunk
    finally:
        os.unlink(path)


EXPORT = problem_responses(401, 403, 422) | {200: {"content": {
    "text/csv": {}, XLSX_TYPE: {}}, "description": "CSV 或 XLSX 文件"}}


@router.get("/leases.csv", response_class=StreamingResponse, responses=EXPORT)
def export_csv(read: StreamReadSession, write: StreamWriteSession,
               filters: Annotated[LeaseFilterIn, Query()], user: User = require(*AUDIT_READERS),
               sort: Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"] = "start_on",
               ) -> Any:
    """Every matching lease as CSV, streamed (the 身份证 numbers masked); an audit event records it."""
    return _export(read, write, user, _filter(filters), sort, "csv")


@router.get("/leases.xlsx", response_class=StreamingResponse, responses=EXPORT)
def export_xlsx(read: StreamReadSession, write: StreamWriteSession,
                filters: Annotated[LeaseFilterIn, Query()], user: User = require(*AUDIT_READERS),
                sort: Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"] = "start_on",
                ) -> Any:
    return _export(read, write, user, _filter(filters), sort, "xlsx")


@router.post("/leases/export", response_class=StreamingResponse, responses=EXPORT)
def export_by_body(read: StreamReadSession, write: StreamWriteSession, data: LeaseExportIn,
                   user: User = require(*AUDIT_READERS)) -> Any:
    """Export with the filters in the body; full 身份证 numbers only when asked, with a reason."""
    if data.include_full_id_numbers and not (data.reason and data.reason.strip()):
        raise InvalidInput("导出完整身份证号码须说明理由", field="reason")
    return _export(read, write, user, _filter(data, data.tenant_id_number), data.sort, data.format,
                   data.include_full_id_numbers, data.reason)


@dashboard_router.get("/dashboard", response_model=DashboardRead,
                      responses=problem_responses(401, 403))
def programme_dashboard(session: SessionDep,
                        user: User = require(*DASHBOARD_READERS)) -> dict[str, Any]:
    """Projects per state, review timeliness, units and occupancy, rents against caps, overdue."""
    return dashboard.stats(session, user)
