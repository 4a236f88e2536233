"""Upkeep pages (第二十八、三十九、四十条): repairs for the tenant (report with photos, follow every
step, confirm or reopen, answer a charge), the operator (the queue by deadline, accept, assign,
comment, complete, close, claim damage the tenant caused) and the city (住建, the office,
auditors: read); a project's safety record (fire-safety checks, 住建's inspections and the
rectification, emergency plans, the design codes and the quality supervision at completion);
住建's supervision of the whole city, worst first; and the photos and plan files, served to the
parties only.

Which forms a page shows is the transition tables' answer (``allowed_actions``,
:mod:`app.upkeep.workflows`). Each form posts to its own route (the API's path without
``/api/v1``), is parsed into the API's schema and calls the API's service function in a
savepoint; a refusal re-renders the page with the errors beside that form (a file refused is
named there), success redirects with a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import HOUSING_BUREAU
from app.core import clock
from app.core.config import get_settings
from app.core.errors import Forbidden, ProblemError
from app.core.paging import Page
from app.core.templating import templates
from app.upkeep import media, repository, safety, service, supervision, views
from app.upkeep.enums import (
    FireCheckItem,
    InspectionStatus,
    PlanKind,
    RepairCategory,
    RepairUrgency,
)
from app.upkeep.models import city_wide
from app.upkeep.schemas import (
    AssignIn,
    ChargeIn,
    CommentIn,
    CompleteIn,
    InspectionIn,
    OptionalCommentIn,
    OptionalReasonIn,
    PlanIn,
    QualityIn,
    ReasonIn,
    RectificationIn,
    RepairIn,
    SafetyCheckIn,
)
from app.web.core import (
    CurrentUser,
    Form,
    attempt,
    page_router,
    redirect,
    render,
    require,
    require_department,
)
from app.web.forms import FormState, optional
from app.web.pager import PAGE, next_url

router = page_router()


def _allow(test: Callable[[User], bool]) -> Any:
    async def dependency(user: CurrentUser) -> User:
        if not test(user):
            raise Forbidden("当前角色无权访问此页面")
        return user

    return Depends(dependency)


REPAIR_READER = _allow(lambda u: u.role in (Role.tenant, Role.developer) or city_wide(u))
UPKEEP_READER = _allow(lambda u: u.role == Role.developer or city_wide(u))
SUPERVISOR = _allow(lambda u: u.role in (Role.developer, Role.leader) or city_wide(u))
TENANT = require(Role.tenant)
OPERATOR = require(Role.developer)
TENANT_OR_OPERATOR = require(Role.tenant, Role.developer)
ZHUJIAN = require_department(HOUSING_BUREAU)

CATEGORIES = list(RepairCategory.labels().items())
URGENT_HINT = "影响安全或基本生活，如漏水、断电、燃气、电梯困人"
URGENCIES = [(u.value, f"{u.label}（{URGENT_HINT if u == 'urgent' else '其他问题'}）") for u in RepairUrgency]
PLAN_KINDS = list(PlanKind.labels().items())
CHECK_ITEMS = [(i.value, i.label) for i in FireCheckItem]


def deadline(value: datetime | None) -> str:
    """A deadline as people read it: a day's end is "24:00" of that day (as official notices
    write it), any other instant to the minute."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(get_settings().timezone))
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


templates.env.filters["deadline"] = deadline


def _status(exc: ProblemError) -> int:
    return exc.status if exc.status in (409, 413, 422) else 422


def _files(form: FormData, name: str = "photos") -> list[media.Upload]:
    return media.uploads(form.getlist(name), name)


def _values(form: FormData, schema: type[BaseModel], **override: Any) -> dict[str, Any]:
    """The fields of ``schema`` filled in (a blank one left out, so a required one reads 缺少必填项)."""
    found: dict[str, Any] = {n: v for n in schema.model_fields if (v := optional(form, n)) is not None}
    return found | override


