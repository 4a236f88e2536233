"""Door-access pages (第四十条): the operator's devices (a key shown once), credentials and their
binding; the signals with their weekly evidence and the review forms (the operator, 市住建局
city-wide, the office; auditors read); the tenant's bound credentials with the notice that access
events are recorded and kept a limited time (个人信息保护法, transparency).

Which forms a page shows is the transition tables' answer (``allowed_actions``,
:mod:`app.access.workflows`). Each form posts to the API's path without ``/api/v1``, is validated
with the API's schema and calls the API's service function in a savepoint; a refusal re-renders
the page with the error, success redirects with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.access import repository, service, views
from app.access.enums import SignalStatus
from app.access.schemas import BindIn, CredentialIn, DeviceIn, DismissIn, OpenCaseIn, UnbindIn
from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import Forbidden, ProblemError
from app.upkeep.models import is_housing_bureau
from app.web.core import CurrentUser, Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form
from app.web.pager import PAGE, next_url

router = page_router()
OPERATOR = require(Role.developer)
TENANT = require(Role.tenant)


async def _signal_reader(user: CurrentUser) -> User:
    if user.role in (Role.developer, Role.office, Role.auditor) or is_housing_bureau(user):
        return user
    raise Forbidden("当前角色无权访问此页面")


SIGNAL_READER = Depends(_signal_reader)


async def _reviewer(user: CurrentUser) -> User:
    """Who may dismiss: the operator, the office, 市住建局 (other departments and auditors: 403)."""
    if user.role in (Role.developer, Role.office) or is_housing_bureau(user):
        return user
    raise Forbidden("当前角色无权进行此操作")


REVIEWER = Depends(_reviewer)
CASE_OPENER = require(Role.developer, Role.office)


def _act(f: FormState, session: Session, schema: type[BaseModel] | None, form: Any,
         call: Callable[[Any], Any]) -> tuple[Any, bool]:
    """Validate into ``schema`` and call the service in a savepoint: (result, True) or (None, False)."""
    data = None
    try:
        if schema is not None:
            values = {k: v for k, v in f.values.items() if k in schema.model_fields and v != ""}
            data = from_form(schema, values)
    except ValidationError as exc:
        f.add_validation(exc)
        return None, False
    try:
        return attempt(session, call, data), True
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return None, False


# ---- the operator: projects, devices, credentials ---------------------------------------------------

@router.get("/access", name="access_overview")
def overview(request: Request, session: SessionDep, user: User = SIGNAL_READER) -> Response:
    """The operator's projects with their access equipment; others go to the signals."""
    if user.role != Role.developer:
        return redirect("/access/signals")
    projects = repository.operated_projects(session, user)
    return render(request, "access/overview.html", {"projects": projects,
                                                    "open_signals": repository.open_count(session, user)})


def _project_page(request: Request, session: Session, user: User, project_id: int, *,
                  f: FormState | None = None, key: dict[str, Any] | None = None,
                  status_code: int = 200, cursor: int | None = None,
                  credential_cursor: int | None = None) -> Response:
    project = repository.operated_project(session, user, project_id)
    devices = views.devices_page(user, repository.devices(session, user, project.id, cursor=cursor,
                                                          limit=PAGE))
    credentials = views.credentials_page(session, user, repository.credentials(
        session, user, project.id, cursor=credential_cursor, limit=PAGE))
    return render(request, "access/project.html", {
        "project": project, "devices": devices.items, "next_url": next_url(request, devices.next_cursor),
        "credentials": credentials.items,
        "credentials_next_url": next_url(request, credentials.next_cursor, "credential_cursor"),
        "f": f or FormState(), "key": key}, status_code=status_code)


@router.get("/access/projects/{project_id:int}", name="access_project")
def project_page(request: Request, session: SessionDep, project_id: int, cursor: int | None = None,
                 credential_cursor: int | None = None, user: User = OPERATOR) -> Response:
    return _project_page(request, session, user, project_id, cursor=cursor,
                         credential_cursor=credential_cursor)


