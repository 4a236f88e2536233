"""Every list endpoint is bounded (issue 12, point 5).

For each ``GET`` under ``/api/v1`` that answers a JSON array: ``limit`` is honoured (at most
200, more is refused with 422), the ``Link: <…>; rel="next"`` header leads from page to page
and following it visits every item exactly once; and a page costs the same number of SQL
statements whether the list holds 2 items or 7 (no N+1).

Each case names who asks, the path, what to set up once (a project, a lease …) and how to add
``n`` items to the list. Items are added through the API where that is a request or two;
where the API would need years of history (benefits, exit requests, notices) the rows are
added to the session directly: the workflows that write them are tested elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count as counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.access.models import AccessCredential, AccessEvent, AccessSignal
from app.accounts.models import Department
from app.approval.models import ProjectBenefit
from app.core.clock import now
from app.jobs.models import JobRun
from app.main import app
from app.notices.models import NoticeDelivery
from app.notices.service import send as send_notice
from app.operation.models import ExitRequest
from app.planning.models import StatisticsReport
from app.reminders.models import Reminder
from app.tenants.applications import notify
from tests.approval.conftest import Cast, application, cast  # noqa: F401
from tests.conftest import IN_REQUEST
from tests.leases.conftest import (  # noqa: F401
    City,
    apply,
    approve,
    in_force,
    lease_body,
    operate,
    tenant,
)
from tests.planning.conftest import fund_body, plan_body
from tests.upkeep.conftest import jpeg, pdf

API = "/api/v1"
LINK = re.compile(r'^<([^>]+)>; rel="next"$')
SAVEPOINTS = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)
_n = counter(1)


# ---- counting statements ------------------------------------------------------------------

@dataclass
class Measured:
    items: list[Any]
    statements: list[str]


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the request path runs meanwhile: not the test's own, nor the
    savepoints that hold each request of a test (production has none)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if IN_REQUEST.get() and not SAVEPOINTS.match(statement):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


# ---- the world a case builds its list in ------------------------------------------------------

@dataclass
class World:
    cast: Cast
    session: Session
    make_user: Callable[..., Any]
    make_org: Callable[..., Any]
    login: Callable[..., dict[str, str]]
    tenant: Callable[..., Any]
    ids: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    city: City | None = None

    @property
    def client(self) -> TestClient:
        return self.cast.client

    def as_(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        return self.headers.get(who) or self.cast.as_(who)

    def certified(self) -> int:
        project_id = self.cast.file(name=f"认定项目{next(_n)}")
        self.cast.to_state(project_id, "certified")
        return project_id

    def operating_city(self, units: int = 10) -> City:
        if self.city is None:
            self.city = operate(self.cast, units=units)
            self.ids["project"] = self.city.project_id
        return self.city

    def approved_applicant(self) -> tuple[Any, int]:
        person = self.tenant()
        found = apply(self.operating_city(), person)
        approve(self.operating_city(), found["id"])
        return person, found["id"]

    def add(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.flush()


def departments(w: World, n: int) -> None:
    w.add(*(Department(code=f"test{k}", name=f"测试单位{k}", kind="utility", duties="")
            for k in (next(_n) for _ in range(n))))


def dispatch_setup(w: World) -> None:
    w.ids["project"] = w.cast.file()
    w.cast.to_state(w.ids["project"], "accepted")
    w.ids["next_department"] = 0


def dispatch_more(w: World, n: int) -> None:
    government = list(w.session.scalars(select(Department.id).where(Department.kind == "government")
                                        .order_by(Department.id)))
    start = w.ids["next_department"]
    w.ids["next_department"] = start + n
    w.cast.post("office", f"{API}/projects/{w.ids['project']}/dispatch",
                {"department_ids": government[start:start + n]})


def edits(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.put(f"{API}/projects/{w.ids['project']}", headers=w.cast.as_("developer"),
                                json=application(name=f"修改{next(_n)}"))
        assert response.status_code == 200, response.text


def material_requests(w: World, n: int) -> None:
    path = f"{API}/projects/{w.ids['project']}"
    for _ in range(n):
        w.cast.post("office", f"{path}/request-materials", {"items": ["产权证明"], "comment": "请补充"})
        w.cast.post("developer", f"{path}/supplement", {"comment": "已补充"})


def submitted(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("developer", f"{API}/projects/{w.cast.file()}/submit", {})


def accepted_projects(w: World, n: int) -> None:
    for _ in range(n):  # accepted: each has a review clock, and the queue is sorted by deadline
        w.cast.to_state(w.cast.file(), "accepted")


def late_listings(w: World, n: int) -> None:
    for _ in range(n):  # completed a month ago, nothing listed: 第三十条's 15 days are over
        w.cast.post("developer", f"{API}/projects/{w.certified()}/completion",
                    {"completed_on": "2025-05-01"})


def subsidies(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("office", f"{API}/projects/{w.ids['project']}/subsidies", {
            "amount_yuan": "100000.00", "source": "中央补助资金", "document_no": f"景财{next(_n)}号"},
            expect=201)


def benefits(w: World, n: int) -> None:
    w.add(*(ProjectBenefit(project_id=w.ids["project"], code=f"test{next(_n)}", title="测试优惠",
                           article="第十四条", since=date(2025, 6, 3)) for _ in range(n)))


def exit_request(project_id: int, w: World, status: str) -> ExitRequest:
    return ExitRequest(project_id=project_id, requested_on=date(2025, 6, 2),
                       requested_by_id=w.cast.developer.id, notice_from=date(2025, 5, 1),
                       notice_to=date(2025, 5, 31), objections=0, status=status)


def filed_rents(w: World, n: int) -> None:
    for _ in range(n):
        path = f"{API}/projects/{w.certified()}"
        appraisal = w.cast.post("zhujian", f"{path}/appraisals", {
            "appraiser": "评估公司", "report_no": f"评-{next(_n)}", "appraised_on": "2025-05-20",
            "market_rent_per_m2": "30.00"}, expect=201)["id"]
        standard = w.cast.post("developer", f"{path}/rent-standards", {
            "appraisal_id": appraisal, "rates": [{"rate_per_m2": "27.00"}]}, expect=201)["id"]
        w.cast.post("fagai", f"{API}/rent-standards/{standard}/file", {"filing_no": f"备{next(_n)}"})


def tenant_setup(w: World) -> None:
    person = w.tenant()
    w.ids["tenant"], w.headers["tenant"] = person.user_id, person.headers


def lease_setup(w: World) -> None:
    person, application_id = w.approved_applicant()
    w.ids["tenant"] = person.user_id
    w.ids["lease"] = in_force(w.client, w.cast.post("developer", f"{API}/leases", lease_body(
        w.operating_city(), application_id), expect=201), person.headers, w.cast.as_("developer"))["id"]


def tenant_violations(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("developer", f"{API}/leases/{w.ids['lease']}/violations",
                    {"kind": "idle", "description": "长期闲置", "rectify_days": 30}, expect=201)


def operator_violations(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("office", f"{API}/projects/{w.ids['project']}/violations",
                    {"kind": "unauthorized_fees", "description": "违规收费", "rectify_days": 30},
                    expect=201)


def submitted_project(w: World) -> None:
    submitted(w, 1)
    w.ids["project"] = w.cast.get("developer", f"{API}/projects")[0]["id"]
    w.ids["organization"] = w.cast.developer.organization_id


def applications(w: World, n: int) -> None:
    for _ in range(n):
        apply(w.operating_city(), w.tenant())


def priority_groups(w: World, n: int) -> None:
    for _ in range(n):
        k = next(_n)
        w.cast.post("developer", f"{API}/projects/{w.ids['project']}/priority-groups", {
            "name": f"优先组{k}", "kind": "park", "rank": k % 3,
            "organization_ids": [w.cast.developer.organization_id]}, expect=201)


def leases(w: World, n: int) -> None:
    for _ in range(n):
        _, application_id = w.approved_applicant()
        w.ids["unit"] = unit = w.ids.get("unit", -1) + 1
        w.cast.post("developer", f"{API}/leases",
                    lease_body(w.operating_city(), application_id, unit=unit), expect=201)


def employer_lease(w: World) -> None:
    employer = w.make_org()
    w.headers["employer"] = w.login(w.make_user("employer", organization_id=employer.id))
    w.ids["lease"] = in_force(w.client, w.cast.post("developer", f"{API}/leases", lease_body(
        w.operating_city(), None, employer_organization_id=employer.id), expect=201),
        w.headers["employer"], w.cast.as_("developer"))["id"]


def occupants(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.post(f"{API}/leases/{w.ids['lease']}/occupants",
                                 headers=w.headers["employer"], json={"id_number": w.tenant().id_number})
        assert response.status_code == 202, response.text


def invited_tenant(w: World) -> None:
    """An employer's whole-unit lease and a tenant it invites (issue 14: invitations)."""
    employer_lease(w)
    person = w.tenant()
    w.ids["tenant"], w.headers["tenant"] = person.user_id, person.headers
    w.ids["tenant_number"] = person.id_number


