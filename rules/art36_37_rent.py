"""第三十六条 and 第三十七条: the rent cap chain — appraisal, filed rent standard, lease rent.

第三十六条: “保障性租赁住房租金以单套（间）建筑面积计算。”
第三十七条: “保障性租赁住房的租金按照单个项目市场租赁住房租金的一定比例确定，原则上不高于同地段同品质市场
租赁住房租金的90%。…由市住建部门委托有资质的第三方评估机构，对单个保障性租赁住房项目的市场租赁住房租金
进行评估，再由产权（投资）或经营管理单位根据评估结果拟订租金标准，报市发改部门备案后执行。市场租金实行
动态管理，原则上每两年调整一次，并向社会公布。”

Catalog reading: a lease's monthly rent ≤ area × filed standard ≤ area × 0.9 × appraised market rent
(``rent_cap_ratio``); “原则上每两年调整一次” is read as: an appraisal is in force through the day
``appraisal_valid_years`` years after it (add_years, 29 February → 28 February) inclusive and lapsed from the
next day, and no rent standard may be filed from a lapsed appraisal.

Semantics:

* Rates are yuan per m² of building area per month; all products are exact Decimals (no rounding), so a
  cap of 862.3635 元 admits 862.36 and refuses 862.37.
* An appraisal may give a unit type its own market rent; a rate for that unit type is capped by it, any
  other rate (including the project-wide rate, ``unit_type`` None) by the general market rent.
* A rent standard names each unit type at most once and the project-wide rate at most once.
* Parameters are looked up on ``on``, the day the standard is filed (or the lease is signed).
* An appraisal's date lies between :func:`earliest_appraisal_date` (older ones lapsed before the
  regulation took effect) and today (:func:`check_appraisal`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from rules import format as fmt
from rules.dates import add_years
from rules.decision import Decision, Finding
from rules.params import parameter, value_at

ART36 = "第三十六条"
ART37 = "第三十七条"


@dataclass(frozen=True, slots=True)
class AppraisalFacts:
    """A third-party appraisal of the project's market rent (元/m²/月), optionally per unit type."""

    appraised_on: date
    market_rent_per_m2: Decimal
    per_unit_type: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class ProposedRate:
    """One rate of a rent standard; ``unit_type`` None is the project-wide rate."""

    unit_type: str | None
    rate_per_m2: Decimal


def rent_cap_rate(market_rent_per_m2: Decimal, on: date) -> Decimal:
    """The highest rate (元/m²/月) a rent standard may set: market rent × 90%, exact (a
    market rent of 25.55 gives 22.995: rates are proposed in fen, so 22.99 is the highest)."""
    ratio: Decimal = value_at("rent_cap_ratio", on)
    return market_rent_per_m2 * ratio


FEN = Decimal("0.01")


def highest_rate_in_fen(cap: Decimal) -> Decimal:
    """The highest rate a standard can state (in fen, 0.01 元/m²/月) that is not above ``cap``."""
    return cap.quantize(FEN, rounding=ROUND_FLOOR)


def appraisal_valid_until(appraised_on: date, on: date) -> date:
    """The last day an appraisal made on ``appraised_on`` is in force (with the years in force on ``on``)."""
    years: int = value_at("appraisal_valid_years", on)
    return add_years(appraised_on, years)


def reappraisal_due(appraised_on: date, today: date) -> bool:
    """True once the appraisal has lapsed, i.e. from the day after :func:`appraisal_valid_until`."""
    return today > appraisal_valid_until(appraised_on, today)


def earliest_appraisal_date() -> date:
    """The earliest appraisal date that was ever in force under the regulation: an appraisal is
    in force for ``appraisal_valid_years`` years, and the regulation applies from the first day
    of that parameter (第五十条), so anything older had lapsed before it took effect."""
    first = parameter("appraisal_valid_years").values[0]
    return add_years(first.since, -int(first.value))