def _bool(form: FormData, name: str) -> dict[str, bool]:
    value = optional(form, name)
    return {name: value == "true"} if value in ("true", "false") else {}


def _input(name: str) -> str:
    """The form input a field's error belongs beside: a file refused as ``photos[2]`` → ``photos``."""
    return re.sub(r"\[\d+\]$", "", name or "")


def _act(f: FormState, session: Session, schema: type[BaseModel] | None, values: dict[str, Any],
         call: Callable[[Any], Any]) -> tuple[Any, int | None]:
    """Validate ``values`` into ``schema`` and call the service in a savepoint: (result, None),
    or (None, the status to re-render the page with) with ``f`` holding the errors."""
    data = None
    try:
        if schema is not None:
            data = schema.model_validate(values)
    except ValidationError as exc:
        f.add_validation(exc, _input)
        return None, 422
    try:
        return attempt(session, call, data), None
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc, _input)
        return None, _status(exc)


# ---- repairs: the lists -------------------------------------------------------------------------

@router.get("/repairs", name="repair_list")
def repair_list(request: Request, session: SessionDep, cursor: int | None = None,
                queue_cursor: int | None = None, user: User = REPAIR_READER) -> Response:
    """A tenant's repairs; for the operator and the city, the queue by deadline and every repair."""
    found = views.repairs_page(session, user, repository.repairs(session, user, cursor=cursor, limit=PAGE))
    queue: Page[dict[str, Any]] = Page([], None)
    if user.role != Role.tenant:
        queue = views.repairs_page(session, user, repository.queue(session, user, cursor=queue_cursor,
                                                                   limit=PAGE))
    homes = repository.tenancies(session, user) if user.role == Role.tenant else []
    return render(request, "upkeep/repairs.html", {
        "repairs": found.items, "next_url": next_url(request, found.next_cursor),
        "queue": queue.items, "queue_next_url": next_url(request, queue.next_cursor, "queue_cursor"),
        "can_report": bool(homes)})


