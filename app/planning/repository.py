"""Every read of the planning domain: plans and their lines, the projects they count and the facts
progress is computed from, funds and their ledger, the reports, and the figures of the statistics.

Each function is a bounded number of statements whatever the size of the city (aggregates grouped
by project or district, never a query per row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.approval.enums import EVER_CERTIFIED, ProjectStatus
from app.approval.models import Project, ProjectEvent
from app.core.errors import NotFound
from app.core.paging import Page, keyset
from app.leases.enums import LeaseStatus
from app.leases.models import ACTIVE, Lease, Violation
from app.operation.models import Subsidy, Unit
from app.planning.enums import PlanStatus
from app.planning.models import Fund, FundEntry, Plan, PlanLine, PlanLineProject, StatisticsReport
from app.tenants.enums import ApplicationStatus
from app.tenants.models import TenantApplication
from rules.art11_13_funds import EntryKind, FundTotals, ProjectTotals

# ---- plans ------------------------------------------------------------------------------------


def plan(session: Session, plan_id: int, *, published_only: bool = False, lock: bool = False) -> Plan:
    stmt = select(Plan).where(Plan.id == plan_id)
    if published_only:
        stmt = stmt.where(Plan.status == PlanStatus.published)
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("未找到该计划")
    return found


def plans(session: Session, *, cursor: int | None, limit: int, published_only: bool = False,
          year: int | None = None) -> Page[Plan]:
    stmt = select(Plan)
    if published_only:
        stmt = stmt.where(Plan.status == PlanStatus.published)
    if year is not None:
        stmt = stmt.where(Plan.start_year <= year, Plan.end_year >= year)
    return keyset(session, stmt, Plan.id, cursor=cursor, limit=limit)


def published_annual_plans(session: Session, year: int) -> list[Plan]:
    return list(session.scalars(select(Plan).where(
        Plan.status == PlanStatus.published, Plan.kind == "annual",
        Plan.start_year <= year, Plan.end_year >= year).order_by(Plan.id)))


def draft_of_series(session: Session, series_id: int) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.series_id == series_id, Plan.status == PlanStatus.draft))


def published_of_series(session: Session, series_id: int, *, lock: bool = False) -> list[Plan]:
    stmt = select(Plan).where(Plan.series_id == series_id, Plan.status == PlanStatus.published)
    return list(session.scalars(stmt.with_for_update() if lock else stmt))


def latest_version(session: Session, series_id: int) -> int:
    return session.scalar(select(func.max(Plan.version)).where(Plan.series_id == series_id)) or 0


def versions(session: Session, series_id: int) -> list[Plan]:
    return list(session.scalars(select(Plan).where(Plan.series_id == series_id).order_by(Plan.version)))


def lines(session: Session, plan_ids: Iterable[int]) -> list[PlanLine]:
    ids = list(plan_ids)
    if not ids:
        return []
    return list(session.scalars(select(PlanLine).where(PlanLine.plan_id.in_(ids),
                                                       PlanLine.replaced_at.is_(None))
                                .order_by(PlanLine.plan_id, PlanLine.position, PlanLine.id)))


def line_projects(session: Session, line_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(line_ids)
    found: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for line_id, project_id in session.execute(
                select(PlanLineProject.line_id, PlanLineProject.project_id)
                .where(PlanLineProject.line_id.in_(ids)).order_by(PlanLineProject.id)):
            found[line_id].append(project_id)
    return found


def projects_named(session: Session, project_ids: Iterable[int]) -> dict[int, Project]:
    ids = list(set(project_ids))
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(ids)))}


def existing_project_ids(session: Session, project_ids: Iterable[int]) -> set[int]:
    ids = list(set(project_ids))
    if not ids:
        return set()
    return set(session.scalars(select(Project.id).where(Project.id.in_(ids), Project.status != "draft")))


# ---- facts progress is computed from ---------------------------------------------------------

def project_facts(session: Session, project_ids: Iterable[int], as_of: date) -> dict[int, dict[str, Any]]:
    """Per project: district, units and area applied for, the stage dates, units published (and
    their area) by ``as_of``, and units let under leases in force (``app.leases``' notion)."""
    ids = list(set(project_ids))
    if not ids:
        return {}
    facts: dict[int, dict[str, Any]] = {}
    for row in session.execute(select(
            Project.id, Project.name, Project.district, Project.status, Project.unit_count,
            Project.affordable_floor_area_m2, Project.decided_on, Project.construction_started_on,
            Project.completed_on, Project.listing_verified_on).where(Project.id.in_(ids))):
        certified = row.status in EVER_CERTIFIED and row.decided_on is not None and row.decided_on <= as_of
        facts[row.id] = {"name": row.name, "district": row.district, "units": row.unit_count,
                         "area": row.affordable_floor_area_m2, "certified": certified,
                         "started": row.construction_started_on is not None
                         and row.construction_started_on <= as_of,
                         "completed": row.completed_on is not None and row.completed_on <= as_of,
                         "published_units": 0, "published_area": 0, "let_units": 0, "let_area": 0}
    for project_id, units, area in session.execute(
            select(Unit.project_id, func.count(), func.coalesce(func.sum(Unit.building_area_m2), 0))
            .where(Unit.project_id.in_(ids), Unit.published_on.is_not(None), Unit.published_on <= as_of)
            .group_by(Unit.project_id)):
        facts[project_id] |= {"published_units": units, "published_area": area}
    for project_id, units, area in session.execute(
            select(Lease.project_id, func.count(func.distinct(Lease.unit_id)),
                   func.coalesce(func.sum(Lease.building_area_m2), 0))
            .where(Lease.project_id.in_(ids), Lease.status.in_(ACTIVE), Lease.start_on <= as_of)
            .group_by(Lease.project_id)):
        facts[project_id] |= {"let_units": units, "let_area": area}
    return facts


# ---- funds and the ledger --------------------------------------------------------------------

def fund(session: Session, fund_id: int, *, lock: bool = False) -> Fund:
    """A fund; ``lock``: its row held until commit (``SELECT … FOR UPDATE`` on PostgreSQL;
    SQLite serialises writers already), so entries against it are checked one at a time."""
    stmt = select(Fund).where(Fund.id == fund_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("未找到该资金")
    return found


def fund_by_document(session: Session, document_no: str) -> Fund | None:
    return session.scalar(select(Fund).where(Fund.document_no == document_no))


def funds(session: Session, *, cursor: int | None, limit: int) -> Page[Fund]:
    return keyset(session, select(Fund), Fund.id, cursor=cursor, limit=limit)


def all_funds(session: Session) -> list[Fund]:
    return list(session.scalars(select(Fund).order_by(Fund.id)))


def entry(session: Session, entry_id: int) -> FundEntry:
    found = session.get(FundEntry, entry_id)
    if found is None:
        raise NotFound("未找到该台账记录")
    return found


def entries(session: Session, fund_id: int, *, cursor: int | None, limit: int) -> Page[FundEntry]:
    return keyset(session, select(FundEntry).where(FundEntry.fund_id == fund_id), FundEntry.id,
                  cursor=cursor, limit=limit)


def reversed_ids(session: Session, entry_ids: Iterable[int]) -> set[int]:
    ids = list(entry_ids)
    if not ids:
        return set()
    return set(session.scalars(select(FundEntry.reverses_id).where(FundEntry.reverses_id.in_(ids))))


def _sums(session: Session, *where: Any) -> dict[str, int]:
    return {kind: int(total) for kind, total in session.execute(
        select(FundEntry.kind, func.coalesce(func.sum(FundEntry.amount_fen), 0))
        .where(*where).group_by(FundEntry.kind))}


def fund_totals(session: Session, fund_id: int, as_of: date | None = None) -> FundTotals:
    where = [FundEntry.fund_id == fund_id] + ([FundEntry.on <= as_of] if as_of else [])
    s = _sums(session, *where)
    return FundTotals(received=s.get(EntryKind.receipt, 0), allocated=s.get(EntryKind.allocation, 0),
                      paid=s.get(EntryKind.payment, 0), refund_due=s.get(EntryKind.refund_due, 0),
                      refunded=s.get(EntryKind.refund_received, 0))


def project_totals(session: Session, fund_id: int, project_id: int) -> ProjectTotals:
    s = _sums(session, FundEntry.fund_id == fund_id, FundEntry.project_id == project_id)
    return ProjectTotals(allocated=s.get(EntryKind.allocation, 0), paid=s.get(EntryKind.payment, 0),
                         refund_due=s.get(EntryKind.refund_due,
                                          0), refunded=s.get(EntryKind.refund_received, 0))


def totals_by_fund(session: Session, as_of: date | None = None) -> dict[int, FundTotals]:
    """Every fund's totals in one statement."""
    stmt = select(FundEntry.fund_id, FundEntry.kind, func.sum(FundEntry.amount_fen))
    if as_of is not None:
        stmt = stmt.where(FundEntry.on <= as_of)
    found: dict[int, dict[str, int]] = {}
    for fund_id, kind, total in session.execute(stmt.group_by(FundEntry.fund_id, FundEntry.kind)):
        found.setdefault(fund_id, {})[kind] = int(total)
    return {f: FundTotals(received=s.get(EntryKind.receipt, 0), allocated=s.get(EntryKind.allocation, 0),
                          paid=s.get(EntryKind.payment, 0), refund_due=s.get(EntryKind.refund_due, 0),
                          refunded=s.get(EntryKind.refund_received, 0)) for f, s in found.items()}


def totals_by_project(session: Session, fund_id: int) -> dict[int, ProjectTotals]:
    found: dict[int, dict[str, int]] = {}
    for project_id, kind, total in session.execute(
            select(FundEntry.project_id, FundEntry.kind, func.sum(FundEntry.amount_fen))
            .where(FundEntry.fund_id == fund_id, FundEntry.project_id.is_not(None))
            .group_by(FundEntry.project_id, FundEntry.kind)):
        found.setdefault(project_id, {})[kind] = int(total)
    return {p: ProjectTotals(allocated=s.get(EntryKind.allocation, 0), paid=s.get(EntryKind.payment, 0),
                             refund_due=s.get(EntryKind.refund_due, 0),
                             refunded=s.get(EntryKind.refund_received, 0)) for p, s in found.items()}


def totals_by_district(session: Session, start: date, end: date) -> dict[str, dict[str, int]]:
    """Ledger movements of the period per project district (receipts have no district)."""
    found: dict[str, dict[str, int]] = {}
    for district, kind, total in session.execute(
            select(Project.district, FundEntry.kind, func.sum(FundEntry.amount_fen))
            .join(Project, Project.id == FundEntry.project_id)
            .where(FundEntry.on >= start, FundEntry.on <= end)
            .group_by(Project.district, FundEntry.kind)):
        found.setdefault(district, {})[kind] = int(total)
    return found


def subsidy(session: Session, subsidy_id: int) -> Subsidy:
    found = session.get(Subsidy, subsidy_id)
    if found is None:
        raise NotFound("未找到该补助资金记录", field="subsidy_id")
    return found


def unpaid_or_undrawn_subsidies(session: Session) -> list[tuple[str, str]]:
    """Subsidies a payment may draw (not yet drawn by a live payment entry), as form options."""
    drawn = select(FundEntry.subsidy_id).where(
        FundEntry.kind == EntryKind.payment, FundEntry.amount_fen > 0, FundEntry.subsidy_id.is_not(None),
        FundEntry.id.not_in(select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None))))
    found = session.execute(select(Subsidy.id, Subsidy.amount_yuan, Project.name).join(
        Project, Project.id == Subsidy.project_id).where(Subsidy.id.not_in(drawn))
        .order_by(Subsidy.id).limit(200))
    return [(str(i), f"{name}：{amount} 元（补助 #{i}）") for i, amount, name in found]


