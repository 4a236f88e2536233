"""The facts of a project application (annex 2 and annex 3) as plain values for the rules.

The enums carry the regulation's own wording as labels: the construction methods of
第九条, the ten sourcing channels of 第八条, the building types and application units of
第二十七条, and the unit types of 第七条.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class LabelledEnum(StrEnum):
    @property
    def label(self) -> str:
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:  # pragma: no cover - overridden
        raise NotImplementedError


class ConstructionMethod(LabelledEnum):
    """第九条 (一)–(五)."""

    collective_land = "collective_land"
    enterprise_idle_land = "enterprise_idle_land"
    park_supporting_land = "park_supporting_land"
    conversion = "conversion"
    new_state_land = "new_state_land"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {
            cls.collective_land: "利用集体经营性建设用地",
            cls.enterprise_idle_land: "利用企事业单位自有闲置土地",
            cls.park_supporting_land: "利用产业园区配套用地",
            cls.conversion: "利用存量闲置房屋改建",
            cls.new_state_land: "利用新供应国有建设用地",
        }


class SourcingChannel(LabelledEnum):
    """第八条 房源筹集渠道 (一)–(十)."""

    channel_1 = "channel_1"
    channel_2 = "channel_2"
    channel_3 = "channel_3"
    channel_4 = "channel_4"
    channel_5 = "channel_5"
    channel_6 = "channel_6"
    channel_7 = "channel_7"
    channel_8 = "channel_8"
    channel_9 = "channel_9"
    channel_10 = "channel_10"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {
            cls.channel_1: "（一）利用企事业单位的自有存量土地新建",
            cls.channel_2: "（二）产业园区新建、配建、改造员工宿舍、人才公寓等",
            cls.channel_3: "（三）新增租赁住房用地新建",
            cls.channel_4: "（四）利用闲置和低效利用的商业办公、旅馆、工业厂房、仓储、科研教育等"
                           "非居住存量房屋改建",
            cls.channel_5: "（五）利用城区、靠近园区的集体经营性建设用地新建",
            cls.channel_6: "（六）利用闲置的直管公房改造",
            cls.channel_7: "（七）经各级政府批准纳入保障性租赁住房使用、管理的闲置住房、公租房、"
                           "安置房、人才房及职工宿舍等",
            cls.channel_8: "（八）住房租赁企业或房地产开发企业等机构新建、收购、改建、改造、配建、长期租赁",
            cls.channel_9: "（九）企事业单位自建或与其他市场主体合作建设",
            cls.channel_10: "（十）其他渠道筹集的房源",
        }


class BuildingType(LabelledEnum):
    """Original type of a non-residential building converted under 第九条(四) / 第二十七条."""

    commercial_office = "commercial_office"
    hotel = "hotel"
    research_education = "research_education"
    factory = "factory"
    warehouse = "warehouse"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {
            cls.commercial_office: "商业办公",
            cls.hotel: "旅馆",
            cls.research_education: "科研教育",
            cls.factory: "工业厂房",
            cls.warehouse: "仓储",
        }


class Granularity(LabelledEnum):
    """The unit a conversion is applied for (第二十七条)."""

    plot = "plot"
    building = "building"
    unit = "unit"
    floor = "floor"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {cls.plot: "地块", cls.building: "楼栋", cls.unit: "单元", cls.floor: "独立楼层"}


class UnitKind(LabelledEnum):
    """第七条: 住宅型 or 宿舍型 rental housing."""

    residential = "residential"
    dormitory = "dormitory"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {cls.residential: "住宅型", cls.dormitory: "宿舍型"}


@dataclass(frozen=True, slots=True)
class UnitTypeFacts:
    name: str
    kind: UnitKind
    building_area_m2: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the rules need to know about one application."""

    district: str
    construction_method: ConstructionMethod
    sourcing_channel: SourcingChannel
    unit_types: tuple[UnitTypeFacts, ...]
    unit_count: int
    total_floor_area_m2: Decimal
    affordable_floor_area_m2: Decimal
    total_investment_yuan: Decimal
    government_invested: bool
    special_fire_project: bool
    original_building_type: BuildingType | None = None
    application_granularity: Granularity | None = None
    industrial_project_land_area_m2: Decimal | None = None
    supporting_land_area_m2: Decimal | None = None
