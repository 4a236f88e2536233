from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from rules.art24_review_clock import ClockState, Suspension, review_clock, working_day_clock
from rules.calendar import CalendarYearMissing, builtin_calendar
from rules.params import ParameterNotInForce, value_at

CAL = builtin_calendar()
D = date
MAY_DAY = D(2022, 4, 29)   # a Friday; 4/30–5/4 off, Saturday 5/7 worked


def clock(today: date, *suspensions: Suspension, decided_on: date | None = None, start: date = MAY_DAY,
          limit: int = 10, due_soon_days: int = 2) -> ClockState:
    return working_day_clock(CAL, start, limit, today, suspensions, decided_on, due_soon_days)


@pytest.mark.parametrize(("start", "limit", "deadline"), [
    (MAY_DAY, 10, D(2022, 5, 17)),                # the catalog's example
    (D(2022, 9, 29), 10, D(2022, 10, 18)),        # National Day 10/1–10/7, make-up 10/8 and 10/9 worked
    (D(2022, 9, 30), 3, D(2022, 10, 10)),         # 3 working days across National Day (第四十四条)
    (D(2024, 2, 1), 10, D(2024, 2, 20)),          # Spring Festival: make-up Sundays 2/4 and 2/18 worked
    (D(2024, 2, 9), 1, D(2024, 2, 18)),           # 2/10–2/17 off, Sunday 2/18 worked
    (D(2025, 12, 26), 10, D(2026, 1, 12)),        # across New Year (1/1–1/3 off, Sunday 1/4 worked)
])
def test_deadline_without_suspension(start: date, limit: int, deadline: date) -> None:
    state = clock(start, start=start, limit=limit)
    assert state.deadline == deadline
    assert (state.working_days_elapsed, state.working_days_remaining) == (0, limit)
    assert state == clock(start, start=start, limit=limit)   # pure
    assert CAL.working_days_between(start, deadline) == limit


@pytest.mark.parametrize(("today", "elapsed", "remaining", "due_soon", "overdue"), [
    (D(2022, 4, 29), 0, 10, False, False),   # the start day never counts
    (D(2022, 5, 4), 0, 10, False, False),    # holidays
    (D(2022, 5, 5), 1, 9, False, False),
    (D(2022, 5, 7), 3, 7, False, False),     # make-up Saturday counts
    (D(2022, 5, 8), 3, 7, False, False),     # Sunday does not
    (D(2022, 5, 12), 7, 3, False, False),
    (D(2022, 5, 13), 8, 2, True, False),     # 2 working days left
    (D(2022, 5, 15), 8, 2, True, False),     # still 2 over the weekend
    (D(2022, 5, 16), 9, 1, True, False),
    (D(2022, 5, 17), 10, 0, True, False),    # due today
    (D(2022, 5, 18), 11, -1, False, True),   # past the deadline
    (D(2022, 5, 21), 13, -3, False, True),   # a Saturday: 5/18–5/20 elapsed
])
def test_progress_and_flags_while_undecided(today: date, elapsed: int, remaining: int, due_soon: bool,
                                            overdue: bool) -> None:
    state = clock(today)
    assert state.deadline == D(2022, 5, 17)
    assert (state.working_days_elapsed, state.working_days_remaining) == (elapsed, remaining)
    assert (state.due_soon, state.overdue, state.suspended) == (due_soon, overdue, False)
    assert state.on_time is None and state.decided_on is None


@pytest.mark.parametrize(("due_soon_days", "today", "due_soon"), [
    (0, D(2022, 5, 16), False), (0, D(2022, 5, 17), True),
    (3, D(2022, 5, 12), True), (1, D(2022, 5, 13), False),
])
def test_due_soon_threshold(due_soon_days: int, today: date, due_soon: bool) -> None:
    assert clock(today, due_soon_days=due_soon_days).due_soon is due_soon


