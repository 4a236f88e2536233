"""租赁备案证明 (第二十三条): issued for a purpose, valid for the city's period, verified publicly
as valid, expired or lease ended, revealing no more than an official needs; each audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from rules.params import value_at
from tests.contracts.conftest import API, Deal, pdf_pages, pdf_text


def proof(deal: Deal, contract: dict, purpose: str = "schooling", expect: int = 201) -> dict:
    response = deal.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": purpose},
                                headers=deal.person.headers)
    assert response.status_code == expect, response.text
    return response.json()


def test_a_proof_for_a_purpose_is_valid_for_the_citys_period(deal: Deal, session, today) -> None:
    contract = deal.effective()
    made = proof(deal, contract)
    days = value_at("lease_proof_valid_days", date(2025, 6, 3))
    assert made["purpose_label"] == "子女义务教育入学" and len(made["code"]) == 10
    assert made["issued_on"] == "2025-06-03"
    assert made["valid_until"] == (date(2025, 6, 3) + timedelta(days=days - 1)).isoformat()
    assert made["verify_url"].endswith(f"/proofs/{made['code']}")
    check = deal.client.get(f"{API}/proofs/{made['code']}/verify").json()
    assert check["valid"] is True and check["state"] == "valid" and check["holder"] == "李*青"
    assert check["unit_number"] == "101" and check["lease_ends_on"] == "2026-06-30"
    assert deal.person.id_number not in str(check) and "monthly_rent" not in check
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "lease_proof.issued")).all() == ["lease_proof.issued"]
    today(date(2025, 6, 3) + timedelta(days=days))
    expired = deal.client.get(f"{API}/proofs/{made['code']}/verify").json()
    assert expired["valid"] is False and expired["state"] == "expired"
    assert deal.client.get(f"{API}/proofs/NOSUCHCODE/verify").status_code == 404


def test_the_proof_pdf_is_one_page_with_purpose_code_and_qr_link(deal: Deal) -> None:
    made = proof(deal, deal.effective(), "residence_permit")
    (listed,) = deal.client.get(f"{API}/leases/{deal.lease['id']}/proofs", headers=deal.person.headers).json()
    response = deal.client.get(f"{API}/proofs/{listed['id']}/document.pdf", headers=deal.person.headers)
    assert response.status_code == 200 and pdf_pages(response.content) == 1
    text = pdf_text(response.content).replace(" ", "").replace("\n", "")
    for expected in ("租赁备案证明", "办理居住证", made["code"], "李小青", "2025年7月1日至2026年6月30日",
                     "第二十三条", f"/proofs/{made['code']}"):
        assert expected in text, expected


def test_a_proof_of_a_lease_that_ended_says_so(deal: Deal, today) -> None:
    contract = deal.effective()
    made = proof(deal, contract)
    violation = deal.client.post(f"{API}/leases/{deal.lease['id']}/violations", headers=deal.operator(),
                                 json={"kind": "subletting", "description": "转租", "rectify_days": 1})
    assert violation.status_code == 201, violation.text
    today(date(2025, 6, 10))
    ended = deal.client.post(f"{API}/leases/{deal.lease['id']}/terminate", headers=deal.operator(),
                             json={"violation_id": violation.json()["violation_id"]})
    assert ended.status_code == 200, ended.text
    check = deal.client.get(f"{API}/proofs/{made['code']}/verify").json()
    assert check["valid"] is False and check["state"] == "lease_ended"
    # no new proof, and the contract is closed as 已终止
    proof(deal, contract, expect=409)
    closed = deal.step(contract["id"], "ended")
    assert closed["status"] == "terminated"
    public = deal.client.get(f"{API}/contracts/{contract['verify_reference']}/verify").json()
    assert public["valid"] is False and public["status_label"] == "已终止"


def test_only_the_tenant_takes_a_proof(deal: Deal, tenant) -> None:
    contract = deal.effective()
    assert deal.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": "schooling"},
                            headers=deal.operator()).status_code == 403
    other = tenant(name="王五")
    assert deal.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": "schooling"},
                            headers=other.headers).status_code == 404
    assert deal.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": "shopping"},
                            headers=deal.person.headers).status_code == 422


def test_no_proof_before_the_contract_is_in_force(deal: Deal) -> None:
    sent = deal.step(deal.issue()["id"], "send")
    refused = proof(deal, sent, expect=409)
    assert "已生效" in refused["detail"]
