"""The certificate (附件3) and the non-conformity notice (第二十四条) as A4 PDFs (reportlab platypus)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.documents.fonts import cjk_font_name, has_glyph
from app.core.documents.models import CertificateDocument, NoticeDocument
from app.core.documents.qr import QrFlowable

CERTIFICATE_TITLE = "景德镇市保障性租赁住房项目认定书"
NOTICE_TITLE = "不符合保障性租赁住房项目通知书"
REGULATION = "《景德镇市中心城区保障性租赁住房建设和管理实施办法》（景府办发〔2022〕3号）"
OPENING = ("根据《国务院办公厅关于加快发展保障性租赁住房的意见》（国办发〔2021〕22号）和省、市保障性租赁住房"
           "有关规定，现认定{project}为保障性租赁住房，具体信息如下：")
BENEFITS = ("凭此认定书，有关部门单位给予办理立项、用地、规划、人防、施工、消防等手续，落实相关税收优惠政策，"
            "免收城市基础设施配套费等，执行民用水电气价格，纳入资金补助和金融支持申请范围等。")
QR_SIZE = 30 * mm
MARGIN = 20 * mm  # left and right; top and bottom are tighter so a certificate fits one page
VERTICAL_MARGIN = 15 * mm
RED = colors.HexColor("#c00000")


# ---- formatting ---------------------------------------------------------------------------

def chinese_date(day: date) -> str:
    """2026年11月29日."""
    return f"{day.year}年{day.month}月{day.day}日"


def decimal_text(value: Decimal, places: int = 2) -> str:
    """Thousands separators, fixed places, rounded half up: 12,345.60."""
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


def area_text(value: Decimal) -> str:
    """12,345.60 m² — or 平方米 should the font in use lack the ² glyph (never a ``m�``)."""
    return f"{decimal_text(value)} {'m²' if has_glyph('²') else '平方米'}"


def investment_text(yuan: Decimal) -> str:
    """In 亿元 as annex 3 asks, with the exact amount: 0.3500 亿元（35,000,000.00 元）."""
    return f"{decimal_text(yuan / Decimal(100_000_000), 4)} 亿元（{decimal_text(yuan)} 元）"


def project_phrase(name: str) -> str:
    """The name followed by 项目 unless it already ends so: 人才公寓 → 人才公寓项目."""
    return name if name.endswith("项目") else f"{name}项目"


def chinese_ordinal(n: int) -> str:
    """一, 二, … 十, 十一, … 九十九 (for numbered items)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


# ---- styles -------------------------------------------------------------------------------

def _styles(scale: float = 1.0) -> dict[str, ParagraphStyle]:
    """The text styles, every size multiplied by ``scale`` (a certificate shrinks to one page)."""
    font = cjk_font_name()

    def z(value: float) -> float:
        return round(value * scale, 2)

    body = ParagraphStyle("body", fontName=font, fontSize=z(11), leading=z(16), wordWrap="CJK",
                          alignment=TA_JUSTIFY)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=z(20), leading=z(28),
                                alignment=TA_CENTER, spaceAfter=z(2 * mm)),
        "number": ParagraphStyle("number", parent=body, alignment=TA_CENTER, spaceAfter=z(4 * mm)),
        "body": body,
        "indent": ParagraphStyle("indent", parent=body, firstLineIndent=z(22), spaceBefore=z(2 * mm)),
        "item": ParagraphStyle("item", parent=body, leftIndent=z(22), firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=z(10), leading=z(14), alignment=TA_LEFT),
        "label": ParagraphStyle("label", parent=body, fontSize=z(10), leading=z(14),
                                alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "caption": ParagraphStyle("caption", parent=body, fontSize=z(8), leading=z(11),
                                  alignment=TA_LEFT),
        "revoked": ParagraphStyle("revoked", parent=body, textColor=RED, spaceAfter=z(2 * mm)),
    }


