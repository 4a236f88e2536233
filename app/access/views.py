"""Presenters of the door-access domain: what the API and the pages show of devices, credentials,
events and signals (labels, allowed actions, names), a page at a time with a constant number of
statements per page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.access import repository
from app.access.enums import (
    CredentialKind,
    CredentialStatus,
    DeviceLocation,
    DeviceStatus,
    SignalKind,
    SignalStatus,
    Standing,
)
from app.access.models import AccessCredential, AccessDevice, AccessEvent, AccessSignal
from app.access.service import events_readable
from app.access.workflows import CREDENTIAL, DEVICE, SIGNAL
from app.accounts.models import User
from app.core.paging import Page, mapped_all

PIPL_NOTICE = ("您使用门禁凭证通行时，门禁系统会记录凭证编号、时间、进出方向和结果并上报保障性租赁住房平台，"
               "用于第四十条规定的房源使用动态监管（闲置、转借、转租核查）。记录不含姓名、身份证号或人脸图像，"
               "保存 {days} 日后自动清除，只有本项目运营单位可以查看，市住建局仅在核查提示时查看相关记录。")


def device_view(user: User, device: AccessDevice, key: str | None = None) -> dict[str, Any]:
    view = {"id": device.id, "project_id": device.project_id, "name": device.name,
            "location_kind": device.location_kind,
            "location_label": DeviceLocation.label_of(device.location_kind), "location": device.location,
            "status": device.status, "status_label": DeviceStatus.label_of(device.status),
            "key_hint": device.key_hint + "…", "key_issued_at": device.key_issued_at,
            "last_seen_at": device.last_seen_at, "revoked_at": device.revoked_at,
            "allowed_actions": DEVICE.allowed(user, device)}
    if key is not None:
        view["key"] = key
    return view


def devices_page(user: User, page: Page[AccessDevice]) -> Page[dict[str, Any]]:
    return mapped_all(page, lambda items: [device_view(user, d) for d in items])


def unit_label(unit: Any) -> str:
    return f"{unit.building} {unit.number}" if unit is not None else ""


def credentials_views(session: Session, user: User, items: list[AccessCredential]) -> list[dict[str, Any]]:
    units = repository.units(session, {c.unit_id for c in items})
    return [{"id": c.id, "external_id": c.external_id, "kind": c.kind,
             "kind_label": CredentialKind.label_of(c.kind), "project_id": c.project_id,
             "unit_id": c.unit_id, "unit_label": unit_label(units.get(c.unit_id)), "status": c.status,
             "status_label": CredentialStatus.label_of(c.status), "lease_id": c.lease_id,
             "holder_id": c.holder_id, "bound_on": c.bound_on, "unbound_on": c.unbound_on,
             "unbound_reason": c.unbound_reason, "allowed_actions": CREDENTIAL.allowed(user, c)}
            for c in items]


def credential_view(session: Session, user: User, credential: AccessCredential) -> dict[str, Any]:
    return credentials_views(session, user, [credential])[0]


def credentials_page(session: Session, user: User, page: Page[AccessCredential]) -> Page[dict[str, Any]]:
    return mapped_all(page, lambda items: credentials_views(session, user, items))


def events_page(session: Session, page: Page[AccessEvent]) -> Page[dict[str, Any]]:
    def views(items: list[AccessEvent]) -> list[dict[str, Any]]:
        names = repository.device_names(session, {e.device_id for e in items})
        return [{"device_id": e.device_id, "device_name": names.get(e.device_id, ""), "event_id": e.event_id,
                 "occurred_at": e.occurred_at, "credential": e.credential, "standing": e.standing,
                 "standing_label": Standing.label_of(e.standing), "direction": e.direction,
                 "result": e.result} for e in items]
    return mapped_all(page, views)


def signals_views(session: Session, user: User, items: list[AccessSignal]) -> list[dict[str, Any]]:
    units = repository.units(session, {s.unit_id for s in items})
    projects = repository.projects(session, {s.project_id for s in items})
    return [{"id": s.id, "kind": s.kind, "kind_label": SignalKind.label_of(s.kind),
             "project_id": s.project_id,
             "project_name": projects[s.project_id].name if s.project_id in projects else "",
             "unit_id": s.unit_id, "unit_label": unit_label(units.get(s.unit_id)), "lease_id": s.lease_id,
             "status": s.status, "status_label": SignalStatus.label_of(s.status),
             "first_detected_on": s.first_detected_on, "last_detected_on": s.last_detected_on,
             "evidence": s.evidence, "reviewed_on": s.reviewed_on, "reason": s.reason,
             "violation_id": s.violation_id, "events_readable": events_readable(user, s),
             "allowed_actions": SIGNAL.allowed(user, s)} for s in items]


def signal_view(session: Session, user: User, signal: AccessSignal) -> dict[str, Any]:
    return signals_views(session, user, [signal])[0]


def signals_page(session: Session, user: User, page: Page[AccessSignal]) -> Page[dict[str, Any]]:
    return mapped_all(page, lambda items: signals_views(session, user, items))
