"""``add_working_days`` against a day-by-day loop over ``chinesecalendar``.

Both answer the same 20,000 questions (random start dates 2004–2026, 1–60 working days); the
answers are compared, then each is timed over the whole set. The issue's target is ≥ 10×.

    .venv/bin/python -m bench.working_days
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import chinese_calendar

from rules.calendar import builtin_calendar

QUESTIONS = 20_000


def day_by_day(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def main() -> None:
    rng = random.Random(7)
    last = date(2026, 9, 1)  # 60 working days later is still inside 2026, the last known year
    span = (last - date(2004, 1, 1)).days
    questions = [(date(2004, 1, 1) + timedelta(days=rng.randrange(span)), rng.randrange(1, 61))
                 for _ in range(QUESTIONS)]
    calendar = builtin_calendar()
    assert all(calendar.add_working_days(s, n) == day_by_day(s, n) for s, n in questions[:2000])
    started = time.perf_counter()
    for s, n in questions:
        calendar.add_working_days(s, n)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for s, n in questions:
        day_by_day(s, n)
    loop = time.perf_counter() - started
    print(f"{QUESTIONS:,} questions: add_working_days {ours * 1e6 / QUESTIONS:.2f} µs each, "
          f"day-by-day {loop * 1e6 / QUESTIONS:.2f} µs each")
    print(f"speed-up: {loop / ours:.1f}× (target ≥ 10×)")


if __name__ == "__main__":
    main()