# A certificate is one A4 page (annex 3 is one sheet): when its text does not fit at full size,
# it is set again at these scales, largest first; the last is used whatever its length.
CERTIFICATE_SCALES = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names and reasons may contain ``&`` or ``<``)."""
    return Paragraph(escape(text), style)


# ---- shared blocks ------------------------------------------------------------------------

def _signature_block(styles: dict[str, ParagraphStyle], *, issuer: str, issued_on: date,
                     verify_url: str, caption: str, scale: float = 1.0) -> Flowable:
    """QR code with its caption and URL on the left; issuer and date on the right."""
    width = A4[0] - 2 * MARGIN
    note_width = 45 * mm
    qr = QR_SIZE * max(scale, 0.8)  # the code stays large enough to scan
    note = [_p(caption, styles["caption"]), _p(verify_url, styles["caption"])]
    signature = [Spacer(0, qr / 2 - 8 * mm * scale), _p(issuer, styles["right"]),
                 _p(chinese_date(issued_on), styles["right"])]
    table = Table([[QrFlowable(verify_url, qr), note, signature]],
                  colWidths=[qr, note_width, width - qr - note_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("VALIGN", (2, 0), (2, 0), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return KeepTogether([Spacer(0, 5 * mm * scale), table])


def _build(flowables: Sequence[Flowable], *, title: str, author: str, subject: str,
           over_page: Callable[[Canvas, BaseDocTemplate], None] | None = None) -> bytes:
    """Lay out A4 pages; ``over_page`` draws on top of each finished page (the revocation stamp)."""
    return _build_counted(flowables, title=title, author=author, subject=subject,
                          over_page=over_page)[0]


def _build_counted(flowables: Sequence[Flowable], *, title: str, author: str, subject: str,
                   over_page: Callable[[Canvas, BaseDocTemplate], None] | None = None
                   ) -> tuple[bytes, int]:
    """:func:`_build` and the number of pages it made."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=VERTICAL_MARGIN, bottomMargin=VERTICAL_MARGIN, title=title,
                          author=author, subject=subject, creator="保租通", lang="zh-CN",
                          displayDocTitle=True)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template = PageTemplate(id="page", frames=[frame])
    if over_page is not None:
        template.onPageEnd = over_page
    doc.addPageTemplates([template])
    doc.build(list(flowables))
    return buffer.getvalue(), doc.page


# ---- certificate --------------------------------------------------------------------------

def _certificate_table(doc: CertificateDocument, styles: dict[str, ParagraphStyle]) -> Table:
    """The annex-3 grid: label | value | label | value, single-value rows spanning three cells."""

    def label(text: str) -> Paragraph:
        return _p(text, styles["label"])

    def value(text: str) -> Paragraph:
        return _p(text, styles["cell"])

    wide = [("项目名称", doc.project_name), ("项目地址", doc.address)]
    rows: list[list[Paragraph | str]] = [[label(k), value(v), "", ""] for k, v in wide]
    pairs = [
        ("建设单位名称", doc.construction_unit_name, "运营单位名称", doc.operator_unit_name),
        ("统一社会信用代码", doc.construction_unit_uscc, "统一社会信用代码", doc.operator_unit_uscc),
        ("土地性质", doc.land_nature, "土地面积", area_text(doc.land_area_m2)),
        ("项目总建筑面积", area_text(doc.total_floor_area_m2),
         "项目总投资", investment_text(doc.total_investment_yuan)),
    ]
    rows += [[label(a), value(b), label(c), value(d)] for a, b, c, d in pairs]
    rows.append([label("建设方式"), value(doc.construction_method), "", ""])
    pairs = [
        ("开工（预计）时间", doc.planned_start, "投入使用（预计）时间", doc.planned_in_use),
        ("保障性租赁住房建筑面积", area_text(doc.affordable_floor_area_m2),
         "保障性租赁住房套（间）数", f"{doc.unit_count:,} 套（间）"),
        ("配套设施建筑面积", area_text(doc.supporting_facilities_area_m2),
         "配套设施主要内容", doc.supporting_facilities_content),
    ]
    rows += [[label(a), value(b), label(c), value(d)] for a, b, c, d in pairs]
    rows.append([label("租金要求"), value(doc.rent_requirement), "", ""])

    spans = [row for row, cells in enumerate(rows) if cells[2] == ""]
    width = A4[0] - 2 * MARGIN
    table = Table(rows, colWidths=[0.2 * width, 0.3 * width, 0.2 * width, 0.3 * width])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *[("BACKGROUND", (2, row), (2, row), colors.HexColor("#f2f2f2"))
          for row in range(len(rows)) if row not in spans],
        *[("SPAN", (1, row), (3, row)) for row in spans],
    ]))
    return table


# A certificate no longer in force: (stamp, verb) for its status.
INACTIVE = {"revoked": ("已撤销", "撤销"), "exited": ("已退出", "经批准退出保障性租赁住房序列")}


