"""Finding the deadlines that are near and telling the right people, once.

Each reminder is (kind, object, deadline, recipient); the ``reminder`` table holds one row per
such tuple (UNIQUE), written in the same savepoint as its notice, so a reminder goes out once
however often the daily job runs, on however many workers, after a restart, and when an
administrator runs the job again by hand. A deadline that moves (a reopened repair, an extended
过渡期) is a new deadline and gets its own reminder.

Who is told:
  review due (第二十四条)              the office and the departments that have not answered yet;
  review overdue                      the leading group;
  listing (第三十条), appraisal (第三十七条), fire-safety checks, 住建 inspections and repairs
  (第三十九、四十条)                   the project's operator (its organisation's accounts);
  exit decision (第四十四条)           the office, which answers, and the operator, which asked;
  lease end (第三十五条), 过渡期 (第三十八条)
                                      the tenant (an employer's whole-unit lease: the employer);
  a violation's rectification (第四十条) the party it was recorded against.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.approval.review import suspensions
from app.audit.service import SYSTEM, record
from app.calendar.service import work_calendar
from app.core import clock
from app.core.config import get_settings
from app.leases.enums import ViolationParty
from app.notices import service as notices
from app.reminders import messages, repository
from app.reminders.enums import MANDATORY, ReminderKind
from app.reminders.models import Reminder
from rules import reminders as rule
from rules.art24_review_clock import review_clock
from rules.art26_30_listing import listing_due_on
from rules.art36_37_rent import appraisal_valid_until
from rules.art40_safety import fire_check_due
from rules.art43_44_exit import exit_decision_clock
from rules.calendar import CalendarYearMissing

log = logging.getLogger("baozu.reminders")
K = ReminderKind


@dataclass(frozen=True)
class Due:
    """A deadline someone must be told of."""

    kind: ReminderKind
    object_type: str
    object_id: int
    deadline: date
    recipients: tuple[int, ...]
    subject: str
    link: str
    extra: str = ""


class People:
    """Who holds which role, department and organisation (staff accounts, read once)."""

    def __init__(self, session: Session) -> None:
        self.by_role: dict[str, list[int]] = defaultdict(list)
        self.by_department: dict[int, list[int]] = defaultdict(list)
        self.by_organization: dict[int, list[int]] = defaultdict(list)
        for user in repository.staff(session):
            self.by_role[user.role].append(user.id)
            if user.role == Role.department and user.department_id is not None:
                self.by_department[user.department_id].append(user.id)
            if user.role in (Role.developer, Role.employer) and user.organization_id is not None:
                self.by_organization[user.organization_id].append(user.id)

    def role(self, role: Role) -> tuple[int, ...]:
        return tuple(self.by_role.get(role.value, ()))

    def organization(self, organization_id: int | None) -> tuple[int, ...]:
        return tuple(self.by_organization.get(organization_id, ())) if organization_id else ()

    def departments(self, ids: list[int]) -> tuple[int, ...]:
        return tuple(u for d in ids for u in self.by_department.get(d, ()))


def _last_day(deadline: datetime) -> date:
    """The day a deadline instant ends (a term ending at 24:00 is stored as the next 00:00)."""
    return clock.local_date(deadline - timedelta(microseconds=1))


def _reviews(session: Session, people: People, today: date) -> list[Due]:
    found: list[Due] = []
    projects = repository.projects_under_review(session)
    pending: dict[int, list[int]] = defaultdict(list)
    for project_id, department_id in repository.pending_dispatches(session, [p.id for p in projects]):
        pending[project_id].append(department_id)
    calendar = work_calendar(session)
    lead = rule.lead(K.review_due, today)
    for p in projects:
        try:
            ended = p.decided_on or p.withdrawn_on
            state = review_clock(calendar, p.accepted_on, max(today, ended or p.accepted_on),  # type: ignore[arg-type]
                                 suspensions(p), decided_on=ended)
        except CalendarYearMissing:
            log.warning("project %s: the review clock needs a holiday year not entered yet", p.id)
            continue
        if state is None or state.deadline is None or state.suspended:
            continue
        link = f"/projects/{p.id}"
        if state.overdue:
            found.append(Due(K.review_overdue, "project", p.id, state.deadline, people.role(Role.leader),
                             p.name, link, f"已超过 {-state.working_days_remaining} 个工作日，"
                             if state.working_days_remaining < 0 else ""))
        elif rule.due_soon_working(state.working_days_remaining, state.overdue, lead):
            found.append(Due(K.review_due, "project", p.id, state.deadline,
                             people.role(Role.office) + people.departments(pending[p.id]), p.name, link,
                             f"剩余 {state.working_days_remaining} 个工作日，"))
    return found


def _projects(session: Session, people: People, today: date) -> list[Due]:
    found: list[Due] = []
    lead = rule.lead(K.listing_due, today)
    for p in repository.awaiting_listing(session):
        deadline = listing_due_on(p.completed_on)  # type: ignore[arg-type]
        if rule.due_soon(deadline, today, lead):
            found.append(Due(K.listing_due, "project", p.id, deadline, people.organization(p.organization_id),
                             p.name, f"/projects/{p.id}"))
    lead = rule.lead(K.appraisal_lapsing, today)
    for p, appraised_on in repository.latest_appraisals(session):
        deadline = appraisal_valid_until(appraised_on, today)
        if rule.due_soon(deadline, today, lead):
            found.append(Due(K.appraisal_lapsing, "project", p.id, deadline,
                             people.organization(p.organization_id), p.name, f"/projects/{p.id}"))
    lead = rule.lead(K.fire_check_due, today)
    for p, last in repository.operating_with_last_check(session):
        deadline = fire_check_due(last, p.operation_started_on)
        if deadline is not None and rule.due_soon(deadline, today, lead):
            found.append(Due(K.fire_check_due, "project", p.id, deadline,
                             people.organization(p.organization_id), p.name, f"/projects/{p.id}/upkeep"))
    calendar = work_calendar(session)
    lead = rule.lead(K.exit_decision_due, today)
    for request, p in repository.pending_exits(session):
        try:
            state = exit_decision_clock(calendar, request.requested_on, today)
        except CalendarYearMissing:
            continue
        if state.deadline is not None and rule.due_soon_working(state.working_days_remaining,
                                                                state.overdue, lead):
            found.append(Due(K.exit_decision_due, "exit_request", request.id, state.deadline,
                             people.role(Role.office) + people.organization(p.organization_id), p.name,
                             f"/projects/{p.id}"))
    return found


def _leases(session: Session, people: People, today: date) -> list[Due]:
    found: list[Due] = []
    lead = rule.lead(K.lease_ending, today)
    for lease in repository.leases_ending(session, rule.window_end(today, lead)):
        if rule.due_soon(lease.end_on, today, lead):
            found.append(Due(K.lease_ending, "lease", lease.id, lease.end_on, _holder(people, lease),
                             lease.number, f"/leases/{lease.id}"))
    lead = rule.lead(K.transition_ending, today)
    for lease in repository.transitions_ending(session, rule.window_end(today, lead)):
        ends = lease.transition_ends_on
        if ends is not None and rule.due_soon(ends, today, lead):
            found.append(Due(K.transition_ending, "lease", lease.id, ends, _holder(people, lease),
                             lease.number, f"/leases/{lease.id}"))
    lead = rule.lead(K.violation_rectification_due, today)
    for v, number in repository.open_violations(session, rule.window_end(today, lead)):
        if not rule.due_soon(v.rectify_by, today, lead):
            continue
        if v.party == ViolationParty.tenant:
            to = (v.tenant_id,) if v.tenant_id else ()
            subject = f"租赁合同 {number} 的违规事项" if number else "违规事项"
        else:
            to, subject = people.organization(v.organization_id), "运营单位违规事项"
        link = f"/leases/{v.lease_id}" if v.lease_id else f"/projects/{v.project_id}"
        found.append(Due(K.violation_rectification_due, "violation", v.id, v.rectify_by, to, subject, link))
    return found


def _holder(people: People, lease: object) -> tuple[int, ...]:
    tenant_id = getattr(lease, "tenant_id", None)
    if tenant_id:
        return (tenant_id,)
    return people.organization(getattr(lease, "employer_organization_id", None))


def _upkeep(session: Session, people: People, today: date) -> list[Due]:
    found: list[Due] = []
    lead = rule.lead(K.inspection_rectification_due, today)
    for i, p in repository.open_inspections(session, rule.window_end(today, lead)):
        if i.rectify_by is not None and rule.due_soon(i.rectify_by, today, lead):
            found.append(Due(K.inspection_rectification_due, "inspection", i.id, i.rectify_by,
                             people.organization(p.organization_id),
                             f"{p.name} {messages.day(i.inspected_on)} 检查", f"/projects/{p.id}/upkeep"))
    lead = rule.lead(K.repair_complete_due, today)
    zone = ZoneInfo(get_settings().timezone)
    until = datetime.combine(rule.window_end(today, lead) + timedelta(days=1), time(), zone)
    for r, p in repository.repairs_to_accept(session, until):
        deadline = _last_day(r.accept_by)
        if rule.due_soon(deadline, today, lead):
            found.append(Due(K.repair_accept_due, "repair", r.id, deadline,
                             people.organization(p.organization_id), f"#{r.id}（{p.name}）",
                             f"/repairs/{r.id}"))
    for r, p in repository.repairs_to_complete(session, until):
        deadline = _last_day(r.complete_by)
        if rule.due_soon(deadline, today, lead):
            found.append(Due(K.repair_complete_due, "repair", r.id, deadline,
                             people.organization(p.organization_id), f"#{r.id}（{p.name}）",
                             f"/repairs/{r.id}"))
    return found


def due_reminders(session: Session, today: date) -> list[Due]:
    """Every deadline in its reminder window on ``today``, with the people to tell."""
    people = People(session)
    return [*_reviews(session, people, today), *_projects(session, people, today),
            *_leases(session, people, today), *_upkeep(session, people, today)]


def send_due(session: Session, today: date | None = None) -> int:
    """Send the reminders due on ``today`` that were not sent before; the number sent."""
    today = today or clock.today()
    return send(session, due_reminders(session, today), today)


def send(session: Session, dues: list[Due], today: date) -> int:
    """Send each of ``dues`` to each of its recipients unless that reminder was sent before."""
    keys = {(d.kind.value, d.object_type, d.object_id, d.deadline, r): d for d in dues for r in d.recipients}
    already = repository.sent_keys(session, keys)
    sent: Counter[str] = Counter()
    for key, due in keys.items():
        if key in already:
            continue
        recipient = key[4]
        message = messages.render(due.kind, subject=due.subject, deadline=due.deadline, extra=due.extra)
        try:
            with session.begin_nested():
                notice = notices.send(session, user_id=recipient, kind=due.kind, title=message.title,
                                      message=message.body, link=due.link, mandatory=due.kind in MANDATORY)
                session.add(Reminder(kind=due.kind, object_type=due.object_type, object_id=due.object_id,
                                     deadline=due.deadline, recipient_id=recipient, notice_id=notice.id,
                                     sent_on=today))
                session.flush()
        except IntegrityError:  # another run sent it a moment ago
            continue
        sent[due.kind.value] += 1
    total = sum(sent.values())
    if total:
        record(session, actor=SYSTEM, action="reminders.sent", entity_type="reminders",
               entity_id=today.isoformat(), summary={"count": total, "by_kind": dict(sent)})
    return total
