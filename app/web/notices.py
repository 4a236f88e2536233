"""The notice centre (消息中心) for every role, the channel choices in one's profile, and the
administrator's pages for scheduled jobs (runs, run now) and e-mail/SMS deliveries (failed ones,
send again).

The centre lives at ``/messages`` (``/notices/{number}`` is the public check of a 不符合通知书).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import ProblemError
from app.jobs import repository as jobs_repo
from app.jobs import service as jobs
from app.jobs import views as jobs_views
from app.notices import repository, service, views
from app.notices.enums import DeliveryStatus
from app.notices.schemas import PreferenceIn
from app.reminders import views as reminders_views
from app.web.core import CurrentUser, Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form
from app.web.pager import PAGE, next_url

router = page_router()
ADMIN = require(Role.admin)


@router.get("/messages", name="notice_centre")
def notice_centre(request: Request, session: SessionDep, user: CurrentUser, cursor: int | None = None,
                  unread: bool = False) -> Response:
    """My 站内信, newest first, unread ones marked; each with the page to act on."""
    found = repository.notices_page(session, user, unread_only=unread, cursor=cursor, limit=PAGE)
    return render(request, "notices/centre.html", {
        "notices": [views.notice_view(n) for n in found.items], "unread_only": unread,
        "unread_count": repository.unread_count(session, user.id),
        "next_url": next_url(request, found.next_cursor)})


@router.post("/messages/{notice_id:int}/read", name="notice_read")
def notice_read(request: Request, session: SessionDep, notice_id: int, form: Form,
                user: CurrentUser) -> Response:
    """Mark read; with ``go`` set, continue to the notice's page."""
    notice = service.mark_read(session, user, notice_id)
    if form.get("go") and notice.link:
        return redirect(notice.link)
    return redirect("/messages", request, "已标为已读")


@router.post("/messages/read-all", name="notice_read_all")
def notice_read_all(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    count = service.mark_all_read(session, user)
    return redirect("/messages", request, f"已将 {count} 条消息标为已读")


def _preferences_page(request: Request, user: User, f: FormState, status_code: int = 200) -> Response:
    return render(request, "notices/preferences.html", {
        "f": f, "email_allowed": service.email_allowed(user), "has_phone": bool(user.phone),
        "mandatory": [k for k in reminders_views.lead_times_kinds() if k["mandatory"]]},
        status_code=status_code)


@router.get("/messages/preferences", name="notice_preferences")
def preferences(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    pref = service.preferences(session, user)
    f = FormState.of({"email": pref.email or "", "email_enabled": "on" if pref.email_enabled else "",
                      "sms_enabled": "on" if pref.sms_enabled else ""})
    return _preferences_page(request, user, f)


@router.post("/messages/preferences", name="notice_preferences_save")
def save_preferences(request: Request, session: SessionDep, form: Form, user: CurrentUser) -> Response:
    f = FormState.of(form)
    data = {"email": f.value("email") or None, "email_enabled": f.checked("email_enabled"),
            "sms_enabled": f.checked("sms_enabled")}
    if not service.email_allowed(user):
        data.pop("email"), data.pop("email_enabled")
    try:
        attempt(session, service.set_preferences, session, user, from_form(PreferenceIn, data))
    except ValidationError as exc:
        return _preferences_page(request, user, f.add_validation(exc), 422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _preferences_page(request, user, f.add_problem(exc), exc.status)
    return redirect("/messages/preferences", request, "已保存接收方式")


# ---- the administrator: jobs and deliveries ------------------------------------------------------

@router.get("/admin/jobs", name="admin_jobs")
def admin_jobs(request: Request, session: SessionDep, cursor: int | None = None,
               _: User = ADMIN) -> Response:
    """Every job with its schedule and last run; every run, newest first; a "run now" button."""
    runs = jobs_repo.runs_page(session, cursor=cursor, limit=PAGE)
    listed = jobs.jobs_with_last_run(session)
    for row in listed:
        row["last_run"] = jobs_views.run_view(row["last_run"]) if row["last_run"] else None
    return render(request, "notices/jobs.html", {
        "jobs": listed, "runs": [jobs_views.run_view(r) for r in runs.items],
        "next_url": next_url(request, runs.next_cursor)})


@router.post("/admin/jobs/{name}/run", name="admin_job_run")
def admin_job_run(request: Request, session: SessionDep, name: str, user: User = ADMIN) -> Response:
    run = jobs.request_run(session, actor=user, name=name)
    return redirect("/admin/jobs", request, f"已排队（第 {run.id} 次运行），定时任务进程将在几秒内执行")


@router.get("/admin/deliveries", name="admin_deliveries")
def admin_deliveries(request: Request, session: SessionDep, cursor: int | None = None,
                     status: DeliveryStatus | None = DeliveryStatus.failed, _: User = ADMIN) -> Response:
    """E-mail and SMS deliveries (failed ones by default), with "send again"."""
    found = repository.deliveries_page(session, status=status, cursor=cursor, limit=PAGE)
    return render(request, "notices/deliveries.html", {
        "deliveries": [views.delivery_view(d) for d in found.items], "status": status,
        "statuses": list(DeliveryStatus.labels().items()), "next_url": next_url(request, found.next_cursor)})


@router.post("/admin/deliveries/{delivery_id:int}/retry", name="admin_delivery_retry")
def admin_delivery_retry(request: Request, session: SessionDep, delivery_id: int,
                         user: User = ADMIN) -> Response:
    service.retry_delivery(session, actor=user, delivery_id=delivery_id)
    return redirect("/admin/deliveries", request, "已重新排入发送队列")
