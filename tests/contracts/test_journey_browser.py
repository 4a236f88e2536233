"""Issue 16 in a real browser (the demo city, Chromium, as tests/web/test_journeys_browser.py):
王瓷 (tenant3) reads the contract the operator sent and signs it with their password; the
operator countersigns; the tenant takes a 租赁备案证明 for school enrolment, downloads it and the
public page verifies it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from app.seed import DEMO_PASSWORD
from tests.web.test_journeys_browser import User, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.own_database  # its own SQLite server: once, in the SQLite pass


def test_tenant_signs_operator_countersigns_tenant_downloads_the_proof(server: str,  # noqa: F811
                                                                        browser: Any) -> None:  # noqa: F811
    tenant = User(browser, server, mobile=True)
    page = tenant.page
    tenant.login("tenant3")
    tenant.nav("我的租约")
    page.get_by_role("link", name=re.compile(r"ZL\d{10}")).first.click()
    assert "待签约" in page.locator(".lead").inner_text()
    page.get_by_role("link", name="阅读并签署").click()
    page.wait_for_url(re.compile(r"/contracts/\d+"))
    contract_url = page.url.split("#")[0]
    assert "第四十条" in page.locator(".contract-text").inner_text()
    page.get_by_label("登录密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="确认签署").click()
    assert "待运营单位签署" in tenant.flash()

    dev = User(browser, server)
    dev.login("dev1")
    dev.page.goto(contract_url)
    dev.page.get_by_label("登录密码").fill(DEMO_PASSWORD)
    dev.page.get_by_role("button", name="确认签署").click()
    assert "合同生效" in dev.flash()
    dev.close()

    page.goto(contract_url)
    assert "已生效" in page.locator(".lead").inner_text()
    page.get_by_label("用途").select_option(label="子女义务教育入学")
    page.get_by_role("button", name="开具证明").click()
    code = re.search(r"核验码 ([0-9A-Z]{10})", tenant.flash()).group(1)  # type: ignore[union-attr]
    link = page.get_by_role("link", name="下载证明 PDF").first.get_attribute("href")
    downloaded = tenant.context.request.get(f"{server}{link}")
    assert downloaded.ok and downloaded.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(downloaded.body())).pages)
    assert code in text.replace(" ", "") and "子女义务教育入学" in text.replace(" ", "")
    page.goto(f"/proofs/{code}")
    verdict = page.locator(".verdict").inner_text()
    assert code in verdict and "有效" in verdict
    assert "王*" in page.content() and "360203199909091243" not in page.content()
    tenant.close()
