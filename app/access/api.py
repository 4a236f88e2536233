"""Routes of door access (第四十条): the device API (``POST /access/events`` with
``Authorization: Device <key>``, no user), and the operator's, 住建's and the tenant's reads and
steps. Events are personal data: the operator of the project reads them, 市住建局 only those of
a signal under review (待核查); everyone else sees weekly counts, never a movement log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, status

from app.access import ingest, repository, service, views
from app.access.schemas import (
    BatchIn,
    BatchRead,
    BindIn,
    CredentialIn,
    CredentialRead,
    DeviceIn,
    DeviceKeyRead,
    DeviceRead,
    DismissIn,
    EventRead,
    MyCredentialsRead,
    OpenCaseIn,
    RecomputeIn,
    RecomputeRead,
    SignalRead,
    UnbindIn,
)
from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import Forbidden, problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.upkeep.models import is_housing_bureau

router = api_router(tags=["智能门禁"])
WRITE = problem_responses(401, 403, 404, 409, 422)
READ = problem_responses(401, 403, 404)
LIST = problem_responses(401, 403, 404, 422)
OPERATOR = require(Role.developer)

async def _signal_reader(user: CurrentUser) -> User:
    if user.role in (Role.developer, Role.office, Role.auditor) or is_housing_bureau(user):
        return user
    raise Forbidden("当前角色无权查看门禁提示")


SIGNAL_READER = Depends(_signal_reader)


# ---- the device API ------------------------------------------------------------------------------

@router.post("/access/events", response_model=BatchRead,
             responses=problem_responses(401, 422, 429))
def receive_events(session: SessionDep, batch: BatchIn,
                   authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """A device's batch (at most ``access_batch_max_events`` events), with ``Authorization:
    Device <key>``. Idempotent: a re-sent event is answered ``duplicate``; any order. Each event
    is answered ``accepted``, ``duplicate`` or ``refused`` with its reason (a time in the future
    beyond the clock skew, older than the retention period, an event id twice in the batch). An
    unknown credential is kept as such. Over the device's rate limit: 429 with ``Retry-After``."""
    return ingest.receive(session, authorization, batch)


# ---- devices -------------------------------------------------------------------------------------

