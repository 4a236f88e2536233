"""Pages for everyone: the home page, verification of certificates, leases and listings,
the public list of filed rents and the public lotteries."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from app.accounts.deps import SessionDep
from app.core.config import get_settings
from app.core.documents.qr import qr_svg
from app.core.errors import NotFound
from app.leases import repository as leases_repo
from app.leases import views as leases_views
from app.operation import repository as operation_repo
from app.operation import views as operation_views
from app.tenants import repository as tenants_repo
from app.tenants import views as tenants_views
from app.web.core import OptionalUser, page_router, redirect, render
from app.web.nav import PUBLIC, nav_for
from app.web.pager import PAGE, next_url

router = page_router()


@router.get("/", name="home")
def home(request: Request, user: OptionalUser) -> Response:
    """Sends each role to its work: the role's pages, with what each is for."""
    viewer = getattr(request.state, "viewer", None)
    return render(request, "home.html", {"work": nav_for(viewer), "public": PUBLIC})


CERTIFICATE = re.compile(r"^\d{4}-\d{4}$")
LEASE = re.compile(r"^ZL\d{10}-[0-9A-Z]{8}$", re.IGNORECASE)  # number-code, as printed on the lease
LEASE_NUMBER_ONLY = re.compile(r"^ZL\d{10}$", re.IGNORECASE)


@router.get("/verify", name="verify")
def verify(request: Request, _: OptionalUser, number: str = "") -> Response:
    """One box for every public number: certificate (YYYY-NNNN), electronic lease (ZL…) or
    listing verification code (房源核验码)."""
    value = number.strip()
    if not value:
        return render(request, "public/verify.html", {"number": ""})
    if CERTIFICATE.match(value):
        return redirect(f"/certificates/{value}")
    if LEASE.match(value):
        return redirect(f"/leases/{value.upper()}/verify")
    if LEASE_NUMBER_ONLY.match(value):
        return render(request, "public/verify.html", {
            "number": value, "error": "核验电子租赁合同须输入合同上印制的核验编号：合同编号加核验码，"
                                      "形如 ZL2026000001-7KQ3MX9P（扫描合同上的二维码也可核验）"},
            status_code=422)
    if value.startswith("景保租不符"):
        return redirect(f"/notices/{quote(value)}")
    if re.fullmatch(r"[0-9A-Za-z]{10}", value):
        return redirect(f"/listings/{value.upper()}")
    return render(request, "public/verify.html", {
        "number": value, "error": "无法识别该编号：认定书编号形如 2026-0001，电子合同核验编号形如 "
                                  "ZL2026000001-7KQ3MX9P，房源核验码为 10 位字母数字"}, status_code=422)


def lease_url(reference: str) -> str:
    """The public check of a lease: its number with its verification code (the QR target)."""
    return f"{get_settings().public_base_url.rstrip('/')}/leases/{reference}/verify"


@router.get("/leases/{number}/verify", name="lease_verify")
def verify_lease(request: Request, session: SessionDep, _: OptionalUser, number: str) -> Response:
    """第二十三条: anyone checks an electronic lease (the QR target on the tenant's lease page).
    ``number`` is the number with its verification code; without the right code the page is
    the same 404 as for an unknown number."""
    try:
        lease = leases_repo.by_reference(session, number)
    except NotFound:
        return render(request, "public/lease_verify.html", {"number": number, "lease": None},
                      status_code=404)
    found = leases_views.verify_view(session, lease)
    return render(request, "public/lease_verify.html", {
        "number": number, "lease": found, "qr": qr_svg(lease_url(leases_repo.verify_reference(lease)))})


@router.get("/listings/{code}", name="listing_verify")
def verify_listing(request: Request, session: SessionDep, _: OptionalUser, code: str) -> Response:
    try:
        found = operation_views.public_unit(operation_repo.unit_by_code(session, code))
    except NotFound:
        return render(request, "public/listing_verify.html", {"code": code, "unit": None},
                      status_code=404)
    return render(request, "public/listing_verify.html", {"code": code, "unit": found})


@router.get("/rents", name="public_rents")
def public_rents(request: Request, session: SessionDep, _: OptionalUser,
                 cursor: int | None = None) -> Response:
    """第三十七条: the filed rent standards in force, project by project (向社会公布), by
    district and name, 50 projects a page."""
    found = operation_views.public_rents(session, operation_repo.projects_with_filed_rents(
        session, cursor=cursor, limit=PAGE))
    return render(request, "public/rents.html", {
        "rents": found.items, "next_url": next_url(request, found.next_cursor)})


@router.get("/lotteries/{lottery_id:int}", name="lottery_page")
def lottery_page(request: Request, session: SessionDep, _: OptionalUser, lottery_id: int) -> Response:
    """第三十一条: the published draw — commitment and applicants before, seed and order after."""
    found = tenants_repo.lottery(session, lottery_id)
    return render(request, "public/lottery.html", {"lottery": tenants_views.lottery_view(found)})
