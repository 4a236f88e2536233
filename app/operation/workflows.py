"""Who may do what with a certified project (第七、十二–十六、二十六、三十、三十一、三十六、三十七、
四十三–四十六条): the one transition table of its operation.

Every step is taken on a project still in the programme (``certified``); most leave its state
as it is, the exits move it out (``exited``, ``exited_unapproved``). What else a step needs is
a ``when`` guard over :class:`InOperation` — the project and the counts of its units,
appraisals, standards, exit requests and subsidies, read in one statement
(:func:`facts_of`): the completion date may be recorded until the listing is submitted, the
listing submitted once completion is recorded, verified by 市住建局 while units wait, a rent
proposed once appraised and filed by 市发改委 while one is proposed, operation started once,
an exit asked for after it started and decided while it is pending, a subsidy paid while one
is unpaid.

The services enforce it (:func:`app.approval.workflows.enforce`: 403 for a role that may never
take the step, 409 for a state or fact that does not allow it now), the API adds its actions
to a project's ``allowed_actions`` (registered with the approval table below), and the
project page renders exactly the forms it allows.

Two steps are carried out by later domains' services on the same project: priority groups
(app.tenants) and an operator's violation (app.leases); the table states who may take them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import DEVELOPMENT_COMMISSION, HOUSING_BUREAU, IN_OPERATION, ProjectStatus
from app.approval.models import Project
from app.approval.workflows import register_project_workflow
from app.core.workflow import Step, Workflow
from app.operation import repository

S = ProjectStatus
DEVELOPER = frozenset({Role.developer.value})
OFFICE = frozenset({Role.office.value})
DEPARTMENT = frozenset({Role.department.value})
# The state message of a step on a project that is not (or no longer) in the programme.
IN_PROGRAMME = "办理该事项（须为已认定且未退出的项目）"


@dataclass(frozen=True)
class InOperation:
    """A project and the facts of its operation the steps depend on."""

    project: Project
    units_registered: int = 0  # entered, not yet verified (published) by 市住建局
    appraisals: int = 0
    proposed_standards: int = 0  # proposed, waiting for 市发改委's filing
    pending_exits: int = 0
    unpaid_subsidies: int = 0


def facts_of(session: Session, project: Project) -> InOperation:
    """The facts of ``project`` (counted only while it is in the programme: no step is open
    otherwise, so nothing else needs them)."""
    if project.status not in IN_OPERATION:
        return InOperation(project)
    return InOperation(project, **repository.operation_counts(session, project.id))


def department_of(user: Any) -> str | None:
    """The code of the user's department (a reviewer's), or None."""
    if user.role != Role.department or user.department is None:
        return None
    return str(user.department.code)


# ---- guards -----------------------------------------------------------------------------------

def not_listed(_: Any, f: InOperation) -> bool:
    return f.project.listed_on is None


def completed_not_listed(_: Any, f: InOperation) -> bool:
    return f.project.completed_on is not None and f.project.listed_on is None


def housing_bureau(user: Any, _: InOperation) -> bool:
    return department_of(user) == HOUSING_BUREAU


def listing_to_verify(user: Any, f: InOperation) -> bool:
    return housing_bureau(user, f) and f.project.listed_on is not None and f.units_registered > 0


def appraised(_: Any, f: InOperation) -> bool:
    return f.appraisals > 0


def standard_to_file(user: Any, f: InOperation) -> bool:
    return department_of(user) == DEVELOPMENT_COMMISSION and f.proposed_standards > 0


def not_started(_: Any, f: InOperation) -> bool:
    return f.project.operation_started_on is None


def started_none_pending(_: Any, f: InOperation) -> bool:
    return f.project.operation_started_on is not None and f.pending_exits == 0


def exit_pending(_: Any, f: InOperation) -> bool:
    return f.pending_exits > 0


def subsidy_unpaid(_: Any, f: InOperation) -> bool:
    return f.unpaid_subsidies > 0


CERTIFIED = IN_OPERATION  # certified, and not (yet) out of the programme

OPERATION = Workflow("operation", (
    # units and listing (第七、二十六、三十、四十二条)
    Step("completion", "记录竣工验收", DEVELOPER, CERTIFIED, when=not_listed,
         why_not="房源已提交审核，不能再修改竣工验收日期"),
    Step("units", "录入房源", DEVELOPER, CERTIFIED),
    Step("listing", "提交房源审核", DEVELOPER, CERTIFIED, when=completed_not_listed,
         why_not="须先记录竣工验收合格日期（第二十六条），且房源尚未提交审核", article="第二十六条"),
    Step("verify_listing", "审核确认房源并发布", DEPARTMENT, CERTIFIED, when=listing_to_verify,
         why_not="只有市住建局可以审核已提交的、待审核的房源"),
    # rents (第三十六、三十七条)
    Step("appraisal", "记录市场租金评估", DEPARTMENT, CERTIFIED, when=housing_bureau,
         why_not="只有市住建局可以记录市场租金评估"),
    Step("rent", "拟订租金标准", DEVELOPER, CERTIFIED, when=appraised,
         why_not="市住建局尚未记录市场租金评估"),
    Step("file_rent", "租金备案", DEPARTMENT, CERTIFIED, when=standard_to_file,
         why_not="只有市发改委可以备案待备案的租金标准"),
    # operation, exit (第四十三、四十四条)
    Step("operation", "记录投入运营", DEVELOPER, CERTIFIED, when=not_started,
         why_not="已记录投入运营，不能重复记录"),
    Step("exit", "申请退出", DEVELOPER, CERTIFIED, when=started_none_pending,
         why_not="须已投入运营，且没有待决定的退出申请"),
    Step("exit_decision", "决定退出申请", OFFICE, CERTIFIED, S.exited, when=exit_pending,
         why_not="没有待决定的退出申请"),  # consent → exited; refusal keeps the state
    # subsidies (第十二、十三条)
    Step("subsidy", "核定建设补助资金", OFFICE, CERTIFIED),
    Step("subsidy_pay", "拨付建设补助资金", OFFICE, CERTIFIED, when=subsidy_unpaid,
         why_not="没有未拨付的建设补助资金"),
    # transfer, unapproved exit, violations (第四十一、四十四、四十五、四十六条)
    Step("transfer", "运营权转让", OFFICE, CERTIFIED),
    Step("unapproved_exit", "记录未经批准退出", OFFICE, CERTIFIED, S.exited_unapproved),
    Step("operator_violation", "记录运营单位违规行为", OFFICE),  # any project the office sees
    # priority groups (第三十一条; app.tenants)
    Step("priority_group", "设立优先配租组", DEVELOPER, CERTIFIED),
), state_of=lambda f: f.project.status, state_labels=ProjectStatus.labels(), noun="项目")


def operation_actions(session: Session, user: User, project: Project) -> list[str]:
    return OPERATION.allowed(user, facts_of(session, project))


register_project_workflow(operation_actions)
