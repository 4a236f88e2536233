"""Units (房源), completion and listing (第七条, 第二十六条, 第三十条, 第四十二条).

The developer records the completion acceptance date, registers the units in bulk (each at
most 90 m², each in one building: the platform offers no sale or split), and submits the
listing within 15 calendar days; 市住建局 verifies it, which gives every unit a listing
verification code (房源核验码) and publishes it.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, case, exists, false, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import User
from app.approval.models import Project
from app.approval.service import get_project, require_status, transition
from app.approval.status import IN_OPERATION, ProjectStatus
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import DEFAULT_LIMIT, Page, keyset_by
from app.core.pgcopy import copy_in
from app.operation.models import Unit
from rules import art07_unit_size
from rules.art26_30_listing import check_completion_date, listing_state, overdue_completion_ranges
from rules.decision import Decision
from rules.project_facts import UnitKind

S = ProjectStatus
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by people
CODE_LENGTH = 10
MAX_VIOLATIONS_SHOWN = 50
UNIT_STATUS_LABELS = {"registered": "已录入，待审核", "published": "已发布", "leased": "已出租",
                      "withdrawn": "已退出"}


def operating_project(session: Session, user: User, project_id: int, *, lock: bool = False) -> Project:
    """A certified project still in the programme, visible to ``user``."""
    project = get_project(session, user, project_id, lock=lock)
    require_status(project, IN_OPERATION, "办理该事项（须为已认定且未退出的项目）")
    return project


def summary(session: Session, project: Project) -> dict[str, Any]:
    """Registered units against the certificate: count and floor area, with the differences."""
    count, area, published, leased = session.execute(
        select(func.count(Unit.id), func.coalesce(func.sum(Unit.building_area_m2), 0),
               func.coalesce(func.sum(case((Unit.status == "published", 1), else_=0)), 0),
               func.coalesce(func.sum(case((Unit.status == "leased", 1), else_=0)), 0))
        .where(Unit.project_id == project.id)).one()
    area = Decimal(area).quantize(Decimal("0.01"))
    certificate = project.certificate.content if project.certificate else {}
    cert_count = int(certificate.get("unit_count", project.unit_count))
    cert_area = Decimal(certificate.get("affordable_floor_area_m2", project.affordable_floor_area_m2))
    return {"units": count, "building_area_m2": area, "published": int(published),
            "leased": int(leased), "certificate_unit_count": cert_count,
            "certificate_floor_area_m2": cert_area, "count_difference": count - cert_count,
            "area_difference_m2": area - cert_area,
            "matches_certificate": count == cert_count and area == cert_area}


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: PostgreSQL's COPY, else executemany.

    COPY streams every row in one command (10,000 units in tens of milliseconds); it runs on
    the session's own connection, so it commits or rolls back with everything else.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    copy_in(connection, table, rows, list(rows[0]))


def _refuse_rows(decision: Decision) -> None:
    violations = decision.violations
    shown = violations[:MAX_VIOLATIONS_SHOWN]
    more = (f"（共 {len(violations)} 行不合规，仅列出前 {len(shown)} 行）"
            if len(violations) > len(shown) else "")
    raise RuleViolation("整批房源未录入：" + "；".join(f.message for f in shown[:3]) + more,
                        violations=shown)


def register_units(session: Session, user: User, project_id: int, units: list[Any]) -> dict[str, Any]:
    """Register a batch of units: all of them, or — if any row is wrong — none."""
    project = operating_project(session, user, project_id, lock=True)
    today = clock.today()
    decision = art07_unit_size.check_units(
        [(f"{u.building}-{u.number}", u.building_area_m2) for u in units], today)
    if not decision.ok:
        _refuse_rows(decision)
    known_types = {t["name"] for t in project.unit_types}
    existing = {(b, n) for b, n in session.execute(
        select(Unit.building, Unit.number).where(Unit.project_id == project.id))}
    seen: dict[tuple[str, str], int] = {}
    for i, u in enumerate(units):
        key = (u.building.strip(), u.number.strip())
        if key in seen:
            raise InvalidInput(f"第 {i + 1} 行与第 {seen[key] + 1} 行房号重复（{key[0]} {key[1]}）",
                               field=f"units[{i}].number")
        if key in existing:
            raise InvalidInput(f"第 {i + 1} 行房号已录入（{key[0]} {key[1]}）", field=f"units[{i}].number")
        if u.unit_type is not None and u.unit_type not in known_types:
            raise InvalidInput(f"第 {i + 1} 行户型“{u.unit_type}”不在申请书的户型中",
                               field=f"units[{i}].unit_type")
        seen[key] = i
    now = clock.now()
    rows = [{"project_id": project.id, "building": u.building.strip(), "floor": u.floor,
             "number": u.number.strip(), "building_area_m2": u.building_area_m2,
             "kind": UnitKind(u.kind).value, "unit_type": u.unit_type, "status": "registered",
             "created_at": now} for u in units]
    bulk_insert(session, Unit.__table__, rows)
    result = summary(session, project)
    transition(session, project, user, to=S(project.status), action="units_registered",
               details={"added": len(units), "units": result["units"],
                        "building_area_m2": str(result["building_area_m2"])})
    return result | {"added": len(units)}


def units_page(session: Session, project: Project, *, cursor: int | None, limit: int,
               status: str | None = None) -> list[Unit]:
    stmt = select(Unit).where(Unit.project_id == project.id)
    if status:
        stmt = stmt.where(Unit.status == status)
    if cursor is not None:
        stmt = stmt.where(Unit.id > cursor)
    return list(session.scalars(stmt.order_by(Unit.id).limit(limit)))


def record_completion(session: Session, user: User, project_id: int, completed_on: date) -> Project:
    """The completion acceptance date (第二十六条); the listing is due 15 days later (第三十条)."""
    project = operating_project(session, user, project_id, lock=True)
    decision = check_completion_date(completed_on, clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if project.listed_on is not None:
        raise Conflict("房源已提交审核，不能再修改竣工验收日期")
    project.completed_on = completed_on
    transition(session, project, user, to=S(project.status), action="completion_recorded",
               details={"completed_on": completed_on.isoformat()})
    return project


def _unit_counts(session: Session, project_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(units, published, still registered — awaiting verification) per project, one query."""
    def count(status: str) -> Any:
        return func.coalesce(func.sum(case((Unit.status == status, 1), else_=0)), 0)

    rows = session.execute(
        select(Unit.project_id, func.count(Unit.id), count("published"), count("registered"))
        .where(Unit.project_id.in_(project_ids)).group_by(Unit.project_id))
    return {pid: (int(n), int(published), int(registered))
            for pid, n, published, registered in rows}


