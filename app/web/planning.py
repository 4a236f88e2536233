"""Plans, funds and statistics pages (第六、十一、十二、十三、四十四条).

住建 drafts, edits, publishes and adjusts plans and follows each line's progress; anyone reads the
published plans (``/public/plans``); 市保租办 keeps the fund ledger (funds received, allocations,
payments of the one-time subsidy, refunds, reversing entries) with a reconciliation page per fund;
the office generates the monthly and quarterly reports, which the office, the leading group and
auditors download (audited). Each form is parsed into the API's schema and calls the API's service
function in a savepoint; a refusal re-renders the page with the errors beside that form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.core import clock
from app.core.db import writes
from app.core.errors import Forbidden, ProblemError
from app.planning import ledger, progress, reports, repository, service, views
from app.planning.enums import PeriodKind, PlanKind, RefundReason
from app.planning.schemas import AdjustIn, EntryIn, FundIn, PlanIn, PlanLinesIn, ReportIn, ReverseIn
from app.planning.workflows import housing_bureau
from app.web.core import CurrentUser, Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, optional, rows
from app.web.pager import PAGE, next_url
from rules.art11_13_funds import SOURCE_LABELS, EntryKind
from rules.project_facts import ConstructionMethod, SourcingChannel

router = page_router()

DISTRICTS = [(d, d) for d in ("珠山区", "昌江区", "高新区", "昌南新区")]
METHODS = [(m.value, m.label) for m in ConstructionMethod]
CHANNELS = [(c.value, c.label) for c in SourcingChannel]
SOURCES = [(s.value, label) for s, label in SOURCE_LABELS.items()]
ENTRY_KINDS = [(k.value, k.label) for k in EntryKind if k != EntryKind.receipt]
REASONS = list(RefundReason.labels().items())
LINE_FIELDS = ("district", "construction_method", "sourcing_channel", "year", "target_units",
               "target_area_m2", "project_ids", "note")


def _allow(test: Callable[[User], bool]) -> Any:
    async def dependency(user: CurrentUser) -> User:
        if not test(user):
            raise Forbidden("当前角色无权访问此页面")
        return user

    return Depends(dependency)


PLAN_READER = _allow(lambda u: u.role in (Role.office, Role.leader, Role.auditor, Role.admin)
                     or housing_bureau(u))
ZHUJIAN = _allow(housing_bureau)
FUND_READER = require(Role.office, Role.leader, Role.auditor)
OFFICE = require(Role.office)


def yuan(fen: int | None) -> str:
    return views.yuan(fen)


def pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _rename(name: str) -> str:
    """The form's input for a schema field: amounts are typed in yuan, kept in fen."""
    return "amount_yuan" if name == "amount_fen" else name


def _act(f: FormState, session: Session, schema: type[BaseModel], values: dict[str, Any],
         call: Callable[[Any], Any]) -> tuple[Any, int | None]:
    try:
        data = schema.model_validate(values)
    except ValidationError as exc:
        f.add_validation(exc, _rename)
        return None, 422
    try:
        return attempt(session, call, data), None
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc, _rename)
        return None, exc.status if exc.status in (409, 422) else 422


def _values(form: FormData, schema: type[BaseModel]) -> dict[str, Any]:
    return {n: v for n in schema.model_fields if (v := optional(form, n)) is not None}


def _ints(text: str | None) -> list[Any]:
    parts = [p for p in (text or "").replace("，", ",").replace("、", ",").split(",") if p.strip()]
    return [int(p) if p.strip().isdigit() else p.strip() for p in parts]


def _lines(form: FormData) -> list[dict[str, Any]]:
    found = []
    for row in rows(form, "lines", LINE_FIELDS):
        if not (row.get("district") or row.get("target_units")):
            continue
        line: dict[str, Any] = {k: v for k, v in row.items()
                                if v not in (None, "") and k in LINE_FIELDS and k != "project_ids"}
        for key in ("year", "target_units"):
            if key in line and str(line[key]).isdigit():
                line[key] = int(line[key])
        line["project_ids"] = _ints(row.get("project_ids"))
        found.append(line)
    return found


# ---- plans ------------------------------------------------------------------------------------

