"""第四十条: dynamic supervision of use through smart door access (智能门禁), as signals a person confirms.

第四十条: “市住建部门应加强指导、检查和督促保障性租赁住房房源使用、安全管理等工作。” and “承租人违反规定将
保障性租赁住房出售、转借、出租（转租）、闲置、改变用途且拒不整改的，按照合同约定，终止租赁合同收回租赁住房。”
The city's implementation asks owners and operators to build 智能门禁管理系统 connected to the rental platform
and to mobile phones, “通过技术手段进行动态监管”.

Catalog reading (issue 19): door events are personal data kept ``access_retention_days`` days;
a device's clock may run ``access_clock_skew_seconds`` ahead; a batch holds at most
``access_batch_max_events`` events and a device reports at most
``access_device_events_per_minute`` events a minute. From the events the platform raises
*signals*, never decisions: a person dismisses a signal or opens a 第四十条 violation.

* 疑似闲置 (:func:`idle`): a lease in force, with a credential bound at least
  ``access_idle_days`` days, whose bound credentials show no granted entry for that long;
* 疑似转借/转租 (:func:`lending`): in the last ``access_lending_window_days`` days, a
  credential of the unit not bound to the unit's lease in force entered at least
  ``access_lending_min_entries`` times on at least ``access_lending_min_days`` days;
  (:func:`elsewhere`) or a tenant's credential entered at other projects at least
  ``access_lending_min_entries`` times.

A signal dismissed (or turned into a case) is not raised again for the same lease and kind until
``access_signal_quiet_days`` days have passed. Every number is looked up on the day of the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rules.decision import Finding
from rules.params import value_at

ARTICLE = "第四十条"


@dataclass(frozen=True)
class Limits:
    retention_days: int
    clock_skew_seconds: int
    batch_max_events: int
    events_per_minute: int
    idle_days: int
    lending_window_days: int
    lending_min_entries: int
    lending_min_days: int
    quiet_days: int


def limits(on: date) -> Limits:
    return Limits(
        retention_days=int(value_at("access_retention_days", on)),
        clock_skew_seconds=int(value_at("access_clock_skew_seconds", on)),
        batch_max_events=int(value_at("access_batch_max_events", on)),
        events_per_minute=int(value_at("access_device_events_per_minute", on)),
        idle_days=int(value_at("access_idle_days", on)),
        lending_window_days=int(value_at("access_lending_window_days", on)),
        lending_min_entries=int(value_at("access_lending_min_entries", on)),
        lending_min_days=int(value_at("access_lending_min_days", on)),
        quiet_days=int(value_at("access_signal_quiet_days", on)),
    )


def event_time_finding(occurred_at: datetime, now: datetime, lim: Limits) -> Finding | None:
    """Why an event's time is refused, or None: not in the future beyond the clock skew, not older
    than the retention window (it would be purged at once)."""
    if occurred_at > now + timedelta(seconds=lim.clock_skew_seconds):
        return Finding(ARTICLE, "in_future",
                       f"事件时间晚于平台时间超过 {lim.clock_skew_seconds} 秒（设备时钟可能不准）",
                       field="occurred_at")
    if occurred_at < now - timedelta(days=lim.retention_days):
        return Finding(ARTICLE, "older_than_retention",
                       f"事件时间早于保存期限（{lim.retention_days} 日），不予接收", field="occurred_at")
    return None


def retention_cutoff(now: datetime, lim: Limits) -> datetime:
    """Events that occurred before this instant are purged."""
    return now - timedelta(days=lim.retention_days)


def idle(last_entry: date | None, bound_since: date, today: date, lim: Limits) -> bool:
    """疑似闲置: bound long enough to tell, and no entry for ``idle_days`` days (None: none at all)."""
    if bound_since > today - timedelta(days=lim.idle_days):
        return False
    return last_entry is None or last_entry <= today - timedelta(days=lim.idle_days)


def lending(entries: int, days: int, lim: Limits) -> bool:
    """疑似转借/转租 by a credential of the unit not bound to its lease: repeatedly, on several days."""
    return entries >= lim.lending_min_entries and days >= lim.lending_min_days


def elsewhere(entries: int, lim: Limits) -> bool:
    """疑似转借/转租: the tenant's credential used repeatedly at other projects."""
    return entries >= lim.lending_min_entries


def quiet(closed_on: date | None, today: date, lim: Limits) -> bool:
    """Whether a signal closed on ``closed_on`` still keeps the same signal from being raised again."""
    return closed_on is not None and today < closed_on + timedelta(days=lim.quiet_days)


def week_of(day: date) -> str:
    """The ISO week a day belongs to, as the evidence shows it: ``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
