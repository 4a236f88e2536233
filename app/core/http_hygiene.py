"""HTTP hygiene (OWASP ASVS 5.0 V3, V4, V13; PIPL): headers, caching, CORS, request size.

:func:`install` is called by ``create_app()``; it adds, from the outside in:

``SecurityHeadersMiddleware`` (wraps the whole stack, even the 500 answer)
    On every response, unless the route set its own:

    - ``Content-Security-Policy``: :data:`CSP` — only this origin's scripts, styles and
      images (plus ``data:`` images), no inline script or style, no framing, no ``<base>``
      or form target elsewhere. The pages in ``templates/`` and the QR SVGs need no more.
      **Exception: the Swagger UI at** ``/api/docs`` (and its ``/docs/oauth2-redirect``). FastAPI
      builds it from an inline ``<script>`` and loads ``swagger-ui-dist`` and its favicon
      from public CDNs, so it gets :data:`DOCS_CSP`: the same policy plus those two hosts
      and ``'unsafe-inline'``, for those two paths only. It serves no personal data itself
      (the API calls it makes get the strict headers) and is a developer tool; a deployment
      that wants none of it can front it with the proxy or self-host the assets.
    - ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
      ``X-Frame-Options: DENY``, a ``Permissions-Policy`` turning off the powerful
      features the service never uses, and ``Strict-Transport-Security`` when the request
      came over HTTPS (with proxy headers honoured, see ``app/auth/api.py``).
    - ``Cache-Control: no-store`` on **every** response except the static assets under
      ``/static/``. That covers every ``/api/v1`` answer, authenticated or not, including
      ``/api/v1/auth/*`` and the public certificate verification: a verification must show
      a revocation at once, so a cached "有效" is the wrong answer, and the pages are cheap
      to compute. One rule with one exception is easier to keep right than a list of
      public routes.

``CORSMiddleware`` (only when ``BAOZU_CORS_ORIGINS`` lists origins)
    Starlette's, for exactly those origins, bearer tokens only (no credentials/cookies).
    With the default empty list it is not installed at all, so no response ever carries
    ``Access-Control-Allow-*`` and browsers keep the same-origin policy.

``RequestSizeLimitMiddleware``
    Bodies over ``BAOZU_MAX_REQUEST_BYTES`` (default 20 MiB, room for the bulk unit lists)
    answer 413 problem+json in Chinese: at once, before any of the body is read, when
    ``Content-Length`` says so; otherwise (chunked upload) as soon as the bytes received
    pass the limit, the rest is never read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import get_settings
from app.core.errors import PROBLEM_BASE, problem_response

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (f"default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
            f"style-src 'self' 'unsafe-inline' {SWAGGER_CDN}; "
            f"script-src 'self' 'unsafe-inline' {SWAGGER_CDN}; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "serial=(), bluetooth=(), fullscreen=(self)")
CACHEABLE_PREFIXES = ("/static/",)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the security and caching headers to every HTTP response (see the module doc)."""

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"
        docs = path in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in response_headers(path, https=https, docs=docs).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def response_headers(path: str, *, https: bool = False, docs: bool = False) -> dict[str, str]:
    """The headers :class:`SecurityHeadersMiddleware` adds for a request path."""
    headers = {
        "content-security-policy": DOCS_CSP if docs else CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
        "permissions-policy": PERMISSIONS_POLICY,
    }
    if not path.startswith(CACHEABLE_PREFIXES):
        headers["cache-control"] = "no-store"
    if https:
        headers["strict-transport-security"] = HSTS
    return headers


# ---- request size --------------------------------------------------------------------------

class RequestTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a body passes the limit; rendered by the app's handler.

    A Starlette ``HTTPException`` on purpose: FastAPI's body parsing re-raises those as they
    are (anything else becomes a 400) and the installed handler answers problem+json.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_detail(limit))


def too_large_detail(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} 字节"
    return f"请求内容超过 {size} 的上限，未予处理"


def too_large_body(limit: int) -> dict[str, Any]:
    return {"type": PROBLEM_BASE + "request-too-large", "title": "请求内容过大", "status": 413,
            "detail": too_large_detail(limit)}


class RequestSizeLimitMiddleware:
    """413 for a body larger than ``max_bytes``, by ``Content-Length`` or by counting."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            # Answer before reading anything; the server discards or closes the rest.
            await problem_response(too_large_body(self.max_bytes))(scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLarge:
            # Normally the app's exception handler answers; this catches a body read outside
            # it (a middleware further in). Too late to answer once a response has started.
            if started:
                raise
            await problem_response(too_large_body(self.max_bytes))(scope, receive, send)


# ---- installation --------------------------------------------------------------------------

def install(app: FastAPI) -> None:
    """Add the middlewares above to ``app`` (called once by ``create_app``)."""
    settings = get_settings()
    app.add_middleware(RequestSizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language"],
            expose_headers=["Retry-After", "Content-Disposition"], max_age=600)
    # Outside everything, even Starlette's ServerErrorMiddleware, so a 500 carries the
    # headers too (add_middleware always places middleware inside that one).
    docs_paths = frozenset(p for p in (app.docs_url, app.swagger_ui_oauth2_redirect_url) if p)
    build: Callable[[], ASGIApp] = app.build_middleware_stack
    app.build_middleware_stack = (  # type: ignore[method-assign]
        lambda: SecurityHeadersMiddleware(build(), docs_paths=docs_paths))
