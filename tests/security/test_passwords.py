"""Password policy (ASVS 5.0 V6.2): minimum length and the common-password list."""

import pytest

from app.accounts.security import common_passwords, is_common_password
from app.seed import DEMO_PASSWORD
from tests.conftest import PASSWORD, count, fake_id_number

CHINESE_PATTERNS = ["12345678", "88888888", "11111111", "password", "qwerty123", "woaini1314",
                    "a123456789"]


def test_the_list_is_a_few_thousand_long_and_holds_the_chinese_patterns() -> None:
    assert 2000 <= len(common_passwords()) <= 20000
    for password in CHINESE_PATTERNS:
        assert is_common_password(password), password


def test_case_does_not_help() -> None:
    assert is_common_password("PassWord") and is_common_password("WOAINI1314")
    assert is_common_password("QWERTY123")


def test_demo_and_test_passwords_stay_allowed() -> None:
    assert not is_common_password(DEMO_PASSWORD) and not is_common_password(PASSWORD)


def register(client, password: str):
    return client.post("/api/v1/auth/register", json={
        "username": "weakling", "password": password, "full_name": "王弱",
        "id_number": fake_id_number(), "phone": "13912345678"})


@pytest.mark.parametrize("password", [*CHINESE_PATTERNS, "Woaini1314", "PASSWORD"])
def test_registration_refuses_a_common_password(client, session, password) -> None:
    users, events = count(session, "user_account"), count(session, "audit_event")
    response = register(client, password)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "常见" in errors["password"]
    assert password not in response.text.replace('"field":"password"', "")  # not echoed
    assert count(session, "user_account") == users and count(session, "audit_event") == events


def test_registration_accepts_an_uncommon_password(client) -> None:
    assert register(client, "jingpiao-2026").status_code == 201


def test_admin_cannot_create_an_account_with_a_common_password(client, make_user, login) -> None:
    response = client.post("/api/v1/users", headers=login(make_user("admin")), json={
        "username": "auditor-weak", "password": "Password1", "role": "auditor"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"
    ok = client.post("/api/v1/users", headers=login(make_user("admin")), json={
        "username": "auditor-strong", "password": DEMO_PASSWORD, "role": "auditor"})
    assert ok.status_code == 201, ok.text