def subsidy_drawn(session: Session, subsidy_id: int) -> bool:
    """Whether a payment entry (not reversed) already draws this subsidy."""
    payments = select(FundEntry.id).where(FundEntry.subsidy_id == subsidy_id,
                                          FundEntry.kind == EntryKind.payment, FundEntry.amount_fen > 0)
    undone = select(FundEntry.reverses_id).where(FundEntry.reverses_id.is_not(None))
    return session.scalar(select(func.count()).select_from(
        payments.where(FundEntry.id.not_in(undone)).subquery())) > 0


# ---- reports ---------------------------------------------------------------------------------

def report(session: Session, report_id: int) -> StatisticsReport:
    found = session.get(StatisticsReport, report_id)
    if found is None:
        raise NotFound("未找到该统计报表")
    return found


def reports(session: Session, *, cursor: int | None, limit: int) -> Page[StatisticsReport]:
    return keyset(session, select(StatisticsReport), StatisticsReport.id, cursor=cursor, limit=limit)


def report_version(session: Session, kind: str, start: date) -> int:
    return session.scalar(select(func.max(StatisticsReport.version)).where(
        StatisticsReport.period_kind == kind, StatisticsReport.period_start == start)) or 0


# ---- leasing figures of a period, per district ----------------------------------------------

