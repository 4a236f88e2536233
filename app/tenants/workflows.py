"""Who may take which step on a tenant's application and on a lottery: the transition tables.

    (new) ──apply──▶ submitted ──approve──▶ approved ──sign_lease──▶ leased
                        │ refuse               │
                        ▼                      │
                     refused      submitted | approved ──withdraw──▶ withdrawn

    lottery: committed ──draw──▶ drawn

:data:`TENANT_APPLICATION` is used three ways: the services refuse through
:meth:`~app.core.workflow.Workflow.check` (403 for a role that may never take the step, 409
for a state or fact that does not allow it now), the API returns
:meth:`~app.core.workflow.Workflow.allowed` as ``allowed_actions`` on each application, and
the pages render the forms it lists. Whether the applicant is eligible (第三十二条) or the
lease follows the lottery's order (第三十一条) are rules, refused with their article; the
table says who, and from which state.
"""

from __future__ import annotations

from typing import Any

from app.accounts.enums import Role
from app.core.workflow import Step, Workflow
from app.tenants.enums import OPEN_APPLICATION, ApplicationStatus, LotteryStatus

A = ApplicationStatus
NEW = "new"  # an application not filed yet: the state ``apply`` starts from (never stored)


def _state(application: Any) -> str:
    return NEW if application is None else application.status


def own_application(user: Any, application: Any) -> bool:
    """Only the applicant withdraws their application (the window clerk files, never withdraws)."""
    return application.applicant_id == user.id


TENANT_APPLICATION = Workflow("tenant_application", (
    Step("apply", "提交申请", frozenset({Role.tenant, Role.office}), frozenset({NEW}), A.submitted),
    Step("withdraw", "撤回申请", frozenset({Role.tenant}), frozenset(OPEN_APPLICATION), A.withdrawn,
         when=own_application, why_not="只能撤回本人的申请"),
    Step("approve", "审核通过", frozenset({Role.office}), frozenset({A.submitted}), A.approved),
    Step("refuse", "审核不予通过", frozenset({Role.office}), frozenset({A.submitted}), A.refused),
    # app.leases.service.create: the operator signs the lease of an approved application
    Step("sign_lease", "签订租赁合同", frozenset({Role.developer}), frozenset({A.approved}), A.leased),
), state_of=_state, state_labels={NEW: "尚未提交"} | A.labels(), noun="申请")


LOTTERY = Workflow("lottery", (
    Step("draw", "开奖", frozenset({Role.office}), frozenset({LotteryStatus.committed}),
         LotteryStatus.drawn),
), state_labels=LotteryStatus.labels(), noun="摇号")
