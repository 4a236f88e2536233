"""第六条: the development plan and the annual construction plan, and how far each line has come.

第六条: “市住建部门是本市保障性租赁住房行政主管部门，…会同相关部门编制保障性租赁住房发展规划和年度建设计划；
负责督促、指导全市保障性租赁住房保障工作。”

Catalog reading (第六条): a plan line sets targets (units, building area) by district, construction
method and sourcing channel; its progress is computed from the platform's own records — never typed
twice. A line's target is met by units *certified* (认定, the act that brings housing into the
programme); the further stages (开工、竣工、房源发布、出租) are shown beside it.

:func:`line_progress` flags a line:

* ``late`` — the line's period has ended (``due_on`` passed) and fewer units were certified than
  the target;
* ``behind`` — the period is still running and the share certified trails the share of the period
  elapsed by more than ``plan_progress_tolerance`` (a city setting: the article names no figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.decision import Decision, Finding
from rules.params import value_at

ARTICLE = "第六条"


@dataclass(frozen=True, slots=True)
class LineState:
    share: Decimal | None  # certified units / target units
    elapsed: Decimal  # share of the period elapsed
    late: bool
    behind: bool


def share(done: int | Decimal, target: int | Decimal) -> Decimal | None:
    """``done`` as a share of ``target`` (4 places), None without a target."""
    if not target:
        return None
    return (Decimal(done) / Decimal(target)).quantize(Decimal("0.0001"))


def elapsed_share(starts_on: date, due_on: date, today: date) -> Decimal:
    if today <= starts_on:
        return Decimal(0)
    if today >= due_on:
        return Decimal(1)
    ratio = Decimal((today - starts_on).days) / Decimal((due_on - starts_on).days)
    return ratio.quantize(Decimal("0.0001"))


def line_progress(target_units: int, certified_units: int, starts_on: date, due_on: date,
                  today: date) -> tuple[LineState, Decision]:
    """Whether a plan line is on time (第六条: 住建 督促 the plan's completion)."""
    achieved = share(certified_units, target_units)
    elapsed = elapsed_share(starts_on, due_on, today)
    tolerance: Decimal = value_at("plan_progress_tolerance", today)
    if target_units and certified_units < target_units and today > due_on:
        state = LineState(achieved, elapsed, True, False)
        return state, Decision((Finding(ARTICLE, "plan_line_late",
                                        f"计划期限 {due_on.isoformat()} 已过，已认定 {certified_units} 套，"
                                        f"未完成目标 {target_units} 套"),))
    if achieved is not None and achieved + tolerance < elapsed and certified_units < target_units:
        state = LineState(achieved, elapsed, False, True)
        return state, Decision((Finding(ARTICLE, "plan_line_behind",
                                        f"计划期已过 {elapsed:.0%}，已认定仅占目标的 {achieved:.0%}，"
                                        f"落后超过 {tolerance:.0%}"),))
    return LineState(achieved, elapsed, False, False), Decision((Finding(
        ARTICLE, "plan_line_on_track", "计划进度正常" if certified_units < target_units else "已完成目标",
        ok=True),))
