"""第四十三条 and 第四十四条: a conversion project's exit from the 保障性租赁住房 sequence.

第四十三条: “新建、配建保障性租赁住房项目原则上不得退出，存量房屋改建、改造类项目在运营满8年后经市政府批准
可退出保障房序列…运营期间自项目投入运营之日起计算。”
第四十四条: “运营保障性租赁住房期限已满退出保障性租赁住房序列的，应提前发布退出公示公告，并依法依规完成解除
承租对象租赁合同事宜。公示公告无异议的，应向市保租办申请，符合条件的在3个工作日内出具同意退出保障性租赁住房
项目的文件”.

Readings:

* Only 第九条第（四）项 (``ConstructionMethod.conversion``, 存量闲置房屋改建) is a 改建、改造类 project;
  every other construction method builds on land and is read as 新建 or 配建, which may not exit.
  “原则上” exceptions are decided outside the platform.
* “运营满8年” counts from the day operation starts, that day included: :func:`exit_allowed_from` is
  ``add_years(operation_started_on, 8)``, the first day on which 8 full years have passed (started
  2018-03-01 → may exit from 2026-03-01; on 2026-02-28, 7 years 364 days, the request is refused).
* The public notice must be over when the request is made: notice_from ≤ notice_to ≤ request_on, and
  it is a notice of the operating project: it starts no earlier than the operation.
* Operation starts between the certificate's issue date and today (:func:`check_operation_start`).
* Every condition is evaluated and reported together; passed ones are kept as ``ok=True`` evidence.
* The 3 working days of 第四十四条 run from the day the request is received (not counted), on the working-day
  clock of 第二十四条.
"""

from __future__ import annotations

from datetime import date

from rules import format as fmt
from rules.art24_review_clock import ClockState, working_day_clock
from rules.calendar import WorkCalendar
from rules.dates import add_years
from rules.decision import Decision, Finding
from rules.params import parameter, value_at
from rules.project_facts import ConstructionMethod

ART43 = "第四十三条"
ART44 = "第四十四条"


def exit_allowed_from(operation_started_on: date, on: date) -> date:
    """The first day a project that started operating on ``operation_started_on`` has run 8 full years."""
    years: int = value_at("exit_min_operation_years", on)
    return add_years(operation_started_on, years)


def check_operation_start(started_on: date, certified_on: date | None, today: date) -> Decision:
    """The day operation starts (第四十三条 “运营期间自项目投入运营之日起计算”) lies between the
    day the project was recognised as 保障性租赁住房 (its 认定书, 第二十四条) and today.

    The 8 years of :func:`exit_allowed_from` count from this day, so a date before the
    certificate would let a project certified today ask to exit at once (started 0001-01-01 →
    exit allowed from 0009-01-01): operating as 保障性租赁住房 begins no earlier than the
    recognition. Without a certificate (never the case for a certified project) the bound is
    the day the regulation took effect (第五十条). One finding: the first bound broken, or the
    evidence that both hold."""
    started = started_on.isoformat()
    if started_on > today:
        return Decision((Finding(ART43, "operation_start_in_future",
                                 f"投入运营日期 {started} 晚于今天 {today.isoformat()}，"
                                 "不能登记尚未发生的投入运营", field="started_on"),))
    earliest = certified_on or parameter("exit_min_operation_years").values[0].since
    if started_on < earliest:
        what = "项目认定书出具日期" if certified_on is not None else "本办法施行之日"
        return Decision((Finding(ART43, "operation_start_before_certificate",
                                 f"投入运营日期 {started} 早于{what} {earliest.isoformat()}："
                                 "运营期间自认定为保障性租赁住房后投入运营之日起计算",
                                 field="started_on"),))
    return Decision((Finding(ART43, "operation_start_valid",
                             f"投入运营日期 {started} 不早于项目认定、不晚于今天；运营期间自该日起计算",
                             ok=True, field="started_on"),))


def _method(method: ConstructionMethod) -> Finding:
    if method is ConstructionMethod.conversion:
        return Finding(ART43, "exit_method_allowed",
                       f"项目{method.label}，属于存量房屋改建、改造类项目，运营期满后可申请退出", ok=True,
                       field="construction_method")
    return Finding(ART43, "exit_not_allowed_for_new_build",
                   f"项目{method.label}建设，属于新建、配建保障性租赁住房项目，原则上不得退出；"
                   "只有存量房屋改建、改造类项目可申请退出",
                   field="construction_method")


