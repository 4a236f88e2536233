"""What every page shares: the session cookie, CSRF, the current viewer, rendering, errors.

Sessions
    One cookie, ``baozu_session``: a JWT (HS256, audience ``baozu-web``, a key derived from
    ``BAOZU_SECRET_KEY`` so it can never pass for an API bearer token or the reverse)
    carrying a random session id and, once logged in, the user id and the user's
    ``token_version``. HttpOnly, SameSite=Lax, Secure when the request came over HTTPS,
    valid :data:`SESSION_HOURS`. Every request re-reads the user: a logout (the version is
    incremented, exactly as ``POST /api/v1/auth/logout`` does) or a disabled account ends
    the session at once. Anonymous visitors get a session too (no user), so the login and
    registration forms carry a CSRF token like every other form; logging in issues a new
    session id (no fixation).

CSRF
    Every POST to a page route must carry ``csrf_token`` = HMAC(key, session id) as a form
    field; :class:`PageRoute` checks it before anything else runs and answers a Chinese
    403 page otherwise. The cookie's SameSite=Lax already keeps other sites' POSTs from
    carrying it; the token is the second lock.

Errors
    :class:`PageRoute` turns what page routes raise into pages: not logged in → 303 to
    ``/login?next=…``; :class:`~app.core.errors.ProblemError` → a page with its status (403 for
    a role that may not, 404 for what does not exist or is outside the viewer's scope);
    an invalid path parameter → 404; anything unexpected → 500, logged, and the request's
    database work rolled back. (Refusals write nothing: lookups and role checks only read,
    and each service call of a form runs in a savepoint of its own, see :func:`attempt`.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlsplit

import jwt
from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from jinja2 import pass_context
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import NoMatchFound

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.repository import load_principal
from app.core.clock import today
from app.core.config import get_settings
from app.core.db import mark_rollback
from app.core.errors import Forbidden, ProblemError
from app.core.routing import DbRoute, on_loop
from app.core.templating import templates
from app.notices.repository import unread_count
from app.web.nav import PUBLIC, nav_for
from rules import format as fmt
from rules.calendar import CalendarYearMissing
from rules.params import ParameterNotInForce, value_at

log = logging.getLogger("baozu.web")

SESSION_COOKIE = "baozu_session"
FLASH_COOKIE = "baozu_flash"
SESSION_AUDIENCE = "baozu-web"
SESSION_HOURS = 8
CSRF_FIELD = "csrf_token"
CSRF_REFUSED = "表单已过期或来源无法确认（缺少有效的防伪令牌）。请返回上一页，刷新后重新提交。"
ALGORITHM = "HS256"
T = TypeVar("T")


# ---- keys -----------------------------------------------------------------------------------

def _key(purpose: str) -> bytes:
    """A key for one purpose, derived from ``BAOZU_SECRET_KEY`` (never the raw secret)."""
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, f"baozu-web:{purpose}".encode(), hashlib.sha256).digest()


def _sign(purpose: str, data: bytes) -> str:
    return hmac.new(_key(purpose), data, hashlib.sha256).hexdigest()


# ---- the session cookie ---------------------------------------------------------------------

@dataclass(frozen=True)
class WebSession:
    sid: str
    user_id: int | None = None
    version: int | None = None

    @classmethod
    def anonymous(cls) -> WebSession:
        return cls(secrets.token_urlsafe(24))

    @classmethod
    def for_user(cls, user: User) -> WebSession:
        return cls(secrets.token_urlsafe(24), user.id, user.token_version)


def encode_session(ws: WebSession) -> str:
    s = get_settings()
    issued = datetime.now(UTC)
    claims: dict[str, Any] = {"sid": ws.sid, "aud": SESSION_AUDIENCE, "iss": s.token_issuer,
                              "iat": issued, "exp": issued + timedelta(hours=SESSION_HOURS)}
    if ws.user_id is not None:
        claims |= {"sub": str(ws.user_id), "ver": ws.version}
    return jwt.encode(claims, _key("session"), algorithm=ALGORITHM)


def decode_session(value: str | None) -> WebSession | None:
    if not value:
        return None
    s = get_settings()
    try:
        claims = jwt.decode(value, _key("session"), algorithms=[ALGORITHM],
                            audience=SESSION_AUDIENCE, issuer=s.token_issuer,
                            options={"require": ["exp", "iat", "sid", "aud", "iss"]})
        sid = str(claims["sid"])
        if "sub" in claims:
            return WebSession(sid, int(claims["sub"]), int(claims["ver"]))
        return WebSession(sid)
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError):
        return None


def csrf_token(ws: WebSession) -> str:
    return _sign("csrf", ws.sid.encode())


def web_session(request: Request) -> WebSession:
    """The request's session (set up by :class:`PageRoute` before the route runs)."""
    ws = getattr(request.state, "web_session", None)
    if ws is None:
        ws = decode_session(request.cookies.get(SESSION_COOKIE))
        if ws is None:
            ws = WebSession.anonymous()
            request.state.set_session = ws
        request.state.web_session = ws
    return ws