def check_appraisal(appraised_on: date, market_rent_per_m2: Decimal, per_unit_type: Mapping[str, Decimal],
                    today: date) -> Decision:
    """An appraisal's date is not in the future nor so old that it had lapsed before the
    regulation took effect (:func:`earliest_appraisal_date`: 2020-05-06 with two years in force
    from 2022-05-06; such an appraisal can never back a rent standard), and every appraised rent
    is more than 0. An appraisal already lapsed today but in force at some time under the
    regulation may still be recorded (the record of the past); :func:`check_rent_standard`
    refuses to base a standard on it."""
    findings = []
    earliest = earliest_appraisal_date()
    if appraised_on > today:
        findings.append(Finding(ART37, "appraisal_date_in_future",
                                f"评估日期 {appraised_on.isoformat()} 晚于今天 {today.isoformat()}",
                                field="appraised_on"))
    elif appraised_on < earliest:
        years: int = value_at("appraisal_valid_years", today)
        findings.append(Finding(ART37, "appraisal_date_too_old",
                                f"评估日期 {appraised_on.isoformat()} 过早：市场租金评估 {years} 年内有效，"
                                f"早于 {earliest.isoformat()} 的评估在本办法施行前已失效，"
                                "不能作为拟订租金标准的依据",
                                field="appraised_on"))
    else:
        findings.append(Finding(ART37, "appraisal_date_valid",
                                f"评估日期 {appraised_on.isoformat()} 不晚于今天", ok=True,
                                field="appraised_on"))
    rents = [("market_rent_per_m2", "评估市场租金", market_rent_per_m2)]
    for name, rent in per_unit_type.items():
        if not name.strip():
            findings.append(Finding(ART37, "unit_type_name_required", "分户型评估市场租金须注明户型名称",
                                    field="per_unit_type"))
            continue
        rents.append((f"per_unit_type.{name}", f"户型“{name}”评估市场租金", rent))
    for where, what, rent in rents:
        if rent.is_finite() and rent > 0:
            findings.append(Finding(ART37, "market_rent_positive", f"{what} {fmt.rate(rent)} 大于 0",
                                    ok=True, field=where))
        else:
            findings.append(Finding(ART37, "market_rent_not_positive",
                                    f"{what} {fmt.rate(rent)} 应大于 0",
                                    field=where))
    return Decision.of(findings)


def _appraisal_in_force(appraisal: AppraisalFacts, on: date) -> Finding:
    appraised = appraisal.appraised_on.isoformat()
    if appraisal.appraised_on > on:
        return Finding(ART37, "appraisal_after_standard",
                       f"市场租金评估日期 {appraised} 晚于租金标准日期 {on.isoformat()}，"
                       "租金标准须根据已完成的评估结果拟订",
                       field="appraisal_id")
    last = appraisal_valid_until(appraisal.appraised_on, on)
    years: int = value_at("appraisal_valid_years", on)
    if on > last:
        return Finding(ART37, "appraisal_lapsed",
                       f"{appraised} 的市场租金评估有效至 {last.isoformat()}，"
                       f"自 {(last + timedelta(days=1)).isoformat()} 起已失效"
                       f"（市场租金原则上每 {years} 年调整一次），"
                       "须重新评估后再拟订租金标准",
                       field="appraisal_id")
    return Finding(ART37, "appraisal_in_force",
                   f"市场租金评估（{appraised}）有效至 {last.isoformat()}，{on.isoformat()} 仍在有效期内",
                   ok=True, field="appraisal_id")


