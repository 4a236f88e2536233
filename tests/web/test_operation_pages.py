"""Project operation through the project page (test client, no browser): 市保租办 grants and
pays subsidies, transfers operation rights, records an unapproved exit and an operator's
violation; the operator declares priority groups. Each form: the success path, a refusal
with the message beside the field (and the article), nothing written, and 404 outside scope."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.approval.models import Project, ProjectBenefit
from app.leases.models import Violation
from app.operation.models import OperatorTransfer, Subsidy
from app.tenants.models import PriorityGroup
from tests.leases.conftest import AREA
from tests.web.conftest import text_of
from tests.web.test_workflows import field_error, input_value

P = "/api/v1/projects"


def count(session: Session, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return session.scalar(stmt) or 0


def certified(cast) -> int:  # type: ignore[no-untyped-def]
    pid = cast.file()
    cast.to_state(pid, "certified")
    return pid


def publish_units(cast, pid: int) -> None:  # type: ignore[no-untyped-def]
    """Completion, units, listing and 市住建局's verification, through the API."""
    cast.post("developer", f"{P}/{pid}/completion", {"completed_on": "2025-06-01"})
    cast.post("developer", f"{P}/{pid}/units", {"units": [
        {"building": "1栋", "floor": 1, "number": "101", "building_area_m2": AREA,
         "kind": "residential", "unit_type": "一室户"}]}, expect=201)
    cast.post("developer", f"{P}/{pid}/listing")
    cast.post("zhujian", f"{P}/{pid}/listing/verify")


def test_the_office_grants_a_subsidy_and_pays_it_once_the_listing_is_published(
        cast, person, session) -> None:
    pid = certified(cast)
    office, dev, zj = person(), person(), person()
    office.login(cast.office.username)
    page = office.get(f"/projects/{pid}")
    assert 'id="act-subsidy"' in page and "尚未核定建设补助资金" in page
    # refused: no amount, a one-letter source; what was typed is kept, nothing written
    bad = office.post(f"/projects/{pid}/subsidies", {"amount_yuan": "", "source": "中",
                                                     "document_no": "景保租办〔2025〕3号"}, expect=422)
    assert field_error(bad.text, "f-amount_yuan") and field_error(bad.text, "f-source")
    assert input_value(bad.text, "document_no") == "景保租办〔2025〕3号"
    future = office.post(f"/projects/{pid}/subsidies", {"amount_yuan": "1000000.00", "source": "中央补助资金",
                                                        "document_no": "景保租办〔2025〕3号",
                                                        "granted_on": "2099-01-01"}, expect=422)
    assert "不能晚于今天" in field_error(future.text, "f-granted_on")
    assert count(session, Subsidy, project_id=pid) == 0
    office.post(f"/projects/{pid}/subsidies", {"amount_yuan": "1000000.00", "source": "中央补助资金",
                                               "document_no": "景保租办〔2025〕3号", "granted_on": ""})
    page = office.follow()
    assert "已核定建设补助资金 1000000.00 元" in page and "未拨付" in page
    subsidy_id = int(re.search(r'action="/subsidies/(\d+)/pay"', page).group(1))  # type: ignore[union-attr]
    # paid before the units are published on the platform: refused citing 第十二条
    early = office.post(f"/subsidies/{subsidy_id}/pay", {"paid_on": ""}, expect=422)
    shown = text_of(early.text)
    assert "完成房源发布后拨付" in shown and "第十二条" in shown
    assert 'id="act-subsidy_pay-' in early.text
    assert session.get(Subsidy, subsidy_id).paid_on is None  # type: ignore[union-attr]
    # the developer may not pay; a missing subsidy is 404
    dev.login(cast.developer.username)
    dev.post(f"/subsidies/{subsidy_id}/pay", expect=403)
    office.post("/subsidies/999999/pay", expect=404)
    publish_units(cast, pid)
    future = office.post(f"/subsidies/{subsidy_id}/pay", {"paid_on": "2099-01-01"}, expect=422)
    assert "第十二条" in field_error(future.text, f"f-paid_on-{subsidy_id}")
    assert input_value(future.text, "paid_on") == "2099-01-01"
    office.post(f"/subsidies/{subsidy_id}/pay", {"paid_on": ""})
    page = office.follow()
    assert "已拨付建设补助资金 1000000.00 元" in page and 'action="/subsidies/' not in page
    assert session.get(Subsidy, subsidy_id).paid_on is not None  # type: ignore[union-attr]
    again = office.post(f"/subsidies/{subsidy_id}/pay", expect=409)
    assert "一次性拨付，不能再次拨付" in text_of(again.text) and "第十二条" in text_of(again.text)
    # every reader sees the subsidy and the benefits; only the office has the forms
    mine = dev.get(f"/projects/{pid}")
    assert "景保租办〔2025〕3号" in mine and "已拨付" in mine and "优惠政策（第十四–十六条）" in mine
    assert 'id="act-subsidy"' not in mine
    zj.login(cast.zhujian.username)
    assert "景保租办〔2025〕3号" in zj.get(f"/projects/{pid}")
    # a draft (the applicant's alone): 404 for the office, like a missing project, nothing written
    draft = cast.file(name="未提交的草稿")
    office.post(f"/projects/{draft}/subsidies", {"amount_yuan": "1.00", "source": "中央补助资金",
                                                 "document_no": "x"}, expect=404)
    assert count(session, Subsidy, project_id=draft) == 0


