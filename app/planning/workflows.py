"""Who may take which step on a plan version: the transition table.

    (住建) create ──▶ draft ──edit_lines (住建)──▶ draft
    draft ──publish (住建)──▶ published   (the version it adjusts becomes 已调整)
    published ──adjust (住建)──▶ a new draft version n+1 (the published one stays until then)

Only 市住建局 (a department reviewer bound to 住建) compiles the plans (第六条); the office,
the leading group and auditors read them; anyone reads the published ones.
"""

from __future__ import annotations

from typing import Any

from app.accounts.enums import Role
from app.approval.enums import HOUSING_BUREAU
from app.core.workflow import Step, Workflow
from app.planning.enums import PlanStatus

DEPARTMENT = frozenset({Role.department.value})
P = PlanStatus


def housing_bureau(user: Any, _: Any = None) -> bool:
    return (user.role == Role.department and user.department is not None
            and user.department.code == HOUSING_BUREAU)


PLAN = Workflow("plan", (
    Step("edit_lines", "修改计划内容", DEPARTMENT, frozenset({P.draft}), when=housing_bureau,
         why_not="只有市住建局可以编制计划（第六条）", article="第六条"),
    Step("publish", "发布", DEPARTMENT, frozenset({P.draft}), P.published, when=housing_bureau,
         why_not="只有市住建局可以发布计划（第六条）", article="第六条"),
    Step("adjust", "调整（生成新版本）", DEPARTMENT, frozenset({P.published}), when=housing_bureau,
         why_not="只有市住建局可以调整计划（第六条）", article="第六条"),
), state_labels=PlanStatus.labels(), noun="计划")
