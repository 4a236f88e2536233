"""Presenters of the operation domain: units and listings, rents, subsidies, operation and
transfers, exit requests, as the dicts the API's out-schemas and the pages take. Where a view
shows related records (a listing's unit counts, the copies of an exit consent, the names in a
transfer history), it reads them through :mod:`app.operation.repository`, for a whole page at
once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.approval.enums import ProjectStatus
from app.approval.models import Project
from app.calendar.service import work_calendar
from app.core import clock
from app.core.paging import Page
from app.operation import repository
from app.operation.enums import (
    ExitRequestStatus,
    RentStandardStatus,
    SubsidyStatus,
    TransferReason,
    UnitStatus,
)
from app.operation.models import Appraisal, ExitRequest, RentStandard, Subsidy
from rules.art26_30_listing import listing_state
from rules.art36_37_rent import (
    AppraisalFacts,
    appraisal_valid_until,
    highest_rate_in_fen,
    reappraisal_due,
    rent_cap_rate,
)
from rules.art43_44_exit import exit_allowed_from, exit_decision_clock
from rules.calendar import CalendarYearMissing
from rules.project_facts import UnitKind

# ---- units and listing ---------------------------------------------------------------------


def units_summary(session: Session, project: Project) -> dict[str, Any]:
    """Registered units against the certificate: count and floor area, with the differences."""
    count, area, published, leased = repository.unit_totals(session, project.id)
    area = area.quantize(Decimal("0.01"))
    certificate = project.certificate.content if project.certificate else {}
    cert_count = int(certificate.get("unit_count", project.unit_count))
    cert_area = Decimal(certificate.get("affordable_floor_area_m2", project.affordable_floor_area_m2))
    return {"units": count, "building_area_m2": area, "published": published,
            "leased": leased, "certificate_unit_count": cert_count,
            "certificate_floor_area_m2": cert_area, "count_difference": count - cert_count,
            "area_difference_m2": area - cert_area,
            "matches_certificate": count == cert_count and area == cert_area}


def listing_view(session: Session, project: Project,
                 counts: tuple[int, int, int] | None = None) -> dict[str, Any]:
    """The listing of 第三十条: completion, due date, submission, verification, unit counts."""
    units, published, registered = (counts or repository.unit_counts(session, [project.id])
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


def listing_queue(session: Session, found: Page[Project]) -> Page[dict[str, Any]]:
    """A page of :func:`app.operation.repository.listing_queue` with each listing's counts
    (one more statement for the page); ``pending``: units still to verify."""
    counts = repository.unit_counts(session, [p.id for p in found.items])
    items = []
    for p in found.items:
        view = listing_view(session, p, counts.get(p.id, (0, 0, 0)))
        items.append({"project_id": p.id, "name": p.name, **view, "pending": view["registered"],
                      "awaiting_verification": p.listed_on is not None and view["registered"] > 0})
    return Page(items, found.next_cursor)


def public_unit(row: Any) -> dict[str, Any]:
    """What anyone checking a listing verification code (房源核验码) sees."""
    unit, name, address = row
    return {"verification_code": unit.verification_code, "project_name": name, "address": address,
            "building": unit.building, "number": unit.number,
            "building_area_m2": unit.building_area_m2, "kind_label": UnitKind(unit.kind).label,
            "status_label": UnitStatus(unit.status).label, "published_on": unit.published_on}


# ---- rents ---------------------------------------------------------------------------------

def appraisal_facts(appraisal: Appraisal) -> AppraisalFacts:
    return AppraisalFacts(appraisal.appraised_on, appraisal.market_rent_per_m2,
                          {k: Decimal(v) for k, v in appraisal.per_unit_type.items()})


def appraisal_view(appraisal: Appraisal, today: date) -> dict[str, Any]:
    return {"id": appraisal.id, "appraiser": appraisal.appraiser, "report_no": appraisal.report_no,
            "appraised_on": appraisal.appraised_on,
            "market_rent_per_m2": appraisal.market_rent_per_m2,
            "per_unit_type": {k: Decimal(v) for k, v in appraisal.per_unit_type.items()},
            "valid_until": appraisal_valid_until(appraisal.appraised_on, today),
            "lapsed": reappraisal_due(appraisal.appraised_on, today)}


def standard_view(standard: RentStandard) -> dict[str, Any]:
    facts = appraisal_facts(standard.appraisal)
    caps = []
    for r in standard.rates:
        market = (facts.per_unit_type.get(r["unit_type"], facts.market_rent_per_m2)
                  if r["unit_type"] else facts.market_rent_per_m2)
        cap = rent_cap_rate(market, standard.proposed_on)
        caps.append({"unit_type": r["unit_type"], "rate_per_m2": cap,
                     "highest_rate_per_m2": highest_rate_in_fen(cap)})
    return {"id": standard.id, "project_id": standard.project_id,
            "appraisal_id": standard.appraisal_id, "rates": standard.rates,
            "status": standard.status, "status_label": RentStandardStatus(standard.status).label,
            "proposed_on": standard.proposed_on, "filing_no": standard.filing_no,
            "filed_on": standard.filed_on, "caps": caps}


def rents_view(session: Session, project: Project) -> dict[str, Any]:
    """Appraisals, standards, the one in force, and whether a re-appraisal is due."""
    today = clock.today()
    appraisals = repository.appraisals_of(session, project.id)
    standards = repository.standards_of(session, project.id)
    current = next((s for s in standards if s.status == RentStandardStatus.filed), None)
    return {"appraisals": [appraisal_view(a, today) for a in appraisals],
            "standards": [standard_view(s) for s in standards],
            "in_force": standard_view(current) if current else None,
            "reappraisal_due": (not appraisals
                                or reappraisal_due(appraisals[-1].appraised_on, today))}


def filing_item(row: Any) -> dict[str, Any]:
    """A row of :func:`app.operation.repository.proposed_standards`: the standard to file."""
    standard, project, _ = row
    return standard_view(standard) | {"project_name": project.name,
                                      "organization": project.organization.name,
                                      "appraisal": standard.appraisal}


def rents_overview(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    """For each project: its latest appraisal and the rent standard in force (two statements
    for the whole list; :func:`rents_view` gives one project's all)."""
    ids = [p.id for p in projects]
    if not ids:
        return []
    today = clock.today()
    latest = repository.latest_appraisals(session, ids)
    in_force = repository.standards_in_force(session, ids)
    return [{"project": p,
             "last_appraisal": appraisal_view(latest[p.id], today) if p.id in latest else None,
             "in_force": standard_view(in_force[p.id]) if p.id in in_force else None}
            for p in projects]


def public_rents(session: Session, found: Page[Project]) -> Page[dict[str, Any]]:
    """The filed rents in force of a page of projects, one entry per rate (第三十七条:
    向社会公布); two more statements: the standards in force, the latest appraisal dates."""
    today = clock.today()
    ids = [p.id for p in found.items]
    if not ids:
        return Page([], found.next_cursor)
    standards = repository.standards_in_force(session, ids)
    latest = repository.latest_appraisal_dates(session, ids)
    result = []
    for project in found.items:
        standard = standards[project.id]
        for rate in standard.rates:
            result.append({
                "project_id": project.id, "project_name": project.name,
                "district": project.district, "address": project.address,
                "operator": project.organization.name, "unit_type": rate["unit_type"],
                "rate_per_m2": Decimal(rate["rate_per_m2"]), "filing_no": standard.filing_no,
                "filed_on": standard.filed_on, "appraised_on": standard.appraisal.appraised_on,
                "reappraisal_due": reappraisal_due(latest[project.id], today)})
    return Page(result, found.next_cursor)


# ---- subsidies, operation and transfers -------------------------------------------------------

def subsidy_view(s: Subsidy) -> dict[str, Any]:
    """A subsidy as the project page shows it: ``status`` (granted or paid) with its label."""
    status = SubsidyStatus.of(s)
    return {"id": s.id, "amount_yuan": s.amount_yuan, "source": s.source,
            "document_no": s.document_no, "granted_on": s.granted_on, "paid_on": s.paid_on,
            "refund_due_yuan": s.refund_due_yuan, "refund_reason": s.refund_reason,
            "refund_recorded_on": s.refund_recorded_on, "status": status.value,
            "status_label": status.label}


def operation_view(session: Session, project: Project) -> dict[str, Any]:
    """The operator, the start of operation and the earliest exit, and the transfers."""
    transfers = repository.transfers_of(session, project.id)
    ids = {project.organization_id} | {t.from_organization_id for t in transfers} | {
        t.to_organization_id for t in transfers}
    names = repository.organization_names(session, ids)
    return {
        "status": project.status, "status_label": ProjectStatus(project.status).label,
        "operator": names[project.organization_id],
        "operation_started_on": project.operation_started_on,
        "exit_allowed_from": (exit_allowed_from(project.operation_started_on, clock.today())
                              if project.operation_started_on else None),
        "transfers": [{"from_organization": names[t.from_organization_id],
                       "to_organization": names[t.to_organization_id], "reason": t.reason,
                       "reason_label": TransferReason(t.reason).label, "document_no": t.document_no,
                       "transferred_on": t.transferred_on} for t in transfers],
    }


# ---- exit requests ---------------------------------------------------------------------------

def request_view(session: Session, request: ExitRequest, project: Project) -> dict[str, Any]:
    return request_views(session, [(request, project)])[0]


def request_views(session: Session, pairs: list[tuple[ExitRequest, Project]]) -> list[dict[str, Any]]:
    """The views of a page of exit requests with their projects: the copies sent out for all
    of them in one statement, the working calendar read once."""
    if not pairs:
        return []
    numbers = {r.document_no for r, _ in pairs if r.document_no}
    sent: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for n, name in repository.notifications(session, numbers):
        sent[(n.project_id, n.document_no)].append({
            "department": name, "subject": n.subject, "document_no": n.document_no,
            "sent_on": n.sent_on})
    calendar = work_calendar(session)
    views = []
    for request, project in pairs:
        deadline, overdue = None, False
        try:
            state = exit_decision_clock(calendar, request.requested_on,
                                        max(clock.today(), request.decided_on or request.requested_on),
                                        request.decided_on)
            deadline, overdue = state.deadline, state.overdue
        except CalendarYearMissing:
            pass
        views.append({
            "id": request.id, "project_id": project.id, "project_name": project.name,
            "requested_on": request.requested_on, "notice_from": request.notice_from,
            "notice_to": request.notice_to, "objections": request.objections,
            "status": request.status, "status_label": ExitRequestStatus(request.status).label,
            "decided_on": request.decided_on, "decision_comment": request.decision_comment,
            "document_no": request.document_no, "deadline": deadline, "overdue": overdue,
            "notifications": sent[(project.id, request.document_no)] if request.document_no else []})
    return views


def requests_of(session: Session, project: Project) -> list[dict[str, Any]]:
    return request_views(session, [(r, project) for r in repository.exit_requests_of(session, project.id)])


def requests_page(session: Session, project: Project, found: Page[ExitRequest]) -> Page[dict[str, Any]]:
    return Page(request_views(session, [(r, project) for r in found.items]), found.next_cursor)


def exit_queue(session: Session, found: Page[ExitRequest],
               projects: dict[int, Project]) -> Page[dict[str, Any]]:
    return Page(request_views(session, [(r, projects[r.project_id]) for r in found.items]),
                found.next_cursor)


def overdue_exits(session: Session) -> int:
    """How many pending exit requests are past their 3-working-day deadline (a count over all
    of them: two statements, whatever their number)."""
    calendar, today = work_calendar(session), clock.today()
    overdue = 0
    for requested_on in repository.pending_request_days(session):
        try:
            overdue += exit_decision_clock(calendar, requested_on, max(today, requested_on)).overdue
        except CalendarYearMissing:
            continue
    return overdue
