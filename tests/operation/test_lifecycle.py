"""Subsidy (第十二条), benefits (第十四–十六条), operation and transfer (第四十三、四十五条),
and exit (第四十三、四十四条)."""

from datetime import date

import pytest
from sqlalchemy import text

from tests.conftest import count
from tests.operation.conftest import eight_years_on

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
    assert future.json()["violations"][0]["code"] == "operation_start_in_future"
    body = cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-03"})
    assert body["operation_started_on"] == "2025-06-03" and body["exit_allowed_from"] == "2033-06-03"
    again = cast.client.post(f"{P}/{certified}/operation", json={"started_on": "2025-06-03"},
                             headers=cast.as_("developer"))
    assert again.status_code == 409


@pytest.mark.parametrize("started_on", ["2025-06-02", "2016-01-01", "1900-01-01"])
def test_operation_cannot_start_before_the_certificate(cast, session, certified, started_on) -> None:
    """The probe: started 0001-01-01 gave exit_allowed_from 0009-01-01 for a project certified
    that day, so it could ask to exit at once (第四十三条 bypassed). Operation as 保障性租赁住房
    starts no earlier than the certificate (2025-06-03)."""
    before = count(session, "project_event")
    response = cast.client.post(f"{P}/{certified}/operation", json={"started_on": started_on},
                                headers=cast.as_("developer"))
    assert response.status_code == 422, response.text
    (violation,) = response.json()["violations"]
    assert (violation["article"], violation["code"], violation["field"]) == (
        "第四十三条", "operation_start_before_certificate", "started_on")
    assert "2025-06-03" in violation["message"]
    assert count(session, "project_event") == before
    assert cast.get("developer", f"{P}/{certified}/operation")["exit_allowed_from"] is None


def test_business_dates_are_bounded_by_the_certificate_and_today(cast, session, make_org,
                                                                  certified) -> None:
    """Every date the office or the developer enters after certification lies between the
    certificate (2025-06-03) and today: a subsidy's grant (第十二条), its payment (not before
    the grant), a transfer of operation rights, an unapproved exit's discovery; the completion
    date not before the regulation took effect (第五十条) nor after today (第二十六条)."""
    def refused(who: str, path: str, body: dict, field: str, article: str | None = None) -> None:
        response = cast.client.post(path, json=body, headers=cast.as_(who))
        assert response.status_code == 422, response.text
        problem = response.json()
        if article:
            violation = problem["violations"][0]
            assert (violation["article"], violation["field"]) == (article, field)
        else:
            assert problem["errors"][0]["field"] == field and "violations" not in problem

    buyer = make_org().id
    session.commit()  # the test's own write, kept when a refused request rolls its own back
    before = (count(session, "subsidy"), count(session, "operator_transfer"), count(session, "project_event"))
    grant = {"amount_yuan": "1.00", "source": "中央补助资金", "document_no": "景保租办1号"}
    refused("office", f"{P}/{certified}/subsidies", grant | {"granted_on": "2025-06-02"}, "granted_on",
            "第十二条")
    refused("office", f"{P}/{certified}/subsidies", grant | {"granted_on": "2025-06-04"}, "granted_on",
            "第十二条")
    transfer = {"to_organization_id": buyer, "reason": "merger", "document_no": "合并协议1号"}
    refused("office", f"{P}/{certified}/transfers", transfer | {"transferred_on": "2025-06-02"},
            "transferred_on")
    refused("office", f"{P}/{certified}/unapproved-exit", {"reason": "擅自出售", "found_on": "2025-06-02"},
            "found_on")
    refused("office", f"{P}/{certified}/unapproved-exit", {"reason": "擅自出售", "found_on": "2025-06-04"},
            "found_on")
    refused("developer", f"{P}/{certified}/completion", {"completed_on": "2022-05-05"}, "completed_on",
            "第五十条")
    refused("developer", f"{P}/{certified}/completion", {"completed_on": "2025-06-04"}, "completed_on",
            "第二十六条")
    assert (count(session, "subsidy"), count(session, "operator_transfer"),
            count(session, "project_event")) == before
    assert cast.get("developer", f"{P}/{certified}")["status"] == "certified"
    # the day of the certificate is accepted for each
    cast.post("developer", f"{P}/{certified}/completion", {"completed_on": "2022-05-06"})
    granted = cast.post("office", f"{P}/{certified}/subsidies", grant | {"granted_on": "2025-06-03"},
                        expect=201)
    assert granted["granted_on"] == "2025-06-03"
    cast.post("office", f"{P}/{certified}/transfers", transfer | {"transferred_on": "2025-06-03"})