def _by_district(session: Session, stmt: Any) -> dict[str, int]:
    return {d: int(n) for d, n in session.execute(stmt)}


def leasing_figures(session: Session, start: date, end: date, start_at: datetime,
                    end_at: datetime) -> dict[str, dict[str, Any]]:
    """Applications, approvals, leases signed, units let and published, rent vs cap, transitions,
    violations and exits of ``start``–``end`` per project district (one statement each)."""
    district = Project.district
    figures: dict[str, dict[str, Any]] = {}

    def put(name: str, values: dict[str, Any]) -> None:
        for d, v in values.items():
            figures.setdefault(d, {})[name] = v

    put("applications", _by_district(session, select(district, func.count()).join(
        TenantApplication, TenantApplication.project_id == Project.id).where(
        TenantApplication.submitted_at >= start_at, TenantApplication.submitted_at < end_at)
        .group_by(district)))
    put("approvals", _by_district(session, select(district, func.count()).join(
        TenantApplication, TenantApplication.project_id == Project.id).where(
        TenantApplication.decided_at >= start_at, TenantApplication.decided_at < end_at,
        TenantApplication.status.in_((ApplicationStatus.approved, ApplicationStatus.leased)))
        .group_by(district)))
    put("leases_signed", _by_district(session, select(district, func.count()).join(
        Lease, Lease.project_id == Project.id).where(Lease.signed_on >= start, Lease.signed_on <= end)
        .group_by(district)))
    put("let_units", _by_district(session, select(district, func.count(func.distinct(Lease.unit_id))).join(
        Lease, Lease.project_id == Project.id).where(Lease.status.in_(ACTIVE)).group_by(district)))
    put("published_units", _by_district(session, select(district, func.count()).join(
        Unit, Unit.project_id == Project.id).where(Unit.published_on.is_not(None), Unit.published_on <= end)
        .group_by(district)))
    cap = Lease.rate_per_m2 * Lease.building_area_m2
    for d, rent, cap_avg in session.execute(select(district, func.avg(Lease.monthly_rent), func.avg(cap))
                                            .join(Lease, Lease.project_id == Project.id)
                                            .where(Lease.status.in_(ACTIVE)).group_by(district)):
        figures.setdefault(d, {})["average_rent"] = rent
        figures[d]["average_cap"] = cap_avg
    put("transitions", _by_district(session, select(district, func.count()).join(
        Lease, Lease.project_id == Project.id).where(Lease.home_acquired_on >= start,
                                                     Lease.home_acquired_on <= end).group_by(district)))
    put("violations", _by_district(session, select(district, func.count()).join(
        Violation, Violation.project_id == Project.id).where(
        Violation.recorded_on >= start, Violation.recorded_on <= end).group_by(district)))
    put("exits", _by_district(session, select(district, func.count()).join(
        Lease, Lease.project_id == Project.id).where(
        Lease.status.in_((LeaseStatus.ended, LeaseStatus.terminated)), Lease.ends_on >= start,
        Lease.ends_on <= end).group_by(district)))
    put("project_exits", _by_district(session, select(district, func.count()).join(
        ProjectEvent, ProjectEvent.project_id == Project.id).where(
        ProjectEvent.action.in_(("exit_approved", "exited_unapproved")), ProjectEvent.on >= start,
        ProjectEvent.on <= end).group_by(district)))
    return figures


def certified_project_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Project.id).where(Project.status.in_(EVER_CERTIFIED))))


def candidate_projects(session: Session) -> list[tuple[int, str, str]]:
    """Projects a plan line may count: every project past the draft, by district then name."""
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Project.id, Project.name, Project.district).where(
            Project.status.not_in((ProjectStatus.draft, ProjectStatus.withdrawn, ProjectStatus.refused)))
        .order_by(Project.district, Project.name).limit(500))]

