"""The audit chain: written with every change, tamper-evident (auditors read it through
oversight: tests/oversight/test_trail.py)."""

import hashlib
import hmac
import itertools
import os
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text, update

from app.audit import keys
from app.audit import service as audit
from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.audit.service import SYSTEM
from app.core.config import get_settings
from tests.conftest import is_postgres


def events(session, n: int = 3) -> None:
    for i in range(n):
        audit.record(session, actor=SYSTEM, action="test.event", entity_type="test",
                     entity_id=i, summary={"n": i, "amount": "12.50"})
    session.flush()


def test_chain_links_each_event_to_the_previous(session) -> None:
    events(session, 5)
    rows = session.execute(text("SELECT id, prev_hash, hash FROM audit_event ORDER BY id")).all()
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    for prev, row in itertools.pairwise(rows):
        assert row.prev_hash == prev.hash
    assert audit.verify(session).ok


def tamper(session, sql: str) -> None:
    if is_postgres(session):
        # The append-only trigger is the first line of defence; a superuser can bypass it,
        # and verify() must still see the change.
        session.execute(text("SET LOCAL session_replication_role = replica"))
    session.execute(text(sql))
    session.expire_all()


def test_verify_catches_an_edited_summary(session) -> None:
    events(session, 4)
    target = session.execute(text("SELECT max(id) - 2 FROM audit_event")).scalar_one()
    assert audit.verify(session).ok
    tamper(session, f"UPDATE audit_event SET actor = 'someone-else' WHERE id = {target}")
    result = audit.verify(session)
    assert not result.ok and result.broken_id == target and "篡改" in result.reason


def test_verify_catches_a_deleted_event(session) -> None:
    events(session, 4)
    target = session.execute(text("SELECT max(id) - 1 FROM audit_event")).scalar_one()
    tamper(session, f"DELETE FROM audit_event WHERE id = {target}")
    result = audit.verify(session)
    assert not result.ok and result.broken_id == target


def test_verify_catches_a_removed_last_event(session) -> None:
    events(session, 3)
    tamper(session, "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    assert not audit.verify(session).ok


def test_summary_refuses_personal_data(session) -> None:
    with pytest.raises(ValueError, match="personal data"):
        audit.record(session, actor=SYSTEM, action="x", entity_type="user", entity_id=1,
                     summary={"id_number": "110105194912310021"})


# ---- the chain is keyed (issue 14, point 8) -------------------------------------------------
#
# The probe rewrote an event, recomputed every SHA-256 after it, and the chain verified. Events
# are now HMAC-SHA256 with BAOZU_AUDIT_KEY, which is not in the database.

def chain(session) -> list[Any]:
    return list(session.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)))


def rewrite(session, first: int, change: Callable[[dict[str, Any]], None] = lambda e: None,
            keyed_from: int | None = None) -> None:
    """What an attacker with the database but not the key can do: change events from
    ``first`` on and recompute every plain SHA-256 after them, the head included."""
    if is_postgres(session):
        session.execute(text("SET LOCAL session_replication_role = replica"))
    table, prev = AuditEvent.__table__, GENESIS_HASH
    for row in chain(session):
        if row.id >= first:
            values = row._asdict() | {"prev_hash": prev}
            change(values)
            values["hash"] = hashlib.sha256(audit.canonical(SimpleNamespace(**values))).hexdigest()
            session.execute(update(table).where(table.c.id == row.id).values(
                **{k: values[k] for k in ("actor", "action", "summary", "prev_hash", "hash",
                                          "key_version")}))
            prev = values["hash"]
        else:
            prev = row.hash
    session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(
        last_hash=prev, **({"keyed_from": keyed_from} if keyed_from is not None else {})))
    session.expire_all()


def test_events_are_keyed_with_the_audit_key(session) -> None:
    event = audit.record(session, actor=SYSTEM, action="test.event", entity_type="test",
                         entity_id=1, summary={"n": 1})
    session.flush()
    assert event.key_version == get_settings().audit_key_version
    assert event.hash != hashlib.sha256(audit.canonical(event)).hexdigest()
    key = hmac.new(os.environ["BAOZU_AUDIT_KEY"].encode(), keys.CHAIN, hashlib.sha256).digest()
    assert event.hash == hmac.new(key, audit.canonical(event), hashlib.sha256).hexdigest()


def test_the_migration_began_the_keyed_chain(session) -> None:
    head = session.get(AuditChainHead, 1)
    first = session.get(AuditEvent, head.keyed_from)
    assert first.action == audit.CHAIN_KEYED and first.key_version is not None
    assert first.summary == {"keyed_from": head.keyed_from, "unkeyed_events": head.keyed_from - 1}
    assert audit.verify(session).keyed_from == head.keyed_from


@pytest.mark.parametrize("how", ["keep the key version", "pass them off as unkeyed"])
def test_rewriting_an_event_and_recomputing_every_sha256_is_caught(session, how) -> None:
    events(session, 5)
    target = chain(session)[-3].id
    assert audit.verify(session).ok

    def change(values: dict[str, Any]) -> None:
        if values["id"] == target:
            values["actor"] = "someone-else"
        if how == "pass them off as unkeyed":
            values["key_version"] = None

    rewrite(session, target, change)
    result = audit.verify(session)
    assert not result.ok and result.broken_id == target
    assert "篡改" in result.reason


def test_rewriting_the_whole_chain_as_unkeyed_is_caught(session) -> None:
    """Even moving the keyed part's start past the end: its first event is a keyed record."""
    events(session, 3)
    last = chain(session)[-1].id

    def unkeyed(values: dict[str, Any]) -> None:
        values["key_version"] = None

    rewrite(session, 1, unkeyed, keyed_from=last + 1)
    result = audit.verify(session)
    assert not result.ok and "启用审计密钥的记录" in result.reason
    rewrite(session, 1, unkeyed, keyed_from=last)  # the last event made to look like the start
    assert not audit.verify(session).ok


def test_an_event_keyed_with_another_key_is_caught(session, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "audit_key", SecretStr("another-key-" + "x1Y2z3" * 6))
    events(session, 1)
    monkeypatch.undo()
    result = audit.verify(session)
    assert not result.ok and result.broken_id == chain(session)[-1].id


def test_a_retired_key_still_verifies_its_events(session, monkeypatch) -> None:
    s = get_settings()
    events(session, 2)
    old_key = s.audit_key
    monkeypatch.setattr(s, "audit_key_version", 2)
    monkeypatch.setattr(s, "audit_key", SecretStr("the-second-key-" + "Ab3dE" * 8))
    events(session, 2)
    assert not audit.verify(session).ok  # version 1 is not configured any more
    assert "未配置第 1 版审计密钥" in audit.verify(session).reason
    monkeypatch.setattr(s, "audit_retired_keys", {1: old_key})
    result = audit.verify(session)
    assert result.ok
    assert [e.key_version for e in chain(session)[-4:]] == [1, 1, 2, 2]
