"""Lease exports for auditors: CSV streamed as it is read, XLSX written row by row; each is an
audit event (who, which filters, how many rows, complete or not, full 身份证 numbers and why).

Used by the API (``/api/v1/audit/leases.csv`` …) and by the auditor's pages alike. The
sessions must live until the response is sent: take them as :data:`StreamReadSession` and
:data:`StreamWriteSession`.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from sqlalchemy.orm import Session

from app import clock
from app.audit import leases as lease_search
from app.audit import service
from app.auth.models import User
from app.db import get_replica_session, get_session
from app.errors import InvalidInput

StreamReadSession = Annotated[Session, Depends(get_replica_session, scope="request")]
StreamWriteSession = Annotated[Session, Depends(get_session, scope="request")]
XLSX_MAX_ROWS = 1_048_575  # one sheet's limit, after the header row


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


def export_response(read: Session, write: Session, user: User, flt: lease_search.LeaseFilter, sort: Any,
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
