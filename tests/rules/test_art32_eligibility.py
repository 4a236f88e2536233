from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from rules.art32_eligibility import (
    ApplicantFacts,
    Declaration,
    PropertyRecord,
    PublicRentalRecord,
    check_eligibility,
    registry_conflicts,
)
from rules.params import ParameterNotInForce

D = date
ON = D(2025, 3, 1)
ART = "第三十二条"
CODES = ["individual_applicant", "lives_or_works_in_central_area", "no_home_in_central_area",
         "public_rental_qualified_not_receiving", "one_of_conditions"]


def declared(owns: bool = False, qualified: bool = False, receiving: bool = False) -> Declaration:
    return Declaration(owns_home_in_central_area=owns, public_rental_qualified=qualified,
                       receiving_public_rental=receiving)


def home(district: str, acquired_on: date | None = D(2020, 3, 1),
         address: str = "新厂西路 1 号") -> PropertyRecord:
    return PropertyRecord(address=address, district=district, acquired_on=acquired_on)


def applicant(**overrides: Any) -> ApplicantFacts:
    """An individual living in 珠山区, declaring no home and not qualified for 公租房, no registry data."""
    base = ApplicantFacts(individual=True, residence_district="珠山区", work_district=None,
                          declaration=declared(), properties=(), public_rental=None)
    return replace(base, **overrides)


def by_code(facts: ApplicantFacts, on: date = ON) -> dict[str, Any]:
    return {f.code: f for f in check_eligibility(facts, on).findings}


def test_an_eligible_applicant_sees_every_condition_with_its_article() -> None:
    decision = check_eligibility(applicant(), ON)
    assert decision.ok
    assert [f.code for f in decision.findings] == CODES
    assert decision.articles == (ART,)
    assert all(f.ok for f in decision.findings)


# --- individual and central area -------------------------------------------------------------------

def test_an_application_not_by_an_individual_fails() -> None:
    decision = check_eligibility(applicant(individual=False), ON)
    (finding,) = decision.violations
    assert (finding.article, finding.code, finding.field) == (ART, "individual_applicant", "individual")


@pytest.mark.parametrize(("residence", "work", "ok", "field", "named"), [
    ("珠山区", None, True, "residence_district", ["居住地珠山区"]),
    ("浮梁县", "高新区", True, "work_district", ["工作地高新区"]),          # works in the central area
    ("昌江区", "昌南新区", True, "residence_district", ["居住地昌江区", "工作地昌南新区"]),
    (" 昌江区 ", None, True, "residence_district", ["居住地昌江区"]),
    ("浮梁县", "乐平市", False, "residence_district", ["居住地浮梁县", "工作地乐平市"]),
    (None, None, False, "residence_district", ["未填写居住地或工作地"]),
    ("", "  ", False, "residence_district", ["未填写居住地或工作地"]),
])
def test_lives_or_works_in_the_central_area(residence: str | None, work: str | None, ok: bool, field: str,
                                            named: list[str]) -> None:
    decision = check_eligibility(applicant(residence_district=residence, work_district=work), ON)
    finding = by_code(applicant(residence_district=residence, work_district=work))[
        "lives_or_works_in_central_area"]
    assert decision.ok is ok
    assert (finding.article, finding.ok, finding.field) == (ART, ok, field)
    for text in named:
        assert text in finding.message
    assert "珠山区、昌江区、高新区、昌南新区" in finding.message


# --- condition (1): home in the central area, registry first ---------------------------------------

@pytest.mark.parametrize(("properties", "declared_owns", "holds", "field"), [
    ((), False, True, "declaration.owns_home_in_central_area"),           # no record: the declaration
    ((), True, False, "declaration.owns_home_in_central_area"),
    ((home("浮梁县"),), False, True, "properties"),                        # not central: no home there
    ((home("珠山区"),), False, False, "properties"),                       # central: owns a home
    ((home("浮梁县"), home("昌江区")), False, False, "properties"),
    ((home("珠山区", D(2025, 3, 1)),), False, False, "properties"),        # acquired on the application day
    ((home("珠山区", D(2025, 3, 2)),), False, True, "properties"),         # acquired the day after
    ((home("珠山区", None),), False, False, "properties"),                 # date unknown: counted as owned
    ((home("浮梁县"),), True, True, "properties"),                         # the registry wins
])
def test_condition_1(properties: tuple[PropertyRecord, ...], declared_owns: bool, holds: bool,
                     field: str) -> None:
    facts = applicant(properties=properties, declaration=declared(owns=declared_owns))
    decision = check_eligibility(facts, ON)
    evidence = by_code(facts)["no_home_in_central_area"]
    assert (evidence.article, evidence.ok, evidence.field) == (ART, True, field)
    assert evidence.message.startswith("条件（一）成立" if holds else "条件（一）不成立")
    # condition (2) does not hold for this applicant, so the decision follows condition (1)
    assert decision.ok is holds
    overall = by_code(facts)["one_of_conditions"]
    assert overall.ok is holds
    if not holds:
        assert decision.violations == (overall,)


