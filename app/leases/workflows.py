"""Who may take which step on a lease and on a violation: the transition tables.

    active ──renew (operator, 第三十五条)──▶ renewed         (a new lease follows at term end)
    active ──home_acquired (tenant, office, 第三十八条)──▶ in_transition
    in_transition: request_extension (tenant) · decide_extension (operator)
    active | in_transition: add_occupant · record_violation · terminate ──▶ terminated (第四十条)
    any state: move_out (the employer records staff leaving)

    violation: open ──rectified──▶ rectified;  open ──terminate──▶ terminated

    occupant (整体配租, 第三十一条): the employer invites a 身份证 number (add_occupant);
    invited ──accept (the person, after the eligibility check)──▶ placed ──move_out──▶ moved_out
    invited ──decline (the person)──▶ declined;  invited ──withdraw (the employer)──▶ withdrawn

:data:`LEASE` is used three ways: the services refuse through
:meth:`~app.core.workflow.Workflow.check` (403 for a role that may never take the step, 409
for a state or fact that does not allow it now), the API returns
:meth:`~app.core.workflow.Workflow.allowed` as ``allowed_actions`` on each lease, and the
lease page renders the forms it lists. The rules of the regulation stay in ``rules/`` and are
refused with their article: renewal only in its window (第三十五条, 422), termination only
once the rectification deadline passed without rectification (第四十条, 409), the extension's
date (第三十八条, 422). The table says who, and from which state.

The steps on a lease depend on a few facts beyond its state — whether a violation is open,
whether staff are placed — so the table is asked about a :class:`LeaseNow`: the lease and
those facts (``app.leases.repository.lease_now`` reads them, for a page of leases at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accounts.enums import Role
from app.core.workflow import Step, Workflow
from app.leases.enums import (
    ACTIVE,
    ExtensionStatus,
    LeaseKind,
    LeaseStatus,
    OccupantStatus,
    ViolationStatus,
)
from app.leases.models import Lease, LeaseOccupant

L = LeaseStatus
RUNNING = frozenset(ACTIVE)
TENANT = frozenset({Role.tenant})
OPERATOR = frozenset({Role.developer})
EMPLOYER = frozenset({Role.employer})
OPERATOR_OR_OFFICE = frozenset({Role.developer, Role.office})


@dataclass(frozen=True)
class LeaseNow:
    """A lease with the facts beyond its state that its steps depend on."""

    lease: Lease
    open_violations: int = 0  # violations recorded on it and neither rectified nor acted on
    placed: int = 0  # staff placed under an employer's lease and not moved out

    @property
    def status(self) -> str:
        return self.lease.status


# ---- facts beyond the state ------------------------------------------------------------------

def individual_and_own(user: Any, now: LeaseNow) -> bool:
    """A person's lease; a tenant reports only on their own (an occupant only reads)."""
    lease = now.lease
    return lease.tenant_id is not None and (user.role != Role.tenant or lease.tenant_id == user.id)


def may_ask_extension(user: Any, now: LeaseNow) -> bool:
    """The tenant's own transition, with no request waiting for the operator."""
    lease = now.lease
    return (lease.tenant_id == user.id and lease.transition_ends_on is not None
            and lease.extension_status != ExtensionStatus.requested)


def extension_waiting(_: Any, now: LeaseNow) -> bool:
    lease = now.lease
    return lease.extension_status == ExtensionStatus.requested and lease.extension_requested_to is not None


def employer_lease(_: Any, now: LeaseNow) -> bool:
    return now.lease.kind == LeaseKind.employer


def staff_placed(_: Any, now: LeaseNow) -> bool:
    return now.lease.kind == LeaseKind.employer and now.placed > 0


def term_ends_first(_: Any, now: LeaseNow) -> bool:
    """A lease in its 过渡期 continues only if its term ends before the transition does."""
    lease = now.lease
    return lease.status != L.in_transition or (
        lease.transition_ends_on is not None and lease.end_on < lease.transition_ends_on)


def violation_open(_: Any, now: LeaseNow) -> bool:
    return now.open_violations > 0


LEASE = Workflow("lease", (
    Step("renew", "续租", OPERATOR, frozenset({L.active, L.in_transition}), L.renewed,
         when=term_ends_first, article="第三十八条",
         why_not="合同在过渡期满前不会到期，随过渡期终止，不能续租（第三十八条：过渡期满合同终止）"),
    Step("home_acquired", "登记取得住房（过渡期）", frozenset({Role.tenant, Role.office}),
         frozenset({L.active}), L.in_transition,
         when=individual_and_own, why_not="整体配租合同由用人单位安排职工入住，不登记过渡期"),
    Step("request_extension", "申请延长过渡期", TENANT, frozenset({L.in_transition}), None,
         when=may_ask_extension, why_not="已有待运营单位审核的过渡期延长申请"),
    Step("decide_extension", "审核过渡期延长申请", OPERATOR, frozenset({L.in_transition}), None,
         when=extension_waiting, why_not="没有待审核的过渡期延长申请"),
    Step("add_occupant", "邀请职工入住", EMPLOYER, RUNNING, None,
         when=employer_lease, why_not="只有整体配租合同可以安排职工入住"),
    Step("move_out", "登记职工搬离", EMPLOYER, None, None,
         when=staff_placed, why_not="没有在住的职工"),
    Step("record_violation", "记录违规行为", OPERATOR_OR_OFFICE, RUNNING, None),
    Step("terminate", "解除合同", OPERATOR_OR_OFFICE, RUNNING, L.terminated,
         when=violation_open,
         article="第四十条",
         why_not="该合同没有整改中的违规记录，不能解除（第四十条：逾期拒不整改的方可解除合同）"),
), state_of=lambda now: now.status, state_labels=LeaseStatus.labels(), noun="合同")


VIOLATION = Workflow("violation", (
    Step("rectified", "记录整改完成", OPERATOR_OR_OFFICE, frozenset({ViolationStatus.open}),
         ViolationStatus.rectified),
    # taken with the lease's ``terminate``, on the violation it names
    Step("terminate", "据此解除合同", OPERATOR_OR_OFFICE, frozenset({ViolationStatus.open}),
         ViolationStatus.terminated),
), state_labels=ViolationStatus.labels(), noun="违规记录")


# ---- an employer's staff: invitations and placements (整体配租, 第三十一条) -----------------------

OS = OccupantStatus


@dataclass(frozen=True)
class OccupantNow:
    """An invitation or placement with the lease it is under."""

    occupant: LeaseOccupant
    lease: Lease

    @property
    def status(self) -> str:
        return self.occupant.status


def lease_running(_: Any, now: OccupantNow) -> bool:
    return now.lease.status in RUNNING


OCCUPANT = Workflow("occupant", (
    # the person the invitation is addressed to (found by their 身份证 number's digest)
    Step("accept", "接受入住邀请", TENANT, frozenset({OS.invited}), OS.placed,
         when=lease_running, why_not="该整体配租合同已不在履行中，不能入住"),
    Step("decline", "谢绝入住邀请", TENANT, frozenset({OS.invited}), OS.declined),
    # the employer who leased the unit
    Step("withdraw", "撤回入住邀请", EMPLOYER, frozenset({OS.invited}), OS.withdrawn),
    Step("move_out", "登记职工搬离", EMPLOYER, frozenset({OS.placed}), OS.moved_out),
), state_of=lambda now: now.status, state_labels=OccupantStatus.labels(), noun="入住记录")
