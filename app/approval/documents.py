"""Certificates (附件3) and non-conformity notices: numbering, issuing, rendering.

Numbers are gap-free within a year and never reused: the yearly row of
``document_sequence`` is incremented in the issuing transaction (its row lock serialises
concurrent issuers; a rollback gives the number back). The certificate's content is frozen
at issue, so later changes to the project never alter an issued document.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from app.approval.facts import facts_of
from app.approval.models import Certificate, DocumentSequence, NonconformityNotice, Project
from app.core.config import get_settings
from app.core.documents.models import CertificateDocument, NoticeDocument, NoticeReason
from app.core.errors import Conflict
from rules.art14_16_benefits import benefits, rent_requirement
from rules.project_facts import ConstructionMethod

ISSUER = "景德镇市推进保障性租赁住房工作领导小组办公室"
STAGE_LABELS = {"meeting": "项目评审会", "leader": "市领导小组审批"}
SEQUENCE_MAX = 9999
CERTIFICATE_LABELS = {"valid": "有效", "revoked": "已撤销", "exited": "已退出保障性租赁住房序列"}


def next_seq(session: Session, kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year``, holding the sequence row until commit."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DocumentSequence).values(kind=kind, year=year, last_seq=0)
                    .on_conflict_do_nothing())
    seq = session.execute(update(DocumentSequence)
                          .where(DocumentSequence.kind == kind, DocumentSequence.year == year)
                          .values(last_seq=DocumentSequence.last_seq + 1)
                          .returning(DocumentSequence.last_seq),
                          execution_options={"synchronize_session": False}).scalar_one()
    if seq > SEQUENCE_MAX:
        raise Conflict(f"{year} 年的编号已用尽（最多 {SEQUENCE_MAX} 号）")
    return seq


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


def issue_certificate(session: Session, project: Project, *, on: date) -> Certificate:
    if project.certificate is not None:
        raise Conflict("该项目已出具认定书")
    seq = next_seq(session, "certificate", on.year)
    certificate = Certificate(number=f"{on.year}-{seq:04d}", year=on.year, seq=seq,
                              project_id=project.id, issued_on=on, status="valid",
                              content=certificate_content(project, on))
    session.add(certificate)
    session.flush()
    project.certificate = certificate
    return certificate


def issue_notice(session: Session, project: Project, *, stage: str, reasons: list[dict[str, str]],
                 comment: str, on: date) -> NonconformityNotice:
    seq = next_seq(session, "notice", on.year)
    notice = NonconformityNotice(number=f"景保租不符〔{on.year}〕{seq}号", year=on.year, seq=seq,
                                 project_id=project.id, issued_on=on, stage=stage, reasons=reasons,
                                 comment=comment)
    session.add(notice)
    session.flush()
    project.notice = notice
    return notice


def find_certificate(session: Session, number: str, *, lock: bool = False) -> Certificate | None:
    stmt = select(Certificate).where(Certificate.number == number)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_notice(session: Session, number: str) -> NonconformityNotice | None:
    return session.scalar(select(NonconformityNotice).where(NonconformityNotice.number == number)
                          .options(joinedload(NonconformityNotice.project)))


def certificate_url(number: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/certificates/{number}"


def notice_url(number: str) -> str:
    from urllib.parse import quote

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


def certificate_view(certificate: Certificate) -> dict[str, Any]:
    """What anyone may see when verifying a certificate by its number."""
    c = certificate.content
    valid = certificate.status == "valid"
    return {"number": certificate.number, "status": certificate.status,
            "status_label": CERTIFICATE_LABELS[certificate.status], "valid": valid,
            "project_name": c["project_name"], "addressee": c["addressee"], "address": c["address"],
            "unit_count": c["unit_count"], "affordable_floor_area_m2": c["affordable_floor_area_m2"],
            "issued_on": certificate.issued_on, "issuer": ISSUER,
            "revoked_on": certificate.revoked_on, "revoked_reason": certificate.revoked_reason,
            "verify_url": certificate_url(certificate.number)}


def notice_document(notice: NonconformityNotice, project: Project) -> NoticeDocument:
    return NoticeDocument(
        number=notice.number, issued_on=notice.issued_on, issuer=ISSUER,
        addressee=project.operator_unit_name, project_name=project.name,
        stage=STAGE_LABELS[notice.stage],
        reasons=tuple(NoticeReason(r["article"], r["message"]) for r in notice.reasons),
        comment=notice.comment, verify_url=notice_url(notice.number))


def notice_view(notice: NonconformityNotice, project: Project) -> dict[str, Any]:
    return {"number": notice.number, "project_id": project.id, "project_name": project.name,
            "addressee": project.operator_unit_name, "issued_on": notice.issued_on,
            "stage": notice.stage, "stage_label": STAGE_LABELS[notice.stage],
            "reasons": notice.reasons, "comment": notice.comment, "issuer": ISSUER,
            "verify_url": notice_url(notice.number)}
