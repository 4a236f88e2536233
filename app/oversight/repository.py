"""Reads of oversight: the auditors' lease search and exports, the audit trail, the dashboard's
counts. Every statement of the package is here.

Lease search: one SQL statement answers a page: the lease with its project, unit, operator
and tenant, filtered and ordered for keyset pagination (stable under inserts: the cursor is the
last row's sort key and id, never an offset). The statement is built once per shape of filters
(:func:`_statement`, :func:`_paged`) and reused with new parameters; a page is read with
``fetch_rows`` and the planner setting :data:`SEARCH_PLANNER`. Exports run the same statement
without a limit on a server-side cursor (:func:`export_result`) or, on PostgreSQL, as ``COPY``
with the cells computed by the database (:func:`csv_statement`, :func:`copy_csv`), so memory
stays flat for a million leases.

Flags, computed in SQL so they can also filter:
* ``above_filed``: monthly rent > area × the filed standard recorded on the lease;
* ``above_appraisal``: monthly rent > area × the appraised market rent × 90% (第三十七条);
* ``appraisal_lapsed``: the project's latest appraisal is more than two years old today,
  or it has none (第三十七条: 原则上每两年调整一次);
* ``in_transition``: the tenant acquired a home (第三十八条);
* ``violations``: any violation recorded on the lease (第四十条).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Date, Numeric, Select, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, aliased

from app.accounts.models import Organization, User
from app.approval.enums import EVER_CERTIFIED, IN_OPERATION
from app.approval.models import Project
from app.audit.models import AuditEvent
from app.core import clock
from app.core.db import fetch_rows
from app.core.errors import InvalidInput
from app.core.personal_data import id_number_digest
from app.core.pgcopy import copy_out, literal_sql
from app.core.spreadsheets import neutralised_sql
from app.leases.enums import LeaseStatus
from app.leases.models import ACTIVE, Lease, LeaseOccupant, Violation
from app.operation.models import Appraisal, Unit
from rules.art36_37_rent import oldest_valid_appraisal
from rules.params import parameter
from rules.params import version as parameters_version

# ---- the lease search ----------------------------------------------------------------------

Sort = Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"]
Operator = aliased(Organization, name="operator")
Employer = aliased(Organization, name="employer")
Tenant = aliased(User, name="tenant")


@dataclass(frozen=True)
class LeaseFilter:
    project_id: int | None = None
    organization_id: int | None = None
    district: str | None = None
    status: tuple[str, ...] = ()
    start_from: date | None = None
    start_to: date | None = None
    end_from: date | None = None
    end_to: date | None = None
    above_filed: bool | None = None
    above_appraisal: bool | None = None
    appraisal_lapsed: bool | None = None
    in_transition: bool | None = None
    with_violations: bool | None = None
    tenant_id_number: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, values: dict[str, Any], tenant_id_number: str | None = None) -> LeaseFilter:
        """From validated request values (``LeaseFilterIn.model_dump()``)."""
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        known["status"] = tuple(known.get("status") or ())
        return cls(**known | {"tenant_id_number": tenant_id_number})

    def summary(self) -> dict[str, Any]:
        """The filters for an audit event: the 身份证 number only as 'a person was searched'."""
        data = {k: v for k, v in self.__dict__.items() if v not in (None, ()) and k != "tenant_id_number"}
        if self.tenant_id_number:
            data["tenant"] = "按身份证号码检索"
        return data


# Each project's latest appraisal, joined once (a few hundred rows) rather than per lease.
LATEST_APPRAISAL = (select(Appraisal.project_id, func.max(Appraisal.appraised_on).label("on"))
                    .group_by(Appraisal.project_id).subquery("latest_appraisal"))


def _in_force_on(name: str, day: Any) -> Any:
    """The parameter ``name`` as it stood on each row's ``day`` (a lease is checked against the
    ratio in force when it was signed, not today's): a CASE over its dated values."""
    values = parameter(name).values
    constant = [literal(v.value, Numeric(6, 4)) for v in values]
    if len(values) == 1:
        return constant[0]
    return case(*[(day >= v.since, c) for v, c in zip(values[:0:-1], constant[:0:-1], strict=True)],
                else_=constant[0])