@router.get("/plans", name="plan_list")
def plan_list(request: Request, session: SessionDep, cursor: int | None = None,
              user: User = PLAN_READER) -> Response:
    found = repository.plans(session, cursor=cursor, limit=PAGE)
    return render(request, "planning/plans.html", {
        "plans": views.plans_view(session, user, found.items), "next_url": next_url(request,
                                                                                    found.next_cursor),
        "can_create": housing_bureau(user)})


def _new_page(request: Request, session: Session, f: FormState, status_code: int = 200) -> Response:
    return render(request, "planning/new.html", {
        "f": f, "kinds": list(PlanKind.labels().items()), "districts": DISTRICTS, "methods": METHODS,
        "channels": CHANNELS, "line_count": max(4, len(_lines_of(f)) + 1),
        "projects": repository.candidate_projects(session)}, status_code=status_code)


def _lines_of(f: FormState) -> list[Any]:
    return [k for k in f.values if k.startswith("lines[") and k.endswith("].district")]


@router.get("/plans/new", name="plan_new")
def new_plan(request: Request, session: SessionDep, user: User = ZHUJIAN) -> Response:
    year = clock.today().year
    return _new_page(request, session, FormState({"kind": "annual", "start_year": year, "end_year": year}))


@router.post("/plans/new", name="plan_create")
def create_plan(request: Request, session: SessionDep, form: Form, user: User = ZHUJIAN) -> Response:
    f = FormState.of(form)
    values = _values(form, PlanIn) | {"lines": _lines(form)}
    for key in ("start_year", "end_year"):
        if str(values.get(key, "")).isdigit():
            values[key] = int(values[key])
    plan, refused = _act(f, session, PlanIn, values, lambda data: service.create_plan(session, user, data))
    if refused:
        return _new_page(request, session, f, refused)
    return redirect(f"/plans/{plan.id}", request, "计划草案已保存")


def _plan_page(request: Request, session: Session, user: User | None, plan_id: int,
               forms: dict[str, FormState] | None = None, status_code: int = 200) -> Response:
    plan = repository.plan(session, plan_id)
    view = views.plan_view(session, user, plan)
    lines_form = FormState({f"lines[{n}].{k}": (",".join(map(str, v)) if k == "project_ids" else v)
                            for n, line in enumerate(view["lines"]) for k, v in line.items()
                            if k in LINE_FIELDS and v is not None})
    return render(request, "planning/plan.html", {
        "p": view, "progress": progress.plan_progress(session, plan, clock.today()),
        "versions": repository.versions(session, plan.series_id or plan.id),
        "actions": view["allowed_actions"], "forms": forms or {}, "blank": FormState(),
        "lines_form": (forms or {}).get("edit_lines", lines_form), "line_count": len(view["lines"]) + 2,
        "districts": DISTRICTS, "methods": METHODS, "channels": CHANNELS, "pct": pct,
        "projects": repository.candidate_projects(session)}, status_code=status_code)


@router.get("/plans/{plan_id:int}", name="plan_detail")
def plan_detail(request: Request, session: SessionDep, plan_id: int, user: User = PLAN_READER) -> Response:
    return _plan_page(request, session, user, plan_id)


@router.post("/plans/{plan_id:int}/lines", name="plan_lines")
def plan_lines(request: Request, session: SessionDep, plan_id: int, form: Form,
               user: User = ZHUJIAN) -> Response:
    f = FormState.of(form)
    _, refused = _act(f, session, PlanLinesIn, {"lines": _lines(form)},
                      lambda data: service.replace_lines(session, user, plan_id, data.lines))
    if refused:
        return _plan_page(request, session, user, plan_id, {"edit_lines": f}, refused)
    return redirect(f"/plans/{plan_id}", request, "计划内容已修改")


@router.post("/plans/{plan_id:int}/publish", name="plan_publish")
def plan_publish(request: Request, session: SessionDep, plan_id: int, form: Form,
                 user: User = ZHUJIAN) -> Response:
    f = FormState.of(form)
    try:
        attempt(session, service.publish, session, user, plan_id)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return _plan_page(request, session, user, plan_id, {"publish": f}, 422 if exc.status == 422 else 409)
    return redirect(f"/plans/{plan_id}", request, "计划已发布")


