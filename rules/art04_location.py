"""第四条: the platform handles only projects in the central urban area.

第四条: “本市中心城区（含高新区、昌南新区）范围内保障性租赁住房的规划、建设、租赁、运营、监督和管理，
适用本办法。”

第四十九条: “乐平市、浮梁县可结合本地实际，参照本办法另行制定实施办法。”

Catalog reading: 中心城区 is the list ``central_districts`` (珠山区、昌江区、高新区、昌南新区, the same
four named in 景府办字〔2022〕19号), looked up at the date ``on``.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding
from rules.params import value_at

ARTICLE = "第四条"


def check_location(district: str, on: date) -> Decision:
    """Whether a project in ``district`` falls under this regulation (第四条)."""
    districts: tuple[str, ...] = value_at("central_districts", on)
    named = "、".join(districts)
    value = district.strip()
    if not value:
        return Decision((Finding(ARTICLE, "district_required",
                                 f"请填写项目所在区域（中心城区：{named}）", field="district"),))
    if value in districts:
        return Decision((Finding(ARTICLE, "district_in_central_area",
                                 f"项目位于{value}，属于中心城区（{named}），适用本办法", ok=True,
                                 field="district"),))
    return Decision((Finding(
        ARTICLE, "district_outside_central_area",
        f"项目所在区域“{value}”不在中心城区范围内：本平台只受理中心城区（{named}）的保障性租赁住房项目；"
        "乐平市、浮梁县参照本办法另行制定实施办法（第四十九条）",
        field="district"),))
