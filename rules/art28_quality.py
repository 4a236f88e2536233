"""第二十八条: the design code a project is built and supervised to, and the quality and safety
supervision at completion acceptance.

第二十八条: “将保障性租赁住房纳入工程质量安全监管，对质量结构安全、消防安全等进行重点监管。保障性租赁
住房建设应符合《住房和城乡建设部办公厅关于集中式租赁住房建设使用标准的通知》（建办标〔2021〕19号）等有关
要求，执行《住宅建筑规范》或《宿舍建筑设计规范》或《旅馆建筑设计规范》及相关标准……”

Catalog reading: the application declares the applicable code; 住建 may record a quality/safety
supervision result at completion acceptance. The application (附件2/附件3) has no field naming a code,
so the code is read from what it does declare (:func:`applicable_codes`):

* each unit type's kind: 住宅型 → 《住宅建筑规范》, 宿舍型 → 《宿舍建筑设计规范》 (第七条's two kinds);
* a converted hotel (第九条(四), original building type 旅馆) keeps its building type (第二十七条: 不改变…
  房屋类型), so 《旅馆建筑设计规范》 applies to the building as well.

The result is every code that applies, each with the fact it was read from; 建办标〔2021〕19号 applies to
all. :func:`check_supervision`: a supervision result needs the completion acceptance on record
(第二十六条) and cannot be dated after today.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rules.decision import Decision, Finding
from rules.project_facts import LabelledEnum

ARTICLE = "第二十八条"
BASE_STANDARD = "《住房和城乡建设部办公厅关于集中式租赁住房建设使用标准的通知》（建办标〔2021〕19号）"


class DesignCode(LabelledEnum):
    residential = "residential"
    dormitory = "dormitory"
    hotel = "hotel"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {cls.residential: "《住宅建筑规范》", cls.dormitory: "《宿舍建筑设计规范》",
                cls.hotel: "《旅馆建筑设计规范》"}


KIND_LABELS = {"residential": "住宅型", "dormitory": "宿舍型"}


def applicable_codes(unit_kinds: Iterable[str], construction_method: str,
                     original_building_type: str | None) -> list[Finding]:
    """The codes that apply, in the article's order, each as a finding saying why."""
    kinds = set(unit_kinds)
    found = []
    for kind, code in (("residential", DesignCode.residential), ("dormitory", DesignCode.dormitory)):
        if kind in kinds:
            found.append(Finding(ARTICLE, f"code_{code.value}",
                                 f"申请书申报{KIND_LABELS[kind]}户型：执行{code.label}及相关标准",
                                 ok=True, field="unit_types"))
    if construction_method == "conversion" and original_building_type == "hotel":
        found.append(Finding(ARTICLE, "code_hotel",
                             f"由旅馆改建，不改变原房屋类型（第二十七条）：执行{DesignCode.hotel.label}"
                             "及相关标准", ok=True, field="original_building_type"))
    return found


def check_supervision(completed_on: date | None, supervised_on: date, today: date) -> Decision:
    """A quality and safety supervision result recorded at completion acceptance."""
    if completed_on is None:
        return Decision((Finding(ARTICLE, "completion_not_recorded",
                                 "项目尚未登记竣工验收合格日期（第二十六条），不能记录竣工验收时的质量安全监督结论",
                                 field="supervised_on"),))
    if supervised_on > today:
        return Decision((Finding(ARTICLE, "supervision_date_in_future",
                                 f"监督日期 {supervised_on.isoformat()} 晚于今天", field="supervised_on"),))
    return Decision((Finding(ARTICLE, "supervision_recorded",
                             f"竣工验收（{completed_on.isoformat()}）质量安全监督结论已记录", ok=True),))