def listing_view(session: Session, project: Project,
                 counts: tuple[int, int, int] | None = None) -> dict[str, Any]:
    units, published, registered = (counts or _unit_counts(session, [project.id])
                                     .get(project.id, (0, 0, 0)))
    view: dict[str, Any] = {"completed_on": project.completed_on, "due_on": None,
                            "listed_on": project.listed_on,
                            "verified_on": project.listing_verified_on, "overdue": False,
                            "on_time": None, "units": units, "published": published,
                            "registered": registered}
    if project.completed_on is not None:
        state = listing_state(project.completed_on, project.listed_on, clock.today())
        view |= {"due_on": state.due_on, "overdue": state.overdue, "on_time": state.on_time}
    return view


def submit_listing(session: Session, user: User, project_id: int) -> Project:
    """The developer declares the units entered (录入租赁平台) for 住建's verification."""
    project = operating_project(session, user, project_id, lock=True)
    if project.completed_on is None:
        raise Conflict("请先记录竣工验收合格日期（第二十六条）")
    if project.listed_on is not None:
        raise Conflict("房源已提交审核")
    if not session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project.id)):
        raise Conflict("尚未录入任何房源")
    project.listed_on = clock.today()
    state = listing_state(project.completed_on, project.listed_on, clock.today())
    transition(session, project, user, to=S(project.status), action="listing_submitted",
               details={"due_on": state.due_on.isoformat(), "on_time": state.on_time})
    return project


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_listing(session: Session, user: User, project_id: int) -> tuple[Project, int]:
    """住建 verifies the listing: each registered unit gets its code and is published."""
    project = operating_project(session, user, project_id, lock=True)
    if project.listed_on is None:
        raise Conflict("建设单位尚未提交房源审核")
    pending = list(session.scalars(select(Unit.id).where(Unit.project_id == project.id,
                                                         Unit.status == "registered")))
    if not pending:
        raise Conflict("没有待审核的房源")
    today = clock.today()
    session.execute(update(Unit), [
        {"id": unit_id, "verification_code": _new_code(), "status": "published",
         "published_on": today} for unit_id in pending])
    if project.listing_verified_on is None:
        project.listing_verified_on = today
    transition(session, project, user, to=S(project.status), action="listing_verified",
               details={"published": len(pending)})
    return project, len(pending)


def public_unit(session: Session, code: str) -> dict[str, Any]:
    """Anyone checks a listing verification code (房源核验码)."""
    row = session.execute(select(Unit, Project.name, Project.address)
                          .join(Project, Project.id == Unit.project_id)
                          .where(Unit.verification_code == code.strip().upper())).first()
    if row is None:
        raise NotFound("未找到该房源核验码")
    unit, name, address = row
    return {"verification_code": unit.verification_code, "project_name": name, "address": address,
            "building": unit.building, "number": unit.number,
            "building_area_m2": unit.building_area_m2, "kind_label": UnitKind(unit.kind).label,
            "status_label": UNIT_STATUS_LABELS[unit.status], "published_on": unit.published_on}


def _completed_in_operation(user: User) -> tuple[ColumnElement[bool], ...]:
    return (Project.status.in_([s.value for s in IN_OPERATION]), Project.completed_on.is_not(None),
            Project.visible_to(user))


def _listing_late() -> ColumnElement[bool]:
    """Not listed, and the 15 days after completion are over (第三十条), as SQL."""
    ranges = overdue_completion_ranges(clock.today())
    return and_(Project.listed_on.is_(None),
                or_(false(), *(and_(Project.completed_on >= start, Project.completed_on < end)
                               for start, end in ranges)))


def late_listings(session: Session, user: User) -> int:
    """How many completed projects ``user`` may see have not listed their units in time."""
    return session.scalar(select(func.count(Project.id)).where(
        *_completed_in_operation(user), _listing_late())) or 0


def listing_queue(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """For 住建: listings awaiting verification, and completed projects whose listing is late;
    earliest completion first (keyset by completion date and id). Both conditions are in the
    query, so a page is two statements: the projects and their unit counts."""
    awaiting = and_(Project.listed_on.is_not(None), exists(select(Unit.id).where(
        Unit.project_id == Project.id, Unit.status == "registered")))
    stmt = select(Project).where(*_completed_in_operation(user), or_(awaiting, _listing_late()))
    found = keyset_by(session, stmt, [Project.completed_on], Project.id, cursor=cursor, limit=limit)
    counts = _unit_counts(session, [p.id for p in found.items])
    items = []
    for p in found.items:
        view = listing_view(session, p, counts.get(p.id, (0, 0, 0)))
        items.append({"project_id": p.id, "name": p.name, **view,
                      "awaiting_verification": p.listed_on is not None and view["registered"] > 0})
    return Page(items, found.next_cursor)
