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
from app.approval import service
from app.approval.facts import COMMITMENT_TEXT
from app.approval.repository import get_project
from app.approval.schemas import ProjectIn, SubmitIn, SupplementIn, WithdrawIn
from app.approval.views import project_view
from app.core import clock
from app.core.errors import ProblemError
from app.core.spreadsheets import csv_problem
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
COLUMN_LABELS = {"building": "楼栋（building）", "floor": "楼层（floor）", "number": "房号（number）",
                 "building_area_m2": "建筑面积（building_area_m2）", "kind": "类型（kind）",
                 "unit_type": "户型（unit_type）"}
KIND_WORDS = {"住宅型": "residential", "住宅": "residential", "宿舍型": "dormitory", "宿舍": "dormitory"}
MAX_ERRORS = 20


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
    raise UnitsFileError(["文件不是 UTF-8 或 GBK 编码的 CSV 文本"])


def parse_units_csv(content: bytes) -> tuple[list[UnitIn], list[int]]:
    """The units of the file and the file line of each (for messages); every bad line is
    named by its line number in the file (the header is line 1)."""
    if not content.strip():
        raise UnitsFileError(["文件是空的"])
    reader = csv.DictReader(io.StringIO(_decode(content)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in UNIT_COLUMNS if c not in header and c != "unit_type"]
    if missing:
        raise UnitsFileError([f"第 1 行：缺少列 {'、'.join(missing)}（列名：{','.join(UNIT_COLUMNS)}）"])
    found: list[UnitIn] = []
    lines: list[int] = []
    problems: list[str] = []
    for line, row in _csv_rows(reader, problems):
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
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
            problems += [f"第 {line} 行：{COLUMN_LABELS.get(p.field or '', p.field)}：{p.message}"
                         for p in detail.problems]
        if len(problems) >= MAX_ERRORS:
            problems.append("（错误过多，仅列出前面的行）")
            break
    if problems:
        raise UnitsFileError(problems)
    if not found:
        raise UnitsFileError(["文件中没有房源行"])
    return found, lines


def _csv_rows(reader: csv.DictReader[str], problems: list[str]) -> Iterator[tuple[int, dict[Any, Any]]]:
    """The rows of ``reader`` with their line; a line that is not CSV (a field over the csv
    module's limit) ends the file with a problem naming it."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(f"第 {reader.reader.line_num} 行：{csv_problem(exc)}")  # the line it failed on
            return
        yield reader.line_num, row


ROW_IN_MESSAGE = re.compile(r"^第 \d+ 行(与第 \d+ 行)?")
ROW_IN_FIELD = re.compile(r"^units\[(\d+)\]")


def _line_of(field: str | None, lines: list[int]) -> int | None:
    match = ROW_IN_FIELD.match(field or "")
    if match and int(match.group(1)) < len(lines):
        return lines[int(match.group(1))]
    return None


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
            raise UnitsFileError(["请选择要上传的 CSV 文件"])
        parsed, lines = parse_units_csv(file.file.read())
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
