"""Tenant self-registration (POST /api/v1/auth/register)."""

from sqlalchemy.orm import Session

from tests.conftest import count, fake_id_number

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
    assert client.post(URL, json=body()).status_code == 201
    problem = assert_refused(client, session, body(id_number=fake_id_number()), 409, "username")
    assert "已被使用" in problem["detail"]


def test_same_person_cannot_register_twice(client, session) -> None:
    data = body()
    assert client.post(URL, json=data).status_code == 201
    problem = assert_refused(client, session, body(username="another", id_number=data["id_number"]),
                             409, "id_number")
    assert "已注册" in problem["detail"]


def test_short_password_and_bad_phone_are_named(client, session) -> None:
    problem = assert_refused(client, session, body(password="short", phone="12345"), 422, "password")
    fields = {e["field"]: e["message"] for e in problem["errors"]}
    assert "不能少于 8" in fields["password"]
    assert fields["phone"] == "格式不正确"
