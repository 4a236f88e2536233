"""Lease exports for auditors: audited before the first byte, read in a transaction of their own.

Used by the API (``/api/v1/audit/leases.csv`` …) and by the auditor's pages alike, from a
request whose own session only reads. The order of work is what makes every export
accountable (issue 12):

1. The matching rows are counted (an XLSX over :data:`XLSX_MAX_ROWS` is refused there,
   pointing to CSV).
2. ``audit.leases_exported`` — who, which filters, the rows, full 身份证 numbers and why — is
   committed in a short transaction of its own. If it cannot be recorded the export is
   refused (503) and nothing is sent.
3. CSV: the rows stream from a read-only transaction of their own (one snapshot; on
   PostgreSQL through ``COPY``), never holding a writing session open. When the stream
   ends, ``audit.leases_export_finished`` records how many rows were sent and whether the
   export completed. XLSX: the workbook is written (on a worker thread, row by row) before
   step 2, so its event already records the rows it holds.

No cell of either runs as a formula in a spreadsheet (``app.core.spreadsheets``): CSV text
beginning with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` (on PostgreSQL the
database does the same in ``csv_statement``), and XLSX text is stored as strings.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from fastapi.responses import FileResponse, StreamingResponse
from openpyxl import Workbook
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from app.accounts.models import User
from app.audit import service
from app.core import clock
from app.core.db import await_session, offload, own_session, run_sync
from app.core.errors import InvalidInput, ServiceBusy
from app.core.spreadsheets import csv_text, xlsx_row
from app.oversight import repository, views
from app.oversight.repository import LeaseFilter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 100_000  # a workbook is built whole before it is sent; larger slices: CSV
CSV_CHUNK_ROWS = 1000


def export_response(session: Session, user: User, flt: LeaseFilter, sort: Any,
                    fmt: str, full_id_numbers: bool = False, reason: str | None = None) -> Any:
    """The download (called from a request's greenlet; ``session`` reads)."""
    stamp = clock.today().isoformat()
    expected = repository.count(session, flt)
    summary = {"format": fmt, "filters": flt.summary(), "rows": expected,
               "full_id_numbers": full_id_numbers, "reason": reason}
    if fmt == "xlsx":
        if expected > XLSX_MAX_ROWS:
            raise InvalidInput(f"所选范围共 {expected:,} 条，XLSX 最多 {XLSX_MAX_ROWS:,} 条；"
                               "请缩小筛选范围，或改为导出 CSV（不限条数）", field="format")
        path, rows = _xlsx_file(session, flt, sort, full_id_numbers)
        _record(user, "audit.leases_exported", summary | {"rows": rows, "complete": True})
        return FileResponse(path, media_type=XLSX_TYPE, filename=f"leases-{stamp}.xlsx",
                            background=BackgroundTask(os.unlink, path))
    event_id = _record(user, "audit.leases_exported", summary)
    return StreamingResponse(
        _csv_body(user, flt, sort, full_id_numbers, event_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=leases-{stamp}.csv"})


def _record(user: User, action: str, summary: dict[str, Any]) -> int:
    """Commit one audit event in a transaction of its own, before anything is sent."""
    try:
        with await_session(own_session(writes=True)) as write:
            event = service.record(write, actor=user, action=action, entity_type="lease_export",
                                   entity_id=summary.get("format", "csv"), summary=summary)
            event_id = event.id
    except ServiceBusy:
        raise
    except Exception as exc:
        raise ServiceBusy("导出记录无法写入审计日志，本次导出未执行，请稍后重试") from exc
    return event_id


async def _csv_body(user: User, flt: LeaseFilter, sort: Any, full_id_numbers: bool,
                    event_id: int) -> AsyncIterator[bytes]:
    rows, complete = 0, False
    try:
        yield ("\ufeff" + _csv_text([[label for _, label in views.CSV_COLUMNS]])).encode()
        async with own_session(writes=False, export=True) as read:
            pieces = await run_sync(_csv_pieces, read, flt, sort, full_id_numbers)
            try:
                while (piece := await run_sync(next, pieces, None)) is not None:
                    if isinstance(piece, int):
                        rows = piece
                    else:
                        yield piece
            finally:
                with anyio.CancelScope(shield=True):
                    await run_sync(pieces.close)
        complete = True
    finally:
        with anyio.CancelScope(shield=True):  # the client may have gone: record it all the same
            async with own_session(writes=True) as write:
                await run_sync(service.record, write, actor=user,
                               action="audit.leases_export_finished", entity_type="audit_event",
                               entity_id=event_id, summary={"rows": rows, "complete": complete})


def _csv_pieces(read: Session, flt: LeaseFilter, sort: Any,
                full_id_numbers: bool) -> Iterator[bytes | int]:
    """Pieces of CSV, each followed by the running count of rows sent."""
    if read.get_bind().dialect.name == "postgresql" and not full_id_numbers:
        yield from repository.copy_csv(read, flt, sort=sort)
        return
    rows, chunk = 0, []
    for cells in views.export_cells(repository.export_result(read, flt, sort=sort),
                                    full_id_numbers=full_id_numbers):
        chunk.append(cells)
        if len(chunk) == CSV_CHUNK_ROWS:
            rows += len(chunk)
            yield _csv_text(chunk).encode()
            yield rows
            chunk = []
    if chunk:
        yield _csv_text(chunk).encode()
        yield rows + len(chunk)


def _csv_text(rows: list[list[Any]]) -> str:
    """CSV with every text cell neutralised (``app.core.spreadsheets``): no cell runs as a formula."""
    return csv_text(rows)


def _xlsx_file(read: Session, flt: LeaseFilter, sort: Any,
               full_id_numbers: bool) -> tuple[str, int]:
    """Write the workbook (openpyxl write-only mode) to a temporary file: rows are read here,
    and appended and saved on a worker thread, a chunk at a time."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("租赁合同")
    sheet.append(xlsx_row(sheet, [label for _, label in views.CSV_COLUMNS]))
    rows, chunk = 0, []
    for cells in views.export_cells(repository.export_result(read, flt, sort=sort),
                                    full_id_numbers=full_id_numbers):
        chunk.append(cells)
        if len(chunk) == CSV_CHUNK_ROWS:
            rows += len(chunk)
            offload(_append, sheet, chunk)
            chunk = []
    rows += len(chunk)
    offload(_append, sheet, chunk)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    offload(workbook.save, handle.name)
    return handle.name, rows


def _append(sheet: Any, rows: list[list[Any]]) -> None:
    """Text as string cells, never formulas (``app.core.spreadsheets.xlsx_row``)."""
    for cells in rows:
        sheet.append(xlsx_row(sheet, cells))
