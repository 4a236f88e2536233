"""The states and kinds of the contracts domain, each with its label for people."""

from __future__ import annotations

from app.core.enums import Labelled


class ContractStatus(Labelled):
    """draft → awaiting_tenant → awaiting_operator → effective → terminated | renewed.

    A draft may be revised; a contract waiting for the tenant may be taken back to draft (its
    document, and so its hash, changes; a confirmation carrying the old hash is refused)."""

    draft = "draft", "草拟"
    awaiting_tenant = "awaiting_tenant", "待承租人签署"
    awaiting_operator = "awaiting_operator", "待运营单位签署"
    effective = "effective", "已生效"
    terminated = "terminated", "已终止"
    renewed = "renewed", "已续签"


# The document may no longer change once the tenant signed it.
SIGNED = (ContractStatus.awaiting_operator, ContractStatus.effective, ContractStatus.terminated,
          ContractStatus.renewed)


class ContractKind(Labelled):
    contract = "contract", "租赁合同"
    supplement = "supplement", "补充协议"


class ProofPurpose(Labelled):
    """What a 租赁备案证明 is for (第二十三条)."""

    residence_permit = "residence_permit", "办理居住证"
    household = "household", "户口迁入（落户）"
    schooling = "schooling", "子女义务教育入学"
    housing_fund = "housing_fund", "提取住房公积金"


class ProofState(Labelled):
    """What the public check of a proof answers."""

    valid = "valid", "有效"
    expired = "expired", "已过有效期"
    lease_ended = "lease_ended", "租赁关系已终止"
