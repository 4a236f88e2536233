"""Statistics reports: generated on demand and by the job, stored (hash in the row) and versioned,
read back from the XLSX (openpyxl) and the PDF (pypdf), downloadable by office, leader, auditor."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.jobs.registry import JOB_MODULES, JOBS
from app.planning import jobs
from app.planning.models import StatisticsReport
from tests.planning.conftest import API, fund_body, plan_body, subsidy


def _world(city) -> None:
    cast = city.cast
    plan = cast.post("zhujian", f"{API}/plans", plan_body([city.project_id]), expect=201)
    cast.post("zhujian", f"{API}/plans/{plan['id']}/publish")
    fund = cast.post("office", f"{API}/funds", fund_body(plan_id=plan["id"]), expect=201)
    entries = f"{API}/funds/{fund['id']}/entries"
    cast.post("office", entries, {"kind": "allocation", "project_id": city.project_id,
                                  "amount_fen": 40_000_000, "on": "2025-06-03"}, expect=201)
    cast.post("office", entries, {"kind": "payment", "subsidy_id": subsidy(city), "on": "2025-06-03"},
              expect=201)


def test_a_monthly_report_read_back(city, session) -> None:
    _world(city)
    cast = city.cast
    made = cast.post("office", f"{API}/statistics-reports", {"period_kind": "month", "year": 2025,
                                                             "number": 6},
                     expect=201)
    assert made["version"] == 1
    assert (made["period_start"], made["period_end"]) == ("2025-06-01", "2025-06-30")
    response = cast.client.get(made["xlsx_url"], headers=cast.as_("auditor"))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == made["xlsx_sha256"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["计划进度", "资金台账", "本期资金", "租赁情况"]
    progress = book["计划进度"]
    assert progress.freeze_panes == "B3"
    assert progress["A2"].value == "区域" and progress["A2"].font.bold
    rows = list(progress.iter_rows(min_row=3, values_only=True))
    by_district = {r[0]: r for r in rows}
    assert by_district["昌江区"][1:5] == (200, 10000.0, 180, 9800.0)
    assert by_district["合计"][1] == 300 and by_district["合计"][3] == 180  # computed, not a formula
    assert by_district["合计"][7] == 3  # units published
    funds = list(book["资金台账"].iter_rows(min_row=3, values_only=True))
    assert funds[0][:3] == ("财建〔2025〕88号", "2025 年中央补助资金", "中央补助资金")
    assert funds[0][5:] == (1_000_000.0, 400_000.0, 300_000.0, 0.0, 0.0, 700_000.0)
    moved = {r[0]: r for r in book["本期资金"].iter_rows(min_row=3, values_only=True)}
    assert moved["昌江区"][1:3] == (400_000.0, 300_000.0)
    leasing = {r[0]: r for r in book["租赁情况"].iter_rows(min_row=3, values_only=True)}
    assert leasing["昌江区"][4:7] == (0, 3, 0.0)  # none let, 3 published: occupancy 0%
    assert book["租赁情况"]["G4"].number_format == "0.0%"
    for sheet in book.worksheets:  # totals are numbers, never live formulas
        assert not any(isinstance(c, str) and c.startswith("=") for r in sheet.iter_rows(values_only=True)
                       for c in r)
    pdf = cast.client.get(made["pdf_url"], headers=cast.as_("leader"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "保障性租赁住房统计报表" in text and "2025 年 6 月" in text and "昌江区" in text
    # downloads are audited; others may not download
    downloads = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.download")).all()
    assert [e.summary["format"] for e in downloads] == ["xlsx", "pdf"]
    assert cast.client.get(made["xlsx_url"], headers=cast.as_("developer")).status_code == 403
    assert cast.client.get(made["xlsx_url"], headers=cast.as_("zhujian")).status_code == 403
    assert cast.client.get(f"{API}/statistics-reports/999999.xlsx",
                           headers=cast.as_("office")).status_code == 404
    # regenerating the period makes version 2, the first kept
    again = cast.post("office", f"{API}/statistics-reports", {"period_kind": "month", "year": 2025,
                                                              "number": 6},
                      expect=201)
    assert again["version"] == 2
    assert len(cast.get("auditor", f"{API}/statistics-reports")) == 2


def test_the_job_makes_last_months_and_last_quarters_reports(city, session) -> None:
    _world(city)
    assert "app.planning.jobs" in JOB_MODULES
    assert JOBS["planning.period_reports"].function is jobs.period_reports
    made = jobs.period_reports(session, datetime(2025, 7, 1, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert made == 2
    found = session.scalars(select(StatisticsReport).order_by(StatisticsReport.id)).all()
    assert [(r.period_kind, r.period_start.isoformat(), r.period_end.isoformat()) for r in found] == [
        ("month", "2025-06-01", "2025-06-30"), ("quarter", "2025-04-01", "2025-06-30")]
    assert jobs.period_reports(session, datetime(2025, 8, 1, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))) == 1


def test_a_bad_period_is_a_422(city) -> None:
    r = city.cast.client.post(f"{API}/statistics-reports", headers=city.cast.as_("office"),
                              json={"period_kind": "quarter", "year": 2025, "number": 5})
    assert r.status_code == 422 and "number" in r.text
