"""Tenant self-registration (POST /api/v1/auth/register)."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.models import RegistrationAttempt
from app.accounts.schemas import UserCreate
from app.accounts.service import IDENTITY_UNUSABLE
from app.audit.service import SYSTEM
from app.core.config import get_settings
from app.core.errors import Conflict
from app.main import app
from tests.conftest import count, fake_id_number
from tests.security.conftest import app_database
from tests.web.conftest import csrf_of, text_of

URL = "/api/v1/auth/register"


def body(**overrides: str) -> dict[str, str]:
    data = {"username": "lixiaoqing", "password": "jingpiao-2026", "full_name": "李小青",
            "id_number": fake_id_number("19980315"), "phone": "13912345678"}
    return data | overrides


def test_register_then_login_and_see_myself(client, session: Session) -> None:
    data = body()
    response = client.post(URL, json=data)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["role"] == "tenant" and created["id_number"] == data["id_number"]
    assert created["id_number_masked"] == data["id_number"][:6] + "********" + data["id_number"][-4:]
    token = client.post("/api/v1/auth/token",
                        data={"username": "lixiaoqing", "password": "jingpiao-2026"}).json()
    me = client.get("/api/v1/auth/me",
                    headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["username"] == "lixiaoqing" and me["full_name"] == "李小青"
    assert me["id_number"] == data["id_number"]


def test_id_number_is_stored_encrypted_not_in_clear(client, session: Session) -> None:
    data = body()
    client.post(URL, json=data)
    from sqlalchemy import text
    row = session.execute(text("SELECT id_number_enc, id_number_digest FROM user_account "
                               "WHERE username = 'lixiaoqing'")).one()
    assert data["id_number"].encode() not in bytes(row.id_number_enc)
    assert data["id_number"] not in row.id_number_digest


def test_registration_writes_one_audit_event_without_personal_data(client, session) -> None:
    before = count(session, "audit_event")
    data = body()
    assert client.post(URL, json=data).status_code == 201
    assert count(session, "audit_event") == before + 1
    from sqlalchemy import text
    summary = session.execute(text("SELECT summary FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    assert data["id_number"] not in str(summary) and data["phone"] not in str(summary)


def response_text(problem: dict) -> str:
    return json.dumps(problem, ensure_ascii=False)


def assert_refused(client, session, data: dict[str, str], status: int, field: str) -> dict:
    users, events = count(session, "user_account"), count(session, "audit_event")
    response = client.post(URL, json=data)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert field in {e["field"] for e in problem.get("errors", [])} | {
        v.get("field") for v in problem.get("violations", [])}
    assert count(session, "user_account") == users and count(session, "audit_event") == events
    return problem


def test_bad_check_digit_is_refused_in_chinese_citing_the_standard(client, session) -> None:
    good = fake_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    problem = assert_refused(client, session, body(id_number=bad), 422, "id_number")
    assert problem["violations"][0]["article"] == "GB 11643-1999"
    assert "校验位" in problem["detail"]


def test_impossible_birth_date_is_refused(client, session) -> None:
    from rules.identifiers import id_number_check_character
    first = "36020319990230123"  # 30 February
    problem = assert_refused(client, session,
                             body(id_number=first + id_number_check_character(first)), 422,
                             "id_number")
    assert "出生日期" in problem["detail"]


def test_duplicate_username_is_a_conflict(client, session) -> None:
    """A taken username may be said (it is not personal data), unlike a registered number."""
    assert client.post(URL, json=body()).status_code == 201
    problem = assert_refused(client, session, body(id_number=fake_id_number()), 409, "username")
    assert "已被使用" in problem["detail"]


def test_same_person_cannot_register_twice(client, session) -> None:
    """Refused without confirming that the number has an account (issue 14, point 7)."""
    data = body()
    assert client.post(URL, json=data).status_code == 201
    problem = assert_refused(client, session, body(username="another", id_number=data["id_number"]),
                             409, "id_number")
    assert problem["detail"] == IDENTITY_UNUSABLE == "无法使用该身份信息注册，如已注册请登录或到窗口办理"
    assert "已注册账号" not in response_text(problem)


def test_short_password_and_bad_phone_are_named(client, session) -> None:
    problem = assert_refused(client, session, body(password="short", phone="12345"), 422, "password")
    fields = {e["field"]: e["message"] for e in problem["errors"]}
    assert "不能少于 8" in fields["password"]
    assert fields["phone"] == "格式不正确"


# ---- registration is not an unthrottled 身份证 lookup (issue 14, point 7) ------------------

@pytest.fixture
def hourly_limit(monkeypatch) -> int:
    monkeypatch.setattr(get_settings(), "registrations_per_address_per_hour", 3)
    return 3


def test_staff_creating_an_account_are_told_the_number_is_registered(session, make_user) -> None:
    tenant = make_user("tenant")
    number = session.execute(text("SELECT id_number_enc FROM user_account WHERE id = :id"),
                             {"id": tenant.id}).scalar_one()
    from app.core.personal_data import decrypt_id_number
    with pytest.raises(Conflict, match="该身份证号码已注册账号"):
        accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username="window-made", password="jingpiao-2026", role="tenant",  # type: ignore[arg-type]
            full_name="窗口办理", id_number=decrypt_id_number(number)))


def test_registrations_are_limited_per_client_address(client, session, hourly_limit) -> None:
    first = body()
    assert client.post(URL, json=first).status_code == 201
    # every attempt counts, whatever its outcome: a refused duplicate, a bad check digit
    assert client.post(URL, json=body(username="again", id_number=first["id_number"])
                       ).status_code == 409
    bad = fake_id_number()
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    assert client.post(URL, json=body(username="typo", id_number=bad)).status_code == 422
    users = count(session, "user_account")
    refused = client.post(URL, json=body(username="fourth", id_number=fake_id_number()))
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert "注册尝试过于频繁" in refused.json()["detail"]
    assert count(session, "user_account") == users
    # a known number is refused 429 like any other: nothing is looked up past the limit
    again = client.post(URL, json=body(username="fifth", id_number=first["id_number"]))
    assert again.status_code == 429
    assert count(session, "registration_attempt") == hourly_limit  # refusals do not count
    with TestClient(app, client=("192.0.2.44", 40000), raise_server_exceptions=False) as other:
        assert other.post(URL, json=body(username="elsewhere", id_number=fake_id_number())
                          ).status_code == 201


def test_attempts_leave_the_window_after_an_hour(client, session, hourly_limit) -> None:
    for i in range(hourly_limit):
        assert client.post(URL, json=body(username=f"hour{i}", id_number=fake_id_number())
                           ).status_code == 201
    assert client.post(URL, json=body(username="late", id_number=fake_id_number())
                       ).status_code == 429
    session.execute(update(RegistrationAttempt).values(
        attempted_at=datetime.now(UTC) - timedelta(minutes=61)))
    assert client.post(URL, json=body(username="late", id_number=fake_id_number())
                       ).status_code == 201
    assert count(session, "registration_attempt") == 1  # the old ones were pruned


def test_the_registration_page_answers_the_same(client, session, person, hourly_limit) -> None:
    first = body()
    assert client.post(URL, json=first).status_code == 201
    me = person()
    me.token = csrf_of(me.get("/register"))
    form = first | {"username": "page-again", "password_confirm": first["password"]}
    refused = me.post("/register", form, expect=409)
    assert IDENTITY_UNUSABLE in text_of(refused.text) and "已注册账号" not in refused.text
    me.post("/register", form | {"username": "page-third", "id_number": fake_id_number()})
    me.client.cookies.clear()
    me.token = csrf_of(me.get("/register"))
    limited = me.post("/register", form | {"username": "page-fourth",
                                           "id_number": fake_id_number()}, expect=429)
    assert "注册尝试过于频繁" in text_of(limited.text)
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert count(session, "registration_attempt") == hourly_limit


def test_the_429_is_declared_in_openapi(client) -> None:
    responses = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]["responses"]
    assert "429" in responses


async def _registering(n: int) -> Counter[int]:
    from app.core.db import database

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://baozu",
                                     timeout=120) as http:
            responses = await asyncio.gather(*(http.post(URL, json=body(
                username=f"crowd{i}", id_number=fake_id_number())) for i in range(n)))
    finally:
        await database().adispose()
    return Counter(r.status_code for r in responses)


def test_thirty_parallel_registrations_look_up_only_the_limit(crowd_database,
                                                              hourly_limit) -> None:
    with app_database(crowd_database):
        statuses = asyncio.run(_registering(30))
    assert statuses == Counter({201: hourly_limit, 429: 30 - hourly_limit})
    engine = create_engine(crowd_database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registration_attempt")).scalar_one() \
            == hourly_limit
    engine.dispose()
