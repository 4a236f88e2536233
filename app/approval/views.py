"""Presenters of the approval domain: ORM objects (and computed clocks) as the dicts the API's
out-schemas and the pages take."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.approval.documents import ISSUER, certificate_url, notice_url
from app.approval.enums import (
    CertificateStatus,
    EventAction,
    NoticeStage,
    ProjectStatus,
)
from app.approval.facts import month_text
from app.approval.models import (
    Certificate,
    NonconformityNotice,
    Project,
    ProjectBenefit,
    ProjectEvent,
    ReviewDispatch,
)
from rules.art24_review_clock import ClockState
from rules.project_facts import BuildingType, ConstructionMethod, Granularity, SourcingChannel, UnitKind

S = ProjectStatus


def summary_view(p: Project) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "district": p.district, "status": p.status,
            "status_label": S(p.status).label, "organization": p.organization,
            "unit_count": p.unit_count, "submitted_at": p.submitted_at,
            "accepted_on": p.accepted_on, "decided_on": p.decided_on,
            "certificate_number": p.certificate.number if p.certificate else None}


def project_view(p: Project) -> dict[str, Any]:
    """The whole application (附件2 with the 附件3 fields), its state and documents."""
    columns = {c.key: getattr(p, c.key) for c in Project.__table__.columns}
    unit_types = [u | {"kind_label": UnitKind(u["kind"]).label} for u in p.unit_types]
    return columns | summary_view(p) | {
        "construction_method_label": ConstructionMethod(p.construction_method).label,
        "sourcing_channel_label": SourcingChannel(p.sourcing_channel).label,
        "original_building_type": (BuildingType(p.original_building_type)
                                   if p.original_building_type else None),
        "application_granularity": (Granularity(p.application_granularity)
                                    if p.application_granularity else None),
        "planned_start": month_text(p.planned_start_on),
        "planned_in_use": month_text(p.planned_in_use_on),
        "unit_types": unit_types, "commitment_accepted": p.commitment_accepted_at is not None,
        "notice_number": p.notice.number if p.notice else None,
    }


def event_view(e: ProjectEvent) -> dict[str, Any]:
    return {"at": e.at, "on": e.on, "action": e.action,
            "action_label": EventAction.label_of(e.action), "actor_role": e.actor_role,
            "actor_unit": e.actor_unit, "from_status": e.from_status, "to_status": e.to_status,
            "to_status_label": S(e.to_status).label, "comment": e.comment, "details": e.details}


def dispatch_view(d: ReviewDispatch) -> dict[str, Any]:
    return {"department_id": d.department_id, "department_name": d.department.name,
            "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
            "answered_on": d.answered_on}


def inbox_item(row: Any) -> dict[str, Any]:
    """A row of :func:`app.approval.repository.department_inbox`: the plan sent, the project,
    and whether the department can still answer."""
    d, p, _ = row
    return {"project_id": p.id, "name": p.name, "organization": p.organization.name,
            "status": p.status, "status_label": S(p.status).label,
            "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
            "answered_on": d.answered_on,
            "open": d.opinion is None and p.status in (S.in_review, S.awaiting_materials)}


def certificate_view(certificate: Certificate) -> dict[str, Any]:
    """What anyone may see when verifying a certificate by its number."""
    c = certificate.content
    return {"number": certificate.number, "status": certificate.status,
            "status_label": CertificateStatus(certificate.status).label,
            "valid": certificate.status == CertificateStatus.valid,
            "project_name": c["project_name"], "addressee": c["addressee"], "address": c["address"],
            "unit_count": c["unit_count"], "affordable_floor_area_m2": c["affordable_floor_area_m2"],
            "issued_on": certificate.issued_on, "issuer": ISSUER,
            "revoked_on": certificate.revoked_on, "revoked_reason": certificate.revoked_reason,
            "verify_url": certificate_url(certificate.number)}


def notice_view(notice: NonconformityNotice, project: Project) -> dict[str, Any]:
    return {"number": notice.number, "project_id": project.id, "project_name": project.name,
            "addressee": project.operator_unit_name, "issued_on": notice.issued_on,
            "stage": notice.stage, "stage_label": NoticeStage(notice.stage).label,
            "reasons": notice.reasons, "comment": notice.comment, "issuer": ISSUER,
            "verify_url": notice_url(notice.number)}


def benefit_view(b: ProjectBenefit) -> dict[str, Any]:
    return {"code": b.code, "title": b.title, "article": b.article, "since": b.since,
            "ended_on": b.ended_on, "end_reason": b.end_reason, "active": b.ended_on is None}


def clock_view(state: ClockState | None, limit: int) -> dict[str, Any]:
    """The review clock (``GET /projects/{id}/clock``); before acceptance, the full ``limit``
    of working days is still ahead."""
    if state is None:
        return {"accepted_on": None, "deadline": None, "working_days_elapsed": 0,
                "working_days_remaining": limit, "suspended": False, "overdue": False,
                "due_soon": False, "decided_on": None, "on_time": None, "limit": limit}
    data = asdict(state)
    data["accepted_on"] = data.pop("started_on")
    return data


def queue_item(p: Project, state: ClockState | None, missing_year: int | None = None
               ) -> dict[str, Any]:
    """An open application in the office's queue, with its deadline (``missing_year``: the
    holiday calendar of that year is not entered, so there is none yet)."""
    item: dict[str, Any] = {
        "project_id": p.id, "name": p.name, "organization": p.organization.name,
        "status": p.status, "status_label": S(p.status).label,
        "submitted_at": p.submitted_at, "accepted_on": p.accepted_on, "deadline": None,
        "working_days_remaining": None, "suspended": False, "overdue": False,
        "due_soon": False, "pending_departments": [],
    }
    if missing_year is not None:
        item["calendar_missing_year"] = missing_year
    if state is not None:
        item |= {"deadline": state.deadline, "working_days_remaining": state.working_days_remaining,
                 "suspended": state.suspended, "overdue": state.overdue,
                 "due_soon": state.due_soon}
    return item
