"""Project states and who may move a project between them (第二十四条)."""

from __future__ import annotations

from enum import StrEnum


class ProjectStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"
    in_review = "in_review"
    awaiting_materials = "awaiting_materials"
    meeting_passed = "meeting_passed"
    certified = "certified"
    refused = "refused"
    withdrawn = "withdrawn"
    revoked = "revoked"
    exited = "exited"
    exited_unapproved = "exited_unapproved"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ProjectStatus.draft: "草稿",
    ProjectStatus.submitted: "已提交，待受理",
    ProjectStatus.returned: "退回补正",
    ProjectStatus.accepted: "已受理",
    ProjectStatus.in_review: "联合审查中",
    ProjectStatus.awaiting_materials: "待补充材料（计时暂停）",
    ProjectStatus.meeting_passed: "评审会通过，待市领导小组审批",
    ProjectStatus.certified: "已认定",
    ProjectStatus.refused: "不予认定",
    ProjectStatus.withdrawn: "已撤回",
    ProjectStatus.revoked: "认定已撤销",
    ProjectStatus.exited: "已经批准退出保障性租赁住房序列",
    ProjectStatus.exited_unapproved: "未经批准退出（已取消优惠政策）",
}

EDITABLE = frozenset({ProjectStatus.draft, ProjectStatus.returned})
# Between acceptance and decision: the review clock runs (or is suspended).
UNDER_REVIEW = frozenset({ProjectStatus.accepted, ProjectStatus.in_review,
                          ProjectStatus.awaiting_materials, ProjectStatus.meeting_passed})
WITHDRAWABLE = EDITABLE | {ProjectStatus.submitted} | UNDER_REVIEW
# What the office's review queue shows.
IN_QUEUE = frozenset({ProjectStatus.submitted}) | UNDER_REVIEW
DECIDED = frozenset({ProjectStatus.certified, ProjectStatus.refused, ProjectStatus.revoked,
                     ProjectStatus.exited, ProjectStatus.exited_unapproved})
# Certified and not (yet) out of the programme: units, rents, subsidies and exit apply.
IN_OPERATION = frozenset({ProjectStatus.certified})
# Ever certified: the housing bureau and the development commission follow these.
EVER_CERTIFIED = frozenset({ProjectStatus.certified, ProjectStatus.revoked, ProjectStatus.exited,
                            ProjectStatus.exited_unapproved})
