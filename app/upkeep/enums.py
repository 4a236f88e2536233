"""The states and kinds of the upkeep domain, each with its label for people.

The stored values are the members' values (``RepairStatus.submitted == "submitted"``); who may
take which step is the transition tables', :mod:`app.upkeep.workflows`. The design codes and the
five items of a fire-safety check are the rules' own (``rules.art28_quality``,
``rules.art40_safety``), re-exported here so every kind of the domain is found in one place.
"""

from __future__ import annotations

from app.core.enums import Labelled
from rules.art28_quality import DesignCode as DesignCode
from rules.art40_safety import FireCheckItem as FireCheckItem


class RepairCategory(Labelled):
    plumbing_electric = "plumbing_electric", "水电"
    doors_windows = "doors_windows", "门窗"
    gas = "gas", "燃气"
    fire_facilities = "fire_facilities", "消防设施"
    structure = "structure", "结构/墙体"
    elevator = "elevator", "电梯"
    other = "other", "其他"


class RepairUrgency(Labelled):
    urgent = "urgent", "紧急"
    normal = "normal", "一般"


class RepairStatus(Labelled):
    """submitted → accepted → in_progress → completed → confirmed; withdrawn by the reporter
    before the work is done; a completed repair reopened goes back to in_progress."""

    submitted = "submitted", "已提交"
    accepted = "accepted", "已受理"
    in_progress = "in_progress", "处理中"
    completed = "completed", "已完成"
    confirmed = "confirmed", "已确认"
    withdrawn = "withdrawn", "已撤回"


# Not yet done: the completion deadline runs.
OPEN = (RepairStatus.submitted, RepairStatus.accepted, RepairStatus.in_progress)


class RepairAction(Labelled):
    """The steps of a repair's history (``repair_event.action``; ``repair.<action>`` on the trail)."""

    reported = "reported", "提交报修"
    photos_added = "photos_added", "补充照片"
    accepted = "accepted", "受理"
    assigned = "assigned", "指派维修人员"
    commented = "commented", "留言"
    completed = "completed", "维修完成"
    confirmed = "confirmed", "确认修好"
    reopened = "reopened", "未修好，要求重新处理"
    closed = "closed", "逾期未确认，按已确认关闭"
    withdrawn = "withdrawn", "撤回报修"
    charge_proposed = "charge_proposed", "主张承租人损坏赔偿"
    charge_accepted = "charge_accepted", "承租人认可赔偿"
    charge_disputed = "charge_disputed", "承租人对赔偿提出异议"
    charge_withdrawn = "charge_withdrawn", "撤销赔偿主张"


class ChargeStatus(Labelled):
    """A charge for damage the tenant caused (第三十九条: upkeep is otherwise the operator's)."""

    proposed = "proposed", "待承租人答复"
    accepted = "accepted", "承租人已认可"
    disputed = "disputed", "承租人有异议"
    withdrawn = "withdrawn", "已撤销"


class PhotoPurpose(Labelled):
    report = "report", "报修照片"
    safety_check = "safety_check", "消防安全检查照片"
    inspection = "inspection", "住建检查照片"
    rectification = "rectification", "整改照片"


class InspectionResult(Labelled):
    passed = "passed", "合格"
    rectify = "rectify", "责令整改"


class InspectionStatus(Labelled):
    """passed (nothing to do) · open (整改中) → rectified."""

    passed = "passed", "检查合格"
    open = "open", "整改中"
    rectified = "rectified", "已整改"


class PlanKind(Labelled):
    """突发事件应急预案 (第四十条第四款: 各项突发事件应急预案)."""

    fire = "fire", "火灾事故"
    gas = "gas", "燃气泄漏"
    flood = "flood", "防汛防台"
    power = "power", "停电停水"
    elevator = "elevator", "电梯困人"
    public_health = "public_health", "公共卫生事件"
    general = "general", "综合应急预案"


class PlanStatus(Labelled):
    current = "current", "现行"
    superseded = "superseded", "已被新预案替代"


class SupervisionResult(Labelled):
    """住建's quality and safety supervision at completion acceptance (第二十八条)."""

    passed = "passed", "符合要求"
    rectify = "rectify", "责令整改"
