"""第四十条 door-access rules as tables of cases: the event time window, 疑似闲置, 疑似转借/转租,
the quiet period after a review, the ISO week of the evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rules.art40_access import (
    elsewhere,
    event_time_finding,
    idle,
    lending,
    limits,
    quiet,
    retention_cutoff,
    week_of,
)

ON = date(2026, 12, 1)
LIM = limits(ON)
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def test_the_policy_numbers_in_force() -> None:
    assert (LIM.retention_days, LIM.idle_days, LIM.lending_window_days, LIM.lending_min_entries,
            LIM.lending_min_days, LIM.batch_max_events) == (180, 60, 30, 8, 4, 1000)


@pytest.mark.parametrize(("offset", "code"), [
    (timedelta(0), None),
    (timedelta(seconds=300), None),  # the clock skew allowed
    (timedelta(seconds=301), "in_future"),
    (-timedelta(days=180), None),
    (-timedelta(days=180, seconds=1), "older_than_retention"),
])
def test_an_events_time(offset: timedelta, code: str | None) -> None:
    found = event_time_finding(NOW + offset, NOW, LIM)
    assert (found.code if found else None) == code
    if found:
        assert found.article == "第四十条" and found.field == "occurred_at"


def test_the_retention_cutoff() -> None:
    assert retention_cutoff(NOW, LIM) == NOW - timedelta(days=180)


@pytest.mark.parametrize(("last_entry", "bound_since", "expected"), [
    (None, ON - timedelta(days=60), True),            # never entered, bound 60 days
    (None, ON - timedelta(days=59), False),           # too early to tell
    (ON - timedelta(days=60), ON - timedelta(days=90), True),
    (ON - timedelta(days=59), ON - timedelta(days=90), False),
])
def test_suspected_idle(last_entry: date | None, bound_since: date, expected: bool) -> None:
    assert idle(last_entry, bound_since, ON, LIM) is expected


@pytest.mark.parametrize(("entries", "days", "expected"), [
    (8, 4, True), (7, 4, False), (20, 3, False), (30, 30, True)])
def test_suspected_lending_by_a_card_not_bound_to_the_lease(entries: int, days: int, expected: bool) -> None:
    assert lending(entries, days, LIM) is expected


@pytest.mark.parametrize(("entries", "expected"), [(8, True), (7, False)])
def test_suspected_lending_by_a_tenants_card_elsewhere(entries: int, expected: bool) -> None:
    assert elsewhere(entries, LIM) is expected


@pytest.mark.parametrize(("closed_on", "expected"), [
    (None, False), (ON - timedelta(days=29), True), (ON - timedelta(days=30), False)])
def test_a_reviewed_signal_keeps_quiet_for_a_while(closed_on: date | None, expected: bool) -> None:
    assert quiet(closed_on, ON, LIM) is expected


@pytest.mark.parametrize(("day", "week"), [
    (date(2026, 12, 1), "2026-W49"), (date(2027, 1, 1), "2026-W53"), (date(2027, 1, 4), "2027-W01")])
def test_the_evidences_iso_week(day: date, week: str) -> None:
    assert week_of(day) == week
