"""Certificates (附件3) and non-conformity notices as documents: their frozen content, their
verification addresses, and what the PDF renderer takes.

Numbering and issuing are state changes (:func:`app.approval.service.next_seq`,
``issue_certificate``, ``issue_notice``); finding a document by its number is a read
(:mod:`app.approval.repository`); what a verifier sees is a presenter
(:mod:`app.approval.views`). This module holds no query and writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any
from urllib.parse import quote

from app.approval.enums import NoticeStage
from app.approval.facts import facts_of
from app.approval.models import Certificate, NonconformityNotice, Project
from app.core.config import get_settings
from app.core.documents.models import CertificateDocument, NoticeDocument, NoticeReason
from rules.art14_16_benefits import benefits, rent_requirement
from rules.project_facts import ConstructionMethod

ISSUER = "景德镇市推进保障性租赁住房工作领导小组办公室"


def _month(value: date) -> str:
    return f"{value.year}年{value.month}月"


def certificate_content(project: Project, on: date) -> dict[str, Any]:
    """Every field of 附件3, frozen as the certificate's content."""
    facts = facts_of(project)
    return {
        "addressee": project.operator_unit_name,
        "project_name": project.name, "address": project.address,
        "construction_unit_name": project.construction_unit_name,
        "construction_unit_uscc": project.construction_unit_uscc,
        "operator_unit_name": project.operator_unit_name,
        "operator_unit_uscc": project.operator_unit_uscc,
        "land_nature": project.land_nature, "land_area_m2": str(project.land_area_m2),
        "total_floor_area_m2": str(project.total_floor_area_m2),
        "total_investment_yuan": str(project.total_investment_yuan),
        "construction_method": ConstructionMethod(project.construction_method).label,
        "planned_start": _month(project.planned_start_on),
        "planned_in_use": _month(project.planned_in_use_on),
        "affordable_floor_area_m2": str(project.affordable_floor_area_m2),
        "unit_count": project.unit_count,
        "supporting_facilities_area_m2": str(project.supporting_facilities_area_m2),
        "supporting_facilities_content": project.supporting_facilities_content,
        "rent_requirement": rent_requirement(on),
        "benefits": [f"{b.title}（{b.article}）：{b.detail}" for b in benefits(facts, on) if b.applies],
        "benefit_codes": [b.code for b in benefits(facts, on) if b.applies],
    }


def certificate_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/certificates/{number}"


def notice_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/notices/{quote(number)}"


def certificate_document(certificate: Certificate) -> CertificateDocument:
    c = certificate.content
    return CertificateDocument(
        number=certificate.number, status=certificate.status, issued_on=certificate.issued_on,
        issuer=ISSUER, addressee=c["addressee"], project_name=c["project_name"],
        address=c["address"], construction_unit_name=c["construction_unit_name"],
        construction_unit_uscc=c["construction_unit_uscc"],
        operator_unit_name=c["operator_unit_name"], operator_unit_uscc=c["operator_unit_uscc"],
        land_nature=c["land_nature"], land_area_m2=Decimal(c["land_area_m2"]),
        total_floor_area_m2=Decimal(c["total_floor_area_m2"]),
        total_investment_yuan=Decimal(c["total_investment_yuan"]),
        construction_method=c["construction_method"], planned_start=c["planned_start"],
        planned_in_use=c["planned_in_use"],
        affordable_floor_area_m2=Decimal(c["affordable_floor_area_m2"]),
        unit_count=int(c["unit_count"]),
        supporting_facilities_area_m2=Decimal(c["supporting_facilities_area_m2"]),
        supporting_facilities_content=c["supporting_facilities_content"],
        rent_requirement=c["rent_requirement"], benefits=tuple(c["benefits"]),
        verify_url=certificate_url(certificate.number), revoked_on=certificate.revoked_on,
        revoked_reason=certificate.revoked_reason)


def notice_document(notice: NonconformityNotice, project: Project) -> NoticeDocument:
    return NoticeDocument(
        number=notice.number, issued_on=notice.issued_on, issuer=ISSUER,
        addressee=project.operator_unit_name, project_name=project.name,
        stage=NoticeStage(notice.stage).label,
        reasons=tuple(NoticeReason(r["article"], r["message"]) for r in notice.reasons),
        comment=notice.comment, verify_url=notice_url(notice.number))


# Names this module had before the layout of issue 13, still imported by other domains
# (app.leases.service: next_seq; app.web.pages: find_certificate, find_notice,
# certificate_view, notice_view). They resolve to their new homes; import from there.
_MOVED = {"next_seq": "app.approval.service", "find_certificate": "app.approval.repository",
          "find_notice": "app.approval.repository", "certificate_view": "app.approval.views",
          "notice_view": "app.approval.views"}
_RENAMED = {"find_certificate": "certificate_by_number", "find_notice": "notice_by_number"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        return getattr(import_module(_MOVED[name]), _RENAMED.get(name, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
