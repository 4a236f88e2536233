"""The 附件5 materials of an application as files (issue 21): the developer uploads each item
(a PDF, or a photo of a paper document — checked by content and size-limited by
:mod:`app.core.media`), reviewers open them beside the checklist, and an application without
the items due with it (:data:`rules.annex5_materials.DUE_AT_APPLICATION`) cannot be submitted.

An upload is not a step of the approval table (the project's state does not change): the
developer of the project may add a file while the application is open or the project certified
(the approvals obtained after certification are filed too), never after a refusal or
withdrawal. A newer file of the same item supersedes the older one (kept, never deleted); each
upload is in the project's history and the audit trail, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import repository
from app.approval.enums import EventAction, ProjectStatus
from app.approval.facts import facts_of
from app.approval.models import Project, ProjectMaterial
from app.approval.repository import get_project
from app.core import clock, media
from app.core.db import offload
from app.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from rules.annex5_materials import materials_checklist, missing_at_application
from rules.params import value_at

CLOSED = frozenset({ProjectStatus.refused, ProjectStatus.withdrawn, ProjectStatus.revoked,
                    ProjectStatus.exited, ProjectStatus.exited_unapproved})
FOLDER = "materials"


def upload(session: Session, user: User, project_id: int, code: str, file: media.Upload) -> ProjectMaterial:
    """Store one file of item ``code`` of the project's 附件5 checklist."""
    from app.approval.service import transition  # (the service imports this module's check)

    if user.role != Role.developer:
        raise Forbidden("只有项目的建设/运营单位可以上传申报材料")
    project = get_project(session, user, project_id, lock=True)
    if project.status in CLOSED:
        raise Conflict(f"项目已{ProjectStatus(project.status).label}，不能再上传申报材料")
    items = {i.code: i for i in materials_checklist(facts_of(project), clock.today())}
    item = items.get(code)
    if item is None:
        raise InvalidInput("请选择附件5清单中的一项材料", field="code")
    processed = offload(media.check_document, file, item.title)
    staged = media.stage(processed, FOLDER)
    try:
        now = clock.now()
        for old in repository.current_materials(session, project.id):
            if old.code == code:
                old.superseded_at = now
        row = ProjectMaterial(project_id=project.id, code=code, name=media.shown_name(file.name)[:100],
                              path=staged.path, sha256=processed.sha256,
                              content_type=processed.content_type, size=len(processed.data),
                              uploaded_by_id=user.id)
        session.add(row)
        session.flush()
    except Exception:
        media.discard([staged])
        raise
    media.place(session, [staged])
    transition(session, project, user, to=project.status, action=EventAction.material_uploaded,
               details={"material": item.title, "file": row.name, "sha256": row.sha256})
    return row


def require_due_materials(session: Session, project: Project) -> None:
    """附件5: refuse (422, citing it) a submission missing an item due with the application —
    from the day the platform takes the files (``materials_upload_required``; before it the
    materials were handed in on paper)."""
    if not value_at("materials_upload_required", clock.today()):
        return
    uploaded = {m.code for m in repository.current_materials(session, project.id)}
    decision = missing_at_application(materials_checklist(facts_of(project), clock.today()), uploaded)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
