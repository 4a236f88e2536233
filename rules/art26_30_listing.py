"""第二十六条 and 第三十条: completion acceptance, then the listing of the units within 15 days.

第二十六条: “对保障性租赁住房的竣工验收，应由建设单位提出申请验收，相关各方联合验收。”
第三十条: “保障性租赁住房建设单位在办理项目竣工验收合格后 15 日内，将房源信息录入租赁平台，市住建部门
并及时进行房源审核确认。”

Catalog reading: the 15 days are calendar days (the article says 日, not 工作日), parameter
``listing_days_after_completion`` looked up on the completion date.

Semantics of :func:`listing_state`: the completion day does not count (a period counted in days starts
the next day), so ``due_on`` = completed_on + 15 days is the last day of the period: listed on the 15th day
after completion is on time, on the 16th it is late. Not yet listed, the listing is overdue from the day
after ``due_on``. A listing entered before the completion date is on time (the article sets a deadline,
not an earliest day). ``listed_on`` after ``today`` is inconsistent input and raises ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rules.decision import Decision, Finding
from rules.params import parameter, value_at


@dataclass(frozen=True, slots=True)
class ListingState:
    completed_on: date
    due_on: date
    listed_on: date | None
    overdue: bool
    on_time: bool | None


def listing_due_on(completed_on: date) -> date:
    """The last day on which the units may be entered on the platform (第三十条)."""
    days: int = value_at("listing_days_after_completion", completed_on)
    return completed_on + timedelta(days=days)


def listing_state(completed_on: date, listed_on: date | None, today: date) -> ListingState:
    """Where the 15-day listing period of a project completed on ``completed_on`` stands on ``today``."""
    if listed_on is not None and listed_on > today:
        raise ValueError("listed_on lies after today")
    due_on = listing_due_on(completed_on)
    if listed_on is None:
        return ListingState(completed_on, due_on, None, overdue=today > due_on, on_time=None)
    late = listed_on > due_on
    return ListingState(completed_on, due_on, listed_on, overdue=late, on_time=not late)


def overdue_completion_ranges(today: date) -> list[tuple[date, date]]:
    """The completion dates for which a listing not yet entered is overdue on ``today``, as
    half-open ranges ``[start, end)``: exactly the ``completed_on`` for which
    ``listing_state(completed_on, None, today).overdue`` holds, so a query over many projects
    can select them (overdue ⇔ completed_on + days < today, the days in force on completed_on).
    """
    values = parameter("listing_days_after_completion").values
    ranges = []
    for i, dated in enumerate(values):
        end = today - timedelta(days=dated.value)
        if i + 1 < len(values):
            end = min(end, values[i + 1].since)
        if dated.since < end:
            ranges.append((dated.since, end))
    return ranges


def check_completion_date(completed_on: date, today: date) -> Decision:
    """The completion acceptance date (第二十六条) is not in the future."""
    if completed_on > today:
        return Decision((Finding("第二十六条", "completion_date_in_future",
                                 f"竣工验收合格日期 {completed_on.isoformat()} 晚于今天 {today.isoformat()}，"
                                 "不能登记尚未发生的竣工验收",
                                 field="completed_on"),))
    return Decision((Finding("第二十六条", "completion_date_recorded",
                             f"竣工验收合格日期 {completed_on.isoformat()} 不晚于今天 {today.isoformat()}",
                             ok=True, field="completed_on"),))