def placements(w: World, n: int) -> None:
    """Invitations to the tenant: each sent, then withdrawn, so the next can be sent."""
    url = f"{API}/leases/{w.ids['lease']}/occupants"
    for _ in range(n):
        sent = w.client.post(url, headers=w.headers["employer"], json={"id_number": w.ids["tenant_number"]})
        assert sent.status_code == 202, sent.text
        waiting = next(o for o in w.client.get(url, headers=w.headers["employer"]).json()
                       if o["status"] == "invited")
        withdrawn = w.client.post(f"{url}/{waiting['id']}/withdraw", headers=w.headers["employer"])
        assert withdrawn.status_code == 200, withdrawn.text


# ---- contracts (issue 16) ---------------------------------------------------------------------

def contracts(w: World, n: int) -> None:
    """Leases, each with its contract drafted."""
    for _ in range(n):
        _, application_id = w.approved_applicant()
        w.ids["unit"] = unit = w.ids.get("unit", -1) + 1
        lease = w.cast.post("developer", f"{API}/leases",
                            lease_body(w.operating_city(), application_id, unit=unit), expect=201)
        w.cast.post("developer", f"{API}/contracts", {"lease_id": lease["id"], "safety_terms": "安全"},
                    expect=201)


def contract_templates(w: World, n: int) -> None:
    for _ in range(n):
        k = next(_n)
        w.cast.post("office", f"{API}/contract-templates", {
            "version": 1000 + k, "title": f"第 {k} 版", "effective_on": "2030-01-01",
            "body": "# 合同\n{{ contract.number }}"}, expect=201)


