"""Subsidy (第十二条), benefits (第十四–十六条), operation and transfer (第四十三、四十五条),
and exit (第四十三、四十四条)."""

from datetime import date

import pytest
from sqlalchemy import text

from tests.conftest import count

P = "/api/v1/projects"


@pytest.fixture
def certified(cast) -> int:
    project_id = cast.file()
    cast.to_state(project_id, "certified")
    return project_id


def publish(cast, project_id) -> None:
    cast.post("developer", f"{P}/{project_id}/completion", {"completed_on": "2025-06-01"})
    cast.post("developer", f"{P}/{project_id}/units", {"units": [
        {"building": "1栋", "floor": 1, "number": "0101", "building_area_m2": "38.50",
         "kind": "residential"}]}, expect=201)
    cast.post("developer", f"{P}/{project_id}/listing")
    cast.post("zhujian", f"{P}/{project_id}/listing/verify")


def test_certificate_registers_the_benefits_that_apply(cast, certified) -> None:
    records = cast.get("developer", f"{P}/{certified}/benefits")
    assert {r["code"] for r in records} == {"fee_exemption", "vat_simplified", "property_tax",
                                            "residential_utility_prices"}
    assert all(r["since"] == "2025-06-03" and r["active"] for r in records)


def test_subsidy_paid_once_and_only_after_the_listing_is_published(cast, session, certified) -> None:
    subsidy = cast.post("office", f"{P}/{certified}/subsidies", {
        "amount_yuan": "1800000.00", "source": "中央补助资金", "document_no": "景保租办〔2025〕5号"},
        expect=201)
    early = cast.client.post(f"/api/v1/subsidies/{subsidy['id']}/pay", json={},
                             headers=cast.as_("office"))
    assert early.status_code == 422
    assert early.json()["violations"][0]["article"] == "第十二条"
    publish(cast, certified)
    paid = cast.post("office", f"/api/v1/subsidies/{subsidy['id']}/pay", {})
    assert paid["paid_on"] == "2025-06-03"
    events = count(session, "audit_event")
    second = cast.client.post(f"/api/v1/subsidies/{subsidy['id']}/pay", json={},
                              headers=cast.as_("office"))
    assert second.status_code == 409 and second.json()["violations"][0]["article"] == "第十二条"
    assert count(session, "audit_event") == events


def test_operation_start_is_recorded_once(cast, certified) -> None:
    future = cast.client.post(f"{P}/{certified}/operation", json={"started_on": "2025-06-04"},
                              headers=cast.as_("developer"))
    assert future.status_code == 422
    body = cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-01"})
    assert body["operation_started_on"] == "2025-06-01" and body["exit_allowed_from"] == "2033-06-01"
    again = cast.client.post(f"{P}/{certified}/operation", json={"started_on": "2025-06-02"},
                             headers=cast.as_("developer"))
    assert again.status_code == 409


def test_transfer_of_operation_rights_keeps_history(cast, make_org, make_user, login,
                                                    certified) -> None:
    buyer = make_org(name="景德镇市受让租赁有限公司")
    buyer_staff = login(make_user("developer", organization_id=buyer.id))
    assert cast.client.post(f"{P}/{certified}/transfers", headers=cast.as_("developer"), json={
        "to_organization_id": buyer.id, "reason": "merger", "document_no": "X"}).status_code == 403
    body = cast.post("office", f"{P}/{certified}/transfers", {
        "to_organization_id": buyer.id, "reason": "bankruptcy", "document_no": "（2025）赣02破1号"})
    assert body["operator"] == "景德镇市受让租赁有限公司" and body["status"] == "certified"
    assert body["transfers"][0]["reason_label"] == "破产清算"
    assert cast.client.get(f"{P}/{certified}", headers=cast.as_("developer")).status_code == 404
    history = cast.client.get(f"{P}/{certified}/history", headers=buyer_staff).json()
    assert history[-1]["action"] == "operator_transferred" and "第四十五条" in history[-1]["comment"]


def exit_body(**kw) -> dict:
    return {"notice_from": "2025-05-01", "notice_to": "2025-05-31", "objections": 0} | kw


def exit_refused(cast, session, project_id, code, **kw) -> None:
    before = count(session, "exit_request")
    response = cast.client.post(f"{P}/{project_id}/exit-requests", json=exit_body(**kw),
                                headers=cast.as_("developer"))
    assert response.status_code == 422, response.text
    assert code in {v["code"] for v in response.json()["violations"]}
    assert count(session, "exit_request") == before


