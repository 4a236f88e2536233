"""Registry imports (第三十二条; 附件1: 不动产登记 provides applicants' property records).

A CSV file is parsed and checked completely before anything is written; a bad row rejects
the whole file with its line number (so does a line that is not CSV, e.g. a field over
:data:`csv.field_size_limit`, and text with control or invisible characters, which
:func:`app.core.schemas.clean_line` refuses as it does in every form). The rows are then written
in the caller's single transaction, so an interrupted import (even a killed process) leaves
nothing behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core import clock
from app.core.errors import InvalidInput
from app.core.personal_data import encrypt_id_number, id_number_digest
from app.core.schemas import clean_line
from app.core.spreadsheets import csv_problem
from app.tenants.enums import RegistryKind
from app.tenants.models import PropertyRecord, PublicRentalRecord, RegistryImport
from rules.identifiers import check_id_number, normalize_id_number

PROPERTY_COLUMNS = ("id_number", "address", "district", "acquired_on")
PUBLIC_RENTAL_COLUMNS = ("id_number", "qualified", "receiving")
TRUE_WORDS = {"1", "true", "yes", "是", "y"}
FALSE_WORDS = {"0", "false", "no", "否", "n"}
Progress = Callable[[int], None]


def _bad(line: int, message: str) -> InvalidInput:
    return InvalidInput(f"第 {line} 行：{message}，整个文件未导入", field=f"line {line}", line=line)


def _rows(content: bytes, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(1, "文件不是 UTF-8 编码") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise _bad(1, f"表头缺少列 {'、'.join(missing)}（应为 {','.join(columns)}）")
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
        raise _bad(reader.reader.line_num or 1, csv_problem(exc)) from None  # the line it failed on
    return rows


def _text(line: int, label: str, value: str) -> str:
    """One line of text of the file, refused (with its line) like a form's: no control or
    invisible characters."""
    try:
        return clean_line(value)
    except ValueError as exc:
        raise _bad(line, f"{label}{exc}") from None


def _id_number(line: int, value: str, today: date) -> str:
    decision = check_id_number(value, today)
    if not decision.ok:
        raise _bad(line, decision.violations[0].message)
    return normalize_id_number(value)


def _flag(line: int, name: str, value: str) -> bool:
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _bad(line, f"{name} 应为 是/否")


def parse_properties(content: bytes, progress: Progress | None = None) -> list[dict[str, Any]]:
    today, parsed = clock.today(), []
    for line, row in _rows(content, PROPERTY_COLUMNS):
        number = _id_number(line, row["id_number"], today)
        if not row["address"] or not row["district"]:
            raise _bad(line, "地址和所在区不能为空")
        acquired = None
        if row["acquired_on"]:
            try:
                acquired = date.fromisoformat(row["acquired_on"])
            except ValueError:
                raise _bad(line, f"取得日期 {row['acquired_on']} 应为 YYYY-MM-DD") from None
            if acquired > today:
                raise _bad(line, "取得日期晚于今天")
        parsed.append({"id_number": number,
                       "address": _text(line, "地址（address）", row["address"])[:300],
                       "district": _text(line, "所在区（district）", row["district"])[:20],
                       "acquired_on": acquired})
        if progress:
            progress(1)
    return parsed


def parse_public_rental(content: bytes, progress: Progress | None = None) -> list[dict[str, Any]]:
    today, parsed = clock.today(), []
    for line, row in _rows(content, PUBLIC_RENTAL_COLUMNS):
        parsed.append({"id_number": _id_number(line, row["id_number"], today),
                       "qualified": _flag(line, "qualified", row["qualified"]),
                       "receiving": _flag(line, "receiving", row["receiving"])})
        if progress:
            progress(1)
    return parsed


def parser(kind: str) -> Callable[[bytes], list[dict[str, Any]]]:
    """The parser of a registry's files (``kind``: a :class:`~app.tenants.enums.RegistryKind`)."""
    return parse_properties if kind == RegistryKind.properties else parse_public_rental


def store(session: Session, *, kind: str, filename: str, content: bytes, rows: list[dict[str, Any]],
          actor: Any) -> RegistryImport:
    """Write a parsed file in the caller's transaction, with its import record and audit event."""
    if not rows:
        raise _bad(2, "文件没有数据行")
    batch = RegistryImport(kind=kind, filename=filename[:200], rows=len(rows),
                           sha256=hashlib.sha256(content).hexdigest(), imported_by=actor.username)
    session.add(batch)
    session.flush()
    model = PropertyRecord if kind == RegistryKind.properties else PublicRentalRecord
    values = []
    for row in rows:
        number = row.pop("id_number")
        values.append(row | {"import_id": batch.id, "id_number_digest": id_number_digest(number),
                             "id_number_enc": encrypt_id_number(number)})
    session.execute(insert(model), values)
    record(session, actor=actor, action=f"registry.{kind}_imported", entity_type="registry_import",
           entity_id=batch.id, summary={"filename": batch.filename, "rows": batch.rows,
                                        "sha256": batch.sha256})
    return batch