def test_suspension_extends_the_deadline_by_the_days_it_covered() -> None:
    suspension = Suspension(D(2022, 5, 5), D(2022, 5, 9))
    covered = CAL.working_days_between(D(2022, 5, 5), D(2022, 5, 9))
    assert covered == 3   # 5/6, 5/7 (make-up Saturday) and 5/9
    state = clock(D(2022, 5, 10), suspension)
    assert state.deadline == CAL.add_working_days(D(2022, 5, 17), covered) == D(2022, 5, 20)
    assert state.working_days_elapsed == 2   # 5/5 (the request day) and 5/10
    assert state.working_days_remaining == 8
    assert not state.suspended


@pytest.mark.parametrize(("suspensions", "today", "elapsed", "deadline", "suspended"), [
    # Waiting for materials asked for on 5/5: 5/5 counted, nothing after it; no deadline yet.
    ((Suspension(D(2022, 5, 5), None),), D(2022, 5, 20), 1, None, True),
    # Asked on the acceptance day itself, supplemented on 5/6: counting starts after 5/6.
    ((Suspension(MAY_DAY, D(2022, 5, 6)),), D(2022, 5, 9), 2, D(2022, 5, 19), False),
    ((Suspension(MAY_DAY, None),), D(2022, 5, 9), 0, None, True),
    # Two suspensions: 5/5 counted, back after 5/9; 5/10–5/12 counted, back after 5/16.
    ((Suspension(D(2022, 5, 5), D(2022, 5, 9)), Suspension(D(2022, 5, 12), D(2022, 5, 16))),
     D(2022, 5, 16), 4, D(2022, 5, 24), False),
    # Supplemented and asked again on the same day.
    ((Suspension(D(2022, 5, 5), D(2022, 5, 9)), Suspension(D(2022, 5, 9), D(2022, 5, 10))),
     D(2022, 5, 10), 1, D(2022, 5, 23), False),
    # Supplemented the same day it was asked: nothing lost.
    ((Suspension(D(2022, 5, 5), D(2022, 5, 5)),), D(2022, 5, 6), 2, D(2022, 5, 17), False),
    # The limit was already reached before the office asked: the deadline stays, the case is overdue.
    ((Suspension(D(2022, 5, 18), None),), D(2022, 5, 20), 11, D(2022, 5, 17), True),
    # Asked exactly on the deadline day: the limit was reached that day.
    ((Suspension(D(2022, 5, 17), None),), D(2022, 5, 18), 10, D(2022, 5, 17), True),
])
def test_suspensions(suspensions: tuple[Suspension, ...], today: date, elapsed: int, deadline: date | None,
                     suspended: bool) -> None:
    state = clock(today, *suspensions)
    assert state.working_days_elapsed == elapsed
    assert state.working_days_remaining == 10 - elapsed
    assert state.deadline == deadline
    assert state.suspended is suspended
    assert state.overdue is (deadline is not None and today > deadline)
    if suspended:
        assert not state.due_soon


@pytest.mark.parametrize(("suspensions", "decided_on", "on_time", "elapsed"), [
    ((), D(2022, 5, 17), True, 10),            # decided on the deadline
    ((), D(2022, 5, 18), False, 11),           # one working day later
    ((), D(2022, 5, 14), True, 8),             # on a Saturday before the deadline
    ((), MAY_DAY, True, 0),                    # the same day
    ((Suspension(D(2022, 5, 5), D(2022, 5, 9)),), D(2022, 5, 20), True, 10),
    ((Suspension(D(2022, 5, 5), D(2022, 5, 9)),), D(2022, 5, 23), False, 11),
    ((Suspension(D(2022, 5, 5), None),), D(2022, 6, 30), True, 1),   # refused while still waiting
])
def test_decided(suspensions: tuple[Suspension, ...], decided_on: date, on_time: bool, elapsed: int) -> None:
    state = clock(D(2022, 7, 1), *suspensions, decided_on=decided_on)
    assert state.decided_on == decided_on
    assert state.on_time is on_time
    assert state.overdue is not on_time
    assert state.working_days_elapsed == elapsed   # counted up to the decision, not today
    assert not state.due_soon and not state.suspended