def test_the_office_transfers_operation_rights(cast, person, session, make_org) -> None:
    pid = certified(cast)
    before = session.get(Project, pid).organization_id  # type: ignore[union-attr]
    receiver = make_org("景德镇市受让运营管理有限公司")
    office, dev = person(), person()
    office.login(cast.office.username)
    page = office.get(f"/projects/{pid}")
    assert 'id="act-transfer"' in page and f'<option value="{receiver.id}">' in page
    assert f'<option value="{before}">' not in page.split('id="act-transfer"')[1].split("</form>")[0]
    # refused: to the current operator (the service), and without a document (the schema)
    same = office.post(f"/projects/{pid}/transfers", {"to_organization_id": str(before),
                                                      "transfer_reason": "merger",
                                                      "transfer_document_no": "合并协议-1"}, expect=422)
    assert "受让单位与当前运营单位相同" in field_error(same.text, "f-to_organization_id")
    assert input_value(same.text, "transfer_document_no") == "合并协议-1"
    blank = office.post(f"/projects/{pid}/transfers", {"to_organization_id": str(receiver.id),
                                                       "transfer_reason": "merger",
                                                       "transfer_document_no": ""}, expect=422)
    assert field_error(blank.text, "f-transfer_document_no")
    assert 'value="merger" selected' in blank.text
    assert count(session, OperatorTransfer, project_id=pid) == 0
    assert session.get(Project, pid).organization_id == before  # type: ignore[union-attr]
    office.post(f"/projects/{pid}/transfers", {"to_organization_id": str(receiver.id),
                                               "transfer_reason": "court_order",
                                               "transfer_document_no": "（2025）赣0203民初1号"})
    page = office.follow()
    assert "运营权已转让给景德镇市受让运营管理有限公司" in page
    assert "人民法院生效法律文书" in page and "（2025）赣0203民初1号" in page
    assert session.get(Project, pid).organization_id == receiver.id  # type: ignore[union-attr]
    # the former operator no longer sees the project: 404 like a missing one
    dev.login(cast.developer.username)
    dev.get(f"/projects/{pid}", expect=404)
    dev.post(f"/projects/{pid}/transfers", expect=403)