def start_session(request: Request, ws: WebSession) -> None:
    """Replace the request's session (login, logout): the response carries the new cookie."""
    request.state.web_session = ws
    request.state.set_session = ws


# ---- flash messages ---------------------------------------------------------------------------

def flash(request: Request, message: str) -> None:
    """A message shown once, on the next page rendered (after a redirect)."""
    request.state.flash_out = message


def _encode_flash(message: str) -> str:
    data = message.encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=") + "." + _sign("flash", data)[:32]


def _decode_flash(value: str | None) -> str | None:
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    if not hmac.compare_digest(mac, _sign("flash", data)[:32]):
        return None
    return data.decode(errors="replace")


# ---- the viewer --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Viewer:
    """Who is looking, as plain values (safe to use after the database session has ended)."""

    id: int
    username: str
    name: str
    role: str
    role_label: str
    unit: str | None
    department_code: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        unit = (user.department.name if user.department is not None
                else user.organization.name if user.organization is not None else None)
        return cls(user.id, user.username, user.full_name or user.username, user.role,
                   Role(user.role).label, unit,
                   user.department.code if user.department is not None else None)


class LoginRequired(Exception):
    """Raised by a page that needs a login: :class:`PageRoute` redirects to the login page."""


@on_loop
def optional_user(request: Request, session: SessionDep) -> User | None:
    """The logged-in user, or None; a revoked or expired session becomes anonymous again."""
    ws = web_session(request)
    if ws.user_id is None:
        return None
    user = load_principal(session, ws.user_id)
    if user is None or not user.is_active or user.token_version != ws.version:
        start_session(request, WebSession.anonymous())
        return None
    request.state.viewer = Viewer.of(user)
    request.state.unread_notices = unread_count(session, user.id)  # the header's 消息 (N)
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise LoginRequired
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Any:
    """A dependency: the logged-in user if their role is one of ``roles`` (else 403)."""
    allowed = frozenset(roles)

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden("当前角色无权访问此页面")
        return user

    return Depends(dependency)


def require_department(code: str) -> Any:
    """A dependency: a reviewer of the department ``code`` (市住建局 zhujian, 市发改委 fagai)."""

    async def dependency(user: CurrentUser) -> User:
        if user.role != Role.department or user.department is None or user.department.code != code:
            raise Forbidden("只有相应职能部门可以访问此页面")
        return user

    return Depends(dependency)


async def form_data(request: Request) -> FormData:
    """The submitted form (read once; :class:`PageRoute` has already read it for CSRF)."""
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


# ---- rendering ---------------------------------------------------------------------------------

