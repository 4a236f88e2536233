"""The kinds of reminder: each with its label, its article, and whether it is mandatory
(sent on every channel the person has, whatever they chose)."""

from __future__ import annotations

from app.core.enums import Labelled


class ReminderKind(Labelled):
    review_due = "review_due", "审查期限临近"
    review_overdue = "review_overdue", "审查已超期"
    listing_due = "listing_due", "房源录入期限临近"
    exit_decision_due = "exit_decision_due", "退出申请答复期限临近"
    appraisal_lapsing = "appraisal_lapsing", "市场租金评估即将到期"
    lease_ending = "lease_ending", "租赁合同即将期满"
    transition_ending = "transition_ending", "过渡期即将届满"
    violation_rectification_due = "violation_rectification_due", "违规整改期限临近"
    inspection_rectification_due = "inspection_rectification_due", "检查整改期限临近"
    repair_accept_due = "repair_accept_due", "报修受理期限临近"
    repair_complete_due = "repair_complete_due", "报修完成期限临近"
    fire_check_due = "fire_check_due", "消防安全检查到期"


ARTICLE = {
    ReminderKind.review_due: "第二十四条",
    ReminderKind.review_overdue: "第二十四条",
    ReminderKind.listing_due: "第三十条",
    ReminderKind.exit_decision_due: "第四十四条",
    ReminderKind.appraisal_lapsing: "第三十七条",
    ReminderKind.lease_ending: "第三十五条",
    ReminderKind.transition_ending: "第三十八条",
    ReminderKind.violation_rectification_due: "第四十条",
    ReminderKind.inspection_rectification_due: "第四十条",
    ReminderKind.repair_accept_due: "第三十九条",
    ReminderKind.repair_complete_due: "第三十九条",
    ReminderKind.fire_check_due: "第四十条",
}

# Not to be switched off: a missed one costs someone their home or the city its deadline.
MANDATORY = frozenset({ReminderKind.review_overdue, ReminderKind.lease_ending,
                       ReminderKind.transition_ending, ReminderKind.violation_rectification_due,
                       ReminderKind.inspection_rectification_due})