@router.post("/access/projects/{project_id}/devices", response_model=DeviceKeyRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def register_device(session: SessionDep, project_id: int, data: DeviceIn,
                    user: User = OPERATOR) -> dict[str, Any]:
    """A device of a project I operate; the answer shows its key once (stored only as a hash)."""
    device, key = service.register_device(session, user, project_id, data)
    return views.device_view(user, device, key)


@router.get("/access/projects/{project_id}/devices", response_model=list[DeviceRead], responses=LIST)
def list_devices(session: SessionDep, project_id: int, page: PageParams,
                 user: User = OPERATOR) -> list[dict[str, Any]]:
    repository.operated_project(session, user, project_id)
    return page.respond(views.devices_page(user, repository.devices(
        session, user, project_id, cursor=page.cursor, limit=page.limit)))


@router.post("/access/devices/{device_id}/rotate-key", response_model=DeviceKeyRead, responses=WRITE)
def rotate_key(session: SessionDep, device_id: int, user: User = OPERATOR) -> dict[str, Any]:
    """A new key, shown once; the old key stops working at once."""
    device, key = service.rotate_key(session, user, device_id)
    return views.device_view(user, device, key)


@router.post("/access/devices/{device_id}/revoke", response_model=DeviceRead, responses=WRITE)
def revoke_device(session: SessionDep, device_id: int, user: User = OPERATOR) -> dict[str, Any]:
    return views.device_view(user, service.revoke(session, user, device_id))


# ---- credentials ---------------------------------------------------------------------------------

@router.post("/access/projects/{project_id}/credentials", response_model=CredentialRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def register_credential(session: SessionDep, project_id: int, data: CredentialIn,
                        user: User = OPERATOR) -> dict[str, Any]:
    """A credential issued for a unit (its opaque id; never a 身份证 number or a face image)."""
    return views.credential_view(session, user, service.register_credential(session, user, project_id, data))


@router.get("/access/projects/{project_id}/credentials", response_model=list[CredentialRead],
            responses=LIST)
def list_credentials(session: SessionDep, project_id: int, page: PageParams,
                     user: User = OPERATOR) -> list[dict[str, Any]]:
    repository.operated_project(session, user, project_id)
    return page.respond(views.credentials_page(session, user, repository.credentials(
        session, user, project_id, cursor=page.cursor, limit=page.limit)))


@router.post("/access/credentials/{credential_id}/bind", response_model=CredentialRead, responses=WRITE)
def bind_credential(session: SessionDep, credential_id: int, data: BindIn,
                    user: User = OPERATOR) -> dict[str, Any]:
    """Bind to the tenant of the unit's lease in force, or a member of staff placed under it."""
    return views.credential_view(session, user, service.bind(session, user, credential_id, data))


@router.post("/access/credentials/{credential_id}/unbind", response_model=CredentialRead, responses=WRITE)
def unbind_credential(session: SessionDep, credential_id: int, data: UnbindIn,
                      user: User = OPERATOR) -> dict[str, Any]:
    return views.credential_view(session, user, service.unbind(session, user, credential_id, data))


@router.get("/access/me/credentials", response_model=MyCredentialsRead,
            responses=problem_responses(401, 403))
def my_credentials(session: SessionDep, user: User = require(Role.tenant)) -> dict[str, Any]:
    """The credentials bound to me, and how long my access events are kept (PIPL transparency)."""
    days = service.view_limits()["retention_days"]
    return {"retention_days": days, "notice": views.PIPL_NOTICE.format(days=days),
            "credentials": views.credentials_views(session, user, repository.my_credentials(session, user))}


# ---- events --------------------------------------------------------------------------------------

@router.get("/access/projects/{project_id}/events", response_model=list[EventRead], responses=LIST)
def project_events(session: SessionDep, project_id: int, page: PageParams,
                   user: User = OPERATOR) -> list[dict[str, Any]]:
    """The project's events within the retention period, newest first (the operator only)."""
    return page.respond(views.events_page(session, service.project_events(
        session, user, project_id, cursor=page.cursor, limit=page.limit)))


# ---- signals -------------------------------------------------------------------------------------

@router.get("/access/signals", response_model=list[SignalRead], responses=LIST)
def list_signals(session: SessionDep, page: PageParams, status: str | None = None,
                 project_id: int | None = None, user: User = SIGNAL_READER) -> list[dict[str, Any]]:
    """Signals I may see (my projects'; city-wide for 市住建局, the office, auditors), newest first."""
    return page.respond(views.signals_page(session, user, repository.signals(
        session, user, status=status, project_id=project_id, cursor=page.cursor, limit=page.limit)))


@router.post("/access/signals/recompute", response_model=RecomputeRead, responses=WRITE)
def recompute_signals(session: SessionDep, data: RecomputeIn,
                      user: User = require(Role.developer, Role.department, Role.office)) -> dict[str, int]:
    """Recompute now (the daily job does it too): my projects, or city-wide for 住建 and the office."""
    if user.role == Role.department and not is_housing_bureau(user):
        raise Forbidden("只有市住建局可以重算门禁提示")
    return service.recompute(session, user, data.project_id)


@router.get("/access/signals/{signal_id:int}", response_model=SignalRead, responses=READ)
def get_signal(session: SessionDep, signal_id: int, user: User = SIGNAL_READER) -> dict[str, Any]:
    return views.signal_view(session, user, repository.signal(session, user, signal_id))


@router.get("/access/signals/{signal_id:int}/events", response_model=list[EventRead], responses=LIST)
def signal_events(session: SessionDep, signal_id: int, page: PageParams,
                  user: User = SIGNAL_READER) -> list[dict[str, Any]]:
    """The events behind a signal: its operator; 市住建局 only while it is under review (待核查)."""
    return page.respond(views.events_page(session, service.signal_events(
        session, user, signal_id, cursor=page.cursor, limit=page.limit)))


@router.post("/access/signals/{signal_id:int}/dismiss", response_model=SignalRead, responses=WRITE)
def dismiss_signal(session: SessionDep, signal_id: int, data: DismissIn,
                   user: User = require(Role.developer, Role.department, Role.office)) -> dict[str, Any]:
    return views.signal_view(session, user, service.dismiss(session, user, signal_id, data))


@router.post("/access/signals/{signal_id:int}/open-case", response_model=SignalRead, responses=WRITE)
def open_case(session: SessionDep, signal_id: int, data: OpenCaseIn,
              user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    """A 第四十条 violation on the lease (rectification deadline → rectified or terminated)."""
    return views.signal_view(session, user, service.open_case(session, user, signal_id, data))
