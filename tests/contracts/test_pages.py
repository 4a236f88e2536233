"""The contract pages (issue 16): the operator issues from the lease page and sends; the tenant
reads and signs with their password (a wrong one is refused beside the field); the operator
countersigns; the tenant takes a 租赁备案证明 and the public pages verify both."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import LoginFailure
from tests.contracts.conftest import SAFETY, Deal, pdf_text
from tests.web.conftest import person, text_of  # noqa: F401  (fixture)


def test_issue_sign_countersign_and_proof_through_the_pages(deal: Deal, person, session) -> None:  # noqa: F811
    operator, tenant = person(), person()
    operator.login(deal.city.cast.developer.username)
    lease_page = text_of(operator.get(f"/leases/{deal.lease['id']}"))
    assert "待签约" in lease_page and "出具合同文本" in lease_page
    operator.post(f"/leases/{deal.lease['id']}/contract", {"payment_period_months": "9",
                                                          "safety_terms": SAFETY}, expect=422)
    assert "payment_period_too_long" not in operator.last.text and "超过" in text_of(operator.last.text)
    operator.post(f"/leases/{deal.lease['id']}/contract", {"payment_period_months": "1",
                                                          "safety_terms": SAFETY})
    contract_url = operator.last.headers["location"]
    assert re.fullmatch(r"/contracts/\d+", contract_url)
    operator.post(f"{contract_url}/send", {})

    tenant.login(deal.person.username)
    lease_page = text_of(tenant.get(f"/leases/{deal.lease['id']}"))
    assert "阅读并签署" in lease_page
    page = tenant.get(contract_url)
    sha = re.search(r'name="document_sha256" value="([0-9a-f]{64})"', page).group(1)  # type: ignore[union-attr]
    assert "第三十九条" in text_of(page) and SAFETY in text_of(page)
    before = session.scalar(select(LoginFailure.id).order_by(LoginFailure.id.desc()).limit(1)) or 0
    tenant.post(f"{contract_url}/sign", {"password": "wrong-password", "document_sha256": sha}, expect=422)
    assert "密码不正确" in text_of(tenant.last.text) and "wrong-password" not in tenant.last.text
    assert session.scalars(select(LoginFailure).where(LoginFailure.id > before)).all()  # counted
    from tests.conftest import PASSWORD

    tenant.post(f"{contract_url}/sign", {"password": PASSWORD, "document_sha256": sha})
    assert "待运营单位签署" in text_of(tenant.follow())

    operator.post(f"{contract_url}/countersign", {"password": PASSWORD, "document_sha256": sha})
    assert "合同生效" in text_of(operator.follow())

    tenant.post(f"{contract_url}/proofs", {"purpose": "housing_fund"})
    done = text_of(tenant.follow())
    code = re.search(r"核验码 ([0-9A-Z]{10})", done).group(1)  # type: ignore[union-attr]
    proof_pdf = re.search(r'href="(/proofs/\d+/document\.pdf)"', tenant.last.text).group(1)  # type: ignore[union-attr]
    pdf = tenant.client.get(proof_pdf)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "提取住房公积金" in pdf_text(pdf.content).replace(" ", "")
    contract_pdf = tenant.client.get(f"{contract_url}/document.pdf")
    assert contract_pdf.status_code == 200 and sha in pdf_text(contract_pdf.content).replace("\n", "")

    public = person()
    verdict = text_of(public.get(f"/proofs/{code}"))
    assert "有效" in verdict and "李*青" in verdict and deal.person.id_number not in verdict
    reference = deal.client.get(f"/api/v1{contract_url}",
                                headers=deal.person.headers).json()["verify_reference"]
    good = text_of(public.get(f"/contracts/{reference}/verify?sha256={sha}"))
    assert "有效" in good and "文本摘要与平台签署的文本一致" in good
    bad = text_of(public.get(f"/contracts/{reference}/verify?sha256={'0' * 64}"))
    assert "无效" in bad and "文本摘要不一致" in bad
    public.get("/proofs/NOSUCHCODE1", expect=404)


def test_the_office_publishes_a_template_on_its_page(city, person) -> None:  # noqa: F811
    office = person()
    office.login(city.cast.office.username)
    assert "景德镇市保障性租赁住房租赁合同（示范文本）" in office.get("/contract-templates")
    office.post("/contract-templates", {"version": "2", "title": "第二版", "effective_on": "2026-01-01",
                                        "body": "# 合同\n{{ no_such_name }}"}, expect=422)
    assert "合同模板无法生成文本" in text_of(office.last.text)
    office.post("/contract-templates", {"version": "2", "title": "第二版", "effective_on": "2026-01-01",
                                        "body": "# 合同\n{{ contract.number }}"})
    assert "已发布合同模板第 2 版" in text_of(office.follow())
    stranger = person()
    stranger.login(city.cast.leader.username)
    stranger.get("/contract-templates", expect=403)
