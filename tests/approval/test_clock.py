"""The 10-working-day clock (第二十四条) across holidays, make-up days and suspensions."""

from datetime import date

from rules.calendar import builtin_years

P = "/api/v1/projects"


def accepted(cast, today, on: date) -> int:
    today(on)
    project_id = cast.file()
    cast.attach_materials(project_id)  # (from 2026-12-01, issue 21)
    cast.post("developer", f"{P}/{project_id}/submit", {})
    cast.post("office", f"{P}/{project_id}/accept", {})
    return project_id


def test_deadline_across_national_day_and_make_up_days(cast, today) -> None:
    # 2025-09-26 (Fri): 9/28 (Sun) and 10/11 (Sat) are worked, 10/1–10/8 are off.
    project_id = accepted(cast, today, date(2025, 9, 26))
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    assert clock == {"accepted_on": "2025-09-26", "deadline": "2025-10-16",
                     "working_days_elapsed": 0, "working_days_remaining": 10, "suspended": False,
                     "overdue": False, "due_soon": False, "decided_on": None, "on_time": None,
                     "limit": 10}
    today(date(2025, 10, 9))
    clock = cast.get("office", f"{P}/{project_id}/clock")
    assert clock["working_days_elapsed"] == 4 and clock["working_days_remaining"] == 6


def test_suspension_freezes_the_days_left_and_resumes_after_the_supplement(cast, today) -> None:
    project_id = accepted(cast, today, date(2025, 9, 26))
    cast.post("office", f"{P}/{project_id}/dispatch",
              {"department_ids": [cast.department_id("zhujian")]})
    today(date(2025, 10, 9))
    cast.post("office", f"{P}/{project_id}/request-materials",
              {"items": ["房屋安全鉴定检测报告"], "comment": "请补充鉴定报告"})
    today(date(2025, 10, 20))
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    assert clock["suspended"] is True and clock["deadline"] is None
    assert clock["working_days_remaining"] == 6 and clock["overdue"] is False
    cast.post("developer", f"{P}/{project_id}/supplement", {"comment": "已上传鉴定报告"})
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    # Six days left, counted after the supplement day (Mon 10/20): 10/21 … 10/28.
    assert clock["deadline"] == "2025-10-28" and clock["working_days_remaining"] == 6
    today(date(2025, 10, 27))
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    assert clock["working_days_remaining"] == 1 and clock["due_soon"] is True
    today(date(2025, 10, 29))
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    assert clock["overdue"] is True and clock["working_days_remaining"] == -1


def test_decision_on_the_deadline_is_on_time(cast, today) -> None:
    project_id = accepted(cast, today, date(2025, 9, 26))
    cast.to_state(project_id, "in_review")
    cast.post("zhujian", f"{P}/{project_id}/opinions", {"opinion": "approve"})
    cast.post("fagai", f"{P}/{project_id}/opinions", {"opinion": "approve"})
    today(date(2025, 10, 16))
    cast.post("office", f"{P}/{project_id}/meeting", {"decision": "pass", "minutes": "通过"})
    cast.post("leader", f"{P}/{project_id}/leader-approval", {"approve": True})
    clock = cast.get("developer", f"{P}/{project_id}/clock")
    assert clock["decided_on"] == "2025-10-16" and clock["on_time"] is True
    today(date(2025, 12, 1))
    assert cast.get("developer", f"{P}/{project_id}/clock")["overdue"] is False


def test_accepting_with_an_earlier_date(cast, today) -> None:
    today(date(2025, 9, 26))
    project_id = cast.file()
    cast.post("developer", f"{P}/{project_id}/submit", {})
    today(date(2025, 9, 30))
    cast.post("office", f"{P}/{project_id}/accept", {"on": "2025-09-29"})
    assert cast.get("office", f"{P}/{project_id}/clock")["accepted_on"] == "2025-09-29"
    response = cast.client.post(f"{P}/{project_id}/accept", json={"on": "2025-10-01"},
                                headers=cast.as_("office"))
    assert response.status_code == 409  # already accepted


def test_acceptance_date_cannot_be_in_the_future_or_before_submission(cast, today) -> None:
    today(date(2025, 9, 26))
    project_id = cast.file()
    cast.post("developer", f"{P}/{project_id}/submit", {})
    for on in ("2025-09-27", "2025-09-25"):
        response = cast.client.post(f"{P}/{project_id}/accept", json={"on": on},
                                    headers=cast.as_("office"))
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "on"


def test_a_deadline_in_a_year_without_a_notice_is_422_naming_the_year(cast, today) -> None:
    last = max(builtin_years())
    project_id = accepted(cast, today, date(last, 12, 28))
    response = cast.client.get(f"{P}/{project_id}/clock", headers=cast.as_("office"))
    assert response.status_code == 422 and response.json()["year"] == last + 1
    queue = cast.get("office", "/api/v1/review-queue")
    assert queue[0]["calendar_missing_year"] == last + 1 and queue[0]["deadline"] is None


def test_review_queue_sorted_by_deadline_with_flags(cast, today) -> None:
    early = accepted(cast, today, date(2025, 6, 3))     # deadline 6/17
    late = accepted(cast, today, date(2025, 6, 12))     # deadline later
    today(date(2025, 6, 13))
    waiting = cast.file()
    cast.post("developer", f"{P}/{waiting}/submit", {})
    today(date(2025, 6, 16))
    queue = cast.get("office", "/api/v1/review-queue")
    ids = [i["project_id"] for i in queue]
    assert ids == [early, late, waiting]
    first = queue[0]
    assert first["deadline"] == "2025-06-17" and first["due_soon"] is True
    assert first["working_days_remaining"] == 1 and first["overdue"] is False
    assert queue[2]["accepted_on"] is None and queue[2]["status_label"] == "已提交，待受理"
    today(date(2025, 6, 18))
    assert cast.get("office", "/api/v1/review-queue")[0]["overdue"] is True
    assert cast.client.get("/api/v1/review-queue", headers=cast.as_("developer")).status_code == 403


def test_statistics_on_time_rate_and_mean_working_days(cast, today) -> None:
    quick = accepted(cast, today, date(2025, 6, 3))
    slow = accepted(cast, today, date(2025, 6, 3))
    for project_id in (quick, slow):
        cast.to_state(project_id, "in_review")
        cast.post("zhujian", f"{P}/{project_id}/opinions", {"opinion": "approve"})
        cast.post("fagai", f"{P}/{project_id}/opinions", {"opinion": "approve"})
    today(date(2025, 6, 10))  # 5 working days
    cast.post("office", f"{P}/{quick}/meeting", {"decision": "pass", "minutes": "通过"})
    cast.post("leader", f"{P}/{quick}/leader-approval", {"approve": True})
    today(date(2025, 6, 19))  # 12 working days: late
    cast.post("office", f"{P}/{slow}/meeting", {"decision": "pass", "minutes": "通过"})
    cast.post("leader", f"{P}/{slow}/leader-approval", {"approve": True})
    stats = cast.get("office", "/api/v1/review-stats")
    assert stats["decided"] == 2 and stats["on_time"] == 1 and stats["on_time_rate"] == 0.5
    assert stats["mean_working_days"] == (5 + 12) / 2