@router.post("/access/projects/{project_id:int}/devices", name="access_device_create")
def create_device(request: Request, session: SessionDep, project_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    f = FormState.of(form)
    made, ok = _act(f, session, DeviceIn, form,
                    lambda data: service.register_device(session, user, project_id, data))
    if not ok:
        return _project_page(request, session, user, project_id, f=f, status_code=422)
    device, key = made
    return _project_page(request, session, user, project_id, key=views.device_view(user, device, key))


@router.post("/access/devices/{device_id:int}/rotate-key", name="access_device_rotate")
def rotate_device(request: Request, session: SessionDep, device_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    f = FormState.of(form)
    made, ok = _act(f, session, None, form, lambda _: service.rotate_key(session, user, device_id))
    device = repository.device(session, user, device_id)
    if not ok:
        return _project_page(request, session, user, device.project_id, f=f, status_code=409)
    return _project_page(request, session, user, device.project_id, key=views.device_view(user, *made))


@router.post("/access/devices/{device_id:int}/revoke", name="access_device_revoke")
def revoke_device(request: Request, session: SessionDep, device_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    f = FormState.of(form)
    device = repository.device(session, user, device_id)
    _, ok = _act(f, session, None, form, lambda _: service.revoke(session, user, device_id))
    if not ok:
        return _project_page(request, session, user, device.project_id, f=f, status_code=409)
    return redirect(f"/access/projects/{device.project_id}", request, "设备已停用，其密钥已作废")


@router.post("/access/projects/{project_id:int}/credentials", name="access_credential_create")
def create_credential(request: Request, session: SessionDep, project_id: int, form: Form,
                      user: User = OPERATOR) -> Response:
    f = FormState.of(form)
    _, ok = _act(f, session, CredentialIn, form,
                 lambda data: service.register_credential(session, user, project_id, data))
    if not ok:
        return _project_page(request, session, user, project_id, f=f, status_code=422)
    return redirect(f"/access/projects/{project_id}", request, "门禁凭证已登记")


def _credential_step(request: Request, session: Session, user: User, credential_id: int, form: Any,
                     schema: type[BaseModel], call: Callable[..., Any], message: str) -> Response:
    f = FormState.of(form)
    credential = repository.credential(session, user, credential_id)
    _, ok = _act(f, session, schema, form, lambda data: call(session, user, credential_id, data))
    if not ok:
        return _project_page(request, session, user, credential.project_id, f=f, status_code=422)
    return redirect(f"/access/projects/{credential.project_id}", request, message)


@router.post("/access/credentials/{credential_id:int}/bind", name="access_credential_bind")
def bind_credential(request: Request, session: SessionDep, credential_id: int, form: Form,
                    user: User = OPERATOR) -> Response:
    return _credential_step(request, session, user, credential_id, form, BindIn, service.bind, "凭证已绑定")


@router.post("/access/credentials/{credential_id:int}/unbind", name="access_credential_unbind")
def unbind_credential(request: Request, session: SessionDep, credential_id: int, form: Form,
                      user: User = OPERATOR) -> Response:
    return _credential_step(request, session, user, credential_id, form, UnbindIn, service.unbind,
                            "凭证已解绑")


# ---- signals ---------------------------------------------------------------------------------------

@router.get("/access/signals", name="access_signals")
def signals_page(request: Request, session: SessionDep, status: str | None = None,
                 cursor: int | None = None, user: User = SIGNAL_READER) -> Response:
    """Signals I may see, newest first; 待核查 by default."""
    status = status if status in {*SignalStatus.labels(), "all"} else SignalStatus.open.value
    found = views.signals_page(session, user, repository.signals(
        session, user, status=None if status == "all" else status, project_id=None, cursor=cursor,
        limit=PAGE))
    return render(request, "access/signals.html", {
        "signals": found.items, "next_url": next_url(request, found.next_cursor), "status": status,
        "statuses": [*SignalStatus.labels().items(), ("all", "全部")],
        "can_recompute": user.role in (Role.developer, Role.office) or is_housing_bureau(user)})


@router.post("/access/signals/recompute", name="access_signals_recompute")
def recompute(request: Request, session: SessionDep, form: Form, user: User = REVIEWER) -> Response:
    result = attempt(session, service.recompute, session, user, None)
    return redirect("/access/signals", request,
                    f"已重算：新增提示 {result['raised']} 条，更新 {result['updated']} 条")


def _signal_page(request: Request, session: Session, user: User, signal_id: int, *,
                 f: FormState | None = None, status_code: int = 200, cursor: int | None = None) -> Response:
    signal = repository.signal(session, user, signal_id)
    view = views.signal_view(session, user, signal)
    events = None
    if view["events_readable"]:
        page = views.events_page(session, service.signal_events(session, user, signal_id, cursor=cursor,
                                                                limit=PAGE))
        events = {"items": page.items, "next_url": next_url(request, page.next_cursor)}
    return render(request, "access/signal.html", {"s": view, "events": events, "f": f or FormState(
        {"kind": "idle" if signal.kind == "idle" else "lending", "rectify_days": "30"})},
        status_code=status_code)


@router.get("/access/signals/{signal_id:int}", name="access_signal")
def signal_page(request: Request, session: SessionDep, signal_id: int, cursor: int | None = None,
                user: User = SIGNAL_READER) -> Response:
    return _signal_page(request, session, user, signal_id, cursor=cursor)


def _review(request: Request, session: Session, user: User, signal_id: int, form: Any,
            schema: type[BaseModel], call: Callable[..., Any], message: str) -> Response:
    f = FormState.of(form)
    _, ok = _act(f, session, schema, form, lambda data: call(session, user, signal_id, data))
    if not ok:
        return _signal_page(request, session, user, signal_id, f=f, status_code=422)
    return redirect(f"/access/signals/{signal_id}", request, message)


@router.post("/access/signals/{signal_id:int}/dismiss", name="access_signal_dismiss")
def dismiss(request: Request, session: SessionDep, signal_id: int, form: Form,
            user: User = REVIEWER) -> Response:
    return _review(request, session, user, signal_id, form, DismissIn, service.dismiss, "已核查排除")


@router.post("/access/signals/{signal_id:int}/open-case", name="access_signal_open_case")
def open_case(request: Request, session: SessionDep, signal_id: int, form: Form,
              user: User = CASE_OPENER) -> Response:
    return _review(request, session, user, signal_id, form, OpenCaseIn, service.open_case,
                   "已立案：违规记录已登记，承租人将收到整改通知（第四十条）")


# ---- the tenant --------------------------------------------------------------------------------------

@router.get("/access/me", name="tenant_access")
def my_access(request: Request, session: SessionDep, user: User = TENANT) -> Response:
    days = service.view_limits()["retention_days"]
    return render(request, "access/mine.html", {
        "credentials": views.credentials_views(session, user, repository.my_credentials(session, user)),
        "notice": views.PIPL_NOTICE.format(days=days), "retention_days": days})
