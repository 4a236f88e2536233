"""Pages of the developer / operator (建设/运营单位).

The application form (附件2 with every 附件3 field and its unit types), editing a draft or
a returned application, and the steps on the project page: submit, withdraw, answer a
request for materials, record completion, upload the units (CSV), submit the listing,
propose a rent standard, record the start of operation, ask to exit.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval import materials as approval_materials
from app.approval import service
from app.approval.facts import COMMITMENT_TEXT
from app.approval.repository import get_project
from app.approval.schemas import ConstructionStartIn, ProjectIn, SubmitIn, SupplementIn, WithdrawIn
from app.approval.views import project_view
from app.core import clock, media
from app.core.errors import InvalidInput, ProblemError
from app.core.spreadsheets import csv_problem, csv_text, xlsx_row
from app.operation import service as operation
from app.operation.schemas import (
    CompletionIn,
    ExitRequestIn,
    OperationIn,
    RentStandardIn,
    UnitIn,
)
from app.web.core import Form, attempt, page_router, param, redirect, render, require
from app.web.forms import FormState, blank, from_form, optional, row_renamer, rows, text, upload
from app.web.projects import act, project_page
from rules.params import value_at
from rules.project_facts import BuildingType, ConstructionMethod, Granularity, SourcingChannel, UnitKind

router = page_router()
DEVELOPER = require(Role.developer)

REQUIRED = ("name", "address", "district", "construction_unit_name", "construction_unit_uscc",
            "operator_unit_name", "operator_unit_uscc", "property_certificate_no", "land_nature",
            "land_area_m2", "total_floor_area_m2", "total_investment_yuan", "construction_method",
            "sourcing_channel", "planned_start", "planned_in_use", "affordable_floor_area_m2",
            "unit_count", "supporting_facilities_area_m2")
OPTIONAL = ("original_building_type", "application_granularity", "industrial_project_land_area_m2",
            "supporting_land_area_m2")
BOOLEANS = ("government_invested", "special_fire_project")
UNIT_FIELDS = ("name", "kind", "building_area_m2", "count")
BLANK_ROWS = 3


# ---- the application form --------------------------------------------------------------------

def application_input(form: FormData) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The form as the ``ProjectIn`` dict (blank required fields left out: 缺少必填项) and the
    unit-type rows that are not blank, each with the index it is displayed under."""
    data: dict[str, Any] = {name: text(form, name) for name in REQUIRED if text(form, name)}
    data |= {name: optional(form, name) for name in OPTIONAL}
    data["supporting_facilities_content"] = text(form, "supporting_facilities_content")
    for name in BOOLEANS:
        if text(form, name) in ("true", "false"):
            data[name] = text(form, name) == "true"
    data["commitment_accepted"] = text(form, "commitment_accepted") == "on"
    kept = [r for r in rows(form, "unit_types", UNIT_FIELDS) if not blank(r)]
    data["unit_types"] = [{k: v for k, v in r.items() if k != "index" and v != ""} for r in kept]
    return data, kept


def form_values(project: Any) -> dict[str, Any]:
    """A stored application as the form's values (strings), for editing."""
    view = project_view(project)
    values: dict[str, Any] = {}
    for name in (*REQUIRED, *OPTIONAL, "supporting_facilities_content"):
        value = view.get(name)
        values[name] = "" if value is None else str(getattr(value, "value", value))
    for name in BOOLEANS:
        values[name] = "true" if view[name] else "false"
    values["commitment_accepted"] = "on" if view["commitment_accepted"] else ""
    for i, unit in enumerate(view["unit_types"]):
        for field in UNIT_FIELDS:
            values[f"unit_types[{i}].{field}"] = str(unit[field])
    return values


def unit_rows(values: dict[str, Any], *, extra: int = 0, drop: int | None = None) -> list[int]:
    """The indexes of the unit-type rows to display (at least one)."""
    found = sorted({int(m.group(1)) for key in values
                    if (m := re.match(r"^unit_types\[(\d{1,4})\]\.", key))})
    if drop is not None and drop in found:
        found.remove(drop)
        for key in [k for k in values if k.startswith(f"unit_types[{drop}].")]:
            del values[key]
    for _ in range(extra):
        found.append(max(found, default=-1) + 1)
    return found or [0]


