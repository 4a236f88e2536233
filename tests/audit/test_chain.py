"""The audit chain: written with every change, tamper-evident (auditors read it through
oversight: tests/oversight/test_trail.py)."""

import itertools

import pytest
from sqlalchemy import text

from app.audit import service as audit
from app.audit.service import SYSTEM
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
