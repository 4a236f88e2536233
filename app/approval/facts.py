"""Turning an application (input or stored) into the plain facts the rules take."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.approval.models import Project
from app.approval.schemas import ProjectIn
from rules.project_facts import (
    BuildingType,
    ConstructionMethod,
    Granularity,
    ProjectFacts,
    SourcingChannel,
    UnitKind,
    UnitTypeFacts,
)

# 附件2: the applicant's commitment, stored with the version the applicant accepted.
COMMITMENT_VERSION = "附件2-2022"
COMMITMENT_TEXT = (
    "我单位承诺：项目列入保障性租赁住房后，其建设、运营、管理等工作严格遵守保障性租赁住房的有关规定；"
    "在规定期内，项目只用于保障性租赁住房，不作其他用途；我单位提供的资料全部为真实资料，"
    "如存在虚假，我单位将承担由此产生的一切责任。"
)


def month_start(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def month_text(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def facts_from_input(data: ProjectIn) -> ProjectFacts:
    return ProjectFacts(
        district=data.district.strip(),
        construction_method=data.construction_method,
        sourcing_channel=data.sourcing_channel,
        unit_types=tuple(UnitTypeFacts(u.name, u.kind, u.building_area_m2, u.count)
                         for u in data.unit_types),
        unit_count=data.unit_count,
        total_floor_area_m2=data.total_floor_area_m2,
        affordable_floor_area_m2=data.affordable_floor_area_m2,
        total_investment_yuan=data.total_investment_yuan,
        government_invested=data.government_invested,
        special_fire_project=data.special_fire_project,
        original_building_type=data.original_building_type,
        application_granularity=data.application_granularity,
        industrial_project_land_area_m2=data.industrial_project_land_area_m2,
        supporting_land_area_m2=data.supporting_land_area_m2,
    )


def unit_types_json(data: ProjectIn) -> list[dict[str, object]]:
    return [{"name": u.name, "kind": u.kind.value, "building_area_m2": str(u.building_area_m2),
             "count": u.count} for u in data.unit_types]


def unit_type_facts(stored: list[dict[str, Any]]) -> tuple[UnitTypeFacts, ...]:
    return tuple(UnitTypeFacts(u["name"], UnitKind(u["kind"]), Decimal(u["building_area_m2"]),
                               int(u["count"])) for u in stored)


def facts_of(project: Project) -> ProjectFacts:
    """The stored application's facts."""
    return ProjectFacts(
        district=project.district,
        construction_method=ConstructionMethod(project.construction_method),
        sourcing_channel=SourcingChannel(project.sourcing_channel),
        unit_types=unit_type_facts(project.unit_types),
        unit_count=project.unit_count,
        total_floor_area_m2=project.total_floor_area_m2,
        affordable_floor_area_m2=project.affordable_floor_area_m2,
        total_investment_yuan=project.total_investment_yuan,
        government_invested=project.government_invested,
        special_fire_project=project.special_fire_project,
        original_building_type=(BuildingType(project.original_building_type)
                                if project.original_building_type else None),
        application_granularity=(Granularity(project.application_granularity)
                                 if project.application_granularity else None),
        industrial_project_land_area_m2=project.industrial_project_land_area_m2,
        supporting_land_area_m2=project.supporting_land_area_m2,
    )