def proofs(w: World, n: int) -> None:
    (contract,) = w.client.get(f"{API}/contracts", params={"lease_id": w.ids["lease"]},
                               headers=w.headers["tenant"]).json()
    for _ in range(n):
        made = w.client.post(f"{API}/contracts/{contract['id']}/proofs", json={"purpose": "schooling"},
                             headers=w.headers["tenant"])
        assert made.status_code == 201, made.text


def tenant_in_force(w: World) -> None:
    person, application_id = w.approved_applicant()
    w.headers["tenant"] = person.headers
    w.ids["lease"] = in_force(w.client, w.cast.post("developer", f"{API}/leases", lease_body(
        w.operating_city(), application_id), expect=201), person.headers, w.cast.as_("developer"))["id"]


# ---- upkeep (issue 17) ------------------------------------------------------------------------

def multipart(fields: dict[str, Any], files: list[Any] | None = None) -> list[Any]:
    return [(k, (None, str(v))) for k, v in fields.items()] + list(files or [])


def tenant_at_home(w: World) -> None:
    """A tenant with a lease in the operating city: they may report repairs on its unit."""
    person, application_id = w.approved_applicant()
    lease = in_force(w.client, w.cast.post("developer", f"{API}/leases", lease_body(
        w.operating_city(), application_id), expect=201), person.headers, w.cast.as_("developer"))
    w.ids["unit"], w.headers["tenant"] = lease["unit_id"], person.headers