@router.post("/plans/{plan_id:int}/adjust", name="plan_adjust")
def plan_adjust(request: Request, session: SessionDep, plan_id: int, form: Form,
                user: User = ZHUJIAN) -> Response:
    f = FormState.of(form)
    new, refused = _act(f, session, AdjustIn, _values(form, AdjustIn),
                        lambda data: service.adjust(session, user, plan_id, data))
    if refused:
        return _plan_page(request, session, user, plan_id, {"adjust": f}, refused)
    return redirect(f"/plans/{new.id}", request, f"已生成调整版本（第 {new.version} 版），修改后发布")


@router.get("/public/plans", name="public_plans")
def public_plans(request: Request, session: SessionDep, cursor: int | None = None) -> Response:
    """Anyone: the published plans, their targets and progress (第六条)."""
    found = repository.plans(session, cursor=cursor, limit=10, published_only=True)
    today = clock.today()
    shown = [(p, progress.plan_progress(session, p, today)) for p in found.items]
    return render(request, "planning/public.html", {
        "plans": shown, "next_url": next_url(request, found.next_cursor), "pct": pct,
        "kinds": PlanKind.labels()})


# ---- funds ------------------------------------------------------------------------------------

def _funds_page(request: Request, session: Session, user: User, cursor: int | None, f: FormState,
                status_code: int = 200) -> Response:
    found = repository.funds(session, cursor=cursor, limit=PAGE)
    funds = views.funds_view(session, found.items)
    return render(request, "planning/funds.html", {
        "funds": funds, "next_url": next_url(request, found.next_cursor), "f": f, "sources": SOURCES,
        "can_write": user.role == Role.office, "yuan": yuan,
        "plans": [(str(p.id), f"{p.title}（第 {p.version} 版）") for p in repository.plans(
            session, cursor=None, limit=PAGE, published_only=True).items]}, status_code=status_code)


@router.get("/funds", name="fund_list")
def fund_list(request: Request, session: SessionDep, cursor: int | None = None,
              user: User = FUND_READER) -> Response:
    return _funds_page(request, session, user, cursor,
                       FormState({"received_on": clock.today().isoformat(), "year": clock.today().year}))


def _fen_field(form: FormData, name: str = "amount_yuan") -> int | str | None:
    """An amount typed in yuan (up to two decimals) as whole fen; anything else as typed (refused)."""
    text = (optional(form, name) or "").replace(",", "")
    if not text:
        return None
    whole, _, cents = text.partition(".")
    if whole.isdigit() and (cents == "" or (cents.isdigit() and len(cents) <= 2)):
        return int(whole) * 100 + int((cents + "00")[:2])
    return text


@router.post("/funds", name="fund_create")
def fund_create(request: Request, session: SessionDep, form: Form, user: User = OFFICE) -> Response:
    f = FormState.of(form)
    values = _values(form, FundIn) | {"amount_fen": _fen_field(form)}
    for key in ("year", "plan_id"):
        if str(values.get(key, "")).isdigit():
            values[key] = int(values[key])
    fund, refused = _act(f, session, FundIn, {k: v for k, v in values.items() if v is not None},
                         lambda data: ledger.receive(session, user, data))
    if refused:
        return _funds_page(request, session, user, None, f, refused)
    return redirect(f"/funds/{fund.id}", request, "资金到账已登记")


def _fund_page(request: Request, session: Session, user: User, fund_id: int, cursor: int | None = None,
               forms: dict[str, FormState] | None = None, status_code: int = 200) -> Response:
    fund = repository.fund(session, fund_id)
    found = repository.entries(session, fund.id, cursor=cursor, limit=PAGE)
    today = clock.today().isoformat()
    subsidies = repository.unpaid_or_undrawn_subsidies(session) if user.role == Role.office else []
    return render(request, "planning/fund.html", {
        "r": views.reconciliation(session, fund), "entries": views.entries_view(session, found.items),
        "next_url": next_url(request, found.next_cursor), "yuan": yuan, "can_write": user.role == Role.office,
        "forms": forms or {}, "blank": FormState({"on": today}), "kinds": ENTRY_KINDS, "reasons": REASONS,
        "projects": [(str(i), f"{n}（{d}）") for i, n, d in repository.candidate_projects(session)],
        "subsidies": subsidies}, status_code=status_code)


