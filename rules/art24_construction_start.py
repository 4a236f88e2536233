"""第二十四条: construction starts once the project holds its 认定书.

第二十四条: “…出具保障性租赁住房项目认定书。凭此认定书，有关部门单位给予办理立项、用地、规划、人防、施工、消防
等手续…”

Reading: the construction-start date (开工日期) a developer records for the plan's progress (第六条) is
bounded like the other business dates: not before the certificate was issued (the 认定书 is what opens
the 施工 procedures), not after the completion acceptance if one is recorded (第二十六条), and not in
the future.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding

ARTICLE = "第二十四条"


def check_construction_start(started_on: date, certified_on: date | None, completed_on: date | None,
                             today: date) -> Decision:
    day = started_on.isoformat()
    if started_on > today:
        return Decision((Finding(ARTICLE, "start_in_future",
                                 f"开工日期 {day} 不能晚于今天（{today.isoformat()}）",
                                 field="started_on"),))
    if certified_on is not None and started_on < certified_on:
        return Decision((Finding(ARTICLE, "start_before_certificate",
                                 f"开工日期 {day} 早于认定书出具日期 {certified_on.isoformat()}："
                                 "凭认定书办理施工手续后方可开工",
                                 field="started_on"),))
    if completed_on is not None and started_on > completed_on:
        return Decision((Finding("第二十六条", "start_after_completion",
                                 f"开工日期 {day} 晚于竣工验收日期 {completed_on.isoformat()}",
                                 field="started_on"),))
    return Decision((Finding(ARTICLE, "start_valid", f"开工日期 {day} 在认定之后、不晚于今天", ok=True,
                             field="started_on"),))
