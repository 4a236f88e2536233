"""The statistics reports the city sends up: monthly and quarterly, per district.

Three tables — plan progress (第六条), the fund ledger (第十一、十二、十三、四十四条), leasing figures
(applications, approvals, leases signed, occupancy, average rent vs cap, transitions, violations,
exits) — written to an XLSX workbook (formatted headers, frozen panes, totals as computed numbers,
text cells through :mod:`app.core.spreadsheets`) and a PDF summary with charts (reportlab graphics,
Chinese set in ``app.core.documents.fonts.cjk_font_name``). Both files are stored under
``BAOZU_MEDIA_DIR`` the way :mod:`app.upkeep.media` stores files (staged, moved into place with the
transaction, removed if it rolls back) with their SHA-256 in the row; regenerating a period makes
version n+1. Downloads are audited before the bytes leave (:func:`download`).
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from app.audit.service import SYSTEM, Actor, record
from app.core import clock
from app.core.config import get_settings
from app.core.documents.fonts import cjk_font_name
from app.core.errors import InvalidInput
from app.core.spreadsheets import xlsx_row
from app.planning import progress, repository
from app.planning.enums import PeriodKind
from app.planning.models import StatisticsReport
from app.upkeep import media
from rules.art11_13_funds import SOURCE_LABELS, EntryKind, FundSource, FundTotals

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOLDER = "reports"
TABLE_WIDTH = A4[0] - 30 * mm  # the PDF's tables fill the width between the margins
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TOTAL_FONT = Font(bold=True)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.month:
            return f"{self.start.year} 年 {self.start.month} 月"
        return f"{self.start.year} 年第 {(self.start.month - 1) // 3 + 1} 季度"


def period(kind: PeriodKind | str, year: int, number: int) -> Period:
    kind = PeriodKind(kind)
    if kind == PeriodKind.month:
        if not 1 <= number <= 12:
            raise InvalidInput("月份须为 1–12", field="number")
        first, last = number, number
    else:
        if not 1 <= number <= 4:
            raise InvalidInput("季度须为 1–4", field="number")
        first, last = 3 * number - 2, 3 * number
    return Period(kind, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


def previous_period(kind: PeriodKind, today: date) -> Period:
    """The last whole month or quarter before ``today``."""
    if kind == PeriodKind.month:
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return period(kind, year, month)
    quarter = (today.month - 1) // 3
    return period(kind, today.year, quarter) if quarter else period(kind, today.year - 1, 4)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(get_settings().timezone)).astimezone(UTC)


# ---- the figures ------------------------------------------------------------------------------

DISTRICT_ORDER = ("珠山区", "昌江区", "高新区", "昌南新区")


def _districts(*maps: dict[str, Any]) -> list[str]:
    seen = {d for m in maps for d in m}
    return [d for d in DISTRICT_ORDER if d in seen] + sorted(seen - set(DISTRICT_ORDER))


def figures(session: Session, p: Period) -> dict[str, Any]:
    """Everything the report shows, as plain values (also what the tests read back)."""
    plans = repository.published_annual_plans(session, p.start.year)
    rows = [row for plan in plans for row in progress.plan_progress(session, plan, p.end)["lines"]]
    plan_by_district = progress.by_district(rows)
    funds = repository.all_funds(session)
    totals = repository.totals_by_fund(session, p.end)
    movements = repository.totals_by_district(session, p.start, p.end)
    leasing = repository.leasing_figures(session, p.start, p.end, _instant(p.start),
                                         _instant(p.end + timedelta(days=1)))
    return {"period": p, "plans": [plan.title for plan in plans], "progress": plan_by_district,
            "funds": [(f, totals.get(f.id)) for f in funds], "movements": movements, "leasing": leasing}


def _pct(part: Any, whole: Any) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def _fen(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


PROGRESS_HEADERS = ["区域", "目标套数", "目标面积(m²)", "认定套数", "认定面积(m²)", "开工套数", "竣工套数",
                    "房源发布套数", "出租套数", "认定完成率", "出租面积(m²)"]
FUND_HEADERS = ["文号", "资金名称", "来源（第十一条）", "年度", "到账日期", "到账(元)", "已分配(元)",
                "已拨付(元)", "应退回(元)", "已退回(元)", "余额(元)"]
MOVEMENT_HEADERS = ["区域", "本期分配(元)", "本期拨付(元)", "本期应退回(元)", "本期退回(元)"]
LEASING_HEADERS = ["区域", "配租申请", "审核通过", "签约", "在租套数", "已发布套数", "出租率",
                   "平均月租金(元)",
                   "平均租金上限(元)", "租金/上限", "进入过渡期", "违约记录", "退租", "项目退出"]


def progress_rows(data: dict[str, Any]) -> tuple[list[list[Any]], list[Any]]:
    rows = []
    for d in _districts(data["progress"]):
        v = data["progress"][d]
        rows.append([d, v["target_units"], float(v["target_area_m2"]), v["certified_units"],
                     float(v["certified_area"]), v["started_units"], v["completed_units"],
                     v["published_units"], v["let_units"], _pct(v["certified_units"], v["target_units"]),
                     float(v["let_area"])])
    total = ["合计"] + [sum(r[i] for r in rows) for i in range(1, 9)]
    total += [_pct(total[3], total[1]), sum(r[10] for r in rows)]
    return rows, total


def fund_rows(data: dict[str, Any]) -> tuple[list[list[Any]], list[Any]]:
    rows = []
    for f, t in data["funds"]:
        if f.received_on > data["period"].end:
            continue
        t = t or FundTotals()
        rows.append([f.document_no, f.title, SOURCE_LABELS[FundSource(f.source)], f.year, f.received_on,
                     float(_fen(t.received)), float(_fen(t.allocated)), float(_fen(t.paid)),
                     float(_fen(t.refund_due)), float(_fen(t.refunded)), float(_fen(t.balance))])
    total = ["合计", "", "", "", ""] + [round(sum(r[i] for r in rows), 2) for i in range(5, 11)]
    return rows, total


def movement_rows(data: dict[str, Any]) -> tuple[list[list[Any]], list[Any]]:
    kinds = (EntryKind.allocation, EntryKind.payment, EntryKind.refund_due, EntryKind.refund_received)
    rows = [[d] + [float(_fen(data["movements"][d].get(k, 0))) for k in kinds]
            for d in _districts(data["movements"])]
    return rows, ["合计"] + [round(sum(r[i] for r in rows), 2) for i in range(1, 5)]


def leasing_rows(data: dict[str, Any]) -> tuple[list[list[Any]], list[Any]]:
    rows = []
    for d in _districts(data["leasing"]):
        v = data["leasing"][d]
        let, published = v.get("let_units", 0), v.get("published_units", 0)
        rent, cap = v.get("average_rent"), v.get("average_cap")
        rows.append([d, v.get("applications", 0), v.get("approvals", 0), v.get("leases_signed", 0), let,
                     published,
                     _pct(let, published), round(float(rent), 2) if rent is not None else None,
                     round(float(cap), 2) if cap is not None else None,
                     _pct(rent, cap) if rent is not None else None, v.get("transitions", 0),
                     v.get("violations", 0), v.get("exits", 0), v.get("project_exits", 0)])
    total: list[Any] = ["合计"] + [sum(r[i] for r in rows) for i in range(1, 6)]
    total += [_pct(total[4], total[5]), None, None, None] + [sum(r[i] for r in rows) for i in range(10, 14)]
    return rows, total


# ---- XLSX ---------------------------------------------------------------------------------------

def _sheet(book: Workbook, title: str, caption: str, headers: list[str], rows: list[list[Any]],
           total: list[Any], percent_columns: tuple[int, ...] = ()) -> None:
    sheet = book.create_sheet(title)
    sheet.append(xlsx_row(sheet, [caption]))
    header = xlsx_row(sheet, headers)
    for cell in header:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append(header)
    for row in [*rows, total]:
        cells = xlsx_row(sheet, row)
        sheet.append(cells)
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            if cell.column - 1 in percent_columns and isinstance(cell.value, float):
                cell.number_format = "0.0%"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for cell in sheet[sheet.max_row]:
        cell.font = TOTAL_FONT
    for n, _ in enumerate(headers, 1):
        sheet.column_dimensions[sheet.cell(2, n).column_letter].width = 14
    sheet.freeze_panes = "B3"


def render_xlsx(data: dict[str, Any]) -> bytes:
    p: Period = data["period"]
    book = Workbook()
    book.remove(book.active)
    caption = (f"景德镇市中心城区保障性租赁住房统计报表 · {p.label}"
               f"（{p.start.isoformat()} 至 {p.end.isoformat()}）")
    _sheet(book, "计划进度", caption + " · 年度建设计划完成情况（第六条）", PROGRESS_HEADERS,
           *progress_rows(data), percent_columns=(9,))
    _sheet(book, "资金台账", caption + " · 截至期末（第十一、十二、十三、四十四条）", FUND_HEADERS,
           *fund_rows(data))
    _sheet(book, "本期资金", caption + " · 本期资金变动（按项目所在区域）", MOVEMENT_HEADERS,
           *movement_rows(data))
    _sheet(book, "租赁情况", caption + " · 租赁情况", LEASING_HEADERS, *leasing_rows(data),
           percent_columns=(6, 9))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- PDF ----------------------------------------------------------------------------------------

def _bar_chart(font: str, title: str, categories: list[str], series: list[tuple[str, list[float]]],
               width: float = 170 * mm, height: float = 70 * mm) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=font, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 55, 30, width - 165, height - 50  # room for 8 digits
    chart.data = [values or [0] for _, values in series] if categories else [[0]]
    chart.categoryAxis.categoryNames = categories or ["—"]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    palette = [colors.HexColor("#1F4E79"), colors.HexColor("#2E86C1"), colors.HexColor("#F39C12"),
               colors.HexColor("#27AE60"), colors.HexColor("#8E44AD")]
    for n in range(len(series)):
        chart.bars[n].fillColor = palette[n % len(palette)]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 100, height - 20
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [(palette[n % len(palette)], name) for n, (name, _) in enumerate(series)]
    drawing.add(legend)
    return drawing


def _table(font: str, headers: list[str], rows: list[list[Any]], percent: tuple[int, ...] = ()) -> Table:
    style = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")

    def show(n: int, v: Any) -> Any:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.1%}" if n in percent else f"{v:,.2f}"
        return Paragraph(escape(str(v)), style)

    table = Table([[Paragraph(escape(h), style) for h in headers]]
                  + [[show(n, v) for n, v in enumerate(r)] for r in rows], repeatRows=1,
                  colWidths=[TABLE_WIDTH / len(headers)] * len(headers))
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7),
                               ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D6E4F0"))]))
    return table


def render_pdf(data: dict[str, Any]) -> bytes:
    font = cjk_font_name()
    p: Period = data["period"]
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    prog, prog_total = progress_rows(data)
    funds, fund_total = fund_rows(data)
    leasing, leasing_total = leasing_rows(data)
    story: list[Any] = [
        Paragraph(escape(f"保障性租赁住房统计报表（{p.label}）"), title),
        Paragraph(escape(f"统计期间：{p.start.isoformat()} 至 {p.end.isoformat()}；"
                         f"计入的年度建设计划：{'、'.join(data['plans']) or '无已发布计划'}"), body),
        Spacer(0, 4 * mm),
        Paragraph(escape(f"一、年度建设计划完成情况（第六条）：目标 {prog_total[1]} 套，"
                         f"已认定 {prog_total[3]} 套，"
                         f"开工 {prog_total[5]} 套，竣工 {prog_total[6]} 套，房源发布 {prog_total[7]} 套，"
                         f"出租 {prog_total[8]} 套。"), body),
        _bar_chart(font, "计划与实际（套）", [r[0] for r in prog],
                   [("目标", [r[1] for r in prog]), ("认定", [r[3] for r in prog]),
                    ("房源发布", [r[7] for r in prog]), ("出租", [r[8] for r in prog])]),
        _table(font, PROGRESS_HEADERS, [*prog, prog_total], (9,)),
        Spacer(0, 4 * mm),
        Paragraph(escape(f"二、补助资金（第十一、十二、十三、四十四条）：到账 {fund_total[5]:,.2f} 元，"
                         f"已拨付 {fund_total[7]:,.2f} 元，已退回 {fund_total[9]:,.2f} 元，"
                         f"余额 {fund_total[10]:,.2f} 元。"), body),
        _bar_chart(font, "各项资金余额（元）", [r[0] for r in funds],
                   [("到账", [r[5] for r in funds]), ("已拨付", [r[7] for r in funds]),
                    ("余额", [r[10] for r in funds])]),
        _table(font, FUND_HEADERS, [*funds, fund_total]),
        Spacer(0, 4 * mm),
        Paragraph(escape(f"三、租赁情况：配租申请 {leasing_total[1]} 件，审核通过 {leasing_total[2]} 件，"
                         f"签约 {leasing_total[3]} 份，在租 {leasing_total[4]} 套。"), body),
        _table(font, LEASING_HEADERS, [*leasing, leasing_total], (6, 9)),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"保障性租赁住房统计报表 {p.label}", author="市保租办",
                      leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm).build(story)
    return buffer.getvalue()


# ---- stored, versioned, downloaded --------------------------------------------------------------

def generate(session: Session, actor: Actor, p: Period, user_id: int | None = None) -> StatisticsReport:
    """Compute, render, store both files and the row (version n+1), audit; one transaction."""
    data = figures(session, p)
    xlsx, pdf = render_xlsx(data), render_pdf(data)
    files = [media.Processed(xlsx, XLSX_TYPE, ".xlsx", hashlib.sha256(xlsx).hexdigest()),
             media.Processed(pdf, media.PDF_TYPE, ".pdf", hashlib.sha256(pdf).hexdigest())]
    staged: list[media.Staged] = []
    try:
        for item in files:
            staged.append(media.stage(item, FOLDER))
        version = repository.report_version(session, p.kind, p.start) + 1
        report = StatisticsReport(period_kind=p.kind.value, period_start=p.start, period_end=p.end,
                                  version=version, xlsx_path=staged[0].path, xlsx_sha256=files[0].sha256,
                                  pdf_path=staged[1].path, pdf_sha256=files[1].sha256,
                                  generated_by_id=user_id)
        session.add(report)
        session.flush()
    except BaseException:
        media.discard(staged)
        raise
    media.place(session, staged)
    record(session, actor=actor, action="report.generate", entity_type="statistics_report",
           entity_id=report.id, summary={"period": p.label, "version": version,
                                         "xlsx_sha256": files[0].sha256, "pdf_sha256": files[1].sha256})
    return report


def download(session: Session, actor: Actor, report_id: int, fmt: str) -> tuple[bytes, str, str]:
    """The file's bytes (checked against the stored hash), its type and name; audited first."""
    report = repository.report(session, report_id)
    path, digest, kind = ((report.xlsx_path, report.xlsx_sha256, XLSX_TYPE) if fmt == "xlsx"
                          else (report.pdf_path, report.pdf_sha256, media.PDF_TYPE))
    data = media.read(path)
    if hashlib.sha256(data).hexdigest() != digest:
        raise InvalidInput("报表文件与登记的校验值不符，请重新生成")
    record(session, actor=actor, action="report.download", entity_type="statistics_report",
           entity_id=report.id, summary={"format": fmt, "sha256": digest})
    name = f"statistics-{report.period_kind}-{report.period_start.isoformat()}-v{report.version}.{fmt}"
    return data, kind, name


def run_job(session: Session, occurrence: datetime) -> int:
    """The monthly report of the month before ``occurrence``, and the quarterly one after a quarter."""
    today = occurrence.date() if isinstance(occurrence, datetime) else clock.today()
    made = [generate(session, SYSTEM, previous_period(PeriodKind.month, today))]
    if today.month in (1, 4, 7, 10):
        made.append(generate(session, SYSTEM, previous_period(PeriodKind.quarter, today)))
    return len(made)
