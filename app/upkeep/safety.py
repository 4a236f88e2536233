"""A project's safety and quality records, the state changes (第二十八、四十条): the operator's
periodic fire-safety checks, 市住建局's inspections with their rectification deadlines and the
operator's rectification, emergency plans on file, and 住建's quality and safety supervision at
completion acceptance.

Who may take each step: :data:`~app.upkeep.workflows.UPKEEP` (on the project) and
:data:`~app.upkeep.workflows.INSPECTION`; whether the law allows what is recorded:
``rules.art40_safety`` and ``rules.art28_quality`` (422 with the article). Each change writes its
audit event in the same transaction; files are handled as :mod:`app.upkeep.media` describes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.facts import unit_type_facts
from app.audit.service import record
from app.core import clock
from app.core.db import offload
from app.core.errors import RuleViolation
from app.upkeep import media, repository
from app.upkeep.enums import (
    FireCheckItem,
    InspectionResult,
    InspectionStatus,
    PhotoPurpose,
    PlanStatus,
)
from app.upkeep.media import Upload
from app.upkeep.models import EmergencyPlan, FireSafetyCheck, QualitySupervision, SafetyInspection
from app.upkeep.schemas import InspectionIn, PlanIn, QualityIn, RectificationIn, SafetyCheckIn
from app.upkeep.service import attach_photos, processed_photos
from app.upkeep.workflows import INSPECTION, UPKEEP
from rules import art28_quality as art28
from rules import art40_safety as art40
from rules.decision import Decision, Finding


def _refuse_unless(decision: Decision) -> None:
    if not decision.ok:
        raise RuleViolation.from_decision(decision)


def codes_of(project: object) -> list[Finding]:
    """第二十八条: the design codes that apply, read from the application."""
    kinds = [u.kind for u in unit_type_facts(project.unit_types)]  # type: ignore[attr-defined]
    return art28.applicable_codes(kinds, project.construction_method,  # type: ignore[attr-defined]
                                  project.original_building_type)  # type: ignore[attr-defined]


# ---- the operator's periodic fire-safety checks (第四十条第四款) ---------------------------------

def record_check(session: Session, user: User, project_id: int, data: SafetyCheckIn,
                 uploads: list[Upload]) -> FireSafetyCheck:
    media.check_count(uploads)
    project = repository.upkeep_project(session, user, project_id, lock=True)
    UPKEEP.check("safety_check", user, project)
    items = {item.value: getattr(data, item.value) == "ok" for item in FireCheckItem}
    _refuse_unless(art40.check_safety_check(data.checked_on, clock.today(), items, data.findings))
    processed = processed_photos(uploads)
    check = FireSafetyCheck(project_id=project.id, checked_on=data.checked_on, items=items,
                            findings=data.findings.strip(), recorded_by_id=user.id)
    session.add(check)
    session.flush()
    photos = attach_photos(session, user, processed, "safety-checks", PhotoPurpose.safety_check,
                           safety_check_id=check.id)
    record(session, actor=user, action="upkeep.fire_check_recorded", entity_type="project",
           entity_id=project.id, summary={"check_id": check.id, "checked_on": data.checked_on,
                                          "problems": sorted(k for k, ok in items.items() if not ok),
                                          "photos": [p.sha256 for p in photos]})
    return check


# ---- 市住建局's inspections (第四十条第一款) and the rectification ------------------------------

def inspect(session: Session, user: User, project_id: int, data: InspectionIn,
            uploads: list[Upload]) -> SafetyInspection:
    media.check_count(uploads)
    project = repository.upkeep_project(session, user, project_id, lock=True)
    UPKEEP.check("inspect", user, project)
    rectify = data.result == InspectionResult.rectify
    _refuse_unless(art40.check_inspection(data.inspected_on, clock.today(), data.rectify_by, rectify))
    processed = processed_photos(uploads)
    inspection = SafetyInspection(project_id=project.id, department_id=user.department_id,
                                  inspector_id=user.id, inspected_on=data.inspected_on,
                                  findings=data.findings.strip(), result=data.result,
                                  rectify_by=data.rectify_by,
                                  status=InspectionStatus.open if rectify else InspectionStatus.passed)
    session.add(inspection)
    session.flush()
    photos = attach_photos(session, user, processed, "inspections", PhotoPurpose.inspection,
                           inspection_id=inspection.id)
    record(session, actor=user, action="upkeep.inspected", entity_type="project", entity_id=project.id,
           summary={"inspection_id": inspection.id, "inspected_on": data.inspected_on,
                    "result": data.result, "rectify_by": data.rectify_by,
                    "photos": [p.sha256 for p in photos]})
    return inspection


def rectify(session: Session, user: User, inspection_id: int, data: RectificationIn,
            uploads: list[Upload]) -> SafetyInspection:
    """The operator records the rectification an inspection ordered (late or not: the record
    keeps the day, the supervision shows it)."""
    media.check_count(uploads)
    inspection = repository.get_inspection(session, user, inspection_id, lock=True)
    INSPECTION.check("rectify", user, inspection)
    processed = processed_photos(uploads)
    today = clock.today()
    inspection.status, inspection.rectified_on = InspectionStatus.rectified, today
    inspection.rectification, inspection.rectified_by_id = data.note.strip(), user.id
    photos = attach_photos(session, user, processed, "inspections", PhotoPurpose.rectification,
                           inspection_id=inspection.id)
    late = inspection.rectify_by is not None and today > inspection.rectify_by
    record(session, actor=user, action="upkeep.rectified", entity_type="project",
           entity_id=inspection.project_id, summary={"inspection_id": inspection.id, "late": late,
                                                     "photos": [p.sha256 for p in photos]})
    return inspection


# ---- emergency plans (第四十条第四款) -----------------------------------------------------------

def file_plan(session: Session, user: User, project_id: int, data: PlanIn, upload: Upload) -> EmergencyPlan:
    """A plan on file with its review date; it supersedes the current plan of the same kind."""
    project = repository.upkeep_project(session, user, project_id, lock=True)
    UPKEEP.check("file_plan", user, project)
    today = clock.today()
    _refuse_unless(art40.check_plan(today, data.review_on))
    processed = offload(media.check_pdf, upload)
    superseded = repository.current_plans(session, project.id, data.kind)
    staged = media.stage(processed, "plans")
    try:
        plan = EmergencyPlan(project_id=project.id, kind=data.kind, title=data.title.strip(),
                             filed_on=today, review_on=data.review_on, status=PlanStatus.current,
                             path=staged.path, sha256=processed.sha256, size_bytes=len(processed.data),
                             pages=processed.pages, filed_by_id=user.id)
        for old in superseded:
            old.status = PlanStatus.superseded
        session.add(plan)
        session.flush()
    except BaseException:
        media.discard([staged])
        raise
    media.place(session, [staged])
    record(session, actor=user, action="upkeep.plan_filed", entity_type="project", entity_id=project.id,
           summary={"plan_id": plan.id, "kind": data.kind, "review_on": data.review_on,
                    "sha256": plan.sha256, "superseded": [p.id for p in superseded]})
    return plan


# ---- quality and safety supervision at completion acceptance (第二十八条) ------------------------

def supervise_quality(session: Session, user: User, project_id: int, data: QualityIn) -> QualitySupervision:
    project = repository.upkeep_project(session, user, project_id, lock=True)
    UPKEEP.check("supervise_quality", user, project)
    today = clock.today()
    on = data.supervised_on or today
    _refuse_unless(art28.check_supervision(project.completed_on, on, today))
    codes = [f.code.removeprefix("code_") for f in codes_of(project)]
    row = QualitySupervision(project_id=project.id, department_id=user.department_id, supervised_on=on,
                             completed_on=project.completed_on, codes=codes,
                             structure_safe=data.structure_safe, fire_safe=data.fire_safe,
                             result=data.result, findings=data.findings.strip(), recorded_by_id=user.id)
    session.add(row)
    session.flush()
    record(session, actor=user, action="upkeep.quality_supervised", entity_type="project",
           entity_id=project.id, summary={"supervision_id": row.id, "result": data.result,
                                          "structure_safe": data.structure_safe,
                                          "fire_safe": data.fire_safe, "codes": codes})
    return row
