"""Migrating a chain written before it was keyed (issue 14, point 8): the old events keep
their SHA-256 as written, the chain continues keyed from a recorded point, and verify checks
each part its own way."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import GENESIS_HASH, AuditChainHead
from app.audit.service import SYSTEM
from tests.audit.test_chain import chain, rewrite
from tests.conftest import POSTGRES_ADMIN_URL, _require_postgres, migrate

BEFORE = "71ea50b3f8f8"  # the revision before the chain was keyed
OLD_EVENTS = 4


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_database(request, tmp_path) -> Iterator[str]:
    """A database at the revision before keying."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        migrate(url, BEFORE)
        yield url
        return
    admin = _require_postgres()
    name = f"baozu_k_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url, BEFORE)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def write_the_old_way(url: str) -> list[str]:
    """Events as the code before keying wrote them: plain SHA-256, no key version."""
    event = sa.table("audit_event", *(sa.column(c) for c in (
        "id", "occurred_at", "actor_id", "actor", "role", "action", "entity_type", "entity_id",
        "summary", "prev_hash", "hash")))
    event.c.summary.type = sa.JSON()
    event.c.occurred_at.type = sa.DateTime(timezone=True)
    head = sa.table("audit_chain_head", sa.column("id"), sa.column("last_id"),
                    sa.column("last_hash"))
    engine = create_engine(url)
    hashes, prev = [], GENESIS_HASH
    with engine.begin() as conn:
        for i in range(1, OLD_EVENTS + 1):
            old = SimpleNamespace(
                id=i, occurred_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC) + timedelta(minutes=i),
                actor_id=None, actor="system", role="system", action="test.old_event",
                entity_type="test", entity_id=str(i), summary={"n": i}, prev_hash=prev,
                key_version=None)
            old.hash = hashlib.sha256(audit.canonical(old)).hexdigest()
            del old.key_version
            conn.execute(event.insert().values(**vars(old)))
            hashes.append(prev := old.hash)
        conn.execute(head.update().values(last_id=OLD_EVENTS, last_hash=prev))
    engine.dispose()
    return hashes


def test_an_old_chain_keeps_its_hashes_and_continues_keyed(old_database) -> None:
    old_hashes = write_the_old_way(old_database)
    migrate(old_database)
    engine = create_engine(old_database)
    with Session(engine) as session, session.begin():
        rows = chain(session)
        assert [r.hash for r in rows[:OLD_EVENTS]] == old_hashes  # never rewritten
        assert all(r.key_version is None for r in rows[:OLD_EVENTS])
        marker = rows[OLD_EVENTS]
        assert marker.action == audit.CHAIN_KEYED and marker.key_version is not None
        assert marker.prev_hash == old_hashes[-1]
        assert session.get(AuditChainHead, 1).keyed_from == marker.id == OLD_EVENTS + 1
        audit.record(session, actor=SYSTEM, action="test.new_event", entity_type="test",
                     entity_id=1)
    with Session(engine) as session:
        result = audit.verify(session)
        assert result.ok and result.events_checked == OLD_EVENTS + 2
        assert result.keyed_from == OLD_EVENTS + 1
        assert chain(session)[-1].key_version is not None
    with Session(engine) as session, session.begin():
        # the old part rewritten and every SHA-256 recomputed: the keyed record after it,
        # whose HMAC covers the old part's last hash, gives it away
        def change(values: dict[str, object]) -> None:
            if values["id"] == 2:
                values["actor"] = "someone-else"

        rewrite(session, 2, change)
        result = audit.verify(session)
        assert not result.ok and result.broken_id == OLD_EVENTS + 1
        session.rollback()
    engine.dispose()
