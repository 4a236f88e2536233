"""The audit chain: written with every change, queried by auditors, tamper-evident."""

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


def test_events_api_for_auditors(client, make_user, login, session) -> None:
    auditor = make_user("auditor")
    for _ in range(3):
        make_user("tenant")
    headers = login(auditor)
    first = client.get("/api/v1/audit/events", params={"limit": 2, "action": "user.created"},
                       headers=headers).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    second = client.get("/api/v1/audit/events", params={"limit": 2, "action": "user.created",
                                                         "cursor": first["next_cursor"]},
                        headers=headers).json()
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert all(e["action"] == "user.created" for e in first["items"] + second["items"])
    verify = client.get("/api/v1/audit/verify", headers=headers).json()
    assert verify["ok"] is True and verify["events_checked"] >= 4


def test_events_api_is_closed_to_other_roles(client, make_user, login) -> None:
    for role in ("developer", "office", "tenant", "department", "leader", "employer"):
        headers = login(make_user(role))
        assert client.get("/api/v1/audit/events", headers=headers).status_code == 403
        assert client.get("/api/v1/audit/verify", headers=headers).status_code == 403


def test_verify_api_reports_the_broken_event(client, make_user, login, session) -> None:
    auditor = make_user("auditor")
    headers = login(auditor)
    target = session.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
    tamper(session, f"UPDATE audit_event SET action = 'user.other' WHERE id = {target}")
    body = client.get("/api/v1/audit/verify", headers=headers).json()
    assert body["ok"] is False and body["broken_id"] == target