def form_page(request: Request, f: FormState, row_indexes: list[int], *, project: Any | None = None,
              status_code: int = 200) -> Response:
    today = clock.today()
    return render(request, "projects/form.html", {
        "f": f, "project": project, "unit_rows": row_indexes,
        "districts": value_at("central_districts", today),
        "methods": [(m.value, m.label) for m in ConstructionMethod],
        "channels": [(c.value, c.label) for c in SourcingChannel],
        "building_types": [(b.value, b.label) for b in BuildingType],
        "granularities": [(g.value, g.label) for g in Granularity],
        "kinds": [(k.value, k.label) for k in UnitKind],
        "commitment_text": COMMITMENT_TEXT,
    }, status_code=status_code)


@router.get("/projects/new", name="project_new")
def new_project(request: Request, user: User = DEVELOPER) -> Response:
    org = user.organization
    values = {"construction_unit_name": org.name, "construction_unit_uscc": org.uscc,
              "operator_unit_name": org.name, "operator_unit_uscc": org.uscc} if org else {}
    return form_page(request, FormState(values), list(range(BLANK_ROWS)))


@router.get("/projects/{project_id:int}/edit", name="project_edit")
def edit_project(request: Request, session: SessionDep, project_id: int,
                 user: User = DEVELOPER) -> Response:
    project = service.editable(session, user, project_id)
    values = form_values(project)
    return form_page(request, FormState(values), unit_rows(values), project=project)


def _save(request: Request, session: Session, user: User, form: FormData,
          project: Any | None) -> Response:
    f = FormState.of(form)
    action = text(form, "action")
    if action == "add_row":
        return form_page(request, f, unit_rows(f.values, extra=1), project=project)
    if action.startswith("remove_row:") and action[11:].isdigit():
        return form_page(request, f, unit_rows(f.values, drop=int(action[11:])), project=project)
    data, kept = application_input(form)
    rename = row_renamer("unit_types", kept)
    try:
        payload = from_form(ProjectIn, data)
    except ValidationError as exc:
        return form_page(request, f.add_validation(exc, rename), unit_rows(f.values), project=project,
                         status_code=422)
    try:
        if project is None:
            saved = attempt(session, service.create_project, session, user, payload)
        else:
            saved = attempt(session, service.update_project, session, user, project.id, payload)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return form_page(request, f.add_problem(exc, rename), unit_rows(f.values), project=project,
                         status_code=exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/projects/{saved.id}", request,
                    "申请书已保存为草稿。请查看规则检查结果，确认承诺后提交。")


@router.post("/projects/new", name="project_create")
def create_project(request: Request, session: SessionDep, form: Form,
                   user: User = DEVELOPER) -> Response:
    return _save(request, session, user, form, None)


@router.post("/projects/{project_id:int}/edit", name="project_update")
def update_project(request: Request, session: SessionDep, project_id: int, form: Form,
                   user: User = DEVELOPER) -> Response:
    return _save(request, session, user, form, service.editable(session, user, project_id))


# ---- steps on the project page ---------------------------------------------------------------

@router.post("/projects/{project_id:int}/submit", name="project_submit")
def submit(request: Request, session: SessionDep, project_id: int, form: Form,
           user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "submit", form,
               lambda f: SubmitIn(
                   commitment_accepted=True if text(f, "commitment_accepted") == "on" else None),
               lambda data: service.submit(session, user, project_id, data),
               "申请已提交，等待市保租办受理")


@router.post("/projects/{project_id:int}/withdraw", name="project_withdraw")
def withdraw(request: Request, session: SessionDep, project_id: int, form: Form,
             user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "withdraw", form,
               lambda f: WithdrawIn(comment=text(f, "comment")),
               lambda data: service.withdraw(session, user, project_id, data), "申请已撤回")


@router.post("/projects/{project_id:int}/supplement", name="project_supplement")
def supplement(request: Request, session: SessionDep, project_id: int, form: Form,
               user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "supplement", form,
               lambda f: from_form(SupplementIn, {"comment": text(f, "comment")}),
               lambda data: service.supplement(session, user, project_id, data),
               "已补充材料，审查计时恢复")


@router.post("/projects/{project_id:int}/construction-start", name="project_construction_start")
def construction_start(request: Request, session: SessionDep, project_id: int, form: Form,
                       user: User = DEVELOPER) -> Response:
    """开工日期 (第二十四条), counted by the plans' progress (第六条)."""
    return act(request, session, user, project_id, "construction_start", form,
               lambda f: from_form(ConstructionStartIn, {"started_on": optional(f, "started_on")}),
               lambda data: service.record_construction_start(session, user, project_id, data.started_on),
               "已记录开工日期")


