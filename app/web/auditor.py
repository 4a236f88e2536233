"""Pages of the auditor: the audit trail, and a button that verifies its hash chain.

Also the lease search with its CSV/XLSX downloads (the same filters and exports as
``/api/v1/audit/leases``) and the dashboard, its charts drawn as SVG on the server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.accounts.deps import ReadSessionDep, SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.audit import service as audit
from app.core import clock
from app.core.errors import InvalidInput, ProblemError
from app.oversight import audit_labels as labels
from app.oversight import dashboard, exports, search
from app.oversight import repository as oversight
from app.oversight.repository import LeaseFilter
from app.oversight.schemas import LeaseFilterIn, LeaseSearchIn
from app.web.core import Form, page_router, render, require
from app.web.forms import FormState
from rules.params import value_at

router = page_router()
AUDIT_READERS = require(Role.auditor, Role.admin)
PAGE = 50
BY_PERSON = 500  # one person's leases, all on one page
FILTERS = ("entity_type", "entity_id", "action", "actor")


def _trail(request: Request, session: ReadSessionDep, verification: audit.Verification | None,
           cursor: int | None) -> Response:
    values = {name: (request.query_params.get(name) or "").strip() for name in FILTERS}
    flt = oversight.EventFilter(**{k: v or None for k, v in values.items()})
    events = oversight.events_page(session, flt, cursor=cursor, limit=PAGE)
    query = urlencode({k: v for k, v in values.items() if v})
    rows = [{"id": e.id, "occurred_at": e.occurred_at, "actor": e.actor,
             "role": labels.role_label(e.role), "action": e.action,
             "action_label": labels.action_label(e.action) or e.action,
             "entity": f"{labels.entity_label(e.entity_type)} {e.entity_id}",
             "summary": labels.summary_lines(e.summary, e.entity_type), "hash": e.hash}
            for e in events]
    return render(request, "auditor/trail.html", {
        "events": rows, "values": values, "verification": verification, "query": query,
        "action_options": sorted(labels.ACTION_LABELS.items(), key=lambda kv: kv[0]),
        "entity_options": sorted(labels.ENTITY_LABELS.items(), key=lambda kv: kv[0]),
        "next_cursor": events[-1].id if len(events) == PAGE else None})


@router.get("/auditor/trail", name="auditor_trail")
def trail(request: Request, session: ReadSessionDep, cursor: int | None = None,
          _: User = AUDIT_READERS) -> Response:
    """Every event, newest first, filtered by entity, action or actor; 50 a page (keyset)."""
    return _trail(request, session, None, cursor)


@router.get("/auditor/verify", name="auditor_verify")
def verify(request: Request, session: ReadSessionDep, _: User = AUDIT_READERS) -> Response:
    """Recompute the whole chain (read only): intact, or the first broken event and why."""
    return _trail(request, session, audit.verify(session), None)


# ---- lease search, exports and the dashboard (issue 6) -------------------------------------

FLAG_LABELS = (("above_filed", "月租金超过备案标准"), ("above_appraisal", "超过评估租金上限（按签约日比例）"),
               ("appraisal_lapsed", "评估已逾两年"), ("in_transition", "过渡期中"),
               ("with_violations", "有违规记录"))
STATUS_OPTIONS = (("", "全部"), ("pending", "待签约"), ("active", "履行中"), ("in_transition", "过渡期中"),
                  ("renewed", "已续租"), ("ended", "已终止"), ("terminated", "已解除"))
SORT_OPTIONS = (("start_on", "起租日从早到晚"), ("-start_on", "起租日从晚到早"),
                ("monthly_rent", "月租金从低到高"), ("-monthly_rent", "月租金从高到低"))
TEXT_FIELDS = ("project_id", "organization_id", "district", "start_from", "start_to", "end_from",
               "end_to")


def _lease_query(request: Request) -> tuple[FormState, LeaseFilterIn | None]:
    """The filter form as typed (with errors by field) and the parsed filters."""
    params = request.query_params
    f = FormState({name: (params.get(name) or "").strip() for name in (*TEXT_FIELDS, "status", "sort")}
                  | {name: "true" for name, _ in FLAG_LABELS if params.get(name) == "true"})
    raw: dict[str, object] = {k: v for k, v in f.values.items() if v and k not in ("status", "sort")}
    if f.value("status"):
        raw["status"] = [f.value("status")]
    try:
        return f, LeaseFilterIn(**raw)
    except ValidationError as exc:
        return f.add_validation(exc), None


def _sort(f: FormState) -> Any:
    return f.value("sort") if f.value("sort") in dict(SORT_OPTIONS) else "start_on"


def _render_leases(request: Request, session: Session, f: FormState, page: dict[str, Any], *,
                   searched: bool, by_id_number: FormState | None = None) -> Response:
    query = urlencode({k: v for k, v in f.values.items() if v})
    failed = f.invalid or (by_id_number is not None and by_id_number.invalid)
    return render(request, "auditor/leases.html", {
        "f": f, "g": by_id_number or FormState(), "page": page, "searched": searched,
        "by_id_number": by_id_number is not None, "query": query, "flags": FLAG_LABELS,
        "statuses": STATUS_OPTIONS, "sorts": SORT_OPTIONS,
        "project_choices": oversight.lease_project_choices(session),
        "organization_choices": oversight.organization_choices(session),
        "districts": [(d, d) for d in value_at("central_districts", clock.today())]},
        status_code=422 if failed else 200)


@router.get("/auditor/leases", name="auditor_leases")
def leases(request: Request, session: ReadSessionDep, cursor: str | None = None,
           _: User = AUDIT_READERS) -> Response:
    """Find any lease by project, organisation, district, status, dates and rule flags; keyset
    pages; the same slice exported as CSV or XLSX."""
    f, filters = _lease_query(request)
    page: dict[str, Any] = {"items": [], "next_cursor": None}
    if not request.query_params:  # first visit: the latest leases, newest first
        f.values["sort"] = "-start_on"
    searched = True
    if filters is not None:
        try:
            page = search.search(session, LeaseFilter.of(filters.model_dump()), sort=_sort(f),
                                 cursor=cursor, limit=PAGE)
        except ProblemError as exc:  # a cursor that is not one of ours
            f.add_problem(exc)
    return _render_leases(request, session, f, page, searched=searched)


@router.post("/auditor/leases", name="auditor_leases_by_id_number")
def leases_by_id_number(request: Request, session: ReadSessionDep, write: SessionDep, form: Form,
                        user: User = AUDIT_READERS) -> Response:
    """Find a person's leases: the 身份证 number travels in the form body, never in a URL.

    The number is not echoed back into the page: a re-rendered form starts empty."""
    number = str(form.get("tenant_id_number") or "").strip()
    g = FormState()
    page: dict[str, Any] = {"items": [], "next_cursor": None}
    try:
        asked = LeaseSearchIn(tenant_id_number=number or None, limit=BY_PERSON)
    except ValidationError as exc:
        g.add_validation(exc)
    else:
        if asked.tenant_id_number is None:
            g.add("tenant_id_number", "请输入身份证号码")
            g.detail = "请更正下列标出的内容后再提交。"
        else:
            flt = LeaseFilter(tenant_id_number=asked.tenant_id_number)
            page = search.search(session, flt, sort="start_on", cursor=None, limit=asked.limit)
            page["next_cursor"] = None
            search.record_person_search(write, user, flt, len(page["items"]))
    return _render_leases(request, session, FormState(), page, searched=True, by_id_number=g)


def _download(request: Request, session: Session, user: User, fmt: str) -> Response:
    f, filters = _lease_query(request)
    if filters is None:
        raise InvalidInput("；".join(f.errors.values()))
    return exports.export_response(session, user, LeaseFilter.of(filters.model_dump()), _sort(f),
                                   fmt)


@router.get("/auditor/leases.csv", name="auditor_leases_csv")
def leases_csv(request: Request, session: ReadSessionDep, user: User = AUDIT_READERS) -> Response:
    """The current slice as CSV (身份证 masked), streamed; an audit event records it first."""
    return _download(request, session, user, "csv")


@router.get("/auditor/leases.xlsx", name="auditor_leases_xlsx")
def leases_xlsx(request: Request, session: ReadSessionDep, user: User = AUDIT_READERS) -> Response:
    return _download(request, session, user, "xlsx")


def bars(rows: list[tuple[str, float]], *, width: int = 560, bar: int = 22) -> dict[str, Any]:
    """Geometry of a horizontal bar chart drawn as SVG on the server (no script, no styles)."""
    label_w, gap = 170, 8
    top = max((value for _, value in rows), default=0) or 1
    span = width - label_w - 70
    return {"width": width, "height": len(rows) * (bar + gap) + gap, "bar": bar,
            "items": [{"label": label, "value": value, "y": gap + i * (bar + gap),
                       "x": label_w, "w": round(span * value / top, 1)}
                      for i, (label, value) in enumerate(rows)]}


@router.get("/auditor/dashboard", name="auditor_dashboard")
def dashboard_page(request: Request, session: SessionDep,
                   user: User = require(Role.auditor, Role.admin, Role.office, Role.leader)
                   ) -> Response:
    """The programme at a glance, with charts drawn as SVG on the server."""
    stats = dashboard.stats(session, user)
    return render(request, "auditor/dashboard.html", {
        "stats": stats,
        "status_chart": bars(list(stats["projects_by_status"].items())),
        "rent_chart": bars([(b["bucket"], b["leases"]) for b in stats["rent_to_cap"]]),
        "unit_chart": bars([("已发布待租", stats["units"]["published"]),
                            ("已出租", stats["units"]["leased"])]),
        "plan_chart": bars([(f"{r['district']} {label}", r[key]) for r in stats["planning"]["districts"]
                            for key, label in (("target_units", "目标"), ("certified_units", "认定"),
                                               ("let_units", "出租"))]),
        "fund_chart": bars([(f["title"][:12], round(f["balance_fen"] / 100, 2))
                            for f in stats["planning"]["funds"]]),
        "overdue_labels": {"reviews": "项目审查超期", "listings": "房源录入超期",
                           "exit_decisions": "退出决定超期", "reappraisals": "待重新评估"}})
