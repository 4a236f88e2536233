"""HTTP hygiene (ASVS 5.0 V3.4, V4, V13; PIPL): security headers, no caching of personal data,
CORS closed unless configured, request size limit."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import PROJECT_ROOT
from app.core.config import get_settings
from app.core.http_hygiene import CSP, DOCS_CSP
from app.main import create_app
from tests.core.test_errors import broken_app

SECURITY_HEADERS = {"content-security-policy", "x-content-type-options", "referrer-policy",
                    "x-frame-options", "permissions-policy"}


def assert_secure(response, *, csp: str = CSP, cacheable: bool = False) -> None:
    h = response.headers
    assert set(h.keys()) >= SECURITY_HEADERS, (response.request.url, dict(h))
    assert h["content-security-policy"] == csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert h["x-frame-options"] == "DENY"
    assert "camera=()" in h["permissions-policy"]
    if cacheable:
        assert "no-store" not in h.get("cache-control", "")
    else:
        assert h["cache-control"] == "no-store", (response.request.url, dict(h))


def test_the_strict_policy_is_the_one_asked_for() -> None:
    assert CSP == ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                   "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
    assert "unsafe" not in CSP


def test_headers_on_api_answers_errors_and_pages(client, make_user, login) -> None:
    headers = login(make_user("tenant"))
    for response in (
        client.get("/api/v1/calendar/2025"),                        # public JSON
        client.get("/api/v1/auth/me", headers=headers),             # personal data
        client.get("/api/v1/auth/me"),                              # 401
        client.get("/api/v1/users", headers=headers),               # 403
        client.get("/api/v1/organizations/999999", headers=headers),  # 404
        client.post("/api/v1/auth/register", json={}),              # 422
        client.post("/api/v1/auth/token", data={"username": "x", "password": "y"}),  # 401
        client.get("/api/v1/certificates/NO-SUCH"),                 # public verification
        client.get("/api/v1/openapi.json"),
        client.get("/"),                                            # HTML page
        client.get("/certificates/NO-SUCH"),                        # QR target page, 404
        client.get("/healthz"),
        client.get("/no/such/page"),
    ):
        assert_secure(response)


def test_static_assets_may_be_cached(client) -> None:
    response = client.get("/static/baozu.css")
    assert response.status_code == 200
    assert_secure(response, cacheable=True)


def test_a_500_carries_the_headers_too() -> None:
    response = broken_app().get("/boom")
    assert response.status_code == 500
    assert_secure(response)


def test_swagger_ui_gets_a_relaxed_policy_of_its_own(client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert_secure(response, csp=DOCS_CSP)
    assert "https://cdn.jsdelivr.net" in DOCS_CSP and "frame-ancestors 'none'" in DOCS_CSP
    # what the page loads is what the relaxed policy allows, no more
    for url in re.findall(r'(?:src|href)="(https://[^"/]+)', response.text):
        assert url in DOCS_CSP, url
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and "<script>" in redirect.text
    assert_secure(redirect, csp=DOCS_CSP)
    # nowhere else
    assert client.get("/api/docs/other").headers["content-security-policy"] == CSP


def test_templates_need_no_inline_script_or_style() -> None:
    """The strict policy forbids inline code: the pages must not rely on any."""
    for path in Path(PROJECT_ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "javascript:" not in text, path


def test_https_requests_get_hsts(client) -> None:
    response = client.get("https://testserver/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in client.get("/healthz").headers


# ---- CORS ---------------------------------------------------------------------------------

PREFLIGHT = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


def test_cors_is_closed_by_default(client) -> None:
    assert get_settings().cors_origins == []
    preflight = client.options("/api/v1/auth/token", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/api/v1/calendar/2025", headers={"Origin": "https://evil.example"})
    assert simple.status_code == 200
    assert not any(k.startswith("access-control-") for k in simple.headers)


def test_cors_allows_exactly_the_configured_origins(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "cors_origins", ["https://portal.jdz.gov.cn"])
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        allowed = client.options("/api/v1/auth/token",
                                 headers=PREFLIGHT | {"Origin": "https://portal.jdz.gov.cn"})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://portal.jdz.gov.cn"
        assert "access-control-allow-credentials" not in allowed.headers
        other = client.options("/api/v1/auth/token", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in other.headers
        simple = client.get("/api/v1/calendar/2025", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers


# ---- request size -------------------------------------------------------------------------

LIMIT = 4096


@pytest.fixture
def small_app(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_request_bytes", LIMIT)
    return create_app()


def assert_too_large(status: int, headers: dict[str, str], body: bytes) -> None:
    import json
    assert status == 413
    assert headers["content-type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == 413 and problem["title"] == "请求内容过大"
    assert "上限" in problem["detail"] and problem["type"] == "/problems/request-too-large"
    assert headers["cache-control"] == "no-store" and "content-security-policy" in headers


def test_default_limit_is_20_mib() -> None:
    assert get_settings().max_request_bytes == 20 * 1024 * 1024


def asgi_post(app, path: str, chunks: list[bytes], content_length: int | None,
              content_type: bytes = b"application/json"):
    """POST straight through ASGI, counting how many body chunks the app pulled."""
    pulled = 0
    sent: list[dict] = []
    headers = [(b"content-type", content_type), (b"host", b"testserver")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("testserver", 80)}

    async def receive():
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1],
                    "more_body": pulled < len(chunks)}
        await asyncio.sleep(3600)  # the client would wait; the app must not
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers_out = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers_out, body, pulled


CHUNKS = [b"x" * 1024] * 100  # 100 KiB, far over the 4 KiB limit


def test_declared_oversize_body_is_refused_without_reading_it(small_app) -> None:
    status, headers, body, pulled = asgi_post(small_app, "/api/v1/auth/register", CHUNKS,
                                              content_length=len(CHUNKS) * 1024)
    assert_too_large(status, headers, body)
    assert pulled == 0


def test_chunked_oversize_body_is_refused_once_past_the_limit(small_app) -> None:
    status, headers, body, pulled = asgi_post(small_app, "/api/v1/auth/register", CHUNKS,
                                              content_length=None)
    assert_too_large(status, headers, body)
    assert pulled <= LIMIT // 1024 + 1  # stopped reading right after the limit


def test_chunked_oversize_form_is_refused(small_app) -> None:
    """The token route reads a form, not JSON: the limit holds there too."""
    status, headers, body, pulled = asgi_post(small_app, "/api/v1/auth/token", CHUNKS,
                                              content_length=None,
                                              content_type=b"application/x-www-form-urlencoded")
    assert_too_large(status, headers, body)
    assert pulled <= LIMIT // 1024 + 1


def test_test_client_oversize_bodies(small_app) -> None:
    with TestClient(small_app, raise_server_exceptions=False) as client:
        declared = client.post("/api/v1/auth/register", content=b"{" + b" " * LIMIT + b"}",
                               headers={"content-type": "application/json"})
        assert_too_large(declared.status_code, dict(declared.headers), declared.content)

        def stream():
            for _ in range(10):
                yield b" " * 1024

        chunked = client.post("/api/v1/auth/register", content=stream(),
                              headers={"content-type": "application/json"})
        assert "content-length" not in chunked.request.headers
        assert_too_large(chunked.status_code, dict(chunked.headers), chunked.content)


def test_bodies_under_the_limit_are_untouched(small_app) -> None:
    status, _, body, _ = asgi_post(small_app, "/api/v1/auth/register", [b"{}"], content_length=2)
    assert status == 422 and b"username" in body
    status, _, body, _ = asgi_post(small_app, "/api/v1/auth/register", [b"{", b"}"],
                                   content_length=None)
    assert status == 422 and b"username" in body