@router.post("/projects/{project_id:int}/completion", name="project_completion")
def completion(request: Request, session: SessionDep, project_id: int, form: Form,
               user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "completion", form,
               lambda f: from_form(CompletionIn, {"completed_on": optional(f, "completed_on")}),
               lambda data: operation.record_completion(session, user, project_id, data.completed_on),
               "已记录竣工验收日期")


@router.post("/projects/{project_id:int}/listing", name="project_listing")
def listing(request: Request, session: SessionDep, project_id: int, form: Form,
            user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "listing", form, lambda f: None,
               lambda _: operation.submit_listing(session, user, project_id), "房源已提交市住建局审核")


def _rates(form: FormData) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kept = [r for r in rows(form, "rates", ("unit_type", "rate_per_m2")) if r["rate_per_m2"]]
    return {"appraisal_id": optional(form, "appraisal_id"),
            "rates": [{"unit_type": r["unit_type"] or None, "rate_per_m2": r["rate_per_m2"]}
                      for r in kept]}, kept


@router.post("/projects/{project_id:int}/rent-standards", name="project_rent_standard")
def propose_rent(request: Request, session: SessionDep, project_id: int, form: Form,
                 user: User = DEVELOPER) -> Response:
    data, kept = _rates(form)
    return act(request, session, user, project_id, "rent", form,
               lambda f: from_form(RentStandardIn, data),
               lambda payload: operation.propose_rent_standard(session, user, project_id, payload),
               "租金标准已拟订，等待市发改委备案", rename=row_renamer("rates", kept))


@router.post("/projects/{project_id:int}/operation", name="project_operation")
def start_operation(request: Request, session: SessionDep, project_id: int, form: Form,
                    user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "operation", form,
               lambda f: from_form(OperationIn, {"started_on": optional(f, "started_on")}),
               lambda data: operation.start_operation(session, user, project_id, data),
               "已记录投入运营日期")


@router.post("/projects/{project_id:int}/exit-requests", name="project_exit_request")
def request_exit(request: Request, session: SessionDep, project_id: int, form: Form,
                 user: User = DEVELOPER) -> Response:
    return act(request, session, user, project_id, "exit", form,
               lambda f: from_form(ExitRequestIn, {name: optional(f, name) for name in
                                                       ("notice_from", "notice_to", "objections")}),
               lambda data: operation.request_exit(session, user, project_id, data),
               f"退出申请已提交，市保租办将在 {param('exit_decision_working_days')} 个工作日内决定")


# ---- units from a CSV file ------------------------------------------------------------------

UNIT_COLUMNS = ("building", "floor", "number", "building_area_m2", "kind", "unit_type")
# The template's Chinese headers (first) and the other names a header may have.
HEADERS = {"building": ("楼栋", "building"), "floor": ("楼层", "floor"), "number": ("房号", "number"),
           "building_area_m2": ("建筑面积（m²）", "建筑面积", "建筑面积(m²)", "building_area_m2"),
           "kind": ("类型", "房源类型", "kind"), "unit_type": ("户型", "户型名称", "unit_type")}
COLUMN_LABELS = {code: names[0] for code, names in HEADERS.items()}
KIND_WORDS = {"住宅型": "residential", "住宅": "residential", "宿舍型": "dormitory", "宿舍": "dormitory"}
TEMPLATE_EXAMPLE = [("1栋", 2, "201", "36.00", "住宅型", "一室户"),
                    ("1栋", 2, "202", "52.00", "住宅型", "一室一厅")]
MAX_ERRORS = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAGIC = b"PK\x03\x04"
UNITS_FILE_MAX_BYTES = 5 * 1024 * 1024   # a 20,000-row sheet is ~1 MB
UNITS_FILE_MAX_ROWS = 20_001              # header + RegisterUnitsIn's 20,000 units


class UnitsFileError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnitsFileError(["文件不是 UTF-8 或 GBK 编码的 CSV 文本，也不是 XLSX 工作簿"])


def _column_name(index: int, xlsx: bool) -> str:
    """Column ``index`` (0-based) as a person finds it: a letter in a workbook, a number in CSV."""
    if not xlsx:
        return f"第 {index + 1} 列"
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters} 列"