def test_a_central_property_is_named_in_the_evidence() -> None:
    facts = applicant(properties=(home("珠山区", address="新厂西路 8 号"),))
    evidence = by_code(facts)["no_home_in_central_area"]
    assert "新厂西路 8 号（珠山区，2020-03-01 取得，来源：不动产登记）" in evidence.message
    assert "以登记记录为准" in evidence.message


# --- condition (2): public rental, registry first -------------------------------------------------

@pytest.mark.parametrize(("record", "declaration", "holds", "field"), [
    (None, declared(qualified=True), True, "declaration.public_rental_qualified"),
    (None, declared(qualified=True, receiving=True), False, "declaration.public_rental_qualified"),
    (None, declared(), False, "declaration.public_rental_qualified"),
    (PublicRentalRecord(qualified=True, receiving=False), declared(), True, "public_rental"),
    (PublicRentalRecord(qualified=True, receiving=True), declared(qualified=True), False, "public_rental"),
    (PublicRentalRecord(qualified=False, receiving=False), declared(qualified=True), False, "public_rental"),
])
def test_condition_2(record: PublicRentalRecord | None, declaration: Declaration, holds: bool,
                     field: str) -> None:
    # the applicant owns a central home, so only condition (2) can make them eligible
    facts = applicant(properties=(home("珠山区"),), public_rental=record,
                      declaration=replace(declaration, owns_home_in_central_area=True))
    evidence = by_code(facts)["public_rental_qualified_not_receiving"]
    assert (evidence.article, evidence.ok, evidence.field) == (ART, True, field)
    assert evidence.message.startswith("条件（二）成立" if holds else "条件（二）不成立")
    assert check_eligibility(facts, ON).ok is holds


@pytest.mark.parametrize(("holds_1", "holds_2", "ok", "named"), [
    (True, True, True, ["（一）", "（二）"]),
    (True, False, True, ["（一）"]),
    (False, True, True, ["（二）"]),
    (False, False, False, ["（一）", "（二）"]),
])
def test_one_of_conditions(holds_1: bool, holds_2: bool, ok: bool, named: list[str]) -> None:
    facts = applicant(properties=(home("浮梁县" if holds_1 else "昌江区"),),
                      public_rental=PublicRentalRecord(qualified=True, receiving=not holds_2))
    decision = check_eligibility(facts, ON)
    overall = decision.findings[-1]
    assert (overall.article, overall.code, overall.ok, overall.field) == (ART, "one_of_conditions", ok, None)
    assert decision.ok is ok
    assert [f.code for f in decision.violations] == ([] if ok else ["one_of_conditions"])
    for text in named:
        assert text in overall.message


# --- registry conflicts ---------------------------------------------------------------------------

def test_no_conflict_when_registry_and_declaration_agree_or_registry_is_silent() -> None:
    assert registry_conflicts(applicant(), ON) == ()
    assert registry_conflicts(applicant(properties=(home("浮梁县"),),
                                        public_rental=PublicRentalRecord(False, False)), ON) == ()


def test_a_declared_no_home_against_a_registered_central_home() -> None:
    facts = applicant(properties=(home("珠山区"),), declaration=declared(owns=False))
    (conflict,) = registry_conflicts(facts, ON)
    assert (conflict.article, conflict.code, conflict.ok, conflict.field) == (
        ART, "registry_conflict", False, "declaration.owns_home_in_central_area")
    assert "申请人申明在市中心城区无住房" in conflict.message
    assert "不动产登记记录显示在市中心城区有住房" in conflict.message and "珠山区" in conflict.message
    # the registry decides eligibility: condition (1) does not hold
    assert not check_eligibility(facts, ON).ok


def test_a_declared_home_against_a_registry_outside_the_central_area() -> None:
    facts = applicant(properties=(home("浮梁县"),), declaration=declared(owns=True))
    (conflict,) = registry_conflicts(facts, ON)
    assert "申请人申明在市中心城区有住房" in conflict.message
    assert "不动产登记记录显示在市中心城区无住房" in conflict.message
    assert check_eligibility(facts, ON).ok   # the registry wins


def test_every_public_rental_disagreement_is_its_own_conflict() -> None:
    facts = applicant(public_rental=PublicRentalRecord(qualified=True, receiving=True),
                      declaration=declared(qualified=False, receiving=False),
                      properties=(home("昌江区"),))
    conflicts = registry_conflicts(facts, ON)
    assert [(f.code, f.field) for f in conflicts] == [
        ("registry_conflict", "declaration.owns_home_in_central_area"),
        ("registry_conflict", "declaration.public_rental_qualified"),
        ("registry_conflict", "declaration.receiving_public_rental"),
    ]
    assert all(f.article == ART and not f.ok for f in conflicts)
    assert "申明不符合公租房资格条件" in conflicts[1].message
    assert "住房保障记录显示符合" in conflicts[1].message
    assert "申明未享受公租房保障" in conflicts[2].message
    assert "住房保障记录显示已享受" in conflicts[2].message


def test_before_the_regulation_there_is_no_answer() -> None:
    with pytest.raises(ParameterNotInForce):
        check_eligibility(applicant(), D(2022, 5, 5))
