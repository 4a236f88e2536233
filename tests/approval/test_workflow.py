"""The joint-review workflow of 第二十四条: right role, right order, comments, history, audit."""

import pytest
from sqlalchemy import text

from tests.conftest import count

P = "/api/v1/projects"


def test_happy_path_to_a_certificate_with_history_and_audit(cast, session) -> None:
    project_id = cast.file()
    events_before = count(session, "audit_event")
    body = cast.to_state(project_id, "certified")
    assert body["status"] == "certified" and body["certificate_number"] == "2025-0001"
    history = cast.get("developer", f"{P}/{project_id}/history")
    assert [e["action"] for e in history] == [
        "created", "submitted", "accepted", "dispatched", "opinion", "opinion", "meeting_passed",
        "approved"]
    assert history[-1]["actor_unit"] == "市领导小组" and history[-1]["to_status_label"] == "已认定"
    assert history[2]["actor_unit"] == "市保租办"
    assert {e["actor_unit"] for e in history[4:6]} == {"市住建局", "市发改委"}
    actions = [r[0] for r in session.execute(text(
        "SELECT action FROM audit_event WHERE entity_type = 'project' AND entity_id = :i ORDER BY id"),
        {"i": str(project_id)})]
    assert actions[-7:] == ["project.submitted", "project.accepted", "project.dispatched",
                            "project.opinion", "project.opinion", "project.meeting_passed",
                            "project.approved"]
    assert count(session, "audit_event") == events_before + 7
    certificate = cast.client.get("/api/v1/certificates/2025-0001").json()
    assert certificate["valid"] is True and certificate["status_label"] == "有效"
    assert certificate["project_name"] == "昌江区青年人才公寓"


@pytest.mark.parametrize(("state", "who", "action", "payload"), [
    ("draft", "office", "accept", {}),
    ("submitted", "developer", "accept", {}),
    ("submitted", "leader", "accept", {}),
    ("accepted", "developer", "dispatch", {"department_ids": [1]}),
    ("meeting_passed", "office", "leader-approval", {"approve": True}),
    ("in_review", "leader", "meeting", {"decision": "pass", "minutes": "x"}),
    ("submitted", "office", "submit", {}),
])
def test_a_transition_by_the_wrong_role_is_refused_and_writes_nothing(
        cast, session, state, who, action, payload) -> None:
    project_id = cast.file()
    if state != "draft":
        cast.to_state(project_id, state)
    before = (count(session, "project_event"), count(session, "audit_event"))
    response = cast.client.post(f"{P}/{project_id}/{action}", json=payload, headers=cast.as_(who))
    assert response.status_code in (403, 404), response.text
    assert (count(session, "project_event"), count(session, "audit_event")) == before


def conflict(cast, session, who: str, path: str, payload: dict) -> dict:
    before = (count(session, "project_event"), count(session, "audit_event"))
    response = cast.client.post(path, json=payload, headers=cast.as_(who))
    assert response.status_code == 409, response.text
    assert (count(session, "project_event"), count(session, "audit_event")) == before
    return response.json()


