"""第三十九条: the deadlines of a repair request and the charge a tenant may be asked to pay, as
tables of cases (rules/art39_repairs.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rules.art39_repairs import (
    DAYS,
    HOURS,
    WORKING_DAYS,
    Term,
    check_charge,
    completion_deadline,
    confirmation_deadline,
    overdue,
    repair_deadlines,
    term_deadline,
)
from rules.calendar import CalendarYearMissing, builtin_calendar

CST = ZoneInfo("Asia/Shanghai")
CAL = builtin_calendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def end_of(day: str) -> datetime:
    """24:00 of ``day`` (Beijing time)."""
    return at(day + "T00:00") + timedelta(days=1)


@pytest.mark.parametrize(("urgency", "reported", "accept_by", "complete_by"), [
    # urgent: 24 hours from the report; 3 calendar days, the report day not counted
    ("urgent", "2025-06-03T10:30", at("2025-06-04T10:30"), end_of("2025-06-06")),
    ("urgent", "2025-09-30T23:59", at("2025-10-01T23:59"), end_of("2025-10-03")),  # holidays count
    ("urgent", "2025-06-03T00:00", at("2025-06-04T00:00"), end_of("2025-06-06")),
    # normal: 3 and 10 working days after the report day
    ("normal", "2025-06-03T10:30", end_of("2025-06-06"), end_of("2025-06-17")),
    ("normal", "2025-06-06T17:00", end_of("2025-06-11"), end_of("2025-06-20")),  # a Friday
    ("normal", "2025-06-07T09:00", end_of("2025-06-11"), end_of("2025-06-20")),  # a Saturday
    # National Day 2025: 10-01…10-08 off, Saturday 10-11 a make-up working day (调休上班)
    ("normal", "2025-09-30T09:00", end_of("2025-10-11"), end_of("2025-10-21")),
    # Spring Festival 2025: 01-28…02-04 off, Sunday 01-26 and Saturday 02-08 worked
    ("normal", "2025-01-24T09:00", end_of("2025-02-05"), end_of("2025-02-13")),
])
def test_deadlines(urgency: str, reported: str, accept_by: datetime, complete_by: datetime) -> None:
    found = repair_deadlines(urgency, at(reported), CAL)
    assert (found.accept_by, found.complete_by) == (accept_by, complete_by)


def test_the_terms_are_the_city_s_parameters_as_of_the_report_day(dated) -> None:
    dated("repair_normal_accept_working_days", ("2022-05-06", 3), ("2025-07-01", 2))
    before = repair_deadlines("normal", at("2025-06-30T09:00"), CAL)
    after = repair_deadlines("normal", at("2025-07-01T09:00"), CAL)
    assert before.accept_term == Term(3, WORKING_DAYS) and before.accept_by == end_of("2025-07-03")
    assert after.accept_term == Term(2, WORKING_DAYS) and after.accept_by == end_of("2025-07-03")
    assert after.accept_term.text == "2 个工作日"


def test_a_reopened_repair_counts_its_completion_from_the_reopening() -> None:
    assert completion_deadline("urgent", at("2025-06-05T15:00"), CAL) == end_of("2025-06-08")
    assert completion_deadline("normal", at("2025-06-05T15:00"), CAL) == end_of("2025-06-19")


@pytest.mark.parametrize(("completed", "confirm_by"), [
    ("2025-06-03T15:00", end_of("2025-06-10")),
    ("2025-06-03T00:00", end_of("2025-06-10")),
    ("2025-09-30T23:00", end_of("2025-10-07")),  # calendar days: holidays count
])
def test_the_tenant_answers_within_seven_days(completed: str, confirm_by: datetime) -> None:
    assert confirmation_deadline(at(completed)) == confirm_by


@pytest.mark.parametrize(("length", "start", "end"), [
    (Term(1, HOURS), "2025-06-03T23:30", at("2025-06-04T00:30")),
    (Term(1, DAYS), "2025-06-03T23:30", end_of("2025-06-04")),
    (Term(1, WORKING_DAYS), "2025-06-06T08:00", end_of("2025-06-09")),
])
def test_each_unit_of_a_term(length: Term, start: str, end: datetime) -> None:
    assert term_deadline(at(start), length, CAL) == end


def test_a_year_without_a_holiday_notice_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarYearMissing):
        repair_deadlines("normal", at("2099-06-03T09:00"), CAL)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        term_deadline(datetime(2025, 6, 3, 9, 0), Term(1, DAYS), CAL)


@pytest.mark.parametrize(("deadline", "done", "now", "late"), [
    (end_of("2025-06-06"), None, at("2025-06-06T23:59"), False),
    (end_of("2025-06-06"), None, at("2025-06-07T00:01"), True),
    (end_of("2025-06-06"), at("2025-06-06T20:00"), at("2025-07-01T00:00"), False),
    (end_of("2025-06-06"), at("2025-06-08T09:00"), at("2025-06-08T10:00"), True),
])
def test_overdue(deadline: datetime, done: datetime | None, now: datetime, late: bool) -> None:
    assert overdue(deadline, done, now) is late


@pytest.mark.parametrize(("amount", "tenant_caused", "reason", "ok", "code"), [
    ("120.00", False, "换锁芯", False, "upkeep_at_operator_cost"),
    ("120.00", False, "", False, "upkeep_at_operator_cost"),
    ("120.00", True, "", False, "damage_reason_required"),
    ("120.00", True, "   ", False, "damage_reason_required"),
    ("120.00", True, "门锁被撬坏", True, "tenant_caused_damage"),
])
def test_the_tenant_pays_only_for_damage_they_caused(amount: str, tenant_caused: bool, reason: str,
                                                      ok: bool, code: str) -> None:
    decision = check_charge(Decimal(amount), tenant_caused, reason)
    assert decision.ok is ok
    assert [f.code for f in decision.findings] == [code]
    assert decision.articles == ("第三十九条",)


def test_the_refusal_names_the_amount() -> None:
    decision = check_charge(Decimal("1234.5"), False, "")
    assert "1,234.50 元" in decision.violations[0].message


def test_deadlines_are_in_the_report_s_time_zone() -> None:
    found = repair_deadlines("normal", at("2025-06-03T10:30"), CAL)
    assert found.accept_by.tzinfo is CST and found.accept_by.date() == date(2025, 6, 7)
