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

Dates people enter are bounded by their facts (:func:`check_completion_date`: between the day the
regulation took effect and today; :func:`check_lease_start`: a lease starts no earlier than the
day its unit was published).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rules.decision import Decision, Finding
from rules.params import IN_FORCE_ARTICLE, parameter, value_at


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


def listing_duty_since() -> date:
    """The first day the listing period of 第三十条 is in force (the regulation's, 第五十条)."""
    return parameter("listing_days_after_completion").values[0].since


def check_completion_date(completed_on: date, today: date) -> Decision:
    """The completion acceptance date (第二十六条) lies between the day the regulation took
    effect and today: one finding, the first bound it breaks or the evidence that it holds.

    * Not in the future (第二十六条): a completion acceptance that has not happened cannot be
      recorded.
    * Not before the regulation took effect (第五十条): the 15 days of 第三十条 count from the
      completion date with the period in force on that day, and there is none before
      2022-05-06 — a project recorded as completed earlier would have no listing period at all
      (and every view of its listing would be refused). For a conversion the date to record is
      the acceptance of the conversion works, not the year the building was first built.
    """
    done, first = completed_on.isoformat(), listing_duty_since()
    if completed_on > today:
        return Decision((Finding("第二十六条", "completion_date_in_future",
                                 f"竣工验收合格日期 {done} 晚于今天 {today.isoformat()}，"
                                 "不能登记尚未发生的竣工验收",
                                 field="completed_on"),))
    if completed_on < first:
        return Decision((Finding(IN_FORCE_ARTICLE, "completion_before_regulation",
                                 f"竣工验收合格日期 {done} 早于本办法施行之日 {first.isoformat()}："
                                 "房源录入期限（第三十条）自竣工验收合格之日起算，本办法施行前不适用；"
                                 "改建项目请填写改建工程的竣工验收合格日期",
                                 field="completed_on"),))
    return Decision((Finding("第二十六条", "completion_date_recorded",
                             f"竣工验收合格日期 {done} 不晚于今天 {today.isoformat()}",
                             ok=True, field="completed_on"),))


def check_lease_start(start_on: date, published_on: date | None) -> Decision:
    """第三十条 (units are entered on the platform and verified by 市住建部门), read as the
    lease service reads it: a unit is let only once verified and published. So a lease starts
    no earlier than the day 市住建局 published the unit (gave it its 房源核验码); a unit not yet
    published cannot be leased at all (the caller refuses that on the unit's state)."""
    start = start_on.isoformat()
    if published_on is not None and start_on < published_on:
        return Decision((Finding("第三十条", "lease_starts_before_publication",
                                 f"租赁开始日期 {start} 早于该房源经市住建局审核发布之日 "
                                 f"{published_on.isoformat()}：房源发布后方可出租",
                                 field="start_on"),))
    return Decision((Finding("第三十条", "lease_starts_after_publication",
                             f"租赁开始日期 {start} 不早于房源发布之日", ok=True, field="start_on"),))
