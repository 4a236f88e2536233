"""Administration pages (系统管理员): staff accounts, organisations, registry imports, the calendar.

Each form parses into the API's own schema and calls the API's own service function:

* 用户管理 — ``UserCreate`` + :func:`app.accounts.service.create_user` (``POST /api/v1/users``);
  ``UserUpdate`` + :func:`app.accounts.service.set_active` (``PATCH /api/v1/users/{id}``: disabling
  bumps the token version, so the account's API tokens and page sessions end at once).
* 单位管理 — ``OrganizationCreate`` + :func:`app.accounts.service.create_organization`
  (``POST /api/v1/organizations``: the 统一社会信用代码 check character, GB 32100).
* 数据导入 — :mod:`app.tenants.registry` parse + store (+ the lease transitions after a
  property import), as ``POST /api/v1/registry/properties|public-rental``: all rows or none,
  a bad row named by its line. The file is never echoed back; the registry's messages never
  carry a whole 身份证 number. Recent imports are read from the audit trail (the service that
  records them), which keeps file name, rows and digest, never the file's content.
* 节假日日历 — ``YearPut`` (+ the year, with the API path's bounds) and
  :func:`app.calendar.service.put_year` (``PUT /api/v1/calendar/{year}``); the years shown come
  from :func:`app.calendar.service.work_calendar`, as ``GET /api/v1/calendar/{year}`` reads them,
  shown through :func:`app.calendar.views.year_view`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.accounts import repository as accounts_repo
from app.accounts import service as accounts
from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.schemas import OrganizationCreate, UserCreate, UserUpdate
from app.accounts.views import user_view
from app.calendar import service as calendar
from app.calendar.api import YearPath
from app.calendar.schemas import YearPut
from app.calendar.views import year_view
from app.core import clock
from app.core.errors import ProblemError, _chinese_message
from app.core.paging import mapped
from app.leases import flows
from app.oversight import repository as trail
from app.tenants.api import MAX_CSV_BYTES
from app.web.core import Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form, loc_path, optional, text, upload
from app.web.pager import PAGE, next_url
from rules.calendar import CalendarYearMissing

router = page_router()
ADMIN = require(Role.admin)
ROLE_OPTIONS = [(r.value, r.label) for r in Role]
STAFF = "staff"  # the list's default filter: every role but 承租人 (self-registered)
RECENT_IMPORTS = 20


def _refused_status(exc: ProblemError) -> int:
    """The status a refused form is shown with (401/403/404 are raised as error pages)."""
    if exc.status in (401, 403, 404):
        raise exc
    return exc.status if exc.status in (409, 422) else 422


# ---- 用户管理 ------------------------------------------------------------------------------------

def _users_page(request: Request, session: Session, user: User, f: FormState | None = None, *,
                role: str = STAFF, cursor: int | None = None, status_code: int = 200) -> Response:
    if role == STAFF:
        found = accounts_repo.users_page(session, cursor=cursor, limit=PAGE, staff_only=True)
    elif role in Role.__members__:
        found = accounts_repo.users_page(session, cursor=cursor, limit=PAGE, role=role)
    else:
        role, found = "", accounts_repo.users_page(session, cursor=cursor, limit=PAGE)
    found = mapped(found, user_view)
    return render(request, "admin/users.html", {
        "users": found.items, "next_url": next_url(request, found.next_cursor),
        "role": role, "me": user.id, "f": f or FormState(), "role_options": ROLE_OPTIONS,
        "filters": [(STAFF, "全部工作人员（不含承租人）"), ("", "全部账号"), *ROLE_OPTIONS],
        "organizations": [(o.id, f"{o.name}（{o.uscc}）")
                          for o in accounts_repo.organizations_by_id(session)],
        "departments": [(d.id, d.name) for d in accounts_repo.departments(session)],
    }, status_code=status_code)


@router.get("/admin/users", name="admin_users")
def users(request: Request, session: SessionDep, role: str = STAFF, cursor: int | None = None,
          user: User = ADMIN) -> Response:
    """Accounts: username, name, role, organisation or department, active; the creation form.
    Oldest first, 50 a page (keyset)."""
    return _users_page(request, session, user, role=role, cursor=cursor)


USER_FIELDS = ("username", "role", "full_name", "phone", "id_number", "organization_id", "department_id")


@router.post("/admin/users", name="admin_user_create")
def create_user(request: Request, session: SessionDep, form: Form, user: User = ADMIN) -> Response:
    """A staff account, as ``POST /api/v1/users`` creates it (the password is never sent back)."""
    f = FormState.of(form)
    f.values.pop("password", None)
    password = form.get("password")
    try:
        typed = {name: optional(form, name) for name in USER_FIELDS}  # blank: not given
        data = from_form(UserCreate, {k: v for k, v in typed.items() if v is not None}
                                         | {"password": password if isinstance(password, str) else ""})
        created = attempt(session, accounts.create_user, session, actor=user, data=data)
    except ValidationError as exc:
        return _users_page(request, session, user, f.add_validation(exc), status_code=422)
    except ProblemError as exc:
        return _users_page(request, session, user, f.add_problem(exc), status_code=_refused_status(exc))
    return redirect("/admin/users", request,
                    f"已创建账号 {created.username}（{Role(created.role).label}）")


@router.post("/admin/users/{user_id:int}/active", name="admin_user_active")
def set_active(request: Request, session: SessionDep, user_id: int, form: Form,
               user: User = ADMIN) -> Response:
    """Disable or re-enable an account, as ``PATCH /api/v1/users/{id}`` does."""
    target = accounts_repo.get_visible(session, User, user_id, user, what="用户")
    f = FormState.of(form)
    try:
        data = from_form(UserUpdate, {"is_active": optional(form, "is_active")})
    except ValidationError as exc:
        return _users_page(request, session, user, f.add_validation(exc), status_code=422)
    if data.is_active is None:
        f.add("is_active", "请选择启用或停用该账号")
        f.detail = "未能办理"
        return _users_page(request, session, user, f, status_code=422)
    try:
        changed = attempt(session, accounts.set_active, session, actor=user, user_id=target.id,
                          active=data.is_active)
    except ProblemError as exc:
        return _users_page(request, session, user, f.add_problem(exc), status_code=_refused_status(exc))
    message = (f"已启用账号 {changed.username}" if changed.is_active else
               f"已停用账号 {changed.username}：其登录令牌和网页会话已立即失效")
    return redirect("/admin/users", request, message)


# ---- 单位管理 ------------------------------------------------------------------------------------

def _organizations_page(request: Request, session: Session, user: User, f: FormState | None = None,
                        status_code: int = 200, cursor: int | None = None) -> Response:
    found = accounts_repo.organizations_page(session, user, cursor=cursor, limit=PAGE)
    return render(request, "admin/organizations.html", {
        "organizations": found.items, "next_url": next_url(request, found.next_cursor),
        "f": f or FormState()}, status_code=status_code)


@router.get("/admin/organizations", name="admin_organizations")
def organizations(request: Request, session: SessionDep, cursor: int | None = None,
                  user: User = ADMIN) -> Response:
    """Registered organisations, oldest first, 50 a page (keyset); the registration form."""
    return _organizations_page(request, session, user, cursor=cursor)


@router.post("/admin/organizations", name="admin_organization_create")
def create_organization(request: Request, session: SessionDep, form: Form, user: User = ADMIN) -> Response:
    """An organisation, as ``POST /api/v1/organizations`` registers it (GB 32100 checked)."""
    f = FormState.of(form)
    try:
        data = from_form(OrganizationCreate, {"name": text(form, "name"), "uscc": text(form, "uscc")})
        org = attempt(session, accounts.create_organization, session, actor=user, data=data)
    except ValidationError as exc:
        return _organizations_page(request, session, user, f.add_validation(exc), 422)
    except ProblemError as exc:
        return _organizations_page(request, session, user, f.add_problem(exc), _refused_status(exc))
    return redirect("/admin/organizations", request, f"已登记单位 {org.name}（{org.uscc}）")


# ---- 不动产与公租房数据导入 ----------------------------------------------------------------------------

KINDS = {"properties": "不动产登记记录", "public_rental": "公租房保障记录"}


def _registry_page(request: Request, session: Session, forms: dict[str, FormState] | None = None,
                   status_code: int = 200) -> Response:
    events = trail.events_page(session, trail.EventFilter(entity_type="registry_import"),
                               cursor=None, limit=RECENT_IMPORTS)
    imports = [{"id": e.entity_id, "kind": KINDS.get(e.action.removeprefix("registry.")
                                                     .removesuffix("_imported"), e.action),
                "filename": e.summary.get("filename"), "rows": e.summary.get("rows"),
                "sha256": e.summary.get("sha256") or "", "by": e.actor, "at": e.occurred_at}
               for e in events]
    return render(request, "admin/registry.html", {"forms": forms or {}, "blank": FormState(),
                                                   "imports": imports}, status_code=status_code)


@router.get("/admin/registry", name="admin_registry")
def registry_page(request: Request, session: SessionDep, _: User = ADMIN) -> Response:
    return _registry_page(request, session)


def _import(session: Session, user: User, kind: str, filename: str, content: bytes) -> dict[str, Any]:
    """What the API's import routes do (``app.leases.flows.import_registry``)."""
    batch, started = flows.import_registry(session, user, kind, filename, content)
    return {"batch": batch, "started": started}