def check_rent_standard(rates: Sequence[ProposedRate], appraisal: AppraisalFacts, on: date) -> Decision:
    """A rent standard filed on ``on``: appraisal in force, every rate > 0 and ≤ 90% of its market rent."""
    ratio: Decimal = value_at("rent_cap_ratio", on)
    findings = [_appraisal_in_force(appraisal, on)]
    if not rates:
        findings.append(Finding(ART37, "rates_required", "租金标准至少应包含一项租金（元/m²/月）",
                                field="rates"))
    seen: set[str | None] = set()
    for i, proposed in enumerate(rates):
        where = f"rates[{i}].rate_per_m2"
        unit_type, rate = proposed.unit_type, proposed.rate_per_m2
        subject = "租金标准" if unit_type is None else f"户型“{unit_type}”的租金标准"
        if unit_type in seen:
            findings.append(Finding(ART37, "rate_duplicate",
                                    "租金标准重复列出项目统一租金" if unit_type is None
                                    else f"租金标准重复列出户型“{unit_type}”",
                                    field=f"rates[{i}].unit_type"))
        seen.add(unit_type)
        if not (rate.is_finite() and rate > 0):
            findings.append(Finding(ART37, "rate_not_positive",
                                    f"{subject} {fmt.rate(rate)} 应大于 0",
                                    field=where))
            continue
        own = appraisal.per_unit_type.get(unit_type) if unit_type is not None else None
        market = own if own is not None else appraisal.market_rent_per_m2
        basis = "评估市场租金" if own is None else f"户型“{unit_type}”评估市场租金"
        cap = rent_cap_rate(market, on)
        why = f"上限 {fmt.rate(cap)}（{basis} {fmt.rate(market)} 的 {fmt.percent(ratio)}）"
        if rate > cap:
            findings.append(Finding(ART37, "rent_above_cap", f"{subject} {fmt.rate(rate)} 超过{why}",
                                    field=where))
        else:
            findings.append(Finding(ART37, "rent_within_cap",
                                    f"{subject} {fmt.rate(rate)} 不超过{why}", ok=True, field=where))
    return Decision.of(findings)


def lease_rent_cap(building_area_m2: Decimal, rate_per_m2: Decimal) -> Decimal:
    """The highest monthly rent of a unit: building area × filed rate, exact (第三十六条)."""
    return building_area_m2 * rate_per_m2


def check_lease_rent(monthly_rent: Decimal, building_area_m2: Decimal, rate_per_m2: Decimal,
                     on: date) -> Decision:
    """A lease's monthly rent is more than 0 and at most building area × filed rate.

    The 90% ratio was applied when the rate was filed, so no dated number enters this check; ``on`` (the
    signing date) is kept for a uniform signature. A building area or filed rate that is not more than 0 is
    not a lease fact but broken reference data and raises ValueError.
    """
    if not (building_area_m2.is_finite() and building_area_m2 > 0):
        raise ValueError("building_area_m2 must be more than 0")
    if not (rate_per_m2.is_finite() and rate_per_m2 > 0):
        raise ValueError("rate_per_m2 must be more than 0")
    if not (monthly_rent.is_finite() and monthly_rent > 0):
        return Decision((Finding(ART36, "lease_rent_not_positive",
                                 f"月租金 {fmt.yuan(monthly_rent)} 应大于 0", field="monthly_rent"),))
    cap = lease_rent_cap(building_area_m2, rate_per_m2)
    how = (f"（单套（间）建筑面积 {fmt.exact(building_area_m2)} m² × "
           f"备案租金标准 {fmt.rate(rate_per_m2)}，租金以单套（间）建筑面积计算）")
    if monthly_rent > cap:
        return Decision((Finding(ART37, "lease_rent_above_cap",
                                 f"月租金 {fmt.yuan(monthly_rent)} 超过上限 {fmt.yuan(cap)}{how}",
                                 field="monthly_rent"),))
    return Decision((Finding(ART37, "lease_rent_within_cap",
                             f"月租金 {fmt.yuan(monthly_rent)} 不超过上限 {fmt.yuan(cap)}{how}",
                             ok=True, field="monthly_rent"),))



def oldest_valid_appraisal(on: date) -> date:
    """The earliest appraisal date still in force on ``on``; anything older has lapsed.

    For a database filter (``appraised_on < oldest_valid_appraisal(today)``); it agrees with
    :func:`reappraisal_due` for every date, 29 February included.
    """
    first = add_years(on, -value_at("appraisal_valid_years", on))
    while appraisal_valid_until(first, on) < on:  # a clamped 29 February: step forward
        first += timedelta(days=1)
    return first
