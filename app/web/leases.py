"""Lease pages: the list (my project's, my own, my employer's), one lease with its QR code,
signing a lease for an approved application (operator), reporting a home acquired (tenant)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app import clock
from app.auth.deps import SessionDep
from app.auth.models import User
from app.auth.roles import Role
from app.documents.qr import qr_svg
from app.errors import ProblemError
from app.leases import service as leases
from app.leases.schemas import HomeAcquiredIn, LeaseIn
from app.projects import rents, service, units
from app.tenants import applications
from app.web.core import Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, optional
from app.web.public import lease_url
from rules.dates import add_months

router = page_router()
LEASE_READERS = (Role.developer, Role.tenant, Role.employer, Role.office, Role.auditor, Role.admin)
PAGE = 50
HOW = [("purchase", "购买"), ("gift", "获赠"), ("inheritance", "继承"), ("other", "其他")]


@router.get("/leases", name="lease_list")
def lease_list(request: Request, session: SessionDep, cursor: int | None = None,
               user: User = require(*LEASE_READERS)) -> Response:
    found = leases.list_for(session, user, cursor=cursor, limit=PAGE)
    waiting = ([applications.application_view(session, a)
                for a in applications.listing(session, user, "approved", None)]
               if user.role == Role.developer else [])
    return render(request, "leases/list.html", {
        "leases": leases.lease_views(session, found), "waiting": waiting,
        "next_cursor": found[-1].id if len(found) == PAGE else None})


# ---- signing (the operator) ------------------------------------------------------------------

def _sign_page(request: Request, session: Any, user: User, f: FormState,
               status_code: int = 200) -> Response:
    approved = [applications.application_view(session, a)
                for a in applications.listing(session, user, "approved", None)]
    chosen, unit_options = None, []
    application_id = f.value("application_id")
    if str(application_id).isdigit():
        found = applications.get(session, user, int(application_id))
        chosen = applications.application_view(session, found)
        project = service.get_project(session, user, found.project_id)
        standard = rents.in_force(session, project.id)
        for unit in units.units_page(session, project, cursor=None, limit=1000, status="published"):
            rate = rents.rate_for(standard, unit.unit_type) if standard else None
            cap = (unit.building_area_m2 * rate).quantize(Decimal("0.01")) if rate else None
            unit_options.append((unit.id, f"{unit.building} {unit.number}（{unit.building_area_m2} m²"
                                 + (f"，月租金上限 {cap} 元）" if cap else "，无备案租金）"), cap))
    return render(request, "leases/new.html", {"f": f, "approved": approved, "chosen": chosen,
                                               "unit_options": unit_options}, status_code=status_code)


@router.get("/leases/new", name="lease_new")
def sign_form(request: Request, session: SessionDep, application_id: str = "",
              user: User = require(Role.developer)) -> Response:
    start = (clock.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    end = add_months(start, 12) - timedelta(days=1)
    f = FormState({"application_id": application_id, "start_on": start.isoformat(),
                   "end_on": end.isoformat(), "prepaid_rent": "0", "deposit": "0"})
    return _sign_page(request, session, user, f)


@router.post("/leases/new", name="lease_create")
def sign(request: Request, session: SessionDep, form: Form,
         user: User = require(Role.developer)) -> Response:
    f = FormState.of(form)
    try:
        data = LeaseIn.model_validate({name: optional(form, name) for name in (
            "unit_id", "application_id", "start_on", "end_on", "monthly_rent")}
            | {name: optional(form, name) or "0" for name in ("prepaid_rent", "deposit")})
        lease = attempt(session, leases.create, session, user, data)
    except ValidationError as exc:
        return _sign_page(request, session, user, f.add_validation(exc), 422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _sign_page(request, session, user, f.add_problem(exc),
                          exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/leases/{lease.id}", request, f"已签订电子租赁合同 {lease.number}")


# ---- one lease ---------------------------------------------------------------------------------

def _lease_page(request: Request, session: Any, user: User, lease_id: int,
                f: FormState | None = None, status_code: int = 200) -> Response:
    lease = leases.get(session, user, lease_id)
    view = leases.lease_views(session, [lease])[0]
    return render(request, "leases/detail.html", {
        "lease": view, "qr": qr_svg(lease_url(view["number"])),
        "verify_path": f"/leases/{view['number']}/verify",
        "occupants": leases.occupants(session, lease) if lease.kind == "employer" else [],
        "can_report": user.role == Role.tenant and lease.tenant_id == user.id and lease.status == "active",
        "f": f or FormState(), "how": HOW}, status_code=status_code)


@router.get("/leases/{lease_id:int}", name="lease_detail")
def lease_detail(request: Request, session: SessionDep, lease_id: int,
                 user: User = require(*LEASE_READERS)) -> Response:
    return _lease_page(request, session, user, lease_id)


@router.post("/leases/{lease_id:int}/home-acquired", name="lease_home_acquired")
def home_acquired(request: Request, session: SessionDep, lease_id: int, form: Form,
                  user: User = require(Role.tenant)) -> Response:
    """第三十八条: the tenant reports a home acquired; a 12-month transition follows."""
    leases.get(session, user, lease_id)
    f = FormState.of(form)
    try:
        data = HomeAcquiredIn.model_validate({"acquired_on": optional(form, "acquired_on"),
                                              "how": optional(form, "how")})
        lease = attempt(session, leases.home_acquired, session, user, lease_id, data)
    except ValidationError as exc:
        return _lease_page(request, session, user, lease_id, f.add_validation(exc), 422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _lease_page(request, session, user, lease_id, f.add_problem(exc),
                           exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/leases/{lease_id}", request,
                    f"已登记取得住房，过渡期至 {lease.transition_ends_on}，合同于 {lease.ends_on} 终止")
