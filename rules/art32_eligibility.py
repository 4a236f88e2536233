"""第三十二条: who may rent — an individual in the central urban area who meets one of two conditions.

第三十二条: “保障性租赁住房租赁对象主要为本市城镇常住人口在中心城区内符合条件的新市民、青年人等阶段性住房困难
人员。保障性租赁住房对象原则上以个人为基本申请单位，并应满足以下条件之一：1. 租赁对象在市中心城区无住房；
2. 符合公租房资格条件但未享受公租房保障。”
附件4 二: “本人授权并自愿配合不动产登记和住建部门核查房产情况。”

Readings:

* “以个人为基本申请单位”: the applicant is a natural person applying for themself (``individual``); under an
  employer's 整体配租 (第三十一条) each occupant it places is checked here as an individual.
* “在中心城区内”: the applicant lives or works in one of ``central_districts`` (第四条); either suffices.
* Condition (1) “在市中心城区无住房”: a registry (不动产登记) property in a central district acquired on or
  before ``on`` means the applicant owns a home there; a record with no acquisition date counts as owned (the
  registry holds it); a property acquired after ``on`` does not count yet.
* The registry wins where it has data: a non-empty ``properties`` decides (1) and a ``public_rental`` record
  decides (2); the declaration decides only where the registry has nothing. An empty ``properties`` is read as
  “no registry evidence” (the rule cannot tell “searched, nothing found” from “not searched”).
* Condition (2) “符合公租房资格条件但未享受公租房保障”: qualified and not receiving, both on the same source.
* (1) and (2) are alternatives: each is an ``ok=True`` evidence finding whose message says whether it holds;
  the pass/fail is on ``one_of_conditions``.
* Each condition keeps one code whether it passes or fails (``individual_applicant``,
  ``lives_or_works_in_central_area``, ``one_of_conditions``); ``ok`` tells which.
* A disagreement between declaration and registry is a :func:`registry_conflicts` finding for the reviewer
  (附件4 一: a false declaration may cost the applicant the benefit); it is not itself a failure of
  :func:`check_eligibility`.
* ``central_districts`` is looked up on ``on``, the application date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules import format as fmt
from rules.decision import Decision, Finding
from rules.params import value_at

ARTICLE = "第三十二条"


@dataclass(frozen=True, slots=True)
class PropertyRecord:
    """One property the registry holds for the applicant."""

    address: str
    district: str
    acquired_on: date | None
    source: str = "不动产登记"


@dataclass(frozen=True, slots=True)
class PublicRentalRecord:
    """The 住房保障 record of the applicant's public-rental (公租房) status."""

    qualified: bool
    receiving: bool
    source: str = "住房保障"


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the applicant declared (附件4)."""

    owns_home_in_central_area: bool
    public_rental_qualified: bool
    receiving_public_rental: bool


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    individual: bool                          # the applicant is a natural person applying for themself
    residence_district: str | None
    work_district: str | None
    declaration: Declaration
    properties: Sequence[PropertyRecord]      # registry records for this person (may be empty)
    public_rental: PublicRentalRecord | None  # registry record (None = no record)


def _central(on: date) -> tuple[str, ...]:
    districts: tuple[str, ...] = value_at("central_districts", on)
    return districts


def _describe(record: PropertyRecord) -> str:
    when = f"{record.acquired_on.isoformat()} 取得" if record.acquired_on is not None else "取得日期不详"
    return f"{record.address}（{record.district}，{when}，来源：{record.source}）"


def _owned_central(properties: Sequence[PropertyRecord], on: date) -> list[PropertyRecord]:
    districts = _central(on)
    return [p for p in properties
            if p.district.strip() in districts and (p.acquired_on is None or p.acquired_on <= on)]


def _individual(facts: ApplicantFacts) -> Finding:
    if facts.individual:
        return Finding(ARTICLE, "individual_applicant", "申请人为本人申请的个人，符合以个人为基本申请单位",
                       ok=True, field="individual")
    return Finding(ARTICLE, "individual_applicant",
                   "保障性租赁住房原则上以个人为基本申请单位：申请人须为本人申请的个人", field="individual")


def _lives_or_works(facts: ApplicantFacts, on: date) -> Finding:
    districts = _central(on)
    named = "、".join(districts)
    residence = (facts.residence_district or "").strip()
    work = (facts.work_district or "").strip()
    places = [(what, value) for what, value in (("居住地", residence), ("工作地", work)) if value]
    inside = [f"{what}{value}" for what, value in places if value in districts]
    if inside:
        return Finding(ARTICLE, "lives_or_works_in_central_area",
                       f"{'、'.join(inside)}属于中心城区（{named}）", ok=True,
                       field="residence_district" if residence in districts else "work_district")
    if not places:
        return Finding(ARTICLE, "lives_or_works_in_central_area",
                       f"未填写居住地或工作地：申请人须在中心城区（{named}）内居住或工作",
                       field="residence_district")
    shown = "、".join(f"{what}{value}" for what, value in places)
    return Finding(ARTICLE, "lives_or_works_in_central_area",
                   f"{shown}不在中心城区（{named}）：申请人须在中心城区内居住或工作",
                   field="residence_district")


def _condition_1(facts: ApplicantFacts, on: date) -> tuple[bool, Finding]:
    """(holds, evidence) for “在市中心城区无住房”."""
    if facts.properties:
        owned = _owned_central(facts.properties, on)
        if owned:
            message = ("条件（一）不成立：不动产登记记录显示申请人在市中心城区有住房："
                       + "；".join(_describe(p) for p in owned) + "（以登记记录为准）")
        else:
            message = (f"条件（一）成立：不动产登记记录的房产均不在市中心城区或在 {on.isoformat()} 之后取得："
                       + "；".join(_describe(p) for p in facts.properties) + "（以登记记录为准）")
        return not owned, Finding(ARTICLE, "no_home_in_central_area", message, ok=True, field="properties",
                                  holds=not owned)
    owns = facts.declaration.owns_home_in_central_area
    message = fmt.either(owns, "条件（一）不成立：不动产登记无本人房产记录，申请人申明在市中心城区有住房",
                      "条件（一）成立：不动产登记无本人房产记录，依申请人申明在市中心城区无住房")
    return not owns, Finding(ARTICLE, "no_home_in_central_area", message, ok=True,
                             field="declaration.owns_home_in_central_area", holds=not owns)


def _condition_2(facts: ApplicantFacts) -> tuple[bool, Finding]:
    """(holds, evidence) for “符合公租房资格条件但未享受公租房保障”."""
    record = facts.public_rental
    if record is not None:
        qualified, receiving = record.qualified, record.receiving
        basis, field = f"{record.source}记录显示", "public_rental"
        tail = "（以登记记录为准）"
    else:
        qualified = facts.declaration.public_rental_qualified
        receiving = facts.declaration.receiving_public_rental
        basis, field = "住房保障无本人记录，依申请人申明", "declaration.public_rental_qualified"
        tail = ""
    holds = qualified and not receiving
    state = (fmt.either(qualified, "符合公租房资格条件", "不符合公租房资格条件") + "，"
             + fmt.either(receiving, "已享受公租房保障", "未享受公租房保障"))
    message = f"条件（二）{fmt.either(holds, '成立', '不成立')}：{basis}申请人{state}{tail}"
    return holds, Finding(ARTICLE, "public_rental_qualified_not_receiving", message, ok=True, field=field,
                          holds=holds)


def check_eligibility(facts: ApplicantFacts, on: date) -> Decision:
    """第三十二条 on the application date ``on``: individual ∧ in the central area ∧ ((1) ∨ (2))."""
    holds_1, evidence_1 = _condition_1(facts, on)
    holds_2, evidence_2 = _condition_2(facts)
    if holds_1 or holds_2:
        named = (("（一）在市中心城区无住房", holds_1),
                 ("（二）符合公租房资格条件但未享受公租房保障", holds_2))
        met = "、".join(name for name, holds in named if holds)
        overall = Finding(ARTICLE, "one_of_conditions", f"满足条件之一：{met}", ok=True)
    else:
        overall = Finding(ARTICLE, "one_of_conditions",
                          "不满足以下条件之一：（一）在市中心城区无住房；（二）符合公租房资格条件但未享受公租房保障")
    return Decision.of([_individual(facts), _lives_or_works(facts, on), evidence_1, evidence_2, overall])


def registry_conflicts(facts: ApplicantFacts, on: date) -> tuple[Finding, ...]:
    """Each disagreement between the declaration and the registry, for the reviewer (the registry wins)."""
    declared = facts.declaration
    conflicts: list[Finding] = []
    if facts.properties:
        owned = _owned_central(facts.properties, on)
        if bool(owned) != declared.owns_home_in_central_area:
            registry = ("显示在市中心城区有住房：" + "；".join(_describe(p) for p in owned) if owned
                        else "显示在市中心城区无住房")
            conflicts.append(Finding(
                ARTICLE, "registry_conflict",
                f"住房情况不一致：申请人申明在市中心城区"
                f"{fmt.either(declared.owns_home_in_central_area, '有', '无')}住房，"
                f"不动产登记记录{registry}；"
                "资格审查以登记记录为准",
                field="declaration.owns_home_in_central_area"))
    record = facts.public_rental
    if record is not None:
        if record.qualified != declared.public_rental_qualified:
            conflicts.append(Finding(
                ARTICLE, "registry_conflict",
                "公租房资格不一致："
                f"申请人申明{fmt.either(declared.public_rental_qualified, '符合', '不符合')}"
                f"公租房资格条件，{record.source}记录显示{fmt.either(record.qualified, '符合', '不符合')}；"
                "资格审查以登记记录为准",
                field="declaration.public_rental_qualified"))
        if record.receiving != declared.receiving_public_rental:
            conflicts.append(Finding(
                ARTICLE, "registry_conflict",
                f"公租房保障情况不一致：申请人申明{fmt.either(declared.receiving_public_rental, '已', '未')}"
                f"享受公租房保障，{record.source}记录显示{fmt.either(record.receiving, '已', '未')}享受；"
                "资格审查以登记记录为准",
                field="declaration.receiving_public_rental"))
    return tuple(conflicts)
