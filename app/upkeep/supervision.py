"""住建's supervision of operation (第三十九条) and of use and safety (第四十条), at a glance: per
project and per operator, open and overdue repairs, the median time from report to completion,
the reopen rate, disputed charges, and the safety flags (fire-safety check overdue, inspections
not rectified in time, emergency plans past their review date).

"Worst first" is this order: overdue repairs, then overdue rectifications, then an overdue
fire-safety check (projects) or the number of them (operators), then lapsed plans, then open
repairs, then the reopen rate; ties by id. The lists are computed whole (a handful of grouped
statements over the projects in operation, whatever their number of repairs) and served as
pages of that order (:func:`app.core.paging.slice_page`); the medians are computed for the
page's rows only, from their completed repairs.

* median completion: hours from the report to the (latest) completion of repairs done or
  confirmed; None without any;
* reopen rate: repairs reopened at least once ÷ repairs ever reported complete; None without any.
"""

from __future__ import annotations

from datetime import timedelta
from statistics import median
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import ProjectStatus
from app.core import clock
from app.core.paging import Page, slice_page
from app.upkeep import repository
from rules.art40_safety import fire_check_state
from rules.params import value_at

MEDIAN_WINDOW_DAYS = 365  # the city-wide median on the dashboard: repairs completed in the last year


def in_use_since(project: Any) -> Any:
    """The day a project went into use: operation started, or its listing verified, or completed."""
    return project.operation_started_on or project.listing_verified_on or project.completed_on


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(hours: list[float]) -> float | None:
    return round(median(hours), 1) if hours else None


def project_rows(session: Session, user: User) -> list[dict[str, Any]]:
    """Every supervised project ``user`` may see (the leading group sees the city's figures as
    on the dashboard), with its figures (no medians yet), worst first."""
    projects = repository.supervised_projects(session, None if user.role == Role.leader else user)
    now, today = clock.now(), clock.today()
    repairs = repository.repair_figures(session, None, now)
    disputes = repository.disputed_charges(session, None)
    checks = repository.last_checks(session, None)
    inspections = repository.inspection_figures(session, None, today)
    plans = repository.plan_figures(session, None, today)
    rows = []
    for p in projects:
        figures = repairs.get(p.id, {})
        in_operation = p.status == ProjectStatus.certified
        fire = fire_check_state(checks.get(p.id), in_use_since(p) if in_operation else None, today)
        rows.append({
            "project_id": p.id, "project_name": p.name, "district": p.district,
            "organization_id": p.organization_id, "operator": p.organization.name,
            "repairs": figures.get("repairs", 0), "open": figures.get("open", 0),
            "overdue": figures.get("overdue", 0), "completed": figures.get("completed", 0),
            "reopened": figures.get("reopened", 0), "ever_completed": figures.get("ever_completed", 0),
            "median_completion_hours": None,
            "reopen_rate": _rate(figures.get("reopened", 0), figures.get("ever_completed", 0)),
            "disputed_charges": disputes.get(p.id, 0),
            "fire_check_due_on": fire.due_on, "fire_check_overdue": fire.overdue,
            "inspections_open": inspections.get(p.id, (0, 0))[0],
            "inspections_overdue": inspections.get(p.id, (0, 0))[1],
            "plans_current": plans.get(p.id, (0, 0))[0], "plans_lapsed": plans.get(p.id, (0, 0))[1],
        })
    rows.sort(key=lambda r: (-r["overdue"], -r["inspections_overdue"], -int(r["fire_check_overdue"]),
                             -r["plans_lapsed"], -r["open"], -(r["reopen_rate"] or 0), r["project_id"]))
    return rows


def projects_page(session: Session, user: User, *, cursor: int | None, limit: int) -> Page[dict[str, Any]]:
    page = slice_page(project_rows(session, user), cursor=cursor, limit=limit)
    hours = repository.completion_hours(session, [r["project_id"] for r in page.items])
    for row in page.items:
        row["median_completion_hours"] = _median(hours.get(row["project_id"], []))
    return page


def operator_rows(session: Session, user: User) -> list[dict[str, Any]]:
    """The same figures added up per operator (the project's organisation now), worst first."""
    operators: dict[int, dict[str, Any]] = {}
    for row in project_rows(session, user):
        o = operators.setdefault(row["organization_id"], {
            "organization_id": row["organization_id"], "operator": row["operator"], "projects": 0,
            "project_ids": [], "repairs": 0, "open": 0, "overdue": 0, "completed": 0, "reopened": 0,
            "ever_completed": 0, "fire_checks_overdue": 0, "inspections_overdue": 0, "plans_lapsed": 0})
        o["projects"] += 1
        o["project_ids"].append(row["project_id"])
        for key in ("repairs", "open", "overdue", "completed", "reopened", "ever_completed",
                    "inspections_overdue", "plans_lapsed"):
            o[key] += row[key]
        o["fire_checks_overdue"] += int(row["fire_check_overdue"])
    rows = list(operators.values())
    for o in rows:
        o["reopen_rate"] = _rate(o["reopened"], o["ever_completed"])
        o["median_completion_hours"] = None
    rows.sort(key=lambda r: (-r["overdue"], -r["inspections_overdue"], -r["fire_checks_overdue"],
                             -r["plans_lapsed"], -r["open"], -(r["reopen_rate"] or 0),
                             r["organization_id"]))
    return rows


def operators_page(session: Session, user: User, *, cursor: int | None, limit: int) -> Page[dict[str, Any]]:
    page = slice_page(operator_rows(session, user), cursor=cursor, limit=limit)
    ids = [pid for o in page.items for pid in o["project_ids"]]
    hours = repository.completion_hours(session, ids)
    for o in page.items:
        o["median_completion_hours"] = _median([h for pid in o["project_ids"] for h in hours.get(pid, [])])
    return page


def city(session: Session, user: User, worst: int = 5) -> dict[str, Any]:
    """The dashboard's upkeep panel: the city's totals and the worst projects."""
    rows = project_rows(session, user)
    since = clock.now() - timedelta(days=MEDIAN_WINDOW_DAYS)
    hours = [h for found in repository.completion_hours(session, None, since=since).values() for h in found]
    total = {key: sum(r[key] for r in rows) for key in (
        "repairs", "open", "overdue", "completed", "reopened", "ever_completed", "disputed_charges",
        "inspections_open", "inspections_overdue", "plans_lapsed")}
    return {
        "projects": len(rows), **total,
        "median_completion_hours": _median(hours),
        "reopen_rate": _rate(total["reopened"], total["ever_completed"]),
        "fire_checks_overdue": sum(int(r["fire_check_overdue"]) for r in rows),
        "fire_check_interval_months": value_at("fire_check_interval_months", clock.today()),
        "worst": [{k: r[k] for k in ("project_id", "project_name", "operator", "open", "overdue",
                                     "inspections_overdue", "fire_check_overdue", "plans_lapsed")}
                  for r in rows[:worst] if r["overdue"] or r["inspections_overdue"]
                  or r["fire_check_overdue"] or r["plans_lapsed"] or r["open"]],
    }