def test_the_office_records_an_unapproved_exit(city, person, session) -> None:
    cast, pid = city.cast, city.project_id
    subsidy = cast.post("office", f"{P}/{pid}/subsidies", {
        "amount_yuan": "500000.00", "source": "中央补助资金", "document_no": "景保租办9号"}, expect=201)
    cast.post("office", f"/api/v1/subsidies/{subsidy['id']}/pay", {})
    office = person()
    office.login(cast.office.username)
    page = text_of(office.get(f"/projects/{pid}"))
    assert "记录未经批准退出（第四十四条）" in page
    assert "取消其全部相关优惠政策" in page and "补助资金须全额退回" in page
    # refused: no reason given; nothing written, the date typed is kept
    bad = office.post(f"/projects/{pid}/unapproved-exit", {"found_on": "2025-06-03", "exit_reason": ""},
                      expect=422)
    assert field_error(bad.text, "f-exit_reason")
    assert input_value(bad.text, "found_on") == "2025-06-03"
    # found before the certificate (2025-06-03): refused beside the date (issue 14)
    early = office.post(f"/projects/{pid}/unapproved-exit", {"found_on": "2025-06-02",
                                                            "exit_reason": "擅自改为酒店经营"}, expect=422)
    assert "认定书" in field_error(early.text, "f-found_on")
    assert session.get(Project, pid).status == "certified"  # type: ignore[union-attr]
    assert count(session, ProjectBenefit, project_id=pid, end_reason="cancelled") == 0
    office.post(f"/projects/{pid}/unapproved-exit", {"found_on": "2025-06-03",
                                                     "exit_reason": "擅自改为酒店经营"})
    page = office.follow()
    assert "已记录未经批准退出" in page and "未经批准退出（已取消优惠政策）" in page
    assert "应退回 500,000.00 元" in page or "应退回 500000.00 元" in page
    assert "已取消" in page and "擅自改为酒店经营" in page
    assert session.get(Project, pid).status == "exited_unapproved"  # type: ignore[union-attr]
    assert session.get(Subsidy, subsidy["id"]).refund_due_yuan is not None  # type: ignore[union-attr]
    assert 'id="act-unapproved_exit"' not in page and 'id="act-subsidy"' not in page
    again = office.post(f"/projects/{pid}/unapproved-exit", {"exit_reason": "再次记录"}, expect=409)
    assert "已认定且未退出" in text_of(again.text)


def test_operator_violations_and_the_credit_record(cast, person, session) -> None:
    pid = certified(cast)
    office, dev, zj = person(), person(), person()
    office.login(cast.office.username)
    assert 'id="act-operator_violation"' in office.get(f"/projects/{pid}")
    bad = office.post(f"/projects/{pid}/operator-violations", {"kind": "rent_as_sale",
                                                               "description": "以租代售，收取十年租金",
                                                               "rectify_days": "0"}, expect=422)
    assert field_error(bad.text, "f-rectify_days")
    assert input_value(bad.text, "rectify_days") == "0" and "以租代售，收取十年租金" in bad.text
    no_kind = office.post(f"/projects/{pid}/operator-violations", {"description": "x", "rectify_days": "30"},
                          expect=422)
    assert field_error(no_kind.text, "f-kind")
    assert count(session, Violation, project_id=pid) == 0
    office.post(f"/projects/{pid}/operator-violations", {"kind": "rent_as_sale",
                                                         "description": "以租代售，收取十年租金",
                                                         "rectify_days": "30"})
    page = office.follow()
    assert "已记录运营单位违规行为" in page and "2025-07-03" in page  # 30 days from 2025-06-03
    credit = page.split('id="credit-title"')[1]
    assert "以租代售" in credit and "整改中" in credit
    violation_id = int(re.search(r'action="/violations/(\d+)/rectified"', credit).group(1))  # type: ignore[union-attr]
    # the operator sees its own credit record (no button); a department reviewer does not see it
    dev.login(cast.developer.username)
    mine = dev.get(f"/projects/{pid}")
    assert "运营单位信用记录" in mine and "以租代售，收取十年租金" in mine and "/rectified" not in mine
    dev.post(f"/projects/{pid}/operator-violations", {"kind": "rent_as_sale"}, expect=403)
    zj.login(cast.zhujian.username)
    assert "以租代售，收取十年租金" not in zj.get(f"/projects/{pid}")
    # the "已整改" button (the route is the lease pages'): back to the project page, rectified
    office.post(f"/violations/{violation_id}/rectified")
    assert office.last is not None and office.last.headers["location"] == f"/projects/{pid}"
    done = office.follow().split('id="credit-title"')[1]
    assert "已整改" in done and f"/violations/{violation_id}/rectified" not in done
    assert session.get(Violation, violation_id).status == "rectified"  # type: ignore[union-attr]
    # a project outside the office's scope (a draft): 404, nothing written
    draft = cast.file(name="未提交的草稿")
    office.post(f"/projects/{draft}/operator-violations", {"kind": "rent_as_sale", "description": "x",
                                                           "rectify_days": "30"}, expect=404)
    assert count(session, Violation, project_id=draft) == 0


