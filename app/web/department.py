"""Pages of the partner departments (联审部门).

Every department: the inbox of projects sent to it and its opinion on each. 市住建局 also
records the market-rent appraisals it commissioned and verifies listings; 市发改委 files
rent standards.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import repository as approval_repo
from app.approval import service, views
from app.approval.enums import DEVELOPMENT_COMMISSION, HOUSING_BUREAU
from app.approval.schemas import OpinionIn
from app.core.errors import ProblemError
from app.core.paging import mapped
from app.operation import repository as operation_repo
from app.operation import service as operation
from app.operation import views as operation_views
from app.operation.schemas import AppraisalIn, RentFilingIn
from app.web.core import Form, attempt, page_router, redirect, render, require, require_department
from app.web.forms import FormState, from_form, optional, rows, text
from app.web.pager import PAGE, next_url
from app.web.projects import act, project_page

router = page_router()
DEPARTMENT = require(Role.department)
ZHUJIAN = require_department(HOUSING_BUREAU)
FAGAI = require_department(DEVELOPMENT_COMMISSION)


@router.get("/department/inbox", name="department_inbox")
def inbox(request: Request, session: SessionDep, cursor: int | None = None,
          user: User = DEPARTMENT) -> Response:
    """The projects sent to my department, unanswered first, then the newest; 50 a page."""
    found = mapped(approval_repo.department_inbox(session, user, cursor=cursor, limit=PAGE),
                   views.inbox_item)
    return render(request, "department/inbox.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor)})


@router.post("/projects/{project_id:int}/opinion", name="project_opinion")
def opinion(request: Request, session: SessionDep, project_id: int, form: Form,
            user: User = DEPARTMENT) -> Response:
    return act(request, session, user, project_id, "opinion", form,
               lambda f: from_form(OpinionIn, {"opinion": optional(f, "opinion"),
                                                   "comment": text(f, "comment")}),
               lambda data: service.record_opinion(session, user, project_id, data),
               "审查意见已提交", target="/department/inbox")


# ---- 市住建局 -----------------------------------------------------------------------------------

@router.get("/department/listings", name="department_listings")
def listings(request: Request, session: SessionDep, cursor: int | None = None,
             queue_cursor: int | None = None, user: User = ZHUJIAN) -> Response:
    """Listings to verify or late (``queue_cursor``), and the projects in operation with their
    latest appraisal and rent in force (``cursor``); 50 a page each."""
    queue = operation_views.listing_queue(
        session, operation_repo.listing_queue(session, user, cursor=queue_cursor, limit=PAGE))
    projects = operation_repo.operating_projects(session, user, cursor=cursor, limit=PAGE)
    return render(request, "department/listings.html", {
        "queue": queue.items, "queue_next_url": next_url(request, queue.next_cursor, "queue_cursor"),
        "projects": operation_views.rents_overview(session, projects.items),
        "next_url": next_url(request, projects.next_cursor)})


def _appraisal(form: FormData) -> AppraisalIn:
    per_type: dict[str, Any] = {}
    for row in rows(form, "per_unit_type", ("name", "rate")):
        if row["name"] and row["rate"]:
            try:
                per_type[row["name"]] = Decimal(row["rate"])
            except InvalidOperation:
                per_type[row["name"]] = row["rate"]
    return from_form(AppraisalIn, {
        "appraiser": text(form, "appraiser"), "report_no": text(form, "report_no"),
        "appraised_on": optional(form, "appraised_on"),
        "market_rent_per_m2": optional(form, "market_rent_per_m2"), "per_unit_type": per_type})


@router.post("/projects/{project_id:int}/appraisals", name="project_appraisal")
def record_appraisal(request: Request, session: SessionDep, project_id: int, form: Form,
                     user: User = ZHUJIAN) -> Response:
    return act(request, session, user, project_id, "appraisal", form, _appraisal,
               lambda data: operation.record_appraisal(session, user, project_id, data),
               "已记录市场租金评估")


@router.post("/projects/{project_id:int}/listing/verify", name="project_verify_listing")
def verify_listing(request: Request, session: SessionDep, project_id: int, form: Form,
                   user: User = ZHUJIAN) -> Response:
    return act(request, session, user, project_id, "verify_listing", form, lambda f: None,
               lambda _: operation.verify_listing(session, user, project_id),
               lambda result: f"已审核确认 {result[1]} 套房源并发布")


# ---- 市发改委 -----------------------------------------------------------------------------------

def _filings_page(request: Request, session: Any, user: User, forms: dict[str, FormState] | None = None,
                  status_code: int = 200, cursor: int | None = None) -> Response:
    found = mapped(operation_repo.proposed_standards(session, user, cursor=cursor, limit=PAGE),
                   operation_views.filing_item)
    return render(request, "department/filings.html", {
        "standards": found.items, "next_url": next_url(request, found.next_cursor),
        "forms": forms or {}, "blank": FormState()}, status_code=status_code)


@router.get("/department/filings", name="department_filings")
def filings(request: Request, session: SessionDep, cursor: int | None = None,
            user: User = FAGAI) -> Response:
    """Proposed rent standards waiting for filing, oldest first; 50 a page."""
    return _filings_page(request, session, user, cursor=cursor)


@router.post("/rent-standards/{standard_id:int}/file", name="rent_standard_file")
def file_standard(request: Request, session: SessionDep, standard_id: int, form: Form,
                  user: User = FAGAI) -> Response:
    """File a proposed standard; refused → the page it was posted from, errors beside it."""
    operation_repo.standard_project(session, user, standard_id)
    f = FormState.of(form)
    back = text(form, "back")
    from_project = back.startswith("/projects/") and back[10:].isdigit()
    project_id = int(back[10:]) if from_project else None

    def again(status_code: int) -> Response:
        forms = {f"file_rent_{standard_id}": f}
        if project_id is not None:
            return project_page(request, session, user, project_id, forms=forms, status_code=status_code)
        return _filings_page(request, session, user, forms, status_code)

    try:
        data = from_form(RentFilingIn, {"filing_no": text(form, "filing_no"),
                                            "filed_on": optional(form, "filed_on")})
        standard = attempt(session, operation.file_rent_standard, session, user, standard_id, data)
    except ValidationError as exc:
        f.add_validation(exc)
        return again(422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return again(exc.status if exc.status in (409, 422) else 422)
    return redirect(back if project_id is not None else "/department/filings", request,
                    f"租金标准已备案（{standard.filing_no}），自即日起执行")