def test_new_build_projects_may_not_exit(cast, session) -> None:
    project_id = cast.file(construction_method="new_state_land", sourcing_channel="channel_3",
                           original_building_type=None, application_granularity=None)
    cast.to_state(project_id, "certified")
    cast.post("developer", f"{P}/{project_id}/operation", {"started_on": "2015-01-01"})
    exit_refused(cast, session, project_id, "exit_not_allowed_for_new_build")


def test_exit_at_7_years_364_days_is_refused_and_at_8_years_accepted(cast, session,
                                                                     certified) -> None:
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2017-06-04"})
    exit_refused(cast, session, certified, "operation_term_not_met")
    other = cast.file()
    cast.to_state(other, "certified")
    cast.post("developer", f"{P}/{other}/operation", {"started_on": "2017-06-03"})
    body = cast.post("developer", f"{P}/{other}/exit-requests", exit_body(), expect=201)
    assert body["status"] == "pending" and body["deadline"] == "2025-06-06"


def test_exit_needs_a_notice_without_objections_and_no_active_leases(cast, session,
                                                                     certified) -> None:
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2016-01-01"})
    exit_refused(cast, session, certified, "exit_objections", objections=2)
    exit_refused(cast, session, certified, "exit_notice_not_finished", notice_to="2025-06-10")
    publish(cast, certified)
    session.execute(text("UPDATE unit SET status = 'leased' WHERE project_id = :p"), {"p": certified})
    exit_refused(cast, session, certified, "leases_not_wound_up")


def test_approved_exit_notifies_ends_benefits_and_the_certificate(cast, session, today,
                                                                   certified) -> None:
    number = cast.get("developer", f"{P}/{certified}")["certificate_number"]
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2016-01-01"})
    request = cast.post("developer", f"{P}/{certified}/exit-requests", exit_body(), expect=201)
    queue = cast.get("office", "/api/v1/exit-queue")
    assert queue[0]["id"] == request["id"] and queue[0]["overdue"] is False
    today(date(2025, 6, 9))
    assert cast.get("office", "/api/v1/exit-queue")[0]["overdue"] is True
    refusal = cast.client.post(f"/api/v1/exit-requests/{request['id']}/decision",
                               json={"approve": False}, headers=cast.as_("office"))
    assert refusal.status_code == 422
    decided = cast.post("office", f"/api/v1/exit-requests/{request['id']}/decision",
                        {"approve": True, "comment": "公示无异议，同意退出"})
    assert decided["status"] == "approved" and decided["document_no"] == "景保租退〔2025〕1号"
    assert {n["department"] for n in decided["notifications"]} == {
        "市发改委", "市财政局", "市税务局", "市水务公司", "市供电公司", "华润燃气有限公司"}
    benefits = cast.get("developer", f"{P}/{certified}/benefits")
    assert all(b["ended_on"] == "2025-06-09" and b["end_reason"] == "exit" for b in benefits)
    verify = cast.client.get(f"/api/v1/certificates/{number}").json()
    assert verify["valid"] is False and verify["status"] == "exited"
    assert cast.get("developer", f"{P}/{certified}")["status"] == "exited"


def test_unapproved_exit_cancels_benefits_and_records_the_refund(cast, certified) -> None:
    publish(cast, certified)
    subsidy = cast.post("office", f"{P}/{certified}/subsidies", {
        "amount_yuan": "500000.00", "source": "省奖励资金", "document_no": "赣保租〔2025〕2号"},
        expect=201)
    cast.post("office", f"/api/v1/subsidies/{subsidy['id']}/pay", {})
    cast.post("office", f"{P}/{certified}/unapproved-exit", {"reason": "擅自将房源转为商品房销售"})
    benefits = cast.get("developer", f"{P}/{certified}/benefits")
    assert all(b["end_reason"] == "cancelled" and not b["active"] for b in benefits)
    refunds = cast.get("office", f"{P}/{certified}/subsidies")
    assert refunds[0]["refund_due_yuan"] == "500000.00"
    number = cast.get("office", f"{P}/{certified}")["certificate_number"]
    assert cast.client.get(f"/api/v1/certificates/{number}").json()["status"] == "revoked"