def repairs(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.post(f"{API}/repairs", headers=w.headers["tenant"], files=multipart({
            "unit_id": w.ids["unit"], "category": "other", "urgency": "normal",
            "description": f"报修{next(_n)}"}, [("photos", ("p.jpg", jpeg(), "image/jpeg"))]))
        assert response.status_code == 201, response.text
        w.ids["repair"] = response.json()["id"]


def one_repair(w: World) -> None:
    tenant_at_home(w)
    repairs(w, 1)


def repair_comments(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("developer", f"{API}/repairs/{w.ids['repair']}/comments", {"comment": f"留言{next(_n)}"})


def safety_checks(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.post(f"{API}/projects/{w.ids['project']}/safety-checks",
                                 headers=w.cast.as_("developer"), files=multipart({
                                     "checked_on": "2025-06-03", "fire_facilities": "ok", "equipment": "ok",
                                     "evacuation_routes": "ok", "safety_exits": "ok", "fire_lanes": "ok"},
                                     [("photos", ("c.jpg", jpeg(), "image/jpeg"))]))
        assert response.status_code == 201, response.text


def inspections(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.post(f"{API}/projects/{w.ids['project']}/inspections",
                                 headers=w.cast.as_("zhujian"), files=multipart({
                                     "inspected_on": "2025-06-03", "result": "rectify", "findings": "整改",
                                     "rectify_by": "2025-06-30"},
                                     [("photos", ("i.jpg", jpeg(), "image/jpeg"))]))
        assert response.status_code == 201, response.text


def plans(w: World, n: int) -> None:
    for _ in range(n):
        response = w.client.post(f"{API}/projects/{w.ids['project']}/emergency-plans",
                                 headers=w.cast.as_("developer"), files=multipart(
                                     {"kind": "fire", "title": f"预案{next(_n)}", "review_on": "2025-12-31"},
                                     [("file", ("plan.pdf", pdf(), "application/pdf"))]))
        assert response.status_code == 201, response.text


def quality_records(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("zhujian", f"{API}/projects/{w.ids['project']}/quality-supervisions", {
            "structure_safe": True, "fire_safe": True, "result": "passed"}, expect=201)


def certified_projects(w: World, n: int) -> None:
    for _ in range(n):  # each in operation: supervised, whether it has repairs or not
        w.certified()


def operators(w: World, n: int) -> None:
    for _ in range(n):  # each project handed to an operator of its own (第四十五条)
        w.cast.post("office", f"{API}/projects/{w.certified()}/transfers", {
            "to_organization_id": w.make_org().id, "reason": "merger", "document_no": f"合并{next(_n)}号"})


def draft(w: World) -> None:
    w.ids["project"] = w.cast.file()


def accepted(w: World) -> None:
    draft(w)
    w.cast.to_state(w.ids["project"], "accepted")


def certified(w: World) -> None:
    w.ids["project"] = w.certified()


def city(w: World) -> None:
    w.operating_city()


def notices(w: World, n: int) -> None:
    for _ in range(n):
        notify(w.session, w.ids["tenant"], "test", f"消息{next(_n)}")
    w.session.flush()


def job_runs(w: World, n: int) -> None:
    start = now()
    w.add(*(JobRun(job="test.listed", occurrence=start + timedelta(seconds=next(_n)), trigger="manual",
                   outcome="succeeded") for _ in range(n)))


def my_notices(w: World, n: int) -> None:
    for _ in range(n):
        send_notice(w.session, user_id=w.ids["tenant"], kind="test", title="测试", message=f"消息{next(_n)}")
    w.session.flush()


def one_notice(w: World) -> None:
    tenant_setup(w)
    w.ids["notice"] = send_notice(w.session, user_id=w.ids["tenant"], kind="test", title="测试",
                                  message="消息").id


def deliveries(w: World, n: int) -> None:
    w.add(*(NoticeDelivery(notice_id=w.ids["notice"], channel="sms", address="13800000000")
            for _ in range(n)))


def reminders(w: World, n: int) -> None:
    w.add(*(Reminder(kind="lease_ending", object_type="lease", object_id=next(_n), deadline=date(2026, 1, 1),
                     recipient_id=w.ids["tenant"], notice_id=w.ids["notice"], sent_on=date(2025, 12, 1))
            for _ in range(n)))


# ---- door access (第四十条) ---------------------------------------------------------------------

def access_setup(w: World) -> None:
    """A lease of the operating city with a credential bound to it and an idle signal on it."""
    _, application_id = w.approved_applicant()
    lease = w.cast.post("developer", f"{API}/leases", lease_body(w.operating_city(), application_id),
                        expect=201)
    w.ids["lease"], w.ids["unit"] = lease["id"], lease["unit_id"]
    credential = AccessCredential(external_id=f"card{next(_n)}", kind="card", project_id=w.ids["project"],
                                  unit_id=w.ids["unit"], status="bound", lease_id=w.ids["lease"],
                                  bound_on=date(2025, 6, 1))
    w.add(credential)
    w.ids["credential"] = credential.id
    signals(w, 1)
    w.ids["signal"] = w.session.scalars(select(AccessSignal.id).order_by(AccessSignal.id.desc())).first()


def devices(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("developer", f"{API}/access/projects/{w.ids['project']}/devices", {
            "name": f"闸机{next(_n)}", "location_kind": "entrance", "location": "北门"}, expect=201)


def credentials(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("developer", f"{API}/access/projects/{w.ids['project']}/credentials", {
            "unit_id": w.operating_city().unit_ids[0], "external_id": f"card{next(_n)}", "kind": "card"},
            expect=201)


def access_events(w: World, n: int) -> None:
    """Entries by the signal's credential, a second apart (events are paged by their time)."""
    start = now().replace(microsecond=0)
    w.add(*(AccessEvent(device_id=1, event_id=f"e{k}", occurred_at=start - timedelta(seconds=k),
                        project_id=w.ids["project"], credential=f"card{k}",
                        credential_ref=w.ids["credential"], standing="bound", direction="in",
                        result="granted") for k in (next(_n) for _ in range(n))))


def signals(w: World, n: int) -> None:
    w.add(*(AccessSignal(kind="idle", project_id=w.ids["project"], unit_id=w.ids["unit"],
                         lease_id=w.ids["lease"], credential_id=w.ids["credential"],
                         first_detected_on=date(2025, 6, 1), last_detected_on=date(2025, 6, 3),
                         evidence={"window_days": 30}) for _ in range(n)))


def by_event(item: dict[str, Any]) -> Any:
    return item["device_id"], item["event_id"]


# ---- plans, funds and reports (第六、十一至十三条) ------------------------------------------------

def plans_drafted(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("zhujian", f"{API}/plans", plan_body([], document_no=f"景住建字{next(_n)}号"), expect=201)


def plans_published(w: World, n: int) -> None:
    for _ in range(n):
        plan = w.cast.post("zhujian", f"{API}/plans", plan_body(
            [w.ids["project"]], document_no=f"景住建字{next(_n)}号"), expect=201)
        w.cast.post("zhujian", f"{API}/plans/{plan['id']}/publish")


def funds(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("office", f"{API}/funds", fund_body(document_no=f"财建{next(_n)}号"), expect=201)


def one_fund(w: World) -> None:
    certified(w)
    w.ids["fund"] = w.cast.post("office", f"{API}/funds", fund_body(document_no=f"财建{next(_n)}号"),
                                expect=201)["id"]


def fund_entries(w: World, n: int) -> None:
    for _ in range(n):
        w.cast.post("office", f"{API}/funds/{w.ids['fund']}/entries", {
            "kind": "allocation", "project_id": w.ids["project"], "amount_fen": 1_000, "on": "2025-06-01"},
            expect=201)


def statistics_reports(w: World, n: int) -> None:
    w.add(*(StatisticsReport(period_kind="month", period_start=date(2025, 5, 1), period_end=date(2025, 5, 31),
                             version=k, xlsx_path=f"r{k}.xlsx", xlsx_sha256="0" * 64, pdf_path=f"r{k}.pdf",
                             pdf_sha256="0" * 64) for k in (next(_n) for _ in range(n))))


def by_id(item: dict[str, Any]) -> Any:
    return item["id"]


def by_project(item: dict[str, Any]) -> Any:
    return item["project_id"]


def whole(item: dict[str, Any]) -> Any:
    return json.dumps(item, sort_keys=True)


def nothing(_: World) -> None:
    pass


@dataclass(frozen=True)
class Case:
    name: str
    who: str | None
    path: str  # under /api/v1, with {names} from ``World.ids``
    add: Callable[[World, int], None]
    setup: Callable[[World], None] = nothing
    key: Callable[[dict[str, Any]], Any] = by_id

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("users", "admin", "/users", lambda w, n: [w.make_user("office") for _ in range(n)]),
    Case("organizations", "admin", "/organizations", lambda w, n: [w.make_org() for _ in range(n)]),
    Case("departments", "office", "/departments", departments),
    Case("projects", "developer", "/projects", lambda w, n: [w.cast.file() for _ in range(n)]),
    Case("opinions", "office", "/projects/{project}/opinions", dispatch_more, dispatch_setup,
         key=lambda item: item["department_id"]),
    Case("history", "developer", "/projects/{project}/history", edits, draft, key=whole),
    Case("material-requests", "developer", "/projects/{project}/material-requests",
         material_requests, accepted),
    Case("review-queue", "office", "/review-queue", accepted_projects, key=by_project),
    Case("listing-queue", "zhujian", "/listing-queue", late_listings, key=by_project),
    Case("subsidies", "office", "/projects/{project}/subsidies", subsidies, certified),
    Case("benefits", "developer", "/projects/{project}/benefits", benefits, certified,
         key=lambda item: item["code"]),
    Case("exit-requests", "developer", "/projects/{project}/exit-requests",
         lambda w, n: w.add(*(exit_request(w.ids["project"], w, "refused") for _ in range(n))),
         certified),
    Case("exit-queue", "office", "/exit-queue",
         lambda w, n: w.add(*(exit_request(w.cast.file(), w, "pending") for _ in range(n)))),
    Case("rents", None, "/rents", filed_rents, key=by_project),
    Case("notices", "tenant", "/tenants/me/notices", notices, tenant_setup, key=whole),
    Case("tenant-credit", "office", "/tenants/{tenant}/credit", tenant_violations, lease_setup,
         key=lambda item: item["violation_id"]),
    Case("organization-credit", "office", "/organizations/{organization}/credit",
         operator_violations, submitted_project, key=lambda item: item["violation_id"]),
    Case("tenant-applications", "office", "/tenant-applications", applications, city),
    Case("priority-groups", None, "/projects/{project}/priority-groups", priority_groups, city),
    Case("leases", "developer", "/leases", leases),
    Case("occupants", "employer", "/leases/{lease}/occupants", occupants, employer_lease),
    Case("contracts", "developer", "/contracts", contracts),
    Case("contract-templates", "office", "/contract-templates", contract_templates),
    Case("lease-proofs", "tenant", "/leases/{lease}/proofs", proofs, tenant_in_force),
    Case("repairs", "tenant", "/repairs", repairs, tenant_at_home),
    Case("repair-queue", "developer", "/repair-queue", repairs, tenant_at_home),
    Case("repair-history", "tenant", "/repairs/{repair}/history", repair_comments, one_repair),
    Case("safety-checks", "developer", "/projects/{project}/safety-checks", safety_checks, city),
    Case("inspections", "developer", "/projects/{project}/inspections", inspections, city),
    Case("emergency-plans", "zhujian", "/projects/{project}/emergency-plans", plans, city),
    Case("quality-supervisions", "office", "/projects/{project}/quality-supervisions", quality_records,
         city),
    Case("supervision-projects", "zhujian", "/upkeep/supervision/projects", certified_projects,
         key=by_project),
    Case("supervision-operators", "office", "/upkeep/supervision/operators", operators,
         key=lambda item: item["organization_id"]),
    Case("placements", "tenant", "/tenants/me/placements", placements, invited_tenant),
    Case("job-runs", "admin", "/jobs/runs", job_runs),
    Case("my-notices", "tenant", "/notices", my_notices, tenant_setup),
    Case("notice-deliveries", "admin", "/notice-deliveries", deliveries, one_notice),
    Case("reminders", "admin", "/reminders", reminders, one_notice),
    Case("access-devices", "developer", "/access/projects/{project}/devices", devices, city),
    Case("access-credentials", "developer", "/access/projects/{project}/credentials", credentials, city),
    Case("access-project-events", "developer", "/access/projects/{project}/events", access_events,
         access_setup, key=by_event),
    Case("access-signals", "developer", "/access/signals", signals, access_setup),
    Case("access-signal-events", "developer", "/access/signals/{signal}/events", access_events,
         access_setup, key=by_event),
    Case("plans", "office", "/plans", plans_drafted),
    Case("public-plans", None, "/public/plans", plans_published, certified,
         key=lambda item: item["plan_id"]),
    Case("funds", "office", "/funds", funds),
    Case("fund-entries", "office", "/funds/{fund}/entries", fund_entries, one_fund),
    Case("statistics-reports", "office", "/statistics-reports", statistics_reports),
]


@pytest.fixture
def world(cast, session, make_user, make_org, login, tenant) -> World:  # noqa: F811
    return World(cast, session, make_user, make_org, login, tenant)


def first_page(w: World, path: str, who: str | None) -> Measured:
    """The list's first page, and the statements the request ran (the identity map emptied
    first, so that nothing is served from what the test itself loaded)."""
    w.session.expunge_all()
    with statements() as seen:
        response = w.client.get(path, headers=w.as_(who))
    assert response.status_code == 200, response.text
    return Measured(response.json(), list(seen))


def walk(w: World, path: str, who: str | None, limit: int, key: Callable[[dict[str, Any]], Any]
         ) -> list[Any]:
    """Every item's key, following the ``Link`` header from the first page to the last."""
    keys: list[Any] = []
    url: str | None = f"{path}?limit={limit}"
    while url is not None:
        response = w.client.get(url, headers=w.as_(who))
        assert response.status_code == 200, response.text
        items = response.json()
        assert len(items) <= limit
        keys += [key(item) for item in items]
        link = response.headers.get("link")
        if link is None:
            url = None
        else:
            found = LINK.match(link)
            assert found, link
            assert len(items) == limit, "a page that is not full is the last one"
            url = found.group(1)
        assert len(keys) <= 1000, "the pages do not end"
    return keys


@pytest.mark.parametrize("case", CASES, ids=str)
def test_list_is_paged_and_its_statements_do_not_grow(world: World, case: Case) -> None:
    case.setup(world)
    path = API + case.path.format(**world.ids)
    case.add(world, 2)
    first_page(world, path, case.who)  # once before counting: caches warm, as in production
    small = first_page(world, path, case.who)
    case.add(world, 5)
    large = first_page(world, path, case.who)
    assert len(large.items) == len(small.items) + 5
    assert small.statements, "the listener counted nothing"
    assert len(large.statements) == len(small.statements), (
        f"{case.name}: {len(small.statements)} statements for {len(small.items)} items, "
        f"{len(large.statements)} for {len(large.items)}:\n" + "\n".join(large.statements))

    everything = walk(world, path, case.who, 200, case.key)
    paged = walk(world, path, case.who, 3, case.key)
    assert len(everything) >= 7
    assert paged == everything and len(set(paged)) == len(paged)
    assert len(everything) > 3, "more than one page"
    too_many = world.client.get(f"{path}?limit=201", headers=world.as_(case.who))
    assert too_many.status_code == 422


def test_housing_statements_do_not_grow_with_projects(world: World) -> None:
    """The public ``GET /housing`` reads the projects on offer, their units available and
    filed rents in one statement, however many projects there are (it ran 2 per project)."""
    for _ in range(2):
        operate(world.cast, units=1)
    first_page(world, f"{API}/housing", None)
    small = first_page(world, f"{API}/housing", None)
    for _ in range(5):
        operate(world.cast, units=1)
    large = first_page(world, f"{API}/housing", None)
    assert (len(small.items), len(large.items)) == (2, 7)
    assert len(small.statements) == len(large.statements) <= 3, large.statements
    assert all(item["units_available"] == 1 and item["rates"] for item in large.items)
    paged = walk(world, f"{API}/housing", None, 3, by_project)
    assert paged == [item["project_id"] for item in large.items]
    assert world.client.get(f"{API}/housing?limit=201").status_code == 422


def test_every_list_endpoint_is_paged_and_has_a_case_here() -> None:
    """A new ``GET`` answering an array must take ``cursor`` and ``limit`` and get a case above
    (``/projects/{id}/units`` and ``/audit/*`` answer pages of their own shape)."""
    lists = set()
    for path, operations in app.openapi()["paths"].items():
        get = operations.get("get", {})
        body = get.get("responses", {}).get("200", {}).get("content", {})
        if body.get("application/json", {}).get("schema", {}).get("type") == "array":
            assert {"cursor", "limit"} <= {p["name"] for p in get.get("parameters", [])}, path
            lists.add(re.sub(r"\{[^}]+\}", "{}", path.removeprefix(API)))
    # /housing has its test below; /parameters lists the fixed parameters of the file
    # (tests/parameters/test_policy_changes.py pages it)
    covered = {re.sub(r"\{[^}]+\}", "{}", case.path) for case in CASES} | {"/housing", "/parameters"}
    assert lists == covered
