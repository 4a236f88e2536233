"""Pages of the tenant (承租人): profile, the annex-4 commitment, applying, my applications
with their reasons, invitations to live in a unit an employer leases as a whole (accept or
decline, 第三十一、三十二条), and the housing-fund check (第二十二条). The lease pages are in
leases.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.accounts import repository as accounts_repo
from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.core import clock
from app.core.errors import ProblemError
from app.core.paging import Page
from app.leases import flows
from app.leases import repository as lease_repo
from app.leases import service as leases
from app.leases import views as lease_views
from app.tenants import applications, views
from app.tenants import repository as tenants_repo
from app.tenants import service as tenants
from app.tenants.schemas import ApplicationIn, CommitmentIn, ProfileIn
from app.web.core import Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form, optional, text
from app.web.pager import PAGE, next_url
from rules.params import value_at

router = page_router()
TENANT = require(Role.tenant)


def _refused(exc: ProblemError) -> None:
    if exc.status in (401, 403, 404):
        raise exc


@router.get("/tenant", name="tenant_home")
def home(request: Request, session: SessionDep, cursor: int | None = None,
         user: User = TENANT) -> Response:
    """My details, my latest applications, invitations waiting for my answer, and my notices,
    newest first (``cursor``: 50 a page)."""
    me = views.tenant_view(session, user)
    mine = _mine(session, user, None)
    notices = tenants_repo.notices_page(session, user, cursor=cursor, limit=PAGE)
    invited = [p for p in _placements(session, user, None).items if "accept" in p["allowed_actions"]]
    return render(request, "tenant/home.html", {
        "me": me, "applications": mine.items, "notices": notices.items, "invited": invited,
        "next_url": next_url(request, notices.next_cursor)})


def _mine(session: Any, user: User, cursor: int | None) -> Page[dict[str, Any]]:
    """A page of my applications, newest first, as views (with what I may do on each)."""
    return views.applications_page(session, user, tenants_repo.applications(
        session, user, None, None, cursor=cursor, limit=PAGE))


# ---- profile -----------------------------------------------------------------------------------

def _profile_page(request: Request, session: Any, f: FormState, status_code: int = 200) -> Response:
    return render(request, "tenant/profile.html", {
        "f": f, "districts": value_at("central_districts", clock.today()),
        "organizations": [(o.id, o.name) for o in accounts_repo.organizations(session)]},
        status_code=status_code)


@router.get("/tenant/profile", name="tenant_profile")
def profile_form(request: Request, session: SessionDep, user: User = TENANT) -> Response:
    me = views.tenant_view(session, user)
    values = {k: "" if me[k] is None else str(me[k]) for k in
              ("phone", "residence_district", "work_district", "employer_name", "employer_organization_id")}
    return _profile_page(request, session, FormState(values))


@router.post("/tenant/profile", name="tenant_profile_save")
def save_profile(request: Request, session: SessionDep, form: Form, user: User = TENANT) -> Response:
    f = FormState.of(form)
    try:
        data = from_form(ProfileIn, {
            "phone": text(form, "phone"), "residence_district": text(form, "residence_district"),
            "work_district": optional(form, "work_district"),
            "employer_name": optional(form, "employer_name"),
            "employer_organization_id": optional(form, "employer_organization_id")})
        attempt(session, tenants.save_profile, session, user, data)
    except ValidationError as exc:
        return _profile_page(request, session, f.add_validation(exc), 422)
    except ProblemError as exc:
        _refused(exc)
        return _profile_page(request, session, f.add_problem(exc), 422)
    return redirect("/tenant", request, "个人信息已保存")


# ---- the annex-4 commitment ------------------------------------------------------------------

def _commitment_page(request: Request, session: Any, user: User, f: FormState,
                     status_code: int = 200) -> Response:
    me = views.tenant_view(session, user)
    return render(request, "tenant/commitment.html", {"f": f, "me": me}, status_code=status_code)


@router.get("/tenant/commitment", name="tenant_commitment")
def commitment_form(request: Request, session: SessionDep, user: User = TENANT) -> Response:
    values: dict[str, Any] = {"clauses": []} | views.declaration_values(session, user)
    return _commitment_page(request, session, user, FormState(values))


def _declaration(form: Any) -> dict[str, Any]:
    owns = text(form, "owns_home_in_central_area")
    data: dict[str, Any] = {"public_rental_qualified": text(form, "public_rental_qualified") == "on",
                            "receiving_public_rental": text(form, "receiving_public_rental") == "on"}
    if owns in ("true", "false"):
        data["owns_home_in_central_area"] = owns == "true"
    return data


def _declaration_rename(name: str) -> str:
    return name.removeprefix("declaration.")


@router.post("/tenant/commitment", name="tenant_commitment_sign")
def sign_commitment(request: Request, session: SessionDep, form: Form, user: User = TENANT) -> Response:
    f = FormState.of(form, lists=("clauses",))
    try:
        data = from_form(CommitmentIn, {
            "clauses": [int(c) for c in form.getlist("clauses") if isinstance(c, str) and c.isdigit()],
            "declaration": _declaration(form)})
        attempt(session, tenants.sign_commitment, session, user, data)
    except ValidationError as exc:
        return _commitment_page(request, session, user, f.add_validation(exc, _declaration_rename), 422)
    except ProblemError as exc:
        _refused(exc)
        return _commitment_page(request, session, user, f.add_problem(exc, _declaration_rename), 422)
    return redirect("/tenant", request, "已签署《个人承诺、申明及授权》（附件4），可以申请了")


# ---- applying ----------------------------------------------------------------------------------

def _apply_page(request: Request, session: Any, f: FormState, status_code: int = 200,
                cursor: int | None = None) -> Response:
    housing = views.with_unit_types(session, views.housing_page(
        tenants_repo.housing_on_offer(session, cursor=cursor, limit=PAGE)))
    viewer = getattr(request.state, "viewer", None)
    return render(request, "tenant/apply.html", {
        "f": f, "housing": housing.items,
        "holds_lease": lease_repo.has_active_lease(session, viewer.id) if viewer else False,
        "next_url": f"/tenant/apply?cursor={housing.next_cursor}" if housing.next_cursor else None},
        status_code=status_code)


@router.get("/tenant/apply", name="tenant_apply")
def apply_form(request: Request, session: SessionDep, project_id: str = "",
               cursor: int | None = None, user: User = TENANT) -> Response:
    """The application form: the projects on offer (50 a page) and the declaration."""
    values: dict[str, Any] = {"project_id": project_id} | views.declaration_values(session, user)
    return _apply_page(request, session, FormState(values), cursor=cursor)


@router.post("/tenant/apply", name="tenant_apply_submit")
def apply(request: Request, session: SessionDep, form: Form, user: User = TENANT) -> Response:
    f = FormState.of(form)
    try:
        data = from_form(ApplicationIn, {"project_id": optional(form, "project_id"),
                                             "declaration": _declaration(form)})
        found = attempt(session, flows.apply, session, user, data)
    except ValidationError as exc:
        return _apply_page(request, session, f.add_validation(exc, _declaration_rename), 422)
    except ProblemError as exc:
        _refused(exc)
        return _apply_page(request, session, f.add_problem(exc, _declaration_rename),
                           exc.status if exc.status in (409, 422) else 422)
    eligible = found.eligibility.get("ok")
    note = "" if eligible else "；资格审查显示不符合条件，请查看原因"
    return redirect("/tenant/applications", request, "申请已提交，等待市保租办审核" + note)


@router.get("/tenant/applications", name="tenant_applications")
def my_applications(request: Request, session: SessionDep, cursor: int | None = None,
                    user: User = TENANT) -> Response:
    """My applications, newest first, 50 a page."""
    found = _mine(session, user, cursor)
    return render(request, "tenant/applications.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor)})


@router.post("/tenant/applications/{application_id:int}/withdraw", name="tenant_application_withdraw")
def withdraw(request: Request, session: SessionDep, application_id: int, user: User = TENANT) -> Response:
    try:
        attempt(session, applications.withdraw, session, user, application_id)
    except ProblemError as exc:
        _refused(exc)
        return redirect("/tenant/applications", request, f"未能撤回：{exc.detail}")
    return redirect("/tenant/applications", request, "申请已撤回")


# ---- invitations from an employer (整体配租, 第三十一条) ------------------------------------------

def _placements(session: Any, user: User, cursor: int | None) -> Page[dict[str, Any]]:
    """A page of the invitations addressed to me, newest first, as views."""
    return lease_views.placements_page(session, user, lease_repo.placements(
        session, user, cursor=cursor, limit=PAGE))


def _placements_page(request: Request, session: Any, user: User, cursor: int | None = None,
                     forms: dict[str, FormState] | None = None, status_code: int = 200) -> Response:
    found = _placements(session, user, cursor)
    return render(request, "tenant/placements.html", {
        "items": found.items, "next_url": next_url(request, found.next_cursor),
        "forms": forms or {}, "blank": FormState()}, status_code=status_code)


@router.get("/tenant/placements", name="tenant_placements")
def my_placements(request: Request, session: SessionDep, cursor: int | None = None,
                  user: User = TENANT) -> Response:
    """Invitations to live in a unit an employer leases as a whole, addressed to my 身份证
    number, newest first (50 a page): accept or decline each."""
    return _placements_page(request, session, user, cursor)


def _answer(request: Request, session: Any, user: User, placement_id: int, step: str,
            call: Any, message: str) -> Response:
    """Accept or decline one invitation; refused → the page again with the reasons beside it."""
    try:
        attempt(session, call, session, user, placement_id)
    except ProblemError as exc:
        _refused(exc)
        f = FormState()
        f.add_problem(exc)
        return _placements_page(request, session, user, forms={f"{step}_{placement_id}": f},
                                status_code=exc.status if exc.status in (409, 422) else 422)
    return redirect("/tenant/placements", request, message)


@router.post("/tenant/placements/{placement_id:int}/accept", name="tenant_placement_accept")
def accept_placement(request: Request, session: SessionDep, placement_id: int,
                     user: User = TENANT) -> Response:
    """I accept: placed once the eligibility check (第三十二条) passes now."""
    return _answer(request, session, user, placement_id, "accept", leases.accept_invitation,
                   "已确认入住：资格审查通过，入住信息已登记")


@router.post("/tenant/placements/{placement_id:int}/decline", name="tenant_placement_decline")
def decline_placement(request: Request, session: SessionDep, placement_id: int,
                      user: User = TENANT) -> Response:
    """I decline: nothing is placed."""
    return _answer(request, session, user, placement_id, "decline", leases.decline_invitation,
                   "已谢绝入住邀请")


# ---- the housing-fund check (第二十二条) ----------------------------------------------------------

@router.get("/tenant/housing-fund", name="tenant_fund")
def housing_fund(request: Request, session: SessionDep, contribution_months: str | None = None,
                 continuous: str = "", spouse_owns_home: str = "", user: User = TENANT) -> Response:
    f = FormState({"contribution_months": contribution_months or "", "continuous": continuous,
                   "spouse_owns_home": spouse_owns_home})
    result = None
    if contribution_months is not None:
        months = contribution_months.strip()
        if not months.isdigit() or int(months) > 600:
            f.add("contribution_months", "请填写 0 到 600 之间的整数")
            f.detail = "请更正下列标出的内容"
        else:
            result = views.fund_check_view(flows.housing_fund_check(
                session, user, int(months), continuous == "true", spouse_owns_home == "true"))
    return render(request, "tenant/fund.html", {"f": f, "result": result},
                  status_code=422 if f.invalid else 200)
