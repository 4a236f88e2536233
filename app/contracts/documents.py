"""The signed contract and the 租赁备案证明 as A4 PDFs (reportlab, the CJK font and QR code of
:mod:`app.core.documents`).

The contract: the rendered clauses (``# `` title, ``## `` clause headings), the document's
SHA-256, both signature blocks with their times, "第 N 页 共 M 页" on every page, and a QR code
to the public check. The proof: one page, its purpose, validity, verification code and QR.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.config import get_settings
from app.core.documents.fonts import cjk_font_name
from app.core.documents.qr import QrFlowable

MARGIN = 20 * mm
QR_SIZE = 28 * mm


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK",
                          alignment=TA_JUSTIFY)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=4 * mm),
        "heading": ParagraphStyle("heading", parent=body, fontSize=11.5, leading=18,
                                  spaceBefore=3 * mm, spaceAfter=1 * mm),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def local_time(at: datetime | None) -> str:
    if at is None:
        return "（未签署）"
    return at.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y年%m月%d日 %H:%M:%S")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _NumberedCanvas(Canvas):
    """Holds the pages until the end so each can say "第 N 页 共 M 页"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for n, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(cjk_font_name(), 9)
            self.drawCentredString(A4[0] / 2, 10 * mm, f"第 {n} 页 共 {total} 页")
            super().showPage()
        super().save()


def _build(story: list[Flowable], *, title: str, subject: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=15 * mm, bottomMargin=18 * mm, title=title, author="保租通",
                            subject=subject, creator="保租通", lang="zh-CN")
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _lines(body: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("## "):
            story.append(_p(line[3:], styles["heading"]))
        elif line.startswith("# "):
            story.append(_p(line[2:], styles["title"]))
        else:
            story.append(_p(line, styles["body"]))
    return story


def render_contract_pdf(view: dict[str, Any], *, operator: str, tenant: str) -> bytes:
    """The contract (or supplement) ``view`` (``ContractRead``) as a PDF."""
    styles = _styles()
    story = _lines(view["body"], styles)
    width = A4[0] - 2 * MARGIN
    blocks = Table([
        [_p(f"承租方（签署）：{tenant}", styles["body"]),
         _p(f"运营管理单位（签署）：{operator}", styles["body"])],
        [_p(f"签署人：{view['tenant_signer'] or '（未签署）'}", styles["body"]),
         _p(f"签署人：{view['operator_signer'] or '（未签署）'}", styles["body"])],
        [_p(f"签署时间：{local_time(view['tenant_signed_at'])}", styles["body"]),
         _p(f"签署时间：{local_time(view['operator_signed_at'])}", styles["body"])],
    ], colWidths=[width / 2, width / 2])
    blocks.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    check = Table([[QrFlowable(view["verify_url"], QR_SIZE), [
        _p(f"合同状态：{view['status_label']}", styles["small"]),
        _p(f"文本 SHA-256：{view['document_sha256']}", styles["small"]),
        _p("扫码核验合同真伪及文本摘要：", styles["small"]),
        _p(view["verify_url"], styles["small"]),
    ]]], colWidths=[QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm])
    check.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story.append(KeepTogether([Spacer(0, 6 * mm), blocks, Spacer(0, 4 * mm), check]))
    return _build(story, title=f"{view['kind_label']}（{view['number']}）", subject=view["lease_number"])


def render_proof_pdf(proof: dict[str, Any], facts: dict[str, Any]) -> bytes:
    """租赁备案证明 (第二十三条): one page."""
    styles = _styles()
    rows = [("核验码", proof["code"]), ("用途", proof["purpose_label"]),
            ("承租人", facts["holder_full"]), ("房屋", f"{facts['project_name']} {facts['building']} "
                                               f"{facts['unit_number']} 室（{facts['address']}）"),
            ("租赁期限", f"{chinese_date(facts['lease_start_on'])} 至 "
                         f"{chinese_date(facts['lease_ends_on'])}"),
            ("租赁合同", f"{proof['contract_number']}（备案号 {proof['lease_number']}）"),
            ("有效期", f"{chinese_date(proof['issued_on'])} 至 {chinese_date(proof['valid_until'])}")]
    width = A4[0] - 2 * MARGIN
    table = Table([[_p(k, styles["body"]), _p(v, styles["body"])] for k, v in rows],
                  colWidths=[28 * mm, width - 28 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story: list[Flowable] = [
        _p("景德镇市保障性租赁住房租赁备案证明", styles["title"]),
        _p(f"兹证明下列承租人通过保租通（景德镇市保障性租赁住房租赁平台）签订的租赁合同已备案，现正在履行。"
           f"本证明仅用于{proof['purpose_label']}（《景德镇市中心城区保障性租赁住房建设和管理实施办法》"
           "第二十三条），在有效期内经扫码或输入核验码核验有效的方为有效。", styles["body"]),
        Spacer(0, 4 * mm), table, Spacer(0, 6 * mm),
        Table([[QrFlowable(proof["verify_url"], QR_SIZE),
                [_p("扫码核验本证明：", styles["small"]), _p(proof["verify_url"], styles["small"]),
                 _p(f"出具日期：{chinese_date(proof['issued_on'])}　出具平台：保租通", styles["small"])]]],
              colWidths=[QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm]),
    ]
    return _build(story, title=f"租赁备案证明（{proof['code']}）", subject=proof["purpose_label"])
