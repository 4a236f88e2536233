"""第二十四条 (and 第四十四条): a working-day clock with suspensions while materials are awaited.

第二十四条: “建立保障性租赁住房项目联合审批机制，从项目申请到完成认定原则上不超过10个工作日”.
第四十四条: “公示公告无异议的，应向市保租办申请，符合条件的在3个工作日内出具同意退出保障性租赁住房项目的
文件”.

Catalog reading: the clock starts on the day the office accepts a complete application (受理); while
the office waits for materials it asked for (补正) the clock is suspended and resumes with the days left.

Semantics of :func:`working_day_clock`:

* The start day never counts. The clock runs in segments (started_on, S1], (E1, S2], …, (Ek, end], where
  Si is the day the office asked for materials, Ei the day the applicant supplemented them, and end is
  ``decided_on`` once decided, else ``today``.
* The request day Si counts as elapsed (the office worked it); counting resumes after the supplement day Ei.
  An open suspension (end None) contributes nothing after its start.
* elapsed = Σ working days of the segments; remaining = limit − elapsed (negative once past the limit).
* deadline = the day on which the cumulative count reaches ``limit`` walking the segments; in the last,
  open-ended segment it is ``calendar.add_working_days(segment_start, days_left)``. While suspended, and the
  limit was not reached before the suspension, the deadline is None.
* overdue = not decided and today > deadline, or decided and decided_on > deadline (never while the
  deadline is None); on_time = not overdue once decided, else None.
* due_soon = not decided, not suspended, not overdue and 0 ≤ remaining ≤ ``due_soon_days``.
* Inconsistent input raises ValueError; a year with no holiday notice raises CalendarYearMissing (never a
  guess).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules.calendar import WorkCalendar
from rules.params import value_at


@dataclass(frozen=True, slots=True)
class Suspension:
    """The office asked for materials on ``start``; the applicant supplemented them on ``end``."""

    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class ClockState:
    started_on: date
    limit: int
    deadline: date | None
    working_days_elapsed: int
    working_days_remaining: int
    suspended: bool
    overdue: bool
    decided_on: date | None
    on_time: bool | None
    due_soon: bool


def _check_input(started_on: date, limit: int, today: date, suspensions: Sequence[Suspension],
                 decided_on: date | None, due_soon_days: int) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1 working day")
    if due_soon_days < 0:
        raise ValueError("due_soon_days must not be negative")
    if today < started_on:
        raise ValueError("today is before the clock started")
    if decided_on is not None and not started_on <= decided_on <= today:
        raise ValueError("decided_on must lie between started_on and today")
    end = decided_on if decided_on is not None else today
    previous: date = started_on
    for i, s in enumerate(suspensions):
        if i > 0 and suspensions[i - 1].end is None:
            raise ValueError(f"suspension {i} follows a suspension that is still open")
        if s.start < previous:
            label = "the clock started" if i == 0 else f"suspension {i - 1} ended"
            raise ValueError(f"suspension {i} starts before {label}")
        if s.end is not None and s.end < s.start:
            raise ValueError(f"suspension {i} ends before it starts")
        if s.start > end or (s.end is not None and s.end > end):
            raise ValueError(f"suspension {i} lies after {'the decision' if decided_on else 'today'}")
        previous = s.end if s.end is not None else s.start


def working_day_clock(calendar: WorkCalendar, started_on: date, limit: int, today: date,
                      suspensions: Sequence[Suspension] = (), decided_on: date | None = None,
                      due_soon_days: int = 0) -> ClockState:
    """Where a ``limit``-working-day clock started on ``started_on`` stands on ``today``."""
    _check_input(started_on, limit, today, suspensions, decided_on, due_soon_days)
    decided = decided_on is not None
    end = decided_on if decided_on is not None else today
    open_suspension = bool(suspensions) and suspensions[-1].end is None

    # Closed segments (a, b]; the last one is open-ended unless a suspension is still open.
    segments: list[tuple[date, date]] = []
    start = started_on
    for s in suspensions:
        segments.append((start, s.start))
        if s.end is None:
            break
        start = s.end
    tail = None if open_suspension else start

    elapsed = 0
    deadline: date | None = None
    for a, b in segments:
        n = calendar.working_days_between(a, b)
        if deadline is None and elapsed + n >= limit:
            deadline = calendar.add_working_days(a, limit - elapsed)
        elapsed += n
    if tail is not None:
        if deadline is None:
            deadline = calendar.add_working_days(tail, limit - elapsed)
        elapsed += calendar.working_days_between(tail, end)

    remaining = limit - elapsed
    suspended = open_suspension and not decided
    if deadline is None:
        overdue = False
    elif decided_on is not None:
        overdue = decided_on > deadline
    else:
        overdue = today > deadline
    return ClockState(
        started_on=started_on, limit=limit, deadline=deadline, working_days_elapsed=elapsed,
        working_days_remaining=remaining, suspended=suspended, overdue=overdue, decided_on=decided_on,
        on_time=(not overdue) if decided else None,
        due_soon=not decided and not suspended and not overdue and 0 <= remaining <= due_soon_days,
    )


def review_clock(calendar: WorkCalendar, accepted_on: date, today: date,
                 suspensions: Sequence[Suspension] = (), decided_on: date | None = None) -> ClockState:
    """The 10-working-day review clock of 第二十四条, with the parameters in force on ``accepted_on``."""
    return working_day_clock(calendar, accepted_on, value_at("review_working_days", accepted_on), today,
                             suspensions, decided_on,
                             due_soon_days=value_at("review_due_soon_working_days", accepted_on))
