"""When to remind someone of a deadline (issue 18): a lead time before it, and once it passed.

The regulation sets the deadlines — 第二十四条 (10 working days to review), 第三十条 (listing
within 15 days of completion), 第三十五条 (lease end and renewal), 第三十七条 (“市场租金每两年评估
一次”), 第三十八条 (过渡期), 第四十条 (rectification; periodic fire-safety checks), 第四十四条 (“市
住建部门应在3个工作日内……作出是否同意退出的答复”) and the repair terms of 第三十九条 — and the
other rules compute them. How long before a deadline people are told is the city's platform
setting (``reminder_*`` in parameters.toml, ``policy = true``), looked up on the day of the
reminder.

A reminder is due from ``deadline − lead`` up to and including the deadline; after the
deadline only the overdue reminders (the leader's, for reviews) go out.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.params import value_at

# kind → its lead-time parameter (calendar days, or working days where the name says so)
LEAD_PARAMETER = {
    "review_due": "reminder_review_working_days",
    "listing_due": "reminder_listing_days",
    "exit_decision_due": "reminder_exit_working_days",
    "appraisal_lapsing": "reminder_appraisal_days",
    "lease_ending": "reminder_lease_end_days",
    "transition_ending": "reminder_transition_days",
    "violation_rectification_due": "reminder_rectification_days",
    "inspection_rectification_due": "reminder_rectification_days",
    "repair_accept_due": "reminder_repair_days",
    "repair_complete_due": "reminder_repair_days",
    "fire_check_due": "reminder_fire_check_days",
}


def lead(kind: str, on: date) -> int:
    """The lead time of ``kind`` in force on ``on``."""
    return int(value_at(LEAD_PARAMETER[kind], on))


def due_soon(deadline: date, today: date, lead_days: int) -> bool:
    """Whether ``today`` lies in the reminder window of ``deadline``: from ``lead_days``
    calendar days before it up to the deadline itself."""
    return deadline - timedelta(days=lead_days) <= today <= deadline


def due_soon_working(working_days_remaining: int, overdue: bool, lead_days: int) -> bool:
    """The same for a working-day clock (第二十四、四十四条): not overdue and at most
    ``lead_days`` working days left."""
    return not overdue and working_days_remaining <= lead_days




def window_end(today: date, lead_days: int) -> date:
    """The latest deadline inside the window on ``today``: ``today + lead``."""
    return today + timedelta(days=lead_days)
