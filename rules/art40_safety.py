"""第四十条 (and 第二十九条第二款): the operator's fire-safety duties, 住建's inspections and the
emergency plans.

第四十条第一款: “市住建部门应加强指导、检查和督促保障性租赁住房房源使用、安全管理等工作。”
第四十条第四款: “运营单位应确保保障性租赁住房符合运营维护管理相关要求，建立完善各项突发事件应急预案及处置
制度；落实消防安全责任制，配备符合规定的消防设施、器材，保持疏散通道、安全出口、消防车通道畅通，定期开展
消防安全检查。”
第二十九条第二款: “运营管理单位要加强维护，落实消防安全责任制，完善应急预案及处置机制，定期开展消防安全检查。”

Catalog reading: periodic operator fire-safety checks (interval: policy parameter
``fire_check_interval_months``) and 住建 inspections with rectification deadlines; emergency plans on
file with a review date, at most ``emergency_plan_review_months_max`` months after filing.

Semantics:

* :func:`fire_check_state`: the next check is due ``fire_check_interval_months`` months (``rules.dates``,
  clamped to the month's end) after the last one, or, before any, after the day the project went into
  use (the first of: operation started, listing verified, completion acceptance); the interval is the one
  in force on that day. It is overdue from the day after the due day. A project not yet in use has none.
* A check lists the five items the article names, each in order or not; a check that finds a problem
  says what it found (:func:`check_safety_check`), and it cannot be dated after today.
* An inspection's rectification deadline lies after the inspection day; a rectification is overdue from
  the day after the deadline while it is not recorded (:func:`rectification_overdue`).
* A plan's review date lies after its filing day and no further than the maximum; it has lapsed from the
  day after the review date (:func:`plan_lapsed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rules.dates import add_months
from rules.decision import Decision, Finding
from rules.params import value_at
from rules.project_facts import LabelledEnum

ARTICLE = "第四十条"


class FireCheckItem(LabelledEnum):
    """The five things 第四十条第四款 names."""

    fire_facilities = "fire_facilities"
    equipment = "equipment"
    evacuation_routes = "evacuation_routes"
    safety_exits = "safety_exits"
    fire_lanes = "fire_lanes"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {cls.fire_facilities: "消防设施", cls.equipment: "消防器材",
                cls.evacuation_routes: "疏散通道", cls.safety_exits: "安全出口",
                cls.fire_lanes: "消防车通道"}


@dataclass(frozen=True, slots=True)
class FireCheckState:
    last_checked_on: date | None
    due_on: date | None
    overdue: bool


def fire_check_due(last_checked_on: date | None, in_use_since: date | None) -> date | None:
    """The day by which the next periodic fire-safety check is due (None: not in use yet)."""
    base = last_checked_on or in_use_since
    if base is None:
        return None
    return add_months(base, int(value_at("fire_check_interval_months", base)))


def fire_check_state(last_checked_on: date | None, in_use_since: date | None,
                     today: date) -> FireCheckState:
    due = fire_check_due(last_checked_on, in_use_since)
    return FireCheckState(last_checked_on, due, due is not None and today > due)


def check_safety_check(checked_on: date, today: date, items: Mapping[str, bool],
                       findings: str) -> Decision:
    """A periodic fire-safety check as the operator records it."""
    found = []
    if checked_on > today:
        found.append(Finding(ARTICLE, "check_date_in_future",
                             f"检查日期 {checked_on.isoformat()} 晚于今天，不能登记尚未进行的检查",
                             field="checked_on"))
    missing = [i.label for i in FireCheckItem if i.value not in items]
    if missing:
        found.append(Finding(ARTICLE, "check_items_missing",
                             f"消防安全检查须逐项记录：{'、'.join(missing)}", field="items"))
    problems = [FireCheckItem(k).label for k, ok in items.items() if not ok]
    if problems and not findings.strip():
        found.append(Finding(ARTICLE, "findings_required",
                             f"{'、'.join(problems)}存在问题，须写明检查发现的问题及处置措施",
                             field="findings"))
    if found:
        return Decision(tuple(found))
    return Decision((Finding(ARTICLE, "fire_check_recorded", "定期消防安全检查已逐项记录", ok=True),))


def check_inspection(inspected_on: date, today: date, rectify_by: date | None,
                     rectification_required: bool) -> Decision:
    """住建's inspection (第四十条第一款): dated no later than today; a rectification deadline after
    the inspection day when rectification is ordered, none otherwise."""
    found = []
    if inspected_on > today:
        found.append(Finding(ARTICLE, "inspection_date_in_future",
                             f"检查日期 {inspected_on.isoformat()} 晚于今天", field="inspected_on"))
    if rectification_required and rectify_by is None:
        found.append(Finding(ARTICLE, "rectify_by_required", "责令整改的，须规定整改期限",
                             field="rectify_by"))
    if rectify_by is not None and rectify_by <= inspected_on:
        found.append(Finding(ARTICLE, "rectify_by_too_early",
                             f"整改期限 {rectify_by.isoformat()} 须晚于检查日期 {inspected_on.isoformat()}",
                             field="rectify_by"))
    if rectify_by is not None and not rectification_required:
        found.append(Finding(ARTICLE, "rectify_by_without_order", "检查合格的，不设整改期限",
                             field="rectify_by"))
    if found:
        return Decision(tuple(found))
    return Decision((Finding(ARTICLE, "inspection_recorded", "市住建部门检查已记录", ok=True),))


def rectification_overdue(rectify_by: date | None, rectified_on: date | None, today: date) -> bool:
    """Not rectified once the deadline day has passed (the deadline day itself is in time)."""
    return rectify_by is not None and rectified_on is None and today > rectify_by


def plan_review_limit(filed_on: date) -> date:
    return add_months(filed_on, int(value_at("emergency_plan_review_months_max", filed_on)))


def check_plan(filed_on: date, review_on: date) -> Decision:
    """An emergency plan's review date: after the filing day, within the maximum interval."""
    limit = plan_review_limit(filed_on)
    if review_on <= filed_on:
        return Decision((Finding(ARTICLE, "review_date_not_after_filing",
                                 f"复核日期 {review_on.isoformat()} 须晚于备案日期 {filed_on.isoformat()}",
                                 field="review_on"),))
    if review_on > limit:
        return Decision((Finding(ARTICLE, "review_interval_too_long",
                                 f"应急预案须定期复核修订：复核日期不得晚于 {limit.isoformat()}",
                                 field="review_on"),))
    return Decision((Finding(ARTICLE, "plan_on_file",
                             f"应急预案已备案，{review_on.isoformat()} 前复核", ok=True),))


def plan_lapsed(review_on: date, today: date) -> bool:
    return today > review_on
