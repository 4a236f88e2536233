"""第七条: unit size cap and the city-wide share of 70–90 m² units.

第七条: “建设标准以建筑面积不超过 70 平方米的小户型为主，最高不超过 90 平方米；70 平方米（不含）至
90 平方米的户型面积不超过全市保障性租赁住房总规模的 15%。”

Catalog reading: “规模” is building area (Σ 建筑面积 × 套数); the city-wide share counts the certified
projects plus the one under review, so a project that would push the city over the cap is refused.

:func:`check_units` applies the same 90 m² cap to a bulk list of individual units (one row per 套（间）,
e.g. a spreadsheet of 20,000 rows); an empty list is refused like an empty list of unit types.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from rules import format as fmt
from rules.decision import Decision, Finding
from rules.params import value_at
from rules.project_facts import UnitTypeFacts

ARTICLE = "第七条"


def total_unit_area(unit_types: Sequence[UnitTypeFacts]) -> Decimal:
    """Σ building area × number of units."""
    return sum((u.building_area_m2 * u.count for u in unit_types), Decimal(0))


def large_unit_area(unit_types: Sequence[UnitTypeFacts], on: date) -> Decimal:
    """Building area of the units of more than 70 m² and at most 90 m² (area × count)."""
    small: Decimal = value_at("small_unit_area_m2", on)
    largest: Decimal = value_at("unit_area_max_m2", on)
    return total_unit_area([u for u in unit_types if small < u.building_area_m2 <= largest])


def check_unit_sizes(unit_types: Sequence[UnitTypeFacts], on: date) -> Decision:
    """Every unit type's building area is more than 0 and at most 90 m²."""
    largest: Decimal = value_at("unit_area_max_m2", on)
    if not unit_types:
        return Decision((Finding(ARTICLE, "unit_types_required", "请填写项目的户型及建筑面积",
                                 field="unit_types"),))
    findings = []
    for i, unit in enumerate(unit_types):
        where = f"unit_types[{i}].building_area_m2"
        if unit.building_area_m2 <= 0:
            findings.append(Finding(ARTICLE, "unit_area_not_positive",
                                    f"户型“{unit.name}”的建筑面积 {fmt.area(unit.building_area_m2)} 应大于 0",
                                    field=where))
        elif unit.building_area_m2 > largest:
            findings.append(Finding(
                ARTICLE, "unit_area_exceeds_max",
                f"户型“{unit.name}”的建筑面积 {fmt.area(unit.building_area_m2)} "
                f"超过上限 {fmt.plain(largest)} m²"
                "（保障性租赁住房单套（间）建筑面积最高不超过该上限）",
                field=where))
    if findings:
        return Decision.of(findings)
    return Decision((Finding(ARTICLE, "unit_area_within_max",
                             f"全部 {len(unit_types)} 个户型的建筑面积均不超过 {fmt.plain(largest)} m²",
                             ok=True),))


def check_units(units: Sequence[tuple[str, Decimal]], on: date, field: str = "units") -> Decision:
    """Every unit of a bulk list of (label, building area) rows is more than 0 and at most 90 m².

    One violation per offending row, with field ``{field}[i].building_area_m2`` and the row named as
    第 i+1 行 and by its label; a single passed summary finding when every row conforms.
    """
    largest: Decimal = value_at("unit_area_max_m2", on)
    if not units:
        return Decision((Finding(ARTICLE, "units_required", "请填写房源清单（每套（间）的建筑面积）",
                                 field=field),))
    limit = fmt.plain(largest)
    try:   # the common case: one comparison per row
        bad = [i for i, (_, area) in enumerate(units) if not 0 < area <= largest]
    except InvalidOperation:   # a NaN area cannot be compared
        bad = [i for i, (_, area) in enumerate(units) if not (area.is_finite() and 0 < area <= largest)]
    exceeds = f" 超过上限 {limit} m²（保障性租赁住房单套（间）建筑面积最高不超过该上限）"
    shown: dict[Decimal, str] = {}   # a batch repeats a few areas: format each once
    findings = []
    for i in bad:
        label, area = units[i]
        where = f"{field}[{i}].building_area_m2"
        if not area.is_finite():
            findings.append(Finding(ARTICLE, "unit_area_invalid",
                                    f"第 {i + 1} 行“{label}”的建筑面积 {area} 不是有效数值", False, where))
            continue
        text = shown.get(area)
        if text is None:
            text = shown[area] = fmt.area_exact(area)
        if area <= 0:
            findings.append(Finding(ARTICLE, "unit_area_not_positive",
                                    f"第 {i + 1} 行“{label}”的建筑面积 {text} 应大于 0", False, where))
        else:
            findings.append(Finding(ARTICLE, "unit_area_exceeds_max",
                                    f"第 {i + 1} 行“{label}”的建筑面积 {text}{exceeds}", False, where))
    if findings:
        return Decision.of(findings)
    return Decision((Finding(ARTICLE, "unit_area_within_max",
                             f"全部 {len(units)} 套（间）房源的建筑面积均大于 0 且不超过 {limit} m²",
                             ok=True, field=field),))


def check_city_large_unit_share(certified_total_m2: Decimal, certified_large_m2: Decimal,
                                project_total_m2: Decimal, project_large_m2: Decimal,
                                on: date) -> Decision:
    """The city-wide share of 70–90 m² units, this project included, is at most 15% of the total."""
    for name, value in (("certified_total_m2", certified_total_m2),
                        ("certified_large_m2", certified_large_m2),
                        ("project_total_m2", project_total_m2),
                        ("project_large_m2", project_large_m2)):
        if value < 0:
            raise ValueError(f"{name} must not be negative")
    if certified_large_m2 > certified_total_m2 or project_large_m2 > project_total_m2:
        raise ValueError("the 70–90 m² area cannot exceed the total area")
    cap: Decimal = value_at("large_unit_share_max", on)
    small = fmt.plain(value_at("small_unit_area_m2", on))
    largest = fmt.plain(value_at("unit_area_max_m2", on))
    total = certified_total_m2 + project_total_m2
    large = certified_large_m2 + project_large_m2
    band = f"{small} m²（不含）至 {largest} m² 户型"
    if total == 0:
        return Decision((Finding(ARTICLE, "city_large_unit_share_within_max",
                                 f"全市保障性租赁住房总建筑面积为 0，"
                                 f"{band}占比不超过上限 {fmt.percent(cap)}",
                                 ok=True),))
    share = large / total
    text = (f"计入本项目后，全市 {band}建筑面积 {fmt.area(large)}，"
            f"占保障性租赁住房总建筑面积 {fmt.area(total)} 的 {fmt.share_percent(share, cap)}")
    if share <= cap:
        return Decision((Finding(ARTICLE, "city_large_unit_share_within_max",
                                 f"{text}，不超过上限 {fmt.percent(cap)}", ok=True),))
    return Decision((Finding(ARTICLE, "city_large_unit_share_exceeded",
                             f"{text}，超过上限 {fmt.percent(cap)}", field="unit_types"),))
