"""Logging in and out, and a tenant's self-registration.

Login goes through :func:`app.accounts.service.login`, the function behind ``POST
/api/v1/auth/token``: the same password check and the same brute-force limits per account
and per client address (a refused attempt is answered, not raised, so its failure record is
committed, exactly as the token route does). Logout increments the user's token version,
like ``POST /api/v1/auth/logout``: the page session and every API token end at once.
Registration goes through :func:`app.accounts.service.register_tenant`, like ``POST
/api/v1/auth/register``: the same hourly limit per client address (its attempt committed
even when refused) and the same answer for a 身份证 number that cannot be used.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.accounts import service as accounts
from app.accounts.deps import SessionDep
from app.accounts.schemas import RegisterRequest
from app.core.errors import ProblemError
from app.web.core import (
    Form,
    OptionalUser,
    WebSession,
    page_router,
    redirect,
    render,
    safe_next,
    start_session,
)
from app.web.forms import FormState, text

router = page_router()


@router.get("/login", name="login")
def login_form(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(safe_next(next) or "/")
    return render(request, "login.html", {"f": FormState({"next": safe_next(next) or ""})})


@router.post("/login", name="login_submit")
def login(request: Request, session: SessionDep, form: Form) -> Response:
    f = FormState.of(form)
    f.values.pop("password", None)  # never sent back
    username, password = text(form, "username"), form.get("password")
    if not username:
        f.add("username", "请输入用户名")
    if not isinstance(password, str) or not password:
        f.add("password", "请输入密码")
    if f.invalid:
        f.detail = "请填写用户名和密码"
        return render(request, "login.html", {"f": f}, status_code=422)
    try:
        user = accounts.login(session, username, password,  # type: ignore[arg-type]
                              request.client.host if request.client else None)
    except ProblemError as exc:
        # Answered, not raised: the request commits, so the failed attempt counts.
        f.add(None, exc.detail)
        f.detail = "未能登录"
        response = render(request, "login.html", {"f": f},
                          status_code=429 if exc.status == 429 else 422)
        if exc.headers and "Retry-After" in exc.headers:
            response.headers["Retry-After"] = exc.headers["Retry-After"]
        return response
    start_session(request, WebSession.for_user(user))
    return redirect(safe_next(text(form, "next")) or "/", request,
                    f"欢迎，{user.full_name or user.username}")


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    if user is not None:
        accounts.logout(session, user)
    start_session(request, WebSession.anonymous())
    return redirect("/login", request, "已退出登录")


REGISTER_FIELDS = ("username", "full_name", "id_number", "phone")


@router.get("/register", name="register")
def register_form(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return redirect("/")
    return render(request, "register.html", {"f": FormState()})


@router.post("/register", name="register_submit")
def register(request: Request, session: SessionDep, form: Form) -> Response:
    f = FormState.of(form)
    for secret in ("password", "password_confirm"):
        f.values.pop(secret, None)
    password = form.get("password") if isinstance(form.get("password"), str) else ""
    try:
        data = RegisterRequest.model_validate(
            {name: text(form, name) for name in REGISTER_FIELDS} | {"password": password})
    except ValidationError as exc:
        f.add_validation(exc)
    if password and password != form.get("password_confirm"):
        f.add("password_confirm", "两次输入的密码不一致")
        f.detail = f.detail or "请更正下列标出的内容后再提交。"
    if f.invalid:
        return render(request, "register.html", {"f": f}, status_code=422)
    try:
        # Not in a savepoint of the page's: the service keeps the attempt (it counts against
        # the address's hourly limit) and undoes only the account when it refuses.
        user = accounts.register_tenant(session, data,
                                        request.client.host if request.client else None)
    except ProblemError as exc:
        response = render(request, "register.html", {"f": f.add_problem(exc)},
                          status_code=exc.status if exc.status in (409, 422, 429) else 422)
        if exc.headers and "Retry-After" in exc.headers:
            response.headers["Retry-After"] = exc.headers["Retry-After"]
        return response
    start_session(request, WebSession.for_user(user))
    return redirect("/tenant", request, "注册成功。请先填写个人信息并签署附件4承诺，然后即可申请。")