def _term(operation_started_on: date | None, request_on: date) -> Finding:
    if operation_started_on is None:
        return Finding(ART43, "operation_not_started",
                       "项目尚未登记投入运营日期，运营期间无从计算，不能申请退出",
                       field="operation_started_on")
    years: int = value_at("exit_min_operation_years", request_on)
    first = exit_allowed_from(operation_started_on, request_on)
    started = operation_started_on.isoformat()
    if request_on < first:
        return Finding(ART43, "operation_term_not_met",
                       f"项目自 {started} 投入运营，运营满 {years} 年后方可申请退出，"
                       f"最早可于 {first.isoformat()} 申请；"
                       f"申请日期 {request_on.isoformat()} 尚未运营满 {years} 年",
                       field="request_on")
    return Finding(ART43, "operation_term_met",
                   f"项目自 {started} 投入运营，自 {first.isoformat()} 起已运营满 {years} 年", ok=True,
                   field="request_on")


def _notice(notice_from: date | None, notice_to: date | None, request_on: date,
            operation_started_on: date | None = None) -> Finding:
    if notice_from is None or notice_to is None:
        return Finding(ART44, "exit_notice_missing", "申请退出前应提前发布退出公示公告，请填写公示起止日期",
                       field="notice_from" if notice_from is None else "notice_to")
    period = fmt.period(notice_from, notice_to)
    if notice_from > notice_to:
        return Finding(ART44, "exit_notice_period_invalid", f"退出公示起止日期 {period} 不成立：开始晚于结束",
                       field="notice_to")
    if operation_started_on is not None and notice_from < operation_started_on:
        return Finding(ART44, "exit_notice_before_operation",
                       f"退出公示期 {period} 开始于项目投入运营（{operation_started_on.isoformat()}）之前："
                       "退出公示公告是运营期满退出前发布的公告",
                       field="notice_from")
    if notice_to > request_on:
        return Finding(ART44, "exit_notice_not_finished",
                       f"退出公示期 {period} 尚未结束，"
                       f"公示公告无异议后方可于 {notice_to.isoformat()} 起申请退出",
                       field="notice_to")
    return Finding(ART44, "exit_notice_finished", f"退出公示期 {period} 已于申请前结束", ok=True,
                   field="notice_to")


def check_exit_request(construction_method: ConstructionMethod, operation_started_on: date | None,
                       request_on: date, notice_from: date | None, notice_to: date | None, objections: int,
                       active_leases: int) -> Decision:
    """Whether a request to exit made on ``request_on`` meets 第四十三条 and 第四十四条 (all conditions)."""
    if objections < 0:
        raise ValueError("objections must not be negative")
    if active_leases < 0:
        raise ValueError("active_leases must not be negative")
    findings = [_method(construction_method), _term(operation_started_on, request_on),
                _notice(notice_from, notice_to, request_on, operation_started_on)]
    if objections:
        findings.append(Finding(ART44, "exit_objections",
                                f"退出公示公告收到 {objections} 件异议，公示公告无异议的方可申请退出",
                                field="objections"))
    else:
        findings.append(Finding(ART44, "exit_no_objections", "退出公示公告无异议", ok=True,
                                field="objections"))
    if active_leases:
        findings.append(Finding(ART44, "leases_not_wound_up",
                                f"尚有 {active_leases} 份租赁合同未解除，"
                                "须依法依规完成解除承租对象租赁合同事宜后申请退出"))
    else:
        findings.append(Finding(ART44, "leases_wound_up", "承租对象租赁合同均已解除", ok=True))
    return Decision.of(findings)


def exit_decision_clock(calendar: WorkCalendar, requested_on: date, today: date,
                        decided_on: date | None = None) -> ClockState:
    """The office's 3-working-day clock for the consent to exit (第四十四条), from the request day."""
    return working_day_clock(calendar, requested_on, value_at("exit_decision_working_days", requested_on),
                             today, (), decided_on, due_soon_days=1)