def _flags() -> dict[str, Any]:
    latest = LATEST_APPRAISAL.c.on
    # A correlated probe of violation's lease index: PostgreSQL would otherwise hash the
    # whole violation table for an EXISTS in the select list.
    violated = select(Violation.id).where(Violation.lease_id == Lease.id).limit(1).scalar_subquery()
    return {
        "above_filed": Lease.monthly_rent > Lease.building_area_m2 * Lease.rate_per_m2,
        "above_appraisal": Lease.monthly_rent > Lease.building_area_m2 * Lease.market_rent_per_m2
        * _in_force_on("rent_cap_ratio", Lease.signed_on),
        "appraisal_lapsed": or_(latest.is_(None), latest < bindparam("oldest_valid", type_=Date)),
        "in_transition": Lease.status == "in_transition",
        "violations": violated.is_not(None),
    }


FLAG_FILTERS = (("above_filed", "above_filed"), ("above_appraisal", "above_appraisal"),
                ("appraisal_lapsed", "appraisal_lapsed"), ("in_transition", "in_transition"),
                ("violations", "with_violations"))
RANGES = (("start_from", Lease.start_on, ">="), ("start_to", Lease.start_on, "<="),
          ("end_from", Lease.ends_on, ">="), ("end_to", Lease.ends_on, "<="))


def _shape(flt: LeaseFilter) -> tuple[Any, ...]:
    """Which filters are set (and how, for the flags): one statement per shape, built once —
    and again when a parameter's history changes (the flags carry dated values)."""
    return (flt.project_id is not None, flt.organization_id is not None, bool(flt.district),
            bool(flt.status), *(getattr(flt, name) is not None for name, _, _ in RANGES),
            *(getattr(flt, attr) for _, attr in FLAG_FILTERS), bool(flt.tenant_id_number),
            parameters_version())


@lru_cache(maxsize=512)
def _statement(shape: tuple[Any, ...]) -> Select[Any]:
    """The filtered query for a shape, with bind parameters for every value."""
    project, organization, district, statuses, *rest = shape
    ranges, flags_wanted, tenant = rest[:4], rest[4:9], rest[9]
    flags = _flags()
    stmt = (select(Lease.id, Lease.number, Lease.kind, Lease.status, Lease.start_on, Lease.end_on,
                   Lease.ends_on, Lease.monthly_rent, Lease.building_area_m2, Lease.rate_per_m2,
                   Lease.market_rent_per_m2, Project.id.label("project_id"),
                   Project.name.label("project_name"), Project.district,
                   Operator.name.label("operator"), Unit.building, Unit.number.label("unit_number"),
                   Tenant.full_name.label("tenant_name"), Tenant.id_number_enc,
                   Tenant.id_number_masked,
                   Employer.name.label("employer"),
                   *(expr.label(name) for name, expr in flags.items()))
            .join(Project, Project.id == Lease.project_id)
            .join(Unit, Unit.id == Lease.unit_id)
            .join(Operator, Operator.id == Lease.operator_organization_id)
            .outerjoin(Tenant, Tenant.id == Lease.tenant_id)
            .outerjoin(Employer, Employer.id == Lease.employer_organization_id)
            .outerjoin(LATEST_APPRAISAL, LATEST_APPRAISAL.c.project_id == Lease.project_id))
    conditions: list[Any] = []
    if project:
        conditions.append(Lease.project_id == bindparam("project_id"))
    if organization:
        conditions.append(or_(Lease.operator_organization_id == bindparam("organization_id"),
                              Lease.employer_organization_id == bindparam("organization_id")))
    if district:
        conditions.append(Project.district == bindparam("district"))
    if statuses:
        conditions.append(Lease.status.in_(bindparam("statuses", expanding=True)))
    for present, (name, column, op) in zip(ranges, RANGES, strict=True):
        if present:
            value = bindparam(name, type_=Date)
            conditions.append(column >= value if op == ">=" else column <= value)
    for wanted, (name, _) in zip(flags_wanted, FLAG_FILTERS, strict=True):
        if wanted is not None:
            conditions.append(flags[name] if wanted else ~flags[name])
    if tenant:
        person = select(User.id).where(User.id_number_digest == bindparam("tenant_digest"))
        placed = select(LeaseOccupant.lease_id).where(LeaseOccupant.tenant_id.in_(person))
        conditions.append(or_(Lease.tenant_id.in_(person), Lease.id.in_(placed)))
    return stmt.where(and_(*conditions)) if conditions else stmt


