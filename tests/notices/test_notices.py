"""The notice centre and its channels: e-mail through a real SMTP server (STARTTLS and plain),
retries with backoff then failure recorded, SMS logged with the number masked, channel choices
and mandatory notices, the centre's API and pages for every role, and the tenants' notices
moved into it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.core import clock
from app.core.config import get_settings
from app.notices import service
from app.notices.models import NoticeDelivery
from app.notices.schemas import PreferenceIn
from tests.conftest import migrate
from tests.notices.conftest import Mailbox, free_port

API = "/api/v1"


def deliveries(session, notice_id: int) -> list[NoticeDelivery]:
    return list(session.scalars(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id)))


# ---- e-mail -------------------------------------------------------------------------------------

def test_an_email_reaches_the_smtp_server_once(smtp: Mailbox, session, make_user, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "public_base_url", "https://baozu.example.cn")
    office = make_user("office")
    service.set_preferences(session, office, PreferenceIn(email="shenhe@jdz.example.cn", email_enabled=True))
    notice = service.send(session, user_id=office.id, kind="review_due", title="审查期限临近：瓷都公寓",
                          message="项目“瓷都公寓”的认定审查须在 2025年6月17日 前完成（第二十四条）。",
                          link="/projects/7")
    assert service.deliver_due(session) == 1
    [mail] = smtp.messages
    assert mail["To"] == "shenhe@jdz.example.cn" and mail["Subject"] == "【保租通】审查期限临近：瓷都公寓"
    body = mail.get_content()
    assert "2025年6月17日" in body and "第二十四条" in body and "https://baozu.example.cn/projects/7" in body
    assert smtp.tls == [smtp.starttls]  # type: ignore[attr-defined]
    [sent] = deliveries(session, notice.id)
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at is not None
    assert service.deliver_due(session) == 0 and len(smtp.messages) == 1


def test_a_failing_server_is_retried_with_backoff_then_the_failure_is_recorded(
        session, make_user, monkeypatch) -> None:
    settings = get_settings()
    for name, value in {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_starttls": False,
                        "notice_max_attempts": 3, "notice_retry_seconds": 60.0,
                        "smtp_timeout_seconds": 2.0}.items():
        monkeypatch.setattr(settings, name, value)
    developer = make_user("developer")
    service.set_preferences(session, developer, PreferenceIn(email="yunying@example.cn", email_enabled=True))
    notice = service.send(session, user_id=developer.id, kind="listing_due", title="房源录入期限临近",
                          message="……")
    t0 = clock.now()
    assert service.deliver_due(session, t0) == 1
    [d] = deliveries(session, notice.id)
    assert (d.status, d.attempts) == ("pending", 1) and d.last_error
    assert d.next_attempt_at == t0 + timedelta(seconds=60)
    assert service.deliver_due(session, t0 + timedelta(seconds=30)) == 0  # not yet
    assert service.deliver_due(session, t0 + timedelta(seconds=60)) == 1
    session.refresh(d)
    assert d.attempts == 2 and d.next_attempt_at == t0 + timedelta(seconds=60 + 120)
    assert service.deliver_due(session, t0 + timedelta(seconds=180)) == 1
    session.refresh(d)
    assert d.status == "failed" and d.attempts == 3 and d.failed_at is not None
    assert "ConnectionRefusedError" in d.last_error or "Errno" in d.last_error
    assert service.deliver_due(session, t0 + timedelta(days=1)) == 0  # given up: not lost, not resent
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.delivery_failed",
                                                    AuditEvent.entity_id == str(d.id)))
    assert event is not None and event.summary["attempts"] == 3


def test_no_smtp_host_is_a_failed_attempt_too(session, make_user, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "smtp_host", None)
    office = make_user("office")
    service.set_preferences(session, office, PreferenceIn(email="a@example.cn", email_enabled=True))
    notice = service.send(session, user_id=office.id, kind="x", title="t", message="m")
    service.deliver_due(session)
    [d] = deliveries(session, notice.id)
    assert d.status == "pending" and "BAOZU_SMTP_HOST" in d.last_error


def test_the_administrator_sees_failed_deliveries_and_sends_one_again(client, session, make_user,
                                                                      login) -> None:
    tenant = make_user("tenant", phone="13812345678")
    notice = service.send(session, user_id=tenant.id, kind="lease_ending", title="t", message="m",
                          mandatory=True)
    [d] = deliveries(session, notice.id)
    d.status, d.attempts, d.last_error = "failed", 6, "网关超时"
    session.flush()
    admin = login(make_user("admin"))
    failed = client.get(f"{API}/notice-deliveries?status=failed", headers=admin).json()
    assert [x["id"] for x in failed] == [d.id] and "address" not in failed[0]
    again = client.post(f"{API}/notice-deliveries/{d.id}/retry", headers=admin)
    assert again.status_code == 202 and again.json()["status"] == "pending" and again.json()["attempts"] == 0
    assert client.post(f"{API}/notice-deliveries/{d.id}/retry", headers=admin).status_code == 409
    assert client.get(f"{API}/notice-deliveries", headers=login(tenant)).status_code == 403


# ---- SMS and channel choices ---------------------------------------------------------------------

def test_sms_is_written_to_the_log_with_the_number_masked(session, make_user, caplog) -> None:
    tenant = make_user("tenant", phone="13812345678")
    service.set_preferences(session, tenant, PreferenceIn(sms_enabled=True))
    service.send(session, user_id=tenant.id, kind="lease_ending", title="租赁合同即将期满", message="请续租")
    with caplog.at_level(logging.INFO, logger="baozu.notices"):
        assert service.deliver_due(session) == 1
    logged = caplog.text
    assert "138****5678" in logged and "13812345678" not in logged and "租赁合同即将期满" in logged


def test_mandatory_notices_go_out_whatever_was_chosen(session, make_user) -> None:
    tenant = make_user("tenant", phone="13812345678")
    optional = service.send(session, user_id=tenant.id, kind="x", title="t", message="m")
    mandatory = service.send(session, user_id=tenant.id, kind="lease_ending", title="t", message="m",
                             mandatory=True)
    assert deliveries(session, optional.id) == []
    assert [d.channel for d in deliveries(session, mandatory.id)] == ["sms"]


def test_channel_choices_through_the_api(client, make_user, login) -> None:
    tenant = make_user("tenant", phone="13812345678")
    office = make_user("office")
    h = login(tenant)
    assert client.get(f"{API}/notices/preferences", headers=h).json()["sms_enabled"] is False
    refused = client.put(f"{API}/notices/preferences", headers=h,
                         json={"email": "me@example.cn", "email_enabled": True})
    assert refused.status_code == 422 and "承租人" in refused.json()["detail"]
    assert client.put(f"{API}/notices/preferences", headers=h,
                      json={"sms_enabled": True}).json()["sms_enabled"] is True
    bad = client.put(f"{API}/notices/preferences", headers=login(office),
                     json={"email": "not-an-address", "email_enabled": True})
    assert bad.status_code == 422
    no_phone = client.put(f"{API}/notices/preferences", headers=login(office), json={"sms_enabled": True})
    assert no_phone.status_code == 422
    ok = client.put(f"{API}/notices/preferences", headers=login(office),
                    json={"email": "office@jdz.example.cn", "email_enabled": True})
    assert ok.status_code == 200 and ok.json()["email"] == "office@jdz.example.cn"


# ---- the centre ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["office", "department", "leader", "developer", "employer", "auditor",
                                  "admin", "tenant"])
def test_every_role_has_a_notice_centre(role, client, session, make_user, login) -> None:
    user, other = make_user(role), make_user("office")
    mine = service.send(session, user_id=user.id, kind="x", title="标题", message="给你的", link="/")
    theirs = service.send(session, user_id=other.id, kind="x", title="标题", message="别人的")
    h = login(user)
    assert client.get(f"{API}/notices/unread-count", headers=h).json() == {"unread": 1}
    listed = client.get(f"{API}/notices", headers=h).json()
    assert [n["id"] for n in listed] == [mine.id]
    assert client.post(f"{API}/notices/{theirs.id}/read", headers=h).status_code == 404
    read = client.post(f"{API}/notices/{mine.id}/read", headers=h)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get(f"{API}/notices?unread=true", headers=h).json() == []
    assert client.get(f"{API}/notices/unread-count", headers=h).json() == {"unread": 0}


def test_read_all(client, session, make_user, login) -> None:
    user = make_user("developer")
    for k in range(3):
        service.send(session, user_id=user.id, kind="x", title=f"第{k}条", message="m")
    h = login(user)
    assert client.post(f"{API}/notices/read-all", headers=h).json() == {"unread": 0}
    assert client.get(f"{API}/notices/unread-count", headers=h).json() == {"unread": 0}


def test_the_centre_page_and_the_unread_count_in_the_header(client, session, make_user) -> None:
    from tests.web.conftest import Person

    user = make_user("developer")
    notice = service.send(session, user_id=user.id, kind="listing_due", title="房源录入期限临近：瓷都公寓",
                          message="请在 2025年6月16日 前录入（第三十条）", link="/projects")
    page = Person(client)
    page.login(user.username)
    home = page.get("/")
    assert 'href="/messages"' in home and 'aria-label="未读 1 条"' in home
    centre = page.get("/messages")
    assert "房源录入期限临近：瓷都公寓" in centre and "第三十条" in centre and "去办理" in centre
    page.post(f"/messages/{notice.id}/read", {"go": "1"})
    assert page.last.headers["location"] == "/projects"
    assert 'aria-label="未读' not in page.get("/")
    other = service.send(session, user_id=make_user("office").id, kind="x", title="t", message="m")
    page.post(f"/messages/{other.id}/read", expect=404)


def test_the_preferences_page(client, session, make_user) -> None:
    from tests.web.conftest import Person

    user = make_user("office")
    page = Person(client)
    page.login(user.username)
    assert "不能关闭的提醒" in page.get("/messages/preferences")
    page.post("/messages/preferences", {"email": "x", "email_enabled": "on"}, expect=422)
    page.post("/messages/preferences", {"email": "office@jdz.example.cn", "email_enabled": "on"})
    assert service.preferences(session, user).email == "office@jdz.example.cn"


# ---- the tenants' notices ------------------------------------------------------------------------------

def test_a_tenant_notice_goes_through_the_centre(client, session, make_user, login) -> None:
    from app.tenants.service import notify

    tenant = make_user("tenant")
    notify(session, tenant.id, "application_decided", "您的申请已审核通过")
    session.flush()
    h = login(tenant)
    [centre] = client.get(f"{API}/notices", headers=h).json()
    assert centre["title"] == "申请审核结果" and centre["message"] == "您的申请已审核通过"
    [old_api] = client.get(f"{API}/tenants/me/notices", headers=h).json()
    assert old_api["message"] == "您的申请已审核通过" and old_api["kind"] == "application_decided"


def test_the_migration_moves_the_tenants_notices(tmp_path) -> None:
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'move.db'}"
    migrate(url, "a16a0000a001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO user_account (id, username, password_hash, role, is_active, "
                          "token_version, created_at) VALUES (900, 'mover', 'x', 'tenant', 1, 0, "
                          "'2025-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO tenant_notice (user_id, kind, message, created_at) VALUES "
                          "(900, 'lease_signed', '合同已签订', '2025-02-01 08:00:00'), "
                          "(900, 'violation', '请整改', '2025-03-01 08:00:00')"))
    migrate(url, "a18a0000a001")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT user_id, kind, title, message, mandatory, read_at FROM notice "
                                 "ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(900, "lease_signed", "电子租赁合同签订", "合同已签订", 0, None),
                                            (900, "violation", "违规整改（第四十条）", "请整改", 0, None)]
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert "tenant_notice" not in tables
    engine.dispose()


def test_the_deliver_job_sends_through_the_runner(smtp: Mailbox, tmp_path) -> None:
    """The worker's way: claims and outcomes committed on their own (a real SQLite file)."""
    from app.accounts import service as accounts
    from app.accounts.schemas import UserCreate
    from app.audit.service import SYSTEM
    from app.core.db import Database
    from app.jobs import service as jobs
    from app.jobs.models import JobRun
    from tests.conftest import PASSWORD

    url = f"sqlite:///{tmp_path / 'deliver.db'}"
    migrate(url)
    db = Database(url)
    try:
        with db.write_sessions.begin() as s:
            user = accounts.create_user(s, actor=SYSTEM, data=UserCreate(
                username="deliver-office", password=PASSWORD, role="office"))
            service.set_preferences(s, user, PreferenceIn(email="office@jdz.example.cn", email_enabled=True))
            service.send(s, user_id=user.id, kind="review_due", title="审查期限临近", message="请办理")
        run_id = jobs.run_latest(db.write_sessions, "notices.deliver")
        assert run_id is not None and len(smtp.messages) == 1
        with db.sessions() as s:
            assert s.get(JobRun, run_id).outcome == "succeeded" and s.get(JobRun, run_id).rows == 1
            assert [d.status for d in s.scalars(select(NoticeDelivery))] == ["sent"]
    finally:
        db.dispose()
