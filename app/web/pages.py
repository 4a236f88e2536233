"""Public pages: the home page and the verification pages that QR codes open."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.auth.deps import SessionDep
from app.documents.qr import qr_svg
from app.projects import documents
from app.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "home.html", {})


@router.get("/certificates/{number}", response_class=HTMLResponse)
def verify_certificate(request: Request, session: SessionDep, number: str) -> HTMLResponse:
    """The QR target on every certificate: shows 有效 or 已撤销."""
    found = documents.find_certificate(session, number)
    context = {"number": number, "cert": documents.certificate_view(found) if found else None,
               "qr": qr_svg(documents.certificate_url(number)) if found else ""}
    return templates.TemplateResponse(request, "documents/certificate.html", context,
                                      status_code=200 if found else 404)


@router.get("/notices/{number}", response_class=HTMLResponse)
def verify_notice(request: Request, session: SessionDep, number: str) -> HTMLResponse:
    """The QR target on a notice: confirms it exists, without its reasons."""
    found = documents.find_notice(session, number)
    view = documents.notice_view(found, found.project) if found else None
    return templates.TemplateResponse(request, "documents/notice_verify.html",
                                      {"number": number, "notice": view},
                                      status_code=200 if found else 404)
