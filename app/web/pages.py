"""The verification pages that the QR codes on certificates and notices open."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.accounts.deps import SessionDep
from app.approval import documents
from app.core.documents.qr import qr_svg
from app.web.core import OptionalUser, page_router, render

router = page_router()


@router.get("/certificates/{number}", name="certificate_page")
def verify_certificate(request: Request, session: SessionDep, _: OptionalUser,
                       number: str) -> HTMLResponse:
    """The QR target on every certificate: shows 有效 or 已撤销."""
    found = documents.find_certificate(session, number)
    context = {"number": number, "cert": documents.certificate_view(found) if found else None,
               "qr": qr_svg(documents.certificate_url(number)) if found else ""}
    return render(request, "documents/certificate.html", context, status_code=200 if found else 404)


@router.get("/notices/{number}", name="notice_page")
def verify_notice(request: Request, session: SessionDep, _: OptionalUser,
                  number: str) -> HTMLResponse:
    """The QR target on a notice: confirms it exists, without its reasons."""
    found = documents.find_notice(session, number)
    view = documents.notice_view(found, found.project) if found else None
    return render(request, "documents/notice_verify.html", {"number": number, "notice": view},
                  status_code=200 if found else 404)