def test_review_clock_uses_the_parameters_in_force_on_acceptance() -> None:
    accepted = D(2022, 9, 29)
    assert value_at("review_working_days", accepted) == 10
    assert value_at("review_due_soon_working_days", accepted) == 2
    state = review_clock(CAL, accepted, D(2022, 10, 14))
    assert state.limit == 10 and state.deadline == D(2022, 10, 18)
    assert (state.working_days_elapsed, state.working_days_remaining, state.due_soon) == (8, 2, True)
    assert not review_clock(CAL, accepted, D(2022, 10, 13)).due_soon
    decided = review_clock(CAL, accepted, D(2022, 10, 20), decided_on=D(2022, 10, 19))
    assert decided.on_time is False


def test_review_clock_before_the_regulation_took_effect() -> None:
    # 第二十四条 took effect on 2022-05-06 (第五十条): an earlier acceptance has no 10-day limit.
    with pytest.raises(ParameterNotInForce):
        review_clock(CAL, MAY_DAY, D(2022, 5, 10))
    # Accepted on the day it took effect: Saturday 5/7 worked, so the 10th working day is 5/19.
    assert review_clock(CAL, D(2022, 5, 6), D(2022, 5, 6)).deadline == D(2022, 5, 19)


def test_review_clock_spring_festival_with_suspension() -> None:
    # Accepted Thu 2024-02-01; asked for materials Mon 2/5, supplemented Sun 2/18 (a make-up working day).
    state = review_clock(CAL, D(2024, 2, 1), D(2024, 2, 19), [Suspension(D(2024, 2, 5), D(2024, 2, 18))])
    assert state.working_days_elapsed == 4   # 2/2, 2/4 (make-up Sunday), 2/5, then 2/19
    assert state.deadline == D(2024, 2, 27)   # 7 left after 2/18: 2/19–2/23, 2/26, 2/27
    assert (state.working_days_remaining, state.due_soon) == (6, False)


def test_a_deadline_in_a_year_without_a_calendar_is_an_error() -> None:
    last = CAL.years[-1]
    with pytest.raises(CalendarYearMissing) as err:
        clock(D(last, 12, 24), start=D(last, 12, 24))
    assert err.value.year == last + 1
    with pytest.raises(CalendarYearMissing):
        clock(D(last + 1, 1, 4), start=D(last, 12, 30), limit=1)   # elapsed reaches into the missing year


@pytest.mark.parametrize(("kwargs", "suspensions"), [
    ({}, (Suspension(D(2022, 4, 28), D(2022, 5, 5)),)),                      # before the start
    ({}, (Suspension(D(2022, 5, 9), D(2022, 5, 5)),)),                       # ends before it starts
    ({}, (Suspension(D(2022, 5, 5), None), Suspension(D(2022, 5, 9), D(2022, 5, 10)))),  # after an open one
    ({}, (Suspension(D(2022, 5, 5), D(2022, 5, 10)), Suspension(D(2022, 5, 9), None))),  # overlapping
    ({}, (Suspension(D(2022, 5, 10), None), Suspension(D(2022, 5, 5), D(2022, 5, 6)))),  # out of order
    ({}, (Suspension(D(2022, 6, 1), None),)),                                # after today
    ({"decided_on": D(2022, 5, 10)}, (Suspension(D(2022, 5, 5), D(2022, 5, 12)),)),  # after the decision
    ({"decided_on": D(2022, 4, 28)}, ()),                                    # decided before the start
    ({"decided_on": D(2022, 5, 21)}, ()),                                    # decided after today
    ({"limit": 0}, ()),
    ({"due_soon_days": -1}, ()),
])
def test_inconsistent_input_is_refused(kwargs: dict, suspensions: tuple[Suspension, ...]) -> None:
    with pytest.raises(ValueError):
        clock(D(2022, 5, 20), *suspensions, **kwargs)


def test_today_before_the_start_is_refused() -> None:
    with pytest.raises(ValueError):
        clock(D(2022, 4, 28))


def test_state_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        clock(D(2022, 5, 10)).overdue = True  # type: ignore[misc]