def base_statement(flt: LeaseFilter, on: date) -> tuple[Select[Any], dict[str, Any]]:
    """The filtered query and its parameters (values looked up on ``on``)."""
    params: dict[str, Any] = {"oldest_valid": oldest_valid_appraisal(on)}
    for name in ("project_id", "organization_id", "district", *(r[0] for r in RANGES)):
        if getattr(flt, name) not in (None, ""):
            params[name] = getattr(flt, name)
    if flt.status:
        params["statuses"] = list(flt.status)
    if flt.tenant_id_number:
        params["tenant_digest"] = id_number_digest(flt.tenant_id_number)
    return _statement(_shape(flt)), params


def _sort_column(sort: Sort) -> Any:
    return Lease.start_on if sort.lstrip("-") == "start_on" else Lease.monthly_rent


def encode_cursor(sort: Sort, row: Any) -> str:
    key = row.start_on.isoformat() if sort.lstrip("-") == "start_on" else str(row.monthly_rent)
    return base64.urlsafe_b64encode(json.dumps([sort, key, row.id]).encode()).decode()


def _decode_cursor(sort: Sort, cursor: str) -> tuple[Any, int]:
    try:
        cursor_sort, key, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if cursor_sort != sort:
            raise ValueError
        value = date.fromisoformat(key) if sort.lstrip("-") == "start_on" else Decimal(key)
        return value, int(last_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise InvalidInput("cursor 无效（须使用上一页返回的 next_cursor，且排序方式相同）",
                           field="cursor") from None


@lru_cache(maxsize=512)
def _paged(shape: tuple[Any, ...], sort: Sort, after: bool) -> Select[Any]:
    column = _sort_column(sort)
    descending = sort.startswith("-")
    stmt = _statement(shape)
    if after:
        # Written as a range on the sort column plus a tie-break on id (not a row comparison):
        # the planner then estimates the range from the column's statistics and keeps walking
        # the (column, id) index instead of hashing the whole tail of the table.
        value, last_id = bindparam("after_value", type_=column.type), bindparam("after_id")
        if descending:
            stmt = stmt.where(column <= value, or_(column < value, Lease.id < last_id))
        else:
            stmt = stmt.where(column >= value, or_(column > value, Lease.id > last_id))
    order = (column.desc(), Lease.id.desc()) if descending else (column.asc(), Lease.id.asc())
    return stmt.order_by(*order).limit(bindparam("page_size"))


def page_statement(flt: LeaseFilter, *, sort: Sort, cursor: str | None, limit: int,
                   on: date) -> tuple[Select[Any], dict[str, Any]]:
    """One keyset page — rows after ``cursor`` in ``sort`` order, then by id — and its parameters.

    The statement is built once per shape of filters and reused with new parameters, so a
    request does not rebuild (or recompile) the SQL.
    """
    _, params = base_statement(flt, on)
    if cursor:
        params["after_value"], params["after_id"] = _decode_cursor(sort, cursor)
    params["page_size"] = limit
    return _paged(_shape(flt), sort, bool(cursor)), params


# A page joins seven relations; PostgreSQL's search for the best join order took ~6 ms of
# planning for ~1 ms of execution. The statement is written lease-first (the keyset index
# drives it), so the planner keeps the written order: planning falls to ~0.5 ms.
SEARCH_PLANNER = ("join_collapse_limit = 1",)


def lease_rows(session: Session, flt: LeaseFilter, *, sort: Sort, cursor: str | None,
               limit: int) -> tuple[list[Any], str | None]:
    """One page of the search: its rows (named) and the cursor of the next page, if any."""
    stmt, params = page_statement(flt, sort=sort, cursor=cursor, limit=limit, on=clock.today())
    rows = fetch_rows(session, stmt, params, named=True, planner=SEARCH_PLANNER)
    return rows, encode_cursor(sort, rows[-1]) if len(rows) == limit else None


EXPORT_SETTINGS = ("cursor_tuple_fraction = 1.0", "jit = off", "work_mem = '256MB'")


def export_result(session: Session, flt: LeaseFilter, *, sort: Sort,
                  batch: int = 5000) -> CursorResult[Any]:
    """Every matching lease, in ``sort`` order, from a server-side cursor (``batch`` rows at a
    time; the columns of :func:`base_statement`, read positionally by
    :func:`app.oversight.views.export_cells`).

    The statement runs on the session's connection (Core rows, no ORM bookkeeping). On
    PostgreSQL the transaction is tuned for reading everything once (``EXPORT_SETTINGS``): the
    planner picks hash joins for throughput instead of a fast-start nested-loop plan, sorts in
    memory, and skips JIT compilation (seconds of compile time for one scan).
    """
    column = _sort_column(sort)
    order = (column.desc(), Lease.id.desc()) if sort.startswith("-") else (column, Lease.id)
    stmt, params = base_statement(flt, clock.today())
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for setting in EXPORT_SETTINGS:
            connection.exec_driver_sql(f"SET LOCAL {setting}")
    return connection.execute(stmt.order_by(*order).execution_options(
        stream_results=True, yield_per=batch), params)


def _masked_name_sql(name: Any) -> Any:
    """张三 → 张*, 李小青 → 李*青 in SQL (the same rule as ``masked_name``)."""
    length = func.char_length(name)
    first = func.substr(name, 1, 1)
    return case((length <= 2, func.concat(first, "*")),
                else_=func.concat(first, func.repeat("*", length - 2), func.substr(name, length, 1)))


def csv_statement(flt: LeaseFilter, *, sort: Sort, on: date) -> tuple[Select[Any], dict[str, Any]]:
    """The export's rows already formatted as the CSV's cells, computed by the database.

    For PostgreSQL's ``COPY (…) TO STDOUT (FORMAT csv)``: the server writes the CSV, so a
    million masked rows leave at close to COPY speed. 身份证 numbers come from the stored masked
    form; an export of full numbers takes the Python path (it has to decrypt). Text cells are
    neutralised as the Python path's are (``app.core.spreadsheets``: a leading ``'`` before
    ``=``, ``+``, ``-``, ``@``, tab or CR), so a name cannot run as a formula.
    """
    inner, params = base_statement(flt, on)
    q = inner.subquery("q")
    yes_no = {name: case((q.c[name], "是"), else_="否")
              for name in ("above_filed", "above_appraisal", "appraisal_lapsed", "in_transition",
                           "violations")}
    status = case(*[(q.c.status == key, label) for key, label in LeaseStatus.labels().items()],
                  else_=q.c.status)
    tenant = case((q.c.tenant_name.is_not(None), _masked_name_sql(q.c.tenant_name)),
                  else_=q.c.employer)
    safe = neutralised_sql  # text people typed must not run as a formula in a spreadsheet
    columns = [safe(q.c.number), safe(status), safe(q.c.project_name), safe(q.c.district),
               safe(q.c.operator), safe(q.c.building), safe(q.c.unit_number), q.c.building_area_m2,
               safe(tenant), safe(func.coalesce(q.c.id_number_masked, "")), q.c.start_on,
               q.c.end_on, q.c.ends_on, q.c.monthly_rent,
               func.round(q.c.building_area_m2 * q.c.rate_per_m2, 2), *yes_no.values()]
    column = q.c.start_on if sort.lstrip("-") == "start_on" else q.c.monthly_rent
    order = (column.desc(), q.c.id.desc()) if sort.startswith("-") else (column, q.c.id)
    return select(*columns).order_by(*order), params


def copy_csv(session: Session, flt: LeaseFilter, *, sort: Sort) -> Iterator[bytes | int]:
    """Stream ``csv_statement`` through PostgreSQL's COPY; the last item is the row count."""
    stmt, params = csv_statement(flt, sort=sort, on=clock.today())
    connection = session.connection()
    for setting in EXPORT_SETTINGS:
        connection.exec_driver_sql(f"SET LOCAL {setting}")
    return copy_out(connection, literal_sql(connection, stmt, params))


def count(session: Session, flt: LeaseFilter) -> int:
    """How many leases match ``flt``."""
    stmt, params = base_statement(flt, clock.today())
    return session.execute(select(func.count()).select_from(stmt.subquery()), params).scalar_one()


def person_id(session: Session, id_number: str) -> int | None:
    """The account registered with this 身份证 number, if any (looked up by its keyed digest)."""
    return session.scalar(select(User.id).where(User.id_number_digest == id_number_digest(id_number)))


# ---- the audit trail ------------------------------------------------------------------------

@dataclass(frozen=True)
class EventFilter:
    entity_type: str | None = None
    entity_id: str | None = None
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def lease_project_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every project that can have leases (certified once), by name: the
    auditor's picker instead of a raw id box (bounded: the city's certified projects)."""
    return [(r.id, r.name) for r in session.execute(
        select(Project.id, Project.name).where(Project.status.in_([s.value for s in EVER_CERTIFIED]))
        .order_by(Project.name, Project.id))]


def organization_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every organisation, by name (operators and employers)."""
    return [(r.id, r.name) for r in session.execute(
        select(Organization.id, Organization.name).order_by(Organization.name, Organization.id))]