def _upload(request: Request, session: Session, user: User, form: Any, kind: str) -> Response:
    f = FormState()
    file = upload(form, "file")
    content = file.file.read(MAX_CSV_BYTES + 1) if file is not None else b""
    if file is None:
        f.add("file", "请选择要导入的 CSV 文件")
    elif len(content) > MAX_CSV_BYTES:
        f.add("file", "文件超过 20 MB")
    if file is None or f.invalid:
        f.detail = "文件未导入"
        return _registry_page(request, session, {kind: f}, 422)
    default = "properties.csv" if kind == "properties" else "public_rental.csv"
    try:
        result = attempt(session, _import, session, user, kind, file.filename or default, content)
    except ProblemError as exc:
        f.add("file", exc.detail)  # "第 N 行：…，整个文件未导入" (never the whole 身份证 number)
        f.detail = "整个文件未导入（行号从列名行算起，列名为第 1 行）"
        return _registry_page(request, session, {kind: f}, _refused_status(exc))
    batch = result["batch"]
    message = f"已导入{KINDS[kind]} {batch.rows} 行（{batch.filename}，第 {batch.id} 批）"
    if kind == "properties":
        message += f"；{result['started']} 份租赁合同因承租人取得住房进入过渡期"
    return redirect("/admin/registry", request, message)


