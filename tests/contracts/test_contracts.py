"""Lease contracts (第二十三、三十四、三十五、四十、四十三条): issuing from a template, signing bound
to the document's SHA-256, the PDF, supplements, public verification."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.accounts.models import LoginFailure
from app.audit.models import AuditEvent
from app.contracts.workflows import CONTRACT
from tests.contracts.conftest import API, SAFETY, Deal, pdf_pages, pdf_text
from tests.leases.conftest import apply, approve, lease_body


def actions(session, entity_type: str) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == entity_type)
                                .order_by(AuditEvent.id)))


def test_tenant_signs_operator_countersigns_and_the_lease_comes_into_force(deal: Deal, session) -> None:
    assert deal.lease["status"] == "pending"  # waiting for its contract (待签约)
    contract = deal.issue()
    assert contract["status"] == "draft" and contract["template_version"] == 1
    assert contract["number"].startswith("HT2025")
    # a draft is the operator's: the tenant does not see it yet
    assert deal.client.get(f"{API}/contracts/{contract['id']}",
                           headers=deal.person.headers).status_code == 404
    sent = deal.step(contract["id"], "send")
    assert sent["status"] == "awaiting_tenant"
    seen = deal.client.get(f"{API}/contracts/{contract['id']}", headers=deal.person.headers).json()
    assert seen["allowed_actions"] == ["sign"] and seen["document_sha256"] == sent["document_sha256"]
    body = seen["body"]
    for clause in ("李小青", "1,039.50", "第三十五条", "第三十九条", "第三十八条", "第四十三条", SAFETY,
                   "转租", "2025-07-01", "2026-06-30", "12 个月"):
        assert clause in body, clause
    # the operator cannot countersign before the tenant signed
    deal.sign(sent, who="operator", expect=409)
    signed = deal.sign(sent)
    assert signed["status"] == "awaiting_operator" and signed["tenant_signer"] == "李小青"
    assert signed["tenant_signed_sha256"] == sent["document_sha256"]
    effective = deal.sign(signed, who="operator")
    assert effective["status"] == "effective" and effective["operator_signed_at"]
    lease = deal.city.cast.get("developer", f"{API}/leases/{deal.lease['id']}")
    assert lease["status"] == "active"
    assert actions(session, "lease_contract") == ["contract.issued", "contract.sent",
                                                  "contract.signed_by_tenant", "contract.countersigned"]
    assert "lease.in_force" in actions(session, "lease")
    # signed: immutable
    deal.step(contract["id"], "revise", {"payment_period_months": 2, "safety_terms": "改"}, expect=409)


def test_a_confirmation_of_an_old_text_signs_nothing(deal: Deal, session) -> None:
    contract = deal.issue()
    first = deal.step(contract["id"], "send")
    old = first["document_sha256"]
    revised = deal.step(contract["id"], "revise", {"payment_period_months": 2, "safety_terms": SAFETY})
    assert revised["status"] == "draft" and revised["document_sha256"] != old
    assert "每 2 个月支付一次" in revised["body"]
    resent = deal.step(contract["id"], "send")
    refused = deal.sign(resent, sha256=old, expect=409)
    assert "SHA-256" in refused["detail"] and refused["document_sha256"] == resent["document_sha256"]
    now = deal.client.get(f"{API}/contracts/{contract['id']}", headers=deal.person.headers).json()
    assert now["status"] == "awaiting_tenant" and now["tenant_signed_at"] is None
    assert deal.sign(resent)["status"] == "awaiting_operator"


def test_a_wrong_password_counts_as_a_failed_login(deal: Deal, session) -> None:
    sent = deal.step(deal.issue()["id"], "send")
    before = session.scalar(select(LoginFailure.id).order_by(LoginFailure.id.desc()).limit(1)) or 0
    refused = deal.sign(sent, password="not-my-password", expect=422)
    assert refused["errors"][0]["field"] == "password"
    assert session.scalars(select(LoginFailure).where(LoginFailure.id > before)).all()
    for _ in range(4):
        deal.sign(sent, password="not-my-password", expect=422)
    deal.sign(sent, expect=429)  # locked like a login, even with the right password
    now = deal.client.get(f"{API}/contracts/{sent['id']}", headers=deal.operator()).json()
    assert now["status"] == "awaiting_tenant"


def test_the_terms_are_checked_against_the_rules(city, tenant, session) -> None:
    person = tenant()
    found = apply(city, person)
    approve(city, found["id"])
    lease = city.cast.post("developer", f"{API}/leases",
                           lease_body(city, found["id"], deposit="2079.00"), expect=201)
    deal = Deal(city, person, lease)
    refused = deal.issue(expect=422)
    assert {v["code"] for v in refused["violations"]} == {"deposit_above_cap"}
    assert all(v["article"] == "第四十三条" for v in refused["violations"])


def test_payment_period_beyond_the_cap_is_refused(deal: Deal) -> None:
    refused = deal.issue(payment_period_months=4, expect=422)
    assert [v["code"] for v in refused["violations"]] == ["payment_period_too_long"]
    assert deal.issue(safety_terms=" ", expect=422)


def test_strangers_see_nothing(deal: Deal, tenant) -> None:
    contract = deal.effective()
    stranger = tenant(name="王五")
    for path in (f"{API}/contracts/{contract['id']}", f"{API}/contracts/{contract['id']}/document.pdf",
                 f"{API}/leases/{deal.lease['id']}/proofs"):
        assert deal.client.get(path, headers=stranger.headers).status_code == 404, path
    response = deal.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": "schooling"},
                                headers=stranger.headers)
    assert response.status_code == 404
    assert deal.client.get(f"{API}/contracts", headers=stranger.headers).json() == []
    # a tenant cannot issue; the office reads
    assert deal.client.post(f"{API}/contracts", json={"lease_id": deal.lease["id"], "safety_terms": "x"},
                            headers=deal.person.headers).status_code == 403
    assert deal.city.cast.get("office", f"{API}/contracts/{contract['id']}")["status"] == "effective"


def test_the_pdf_states_the_clauses_figures_hash_and_signatures(deal: Deal) -> None:
    contract = deal.effective()
    response = deal.client.get(f"{API}/contracts/{contract['id']}/document.pdf", headers=deal.person.headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content).replace(" ", "").replace("\n", "")
    pages = pdf_pages(response.content)
    assert pages >= 2
    for expected in ("景德镇市保障性租赁住房租赁合同", contract["number"], "李小青", "1,039.50",
                     "第三十五条", "第三十九条", "第四十条", "第三十八条", "转租", "电动自行车",
                     contract["document_sha256"][:32], f"第1页共{pages}页", f"第{pages}页共{pages}页",
                     "签署时间", "扫码核验"):
        assert expected.replace(" ", "") in text, expected
    assert deal.person.id_number not in text


def test_public_check_with_the_hash_and_a_tampered_one(deal: Deal) -> None:
    contract = deal.effective()
    reference = contract["verify_reference"]
    good = deal.client.get(f"{API}/contracts/{reference}/verify",
                           params={"sha256": contract["document_sha256"]}).json()
    assert good["valid"] is True and good["hash_matches"] is True
    assert good["tenant"] == "李*青" and deal.person.id_number not in str(good)
    tampered = contract["document_sha256"][:-1] + ("0" if contract["document_sha256"][-1] != "0" else "1")
    bad = deal.client.get(f"{API}/contracts/{reference}/verify", params={"sha256": tampered}).json()
    assert bad["valid"] is False and bad["hash_matches"] is False
    number = contract["number"]
    assert deal.client.get(f"{API}/contracts/{number}-AAAAAAAA/verify").status_code == 404
    assert contract["verify_url"].endswith(
        f"/contracts/{reference}/verify?sha256={contract['document_sha256']}")


def test_an_unsigned_contract_is_not_valid_publicly(deal: Deal) -> None:
    sent = deal.step(deal.issue()["id"], "send")
    check = deal.client.get(f"{API}/contracts/{sent['verify_reference']}/verify").json()
    assert check["valid"] is False and check["status_label"] == "待承租人签署"


def test_a_supplement_is_signed_the_same_way(deal: Deal, session) -> None:
    contract = deal.effective()
    added = deal.step(contract["id"], "supplements", {"terms": "自 2025-10-01 起乙方为房屋增配空调一台。"},
                      expect=201)
    assert added["kind"] == "supplement" and added["parent_id"] == contract["id"]
    assert "增配空调" in added["body"] and contract["number"] in added["body"]
    sent = deal.step(added["id"], "send")
    deal.sign(sent, sha256=contract["document_sha256"], expect=409)
    deal.sign(sent)
    assert deal.sign(sent, who="operator")["status"] == "effective"
    unchanged = deal.client.get(f"{API}/contracts/{contract['id']}", headers=deal.person.headers).json()
    assert unchanged["document_sha256"] == contract["document_sha256"]
    assert unchanged["body"] == contract["body"]
    listed = deal.client.get(f"{API}/contracts", params={"lease_id": deal.lease["id"]},
                             headers=deal.person.headers).json()
    assert {c["kind"] for c in listed} == {"contract", "supplement"}


def test_one_contract_per_lease(deal: Deal) -> None:
    deal.issue()
    deal.issue(expect=409)


def test_templates_are_versioned_and_a_contract_keeps_its_version(deal: Deal, today, city, tenant) -> None:
    office = city.cast.as_("office")
    bad = city.client.post(f"{API}/contract-templates", headers=office, json={
        "version": 2, "title": "第二版", "effective_on": "2025-06-10", "body": "# 合同\n{{ nobody.knows }}"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body"
    sandboxed = city.client.post(f"{API}/contract-templates", headers=office, json={
        "version": 2, "title": "第二版", "effective_on": "2025-06-10",
        "body": "# 合同\n{{ lease.__class__.__mro__ }}"})
    assert sandboxed.status_code == 422
    assert city.client.post(f"{API}/contract-templates", headers=city.cast.as_("developer"), json={
        "version": 2, "title": "x", "effective_on": "2025-06-10", "body": "# x"}).status_code == 403
    v2 = city.client.post(f"{API}/contract-templates", headers=office, json={
        "version": 2, "title": "第二版", "effective_on": "2025-06-10",
        "body": "# 租赁合同（第二版）\n合同编号：{{ contract.number }}\n承租人：{{ tenant.name }}"})
    assert v2.status_code == 201, v2.text
    first = deal.issue()
    assert first["template_version"] == 1  # v2 is not in effect yet
    today(date(2025, 6, 10))
    person = tenant(name="赵六")
    found = apply(city, person)
    approve(city, found["id"])
    lease = city.cast.post("developer", f"{API}/leases",
                           lease_body(city, found["id"], unit=1), expect=201)
    second = Deal(city, person, lease).issue()
    assert second["template_version"] == 2 and "第二版" in second["body"]
    again = city.client.get(f"{API}/contracts/{first['id']}", headers=city.cast.as_("developer")).json()
    assert again["template_version"] == 1 and again["body"] == first["body"]
    listed = city.client.get(f"{API}/contract-templates", headers=city.cast.as_("auditor")
                             if "auditor" in city.cast.headers else office).json()
    assert {t["version"] for t in listed} >= {1, 2}


def test_the_table_is_the_documented_chain() -> None:
    table = {row["action"]: row for row in CONTRACT.table()}
    assert table["send"]["from"] == ["draft"] and table["send"]["to"] == "awaiting_tenant"
    assert table["sign"]["from"] == ["awaiting_tenant"] and table["sign"]["to"] == "awaiting_operator"
    assert table["sign"]["roles"] == ["employer", "tenant"]
    assert table["countersign"]["to"] == "effective" and table["countersign"]["roles"] == ["developer"]
    assert table["close_ended"]["to"] == "terminated" and table["close_renewed"]["to"] == "renewed"


def test_whoever_must_sign_next_is_told(deal: Deal) -> None:
    """站内信: the tenant when the contract is sent to them, the operator once the tenant signed."""

    def to_sign(headers: dict[str, str]) -> list[dict[str, Any]]:
        notices = deal.client.get(f"{API}/notices", headers=headers).json()
        return [n for n in notices if n["kind"] == "contract_to_sign"]

    sent = deal.step(deal.issue()["id"], "send")
    [told] = to_sign(deal.person.headers)
    assert sent["number"] in told["message"] and told["link"] == f"/contracts/{sent['id']}"
    assert to_sign(deal.operator()) == []
    deal.sign(sent)
    [operator_told] = to_sign(deal.operator())
    assert "承租方已签署" in operator_told["message"]


def test_a_renewal_waits_for_its_own_contract(deal: Deal, today) -> None:
    """第三十五条 + 第二十三条: the renewed lease is 待签约 until its contract is signed by both."""
    deal.effective()
    today(date(2026, 6, 1))
    renewed = deal.client.post(f"{API}/leases/{deal.lease['id']}/renew", json={"months": 12},
                               headers=deal.operator())
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["status"] == "pending"
    following = Deal(deal.city, deal.person, renewed.json())
    following.effective()
    leases = {lease_id: deal.city.cast.get("developer", f"{API}/leases/{lease_id}")["status"]
              for lease_id in (deal.lease["id"], renewed.json()["id"])}
    assert leases == {deal.lease["id"]: "renewed", renewed.json()["id"]: "active"}
