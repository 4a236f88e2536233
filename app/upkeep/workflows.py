"""Who may take which step on a repair, a charge, an inspection and a project's upkeep: the
transition tables.

    submitted ──accept (operator)──▶ accepted ──assign (operator)──▶ in_progress
    in_progress ──complete (operator)──▶ completed ──confirm (tenant)──▶ confirmed
    completed ──reopen (tenant, within the confirmation period)──▶ in_progress
    completed ──close (operator, once the confirmation period is over)──▶ confirmed
    submitted | accepted | in_progress ──withdraw (tenant)──▶ withdrawn
    comment (tenant, operator) · add_photos (tenant) · charge (operator, 第三十九条)

    charge: proposed ──accept | dispute (tenant)──▶ accepted | disputed
            proposed | disputed ──withdraw (operator)──▶ withdrawn
    inspection: open ──rectify (operator)──▶ rectified
    a project's upkeep (certified): safety_check · file_plan (operator);
                                    inspect · supervise_quality (市住建局)

Used three ways (``app.core.workflow``): the services refuse through ``check`` (403 for a role
that may never take the step, 409 for a state or fact that does not allow it now), the API
returns ``allowed`` as ``allowed_actions``, the pages render exactly the forms it lists. Whether
the law allows what is asked (a charge to the tenant, 第三十九条; a review date, 第四十条) is
``rules/``'s answer, refused with 422 and its article.

Scope is not the tables' business: a repair is seen by the person who reported it, the project's
operator, 住建, the office and auditors (``RepairRequest.visible_to``); the tenant steps are the
reporter's own because nobody else of that role sees the repair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.accounts.enums import Role
from app.approval.enums import IN_OPERATION, ProjectStatus
from app.approval.models import Project
from app.core import clock
from app.core.workflow import Step, Workflow
from app.upkeep.enums import ChargeStatus, InspectionStatus, RepairStatus
from app.upkeep.media import MAX_PHOTOS
from app.upkeep.models import RepairRequest, is_housing_bureau

R = RepairStatus
TENANT = frozenset({Role.tenant})
OPERATOR = frozenset({Role.developer})
TENANT_OR_OPERATOR = frozenset({Role.tenant, Role.developer})
HOUSING_BUREAU = frozenset({Role.department})


@dataclass(frozen=True)
class RepairNow:
    """A repair with the facts beyond its state that its steps depend on."""

    repair: RepairRequest
    photos: int = 0
    open_charge: bool = False  # a charge proposed or disputed
    at: datetime | None = None  # "now" (the clock's, unless given)

    @property
    def status(self) -> str:
        return self.repair.status

    @property
    def now(self) -> datetime:
        return self.at or clock.now()


def confirmation_open(_: Any, now: RepairNow) -> bool:
    confirm_by = now.repair.confirm_by
    return confirm_by is not None and now.now <= confirm_by


def confirmation_over(_: Any, now: RepairNow) -> bool:
    confirm_by = now.repair.confirm_by
    return confirm_by is not None and now.now > confirm_by


def room_for_photos(_: Any, now: RepairNow) -> bool:
    return now.photos < MAX_PHOTOS


def no_open_charge(_: Any, now: RepairNow) -> bool:
    return not now.open_charge


REPAIR = Workflow("repair", (
    Step("accept", "受理", OPERATOR, frozenset({R.submitted}), R.accepted),
    Step("assign", "指派维修人员", OPERATOR, frozenset({R.accepted, R.in_progress}), R.in_progress),
    Step("complete", "维修完成", OPERATOR, frozenset({R.in_progress}), R.completed),
    Step("confirm", "确认修好", TENANT, frozenset({R.completed}), R.confirmed,
         when=confirmation_open, why_not="确认期限已过，运营单位可按已确认关闭"),
    Step("reopen", "未修好，要求重新处理", TENANT, frozenset({R.completed}), R.in_progress,
         when=confirmation_open, why_not="确认期限已过，不能再要求重新处理；请重新报修"),
    Step("close", "逾期未确认，按已确认关闭", OPERATOR, frozenset({R.completed}), R.confirmed,
         when=confirmation_over, why_not="承租人确认期限未过，尚不能关闭"),
    Step("withdraw", "撤回报修", TENANT, frozenset({R.submitted, R.accepted, R.in_progress}),
         R.withdrawn),
    Step("comment", "留言", TENANT_OR_OPERATOR,
         frozenset({R.submitted, R.accepted, R.in_progress, R.completed}), None),
    Step("add_photos", "补充照片", TENANT, frozenset({R.submitted, R.accepted, R.in_progress}), None,
         when=room_for_photos, why_not=f"每条报修最多 {MAX_PHOTOS} 张照片"),
    Step("charge", "主张承租人损坏赔偿", OPERATOR,
         frozenset({R.accepted, R.in_progress, R.completed, R.confirmed}), None,
         when=no_open_charge, why_not="已有待承租人答复或有异议的赔偿主张，须先撤销"),
), state_of=lambda now: now.status, state_labels=RepairStatus.labels(), noun="报修")


CHARGE = Workflow("repair_charge", (
    Step("accept", "认可赔偿", TENANT, frozenset({ChargeStatus.proposed}), ChargeStatus.accepted),
    Step("dispute", "提出异议", TENANT, frozenset({ChargeStatus.proposed}), ChargeStatus.disputed),
    Step("withdraw", "撤销赔偿主张", OPERATOR, frozenset({ChargeStatus.proposed, ChargeStatus.disputed}),
         ChargeStatus.withdrawn),
), state_labels=ChargeStatus.labels(), noun="赔偿主张")


INSPECTION = Workflow("safety_inspection", (
    Step("rectify", "记录整改完成", OPERATOR, frozenset({InspectionStatus.open}),
         InspectionStatus.rectified),
), state_labels=InspectionStatus.labels(), noun="检查")


def housing_bureau(user: Any, _: Any) -> bool:
    return is_housing_bureau(user)


def completion_recorded(user: Any, project: Project) -> bool:
    return is_housing_bureau(user) and project.completed_on is not None


IN_USE = frozenset(IN_OPERATION)

UPKEEP = Workflow("upkeep", (
    Step("safety_check", "登记消防安全检查", OPERATOR, IN_USE, None),
    Step("file_plan", "备案应急预案", OPERATOR, IN_USE, None),
    Step("inspect", "记录住建检查", HOUSING_BUREAU, IN_USE, None,
         when=housing_bureau, why_not="只有市住建局可以记录检查（第四十条）", article="第四十条"),
    Step("supervise_quality", "记录竣工验收质量安全监督", HOUSING_BUREAU, IN_USE, None,
         when=completion_recorded, article="第二十八条",
         why_not="只有市住建局可以记录，且须先登记竣工验收合格日期（第二十六条、第二十八条）"),
), state_labels=ProjectStatus.labels(), noun="项目")