def test_the_operator_declares_priority_groups(cast, person, session, make_user, make_org) -> None:
    pid = certified(cast)
    park = make_org("景德镇陶瓷工业园区管委会")
    dev, office, other = person(), person(), person()
    dev.login(cast.developer.username)
    page = dev.get(f"/projects/{pid}")
    assert 'id="act-priority_group"' in page and "运营单位尚未设立优先配租组" in page
    assert f'id="f-organization_ids-{park.id}"' in page
    # refused: no organisation chosen, a rank out of range; what was typed is kept
    bad = dev.post(f"/projects/{pid}/priority-groups", {"name": "陶瓷园区企业员工", "kind": "park",
                                                       "rank": "101"}, expect=422)
    assert field_error(bad.text, "f-organization_ids") and field_error(bad.text, "f-rank")
    assert input_value(bad.text, "name") == "陶瓷园区企业员工"
    assert count(session, PriorityGroup, project_id=pid) == 0
    dev.post(f"/projects/{pid}/priority-groups", [("name", "陶瓷园区企业员工"), ("kind", "park"),
                                                  ("rank", "0"), ("organization_ids", str(park.id))])
    page = dev.follow()
    assert "已设立优先配租组“陶瓷园区企业员工”" in page
    groups = page.split('id="priority-title"')[1].split("</section>")[0]
    assert "陶瓷园区企业员工" in groups and "景德镇陶瓷工业园区管委会" in groups and "园区" in groups
    assert count(session, PriorityGroup, project_id=pid) == 1
    # everyone who can see the project sees the groups; the office has no form for them
    office.login(cast.office.username)
    seen = office.get(f"/projects/{pid}")
    assert "陶瓷园区企业员工" in seen and 'id="act-priority_group"' not in seen
    office.post(f"/projects/{pid}/priority-groups", expect=403)
    # another operator: the project answers 404, nothing written
    other.login(make_user("developer").username)
    other.post(f"/projects/{pid}/priority-groups", [("name", "别家员工"), ("kind", "enterprise"),
                                                    ("rank", "0"), ("organization_ids", str(park.id))],
               expect=404)
    assert count(session, PriorityGroup, project_id=pid) == 1
    # before certification the service refuses (409), nothing written
    draft = cast.file(name="草稿项目")
    early = dev.post(f"/projects/{draft}/priority-groups", [("name", "陶瓷园区企业员工"), ("kind", "park"),
                                                           ("rank", "0"), ("organization_ids", str(park.id))],
                     expect=409)
    assert "已认定且未退出" in text_of(early.text)
    assert count(session, PriorityGroup, project_id=draft) == 0


def test_the_office_project_page_labels_every_field(cast, person) -> None:
    """The office's view of a certified project (every new form at once): each visible field
    has a <label for> (or a legend), each POST form its CSRF token."""
    pid = certified(cast)
    cast.post("office", f"{P}/{pid}/subsidies", {"amount_yuan": "1.00", "source": "中央补助资金",
                                                 "document_no": "a"}, expect=201)
    office = person()
    office.login(cast.office.username)
    page = office.get(f"/projects/{pid}")
    for key in ("subsidy", "subsidy_pay-", "transfer", "unapproved_exit", "operator_violation"):
        assert f'id="act-{key}' in page
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    ids = re.findall(r'<(?:input|select|textarea|fieldset)\b[^>]*\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        found = re.search(r'id="([^"]+)"', tag)
        assert found and found.group(1) in labels, tag
    for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', page, re.S):
        assert 'name="csrf_token"' in form
