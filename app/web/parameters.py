"""规则与参数: every parameter with its source (public), and the city's dated changes of its
policy settings (the administrator saves, the office and the administrator preview the impact).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.core import clock
from app.core.errors import ProblemError
from app.oversight.impact import impact
from app.parameters import repository, service, views
from app.parameters.schemas import PolicyChangeIn, PreviewIn
from app.web.core import Form, OptionalUser, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form, text
from rules.params import value_at

router = page_router()
EDITORS = require(Role.admin, Role.office)
ADMIN = require(Role.admin)


@router.get("/rules", name="public_parameters")
def public_parameters(request: Request, session: SessionDep, _: OptionalUser) -> Response:
    """Every number the platform applies: its value today, since when, and the article or the
    city's decision behind it, with its history."""
    return render(request, "public/parameters.html", {
        "parameters": views.parameter_views(repository.changes(session), clock.today())})


def _page(request: Request, session: Any, user: User, *, name: str | None = None,
          f: FormState | None = None, preview: dict[str, Any] | None = None,
          status_code: int = 200) -> Response:
    found = views.parameter_views(repository.changes(session), clock.today())
    return render(request, "admin/parameters.html", {
        "parameters": [p for p in found if p["policy"]], "others": [p for p in found if not p["policy"]],
        "chosen": name, "f": f or FormState(), "blank_form": FormState(), "preview": preview,
        "may_save": user.role == Role.admin, "today": clock.today()}, status_code=status_code)


@router.get("/admin/parameters", name="admin_parameters")
def parameters_page(request: Request, session: SessionDep, user: User = EDITORS) -> Response:
    """The city's policy settings with a form for a dated change of each (preview first)."""
    return _page(request, session, user)


def _values(form: Any) -> dict[str, Any]:
    return {"value": text(form, "value"), "since": text(form, "since"),
            "reason": text(form, "reason"), "reference": text(form, "reference")}


@router.post("/admin/parameters/{name}/preview", name="admin_parameter_preview")
def preview(request: Request, session: SessionDep, name: str, form: Form,
            user: User = EDITORS) -> Response:
    """What the change would apply to from its date, before anyone decides."""
    parameter, f = service.known(name), FormState(_values(form))
    try:
        data = from_form(PreviewIn, {"value": f.value("value"), "since": f.value("since")})
        value = service.check_change(parameter, data.value, data.since)
    except ValidationError as exc:
        return _page(request, session, user, name=name, f=f.add_validation(exc), status_code=422)
    except ProblemError as exc:
        return _page(request, session, user, name=name, f=f.add_problem(exc), status_code=exc.status)
    result = {"name": name, "since": data.since, "value_then": views.shown(value_at(name, data.since)),
              "value": views.shown(value), "groups": impact(session, name, data.since, value)}
    return _page(request, session, user, name=name, f=f, preview=result)


@router.post("/admin/parameters/{name}", name="admin_parameter_change")
def change(request: Request, session: SessionDep, name: str, form: Form,
           user: User = ADMIN) -> Response:
    """Save a dated change (an audit event); every process applies it from its date."""
    service.known(name)
    f = FormState(_values(form))
    try:
        data = from_form(PolicyChangeIn, f.values)
        attempt(session, service.record_change, session, user, name, data)
    except ValidationError as exc:
        return _page(request, session, user, name=name, f=f.add_validation(exc), status_code=422)
    except ProblemError as exc:
        return _page(request, session, user, name=name, f=f.add_problem(exc), status_code=exc.status)
    return redirect("/admin/parameters", request,
                    f"已保存：{name} 自 {data.since.isoformat()} 起调整为 {data.value}")
