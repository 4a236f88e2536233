"""Who may move a project through its approval (第二十四条): the one transition table.

    draft ──submit──▶ submitted ──accept (受理, clock starts)──▶ accepted ──dispatch──▶ in_review
      ▲                  │ return (退回补正)                        │ request_materials ▲ supplement
      └── edit ◀── returned                                         ▼                   │
                                                              awaiting_materials ───────┘
    in_review ──meeting pass──▶ meeting_passed ──leader approve──▶ certified (认定书)
        │ meeting fail                        └──leader refuse──▶ refused (不符合通知书)
        └──────────────────────────────────────────────────────▶ refused
    any state before the decision ──withdraw──▶ withdrawn;  certified ──revoke──▶ revoked

:data:`APPROVAL` is used three ways: the services refuse through :func:`enforce` (403 for a
role that may never take the step, 409 for a state or fact that does not allow it now), the
API returns :func:`allowed_actions` with each project, and the project page renders exactly
the forms it lists.

The steps after certification are app.operation's table (``app.operation.workflows``). This
domain may not import it (domains import downward only), so a later domain's table adds its
actions to :func:`allowed_actions` by registering itself (:func:`register_project_workflow`)
when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import (
    EDITABLE,
    IN_OPERATION,
    WITHDRAWABLE,
    CertificateStatus,
    MaterialStage,
    ProjectStatus,
)
from app.approval.models import Project
from app.core.workflow import HasRole, Step, Workflow

S = ProjectStatus
DEVELOPER = frozenset({Role.developer.value})
OFFICE = frozenset({Role.office.value})
DEPARTMENT = frozenset({Role.department.value})
LEADER = frozenset({Role.leader.value})


# ---- facts beyond the state (the project comes with its requests, dispatches, certificate) --

def has_open_request(_: Any, project: Project) -> bool:
    """The office asked for materials during review and the applicant has not answered."""
    return any(r.stage == MaterialStage.review and r.supplemented_on is None
               for r in project.material_requests)


def consulted_and_unanswered(user: Any, project: Project) -> bool:
    """The plan was sent to the user's department and the department has not answered."""
    return any(d.department_id == user.department_id and d.opinion is None
               for d in project.dispatches)


def every_department_answered(_: Any, project: Project) -> bool:
    """The plan was sent to at least one department, and every one of them has answered."""
    return bool(project.dispatches) and all(d.opinion is not None for d in project.dispatches)


def certificate_valid(_: Any, project: Project) -> bool:
    return project.certificate is not None and project.certificate.status == CertificateStatus.valid


APPROVAL = Workflow("approval", (
    Step("edit", "修改申请", DEVELOPER, EDITABLE),
    Step("submit", "提交申请", DEVELOPER, EDITABLE, S.submitted),
    Step("withdraw", "撤回申请", DEVELOPER, WITHDRAWABLE, S.withdrawn),
    # back to the state the materials were asked in (accepted or in_review)
    Step("supplement", "补充材料", DEVELOPER, frozenset({S.awaiting_materials}), None,
         when=has_open_request, why_not="当前没有待补充的材料要求，无需补充"),
    Step("accept", "受理", OFFICE, frozenset({S.submitted}), S.accepted),
    Step("return", "退回补正", OFFICE, frozenset({S.submitted}), S.returned),
    Step("dispatch", "发送联合审查", OFFICE, frozenset({S.accepted, S.in_review}), S.in_review),
    Step("request_materials", "要求补充材料", OFFICE, frozenset({S.accepted, S.in_review}),
         S.awaiting_materials),
    Step("opinion", "提交审查意见", DEPARTMENT, frozenset({S.in_review, S.awaiting_materials}), None,
         when=consulted_and_unanswered, why_not="本部门已提交审查意见，不能重复提交"),
    # pass → meeting_passed; fail → refused, with the non-conformity notice
    Step("meeting", "记录评审会结论", OFFICE, frozenset({S.in_review}), S.meeting_passed,
         when=every_department_answered, why_not="尚有部门未提交审查意见"),
    # approve → certified, with the certificate; refuse → refused, with the notice
    Step("leader", "审批", LEADER, frozenset({S.meeting_passed}), S.certified),
    Step("construction_start", "记录开工日期", DEVELOPER, IN_OPERATION),  # 第二十四条; 第六条's progress
    Step("revoke", "撤销认定书", OFFICE, IN_OPERATION, S.revoked,
         when=certificate_valid, why_not="该认定书已撤销"),
), state_labels=ProjectStatus.labels(), noun="项目")


def enforce(workflow: Workflow, action: str, user: HasRole, obj: Any, *, doing: str | None = None,
            refusal: Callable[[], Exception] | None = None) -> Step:
    """:meth:`Workflow.check`, with the service's own words where the step's ``when`` refuses:
    ``refusal()`` is raised instead of the table's ``why_not`` (a message naming which
    departments have not answered, or the rule of the regulation that the fact breaks)."""
    step = workflow.step(action)
    if (refusal is not None and step.may(user.role) and step.open_from(workflow.state_of(obj))
            and step.when is not None and not step.when(user, obj)):
        raise refusal()
    return workflow.check(action, user, obj, doing=doing)


# ---- allowed_actions: this table's steps and those of the domains that register --------------

ProjectActions = Callable[[Session, User, Project], list[str]]
_FURTHER: list[ProjectActions] = []


def register_project_workflow(actions: ProjectActions) -> None:
    """Add the actions of another workflow on a project (app.operation's, after certification)
    to :func:`allowed_actions`; that domain calls this when it is imported."""
    if actions not in _FURTHER:
        _FURTHER.append(actions)


def allowed_actions(session: Session, user: User, project: Project) -> list[str]:
    """The actions ``user`` may take on ``project`` now: those of :data:`APPROVAL` in its order,
    then those of every registered workflow (the project loaded with its requests, dispatches
    and certificate, as ``repository.get_project`` loads it)."""
    return APPROVAL.allowed(user, project) + [
        action for more in _FURTHER for action in more(session, user, project)]
