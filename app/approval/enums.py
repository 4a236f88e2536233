"""The states and kinds of the approval domain (第二十四条), each with its label for people.

The stored values are the members' values (``ProjectStatus.draft == "draft"``); the labels
are what the pages, the history and the documents show. Who may move a project from one
state to another is not here but in the transition table, :mod:`app.approval.workflows`.
"""

from __future__ import annotations

from app.core.enums import Labelled


class ProjectStatus(Labelled):
    draft = "draft", "草稿"
    submitted = "submitted", "已提交，待受理"
    returned = "returned", "退回补正"
    accepted = "accepted", "已受理"
    in_review = "in_review", "联合审查中"
    awaiting_materials = "awaiting_materials", "待补充材料（计时暂停）"
    meeting_passed = "meeting_passed", "评审会通过，待市领导小组审批"
    certified = "certified", "已认定"
    refused = "refused", "不予认定"
    withdrawn = "withdrawn", "已撤回"
    revoked = "revoked", "认定已撤销"
    exited = "exited", "已经批准退出保障性租赁住房序列"
    exited_unapproved = "exited_unapproved", "未经批准退出（已取消优惠政策）"


S = ProjectStatus
# The application may be edited (and submitted) only before the office has it, or when it was
# returned for materials.
EDITABLE = frozenset({S.draft, S.returned})
# Between acceptance and decision: the review clock runs (or is suspended).
UNDER_REVIEW = frozenset({S.accepted, S.in_review, S.awaiting_materials, S.meeting_passed})
WITHDRAWABLE = EDITABLE | {S.submitted} | UNDER_REVIEW
# What the office's review queue shows.
IN_QUEUE = frozenset({S.submitted}) | UNDER_REVIEW
DECIDED = frozenset({S.certified, S.refused, S.revoked, S.exited, S.exited_unapproved})
# Certified and not (yet) out of the programme: units, rents, subsidies and exit apply.
IN_OPERATION = frozenset({S.certified})
# Ever certified: the housing bureau and the development commission follow these.
EVER_CERTIFIED = frozenset({S.certified, S.revoked, S.exited, S.exited_unapproved})

# The departments of 附件1 that follow every certified project, not only those sent to them
# for review, by their stored codes (``department.code``):
HOUSING_BUREAU = "zhujian"  # 市住建局: verifies listings, records market-rent appraisals
DEVELOPMENT_COMMISSION = "fagai"  # 市发改委: files rent standards
FOLLOWING_DEPARTMENTS = frozenset({HOUSING_BUREAU, DEVELOPMENT_COMMISSION})


class CertificateStatus(Labelled):
    """A certificate (认定书) as anyone verifying its number sees it."""

    valid = "valid", "有效"
    revoked = "revoked", "已撤销"
    exited = "exited", "已退出保障性租赁住房序列"


class NoticeStage(Labelled):
    """Where a non-conformity notice (不符合保障性租赁住房项目通知书) was decided."""

    meeting = "meeting", "项目评审会"
    leader = "leader", "市领导小组审批"


class MaterialStage(Labelled):
    """When materials were asked for: before acceptance (退回补正, no clock yet) or during
    review (the clock is suspended until the applicant supplements)."""

    submission = "submission", "退回补正"
    review = "review", "要求补充材料（计时暂停）"


class Opinion(Labelled):
    """A department's opinion on the plan sent to it."""

    approve = "approve", "同意"
    reject = "reject", "不同意"


class MeetingDecision(Labelled):
    passed = "pass", "通过"
    failed = "fail", "未通过"


class BenefitEnd(Labelled):
    """Why a benefit of 第十四–十六条 ended."""

    exit = "exit", "经批准退出"
    cancelled = "cancelled", "未经批准退出，优惠政策取消"


class EventAction(Labelled):
    """The steps of a project's history (``project_event.action``, and ``project.<action>`` on
    the audit trail). The history is the approval domain's, but the steps after certification
    (app.operation) write into it as well, so their labels are here too."""

    created = "created", "创建申请"
    updated = "updated", "修改申请"
    submitted = "submitted", "提交申请"
    accepted = "accepted", "受理"
    returned = "returned", "退回补正"
    dispatched = "dispatched", "发送相关部门联合审查"
    materials_requested = "materials_requested", "要求补充材料"
    supplemented = "supplemented", "补充材料"
    opinion = "opinion", "部门审查意见"
    meeting_passed = "meeting_passed", "评审会通过"
    meeting_failed = "meeting_failed", "评审会未通过"
    approved = "approved", "市领导小组审批通过，出具认定书"
    refused = "refused", "市领导小组不予认定，发放通知书"
    withdrawn = "withdrawn", "撤回申请"
    revoked = "revoked", "撤销认定书"
    material_uploaded = "material_uploaded", "上传申报材料（附件5）"
    # after certification (app.operation)
    construction_started = "construction_started", "记录开工日期"
    completion_recorded = "completion_recorded", "记录竣工验收"
    units_registered = "units_registered", "录入房源"
    listing_submitted = "listing_submitted", "提交房源审核"
    listing_verified = "listing_verified", "市住建局审核确认房源并发布"
    appraisal_recorded = "appraisal_recorded", "记录市场租金评估"
    rent_proposed = "rent_proposed", "拟订租金标准"
    rent_filed = "rent_filed", "市发改委租金备案"
    subsidy_granted = "subsidy_granted", "核定建设补助资金"
    subsidy_paid = "subsidy_paid", "拨付建设补助资金"
    operation_started = "operation_started", "投入运营"
    operator_transferred = "operator_transferred", "运营权转让"
    exit_requested = "exit_requested", "申请退出"
    exit_approved = "exit_approved", "同意退出保障性租赁住房序列"
    exit_refused = "exit_refused", "不同意退出"
    exited_unapproved = "exited_unapproved", "未经批准退出，取消优惠政策并退回补助"
