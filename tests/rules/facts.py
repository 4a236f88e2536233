"""Small builders of :class:`ProjectFacts` for the rule tests (no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from rules.project_facts import (
    BuildingType,
    ConstructionMethod,
    Granularity,
    ProjectFacts,
    SourcingChannel,
    UnitKind,
    UnitTypeFacts,
)


def unit(area: str, count: int = 10, kind: UnitKind = UnitKind.residential,
         name: str = "") -> UnitTypeFacts:
    return UnitTypeFacts(name=name or f"{area} m² 户型", kind=kind, building_area_m2=Decimal(area),
                         count=count)


def project(**overrides: Any) -> ProjectFacts:
    """A new build on newly supplied state land in 珠山区, with one 45 m² unit type."""
    base = ProjectFacts(
        district="珠山区",
        construction_method=ConstructionMethod.new_state_land,
        sourcing_channel=SourcingChannel.channel_3,
        unit_types=(unit("45", 100),),
        unit_count=100,
        total_floor_area_m2=Decimal("6000"),
        affordable_floor_area_m2=Decimal("4500"),
        total_investment_yuan=Decimal("20000000"),
        government_invested=False,
        special_fire_project=False,
    )
    return replace(base, **overrides)


def conversion(**overrides: Any) -> ProjectFacts:
    """A conversion of a commercial office building, applied for by building."""
    defaults: dict[str, Any] = {
        "construction_method": ConstructionMethod.conversion,
        "sourcing_channel": SourcingChannel.channel_4,
        "original_building_type": BuildingType.commercial_office,
        "application_granularity": Granularity.building,
    }
    return project(**{**defaults, **overrides})


def park(industrial: str | None, supporting: str | None, *units: UnitTypeFacts) -> ProjectFacts:
    """A project on industrial-park supporting land with the given land areas (m²)."""
    return project(
        construction_method=ConstructionMethod.park_supporting_land,
        sourcing_channel=SourcingChannel.channel_2,
        industrial_project_land_area_m2=None if industrial is None else Decimal(industrial),
        supporting_land_area_m2=None if supporting is None else Decimal(supporting),
        unit_types=units or (unit("30", 200, UnitKind.dormitory),),
    )
