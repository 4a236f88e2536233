"""The message templates, one per reminder kind, in Chinese: each names the object, the
deadline, the article, and (appended by :func:`render`) the page to act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.reminders.enums import ARTICLE, ReminderKind

K = ReminderKind

# (title, body): {object} the object's name, {deadline} the day, {article} the article
TEMPLATES: dict[ReminderKind, tuple[str, str]] = {
    K.review_due: (
        "审查期限临近：{object}",
        "项目“{object}”的认定审查须在 {deadline} 前完成"
        "（{article}：自受理之日起 10 个工作日内完成认定），{extra}请及时出具审查意见。"),
    K.review_overdue: (
        "审查已超期：{object}",
        "项目“{object}”的认定审查期限已于 {deadline} 届满仍未办结（{article}），{extra}请督办。"),
    K.listing_due: (
        "房源录入期限临近：{object}",
        "项目“{object}”竣工后须在 {deadline} 前将房源录入租赁平台"
        "（{article}：竣工验收后 15 日内），请及时录入并提交核验。"),
    K.exit_decision_due: (
        "退出申请答复期限临近：{object}",
        "项目“{object}”的退出申请须在 {deadline} 前答复是否同意退出"
        "（{article}：3 个工作日内）。"),
    K.appraisal_lapsing: (
        "市场租金评估即将到期：{object}",
        "项目“{object}”的市场租金评估有效至 {deadline}"
        "（{article}：市场租金每两年评估一次），请及时委托重新评估并调整租金标准。"),
    K.lease_ending: (
        "租赁合同即将期满：{object}",
        "您的租赁合同 {object} 将于 {deadline} 期满（{article}）。"
        "如需续租，请在期满前申请续租；不再续租的，请按期办理退租。"),
    K.transition_ending: (
        "过渡期即将届满：{object}",
        "您的租赁合同 {object} 的过渡期将于 {deadline} 届满（{article}），"
        "届满后须腾退房屋，或按市场租金继续承租。"),
    K.violation_rectification_due: (
        "整改期限临近：{object}",
        "{object} 须在 {deadline} 前整改完毕（{article}），逾期未整改将依规处理。"),
    K.inspection_rectification_due: (
        "检查整改期限临近：{object}",
        "市住建局检查发现的问题（{object}）须在 {deadline} 前整改完毕（{article}）。"),
    K.repair_accept_due: (
        "报修受理期限临近：{object}",
        "报修 {object} 须在 {deadline} 前受理（{article}），请及时受理并派工。"),
    K.repair_complete_due: (
        "报修完成期限临近：{object}",
        "报修 {object} 须在 {deadline} 前维修完成（{article}）。"),
    K.fire_check_due: (
        "消防安全检查到期：{object}",
        "项目“{object}”的定期消防安全检查应于 {deadline} 前完成（{article}），"
        "请及时检查并记录。"),
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render(kind: ReminderKind, *, subject: str, deadline: date, extra: str = "") -> Message:
    title, body = TEMPLATES[kind]
    fields = {"object": subject, "deadline": day(deadline), "article": ARTICLE[kind], "extra": extra}
    return Message(title.format(**fields), body.format(**fields))