def parse_units_file(content: bytes) -> tuple[list[UnitIn], list[int]]:
    """The units of a CSV or XLSX file (told apart by content, not by name) and the file line
    of each; every bad cell is named by its line and column (the header is line 1)."""
    if not content.strip():
        raise UnitsFileError(["文件是空的"])
    if len(content) > UNITS_FILE_MAX_BYTES:
        raise UnitsFileError([f"文件超过 {UNITS_FILE_MAX_BYTES // (1024 * 1024)} MB"])
    xlsx = content.startswith(XLSX_MAGIC)
    rows = _xlsx_rows(content) if xlsx else _csv_lines(content)
    return _units_of(rows, xlsx)


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decode(content)))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a line that is not CSV (a field over the module's limit)
            raise UnitsFileError([f"第 {reader.line_num} 行：{csv_problem(exc)}"]) from None
        yield reader.line_num, row


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text. Read-only (streamed), formulas never evaluated: a cell
    holding a formula is refused, named by its line and column."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # not a workbook, encrypted, broken zip …
        raise UnitsFileError(["文件不是可读取的 XLSX 工作簿（请另存为 .xlsx 或 CSV）"]) from None
    try:
        sheet = book.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(), start=1):
            if line > UNITS_FILE_MAX_ROWS:
                raise UnitsFileError([f"行数超过 {UNITS_FILE_MAX_ROWS - 1:,} 行房源"])
            values = []
            for index, cell in enumerate(row):
                value = cell.value
                formula = getattr(cell, "data_type", None) == "f"
                if formula or (isinstance(value, str) and value.startswith("=")):
                    raise UnitsFileError([f"第 {line} 行 {_column_name(index, True)}：单元格是公式，"
                                          "请改为直接填写数值"])
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                values.append("" if value is None else str(value))
            yield line, values
    finally:
        book.close()


def _units_of(rows: Iterator[tuple[int, list[str]]], xlsx: bool) -> tuple[list[UnitIn], list[int]]:
    first = next(rows, None)
    if first is None:
        raise UnitsFileError(["文件是空的"])
    header = [h.strip() for h in first[1]]
    columns: dict[str, int] = {}
    for code, names in HEADERS.items():
        for index, name in enumerate(header):
            if name in names:
                columns.setdefault(code, index)
    missing = [COLUMN_LABELS[c] for c in UNIT_COLUMNS if c not in columns and c != "unit_type"]
    if missing:
        names = "、".join(COLUMN_LABELS.values())
        raise UnitsFileError([f"第 1 行：缺少列 {'、'.join(missing)}（列名：{names}；可下载模板填写）"])
    found: list[UnitIn] = []
    lines: list[int] = []
    problems: list[str] = []
    for line, row in rows:
        if len(found) + len(problems) >= UNITS_FILE_MAX_ROWS:
            raise UnitsFileError([f"行数超过 {UNITS_FILE_MAX_ROWS - 1:,} 行房源"])
        values = {code: (row[i].strip() if i < len(row) and row[i] is not None else "")
                  for code, i in columns.items()}
        if not any(values.values()):
            continue
        kind = KIND_WORDS.get(values.get("kind", ""), values.get("kind", ""))
        data = {"building": values.get("building", ""), "floor": values.get("floor") or None,
                "number": values.get("number", ""),
                "building_area_m2": values.get("building_area_m2") or None, "kind": kind or None,
                "unit_type": values.get("unit_type") or None}
        try:
            found.append(from_form(UnitIn, data))
            lines.append(line)
        except ValidationError as exc:
            detail = FormState().add_validation(exc)
            for p in detail.problems:
                code = p.field or ""
                where = f"{_column_name(columns[code], xlsx)}（{COLUMN_LABELS[code]}）" if code in columns \
                    else COLUMN_LABELS.get(code, code)
                problems.append(f"第 {line} 行 {where}：{p.message}")
        if len(problems) >= MAX_ERRORS:
            problems.append("（错误过多，仅列出前面的行）")
            break
    if problems:
        raise UnitsFileError(problems)
    if not found:
        raise UnitsFileError(["文件中没有房源行"])
    return found, lines