@router.get("/funds/{fund_id:int}", name="fund_detail")
def fund_detail(request: Request, session: SessionDep, fund_id: int, cursor: int | None = None,
                user: User = FUND_READER) -> Response:
    return _fund_page(request, session, user, fund_id, cursor)


@router.post("/funds/{fund_id:int}/entries", name="fund_entry_create")
def fund_entry_create(request: Request, session: SessionDep, fund_id: int, form: Form,
                      user: User = OFFICE) -> Response:
    repository.fund(session, fund_id)
    f = FormState.of(form)
    values: dict[str, Any] = _values(form, EntryIn)
    amount = _fen_field(form)
    if amount is not None:
        values["amount_fen"] = amount
    for key in ("project_id", "subsidy_id"):
        if str(values.get(key, "")).isdigit():
            values[key] = int(values[key])
    _, refused = _act(f, session, EntryIn, values, lambda data: ledger.post(session, user, fund_id, data))
    if refused:
        return _fund_page(request, session, user, fund_id, None, {"entry": f}, refused)
    return redirect(f"/funds/{fund_id}", request, "已记账")


@router.post("/fund-entries/{entry_id:int}/reverse", name="fund_entry_reverse")
def fund_entry_reverse(request: Request, session: SessionDep, entry_id: int, form: Form,
                       user: User = OFFICE) -> Response:
    original = repository.entry(session, entry_id)
    f = FormState.of(form)
    _, refused = _act(f, session, ReverseIn, _values(form, ReverseIn),
                      lambda data: ledger.reverse(session, user, entry_id, data))
    if refused:
        return _fund_page(request, session, user, original.fund_id, None, {f"reverse-{entry_id}": f}, refused)
    return redirect(f"/funds/{original.fund_id}", request, "已登记冲正记录")


# ---- statistics reports ----------------------------------------------------------------------

def _reports_page(request: Request, session: Session, user: User, cursor: int | None, f: FormState,
                  status_code: int = 200) -> Response:
    found = repository.reports(session, cursor=cursor, limit=PAGE)
    return render(request, "planning/reports.html", {
        "reports": [views.report_view(r) for r in found.items], "next_url": next_url(request,
                                                                                     found.next_cursor),
        "f": f, "kinds": list(PeriodKind.labels().items()), "can_write": user.role == Role.office},
        status_code=status_code)


@router.get("/statistics-reports", name="report_list")
def report_list(request: Request, session: SessionDep, cursor: int | None = None,
                user: User = FUND_READER) -> Response:
    today = clock.today()
    last = reports.previous_period(PeriodKind.month, today)
    return _reports_page(request, session, user, cursor, FormState(
        {"period_kind": "month", "year": last.start.year, "number": last.start.month}))


@router.post("/statistics-reports", name="report_create")
def report_create(request: Request, session: SessionDep, form: Form, user: User = OFFICE) -> Response:
    f = FormState.of(form)
    values: dict[str, Any] = _values(form, ReportIn)
    for key in ("year", "number"):
        if str(values.get(key, "")).isdigit():
            values[key] = int(values[key])
    made, refused = _act(f, session, ReportIn, values, lambda data: reports.generate(
        session, user, reports.period(data.period_kind, data.year, data.number), user.id))
    if refused:
        return _reports_page(request, session, user, None, f, refused)
    return redirect("/statistics-reports", request, f"已生成统计报表（第 {made.version} 版）")


def _file(session: Session, user: User, report_id: int, fmt: str) -> Response:
    data, kind, name = reports.download(session, user, report_id, fmt)
    return Response(data, media_type=kind, headers={"Content-Disposition": f"attachment; filename={name}"})


@router.get("/statistics-reports/{report_id:int}.xlsx", name="report_xlsx")
@writes  # the download's audit event is written before the bytes leave
def report_xlsx(request: Request, session: SessionDep, report_id: int, user: User = FUND_READER) -> Response:
    return _file(session, user, report_id, "xlsx")


@router.get("/statistics-reports/{report_id:int}.pdf", name="report_pdf")
@writes
def report_pdf(request: Request, session: SessionDep, report_id: int, user: User = FUND_READER) -> Response:
    return _file(session, user, report_id, "pdf")

