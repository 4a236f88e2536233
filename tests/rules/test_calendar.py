import random
from datetime import date, timedelta

import chinese_calendar
import pytest

from rules.calendar import CalendarYearMissing, WorkCalendar, YearCalendar, builtin_calendar

CAL = builtin_calendar()


@pytest.mark.parametrize(("start", "n", "expected"), [
    # The example: May Day 4/30–5/4 off, Saturday 5/7 worked.
    (date(2022, 4, 29), 10, date(2022, 5, 17)),
    (date(2022, 4, 29), 1, date(2022, 5, 5)),     # 4/30–5/4 off
    (date(2022, 5, 6), 1, date(2022, 5, 7)),      # make-up Saturday worked
    (date(2022, 4, 23), 1, date(2022, 4, 24)),    # make-up Sunday 4/24 worked
    (date(2024, 2, 9), 1, date(2024, 2, 18)),     # Spring Festival 2/10–2/17, make-up Sunday 2/18
    (date(2025, 12, 30), 3, date(2026, 1, 5)),    # across New Year into 2026
    (date(2022, 10, 1), 1, date(2022, 10, 8)),    # National Day, make-up Saturday 10/8
])
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


def test_start_day_never_counts() -> None:
    monday = date(2023, 3, 6)
    assert CAL.add_working_days(monday, 1) == date(2023, 3, 7)


def naive_add(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def test_agrees_with_a_day_by_day_count_over_every_covered_year() -> None:
    rng = random.Random(3)
    for _ in range(400):
        start = date(2004, 1, 1) + timedelta(days=rng.randrange(0, 365 * 22))
        n = rng.randrange(1, 60)
        assert CAL.add_working_days(start, n) == naive_add(start, n), (start, n)


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert CAL.working_days_between(date(2022, 4, 29), date(2022, 5, 17)) == 10
    assert CAL.working_days_between(date(2022, 4, 29), date(2022, 4, 29)) == 0
    assert CAL.working_days_between(date(2022, 5, 17), date(2022, 4, 29)) == -10
    assert CAL.working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 3


def test_a_year_without_a_notice_is_an_error_never_a_guess() -> None:
    last = CAL.years[-1]
    with pytest.raises(CalendarYearMissing) as err:
        CAL.add_working_days(date(last, 12, 20), 30)
    assert err.value.year == last + 1
    assert str(last + 1) in str(err.value)
    with pytest.raises(CalendarYearMissing):
        CAL.working_days_between(date(last, 12, 1), date(last + 1, 1, 10))
    with pytest.raises(CalendarYearMissing):
        CAL.add_working_days(date(2003, 12, 1), 1)


def test_an_added_year_extends_the_calendar() -> None:
    extra = YearCalendar(2099, frozenset({date(2099, 1, 1), date(2099, 1, 2)}),
                         frozenset({date(2099, 1, 3)}), source="admin", notice="test")
    cal = WorkCalendar([*[CAL.year(y) for y in CAL.years], extra])
    # 2099-01-01 Thursday, 01-02 Friday off; 01-03 Saturday worked.
    assert cal.add_working_days(date(2099, 1, 1), 1) == date(2099, 1, 3)
    assert not cal.is_working_day(date(2099, 1, 2))


def test_inconsistent_year_is_refused() -> None:
    with pytest.raises(ValueError, match="不是周末"):
        YearCalendar(2099, frozenset(), frozenset({date(2099, 1, 5)}))  # a Monday
    with pytest.raises(ValueError, match="不在 2099 年内"):
        YearCalendar(2099, frozenset({date(2098, 12, 31)}), frozenset())
