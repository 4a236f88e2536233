"""第四十条, 第四十一条 and 第四十六条: a tenant's misuse of a unit, its rectification, and termination.

第四十条: “承租人违反规定将保障性租赁住房出售、转借、出租（转租）、闲置、改变用途且拒不整改的，按照合同约定，
终止租赁合同收回租赁住房。保障性租赁住房的使用人要按有关规定和合同约定使用住房，不得擅自改变房屋结构，影响
房屋质量安全和使用功能等。”
第四十一条: “建立健全保障性租赁住房运营主体和保障对象信用档案。” (violations and outcomes are kept on the
party's credit record by the application.)
第四十六条: “…由相关职能部门责令限期改正” (the same rectification deadline applies to an office's order).

Readings:

* The rectification deadline is ``recorded_on`` + the calendar days the operator or office gives; the deadline
  day itself is still within the period.
* “拒不整改” = not rectified once the deadline has passed (``on`` after the deadline).
* Termination is allowed only for the five kinds the termination sentence lists (出售、转借、
  出租（转租）、闲置、改变用途); 擅自改变房屋结构 is forbidden by the next sentence but is not listed as a
  ground for termination, so it is refused here (code ``termination_not_provided_for_kind``): it is
  rectified and recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.decision import Decision, Finding
from rules.project_facts import LabelledEnum

ARTICLE = "第四十条"


class ViolationKind(LabelledEnum):
    sale = "sale"
    lending = "lending"
    subletting = "subletting"
    idle = "idle"
    change_of_use = "change_of_use"
    structural_change = "structural_change"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {
            cls.sale: "出售",
            cls.lending: "转借",
            cls.subletting: "出租（转租）",
            cls.idle: "闲置",
            cls.change_of_use: "改变用途",
            cls.structural_change: "擅自改变房屋结构",
        }


TERMINATION_GROUNDS = frozenset({ViolationKind.sale, ViolationKind.lending, ViolationKind.subletting,
                                 ViolationKind.idle, ViolationKind.change_of_use})


def rectification_deadline(recorded_on: date, days: int) -> date:
    """The last day to rectify: ``days`` calendar days (set by the operator/office) after ``recorded_on``."""
    if days < 1:
        raise ValueError("a rectification period is at least one day")
    return recorded_on + timedelta(days=days)


def outcome_allowed(kind: ViolationKind, rectified: bool, deadline: date, on: date) -> Decision:
    """Whether the lease may be terminated on ``on`` for a violation of ``kind`` (第四十条 拒不整改)."""
    if kind in TERMINATION_GROUNDS:
        ground = Finding(ARTICLE, "termination_ground",
                         f"承租人将保障性租赁住房{kind.label}且拒不整改的，按照合同约定终止租赁合同收回租赁住房",
                         ok=True, field="kind")
    else:
        ground = Finding(ARTICLE, "termination_not_provided_for_kind",
                         f"{kind.label}应责令整改；第四十条规定终止租赁合同的情形为出售、转借、出租（转租）、闲置、"
                         "改变用途且拒不整改", field="kind")
    if rectified:
        state = Finding(ARTICLE, "already_rectified", f"承租人已整改{kind.label}行为，不能终止租赁合同",
                        field="rectified")
    else:
        state = Finding(ARTICLE, "not_rectified", f"承租人未整改{kind.label}行为", ok=True, field="rectified")
    if on <= deadline:
        period = Finding(ARTICLE, "rectification_period_running",
                         f"整改期限至 {deadline.isoformat()}（含当日），{on.isoformat()} 尚在整改期内，"
                         "期满仍未整改的方为拒不整改", field="deadline")
    else:
        period = Finding(ARTICLE, "rectification_deadline_passed",
                         f"整改期限 {deadline.isoformat()} 已过", ok=True, field="deadline")
    return Decision.of([ground, state, period])
