"""OAuth2 password flow and token verification (expiry, audience, algorithm allowlist)."""

from datetime import UTC, datetime, timedelta

import jwt

from app.core.config import get_settings
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def claims_for(user, **overrides):
    s = get_settings()
    now = datetime.now(UTC)
    claims = {"sub": str(user.id), "role": user.role, "ver": user.token_version,
              "aud": s.token_audience, "iss": s.token_issuer, "iat": now,
              "exp": now + timedelta(minutes=5)}
    return claims | overrides


def me(client, token: str):
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def sign(claims, key=None, algorithm="HS256") -> str:
    return jwt.encode(claims, key or get_settings().secret_key.get_secret_value(),
                      algorithm=algorithm)


def test_token_carries_expiry_and_audience(client, make_user) -> None:
    user = make_user("office")
    body = client.post(TOKEN_URL, data={"username": user.username, "password": PASSWORD}).json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == get_settings().token_audience and claims["exp"] > claims["iat"]
    assert me(client, body["access_token"]).json()["role"] == "office"


def test_wrong_password_and_unknown_user_look_the_same(client, make_user) -> None:
    user = make_user("office")
    wrong = client.post(TOKEN_URL, data={"username": user.username, "password": "nope-nope-1"})
    unknown = client.post(TOKEN_URL, data={"username": "nobody", "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_no_token(client) -> None:
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.json()["title"] == "未登录或登录已失效"


def test_expired_token_is_refused(client, make_user) -> None:
    user = make_user("auditor")
    past = datetime.now(UTC) - timedelta(hours=3)
    token = sign(claims_for(user, iat=past, exp=past + timedelta(hours=1)))
    assert me(client, token).status_code == 401


def test_forged_signature_is_refused(client, make_user) -> None:
    user = make_user("auditor")
    assert me(client, sign(claims_for(user), key="not-the-server-key-000000000000000")).status_code == 401


def test_algorithm_none_is_refused(client, make_user) -> None:
    user = make_user("admin")
    token = jwt.encode(claims_for(user), key=None, algorithm="none")
    assert me(client, token).status_code == 401


def test_wrong_audience_is_refused(client, make_user) -> None:
    user = make_user("auditor")
    assert me(client, sign(claims_for(user, aud="another-service"))).status_code == 401


def test_valid_hand_made_token_is_accepted(client, make_user) -> None:
    """The negative tests above fail for the reason they name, not for a malformed token."""
    user = make_user("auditor")
    assert me(client, sign(claims_for(user))).status_code == 200


def test_logout_revokes_tokens_at_once(client, make_user, login) -> None:
    user = make_user("office")
    headers = login(user)
    other = login(user)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/auth/me", headers=other).status_code == 401
    assert client.get("/api/v1/auth/me", headers=login(user)).status_code == 200


def test_disabling_an_account_revokes_its_tokens(client, make_user, login) -> None:
    admin, user = make_user("admin"), make_user("developer")
    headers = login(user)
    response = client.patch(f"/api/v1/users/{user.id}", json={"is_active": False}, headers=login(admin))
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post(TOKEN_URL, data={"username": user.username,
                                        "password": PASSWORD}).status_code == 401


def test_an_administrator_cannot_disable_their_own_account(client, make_user, login) -> None:
    admin = make_user("admin")
    headers = login(admin)
    response = client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=headers)
    assert response.status_code == 409 and "不能停用当前登录的账号" in response.json()["detail"]
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # still active, same token