def events_page(session: Session, flt: EventFilter, *, cursor: int | None, limit: int,
                descending: bool = True) -> list[AuditEvent]:
    """One keyset page: events after ``cursor`` (an event id) in the requested order."""
    stmt: Select[tuple[AuditEvent]] = select(AuditEvent)
    for column, value in ((AuditEvent.entity_type, flt.entity_type),
                          (AuditEvent.entity_id, flt.entity_id),
                          (AuditEvent.action, flt.action), (AuditEvent.actor, flt.actor)):
        if value is not None:
            stmt = stmt.where(column == value)
    if flt.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < flt.until)
    if cursor is not None:
        stmt = stmt.where(AuditEvent.id < cursor if descending else AuditEvent.id > cursor)
    order = AuditEvent.id.desc() if descending else AuditEvent.id.asc()
    return list(session.scalars(stmt.order_by(order).limit(limit)))


# ---- the dashboard's counts -----------------------------------------------------------------

def projects_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Project.status, func.count()).group_by(Project.status)).all())


def units_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all())


def active_leases_by_rent_share(session: Session,
                                buckets: Sequence[tuple[str, float | None]]) -> dict[str, int]:
    """Active leases counted by their rent as a share of its cap (area × filed standard), in
    ``buckets`` of (label, upper bound); the last bucket, without a bound, takes the rest."""
    share = Lease.monthly_rent / (Lease.building_area_m2 * Lease.rate_per_m2)
    bucket = case(*[(share <= bound, label) for label, bound in buckets if bound is not None],
                  else_=buckets[-1][0])
    return dict(session.execute(select(bucket, func.count()).where(Lease.status.in_(ACTIVE))
                                .group_by(bucket)).all())


def reappraisals_due(session: Session, today: date) -> int:
    """Projects in operation whose latest appraisal has lapsed on ``today`` (or that have none)."""
    latest = (select(Appraisal.project_id, func.max(Appraisal.appraised_on).label("on"))
              .group_by(Appraisal.project_id).subquery())
    return session.scalar(
        select(func.count(Project.id)).outerjoin(latest, latest.c.project_id == Project.id)
        .where(Project.status.in_([s.value for s in IN_OPERATION]),
               (latest.c.on.is_(None)) | (latest.c.on < oldest_valid_appraisal(today)))) or 0
