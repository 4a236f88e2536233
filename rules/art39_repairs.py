"""第三十九条: upkeep at the operator's cost, and how fast a repair request is answered.

第三十九条: “保障性租赁住房由其所有权人或者其委托的运营单位自行管理，维修养护费用由所有权人或者其委托的运营
单位承担。运营管理接受市住建部门监督。”
第四十条第三款: “保障性租赁住房产权单位或运营管理单位应当做好保障性租赁住房及其配套设施的维修、养护工作，
确保保障性租赁住房正常使用。”

Catalog reading: repairs are never charged to the tenant, except damage the tenant caused, recorded
with a reason and disputable; the response (受理) and completion deadlines are city policy parameters,
one pair per urgency, each looked up on the day the repair was reported:

=========  ====================================  ==========================================
urgency    accept (受理) within                    complete (完成) within
=========  ====================================  ==========================================
urgent     ``repair_urgent_accept_hours`` hours   ``repair_urgent_complete_days`` days
normal     ``repair_normal_accept_working_days``  ``repair_normal_complete_working_days``
           working days                          working days
=========  ====================================  ==========================================

Semantics of :func:`term_deadline` (the instant a term ends, in the report's own time zone):

* hours count from the instant of the report: reported 10:30 + 24 h → the next day 10:30;
* days (自然日) and working days (工作日) count whole days and the day of the report never counts,
  as every period of the regulation (第二十四、三十条): the term ends when the last day ends, i.e. at
  midnight (24:00) of the ``n``-th day, or of the ``n``-th working day under the State Council's
  holiday notice (``rules.calendar``; a year without a notice raises CalendarYearMissing, never a guess);
* both deadlines count from the report — a late acceptance does not extend the completion deadline;
  a repair the tenant reopens gets a fresh completion term counted from the reopening
  (:func:`completion_deadline`);
* the tenant confirms the work, or reopens the request, until midnight of the
  ``repair_confirm_days``-th day after the day the work was reported complete
  (:func:`confirmation_deadline`); after that the operator may close it as confirmed.

:func:`check_charge`: an amount billed to the tenant for a repair is refused (第三十九条) unless the
operator records it as damage the tenant caused and says why; such a charge is a separate item the tenant
may accept or dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from rules.calendar import WorkCalendar
from rules.decision import Decision, Finding
from rules.format import yuan
from rules.params import value_at
from rules.project_facts import LabelledEnum

ARTICLE = "第三十九条"

HOURS, DAYS, WORKING_DAYS = "hours", "days", "working_days"
UNIT_TEXT = {HOURS: "小时", DAYS: "日", WORKING_DAYS: "个工作日"}


class Urgency(LabelledEnum):
    urgent = "urgent"
    normal = "normal"

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, str]:
        return {cls.urgent: "紧急", cls.normal: "一般"}


# (urgency, stage) → (parameter, unit); the unit is part of the parameter's name.
TERMS: dict[tuple[str, str], tuple[str, str]] = {
    (Urgency.urgent, "accept"): ("repair_urgent_accept_hours", HOURS),
    (Urgency.urgent, "complete"): ("repair_urgent_complete_days", DAYS),
    (Urgency.normal, "accept"): ("repair_normal_accept_working_days", WORKING_DAYS),
    (Urgency.normal, "complete"): ("repair_normal_complete_working_days", WORKING_DAYS),
}


@dataclass(frozen=True, slots=True)
class Term:
    amount: int
    unit: str

    @property
    def text(self) -> str:
        return f"{self.amount} {UNIT_TEXT[self.unit]}"


@dataclass(frozen=True, slots=True)
class RepairDeadlines:
    accept_by: datetime
    complete_by: datetime
    accept_term: Term
    complete_term: Term


def term(urgency: str, stage: str, on: datetime) -> Term:
    """The term in force on the day of ``on`` for ``stage`` (``accept`` or ``complete``)."""
    name, unit = TERMS[(Urgency(urgency), stage)]
    return Term(int(value_at(name, on.date())), unit)


def end_of_day(day: datetime, days_after: int) -> datetime:
    """Midnight (24:00) ending the day ``days_after`` days after ``day``'s date, in its time zone."""
    last = day.date() + timedelta(days=days_after)
    return datetime.combine(last + timedelta(days=1), time(), tzinfo=day.tzinfo)


def term_deadline(start: datetime, length: Term, calendar: WorkCalendar) -> datetime:
    """When a term of ``length`` counted from ``start`` ends (see the module's docstring)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware (local time of the report)")
    if length.amount < 1:
        raise ValueError("a term is at least 1")
    if length.unit == HOURS:
        return start + timedelta(hours=length.amount)
    if length.unit == DAYS:
        return end_of_day(start, length.amount)
    last = calendar.add_working_days(start.date(), length.amount)
    return datetime.combine(last + timedelta(days=1), time(), tzinfo=start.tzinfo)


def repair_deadlines(urgency: str, reported_at: datetime, calendar: WorkCalendar) -> RepairDeadlines:
    """Both deadlines of a repair reported at ``reported_at`` (local, timezone-aware)."""
    accept, complete = term(urgency, "accept", reported_at), term(urgency, "complete", reported_at)
    return RepairDeadlines(term_deadline(reported_at, accept, calendar),
                           term_deadline(reported_at, complete, calendar), accept, complete)


def completion_deadline(urgency: str, start: datetime, calendar: WorkCalendar) -> datetime:
    """The completion deadline counted from ``start`` (a reopening), with the term in force then."""
    return term_deadline(start, term(urgency, "complete", start), calendar)


def confirmation_deadline(completed_at: datetime) -> datetime:
    """Until when the tenant may confirm or reopen work reported complete at ``completed_at``."""
    days = int(value_at("repair_confirm_days", completed_at.date()))
    return end_of_day(completed_at, days)


def overdue(deadline: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Late: done after the deadline, or not done and the deadline has passed."""
    return (done_at if done_at is not None else now) > deadline


def check_charge(amount: Decimal, tenant_caused: bool, reason: str) -> Decision:
    """Whether ``amount`` may be billed to the tenant for a repair (第三十九条)."""
    if not tenant_caused:
        return Decision((Finding(
            ARTICLE, "upkeep_at_operator_cost",
            f"维修养护费用由所有权人或者其委托的运营单位承担，不得向承租人收取 {yuan(amount)}；"
            "只有承租人造成的损坏，写明事实和理由后，方可向承租人主张", field="tenant_caused"),))
    if not reason.strip():
        return Decision((Finding(
            ARTICLE, "damage_reason_required",
            "向承租人主张损坏赔偿须写明承租人造成损坏的事实和理由", field="reason"),))
    return Decision((Finding(
        ARTICLE, "tenant_caused_damage",
        f"承租人造成的损坏，由运营单位主张 {yuan(amount)}；承租人可以认可或提出异议，"
        "维修本身的费用仍由运营单位承担", ok=True, field="tenant_caused"),))
