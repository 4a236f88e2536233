"""Devices and their keys: shown once, kept as a hash only, rotated and revoked; a device reports
for its own project only; strangers get 404."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.access.models import AccessDevice, AccessEvent
from app.audit.models import AuditEvent
from tests.access.conftest import API, NOON, Site, event


def test_the_key_is_shown_once_and_kept_only_as_its_hash(site: Site, session) -> None:
    key = site.key
    assert key.startswith("bzd_") and len(key) >= 40
    row = session.get(AccessDevice, site.device["id"])
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(v) for v in vars(row).values()}
    listed = site.client.get(f"{API}/access/projects/{site.home.city.project_id}/devices",
                             headers=site.operator()).json()
    assert listed[0]["id"] == site.device["id"] and "key" not in listed[0]
    assert listed[0]["key_hint"] == key[:10] + "…" and listed[0]["allowed_actions"] == ["rotate", "revoke"]
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "access_device")).all()
    assert actions == ["access_device.registered"]
    assert site.push([event(1, "C-1", NOON)])["accepted"] == 1


def test_a_rotated_key_replaces_the_old_one_at_once(site: Site) -> None:
    rotated = site.client.post(f"{API}/access/devices/{site.device['id']}/rotate-key",
                               headers=site.operator())
    assert rotated.status_code == 200 and rotated.json()["key"] != site.key
    refused = site.push([event(1, "C-1", NOON)], expect=401)
    assert refused["status"] == 401 and "密钥" in refused["detail"]
    assert site.push([event(1, "C-1", NOON)], key=rotated.json()["key"])["accepted"] == 1


def test_a_revoked_device_cannot_report_or_be_rotated(site: Site) -> None:
    revoked = site.client.post(f"{API}/access/devices/{site.device['id']}/revoke", headers=site.operator())
    assert revoked.json()["status"] == "revoked" and revoked.json()["allowed_actions"] == []
    site.push([event(1, "C-1", NOON)], expect=401)
    again = site.client.post(f"{API}/access/devices/{site.device['id']}/rotate-key", headers=site.operator())
    assert again.status_code == 409


def test_no_key_a_users_token_or_a_made_up_key_is_refused(site: Site) -> None:
    body = {"events": [event(1, "C-1", NOON)]}
    assert site.client.post(f"{API}/access/events", json=body).status_code == 401
    assert site.client.post(f"{API}/access/events", json=body, headers=site.operator()).status_code == 401
    made_up = site.client.post(f"{API}/access/events", json=body,
                               headers={"Authorization": "Device bzd_" + "x" * 43})
    assert made_up.status_code == 401 and made_up.headers["WWW-Authenticate"] == "Device"


def test_a_device_reports_for_its_own_project_only(site: Site, session) -> None:
    # no field names a project: the key decides it
    body = {"events": [event(1, "C-1", NOON) | {"project_id": 999}]}
    wrong = site.client.post(f"{API}/access/events", json=body,
                             headers={"Authorization": f"Device {site.key}"})
    assert wrong.status_code == 422
    site.push([event(2, "C-1", NOON)])
    stored = session.scalars(select(AccessEvent)).all()
    assert [(e.project_id, e.device_id) for e in stored] == [(site.home.city.project_id, site.device["id"])]


def test_another_operator_sees_nothing_of_the_devices(site: Site, make_user, login) -> None:
    stranger = login(make_user("developer"))
    project = site.home.city.project_id
    assert site.client.get(f"{API}/access/projects/{project}/devices", headers=stranger).status_code == 404
    assert site.client.post(f"{API}/access/projects/{project}/devices", headers=stranger, json={
        "name": "x", "location_kind": "entrance", "location": "x"}).status_code == 404
    assert site.client.post(f"{API}/access/devices/{site.device['id']}/revoke",
                            headers=stranger).status_code == 404
    assert site.client.get(f"{API}/access/projects/{project}/events", headers=stranger).status_code == 404
    tenant = site.home.person.headers
    assert site.client.get(f"{API}/access/projects/{project}/devices", headers=tenant).status_code == 403