def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """A page from ``templates/`` with what the layout needs: viewer, CSRF token, flash."""
    ws = web_session(request)
    shown = getattr(request.state, "flash_in", None)
    if shown:
        request.state.flash_shown = True
    base = {"viewer": getattr(request.state, "viewer", None), "csrf_token": csrf_token(ws),
            "flash": shown, "unread_notices": getattr(request.state, "unread_notices", 0)}
    response = templates.TemplateResponse(request, template, base | (context or {}),
                                          status_code=status_code)
    if b'data-label-for="' in response.body:
        response.body = name_fields(response.body.decode()).encode()
        response.headers["content-length"] = str(len(response.body))
    return response


_LABEL = re.compile(r'<label for="(?P<id>[^"]+)"[^>]*>(?P<text>.*?)</label>', re.S)
_LEGEND = re.compile(r'<fieldset[^>]*\bid="(?P<id>[^"]+)"[^>]*>\s*<legend[^>]*>(?P<text>.*?)</legend>', re.S)
_PLACEHOLDER = re.compile(r'<span data-label-for="(?P<id>[^"]+)">(?P<fallback>[^<]*)</span>')


def name_fields(html: str) -> str:
    """The error summary names each field by the label the page shows for it ("姓名：缺少必填项",
    not "缺少必填项" seventeen times): each placeholder the summary leaves is replaced by the
    text of ``<label for=id>`` or of the ``<legend>`` of ``<fieldset id=id>``; a field the form
    does not show keeps its name."""
    names: dict[str, str] = {}
    for pattern in (_LEGEND, _LABEL):
        for found in pattern.finditer(html):
            text = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", found["text"], flags=re.S)
            text = re.sub(r"<[^>]+>", "", text).replace("（必选）", "").strip()
            if text:
                names.setdefault(found["id"], text)
    return _PLACEHOLDER.sub(lambda m: names.get(m["id"], m["fallback"]) if m["id"] in names
                            else m["fallback"], html)


def redirect(url: str, request: Request | None = None, message: str | None = None) -> RedirectResponse:
    """303 See Other (after a POST the browser GETs ``url``), with an optional flash message."""
    if request is not None and message:
        flash(request, message)
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (never another site: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


ERROR_TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 405: "不支持该请求方法",
                409: "现在还不能办理这一步",
                413: "内容过大", 422: "提交的内容需要更正", 429: "操作过于频繁，请稍后再试",
                500: "服务器内部错误", 503: "服务暂时不可用"}


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "title": ERROR_TITLES.get(status, "出错了"),
                                          "detail": detail}, status_code=status)


def _rollback(request: Request) -> None:
    """The request's session rolls back instead of committing (it ends after the page)."""
    mark_rollback(request)


def _finish(request: Request, response: Response) -> Response:
    https = request.url.scheme == "https"
    ws: WebSession | None = getattr(request.state, "set_session", None)
    if ws is not None:
        response.set_cookie(SESSION_COOKIE, encode_session(ws), httponly=True, samesite="lax",
                            secure=https, path="/")
    message = getattr(request.state, "flash_out", None)
    if message:
        response.set_cookie(FLASH_COOKIE, _encode_flash(message), httponly=True, samesite="lax",
                            secure=https, path="/", max_age=300)
    elif getattr(request.state, "flash_shown", False):
        response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=https)
    return response