def units_template(fmt_: str) -> tuple[bytes, str]:
    """The units upload template (Chinese headers, two example rows): CSV (UTF-8 with BOM, so
    Excel opens it as such) or XLSX; its cells go through app.core.spreadsheets."""
    header = list(COLUMN_LABELS.values())
    if fmt_ == "csv":
        return ("\ufeff" + csv_text([header, *TEMPLATE_EXAMPLE])).encode("utf-8"), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("房源清单")
    for row in (header, *TEMPLATE_EXAMPLE):
        sheet.append(xlsx_row(sheet, list(row)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), XLSX_TYPE


ROW_IN_MESSAGE = re.compile(r"^第 \d+ 行(与第 \d+ 行)?")
ROW_IN_FIELD = re.compile(r"^units\[(\d+)\]")


def _line_of(field: str | None, lines: list[int]) -> int | None:
    match = ROW_IN_FIELD.match(field or "")
    if match and int(match.group(1)) < len(lines):
        return lines[int(match.group(1))]
    return None


@router.post("/projects/{project_id:int}/materials", name="project_material_upload")
def upload_material(request: Request, session: SessionDep, project_id: int, form: Form,
                    user: User = DEVELOPER) -> Response:
    """One file of a 附件5 item (PDF or image, checked by content): :func:`app.approval.materials.upload`."""
    f = FormState.of(form)
    code = text(form, "code")
    files = media.uploads([v for v in form.getlist("file")], "file", media.MAX_PLAN_BYTES, indexed=False)
    try:
        if not files:
            raise InvalidInput("请选择要上传的文件（PDF 或 JPEG/PNG 图片）", field="file")
        attempt(session, approval_materials.upload, session, user, project_id, code, files[0])
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return project_page(request, session, user, project_id, forms={f"material_{code}": f},
                            status_code=exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/projects/{project_id}#materials", request, "申报材料已上传")


@router.get("/units-template.csv", name="units_template_csv")
def units_template_csv(_: User = DEVELOPER) -> Response:
    """The units upload template as CSV (Chinese headers, two example rows)."""
    content, media_type = units_template("csv")
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": "attachment; filename=units-template.csv"})


@router.get("/units-template.xlsx", name="units_template_xlsx")
def units_template_xlsx(_: User = DEVELOPER) -> Response:
    """The units upload template as XLSX."""
    content, media_type = units_template("xlsx")
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": "attachment; filename=units-template.xlsx"})


@router.post("/projects/{project_id:int}/units", name="project_units")
def upload_units(request: Request, session: SessionDep, project_id: int, form: Form,
                 user: User = DEVELOPER) -> Response:
    """The units file: parsed here, registered by :func:`app.operation.service.register_units`
    (all rows or none); a bad row is named by its line in the file."""
    get_project(session, user, project_id)
    f = FormState()
    file = upload(form, "file")
    try:
        if file is None:
            raise UnitsFileError(["请选择要上传的 CSV 或 XLSX 文件"])
        parsed, lines = parse_units_file(file.file.read(UNITS_FILE_MAX_BYTES + 1))
    except UnitsFileError as exc:
        for message in exc.messages:
            f.add("file", message)
        f.detail = "房源文件未录入"
        return project_page(request, session, user, project_id, forms={"units": f}, status_code=422)
    try:
        result = attempt(session, operation.register_units, session, user, project_id, parsed)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        findings = exc.violations or ()
        if findings:
            for finding in findings:
                line = _line_of(finding.field, lines)
                message = ROW_IN_MESSAGE.sub("", finding.message) if line else finding.message
                f.add("file", f"第 {line} 行：{message}" if line else message, finding.article)
        else:
            line = _line_of(exc.field, lines)
            if line and "与第" in exc.detail:
                match = re.search(r"与第 (\d+) 行", exc.detail)
                other = lines[int(match.group(1)) - 1] if match else None
                message = ROW_IN_MESSAGE.sub("", exc.detail)
                f.add("file", f"第 {line} 行与第 {other} 行{message}" if other else exc.detail)
            else:
                message = ROW_IN_MESSAGE.sub("", exc.detail) if line else exc.detail
                f.add("file", f"第 {line} 行：{message}" if line else message)
        f.detail = "整批房源未录入（文件中的行号从列名行算起，列名为第 1 行）"
        return project_page(request, session, user, project_id, forms={"units": f},
                            status_code=exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/projects/{project_id}", request,
                    f"已录入 {result['added']} 套房源"
                    f"（共 {result['units']} 套，{result['building_area_m2']} m²）")
