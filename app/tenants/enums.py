"""The states and kinds of the tenants domain, each with its label for people.

The stored values are the members' values (``ApplicationStatus.submitted == "submitted"``);
who may move an application or a lottery from one state to another is not here but in the
transition tables, :mod:`app.tenants.workflows`.
"""

from __future__ import annotations

from app.core.enums import Labelled


class ApplicationStatus(Labelled):
    """An application to rent (第三十三条): submitted → approved | refused; approved → leased;
    submitted | approved → withdrawn. ``closed`` is kept for records closed outside the flow."""

    submitted = "submitted", "已提交，待审核"
    approved = "approved", "审核通过，待配租"
    refused = "refused", "审核未通过"
    leased = "leased", "已签约"
    withdrawn = "withdrawn", "已撤回"
    closed = "closed", "已关闭"


# Open applications: one per person (the partial unique index ``uq_tenant_application_open``).
OPEN_APPLICATION = (ApplicationStatus.submitted, ApplicationStatus.approved)


class Channel(Labelled):
    """How an application came in (第三十三条: online, or at the window for the applicant)."""

    online = "online", "网上申请"
    window = "window", "窗口代办"


class LotteryStatus(Labelled):
    """A public draw (第三十一条): the seed's hash is published, then the seed and the order."""

    committed = "committed", "待开奖"
    drawn = "drawn", "已开奖"


class PriorityGroupKind(Labelled):
    """Whose staff a project leases to first (第三十一条)."""

    park = "park", "产业园区"
    enterprise = "enterprise", "企业"


class RegistryKind(Labelled):
    """The registries a CSV file is imported from (第三十二条; 附件1)."""

    properties = "properties", "不动产登记"
    public_rental = "public_rental", "住房保障（公租房）"


class NoticeKind(Labelled):
    """What a notice to a tenant is about (the tenants and leases domains write them)."""

    application_decided = "application_decided", "申请审核结果"
    lease_signed = "lease_signed", "电子租赁合同签订"
    lease_renewed = "lease_renewed", "续租"
    transition_started = "transition_started", "过渡期（第三十八条）"
    transition_extension = "transition_extension", "过渡期延长"
    violation = "violation", "违规整改（第四十条）"
    lease_terminated = "lease_terminated", "合同解除"
    placement_invited = "placement_invited", "入住邀请（整体配租）"
