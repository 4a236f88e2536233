"""Sessions and CSRF on the pages: the cookie, the token on every form, login through the same
brute-force limits as the API, logout and disabling ending the session at once, no open
redirect, security headers and Chinese error pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import LoginFailure
from app.audit.service import SYSTEM
from app.core.config import get_settings
from app.main import app
from app.web.core import SESSION_COOKIE, WebSession, csrf_token, encode_session
from tests.conftest import PASSWORD
from tests.security.test_http_hygiene import assert_secure
from tests.web.conftest import Person, csrf_of, text_of


def test_a_post_without_the_right_csrf_token_is_refused(client, make_user) -> None:
    user = make_user("tenant")
    me = Person(client)
    me.login(user.username)
    form = {"phone": "13912345678", "residence_district": "珠山区"}
    for token in (None, "", "0" * 64, csrf_token(WebSession.anonymous())):
        data = form | ({"csrf_token": token} if token is not None else {})
        response = client.post("/tenant/profile", data=data, follow_redirects=False)
        assert response.status_code == 403, token
        assert "防伪令牌" in response.text and response.headers["content-type"].startswith("text/html")
    client.cookies.clear()  # no session cookie at all: refused too, even with some token
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": me.token}, follow_redirects=False)
    assert response.status_code == 403
    me.login(user.username)
    assert me.post("/tenant/profile", form).headers["location"] == "/tenant"


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(client, make_user) -> None:
    user = make_user("office")
    page = client.get("/login")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    login = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/"
    issued = login.headers["set-cookie"]
    assert issued.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in issued and "SameSite=lax" in issued
    secure = TestClient(app, base_url="https://testserver").get("/login")
    assert "Secure" in secure.headers["set-cookie"]
    # a new session id at login: the token of the anonymous session no longer works
    assert csrf_of(client.get("/").text) != csrf_of(page.text)


def test_a_session_cookie_is_not_an_api_token(client, make_user) -> None:
    user = make_user("office")
    cookie = encode_session(WebSession.for_user(user))
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {cookie}"})
    assert response.status_code == 401


def test_logout_ends_the_session_and_every_token(client, make_user, login) -> None:
    user = make_user("office")
    api = login(user)
    me = Person(client)
    me.login(user.username)
    old_cookie = client.cookies.get(SESSION_COOKIE)
    assert me.get("/office/queue")
    me.post("/logout")
    assert me.last is not None and me.last.headers["location"] == "/login"
    client.cookies.set(SESSION_COOKIE, old_cookie)  # the old cookie, kept by someone
    response = client.get("/office/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/office/queue"
    assert client.get("/api/v1/auth/me", headers=api).status_code == 401


def test_disabling_an_account_ends_its_session(client, make_user, session) -> None:
    user = make_user("office")
    me = Person(client)
    me.login(user.username)
    accounts.set_active(session, actor=SYSTEM, user_id=user.id, active=False)
    response = client.get("/office/queue", follow_redirects=False)
    assert response.status_code == 303


def test_login_failures_count_as_for_the_api_and_lock_the_account(client, make_user, session,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "login_max_failures_per_account", 2)
    user = make_user("office")
    me = Person(client)
    wrong = me.login(user.username, "not-the-password", expect=422)
    assert "用户名或密码错误" in wrong.text and 'value="not-the-password"' not in wrong.text
    assert f'value="{user.username}"' in wrong.text  # the username is kept
    assert session.scalar(select(LoginFailure.id).where(LoginFailure.username == user.username))
    me.login(user.username, "not-the-password", expect=422)
    locked = me.login(user.username, expect=429)  # even with the right password
    assert "登录失败次数过多" in locked.text and int(locked.headers["retry-after"]) > 0
    token = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    assert token.status_code == 429  # the same counters as the API


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_after_login_never_to_another_site(client, make_user, target: str) -> None:
    user = make_user("office")
    page = client.get("/login", params={"next": target})
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "next": target, "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_after_login_back_to_the_page_asked_for(client, make_user) -> None:
    user = make_user("office")
    first = client.get("/office/queue", follow_redirects=False)
    assert first.headers["location"] == "/login?next=/office/queue"
    page = client.get(first.headers["location"])
    assert 'name="next" value="/office/queue"' in page.text
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "next": "/office/queue", "csrf_token": csrf_of(page.text)},
                           follow_redirects=False)
    assert response.status_code == 303, text_of(response.text)
    assert response.headers["location"] == "/office/queue"


def test_pages_carry_the_security_headers(client, make_user) -> None:
    me = Person(client)
    me.login(make_user("developer").username)
    for path in ("/", "/projects", "/projects/new", "/projects/999999", "/office/queue", "/login"):
        assert_secure(client.get(path, follow_redirects=False))


def test_error_pages_are_chinese_html(client, make_user) -> None:
    me = Person(client)
    me.login(make_user("office").username)
    for path, status, words in (("/projects/999999", 404, "未找到该项目"),
                                ("/office/applications/99999999999999999999999", 404, "未找到"),
                                ("/tenant", 403, "无权访问")):
        response = client.get(path)
        assert response.status_code == status and words in response.text
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in response.text


def test_a_body_over_the_limit_is_a_413_page(client, make_user) -> None:
    me = Person(client)
    me.login(make_user("developer").username)
    huge = {"file": ("units.csv", b"x" * (get_settings().max_request_bytes + 1), "text/csv")}
    response = client.post("/projects/1/units", data={"csrf_token": me.token}, files=huge,
                           follow_redirects=False)
    assert response.status_code == 413
