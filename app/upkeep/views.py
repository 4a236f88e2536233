"""Presenters of the upkeep domain: ORM objects → the dicts the routes and pages show.

A page of repairs is presented with a fixed number of reads whatever its size;
``allowed_actions`` is what the transition tables (:mod:`app.upkeep.workflows`) let the viewer
do now. Photos and plan files are addressed through the API (``/api/v1/photos/{id}``,
``/api/v1/emergency-plans/{id}/file``); the pages serve the same files at the same paths
without ``/api/v1``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import ProjectStatus
from app.approval.models import Project
from app.core import clock
from app.core.paging import Page, mapped, mapped_all
from app.upkeep import repository
from app.upkeep.enums import (
    OPEN,
    ChargeStatus,
    FireCheckItem,
    InspectionResult,
    InspectionStatus,
    PlanKind,
    PlanStatus,
    RepairAction,
    RepairCategory,
    RepairStatus,
    RepairUrgency,
    SupervisionResult,
)
from app.upkeep.models import (
    EmergencyPlan,
    FireSafetyCheck,
    QualitySupervision,
    RepairCharge,
    RepairEvent,
    RepairRequest,
    SafetyInspection,
    UpkeepPhoto,
)
from app.upkeep.safety import codes_of
from app.upkeep.supervision import in_use_since
from app.upkeep.workflows import CHARGE, INSPECTION, REPAIR, UPKEEP
from rules.art28_quality import BASE_STANDARD, DesignCode
from rules.art39_repairs import overdue
from rules.art40_safety import fire_check_state, plan_lapsed, rectification_overdue
from rules.params import value_at

API = "/api/v1"


def photo_view(photo: UpkeepPhoto) -> dict[str, Any]:
    return {"id": photo.id, "url": f"{API}/photos/{photo.id}", "purpose": photo.purpose,
            "content_type": photo.content_type, "width": photo.width, "height": photo.height,
            "size_bytes": photo.size_bytes, "sha256": photo.sha256, "uploaded_at": photo.uploaded_at}


# ---- repairs ----------------------------------------------------------------------------------

def charge_view(user: User | None, charge: RepairCharge) -> dict[str, Any]:
    return {"id": charge.id, "amount_yuan": charge.amount_yuan, "reason": charge.reason,
            "status": charge.status, "status_label": ChargeStatus.label_of(charge.status),
            "proposed_at": charge.proposed_at, "response": charge.response,
            "responded_at": charge.responded_at,
            "allowed_actions": CHARGE.allowed(user, charge) if user is not None else []}


def repair_view(session: Session, user: User, repair: RepairRequest) -> dict[str, Any]:
    return repair_views(session, user, [repair])[0]


def repairs_page(session: Session, user: User, found: Page[RepairRequest]) -> Page[dict[str, Any]]:
    return mapped_all(found, lambda items: repair_views(session, user, items))


def repair_views(session: Session, user: User, repairs: list[RepairRequest]) -> list[dict[str, Any]]:
    """``RepairRead`` of a page of repairs: its units, projects, reporters, photos, charges and
    steps in a fixed number of reads."""
    if not repairs:
        return []
    ids = [r.id for r in repairs]
    units = repository.units(session, {r.unit_id for r in repairs})
    projects = repository.projects(session, {r.project_id for r in repairs})
    people = repository.full_names(session, {r.reporter_id for r in repairs})
    photos: dict[int, list[dict[str, Any]]] = {}
    for photo in repository.photos_of(session, repairs=ids):
        photos.setdefault(photo.repair_id, []).append(photo_view(photo))  # type: ignore[arg-type]
    charges: dict[int, list[dict[str, Any]]] = {}
    for charge in repository.charges_of(session, ids):
        charges.setdefault(charge.repair_id, []).append(charge_view(user, charge))
    now = clock.now()
    views = []
    for state in repository.repairs_now(session, repairs):
        r = state.repair
        unit = units[r.unit_id]
        views.append({
            "id": r.id, "project_id": r.project_id, "project_name": projects[r.project_id].name,
            "unit_id": r.unit_id, "building": unit.building, "unit_number": unit.number,
            "lease_id": r.lease_id, "reporter": people.get(r.reporter_id, ""),
            "category": r.category, "category_label": RepairCategory.label_of(r.category),
            "urgency": r.urgency, "urgency_label": RepairUrgency.label_of(r.urgency),
            "description": r.description, "status": r.status,
            "status_label": RepairStatus.label_of(r.status), "reported_at": r.reported_at,
            "accept_by": r.accept_by, "complete_by": r.complete_by,
            "accept_overdue": r.status != RepairStatus.withdrawn and overdue(
                r.accept_by, r.accepted_at or r.withdrawn_at, now),
            "complete_overdue": r.status != RepairStatus.withdrawn and overdue(
                r.complete_by, r.completed_at if r.status not in OPEN else None, now),
            "accepted_at": r.accepted_at, "assigned_to": r.assigned_to, "completed_at": r.completed_at,
            "completion_note": r.completion_note, "confirm_by": r.confirm_by,
            "confirmed_at": r.confirmed_at, "confirmed_by_tenant": r.confirmed_by_tenant,
            "reopen_count": r.reopen_count, "withdrawn_at": r.withdrawn_at,
            "photos": photos.get(r.id, []), "charges": charges.get(r.id, []),
            "allowed_actions": REPAIR.allowed(user, state),
        })
    return views


def event_view(event: RepairEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at, "actor_role": Role.label_of(event.actor_role),
            "actor_unit": event.actor_unit, "action": event.action,
            "action_label": RepairAction.label_of(event.action), "from_status": event.from_status,
            "to_status": event.to_status, "to_status_label": RepairStatus.label_of(event.to_status),
            "comment": event.comment, "details": event.details}


def history_page(found: Page[RepairEvent]) -> Page[dict[str, Any]]:
    return mapped(found, event_view)


# ---- a project's safety records --------------------------------------------------------------------

def checks_page(session: Session, found: Page[FireSafetyCheck]) -> Page[dict[str, Any]]:
    return mapped_all(found, lambda items: check_views(session, items))


def check_views(session: Session, checks: list[FireSafetyCheck]) -> list[dict[str, Any]]:
    photos: dict[int, list[dict[str, Any]]] = {}
    for photo in repository.photos_of(session, checks=[c.id for c in checks]):
        photos.setdefault(photo.safety_check_id, []).append(photo_view(photo))  # type: ignore[arg-type]
    views = []
    for c in checks:
        items = [{"item": i.value, "label": i.label, "ok": bool(c.items.get(i.value))} for i in FireCheckItem]
        views.append({"id": c.id, "project_id": c.project_id, "checked_on": c.checked_on, "items": items,
                      "problems": sum(not i["ok"] for i in items), "findings": c.findings,
                      "photos": photos.get(c.id, []), "recorded_at": c.recorded_at})
    return views


def inspections_page(session: Session, user: User, found: Page[SafetyInspection]) -> Page[dict[str, Any]]:
    return mapped_all(found, lambda items: inspection_views(session, user, items))


def inspection_views(session: Session, user: User,
                     inspections: list[SafetyInspection]) -> list[dict[str, Any]]:
    if not inspections:
        return []
    photos: dict[int, list[dict[str, Any]]] = {}
    for photo in repository.photos_of(session, inspections=[i.id for i in inspections]):
        photos.setdefault(photo.inspection_id, []).append(photo_view(photo))  # type: ignore[arg-type]
    names = {p.id: p.name for p in repository.projects(session, {i.project_id for i in inspections}).values()}
    departments = repository.department_names(session, {i.department_id for i in inspections})
    today = clock.today()
    return [{"id": i.id, "project_id": i.project_id, "project_name": names.get(i.project_id, ""),
             "department": departments.get(i.department_id, ""), "inspected_on": i.inspected_on,
             "result": i.result, "result_label": InspectionResult.label_of(i.result),
             "findings": i.findings, "rectify_by": i.rectify_by, "status": i.status,
             "status_label": InspectionStatus.label_of(i.status),
             "overdue": rectification_overdue(i.rectify_by, i.rectified_on, today)
             if i.status != InspectionStatus.passed else False,
             "rectified_on": i.rectified_on, "rectification": i.rectification,
             "photos": photos.get(i.id, []), "allowed_actions": INSPECTION.allowed(user, i)}
            for i in inspections]


def plan_view(plan: EmergencyPlan) -> dict[str, Any]:
    return {"id": plan.id, "project_id": plan.project_id, "kind": plan.kind,
            "kind_label": PlanKind.label_of(plan.kind), "title": plan.title, "filed_on": plan.filed_on,
            "review_on": plan.review_on, "status": plan.status,
            "status_label": PlanStatus.label_of(plan.status),
            "lapsed": plan.status == PlanStatus.current and plan_lapsed(plan.review_on, clock.today()),
            "pages": plan.pages, "size_bytes": plan.size_bytes, "sha256": plan.sha256,
            "url": f"{API}/emergency-plans/{plan.id}/file"}


def plans_page(found: Page[EmergencyPlan]) -> Page[dict[str, Any]]:
    return mapped(found, plan_view)


def quality_view(session: Session, row: QualitySupervision) -> dict[str, Any]:
    return quality_views(session, [row])[0]


def quality_views(session: Session, rows: list[QualitySupervision]) -> list[dict[str, Any]]:
    departments = repository.department_names(session, {r.department_id for r in rows})
    return [{"id": r.id, "project_id": r.project_id, "department": departments.get(r.department_id, ""),
             "supervised_on": r.supervised_on, "completed_on": r.completed_on,
             "codes": [DesignCode(c).label for c in r.codes], "structure_safe": r.structure_safe,
             "fire_safe": r.fire_safe, "result": r.result,
             "result_label": SupervisionResult.label_of(r.result), "findings": r.findings,
             "recorded_at": r.recorded_at} for r in rows]


def quality_page(session: Session, found: Page[QualitySupervision]) -> Page[dict[str, Any]]:
    return mapped_all(found, lambda items: quality_views(session, items))


def upkeep_view(session: Session, user: User, project: Project) -> dict[str, Any]:
    """``UpkeepRead``: a project's standards, quality record and safety figures."""
    today, now = clock.today(), clock.now()
    last = repository.last_check(session, project.id)
    in_operation = project.status == ProjectStatus.certified
    fire = fire_check_state(last.checked_on if last else None,
                            in_use_since(project) if in_operation else None, today)
    inspections = repository.inspection_figures(session, [project.id], today).get(project.id, (0, 0))
    plans = repository.plan_figures(session, [project.id], today).get(project.id, (0, 0))
    repairs_open, repairs_overdue = repository.open_repair_count(session, project.id, now)
    latest = repository.latest_quality(session, project.id)
    codes = [{"code": f.code.removeprefix("code_"), "label": DesignCode(f.code.removeprefix("code_")).label,
              "reason": f.message, "article": f.article} for f in codes_of(project)]
    return {"project_id": project.id, "project_name": project.name,
            "operator": project.organization.name, "status": project.status,
            "status_label": ProjectStatus.label_of(project.status), "completed_on": project.completed_on,
            "base_standard": BASE_STANDARD, "codes": codes,
            "quality": quality_view(session, latest) if latest else None,
            "fire_check": {"last_checked_on": fire.last_checked_on, "due_on": fire.due_on,
                           "overdue": fire.overdue,
                           "interval_months": value_at("fire_check_interval_months", today)},
            "inspections_open": inspections[0], "inspections_overdue": inspections[1],
            "plans_current": plans[0], "plans_lapsed": plans[1],
            "repairs_open": repairs_open, "repairs_overdue": repairs_overdue,
            "allowed_actions": UPKEEP.allowed(user, project)}
