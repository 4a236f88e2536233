"""The planning pages (test client, no browser): 住建 drafts, publishes and adjusts a plan; the public
summary; the office keeps the fund ledger (refusals shown beside the field, nothing written) and
generates reports the leader and auditors download; others are refused."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.planning.models import FundEntry, Plan
from tests.planning.conftest import subsidy
from tests.web.conftest import text_of
from tests.web.test_workflows import field_error


def test_zhujian_plans_and_anyone_reads_the_published_plan(city, person, session) -> None:
    cast = city.cast
    zj, public, dev = person(), person(), person()
    zj.login(cast.zhujian.username)
    assert "编制计划" in zj.get("/plans")
    form = zj.get("/plans/new")
    assert 'name="lines[0].district"' in form
    bad = zj.post("/plans/new", {"kind": "annual", "title": "2025 年度建设计划", "start_year": "2025",
                                 "end_year": "2026", "lines[0].district": "昌江区",
                                 "lines[0].target_units": "200",
                                 "lines[0].target_area_m2": "10000"}, expect=422)
    assert "年度建设计划" in field_error(bad.text, "f-end_year")
    assert session.scalar(select(func.count()).select_from(Plan)) == 0
    zj.post("/plans/new", {"kind": "annual", "title": "2025 年度建设计划", "start_year": "2025",
                           "end_year": "2025",
                           "lines[0].district": "昌江区", "lines[0].construction_method": "conversion",
                           "lines[0].target_units": "200", "lines[0].target_area_m2": "10000",
                           "lines[0].project_ids": str(city.project_id)})
    page = zj.follow()
    plan_id = int(re.search(r"/plans/(\d+)/publish", page).group(1))  # type: ignore[union-attr]
    assert "计划草案已保存" in page and "180 套" in text_of(page)  # certified from the platform's records
    zj.post(f"/plans/{plan_id}/publish")
    assert "计划已发布" in zj.follow()
    shown = text_of(public.get("/public/plans"))
    assert "2025 年度建设计划" in shown and "昌江区" in shown
    zj.post(f"/plans/{plan_id}/adjust", {"reason": ""}, expect=422)
    zj.post(f"/plans/{plan_id}/adjust", {"reason": "目标调整"})
    assert "第 2 版" in zj.follow()
    dev.login(cast.developer.username)
    dev.get("/plans", expect=403)
    dev.get(f"/plans/{plan_id}", expect=403)


def test_the_office_keeps_the_ledger_and_the_reports(city, person, session) -> None:
    cast = city.cast
    office, leader, dev = person(), person(), person()
    office.login(cast.office.username)
    assert 'id="act-receive"' in office.get("/funds")
    bad = office.post("/funds", {"source": "central_subsidy", "document_no": "财建〔2025〕88号",
                                 "title": "2025 年中央补助资金", "amount_yuan": "12.345",
                                 "received_on": "2025-05-10",
                                 "year": "2025"}, expect=422)
    assert field_error(bad.text, "f-amount_yuan")
    office.post("/funds", {"source": "central_subsidy", "document_no": "财建〔2025〕88号",
                           "title": "2025 年中央补助资金", "amount_yuan": "1,000,000.00",
                           "received_on": "2025-05-10",
                           "year": "2025"})
    page = office.follow()
    fund_id = int(re.search(r'action="/funds/(\d+)/entries"', page).group(1))  # type: ignore[union-attr]
    assert "1,000,000.00" in page and "账目平衡" in page
    over = office.post(f"/funds/{fund_id}/entries", {"kind": "allocation", "project_id": str(city.project_id),
                                                     "amount_yuan": "2000000", "on": "2025-06-03"},
                      expect=422)
    assert "第十二条" in field_error(over.text, "f-amount_yuan")
    assert session.scalar(select(func.count()).select_from(FundEntry)) == 1
    office.post(f"/funds/{fund_id}/entries", {"kind": "allocation", "project_id": str(city.project_id),
                                              "amount_yuan": "400000", "on": "2025-06-03"})
    sid = subsidy(city)
    page = office.follow()
    office.post(f"/funds/{fund_id}/entries", {"kind": "payment", "subsidy_id": str(sid), "on": "2025-06-03"})
    page = text_of(office.follow())
    assert "拨付项目" in page and "700,000.00" in page  # balance: 1,000,000 − 300,000
    office.post("/statistics-reports", {"period_kind": "month", "year": "2025", "number": "6"})
    page = office.follow()
    assert "第 1 版" in page
    link = re.search(r'href="(/statistics-reports/\d+\.xlsx)"', page).group(1)  # type: ignore[union-attr]
    leader.login(cast.leader.username)
    assert leader.client.get(link).status_code == 200
    assert 'id="act-entry"' not in leader.get(f"/funds/{fund_id}")  # read-only for the leader
    dev.login(cast.developer.username)
    dev.get("/funds", expect=403)
    assert dev.client.get(link).status_code == 403


def test_the_developer_records_the_construction_start_on_the_project_page(cast, person, session,
                                                                           today) -> None:
    from datetime import date

    from app.approval.models import Project

    pid = cast.file()
    cast.to_state(pid, "certified")
    today(date(2025, 6, 10))
    dev = person()
    dev.login(cast.developer.username)
    assert 'id="act-construction_start"' in dev.get(f"/projects/{pid}")
    early = dev.post(f"/projects/{pid}/construction-start", {"started_on": "2025-01-01"}, expect=422)
    assert "第二十四条" in field_error(early.text, "f-started_on")
    assert session.get(Project, pid).construction_started_on is None  # type: ignore[union-attr]
    dev.post(f"/projects/{pid}/construction-start", {"started_on": "2025-06-05"})
    assert "已记录开工日期" in dev.follow()
    assert session.get(Project, pid).construction_started_on == date(2025, 6, 5)  # type: ignore[union-attr]


def test_the_dashboard_shows_plan_against_actual_and_fund_balances(city, person) -> None:
    from tests.planning.conftest import API, fund_body, plan_body

    cast = city.cast
    plan = cast.post("zhujian", f"{API}/plans", plan_body([city.project_id]), expect=201)
    cast.post("zhujian", f"{API}/plans/{plan['id']}/publish")
    cast.post("office", f"{API}/funds", fund_body(), expect=201)
    stats = cast.get("leader", f"{API}/dashboard")["planning"]
    assert stats["year"] == 2025 and stats["total"]["target_units"] == 300
    assert stats["districts"][0] == {"district": "珠山区", "target_units": 100, "certified_units": 0,
                                     "started_units": 0, "completed_units": 0, "published_units": 0,
                                     "let_units": 0}
    assert stats["funds"][0]["balance_fen"] == 100_000_000
    leader = person()
    leader.login(cast.leader.username)
    page = leader.get("/auditor/dashboard")
    assert "2025 年度建设计划完成情况" in page and "计划与实际（数据表，套）" in page
    assert "1,000,000.00" in page and 'role="img"' in page