@router.post("/admin/registry/properties", name="admin_registry_properties")
def import_properties(request: Request, session: SessionDep, form: Form, user: User = ADMIN) -> Response:
    """不动产登记 CSV ``id_number,address,district,acquired_on``; all rows or none."""
    return _upload(request, session, user, form, "properties")


@router.post("/admin/registry/public-rental", name="admin_registry_public_rental")
def import_public_rental(request: Request, session: SessionDep, form: Form, user: User = ADMIN) -> Response:
    """住房保障 CSV ``id_number,qualified,receiving``; all rows or none."""
    return _upload(request, session, user, form, "public_rental")


# ---- 节假日日历 ----------------------------------------------------------------------------------

class CalendarYearIn(YearPut):
    """The page's form: ``PUT /api/v1/calendar/{year}``'s body and its path's year, same bounds."""

    year: YearPath


def _calendar_page(request: Request, session: Session, f: FormState | None = None, *,
                   year: int | None = None, fill: bool = False, status_code: int = 200) -> Response:
    work = calendar.work_calendar(session)
    years = [year_view(work.year(y)) for y in work.years]
    today = clock.today()
    missing = next(y for y in range(today.year, today.year + 1000) if y not in work.years)
    chosen = None
    if year is not None:
        try:
            chosen = year_view(work.year(year))
        except CalendarYearMissing:
            chosen = None
    elif years:
        wanted = today.year if today.year in work.years else work.years[-1]
        chosen = year_view(work.year(wanted))
    if f is None:
        f = FormState({"year": str(year if year is not None and chosen is None else missing)})
        if fill and chosen:
            f = FormState({"year": str(chosen["year"]), "notice": chosen["notice"],
                           "holidays": "\n".join(d.isoformat() for d in chosen["holidays"]),
                           "makeup_workdays": "\n".join(d.isoformat() for d in chosen["makeup_workdays"])})
    return render(request, "admin/calendar.html", {
        "years": years, "chosen": chosen, "asked": year, "missing": missing, "f": f},
        status_code=status_code)


@router.get("/admin/calendar", name="admin_calendar")
def calendar_page(request: Request, session: SessionDep, year: str = "", fill: str = "",
                  _: User = ADMIN) -> Response:
    """The years known, one year's holidays and make-up days, and the form to enter a year."""
    asked = int(year) if year.isdigit() and len(year) == 4 else None
    return _calendar_page(request, session, year=asked, fill=bool(fill))


DATE_LISTS = ("holidays", "makeup_workdays")


def _dates(value: str) -> tuple[list[str], list[int]]:
    """The dates of a textarea, one a line (blank lines skipped), and each one's line number."""
    found, lines = [], []
    for number, line in enumerate(value.splitlines(), start=1):
        if line.strip():
            found.append(line.strip())
            lines.append(number)
    return found, lines


@router.post("/admin/calendar", name="admin_calendar_put")
def put_year(request: Request, session: SessionDep, form: Form, user: User = ADMIN) -> Response:
    """Enter (or correct) a year from the State Council's notice."""
    f = FormState.of(form)
    lists = {name: _dates(text(form, name)) for name in DATE_LISTS}
    try:
        data = from_form(CalendarYearIn, {"year": text(form, "year"), "notice": text(form, "notice")}
                                             | {name: found for name, (found, _) in lists.items()})
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            if len(loc) == 2 and loc[0] in lists and isinstance(loc[1], int):
                line = lists[str(loc[0])][1][loc[1]]  # the textarea's line, not the list index
                f.add(str(loc[0]), f"第 {line} 行：{_chinese_message(error)}")
            else:
                f.add(loc_path(loc) or None, _chinese_message(error))
        f.detail = "请更正下列标出的内容后再提交。"
        return _calendar_page(request, session, f, status_code=422)
    try:
        entered = attempt(session, calendar.put_year, session, actor=user, year=data.year,
                          data=data)
    except ProblemError as exc:
        return _calendar_page(request, session, f.add_problem(exc), status_code=_refused_status(exc))
    return redirect(f"/admin/calendar?year={entered.year}", request,
                    f"已录入 {entered.year} 年节假日安排（{entered.notice}）："
                    f"放假 {len(entered.holidays)} 天，调休上班 {len(entered.makeup_workdays)} 天")