def test_leader_approval_before_the_meeting_is_409(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    problem = conflict(cast, session, "leader", f"{P}/{project_id}/leader-approval",
                       {"approve": True, "comment": "同意"})
    assert "联合审查中" in problem["detail"]


def test_meeting_waits_for_every_dispatched_department(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "opinions")  # 住建 answered, 发改 not yet
    problem = conflict(cast, session, "office", f"{P}/{project_id}/meeting",
                       {"decision": "pass", "minutes": "评审通过"})
    assert "市发改委" in problem["detail"]


def test_approving_twice_is_409(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "certified")
    conflict(cast, session, "leader", f"{P}/{project_id}/leader-approval",
             {"approve": True, "comment": "同意"})


def test_a_department_answers_once(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "opinions")
    conflict(cast, session, "zhujian", f"{P}/{project_id}/opinions", {"opinion": "approve"})


def test_a_department_not_consulted_cannot_see_or_answer(cast, make_user, login, session) -> None:
    from app.accounts import service as accounts

    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    renfang = login(make_user("department",
                              department_id=accounts.find_department(session, "renfang").id))
    assert cast.client.get(f"{P}/{project_id}", headers=renfang).status_code == 404
    response = cast.client.post(f"{P}/{project_id}/opinions", json={"opinion": "approve"},
                                headers=renfang)
    assert response.status_code == 404
    assert cast.get("zhujian", f"{P}/{project_id}")["id"] == project_id


def test_return_and_refusals_need_a_comment(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "submitted")
    response = cast.client.post(f"{P}/{project_id}/return", json={"items": ["房屋安全鉴定报告"],
                                                                 "comment": " "},
                                headers=cast.as_("office"))
    assert response.status_code == 422
    cast.post("office", f"{P}/{project_id}/accept", {})
    cast.post("office", f"{P}/{project_id}/dispatch",
              {"department_ids": [cast.department_id("zhujian")]})
    response = cast.client.post(f"{P}/{project_id}/opinions", json={"opinion": "reject"},
                                headers=cast.as_("zhujian"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "comment"


def test_returned_application_is_edited_and_resubmitted(cast) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "submitted")
    body = cast.post("office", f"{P}/{project_id}/return",
                     {"items": ["房屋安全鉴定检测报告", "规划部门意见书"], "comment": "材料不全"})
    assert body["status"] == "returned"
    requests = cast.get("developer", f"{P}/{project_id}/material-requests")
    assert requests[0]["items"] == ["房屋安全鉴定检测报告", "规划部门意见书"]
    history = cast.get("developer", f"{P}/{project_id}/history")
    assert history[-1]["comment"] == "材料不全" and history[-1]["details"]["items"]
    assert cast.post("developer", f"{P}/{project_id}/submit", {})["status"] == "submitted"
    assert cast.get("developer", f"{P}/{project_id}/material-requests")[0]["supplemented_on"]


def test_materials_requested_during_review_and_supplemented(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    body = cast.post("office", f"{P}/{project_id}/request-materials",
                     {"items": ["消防设计说明"], "comment": "请补充消防设计说明"})
    assert body["status"] == "awaiting_materials"
    assert cast.get("developer", f"{P}/{project_id}/clock")["suspended"] is True
    body = cast.post("developer", f"{P}/{project_id}/supplement", {"comment": "已补充"})
    assert body["status"] == "in_review"
    assert cast.get("developer", f"{P}/{project_id}/clock")["suspended"] is False


def test_a_supplement_when_nothing_was_requested_is_409(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    problem = conflict(cast, session, "developer", f"{P}/{project_id}/supplement",
                       {"comment": "补充"})
    assert "没有待补充" in problem["detail"]


def test_meeting_failure_issues_a_notice_with_reasons(cast) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    cast.post("zhujian", f"{P}/{project_id}/opinions",
              {"opinion": "reject", "comment": "消防通道不满足要求"})
    cast.post("fagai", f"{P}/{project_id}/opinions", {"opinion": "approve"})
    body = cast.post("office", f"{P}/{project_id}/meeting", {
        "decision": "fail", "minutes": "评审未通过",
        "reasons": [{"article": "第二十九条", "message": "改建方案不满足安全使用要求"}]})
    assert body["status"] == "refused" and body["notice_number"] == "景保租不符〔2025〕1号"
    notice = cast.get("developer", f"{P}/{project_id}/notice")
    assert notice["stage_label"] == "项目评审会"
    assert {r["article"] for r in notice["reasons"]} == {"第二十九条", "第二十四条"}
    assert any("消防通道" in r["message"] for r in notice["reasons"])
    html = cast.client.get(f"{P}/{project_id}/notice.html", headers=cast.as_("developer"))
    assert html.status_code == 200 and "改建方案不满足安全使用要求（依据：第二十九条）" in html.text
    pdf = cast.client.get(f"{P}/{project_id}/notice.pdf", headers=cast.as_("developer"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert cast.client.get(f"/notices/{notice['number']}").status_code == 200


def test_leader_refusal_needs_a_comment_and_issues_a_notice(cast) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "meeting_passed")
    response = cast.client.post(f"{P}/{project_id}/leader-approval", json={"approve": False},
                                headers=cast.as_("leader"))
    assert response.status_code == 422
    body = cast.post("leader", f"{P}/{project_id}/leader-approval",
                     {"approve": False, "comment": "项目选址不符合职住平衡要求"})
    assert body["status"] == "refused" and body["notice_number"]
    notice = cast.get("developer", f"{P}/{project_id}/notice")
    assert notice["stage_label"] == "市领导小组审批" and "职住平衡" in notice["reasons"][0]["message"]


def test_withdrawal_before_the_decision_only(cast, session) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    assert cast.post("developer", f"{P}/{project_id}/withdraw", {"comment": "撤回"})["status"] == "withdrawn"
    other = cast.file()
    cast.to_state(other, "certified")
    conflict(cast, session, "developer", f"{P}/{other}/withdraw", {})


def test_revoked_certificate_verifies_as_revoked(cast) -> None:
    project_id = cast.file()
    number = cast.to_state(project_id, "certified")["certificate_number"]
    assert cast.client.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "擅自改变用途"},
                            headers=cast.as_("developer")).status_code == 403
    body = cast.post("office", f"/api/v1/certificates/{number}/revoke",
                     {"reason": "擅自改变用途", "article": "第四十六条"})
    assert body["status"] == "revoked"
    verify = cast.client.get(f"/api/v1/certificates/{number}").json()
    assert verify["valid"] is False and verify["status_label"] == "已撤销"
    assert "第四十六条" in verify["revoked_reason"]
    page = cast.client.get(f"/certificates/{number}")
    assert page.status_code == 200 and "已撤销" in page.text
    assert cast.client.post(f"/api/v1/certificates/{number}/revoke", json={"reason": "再次"},
                            headers=cast.as_("office")).status_code == 409
