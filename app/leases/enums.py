"""The states and kinds of the leases domain, each with its label for people.

The stored values are the members' values (``LeaseStatus.active == "active"``); who may take
which step on a lease or a violation is not here but in the transition tables,
:mod:`app.leases.workflows`. The tenant's violations are the law's own list
(:class:`rules.art40_41_violations.ViolationKind`, 第四十条), re-exported here so that every
kind of the domain is found in one place.
"""

from __future__ import annotations

from app.core.enums import Labelled
from rules.art40_41_violations import ViolationKind as ViolationKind


class LeaseStatus(Labelled):
    """pending (waiting for its contract to be signed by both, app.contracts) → active;
    active → in_transition (a home acquired, 第三十八条) → ended; active → renewed (a new
    lease follows at term end, 第三十五条); active | in_transition → terminated (第四十条)."""

    pending = "pending", "待签约"
    active = "active", "履行中"
    in_transition = "in_transition", "过渡期中"
    renewed = "renewed", "已续租（至期满）"
    ended = "ended", "已终止"
    terminated = "terminated", "已解除"


# Running: the tenant lives there and the steps of the lease apply.
ACTIVE = (LeaseStatus.active, LeaseStatus.in_transition)
# Still occupying the unit until ``ends_on`` (a renewed lease runs to its term's end).
HOLDING = (*ACTIVE, LeaseStatus.renewed)
# Reserving the unit and its tenant: holding, or waiting for its contract to be signed by both
# (a pending lease blocks a second lease of the unit and a second lease for the person).
RESERVING = (LeaseStatus.pending, *HOLDING)


class LeaseKind(Labelled):
    individual = "individual", "个人配租"
    employer = "employer", "整体配租"


class OccupantStatus(Labelled):
    """A member of staff under an employer's whole-unit lease (整体配租, 第三十一条): the employer
    invites a 身份证 number; the person holding it accepts (placed, after the eligibility check at
    that moment) or declines themself, or the employer withdraws the invitation; a placed person
    moves out. Only a placement (``placed``) counts as housing the person."""

    invited = "invited", "待本人确认"
    placed = "placed", "已入住"
    declined = "declined", "本人已谢绝"
    withdrawn = "withdrawn", "用人单位已撤回"
    moved_out = "moved_out", "已搬离"


# An invitation still open, or a placement running: one per person and lease at a time.
OPEN_OCCUPANCY = (OccupantStatus.invited, OccupantStatus.placed)


class ExtensionStatus(Labelled):
    """A request for a longer transition (第三十八条 因特殊情况确需延长), decided by the operator."""

    requested = "requested", "待运营单位审核"
    approved = "approved", "已同意"
    refused = "refused", "未同意"


class HomeAcquiredHow(Labelled):
    """How a tenant acquired a home in the central area (第三十八条: 购买、获赠、继承等)."""

    purchase = "purchase", "购买"
    gift = "gift", "获赠"
    inheritance = "inheritance", "继承"
    other = "other", "其他"


class ViolationParty(Labelled):
    tenant = "tenant", "承租人"
    operator = "operator", "运营单位"


class ViolationStatus(Labelled):
    """open → rectified; open → terminated (the lease was terminated for it, 第四十条)."""

    open = "open", "整改中"
    rectified = "rectified", "已整改"
    terminated = "terminated", "拒不整改，已解除合同"


class OperatorViolationKind(Labelled):
    """第四十六条: what an operator may be found doing."""

    false_materials = "false_materials", "提供虚假资料申请"
    non_affordable_use = "non_affordable_use", "用于非保障性租赁住房用途"
    split_transfer = "split_transfer", "分割转让或分割抵押"
    rent_as_sale = "rent_as_sale", "以租代售"
    illegal_construction = "illegal_construction", "新增违建"
    unauthorized_fees = "unauthorized_fees", "违规收取其他费用或擅自提高租金"


def violation_kind_label(party: str, kind: str) -> str:
    """The label of a violation's kind: the tenant's (第四十条) or the operator's (第四十六条)."""
    if party == ViolationParty.tenant:
        return ViolationKind(kind).label
    return OperatorViolationKind.label_of(kind)