def _new_page(request: Request, session: Session, user: User, f: FormState,
              status_code: int = 200) -> Response:
    homes = [(str(unit.id), f"{project.name} {unit.building} {unit.number}")
             for _, unit, project in repository.tenancies(session, user)]
    if len(homes) == 1 and not f.value("unit_id"):
        f.values["unit_id"] = homes[0][0]
    return render(request, "upkeep/new.html", {
        "f": f, "homes": homes, "categories": CATEGORIES, "urgencies": URGENCIES,
        "max_photos": media.MAX_PHOTOS, "max_mb": media.MAX_PHOTO_BYTES // (1024 * 1024)},
        status_code=status_code)


@router.get("/repairs/new", name="repair_new")
def new_repair(request: Request, session: SessionDep, user: User = TENANT) -> Response:
    return _new_page(request, session, user, FormState({"urgency": "normal"}))


@router.post("/repairs/new", name="repair_create")
def create_repair(request: Request, session: SessionDep, form: Form, user: User = TENANT) -> Response:
    """第三十九条: report a problem on the unit I live in, with up to 5 photos."""
    f = FormState.of(form)
    repair, refused = _act(f, session, RepairIn, _values(form, RepairIn),
                           lambda data: service.report(session, user, data, _files(form)))
    if refused:
        return _new_page(request, session, user, f, refused)
    return redirect(f"/repairs/{repair.id}", request,
                    f"已提交报修，运营单位应于 {deadline(repair.accept_by)} 前受理、"
                    f"{deadline(repair.complete_by)} 前修好")


# ---- one repair ---------------------------------------------------------------------------------

def _repair_page(request: Request, session: Session, user: User, repair_id: int,
                 forms: dict[str, FormState] | None = None, status_code: int = 200,
                 history_cursor: int | None = None) -> Response:
    repair = repository.get_repair(session, user, repair_id)
    view = views.repair_view(session, user, repair)
    history = views.history_page(repository.history(session, repair, cursor=history_cursor, limit=PAGE))
    actions = set(view["allowed_actions"])
    shown = set(actions) | {f"charge_{c['id']}_{a}" for c in view["charges"] for a in c["allowed_actions"]}
    forms = forms or {}
    return render(request, "upkeep/repair.html", {
        "repair": view, "history": history.items, "actions": actions,
        "step_forms": bool(actions - {"add_photos", "charge"}),  # the 办理 panel's forms
        "history_next_url": (f"/repairs/{repair.id}?history_cursor={history.next_cursor}#history-title"
                             if history.next_cursor is not None else None),
        "forms": forms, "blank": FormState(), "max_photos": media.MAX_PHOTOS,
        "photo_room": media.MAX_PHOTOS - len(view["photos"]),
        "unshown": [f for name, f in forms.items() if name not in shown]}, status_code=status_code)


@router.get("/repairs/{repair_id:int}", name="repair_detail")
def repair_detail(request: Request, session: SessionDep, repair_id: int, history_cursor: int | None = None,
                  user: User = REPAIR_READER) -> Response:
    return _repair_page(request, session, user, repair_id, history_cursor=history_cursor)


def _repair_step(request: Request, session: Session, user: User, repair_id: int, name: str,
                 form: FormData, schema: type[BaseModel] | None, call: Callable[[Any], Any],
                 message: Callable[[Any], str], values: dict[str, Any] | None = None) -> Response:
    repository.get_repair(session, user, repair_id)  # 404 before anything is read
    f = FormState.of(form)
    result, refused = _act(f, session, schema, values if values is not None else (
        _values(form, schema) if schema is not None else {}), call)
    if refused:
        return _repair_page(request, session, user, repair_id, {name: f}, refused)
    return redirect(f"/repairs/{repair_id}", request, message(result))


@router.post("/repairs/{repair_id:int}/photos", name="repair_photos")
def repair_photos(request: Request, session: SessionDep, repair_id: int, form: Form,
                  user: User = TENANT) -> Response:
    return _repair_step(request, session, user, repair_id, "add_photos", form, None,
                        lambda _: service.add_photos(session, user, repair_id, _files(form)),
                        lambda _: "已补充照片")


@router.post("/repairs/{repair_id:int}/accept", name="repair_accept")
def repair_accept(request: Request, session: SessionDep, repair_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    return _repair_step(request, session, user, repair_id, "accept", form, OptionalCommentIn,
                        lambda data: service.accept(session, user, repair_id, data), lambda _: "已受理")


@router.post("/repairs/{repair_id:int}/assign", name="repair_assign")
def repair_assign(request: Request, session: SessionDep, repair_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    return _repair_step(request, session, user, repair_id, "assign", form, AssignIn,
                        lambda data: service.assign(session, user, repair_id, data),
                        lambda r: f"已指派 {r.assigned_to} 处理")


@router.post("/repairs/{repair_id:int}/comments", name="repair_comment")
def repair_comment(request: Request, session: SessionDep, repair_id: int, form: Form,
                   user: User = TENANT_OR_OPERATOR) -> Response:
    return _repair_step(request, session, user, repair_id, "comment", form, CommentIn,
                        lambda data: service.comment(session, user, repair_id, data), lambda _: "已留言")


@router.post("/repairs/{repair_id:int}/complete", name="repair_complete")
def repair_complete(request: Request, session: SessionDep, repair_id: int, form: Form,
                    user: User = OPERATOR) -> Response:
    return _repair_step(request, session, user, repair_id, "complete", form, CompleteIn,
                        lambda data: service.complete(session, user, repair_id, data),
                        lambda r: f"已记录维修完成，承租人可在 {deadline(r.confirm_by)} 前确认或要求重新处理")


@router.post("/repairs/{repair_id:int}/confirm", name="repair_confirm")
def repair_confirm(request: Request, session: SessionDep, repair_id: int, form: Form,
                   user: User = TENANT) -> Response:
    return _repair_step(request, session, user, repair_id, "confirm", form, OptionalCommentIn,
                        lambda data: service.confirm(session, user, repair_id, data),
                        lambda _: "已确认修好，谢谢")


@router.post("/repairs/{repair_id:int}/reopen", name="repair_reopen")
def repair_reopen(request: Request, session: SessionDep, repair_id: int, form: Form,
                  user: User = TENANT) -> Response:
    return _repair_step(request, session, user, repair_id, "reopen", form, ReasonIn,
                        lambda data: service.reopen(session, user, repair_id, data),
                        lambda r: f"已要求重新处理，应于 {deadline(r.complete_by)} 前修好")


@router.post("/repairs/{repair_id:int}/withdraw", name="repair_withdraw")
def repair_withdraw(request: Request, session: SessionDep, repair_id: int, form: Form,
                    user: User = TENANT) -> Response:
    return _repair_step(request, session, user, repair_id, "withdraw", form, OptionalReasonIn,
                        lambda data: service.withdraw(session, user, repair_id, data),
                        lambda _: "已撤回报修")


@router.post("/repairs/{repair_id:int}/close", name="repair_close")
def repair_close(request: Request, session: SessionDep, repair_id: int, form: Form,
                 user: User = OPERATOR) -> Response:
    return _repair_step(request, session, user, repair_id, "close", form, None,
                        lambda _: service.close(session, user, repair_id),
                        lambda _: "承租人逾期未答复，已按已确认关闭")


@router.post("/repairs/{repair_id:int}/charges", name="repair_charge")
def repair_charge(request: Request, session: SessionDep, repair_id: int, form: Form,
                  user: User = OPERATOR) -> Response:
    """第三十九条: only damage the tenant caused, with the reason, may be claimed from the tenant."""
    values = _values(form, ChargeIn, tenant_caused=optional(form, "tenant_caused") == "true")
    return _repair_step(request, session, user, repair_id, "charge", form, ChargeIn,
                        lambda data: service.propose_charge(session, user, repair_id, data),
                        lambda c: f"已向承租人主张损坏赔偿 {c.amount_yuan} 元，待承租人答复", values)


def _charge_step(request: Request, session: Session, user: User, charge_id: int, action: str,
                 form: FormData, schema: type[BaseModel], message: str) -> Response:
    _, repair = repository.get_charge(session, user, charge_id)  # 404 before anything is read
    f = FormState.of(form)
    _, refused = _act(f, session, schema, _values(form, schema),
                      lambda data: service.answer_charge(session, user, charge_id, action, data))
    if refused:
        return _repair_page(request, session, user, repair.id, {f"charge_{charge_id}_{action}": f}, refused)
    return redirect(f"/repairs/{repair.id}", request, message)


@router.post("/repair-charges/{charge_id:int}/accept", name="charge_accept")
def charge_accept(request: Request, session: SessionDep, charge_id: int, form: Form,
                  user: User = TENANT) -> Response:
    return _charge_step(request, session, user, charge_id, "accept", form, OptionalCommentIn, "已认可赔偿")


@router.post("/repair-charges/{charge_id:int}/dispute", name="charge_dispute")
def charge_dispute(request: Request, session: SessionDep, charge_id: int, form: Form,
                   user: User = TENANT) -> Response:
    return _charge_step(request, session, user, charge_id, "dispute", form, ReasonIn,
                        "已提出异议，运营单位和市住建局可以看到")


@router.post("/repair-charges/{charge_id:int}/withdraw", name="charge_withdraw")
def charge_withdraw(request: Request, session: SessionDep, charge_id: int, form: Form,
                    user: User = OPERATOR) -> Response:
    return _charge_step(request, session, user, charge_id, "withdraw", form, OptionalReasonIn,
                        "已撤销赔偿主张")


# ---- files ----------------------------------------------------------------------------------------

@router.get("/photos/{photo_id:int}", name="photo")
def photo(session: SessionDep, photo_id: int, user: User = REPAIR_READER) -> Response:
    """A photo, to the parties of its record only (404 for anyone else)."""
    found = repository.get_photo(session, user, photo_id)
    return Response(media.read(found.path), media_type=found.content_type)


@router.get("/emergency-plans/{plan_id:int}/file", name="plan_file")
def plan_file(session: SessionDep, plan_id: int, user: User = UPKEEP_READER) -> Response:
    found = repository.get_plan(session, user, plan_id)
    return Response(media.read(found.path), media_type=media.PDF_TYPE, headers={
        "Content-Disposition": f"attachment; filename=emergency-plan-{found.id}.pdf"})


# ---- 住建's supervision ------------------------------------------------------------------------------

@router.get("/upkeep", name="upkeep_overview")
def overview(request: Request, session: SessionDep, cursor: int | None = None,
             operators_cursor: int | None = None, user: User = SUPERVISOR) -> Response:
    """Per project and per operator: repairs open and overdue, median completion, reopen rate,
    and the safety flags — the worst first."""
    projects = supervision.projects_page(session, user, cursor=cursor, limit=PAGE)
    operators: Page[dict[str, Any]] = Page([], None)
    if user.role != Role.developer:
        operators = supervision.operators_page(session, user, cursor=operators_cursor, limit=PAGE)
    return render(request, "upkeep/overview.html", {
        "projects": projects.items, "next_url": next_url(request, projects.next_cursor),
        "operators": operators.items,
        "operators_next_url": next_url(request, operators.next_cursor, "operators_cursor"),
        "today": clock.today()})


# ---- a project's safety record -------------------------------------------------------------------------

def _project_page(request: Request, session: Session, user: User, project_id: int,
                  forms: dict[str, FormState] | None = None, status_code: int = 200,
                  **cursors: int | None) -> Response:
    project = repository.upkeep_project(session, user, project_id)
    upkeep = views.upkeep_view(session, user, project)
    checks = views.checks_page(session, repository.checks(
        session, project, cursor=cursors.get("check_cursor"), limit=PAGE))
    inspections = views.inspections_page(session, user, repository.inspections(
        session, project, cursor=cursors.get("inspection_cursor"), limit=PAGE))
    plans = views.plans_page(repository.plans(session, project, cursor=cursors.get("plan_cursor"),
                                              limit=PAGE))
    quality = views.quality_page(session, repository.quality_records(
        session, project, cursor=None, limit=PAGE))
    actions = set(upkeep["allowed_actions"])
    today = clock.today()
    shown = actions | {f"rectify_{i['id']}" for i in inspections.items if "rectify" in i["allowed_actions"]}
    forms = forms or {}

    def more(page: Page[Any], name: str, anchor: str) -> str | None:
        if page.next_cursor is None:
            return None
        return f"/projects/{project.id}/upkeep?{name}={page.next_cursor}#{anchor}"

    return render(request, "upkeep/project.html", {
        "u": upkeep, "checks": checks.items, "inspections": inspections.items, "plans": plans.items,
        "quality": quality.items, "actions": actions, "forms": forms,
        "blank": FormState({"checked_on": today.isoformat(), "inspected_on": today.isoformat()}),
        "check_items": CHECK_ITEMS, "plan_kinds": PLAN_KINDS, "today": today,
        "checks_next_url": more(checks, "check_cursor", "checks-title"),
        "inspections_next_url": more(inspections, "inspection_cursor", "inspections-title"),
        "plans_next_url": more(plans, "plan_cursor", "plans-title"),
        "open_status": InspectionStatus.open.value,
        "unshown": [f for name, f in forms.items() if name not in shown]}, status_code=status_code)


@router.get("/projects/{project_id:int}/upkeep", name="project_upkeep")
def project_upkeep(request: Request, session: SessionDep, project_id: int,
                   check_cursor: int | None = None, inspection_cursor: int | None = None,
                   plan_cursor: int | None = None, user: User = UPKEEP_READER) -> Response:
    return _project_page(request, session, user, project_id, check_cursor=check_cursor,
                         inspection_cursor=inspection_cursor, plan_cursor=plan_cursor)


def _project_step(request: Request, session: Session, user: User, project_id: int, name: str,
                  schema: type[BaseModel], values: dict[str, Any], call: Callable[[Any], Any],
                  message: Callable[[Any], str], form: FormData) -> Response:
    repository.upkeep_project(session, user, project_id)  # 404 before anything is read
    f = FormState.of(form)
    result, refused = _act(f, session, schema, values, call)
    if refused:
        return _project_page(request, session, user, project_id, {name: f}, refused)
    return redirect(f"/projects/{project_id}/upkeep", request, message(result))


@router.post("/projects/{project_id:int}/safety-checks", name="project_safety_check")
def safety_check(request: Request, session: SessionDep, project_id: int, form: Form,
                 user: User = OPERATOR) -> Response:
    """第四十条: the periodic fire-safety check, item by item, with photos."""
    return _project_step(request, session, user, project_id, "safety_check", SafetyCheckIn,
                         _values(form, SafetyCheckIn),
                         lambda data: safety.record_check(session, user, project_id, data, _files(form)),
                         lambda c: f"已登记 {c.checked_on} 的消防安全检查", form)


@router.post("/projects/{project_id:int}/inspections", name="project_inspect")
def inspect(request: Request, session: SessionDep, project_id: int, form: Form,
            user: User = ZHUJIAN) -> Response:
    """第四十条第一款: 市住建局's inspection, with a rectification deadline when it orders one."""
    return _project_step(request, session, user, project_id, "inspect", InspectionIn,
                         _values(form, InspectionIn),
                         lambda data: safety.inspect(session, user, project_id, data, _files(form)),
                         lambda i: "已记录检查" + (f"，整改期限至 {i.rectify_by}" if i.rectify_by else ""),
                         form)


@router.post("/inspections/{inspection_id:int}/rectification", name="inspection_rectify")
def rectify(request: Request, session: SessionDep, inspection_id: int, form: Form,
            user: User = OPERATOR) -> Response:
    inspection = repository.get_inspection(session, user, inspection_id)  # 404 first
    f = FormState.of(form)
    _, refused = _act(f, session, RectificationIn, _values(form, RectificationIn),
                      lambda data: safety.rectify(session, user, inspection_id, data, _files(form)))
    if refused:
        return _project_page(request, session, user, inspection.project_id, {f"rectify_{inspection_id}": f},
                             refused)
    return redirect(f"/projects/{inspection.project_id}/upkeep", request, "已记录整改完成")


@router.post("/projects/{project_id:int}/emergency-plans", name="project_plan")
def file_plan(request: Request, session: SessionDep, project_id: int, form: Form,
              user: User = OPERATOR) -> Response:
    """第四十条第四款: an emergency plan (PDF) with its review date."""
    files = media.uploads(form.getlist("file"), "file", media.MAX_PLAN_BYTES, indexed=False)
    upload = files[0] if files else media.Upload("", b"", "file")
    return _project_step(request, session, user, project_id, "file_plan", PlanIn, _values(form, PlanIn),
                         lambda data: safety.file_plan(session, user, project_id, data, upload),
                         lambda p: f"已备案应急预案《{p.title}》，{p.review_on} 前复核", form)


@router.post("/projects/{project_id:int}/quality-supervisions", name="project_quality")
def supervise_quality(request: Request, session: SessionDep, project_id: int, form: Form,
                      user: User = ZHUJIAN) -> Response:
    """第二十八条: the quality and safety supervision result at completion acceptance."""
    values = _values(form, QualityIn) | _bool(form, "structure_safe") | _bool(form, "fire_safe")
    return _project_step(request, session, user, project_id, "supervise_quality", QualityIn, values,
                         lambda data: safety.supervise_quality(session, user, project_id, data),
                         lambda _: "已记录竣工验收质量安全监督结论", form)