def _referer_path(request: Request) -> str | None:
    """The path of the page a form was posted from, when it is a page of this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return None
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


async def _csrf_ok(request: Request, ws: WebSession) -> bool:
    try:
        form = await request.form()
    except StarletteHTTPException:  # e.g. the body is over BAOZU_MAX_REQUEST_BYTES (413)
        raise
    except Exception:  # an unreadable body is refused like a missing token
        return False
    sent = form.get(CSRF_FIELD)
    return isinstance(sent, str) and hmac.compare_digest(sent, csrf_token(ws))


class PageRoute(DbRoute):
    """The route class of every page: session, CSRF on POST, errors as pages (module doc)."""

    serves_pages = True  # a method the path lacks is answered with the HTML 405 page (app.core.errors)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            had_cookie = decode_session(request.cookies.get(SESSION_COOKIE)) is not None
            ws = web_session(request)
            request.state.flash_in = _decode_flash(request.cookies.get(FLASH_COOKIE))
            if request.method == "POST":
                try:
                    accepted = had_cookie and await _csrf_ok(request, ws)
                except StarletteHTTPException as exc:  # too large (413) or unparseable (400)
                    detail = str(exc.detail) if exc.status_code == 413 else "请求内容无法解析，请重新提交。"
                    return _finish(request, error_page(request, exc.status_code, detail))
                if not accepted:
                    return _finish(request, error_page(request, 403, CSRF_REFUSED))
            try:
                response = await handler(request)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                if request.method != "GET":
                    target = _referer_path(request) or "/"
                response = RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
            except ProblemError as exc:
                response = error_page(request, exc.status, exc.detail)
                for name, value in (exc.headers or {}).items():
                    if name.lower() != "www-authenticate":
                        response.headers[name] = value
            except ParameterNotInForce as exc:  # a day before the provision took effect (第五十条)
                response = error_page(request, 422, exc.message)
            except CalendarYearMissing as exc:
                response = error_page(request, 422, f"{exc.year} 年的国务院节假日安排尚未录入，"
                                                    "无法计算工作日；请管理员录入该年通知")
            except RequestValidationError as exc:
                in_path = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
                response = (error_page(request, 404, "未找到该页面") if in_path
                            else error_page(request, 422, "请求参数不合法"))
            except OperationalError:
                _rollback(request)
                log.error("page %s %s: database unavailable", request.method, request.url.path)
                response = error_page(request, 503, "数据库暂时无法访问，请稍后重试。")
                response.headers["Retry-After"] = "5"
            except DataError:
                # a number no column can hold (an id of 30 digits): no such object
                _rollback(request)
                response = error_page(request, 404, "未找到该页面")
            except Exception:
                _rollback(request)
                log.exception("page %s %s failed", request.method, request.url.path)
                response = error_page(request, 500, "服务器处理请求时出错，已记录，请稍后重试。")
            return _finish(request, response)

        return page_handler


def page_router() -> APIRouter:
    """An ``APIRouter`` for pages: :class:`PageRoute`, not in the OpenAPI document."""
    return APIRouter(include_in_schema=False, route_class=PageRoute,
                     default_response_class=HTMLResponse)


def attempt(session: Session, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call in a savepoint: if it refuses (raises), none of its writes stay,
    and the page can answer with the form again."""
    with session.begin_nested():
        return call(*args, **kwargs)


# ---- navigation in the templates --------------------------------------------------------------

@pass_context
def has_route(context: Any, name: str) -> bool:
    """Whether a page route (not an API route) called ``name`` is registered."""
    app = context["request"].app
    if not any(isinstance(c.original_route, PageRoute) and c.original_route.name == name
               for c in iter_route_contexts(app.routes)):
        return False
    try:
        app.url_path_for(name)
    except NoMatchFound:  # it needs path parameters: not a menu entry
        return False
    return True


@pass_context
def page_path(context: Any, name: str) -> str:
    """The path of the page route called ``name`` — never an API route that shares the name
    (``public_rents`` is both the page ``/rents`` and the JSON ``/api/v1/rents``)."""
    app = context["request"].app
    for c in iter_route_contexts(app.routes):
        if isinstance(c.original_route, PageRoute) and c.original_route.name == name:
            return str(c.original_route.url_path_for(name))
    return str(app.url_path_for(name))


def param(name: str) -> Any:
    """A parameter of ``rules/parameters.toml`` as in force today, for the pages' general
    texts ("10 个工作日", "90 m²"): decimals with their significant digits, ratios as
    percentages (``rent_cap_ratio`` → "90%"); a fact's own figure is shown from the fact (a
    clock's ``limit``)."""
    value = value_at(name, today())
    if isinstance(value, Decimal):
        return fmt.percent(value) if name.endswith(("_ratio", "_rate", "_max")) and value < 1 \
            else fmt.plain(value)
    return value


templates.env.globals.update(has_route=has_route, nav_for=nav_for, public_nav=PUBLIC, param=param,
                             page_path=page_path)
