"""Who may take which step on a contract (or a supplementary agreement): the transition table.

    draft ──send (operator)──▶ awaiting_tenant ──sign (the tenant / the employer)──▶
    awaiting_operator ──countersign (operator)──▶ effective ──close_renewed──▶ renewed
                                                          └──close_ended──▶ terminated
    draft | awaiting_tenant ──revise (operator)──▶ draft   (the document and its hash change)
    effective: supplement (operator) · proof (the tenant / the employer)

Signing is bound to the document: the confirmation carries the SHA-256 the signer read, and
one that is not the document's hash now is refused 409 (``app.contracts.service``). The
lease's own steps stay in :data:`app.leases.workflows.LEASE`; this table asks about the lease
through :class:`ContractNow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accounts.enums import Role
from app.contracts.enums import ContractKind, ContractStatus
from app.contracts.models import LeaseContract
from app.core import clock
from app.core.workflow import Step, Workflow
from app.leases.enums import HOLDING, LeaseKind, LeaseStatus
from app.leases.models import Lease

C = ContractStatus
OPERATOR = frozenset({Role.developer})
PARTY = frozenset({Role.tenant, Role.employer})
OPERATOR_OR_OFFICE = frozenset({Role.developer, Role.office})


@dataclass(frozen=True)
class ContractNow:
    """A contract with its lease (the facts its steps depend on)."""

    contract: LeaseContract
    lease: Lease

    @property
    def status(self) -> str:
        return self.contract.status


def is_party(user: Any, now: ContractNow) -> bool:
    """The lease's tenant (个人配租) or a member of the employer that leased it (整体配租)."""
    lease = now.lease
    if lease.kind == LeaseKind.employer:
        return user.role == Role.employer and user.organization_id == lease.employer_organization_id
    return user.role == Role.tenant and lease.tenant_id == user.id


def lease_holding(user: Any, now: ContractNow) -> bool:
    lease = now.lease
    return lease.status in HOLDING or lease.status == LeaseStatus.pending


def main_contract_running(user: Any, now: ContractNow) -> bool:
    return (now.contract.kind == ContractKind.contract and now.lease.status in HOLDING
            and now.lease.ends_on >= clock.today())


def proof_allowed(user: Any, now: ContractNow) -> bool:
    return is_party(user, now) and main_contract_running(user, now)


def lease_renewed(_: Any, now: ContractNow) -> bool:
    return now.contract.kind == ContractKind.contract and now.lease.status == LeaseStatus.renewed


def lease_over(_: Any, now: ContractNow) -> bool:
    lease = now.lease
    return now.contract.kind == ContractKind.contract and (
        lease.status in (LeaseStatus.ended, LeaseStatus.terminated) or lease.ends_on < clock.today())


CONTRACT = Workflow("contract", (
    Step("revise", "修改合同草稿", OPERATOR, frozenset({C.draft, C.awaiting_tenant}), C.draft,
         when=lease_holding, why_not="租赁合同已不在履行中"),
    Step("send", "发送承租人签署", OPERATOR, frozenset({C.draft}), C.awaiting_tenant,
         when=lease_holding, why_not="租赁合同已不在履行中"),
    Step("sign", "承租人签署", PARTY, frozenset({C.awaiting_tenant}), C.awaiting_operator,
         when=is_party, why_not="只有该合同的承租人（整体配租为用人单位）可以签署"),
    Step("countersign", "运营单位签署", OPERATOR, frozenset({C.awaiting_operator}), C.effective),
    Step("supplement", "签订补充协议", OPERATOR, frozenset({C.effective}), None,
         when=main_contract_running, why_not="只有履行中的租赁合同可以签订补充协议"),
    Step("proof", "开具租赁备案证明", PARTY, frozenset({C.effective}), None,
         when=proof_allowed, article="第二十三条",
         why_not="只有承租人本人在租赁合同履行期间可以开具租赁备案证明"),
    Step("close_renewed", "登记合同已续签", OPERATOR_OR_OFFICE, frozenset({C.effective}), C.renewed,
         when=lease_renewed, why_not="租赁合同尚未续租"),
    Step("close_ended", "登记合同已终止", OPERATOR_OR_OFFICE, frozenset({C.effective}), C.terminated,
         when=lease_over, why_not="租赁合同尚未终止或期满"),
), state_of=lambda now: now.status, state_labels=ContractStatus.labels(), noun="合同")
