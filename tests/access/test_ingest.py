"""The device API: batches idempotent by (device, event id), any order, refusals per event with
their reason, unknown credentials kept as such, the batch size and the per-device rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.access import ingest
from app.access.models import AccessEvent
from app.core import clock
from rules.art40_access import limits
from tests.access.conftest import DAY, NOON, Site, days_ago, event
from tests.conftest import count


def test_a_resent_batch_is_answered_as_duplicates_and_stored_once(site: Site, session) -> None:
    batch = [event(n, "C-1", NOON - timedelta(minutes=n)) for n in range(5)]
    first = site.push(batch)
    assert (first["accepted"], first["duplicates"], first["refused"]) == (5, 0, 0)
    again = site.push([*batch[2:], event(9, "C-1", NOON)])
    assert (again["accepted"], again["duplicates"]) == (1, 3)
    assert [a["status"] for a in again["events"]] == ["duplicate"] * 3 + ["accepted"]
    assert count(session, "access_event") == 6


def test_events_may_arrive_in_any_order(site: Site, session) -> None:
    site.push([event(3, "C-1", days_ago(1)), event(1, "C-1", days_ago(9))])
    site.push([event(2, "C-1", days_ago(5)), event(0, "C-1", days_ago(30))])
    times = session.scalars(select(AccessEvent.occurred_at).order_by(AccessEvent.occurred_at)).all()
    assert [t.date() for t in times] == [days_ago(n).date() for n in (30, 9, 5, 1)]


def test_each_refused_event_names_its_reason(site: Site) -> None:
    lim, now = limits(DAY), clock.now()
    answer = site.push([
        event(1, "C-1", now),
        event(2, "C-1", now + timedelta(seconds=lim.clock_skew_seconds + 60)),
        event(3, "C-1", now - timedelta(days=lim.retention_days, minutes=5)),
        event(1, "C-1", now - timedelta(hours=1)),
        event(4, "C-1", now + timedelta(seconds=60)),  # within the clock skew
    ])
    assert [(a["status"], a.get("reason")) for a in answer["events"]] == [
        ("accepted", None), ("refused", "in_future"), ("refused", "older_than_retention"),
        ("refused", "duplicate_in_batch"), ("accepted", None)]
    assert "时钟" in answer["events"][1]["message"] and "180" in answer["events"][2]["message"]
    assert (answer["accepted"], answer["refused"]) == (2, 3)


@pytest.mark.parametrize("bad", [
    {"occurred_at": "2025-09-15T12:00:00"},  # no time zone
    {"direction": "sideways"},
    {"credential_id": "440101199001011234 "},
    {"event_id": ""},
])
def test_a_malformed_event_is_a_422_naming_the_field(site: Site, bad) -> None:
    response = site.client.post("/api/v1/access/events", json={"events": [event(1, "C-1", NOON) | bad]},
                                headers={"Authorization": f"Device {site.key}"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert next(iter(bad)) in response.text


def test_a_batch_over_the_size_limit_is_refused_whole(site: Site, session) -> None:
    size = limits(DAY).batch_max_events
    batch = [event(n, "C-1", NOON - timedelta(seconds=n)) for n in range(size + 1)]
    answer = site.push(batch, expect=422)
    assert str(size) in answer["detail"]
    assert count(session, "access_event") == 0


def test_unknown_credentials_are_kept_as_unknown(site: Site, session) -> None:
    site.credential("CARD-OWN")
    answer = site.push([event(1, "CARD-OWN", NOON), event(2, "CARD-NOBODY", NOON)])
    assert answer["unknown_credentials"] == 1
    stored = dict(session.execute(select(AccessEvent.credential, AccessEvent.standing)).all())
    assert stored == {"CARD-OWN": "bound", "CARD-NOBODY": "unknown"}


def test_a_device_over_its_rate_limit_is_told_to_wait(site: Site, session, monkeypatch) -> None:
    tight = limits(DAY).__class__(**(vars(limits(DAY)) | {"events_per_minute": 5}))
    monkeypatch.setattr(ingest, "limits", lambda _: tight)
    site.push([event(n, "C-1", NOON - timedelta(seconds=n)) for n in range(4)])
    response = site.client.post("/api/v1/access/events", headers={"Authorization": f"Device {site.key}"},
                                json={"events": [event(n, "C-1", NOON) for n in range(10, 12)]})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert count(session, "access_event") == 4  # the refused batch left nothing behind
    assert site.push([event(20, "C-1", NOON)])["accepted"] == 1  # 5 in the minute: still allowed
