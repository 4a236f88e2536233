from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest

from rules.art26_30_listing import (
    ListingState,
    check_completion_date,
    check_lease_start,
    listing_due_on,
    listing_state,
    overdue_completion_ranges,
)
from rules.params import ParameterNotInForce, value_at

D = date
COMPLETED = D(2024, 6, 1)
DUE = D(2024, 6, 16)   # 15 calendar days after completion; the completion day does not count


def test_15_calendar_days_not_working_days() -> None:
    assert value_at("listing_days_after_completion", COMPLETED) == 15
    assert listing_due_on(COMPLETED) == DUE == COMPLETED + timedelta(days=15)
    # Across the National Day holiday the period is still 15 calendar days.
    assert listing_due_on(D(2024, 9, 28)) == D(2024, 10, 13)
    # Across a month end and 29 February.
    assert listing_due_on(D(2024, 2, 20)) == D(2024, 3, 6)


@pytest.mark.parametrize(("listed_on", "overdue", "on_time"), [
    (D(2024, 6, 1), False, True),     # the completion day itself
    (D(2024, 6, 2), False, True),
    (D(2024, 6, 16), False, True),    # the 15th day after completion: on time
    (D(2024, 6, 17), True, False),    # the 16th day: late
    (D(2024, 7, 30), True, False),
    (D(2024, 5, 20), False, True),    # entered before completion: a deadline, not an earliest day
])
def test_listed(listed_on: date, overdue: bool, on_time: bool) -> None:
    state = listing_state(COMPLETED, listed_on, D(2024, 8, 1))
    assert state == ListingState(COMPLETED, DUE, listed_on, overdue=overdue, on_time=on_time)


@pytest.mark.parametrize(("today", "overdue"), [
    (D(2024, 6, 1), False),
    (D(2024, 6, 16), False),   # still due today
    (D(2024, 6, 17), True),    # the 16th day without a listing
    (D(2025, 1, 1), True),
    (D(2024, 5, 1), False),    # before completion (a future completion date is checked separately)
])
def test_not_listed(today: date, overdue: bool) -> None:
    state = listing_state(COMPLETED, None, today)
    assert (state.due_on, state.listed_on, state.overdue, state.on_time) == (DUE, None, overdue, None)


def test_a_late_listing_stays_late_and_an_on_time_one_stays_on_time() -> None:
    assert listing_state(COMPLETED, D(2024, 6, 17), D(2030, 1, 1)).overdue
    assert not listing_state(COMPLETED, D(2024, 6, 16), D(2030, 1, 1)).overdue


def test_listing_after_today_is_inconsistent() -> None:
    with pytest.raises(ValueError):
        listing_state(COMPLETED, D(2024, 6, 10), D(2024, 6, 9))


def test_completion_before_the_regulation_has_no_period() -> None:
    with pytest.raises(ParameterNotInForce):
        listing_state(D(2022, 5, 5), None, D(2022, 6, 1))
    assert listing_state(D(2022, 5, 6), None, D(2022, 5, 22)).due_on == D(2022, 5, 21)


def test_state_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        listing_state(COMPLETED, None, DUE).overdue = True  # type: ignore[misc]


@pytest.mark.parametrize(("completed_on", "today", "ok", "code"), [
    (D(2024, 6, 1), D(2024, 6, 1), True, "completion_date_recorded"),    # today
    (D(2024, 5, 31), D(2024, 6, 1), True, "completion_date_recorded"),
    (D(2024, 6, 2), D(2024, 6, 1), False, "completion_date_in_future"),  # tomorrow
])
def test_completion_date(completed_on: date, today: date, ok: bool, code: str) -> None:
    decision = check_completion_date(completed_on, today)
    assert decision.ok is ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.ok) == ("第二十六条", code, ok)
    assert finding.field == "completed_on"
    assert completed_on.isoformat() in finding.message


@pytest.mark.parametrize("today", [D(2022, 5, 6), D(2022, 5, 22), D(2024, 6, 17), D(2026, 1, 1)])
def test_overdue_completion_ranges_select_what_listing_state_calls_overdue(today: date) -> None:
    ranges = overdue_completion_ranges(today)
    day = D(2022, 5, 6)  # the regulation's first day: completions before it have no period
    while day <= today:
        chosen = any(start <= day < end for start, end in ranges)
        assert chosen == listing_state(day, None, today).overdue, day
        day += timedelta(days=1)


# --- the dates people enter, bounded by their facts ------------------------------------------------

@pytest.mark.parametrize(("completed_on", "ok", "article", "code"), [
    (D(2022, 5, 6), True, "第二十六条", "completion_date_recorded"),     # the regulation's first day
    (D(2022, 5, 5), False, "第五十条", "completion_before_regulation"),  # the day before
    (D(1, 1, 1), False, "第五十条", "completion_before_regulation"),
    (D(2024, 6, 1), True, "第二十六条", "completion_date_recorded"),
    (D(2024, 6, 2), False, "第二十六条", "completion_date_in_future"),
])
def test_completion_date_is_bounded_by_the_regulation_and_today(completed_on: date, ok: bool,
                                                                article: str, code: str) -> None:
    decision = check_completion_date(completed_on, D(2024, 6, 1))
    (finding,) = decision.findings
    assert (decision.ok, finding.article, finding.code, finding.field) == (ok, article, code,
                                                                           "completed_on")
    if ok:  # a date the rule accepts has a listing period
        listing_due_on(completed_on)


@pytest.mark.parametrize(("start_on", "published_on", "ok", "code"), [
    (D(2025, 7, 1), D(2025, 6, 3), True, "lease_starts_after_publication"),
    (D(2025, 6, 3), D(2025, 6, 3), True, "lease_starts_after_publication"),   # the day of publication
    (D(2025, 6, 2), D(2025, 6, 3), False, "lease_starts_before_publication"),
    (D(1, 1, 1), D(2025, 6, 3), False, "lease_starts_before_publication"),
    (D(2025, 6, 2), None, True, "lease_starts_after_publication"),  # no date: the unit's state decides
])
def test_a_lease_starts_no_earlier_than_its_unit_was_published(start_on: date, published_on: date | None,
                                                                ok: bool, code: str) -> None:
    decision = check_lease_start(start_on, published_on)
    (finding,) = decision.findings
    assert (decision.ok, finding.article, finding.code, finding.field) == (ok, "第三十条", code, "start_on")