def test_a_subsidy_is_not_paid_before_it_was_granted(cast, today, certified) -> None:
    publish(cast, certified)
    today(date(2025, 6, 10))
    subsidy = cast.post("office", f"{P}/{certified}/subsidies", {
        "amount_yuan": "1.00", "source": "中央补助资金", "document_no": "景保租办1号",
        "granted_on": "2025-06-09"}, expect=201)
    early = cast.client.post(f"/api/v1/subsidies/{subsidy['id']}/pay", json={"paid_on": "2025-06-08"},
                             headers=cast.as_("office"))
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "paid_on"
    assert cast.post("office", f"/api/v1/subsidies/{subsidy['id']}/pay",
                     {"paid_on": "2025-06-09"})["paid_on"] == "2025-06-09"


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


def exit_notice(**kw) -> dict:
    """A notice over before the request, 8 years on."""
    return exit_body(notice_from="2033-05-01", notice_to="2033-05-31", **kw)


def test_new_build_projects_may_not_exit(cast, session, today) -> None:
    project_id = cast.file(construction_method="new_state_land", sourcing_channel="channel_3",
                           original_building_type=None, application_granularity=None)
    cast.to_state(project_id, "certified")
    cast.post("developer", f"{P}/{project_id}/operation", {"started_on": "2025-06-03"})
    eight_years_on(cast, today)
    exit_refused(cast, session, project_id, "exit_not_allowed_for_new_build", **exit_notice())


def test_a_project_certified_today_may_not_exit_today(cast, session, certified) -> None:
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-03"})
    exit_refused(cast, session, certified, "operation_term_not_met")


def test_exit_at_7_years_364_days_is_refused_and_at_8_years_accepted(cast, session, today,
                                                                     certified) -> None:
    other = cast.file()
    cast.to_state(other, "certified")  # both certified on 2025-06-03
    cast.post("developer", f"{P}/{other}/operation", {"started_on": "2025-06-03"})
    today(date(2025, 6, 4))
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-04"})
    eight_years_on(cast, today)  # 2033-06-03
    exit_refused(cast, session, certified, "operation_term_not_met", **exit_notice())
    body = cast.post("developer", f"{P}/{other}/exit-requests", exit_notice(), expect=201)
    assert body["status"] == "pending" and body["deadline"] == "2033-06-08"  # Fri → Mon, Tue, Wed


def test_exit_needs_a_notice_without_objections_and_no_active_leases(cast, session, today,
                                                                     certified) -> None:
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-03"})
    publish(cast, certified)
    eight_years_on(cast, today)
    exit_refused(cast, session, certified, "exit_objections", **exit_notice(objections=2))
    exit_refused(cast, session, certified, "exit_notice_not_finished",
                 **exit_body(notice_from="2033-05-01", notice_to="2033-06-10"))
    exit_refused(cast, session, certified, "exit_notice_before_operation",
                 **exit_body(notice_from="2025-06-02", notice_to="2025-06-30"))
    session.execute(text("UPDATE unit SET status = 'leased' WHERE project_id = :p"), {"p": certified})
    exit_refused(cast, session, certified, "leases_not_wound_up", **exit_notice())


def test_approved_exit_notifies_ends_benefits_and_the_certificate(cast, session, today,
                                                                   certified) -> None:
    number = cast.get("developer", f"{P}/{certified}")["certificate_number"]
    cast.post("developer", f"{P}/{certified}/operation", {"started_on": "2025-06-03"})
    eight_years_on(cast, today)
    request = cast.post("developer", f"{P}/{certified}/exit-requests", exit_notice(), expect=201)
    queue = cast.get("office", "/api/v1/exit-queue")
    assert queue[0]["id"] == request["id"] and queue[0]["overdue"] is False
    today(date(2033, 6, 9))
    assert cast.get("office", "/api/v1/exit-queue")[0]["overdue"] is True
    refusal = cast.client.post(f"/api/v1/exit-requests/{request['id']}/decision",
                               json={"approve": False}, headers=cast.as_("office"))
    assert refusal.status_code == 422
    decided = cast.post("office", f"/api/v1/exit-requests/{request['id']}/decision",
                        {"approve": True, "comment": "公示无异议，同意退出"})
    assert decided["status"] == "approved" and decided["document_no"] == "景保租退〔2033〕1号"
    assert {n["department"] for n in decided["notifications"]} == {
        "市发改委", "市财政局", "市税务局", "市水务公司", "市供电公司", "华润燃气有限公司"}
    benefits = cast.get("developer", f"{P}/{certified}/benefits")
    assert all(b["ended_on"] == "2033-06-09" and b["end_reason"] == "exit" for b in benefits)
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
