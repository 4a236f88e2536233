"""A device simulator: replays a month of door events for a city's leases in force, through the
same ingestion path the HTTP API takes (:func:`app.access.ingest.receive`, with the device's key),
so that the signals can be seen in the demo (``baozu simulate-access``; ``app/demo/access.py``).

The month is realistic in shape: each household's card opens the entrance one to three times a
day, mostly in the evening and the morning, with exits; a few units are given a story:

* **idle** (the first lease): its card was activated long ago and shows no entry at all;
* **lent** (the second): a card issued for the unit but bound to nobody (a relative, a lodger)
  enters almost every day, the tenant's own card rarely;
* **elsewhere** (the third, when another project of the operator is given): the tenant's card
  enters almost daily at the other project's entrance.

Event ids are deterministic (seeded), so replaying the same month again is answered as duplicates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.access import ingest, repository, service
from app.access.schemas import BatchIn, BindIn, CredentialIn, DeviceIn, EventIn
from app.accounts.models import User
from app.core import clock
from rules.art40_access import limits

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENTRANCE = "主入口闸机（模拟）"


@dataclass
class Replay:
    events: int = 0
    accepted: int = 0
    duplicates: int = 0
    stories: dict[str, list[int]] = field(default_factory=dict)  # story → lease ids


def _device_key(session: Session, operator: User, project_id: int) -> str:
    """A fresh key for the project's simulated entrance (registered on first use, else rotated)."""
    found = repository.device_named(session, project_id, ENTRANCE)
    if found is None:
        return service.register_device(session, operator, project_id, DeviceIn(
            name=ENTRANCE, location_kind="entrance", location="南大门"))[1]
    return service.rotate_key(session, operator, found.id)[1]


def _credential(session: Session, operator: User, lease: Any, external_id: str, *, bind: bool) -> str:
    if repository.credential_by_external_id(session, external_id) is None:
        made = service.register_credential(session, operator, lease.project_id, CredentialIn(
            unit_id=lease.unit_id, external_id=external_id, kind="card"))
        if bind and lease.tenant_id is not None:
            service.bind(session, operator, made.id, BindIn(lease_id=lease.id))
    return external_id


def _day_events(rng: random.Random, day: datetime, credential: str, per_day: tuple[int, int]) -> list[tuple]:
    found = []
    for _ in range(rng.randint(*per_day)):
        out = day + timedelta(hours=rng.choice((7, 8, 8, 9, 13)), minutes=rng.randint(0, 59))
        back = day + timedelta(hours=rng.choice((12, 18, 19, 19, 21, 22)), minutes=rng.randint(0, 59))
        found += [(out, credential, "out"), (back, credential, "in")]
    return found


def replay_month(session: Session, operator: User, project_id: int, *,
                 elsewhere_project_id: int | None = None, days: int = 30, seed: int = 19) -> Replay:
    """Replay ``days`` days up to now for the leases in force on ``project_id``."""
    rng = random.Random(seed)
    today = clock.today()
    now = clock.now()
    leases = [x for x in repository.leases_in_force(session, [project_id], today) if x.tenant_id is not None]
    keys = {project_id: _device_key(session, operator, project_id)}
    if elsewhere_project_id is not None:
        keys[elsewhere_project_id] = _device_key(session, operator, elsewhere_project_id)
    result = Replay(stories={"idle": [], "lent": [], "elsewhere": [], "normal": []})
    streams: dict[int, list[tuple]] = {pid: [] for pid in keys}
    first = datetime(today.year, today.month, today.day, tzinfo=SHANGHAI) - timedelta(days=days)
    for n, lease in enumerate(leases):
        own = _credential(session, operator, lease, f"SIM-{lease.id}-T", bind=True)
        story = ("idle" if n == 0 else "lent" if n == 1
                 else "elsewhere" if n == 2 and elsewhere_project_id is not None else "normal")
        result.stories[story].append(lease.id)
        if story == "idle":
            # the card was activated long before the month replayed: nobody has used it since
            credential = repository.credential_by_external_id(session, own)
            if credential is not None:
                credential.bound_on = today - timedelta(days=limits(today).idle_days + 14)
            continue
        guest = (_credential(session, operator, lease, f"SIM-{lease.id}-G", bind=False)
                 if story == "lent" else None)
        for d in range(days):
            day = first + timedelta(days=d)
            if story == "lent":
                if rng.random() < 0.8:
                    streams[project_id] += _day_events(rng, day, guest or "", (1, 2))
                if rng.random() < 0.1:
                    streams[project_id] += _day_events(rng, day, own, (1, 1))
            elif story == "elsewhere":
                target = elsewhere_project_id if rng.random() < 0.8 else project_id
                streams[target or project_id] += _day_events(rng, day, own, (1, 2))
            elif rng.random() < 0.9:
                streams[project_id] += _day_events(rng, day, own, (1, 3))
    for d in range(0, days, 3):  # visitors whose cards the platform does not know (kept as unknown)
        streams[project_id] += _day_events(rng, first + timedelta(days=d), f"SIM-VISITOR-{d % 4}", (1, 1))
    for pid, stream in streams.items():
        stream = [e for e in stream if e[0] <= now]
        rng.shuffle(stream)  # devices upload late and out of order
        header = f"{ingest.SCHEME} {keys[pid]}"
        for start in range(0, len(stream), 500):
            batch = BatchIn(events=[EventIn(event_id=f"sim{seed}-{t:%Y%m%d%H%M%S}-{c}-{d}",
                                            credential_id=c, occurred_at=t, direction=d, result="granted")
                                    for t, c, d in stream[start:start + 500]])
            answer = ingest.receive(session, header, batch)
            result.events += len(batch.events)
            result.accepted += answer["accepted"]
            result.duplicates += answer["duplicates"]
    return result