def _stamp(text: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        _revoked_stamp(canvas, doc, text)
    return draw


def _revoked_stamp(canvas: Canvas, _doc: BaseDocTemplate, text: str = "已撤销") -> None:
    """A red, rotated, translucent stamp (已撤销, 已退出) over the upper half of the page."""
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.55)
    canvas.setStrokeAlpha(0.55)
    canvas.translate(A4[0] / 2 + 35 * mm, A4[1] - 95 * mm)
    canvas.rotate(15)
    canvas.setLineWidth(3)
    canvas.roundRect(-42 * mm, -13 * mm, 84 * mm, 28 * mm, 4 * mm, stroke=1, fill=0)
    canvas.setFont(cjk_font_name(), 48)
    canvas.drawCentredString(0, -6 * mm, text)
    canvas.restoreState()


def render_certificate_pdf(doc: CertificateDocument) -> bytes:
    """景德镇市保障性租赁住房项目认定书 (附件3) on one A4 page; one no longer in force carries a
    red mark (已撤销, or 已退出 after an approved exit) with the date and the reason."""
    pdf = b""
    for scale in CERTIFICATE_SCALES:
        pdf, pages = _certificate_at(doc, scale)
        if pages == 1:
            break
    return pdf


def _certificate_at(doc: CertificateDocument, scale: float) -> tuple[bytes, int]:
    styles = _styles(scale)
    inactive = INACTIVE.get(doc.status)
    story: list[Flowable] = [_p(CERTIFICATE_TITLE, styles["title"]),
                             _p(f"证书编号：{doc.number}", styles["number"])]
    if inactive:
        stamp, verb = inactive
        when = f"于{chinese_date(doc.revoked_on)}" if doc.revoked_on else ""
        reason = doc.revoked_reason or "未说明"
        story.append(_p(f"【{stamp}】本认定书已{when}{verb}，不再有效。原因：{reason}", styles["revoked"]))
    story += [
        _p(f"{doc.addressee}：", styles["body"]),
        _p(OPENING.format(project=project_phrase(doc.project_name)), styles["indent"]),
        Spacer(0, 3 * mm),
        _certificate_table(doc, styles),
        _p(BENEFITS, styles["indent"]),
    ]
    if doc.benefits:
        story.append(_p("本项目适用的支持政策：", styles["indent"]))
        story += [_p(f"{chinese_ordinal(n)}、{text}", styles["item"])
                  for n, text in enumerate(doc.benefits, start=1)]
    story.append(_signature_block(styles, issuer=doc.issuer, issued_on=doc.issued_on,
                                  verify_url=doc.verify_url, caption="扫码核验证书真伪", scale=scale))
    return _build_counted(story, title=f"{CERTIFICATE_TITLE}（{doc.number}）", author=doc.issuer,
                          subject=doc.project_name,
                          over_page=_stamp(inactive[0]) if inactive else None)


# ---- notice -------------------------------------------------------------------------------

def render_notice_pdf(doc: NoticeDocument) -> bytes:
    """不符合保障性租赁住房项目通知书 (第二十四条第3项): the stage, numbered reasons with articles."""
    styles = _styles()
    story: list[Flowable] = [
        _p(NOTICE_TITLE, styles["title"]),
        _p(doc.number, styles["number"]),
        _p(f"{doc.addressee}：", styles["body"]),
        _p(f"你单位申报的{project_phrase(doc.project_name)}在{doc.stage}环节未获通过，不符合保障性租赁住房项目"
           f"认定条件。根据{REGULATION}第二十四条的规定，现将有关情况通知如下：", styles["indent"]),
    ]
    story += [_p(f"{chinese_ordinal(n)}、{reason.message}（依据：{reason.article}）", styles["indent"])
              for n, reason in enumerate(doc.reasons, start=1)]
    if doc.comment:
        story.append(_p(f"审查意见：{doc.comment}", styles["indent"]))
    story.append(_p("特此通知。", styles["indent"]))
    story.append(_signature_block(styles, issuer=doc.issuer, issued_on=doc.issued_on,
                                  verify_url=doc.verify_url, caption="扫码核验通知书真伪"))
    return _build(story, title=f"{NOTICE_TITLE}（{doc.number}）", author=doc.issuer,
                  subject=doc.project_name)
