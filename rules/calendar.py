"""Working days under the State Council's yearly holiday notices (第二十四条, 第四十四条).

Deadlines in 景府办发〔2022〕3号 count 工作日: public holidays are off even on weekdays, and the
weekend days a notice declares as make-up working days (调休上班) are worked. The day an event
happens is never counted: the deadline of "10 working days from acceptance" is the 10th
working day *after* the acceptance day.

Years come from the ``chinesecalendar`` package (2004 to its latest release) and from years
an administrator adds from a newly published notice. Asking about a year no notice covers
raises :class:`CalendarYearMissing`; the code never falls back to a plain weekday count.

Each year keeps a sorted tuple of its working days' ordinals, so ``add_working_days`` and
``working_days_between`` are a few binary searches per year crossed, not a day-by-day loop.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

SATURDAY = 5
_GENERIC_NOTICE = "国务院办公厅关于{year}年部分节假日安排的通知"


class CalendarYearMissing(LookupError):
    """No holiday notice is known for ``year``: working days cannot be computed."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日安排尚未录入，无法计算工作日")
        self.year = year


@dataclass(frozen=True)
class YearCalendar:
    """One year's notice: days off (holidays) and weekend days worked (make-up days)."""

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    source: str = "chinesecalendar"
    notice: str = ""
    working_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = check_year(self.year, self.holidays, self.makeup_workdays)
        if problems:
            raise ValueError("；".join(problems))
        first, last = date(self.year, 1, 1), date(self.year, 12, 31)
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        ordinals = tuple(
            d.toordinal() for d in days
            if d in self.makeup_workdays or (d.weekday() < SATURDAY and d not in self.holidays)
        )
        object.__setattr__(self, "working_ordinals", ordinals)

    def is_working_day(self, day: date) -> bool:
        ordinal = day.toordinal()
        i = bisect_left(self.working_ordinals, ordinal)
        return i < len(self.working_ordinals) and self.working_ordinals[i] == ordinal


def check_year(year: int, holidays: Iterable[date], makeup_workdays: Iterable[date]) -> list[str]:
    """What is wrong with a year's data, in Chinese; empty when it is consistent."""
    holidays, makeup = set(holidays), set(makeup_workdays)
    problems = []
    outside = sorted(d for d in holidays | makeup if d.year != year)
    if outside:
        problems.append(f"日期 {outside[0].isoformat()} 不在 {year} 年内")
    both = sorted(holidays & makeup)
    if both:
        problems.append(f"{both[0].isoformat()} 不能同时是放假日和调休上班日")
    weekday_makeup = sorted(d for d in makeup if d.weekday() < SATURDAY)
    if weekday_makeup:
        problems.append(f"调休上班日 {weekday_makeup[0].isoformat()} 不是周末")
    return problems


class WorkCalendar:
    """Working-day arithmetic over the years it knows."""

    def __init__(self, years: Iterable[YearCalendar]) -> None:
        self._years: dict[int, YearCalendar] = {y.year: y for y in years}

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def year(self, year: int) -> YearCalendar:
        try:
            return self._years[year]
        except KeyError:
            raise CalendarYearMissing(year) from None

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself never counts; n ≥ 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        year, after, remaining = start.year, start.toordinal(), n
        while True:
            days = self.year(year).working_ordinals
            i = bisect_right(days, after)
            available = len(days) - i
            if remaining <= available:
                return date.fromordinal(days[i + remaining - 1])
            remaining -= available
            year += 1
            after = date(year, 1, 1).toordinal() - 1

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: after ``start``, up to and including ``end``.

        Negative when ``end`` is before ``start`` (the count of (end, start]).
        """
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        lo, hi = start.toordinal(), end.toordinal()
        for year in range(start.year, end.year + 1):
            days = self.year(year).working_ordinals
            total += bisect_right(days, hi) - bisect_right(days, lo)
        return total


@cache
def builtin_years() -> Mapping[int, YearCalendar]:
    """The years the installed ``chinesecalendar`` package covers."""
    from chinese_calendar import constants

    holidays: dict[int, set[date]] = {}
    makeup: dict[int, set[date]] = {}
    for day in constants.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in constants.workdays:
        makeup.setdefault(day.year, set()).add(day)
    return {
        year: YearCalendar(year, frozenset(days), frozenset(makeup.get(year, ())),
                           source="chinesecalendar", notice=_GENERIC_NOTICE.format(year=year))
        for year, days in holidays.items()
    }


def builtin_calendar() -> WorkCalendar:
    return WorkCalendar(builtin_years().values())
