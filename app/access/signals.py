"""The signals (第四十条): computed daily by the ``access.signals`` job and on demand, from the
events' standing and times only. What each kind means and every threshold: ``rules.art40_access``.

One pass makes a bounded number of statements whatever the city's size:

1. 疑似闲置 — one statement: leases in force with a credential bound long enough, and no granted
   entry by any bound credential since the window's start (an EXISTS per lease on the index
   ``(credential_ref, occurred_at)``: it stops at the first entry found, so an occupied unit
   costs one index probe);
2. 疑似转借/转租 — one aggregate over the partial index of the events whose credential was not
   bound to a lease in force where it entered (``standing`` unbound or foreign: a small share of
   all events), counting entries and distinct days per credential;
3. for the few flagged leases and credentials only: the weekly counts that are the evidence, and
   the open and recently closed signals, so a signal is refreshed rather than raised twice, and a
   dismissed one is not raised again within ``access_signal_quiet_days``.

A signal is a question for a person; nothing here changes a lease.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.access import repository
from app.access.enums import CredentialStatus, SignalKind, SignalStatus, Standing
from app.access.models import AccessSignal
from app.audit.service import Actor, record
from app.core import clock
from rules.art40_access import Limits, elsewhere, lending, limits, quiet, week_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Detection:
    kind: SignalKind
    lease_id: int
    unit_id: int
    project_id: int
    credential_id: int | None
    evidence: dict[str, Any]


def start_of(day: date) -> datetime:
    """Midnight (Asia/Shanghai) at the start of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def weeks(times: list[datetime], first: date, last: date) -> list[dict[str, Any]]:
    """Entries counted by ISO week from ``first`` to ``last`` (every week shown, zeros too)."""
    counts = Counter(week_of(t.astimezone(SHANGHAI).date()) for t in times)
    out, day = [], first - timedelta(days=first.weekday())
    while day <= last:
        label = week_of(day)
        out.append({"week": label, "entries": counts.get(label, 0)})
        day += timedelta(days=7)
    return out


def detect(session: Session, today: date, project_ids: list[int] | None, lim: Limits) -> list[Detection]:
    found: list[Detection] = []
    # 疑似闲置
    idle_since = today - timedelta(days=lim.idle_days)
    idle = repository.idle_leases(session, today, start_of(idle_since + timedelta(days=1)),
                                  idle_since, project_ids)
    retention_start = start_of(today - timedelta(days=lim.retention_days))
    last = repository.last_entries(session, [row[0] for row in idle], retention_start)
    bound = repository.bound_counts(session, [row[0] for row in idle])
    for lease_id, unit_id, project_id in idle:
        at = last.get(lease_id)
        found.append(Detection(SignalKind.idle, lease_id, unit_id, project_id, None, {
            "window_days": lim.idle_days, "entries": 0, "credentials": bound.get(lease_id, 0),
            "last_entry_on": at.astimezone(SHANGHAI).date().isoformat() if at else None,
            "weeks": weeks([], idle_since + timedelta(days=1), today),
            "rule": f"合同履行中，绑定的门禁凭证连续 {lim.idle_days} 日无进入记录"}))
    # 疑似转借/转租
    window_first = today - timedelta(days=lim.lending_window_days - 1)
    since = start_of(window_first)
    counts = repository.suspect_counts(session, since)
    flagged = {(ref, standing): (entries, days) for ref, standing, entries, days in counts
               if (standing == Standing.unbound and lending(entries, days, lim))
               or (standing == Standing.foreign and elsewhere(entries, lim))}
    credentials = repository.credential_rows(session, {ref for ref, _ in flagged})
    if project_ids is not None:
        credentials = {k: c for k, c in credentials.items() if c.project_id in project_ids}
    leases_of_units = repository.leases_in_force_of_units(
        session, {c.unit_id for (ref, s), _ in flagged.items() if s == Standing.unbound
                  and ref in credentials for c in [credentials[ref]]}, today)
    lease_rows = repository.leases(session, {c.lease_id for c in credentials.values() if c.lease_id})
    times: dict[int, list[datetime]] = {}
    for ref, at in repository.entry_times(session, credentials, since, repository.SUSPECT):
        times.setdefault(ref, []).append(at)
    for (ref, standing), (entries, days) in sorted(flagged.items()):
        cred = credentials.get(ref)
        if cred is None:
            continue
        evidence = {"window_days": lim.lending_window_days, "entries": entries, "days": days,
                    "credential_kind": cred.kind,
                    "weeks": weeks(times.get(ref, []), window_first, today)}
        if standing == Standing.unbound:
            lease = leases_of_units.get(cred.unit_id)
            if lease is None or (cred.lease_id == lease.id and cred.status == CredentialStatus.bound):
                continue
            evidence["rule"] = (f"{lim.lending_window_days} 日内未绑定本合同的本房源凭证进入 {entries} 次、"
                                f"{days} 日（阈值：{lim.lending_min_entries} 次、{lim.lending_min_days} 日）")
            found.append(Detection(SignalKind.lending, lease.id, lease.unit_id, lease.project_id,
                                   cred.id, evidence))
        else:
            held = lease_rows.get(cred.lease_id) if cred.lease_id else None
            if held is None or cred.status != CredentialStatus.bound or not (
                    held.start_on <= today <= held.ends_on):
                continue
            evidence["rule"] = (f"{lim.lending_window_days} 日内承租人的凭证在其他项目进入 {entries} 次"
                                f"（阈值：{lim.lending_min_entries} 次）")
            found.append(Detection(SignalKind.elsewhere, held.id, held.unit_id, held.project_id,
                                   cred.id, evidence))
    return found


def compute(session: Session, actor: Actor, *, today: date | None = None,
            project_ids: list[int] | None = None) -> dict[str, int]:
    """Detect, then raise new signals and refresh open ones: {raised, updated, detected}."""
    today = today or clock.today()
    lim = limits(today)
    found = detect(session, today, project_ids, lim)
    existing = repository.signals_of_leases(session, {d.lease_id for d in found})
    open_: dict[tuple[int, str, int | None], AccessSignal] = {}
    closed: dict[tuple[int, str, int | None], date | None] = {}
    for s in existing:
        key = (s.lease_id, s.kind, s.credential_id)
        if s.status == SignalStatus.open:
            open_[key] = s
        else:
            closed[key] = max(filter(None, (closed.get(key), s.reviewed_on)), default=None)
    raised = updated = 0
    for d in found:
        key = (d.lease_id, d.kind.value, d.credential_id)
        if key in open_:
            signal = open_[key]
            signal.evidence, signal.last_detected_on = d.evidence, today
            updated += 1
            continue
        if quiet(closed.get(key), today, lim):
            continue
        signal = AccessSignal(kind=d.kind, project_id=d.project_id, unit_id=d.unit_id, lease_id=d.lease_id,
                              credential_id=d.credential_id, status=SignalStatus.open,
                              first_detected_on=today, last_detected_on=today, evidence=d.evidence)
        session.add(signal)
        session.flush()
        open_[key] = signal
        record(session, actor=actor, action="access_signal.raised", entity_type="access_signal",
               entity_id=signal.id, summary={"kind": d.kind.value, "lease_id": d.lease_id,
                                             "project_id": d.project_id})
        raised += 1
    return {"raised": raised, "updated": updated, "detected": len(found)}
