"""The door-access pages: the operator registers a device (its key shown once) and credentials,
binds one; 住建 sees the city's signals and reviews one; the tenant sees their credentials and the
notice that access events are recorded and kept 180 days."""

from __future__ import annotations

from app.core import clock
from tests.access.conftest import Site, event
from tests.access.test_signals import lending_signal
from tests.web.conftest import Person, person, text_of  # noqa: F401  (fixture re-used here)


def login(person, user) -> Person:  # noqa: F811
    someone = person()
    someone.login(user.username)
    return someone


def test_the_operator_registers_a_device_and_sees_its_key_once(site: Site, person) -> None:  # noqa: F811
    operator = login(person, site.home.city.cast.developer)
    project = site.home.city.project_id
    assert "本单位项目" in operator.get("/access")
    response = operator.post(f"/access/projects/{project}/devices",
                             {"name": "南门闸机", "location_kind": "entrance", "location": "南门"},
                             expect=200)
    assert "只显示这一次" in response.text and "bzd_" in response.text
    again = operator.get(f"/access/projects/{project}")
    assert "南门闸机" in again and "只显示这一次" not in again
    refused = operator.post(f"/access/projects/{project}/devices", {"name": "", "location_kind": "entrance",
                                                                    "location": "x"}, expect=422)
    assert "设备名称" in text_of(refused.text)


def test_the_operator_registers_and_binds_a_credential(site: Site, person) -> None:  # noqa: F811
    operator = login(person, site.home.city.cast.developer)
    project = site.home.city.project_id
    operator.post(f"/access/projects/{project}/credentials",
                  {"unit_id": str(site.home.city.unit_ids[0]), "external_id": "CARD-77", "kind": "card"})
    page = operator.follow()
    assert "门禁凭证已登记" in page and "CARD-77" in page and "已登记未绑定" in page
    credential = site.client.get(f"/api/v1/access/projects/{project}/credentials",
                                 headers=site.operator()).json()[0]
    operator.post(f"/access/credentials/{credential['id']}/bind", {"lease_id": str(site.home.lease_id)})
    assert "凭证已绑定" in operator.follow()
    wrong = operator.post(f"/access/credentials/{credential['id']}/unbind", {"reason": ""}, expect=422)
    assert "解绑" in text_of(wrong.text)


def test_zhujian_reviews_a_signal_from_the_city_list(site: Site, person) -> None:  # noqa: F811
    found = lending_signal(site)
    zhujian = login(person, site.home.city.cast.zhujian)
    listing = zhujian.get("/access/signals")
    assert "疑似转借/转租" in listing and f"/access/signals/{found['id']}" in listing
    page = zhujian.get(f"/access/signals/{found['id']}")
    assert "按周统计的进入次数" in page and "涉及的通行记录" in page and "CARD-X" in page
    assert "立案：记录第四十条违规" not in page  # the leases workflow's: operator or office
    zhujian.post(f"/access/signals/{found['id']}/dismiss", {"reason": "核查为临时照料"})
    after = zhujian.follow()
    assert "已核查排除" in after and "涉及的通行记录" not in after and "CARD-X" not in after


def test_the_operator_opens_a_case_from_the_page(site: Site, person) -> None:  # noqa: F811
    found = lending_signal(site)
    operator = login(person, site.home.city.cast.developer)
    operator.post(f"/access/signals/{found['id']}/open-case",
                  {"kind": "lending", "description": "走访核实转借", "rectify_days": "15"})
    assert "已立案" in operator.follow()


def test_the_tenant_sees_their_credentials_and_the_retention_notice(site: Site, person) -> None:  # noqa: F811
    site.credential("CARD-T")
    site.push([event(1, "CARD-T", clock.now())])
    tenant = person()
    tenant.login(site.home.person.username)
    page = text_of(tenant.get("/access/me"))
    assert "CARD-T" in page and "保存 180 日后自动清除" in page
    assert tenant.client.get("/access/signals", follow_redirects=False).status_code == 403
