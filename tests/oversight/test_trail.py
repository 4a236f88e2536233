"""The audit trail as auditors read it: keyset pages of events, the chain check, closed to others."""

from sqlalchemy import text

from tests.audit.test_chain import tamper


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
