"""Signals from fixtures of events: 疑似闲置 and 疑似转借/转租 with their weekly evidence; a person
dismisses one (with a reason) or opens a 第四十条 violation; no signal changes a lease; events
are read by the operator, and by 住建 only while the signal is under review."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from app.access import signals
from app.access.models import AccessCredential, AccessSignal
from app.audit.models import AuditEvent
from app.audit.service import SYSTEM
from app.leases.models import Lease, Violation
from tests.access.conftest import API, DAY, Site, days_ago, event, register_device
from tests.approval.conftest import REVIEW_DAY
from tests.tenants.conftest import operate


def recompute(site: Site, who: str = "developer") -> dict:
    return site.home.city.cast.post(who, f"{API}/access/signals/recompute", {})


def bound_since(session, external_id: str, on: date) -> None:
    session.execute(update(AccessCredential).where(AccessCredential.external_id == external_id)
                    .values(bound_on=on))


def test_a_lease_whose_credentials_show_no_entry_for_60_days_is_suspected_idle(site: Site, session) -> None:
    site.credential("CARD-T")
    bound_since(session, "CARD-T", DAY - timedelta(days=70))
    site.push([event(1, "CARD-T", days_ago(65)), event(2, "CARD-T", days_ago(2), direction="out")])
    assert recompute(site) == {"raised": 1, "updated": 0, "detected": 1}
    [found] = site.client.get(f"{API}/access/signals", headers=site.operator()).json()
    assert (found["kind"], found["kind_label"], found["status"]) == ("idle", "疑似闲置", "open")
    assert found["lease_id"] == site.home.lease_id and found["allowed_actions"] == ["dismiss", "open_case"]
    evidence = found["evidence"]
    assert evidence["last_entry_on"] == days_ago(65).date().isoformat() and evidence["window_days"] == 60
    assert len(evidence["weeks"]) >= 8 and all(w["entries"] == 0 for w in evidence["weeks"])
    assert recompute(site) == {"raised": 0, "updated": 1, "detected": 1}  # refreshed, not doubled


def test_one_entry_within_the_window_or_a_recent_binding_is_not_idle(site: Site, session) -> None:
    site.credential("CARD-T")
    assert recompute(site)["detected"] == 0  # bound today: too early to tell
    bound_since(session, "CARD-T", DAY - timedelta(days=70))
    site.push([event(1, "CARD-T", days_ago(59))])
    assert recompute(site)["detected"] == 0


def test_repeated_entries_by_a_credential_not_bound_to_the_lease_suggest_lending(site: Site) -> None:
    site.credential("CARD-T")
    site.credential("CARD-X", bind=False)  # issued for the unit, bound to nobody
    site.push([event(n, "CARD-X", days_ago(n // 2 + 1, hour=n)) for n in range(6)])  # 6 entries, 3 days
    assert recompute(site)["detected"] == 0
    site.push([event(n, "CARD-X", days_ago(n // 2 + 1, hour=n)) for n in range(6, 8)])  # 8 entries, 4 days
    assert recompute(site)["raised"] == 1
    [found] = site.client.get(f"{API}/access/signals?status=open", headers=site.operator()).json()
    assert found["kind"] == "lending" and found["evidence"]["entries"] == 8 and found["evidence"]["days"] == 4
    assert sum(w["entries"] for w in found["evidence"]["weeks"]) == 8
    assert "credential" not in str(found["evidence"]).lower().replace("credential_kind", "")


def test_a_tenants_credential_used_at_another_project_is_flagged(site: Site, today) -> None:
    today(REVIEW_DAY)
    other = operate(site.home.city.cast)
    today(DAY)
    elsewhere = register_device(site.home.city, other.project_id, "南门")
    site.credential("CARD-T")
    events = [event(n, "CARD-T", days_ago(n + 1)) for n in range(8)]
    answer = site.client.post(f"{API}/access/events", json={"events": events},
                              headers={"Authorization": f"Device {elsewhere['key']}"}).json()
    assert answer["accepted"] == 8
    assert recompute(site)["raised"] == 1
    [found] = site.client.get(f"{API}/access/signals", headers=site.zhujian()).json()
    assert found["kind"] == "elsewhere" and found["lease_id"] == site.home.lease_id


def lending_signal(site: Site) -> dict:
    site.credential("CARD-X", bind=False)
    site.push([event(n, "CARD-X", days_ago(n + 1)) for n in range(8)])
    recompute(site, "zhujian")
    return site.client.get(f"{API}/access/signals", headers=site.zhujian()).json()[0]


def test_zhujian_dismisses_with_a_reason_and_then_no_longer_reads_the_events(site: Site, session) -> None:
    found = lending_signal(site)
    assert found["allowed_actions"] == ["dismiss"] and found["events_readable"] is True
    events = site.client.get(f"{API}/access/signals/{found['id']}/events", headers=site.zhujian())
    assert events.status_code == 200 and len(events.json()) == 8
    assert {e["standing"] for e in events.json()} == {"unbound"}
    refused = site.client.post(f"{API}/access/signals/{found['id']}/dismiss", headers=site.zhujian(),
                               json={"reason": ""})
    assert refused.status_code == 422
    done = site.home.city.cast.post("zhujian", f"{API}/access/signals/{found['id']}/dismiss",
                                    {"reason": "经核查为承租人家属临时照料"})
    assert (done["status"], done["allowed_actions"]) == ("dismissed", [])
    assert done["reason"] == "经核查为承租人家属临时照料"
    assert site.client.get(f"{API}/access/signals/{found['id']}/events",
                           headers=site.zhujian()).status_code == 404
    assert site.client.get(f"{API}/access/signals/{found['id']}/events",
                           headers=site.operator()).status_code == 200
    assert recompute(site)["raised"] == 0  # not raised again within the quiet period
    last = session.scalar(select(AuditEvent.action).where(
        AuditEvent.entity_type == "access_signal").order_by(AuditEvent.id.desc()))
    assert last == "access_signal.dismissed"


def test_the_operator_opens_a_40th_article_case_and_the_lease_stays_as_it_was(site: Site, session) -> None:
    found = lending_signal(site)
    zhujian = site.client.post(f"{API}/access/signals/{found['id']}/open-case", headers=site.zhujian(),
                               json={"kind": "lending", "description": "x", "rectify_days": 15})
    assert zhujian.status_code == 403
    case = site.home.city.cast.post("developer", f"{API}/access/signals/{found['id']}/open-case", {
        "kind": "lending", "description": "非承租人持卡频繁出入，经走访核实转借", "rectify_days": 15})
    assert case["status"] == "case_opened" and case["violation_id"] is not None
    violation = session.get(Violation, case["violation_id"])
    assert (violation.kind, violation.lease_id, violation.status) == ("lending", site.home.lease_id, "open")
    assert session.get(Lease, site.home.lease_id).status == "active"
    again = site.client.post(f"{API}/access/signals/{found['id']}/dismiss", headers=site.operator(),
                             json={"reason": "x"})
    assert again.status_code == 409


def test_a_signal_never_changes_a_lease_by_itself(site: Site, session) -> None:
    site.credential("CARD-T")
    bound_since(session, "CARD-T", DAY - timedelta(days=90))
    result = signals.compute(session, SYSTEM, today=DAY)
    assert result["raised"] == 1
    assert session.get(Lease, site.home.lease_id).status == "active"
    assert session.scalar(select(Violation.id).where(Violation.lease_id == site.home.lease_id)) is None


def test_strangers_get_404_and_other_roles_403(site: Site, make_user, login, session) -> None:
    found = lending_signal(site)
    stranger = login(make_user("developer"))
    assert site.client.get(f"{API}/access/signals/{found['id']}", headers=stranger).status_code == 404
    assert site.client.get(f"{API}/access/signals", headers=stranger).json() == []
    assert site.client.get(f"{API}/access/signals/{found['id']}/events", headers=stranger).status_code == 404
    assert site.client.post(f"{API}/access/signals/{found['id']}/dismiss", headers=stranger,
                            json={"reason": "x"}).status_code == 404
    tenant = site.home.person.headers
    assert site.client.get(f"{API}/access/signals", headers=tenant).status_code == 403
    fagai = site.home.city.cast.as_("fagai")
    assert site.client.get(f"{API}/access/signals", headers=fagai).status_code == 403
    auditor = login(make_user("auditor"))
    seen = site.client.get(f"{API}/access/signals/{found['id']}", headers=auditor).json()
    assert seen["events_readable"] is False and seen["allowed_actions"] == []
    assert site.client.get(f"{API}/access/signals/{found['id']}/events", headers=auditor).status_code == 404


def test_the_tenant_sees_their_credentials_and_the_retention_notice(site: Site) -> None:
    site.credential("CARD-T")
    site.credential("CARD-X", bind=False)
    mine = site.client.get(f"{API}/access/me/credentials", headers=site.home.person.headers).json()
    assert [c["external_id"] for c in mine["credentials"]] == ["CARD-T"]
    assert mine["retention_days"] == 180 and "180 日" in mine["notice"]


def test_binding_is_to_the_units_lease_in_force_and_ending_the_lease_unbinds(site: Site, session) -> None:
    made = site.credential("CARD-T", bind=False)
    wrong = site.client.post(f"{API}/access/credentials/{made['id']}/bind", headers=site.operator(),
                             json={"lease_id": site.home.lease_id + 999})
    assert wrong.status_code == 409
    stranger_holder = site.client.post(f"{API}/access/credentials/{made['id']}/bind", headers=site.operator(),
                                       json={"lease_id": site.home.lease_id, "holder_id": 10**6})
    assert stranger_holder.status_code == 422
    site.home.city.cast.post("developer", f"{API}/access/credentials/{made['id']}/bind",
                             {"lease_id": site.home.lease_id})
    session.execute(update(Lease).where(Lease.id == site.home.lease_id).values(
        status="ended", ends_on=DAY - timedelta(days=1)))
    from app.access import service

    assert service.unbind_ended(session, SYSTEM, DAY) == 1
    row = session.scalar(select(AccessCredential).where(AccessCredential.external_id == "CARD-T"))
    assert (row.status, row.holder_id, row.unbound_on) == ("unbound", None, DAY)


def test_an_id_number_is_refused_as_a_credential_id(site: Site) -> None:
    from tests.conftest import fake_id_number

    response = site.client.post(f"{API}/access/projects/{site.home.city.project_id}/credentials",
                                headers=site.operator(), json={
                                    "unit_id": site.home.city.unit_ids[0], "external_id": fake_id_number(),
                                    "kind": "card"})
    assert response.status_code == 422 and "身份证" in response.text
    assert not session_has_signal(site)


def session_has_signal(site: Site) -> bool:
    return bool(site.client.get(f"{API}/access/signals", headers=site.operator()).json())


def test_the_signal_rows_keep_no_movement_log(site: Site, session) -> None:
    lending_signal(site)
    row = session.scalar(select(AccessSignal))
    assert set(row.evidence) == {"window_days", "entries", "days", "credential_kind", "weeks", "rule"}
