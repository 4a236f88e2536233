"""Every page route × every role, through the test client (no browser).

``PAGES`` is the specification: who may use each page route and, where the path names an
object, what kind. For every route and every principal (anonymous, the 8 roles, and 市住建局
and 市发改委 reviewers besides a plain department reviewer):

* anonymous on a page that needs a login: 303 to ``/login?next=…``;
* a role the table does not allow: 403 (a Chinese page), the same answer for an existing
  object as for a missing one, and nothing written;
* an allowed role on its own object: a page answers 200; a form answers 303 (done), or
  re-renders with the errors (422) or the state's refusal (409); never 403/404;
* an allowed role on a missing object, or on one outside its scope: 404, the same page
  for both; nothing written.

The world is the demo city (``baozu seed-demo``) built once in a transaction rolled back at
the end, each case in its own savepoint. Sessions are cookies made for each principal as
the login page makes them; every POST carries the session's CSRF token (CSRF refusals,
login, logout and revocation are tested on their own below). A test fails when a page
route is missing from ``PAGES``, or when a route outside the API is not a page route.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.approval import service
from app.approval.models import Certificate, Project, ProjectMaterial
from app.approval.schemas import AcceptIn, DispatchIn, MeetingIn, OpinionIn, ProjectIn, SubmitIn
from app.core.personal_data import decrypt_id_number
from app.demo.leases import contract_signed
from app.leases import repository as lease_repo
from app.leases import service as leases
from app.leases.models import Lease, LeaseOccupant
from app.leases.schemas import LeaseIn, OccupantIn, OperatorViolationIn, ViolationIn
from app.main import app
from app.models import metadata
from app.operation import service as operation
from app.operation.models import Appraisal, Subsidy, Unit
from app.operation.schemas import RateIn, RentStandardIn
from app.seed import seed_demo
from app.tenants import applications
from app.tenants.models import TenantApplication
from app.tenants.schemas import ApplicationReview
from app.web.core import SESSION_COOKIE, PageRoute, WebSession, csrf_token, encode_session
from tests.approval.conftest import REVIEW_DAY, application
from tests.conftest import app_in_one_transaction
from tests.web.conftest import text_of

ANON = "anonymous"
USERNAMES = {"admin": "admin", "office": "office1", "leader": "leader1", "auditor": "auditor1",
             "developer": "dev1", "department": "ziranziyuan1", "zhujian": "zhujian1",
             "fagai": "fagai1", "tenant": "tenant1", "employer": "employer1"}
PRINCIPALS = (ANON, *USERNAMES)
EVERYONE = frozenset(PRINCIPALS)
READERS = frozenset({"admin", "office", "leader", "auditor", "developer", "department", "zhujian",
                     "fagai"})
DEPARTMENTS = frozenset({"department", "zhujian", "fagai"})
LEASE_READERS = frozenset({"developer", "tenant", "employer", "office", "auditor", "admin"})
FORM_OUTCOMES = frozenset({200, 303, 409, 422})


@dataclass(frozen=True)
class Page:
    allowed: frozenset[str]
    kind: str | None = None  # what the path parameter names
    state: str = "certified"  # for projects: which of dev1's projects is the own one
    public: bool = False
    ok: frozenset[int] | None = None  # statuses accepted for an allowed principal


def p(*allowed: str | frozenset[str], **kw: Any) -> Page:
    roles: set[str] = set()
    for a in allowed:
        roles |= set(a) if isinstance(a, frozenset) else {a}
    if "ok" in kw:
        kw["ok"] = frozenset(kw["ok"])
    return Page(frozenset(roles), **kw)


def public(kind: str | None = None, **kw: Any) -> Page:
    return p(EVERYONE, kind=kind, public=True, **kw)


PROJECT = "/projects/{project_id:int}"
# upkeep (issue 17): a project's operator, 市住建局, the office, auditors, the administrator; and
# for a repair, the tenant who reported it too
UPKEEP_READERS = frozenset({"developer", "zhujian", "office", "auditor", "admin"})
REPAIR_READERS = UPKEEP_READERS | {"tenant"}
# plans, funds, statistics (issue 20): 住建 compiles plans; the office keeps the ledger
PLAN_READERS = frozenset({"zhujian", "office", "leader", "auditor", "admin"})
FUND_READERS = frozenset({"office", "leader", "auditor"})
# door access (issue 19): signals are read by the operator, 市住建局, the office and auditors
SIGNAL_READERS = frozenset({"developer", "zhujian", "office", "auditor"})
PAGES: dict[tuple[str, str], Page] = {
    # ---- everyone ----
    ("GET", "/"): public(),
    ("GET", "/verify"): public(),
    ("GET", "/rents"): public(),
    ("GET", "/rules"): public(),
    ("GET", "/certificates/{number}"): public("certificate"),
    ("GET", "/notices/{number}"): public("notice"),
    ("GET", "/leases/{number}/verify"): public("lease_number"),
    ("GET", "/listings/{code}"): public("code"),
    ("GET", "/lotteries/{lottery_id:int}"): public("lottery"),
    ("GET", "/login"): public(ok={200, 303}),  # a logged-in visitor is sent home
    ("POST", "/login"): public(ok={422}),  # an empty form
    ("GET", "/register"): public(ok={200, 303}),
    ("POST", "/register"): public(ok={422}),
    ("POST", "/logout"): public(ok={303}),
    # ---- projects: every party ----
    ("GET", "/projects"): p(READERS),
    ("GET", PROJECT): p(READERS, kind="project"),
    ("GET", PROJECT + "/notice"): p(READERS, kind="project", state="refused"),
    # ---- the developer ----
    ("GET", "/projects/new"): p("developer"),
    ("POST", "/projects/new"): p("developer"),
    ("GET", PROJECT + "/edit"): p("developer", kind="project", state="draft"),
    ("POST", PROJECT + "/edit"): p("developer", kind="project", state="draft"),
    ("POST", PROJECT + "/submit"): p("developer", kind="project", state="draft"),
    ("POST", PROJECT + "/withdraw"): p("developer", kind="project"),
    ("POST", PROJECT + "/supplement"): p("developer", kind="project"),
    ("POST", PROJECT + "/completion"): p("developer", kind="project"),
    ("POST", PROJECT + "/units"): p("developer", kind="project"),
    ("POST", PROJECT + "/listing"): p("developer", kind="project"),
    ("POST", PROJECT + "/rent-standards"): p("developer", kind="project"),
    ("POST", PROJECT + "/operation"): p("developer", kind="project"),
    ("POST", PROJECT + "/exit-requests"): p("developer", kind="project"),
    ("GET", "/leases/new"): p("developer"),
    ("POST", "/leases/new"): p("developer"),
    # ---- the office ----
    ("GET", "/office/queue"): p("office"),
    ("POST", PROJECT + "/accept"): p("office", kind="project"),
    ("POST", PROJECT + "/return"): p("office", kind="project"),
    ("POST", PROJECT + "/request-materials"): p("office", kind="project"),
    ("POST", PROJECT + "/dispatch"): p("office", kind="project"),
    ("POST", PROJECT + "/meeting"): p("office", kind="project"),
    ("POST", PROJECT + "/revoke"): p("office", kind="project"),
    ("POST", "/exit-requests/{request_id:int}/decision"): p("office", kind="exit"),
    ("GET", "/office/applications"): p("office"),
    ("GET", "/office/applications/{application_id:int}"): p("office", kind="application"),
    ("POST", "/office/applications/{application_id:int}/review"): p("office", kind="application"),
    ("GET", "/office/lotteries"): p("office"),
    ("POST", "/office/projects/{project_id:int}/lottery"): p("office", kind="project"),
    ("POST", "/office/lotteries/{lottery_id:int}/draw"): p("office", kind="lottery"),
    # ---- departments ----
    ("GET", "/department/inbox"): p(DEPARTMENTS),
    ("POST", PROJECT + "/opinion"): p(DEPARTMENTS, kind="project"),
    ("GET", "/department/listings"): p("zhujian"),
    ("POST", PROJECT + "/appraisals"): p("zhujian", kind="project"),
    ("POST", PROJECT + "/listing/verify"): p("zhujian", kind="project"),
    ("GET", "/department/filings"): p("fagai"),
    ("POST", "/rent-standards/{standard_id:int}/file"): p("fagai", kind="standard"),
    # ---- the leading group ----
    ("GET", "/leader/approvals"): p("leader"),
    ("POST", PROJECT + "/leader-approval"): p("leader", kind="project"),
    # ---- tenants ----
    ("GET", "/tenant"): p("tenant"),
    ("GET", "/tenant/profile"): p("tenant"),
    ("POST", "/tenant/profile"): p("tenant"),
    ("GET", "/tenant/commitment"): p("tenant"),
    ("POST", "/tenant/commitment"): p("tenant"),
    ("GET", "/tenant/apply"): p("tenant"),
    ("POST", "/tenant/apply"): p("tenant"),
    ("GET", "/tenant/applications"): p("tenant"),
    ("POST", "/tenant/applications/{application_id:int}/withdraw"): p("tenant", kind="application"),
    ("GET", "/tenant/housing-fund"): p("tenant"),
    ("GET", "/tenant/placements"): p("tenant"),
    ("POST", "/tenant/placements/{placement_id:int}/accept"): p("tenant", kind="placement"),
    ("POST", "/tenant/placements/{placement_id:int}/decline"): p("tenant", kind="placement"),
    # ---- leases ----
    ("GET", "/leases"): p(LEASE_READERS),
    ("GET", "/leases/{lease_id:int}"): p(LEASE_READERS, kind="lease"),
    ("POST", "/leases/{lease_id:int}/home-acquired"): p("tenant", kind="lease"),
    # ---- auditors ----
    ("GET", "/auditor/trail"): p("auditor", "admin"),
    ("GET", "/auditor/verify"): p("auditor", "admin"),
    ("GET", "/auditor/leases"): p("auditor", "admin"),
    ("POST", "/auditor/leases"): p("auditor", "admin"),
    ("GET", "/auditor/leases.csv"): p("auditor", "admin"),
    ("POST", PROJECT + "/materials"): p("developer", kind="project"),  # issue 21: 附件5 files
    ("GET", "/materials/{material_id:int}"): p(READERS, kind="material"),
    ("GET", "/units-template.csv"): p("developer"),  # issue 21: the units upload template
    ("GET", "/units-template.xlsx"): p("developer"),
    ("GET", "/auditor/leases.xlsx"): p("auditor", "admin"),
    ("GET", "/auditor/dashboard"): p("auditor", "admin", "office", "leader"),
    # ---- project operation: subsidies, transfers, violations, priority groups ----
    ("POST", PROJECT + "/subsidies"): p("office", kind="project"),
    ("POST", "/subsidies/{subsidy_id:int}/pay"): p("office", kind="subsidy"),
    ("POST", PROJECT + "/transfers"): p("office", kind="project"),
    ("POST", PROJECT + "/unapproved-exit"): p("office", kind="project"),
    ("POST", PROJECT + "/operator-violations"): p("office", kind="project"),
    ("POST", PROJECT + "/priority-groups"): p("developer", kind="project"),
    # ---- lease actions: renewal, transition, occupants, violations, termination ----
    ("POST", "/leases/{lease_id:int}/renew"): p("developer", kind="lease"),
    ("POST", "/leases/{lease_id:int}/transition-extension"): p("tenant", kind="lease"),
    ("POST", "/leases/{lease_id:int}/transition-extension/decision"): p("developer", kind="lease"),
    ("POST", "/leases/{lease_id:int}/occupants"): p("employer", kind="lease"),
    # both ids get the same value: a missing or foreign lease answers 404 before the occupant is read
    ("POST", "/leases/{lease_id:int}/occupants/{occupant_id:int}/move-out"): p("employer", kind="lease"),
    ("POST", "/leases/{lease_id:int}/occupants/{occupant_id:int}/withdraw"): p("employer", kind="lease"),
    ("POST", "/leases/{lease_id:int}/violations"): p("developer", "office", kind="lease"),
    ("POST", "/leases/{lease_id:int}/terminate"): p("developer", "office", kind="lease"),
    ("POST", "/violations/{violation_id:int}/rectified"): p("developer", "office", kind="violation"),
    # ---- administration ----
    ("GET", "/admin/users"): p("admin"),
    ("POST", "/admin/users"): p("admin"),
    ("POST", "/admin/users/{user_id:int}/active"): p("admin", kind="user"),
    ("GET", "/admin/organizations"): p("admin"),
    ("POST", "/admin/organizations"): p("admin"),
    ("GET", "/admin/registry"): p("admin"),
    ("POST", "/admin/registry/properties"): p("admin"),
    ("POST", "/admin/registry/public-rental"): p("admin"),
    ("GET", "/admin/calendar"): p("admin"),
    ("POST", "/admin/calendar"): p("admin"),
    ("GET", "/admin/parameters"): p("admin", "office"),
    ("POST", "/admin/parameters/{name}/preview"): p("admin", "office", kind="parameter"),
    ("POST", "/admin/parameters/{name}"): p("admin", kind="parameter"),
    # ---- upkeep (issue 17): repairs, photos, charges, a project's safety record, supervision ----
    ("GET", "/repairs"): p(REPAIR_READERS),
    ("GET", "/repairs/new"): p("tenant"),
    ("POST", "/repairs/new"): p("tenant"),
    ("GET", "/repairs/{repair_id:int}"): p(REPAIR_READERS, kind="repair"),
    ("POST", "/repairs/{repair_id:int}/photos"): p("tenant", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/accept"): p("developer", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/assign"): p("developer", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/comments"): p("tenant", "developer", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/complete"): p("developer", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/confirm"): p("tenant", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/reopen"): p("tenant", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/withdraw"): p("tenant", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/close"): p("developer", kind="repair"),
    ("POST", "/repairs/{repair_id:int}/charges"): p("developer", kind="repair"),
    ("POST", "/repair-charges/{charge_id:int}/accept"): p("tenant", kind="charge"),
    ("POST", "/repair-charges/{charge_id:int}/dispute"): p("tenant", kind="charge"),
    ("POST", "/repair-charges/{charge_id:int}/withdraw"): p("developer", kind="charge"),
    ("GET", "/photos/{photo_id:int}"): p(REPAIR_READERS, kind="photo"),
    ("GET", "/emergency-plans/{plan_id:int}/file"): p(UPKEEP_READERS, kind="plan"),
    ("GET", "/upkeep"): p(UPKEEP_READERS, "leader"),
    ("GET", PROJECT + "/upkeep"): p(UPKEEP_READERS, kind="project"),
    ("POST", PROJECT + "/safety-checks"): p("developer", kind="project"),
    ("POST", PROJECT + "/inspections"): p("zhujian", kind="project"),
    ("POST", "/inspections/{inspection_id:int}/rectification"): p("developer", kind="inspection"),
    ("POST", PROJECT + "/emergency-plans"): p("developer", kind="project"),
    ("POST", PROJECT + "/quality-supervisions"): p("zhujian", kind="project"),
    # ---- the notice centre, channels; the administrator's jobs and deliveries (issue 18) ----
    ("GET", "/messages"): p(EVERYONE - {ANON}),
    ("POST", "/messages/{notice_id:int}/read"): p(EVERYONE - {ANON}, kind="message"),
    ("POST", "/messages/read-all"): p(EVERYONE - {ANON}),
    ("GET", "/messages/preferences"): p(EVERYONE - {ANON}),
    ("POST", "/messages/preferences"): p(EVERYONE - {ANON}),
    ("GET", "/admin/jobs"): p("admin"),
    ("POST", "/admin/jobs/{name}/run"): p("admin", kind="job"),
    ("GET", "/admin/deliveries"): p("admin"),
    ("POST", "/admin/deliveries/{delivery_id:int}/retry"): p("admin", kind="delivery"),
    # ---- plans, funds, statistics (issue 20) ----
    ("POST", PROJECT + "/construction-start"): p("developer", kind="project"),
    ("GET", "/public/plans"): public(),
    ("GET", "/plans"): p(PLAN_READERS),
    ("GET", "/plans/new"): p("zhujian"),
    ("POST", "/plans/new"): p("zhujian"),
    ("GET", "/plans/{plan_id:int}"): p(PLAN_READERS, kind="devplan"),
    ("POST", "/plans/{plan_id:int}/lines"): p("zhujian", kind="devplan"),
    ("POST", "/plans/{plan_id:int}/publish"): p("zhujian", kind="devplan"),
    ("POST", "/plans/{plan_id:int}/adjust"): p("zhujian", kind="devplan"),
    ("GET", "/funds"): p(FUND_READERS),
    ("POST", "/funds"): p("office"),
    ("GET", "/funds/{fund_id:int}"): p(FUND_READERS, kind="fund"),
    ("POST", "/funds/{fund_id:int}/entries"): p("office", kind="fund"),
    ("POST", "/fund-entries/{entry_id:int}/reverse"): p("office", kind="fund_entry"),
    ("GET", "/statistics-reports"): p(FUND_READERS),
    ("POST", "/statistics-reports"): p("office"),
    # ---- contracts (issue 16) ----
    ("GET", "/contracts/{reference}/verify"): public("contract_reference"),
    ("GET", "/proofs/{code}"): public("proof_code"),
    ("POST", "/leases/{lease_id:int}/contract"): p("developer", kind="lease"),
    ("GET", "/contracts/{contract_id:int}"): p(LEASE_READERS, kind="contract"),
    ("GET", "/contracts/{contract_id:int}/document.pdf"): p(LEASE_READERS, kind="contract"),
    ("POST", "/contracts/{contract_id:int}/send"): p("developer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/revise"): p("developer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/sign"): p("tenant", "employer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/countersign"): p("developer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/supplements"): p("developer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/proofs"): p("tenant", "employer", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/renewed"): p("developer", "office", kind="contract"),
    ("POST", "/contracts/{contract_id:int}/ended"): p("developer", "office", kind="contract"),
    ("GET", "/proofs/{proof_id:int}/document.pdf"): p(LEASE_READERS, kind="proof"),
    ("GET", "/contract-templates"): p("office", "developer", "auditor", "admin"),
    ("POST", "/contract-templates"): p("office"),
    ("GET", "/statistics-reports/{report_id:int}.xlsx"): p(FUND_READERS, kind="report"),
    ("GET", "/statistics-reports/{report_id:int}.pdf"): p(FUND_READERS, kind="report"),
    # ---- door access (issue 19): the operator's equipment, signals, the tenant's credentials ----
    ("GET", "/access"): p(SIGNAL_READERS, ok={200, 303}),  # others are sent to the signals
    ("GET", "/access/projects/{project_id:int}"): p("developer", kind="project"),
    ("POST", "/access/projects/{project_id:int}/devices"): p("developer", kind="project"),
    ("POST", "/access/projects/{project_id:int}/credentials"): p("developer", kind="project"),
    ("POST", "/access/devices/{device_id:int}/rotate-key"): p("developer", kind="device"),
    ("POST", "/access/devices/{device_id:int}/revoke"): p("developer", kind="device"),
    ("POST", "/access/credentials/{credential_id:int}/bind"): p("developer", kind="credential"),
    ("POST", "/access/credentials/{credential_id:int}/unbind"): p("developer", kind="credential"),
    ("GET", "/access/signals"): p(SIGNAL_READERS),
    ("POST", "/access/signals/recompute"): p("developer", "zhujian", "office"),
    ("GET", "/access/signals/{signal_id:int}"): p(SIGNAL_READERS, kind="signal"),
    ("POST", "/access/signals/{signal_id:int}/dismiss"): p("developer", "zhujian", "office", kind="signal"),
    ("POST", "/access/signals/{signal_id:int}/open-case"): p("developer", "office", kind="signal"),
    ("GET", "/access/me"): p("tenant"),
}

MISSING = {"project": "999999", "lease": "999999", "application": "999999", "lottery": "999999",
           "subsidy": "999999", "standard": "999999", "exit": "999999", "certificate": "2099-9999",
           "notice": "景保租不符〔2099〕1号", "lease_number": "ZL2099999999", "code": "NOSUCHCODE",
           "user": "999999", "violation": "999999", "parameter": "no_such_parameter",
           "placement": "999999"}
MISSING |= {"repair": "999999", "charge": "999999", "photo": "999999", "inspection": "999999",
            "plan": "999999"}
MISSING |= {"message": "999999", "job": "no.such.job", "delivery": "999999"}
MISSING |= {"material": "999999"}
MISSING |= {"device": "999999", "credential": "999999", "signal": "999999"}
MISSING |= {"devplan": "999999", "fund": "999999", "fund_entry": "999999", "report": "999999"}
MISSING |= {"contract": "999999", "proof": "999999", "contract_reference": "HT2099999999-AAAAAAAA",
            "proof_code": "NOSUCHPROOF"}
# Routes outside /api/v1 that are not pages (and so not in PAGES).
NOT_PAGES = {"/healthz", "/readyz", "/static", "/docs/oauth2-redirect", "/api/docs",
             "/api/v1/openapi.json", "/favicon.ico"}


# ---- the world --------------------------------------------------------------------------------

@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def own(self, page: Page, who: str) -> str | None:
        """The principal's own object of the page's kind (None: there is none to try)."""
        kind, ids = page.kind, self.ids
        if kind is None:
            return None
        if page.public:
            return ids.get(kind)
        if kind == "project":
            if page.state in ("draft", "refused"):
                return ids[f"dev1_{page.state}"]
            return ids["in_review"] if who == "department" else ids["certified"]
        if kind == "lease":
            return None if who == "employer" else ids["lease1"]
        if kind == "application":
            return ids["application1"] if who == "tenant" else ids["application2"]
        if kind == "standard":
            return ids["proposed_standard"]
        if kind == "user":
            return str(self.users["office"].id)  # an account the administrator manages
        if kind == "violation":
            return ids["violation"]  # tenant1's, on lease1: open
        if kind == "subsidy":
            return ids["subsidy"]  # the demo's, on the certified project, already paid: 409
        if kind == "parameter":
            return "prepaid_rent_months_max"  # a policy setting: the empty form answers 422
        if kind == "placement":
            return ids["placement_tenant1"]  # employer1's invitation to tenant1, who holds a lease
        if kind == "material":
            return ids["material"]  # the safety appraisal of the certified conversion (demo)
        if kind in ("repair", "charge", "photo", "inspection", "plan"):
            return ids[kind]  # the demo's (tenant1's repair with its photo; the certified project's)
        if kind == "message":
            # a 站内信 to the principal (anonymous: any, the login comes first)
            return ids[f"message_{who}"] if who != ANON else ids["message_tenant"]
        if kind in ("contract", "proof"):  # issue 16: tenant1's (the employer's for employer1)
            return ids[f"{kind}_employer"] if who == "employer" else ids[f"{kind}1"]
        if kind in ("job", "delivery", "devplan", "fund", "fund_entry", "report"):
            return ids[kind]  # (issue 20: the demo's published plan, fund, its receipt, its report)
        if kind in ("device", "credential", "signal"):
            return ids[kind]  # issue 19: the demo's simulated entrance, a lodger's card, a signal
        return None  # lotteries, exit requests: the demo has none

    def foreign(self, page: Page, who: str) -> str | None:
        """An object outside the principal's scope (None where the role sees every one)."""
        kind, ids = page.kind, self.ids
        if page.public or kind is None:
            return None
        if kind == "project":
            if who in ("developer", *DEPARTMENTS):
                return ids["dev2_submitted"]  # another organisation's; sent to no department
            if who in ("office", "leader"):
                return ids["dev2_draft"]  # a draft is the applicant's own
        if kind == "lease" and who in ("tenant", "employer"):
            return ids["lease2"] if who == "tenant" else ids["lease1"]
        if kind == "violation" and who == "developer":
            return ids["dev2_violation"]  # an operator violation of another organisation
        if kind == "application" and who == "tenant":
            return ids["application2"]
        if kind == "placement" and who == "tenant":
            return ids["placement_tenant2"]  # addressed to another person
        if kind in ("repair", "charge", "photo") and who == "tenant":
            return ids[f"{kind}2"]  # tenant2's
        if kind == "message":
            return ids["message_tenant2"]  # another person's 站内信
        if kind in ("contract", "proof") and who in ("tenant", "employer"):
            return ids[f"{kind}2"] if who == "tenant" else ids[f"{kind}1"]
        return None


def build_world(session: Session) -> World:
    seed_demo(session)
    w = World()
    for who, username in USERNAMES.items():
        w.users[who] = accounts.find_user(session, username)
    dev1, office = w.users["developer"], w.users["office"]
    projects = {p.name: p for p in session.scalars(select(Project))}
    certified = projects["昌江区青年人才公寓"]
    w.ids |= {"certified": str(certified.id), "in_review": str(projects["珠山区陶溪川人才驿站"].id),
              "dev2_submitted": str(projects["高新区产业园区员工宿舍"].id),
              "dev2_draft": str(projects["珠山区老城区改造公寓（草稿）"].id)}
    w.ids["dev1_draft"] = str(service.create_project(
        session, dev1, ProjectIn(**application(name="矩阵草稿"))).id)
    refused = service.create_project(session, dev1, ProjectIn(**application(name="矩阵不予认定")))
    service.submit(session, dev1, refused.id, SubmitIn())
    service.accept(session, office, refused.id, AcceptIn())
    reviewers = {who: w.users[who] for who in ("zhujian", "fagai", "department")}
    service.dispatch(session, office, refused.id, DispatchIn(
        department_ids=[u.department_id for u in reviewers.values()]))
    for who, reviewer in reviewers.items():
        service.record_opinion(session, reviewer, refused.id, OpinionIn(
            opinion="reject" if who == "zhujian" else "approve", comment="房屋安全鉴定不合格"))
    service.record_meeting(session, office, refused.id, MeetingIn(decision="fail", minutes="未通过"))
    w.ids["dev1_refused"] = str(refused.id)
    # tenant1's (leased) and tenant2's (submitted); the demo's third is tenant3's (issue 16)
    first, second = session.scalars(select(TenantApplication).order_by(TenantApplication.id)).all()[:2]
    applications.review(session, office, second.id, ApplicationReview(approve=True))
    unit = session.scalars(select(Unit).where(Unit.project_id == certified.id, Unit.status == "published")
                           .order_by(Unit.id)).first()
    assert unit is not None
    rent = (unit.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))
    lease2 = leases.create(session, dev1, LeaseIn(unit_id=unit.id, application_id=second.id,
                                                  start_on=date(2025, 7, 1), end_on=date(2026, 6, 30),
                                                  monthly_rent=rent))
    contract_signed(session, dev1, accounts.find_user(session, "tenant2"), lease2.id)  # in force
    lease1 = session.scalar(select(Lease).where(Lease.application_id == first.id))
    whole = session.scalar(select(Lease).where(Lease.kind == "employer"))  # the demo's 整体配租
    assert whole is not None
    w.ids["lease_employer"] = str(whole.id)
    appraisal = session.scalar(select(Appraisal).where(Appraisal.project_id == certified.id))
    standard = operation.propose_rent_standard(session, dev1, certified.id, RentStandardIn(
        appraisal_id=appraisal.id, rates=[RateIn(rate_per_m2=Decimal("24.00"))]))  # type: ignore[union-attr]
    w.ids |= {"application1": str(first.id), "application2": str(second.id),
              "lease1": str(lease1.id), "lease2": str(lease2.id),  # type: ignore[union-attr]
              "proposed_standard": str(standard.id),
              "certificate": session.scalar(select(Certificate.number)),  # type: ignore[dict-item]
              "lease_number": lease_repo.verify_reference(lease1),  # type: ignore[arg-type]
              "violation": str(leases.record_violation(session, dev1, lease1.id, ViolationIn(  # type: ignore[union-attr]
                  kind="idle", description="矩阵：长期闲置", rectify_days=15)).id),
              "dev2_violation": str(leases.record_operator_violation(
                  session, office, int(w.ids["dev2_submitted"]), OperatorViolationIn(
                      kind="rent_as_sale", description="矩阵：以租代售", rectify_days=30)).id),
              "code": unit.verification_code}  # type: ignore[dict-item]
    w.ids["subsidy"] = str(session.scalar(select(Subsidy.id).where(Subsidy.project_id == certified.id)))
    w.ids["material"] = str(session.scalar(select(ProjectMaterial.id).where(
        ProjectMaterial.project_id == certified.id)))
    for who in ("tenant1", "tenant2"):  # employer1 invites both to its 整体配租 unit
        person = accounts.find_user(session, who)
        leases.invite_occupant(session, w.users["employer"], whole.id, OccupantIn(
            id_number=decrypt_id_number(person.id_number_enc)))  # type: ignore[union-attr, arg-type]
        w.ids[f"placement_{who}"] = str(session.scalar(select(LeaseOccupant.id).where(
            LeaseOccupant.id_number_digest == person.id_number_digest)))  # type: ignore[union-attr]
    build_contracts(session, w)
    build_upkeep(session, w, lease2)
    build_notices(session, w)
    build_planning(session, w)
    w.ids |= {"device": str(session.scalar(text("SELECT min(id) FROM access_device"))),
              "credential": str(session.scalar(text(
                  "SELECT min(id) FROM access_credential WHERE status = 'registered'"))),
              "signal": str(session.scalar(text("SELECT min(id) FROM access_signal WHERE status = 'open'")))}
    session.flush()
    return w


def build_contracts(session: Session, w: World) -> None:
    """The contracts of lease1 (tenant1), lease2 (tenant2) and the employer's lease, each with a
    租赁备案证明 (issue 16)."""
    from app.contracts import repository as contracts_repo
    from app.contracts import service as contracts
    from app.contracts.schemas import ProofIn

    parties = {"1": ("lease1", "tenant1"), "2": ("lease2", "tenant2"),
               "_employer": ("lease_employer", "employer1")}
    for key, (lease_key, username) in parties.items():
        contract = contracts_repo.main_contract(session, int(w.ids[lease_key]))
        assert contract is not None
        proof = contracts.issue_proof(session, accounts.find_user(session, username), contract.id,
                                      ProofIn(purpose="schooling"))
        w.ids |= {f"contract{key}": str(contract.id), f"proof{key}": str(proof.id)}
    w.ids["contract_reference"] = contracts_repo.verify_reference(
        contracts_repo.main_contract(session, int(w.ids["lease1"])))  # type: ignore[arg-type]
    w.ids["proof_code"] = str(session.scalar(text("SELECT code FROM lease_proof ORDER BY id LIMIT 1")))


def build_planning(session: Session, w: World) -> None:
    """The demo's published plan, its fund with the receipt entry, and its report (issue 20)."""
    from app.planning.models import Fund, FundEntry, Plan, StatisticsReport

    w.ids |= {"devplan": str(session.scalar(select(func.min(Plan.id)))),
              "fund": str(session.scalar(select(func.min(Fund.id)))),
              "fund_entry": str(session.scalar(select(func.min(FundEntry.id)))),
              "report": str(session.scalar(select(func.min(StatisticsReport.id))))}


def build_notices(session: Session, w: World) -> None:
    """A 站内信 to every principal and to tenant2; a failed SMS delivery (issue 18)."""
    from app.notices import service as notices
    from app.notices.models import NoticeDelivery

    people = dict(w.users) | {"tenant2": accounts.find_user(session, "tenant2")}
    for who, user in people.items():
        w.ids[f"message_{who}"] = str(notices.send(session, user_id=user.id, kind="test", title="页面测试",
                                                   message="页面测试消息", link="/").id)
    failed = NoticeDelivery(notice_id=int(w.ids["message_tenant"]), channel="sms", address="13800000000",
                            status="failed", attempts=6)
    session.add(failed)
    session.flush()
    w.ids |= {"delivery": str(failed.id), "job": "reminders.daily"}


def build_upkeep(session: Session, w: World, lease2: Lease) -> None:
    """The demo's repairs are tenant1's (an urgent one in progress with a photo, a finished one);
    tenant2 reports one with a photo too; dev1 claims damage on one of each."""
    from app.upkeep import service as upkeep
    from app.upkeep.media import Upload
    from app.upkeep.models import EmergencyPlan, RepairRequest, SafetyInspection, UpkeepPhoto
    from app.upkeep.schemas import AssignIn, ChargeIn, OptionalCommentIn, RepairIn
    from tests.upkeep.conftest import jpeg

    dev1 = w.users["developer"]
    tenant1 = session.scalars(select(RepairRequest).where(RepairRequest.reporter_id == w.users["tenant"].id)
                              .order_by(RepairRequest.id)).first()
    assert tenant1 is not None and tenant1.status == "in_progress"
    person = accounts.find_user(session, "tenant2")
    other = upkeep.report(session, person, RepairIn(unit_id=lease2.unit_id, category="gas", urgency="urgent",
                                                    description="燃气灶打不着火"),
                          [Upload("gas.jpg", jpeg(), "photos[0]")])
    upkeep.accept(session, dev1, other.id, OptionalCommentIn())
    upkeep.assign(session, dev1, other.id, AssignIn(worker="李师傅"))
    charges = [upkeep.propose_charge(session, dev1, r.id, ChargeIn(
        amount_yuan=Decimal("60.00"), tenant_caused=True, reason="灶具旋钮被拧断")) for r in (tenant1, other)]
    photo = {r.id: session.scalar(select(UpkeepPhoto.id).where(UpkeepPhoto.repair_id == r.id))
             for r in (tenant1, other)}
    w.ids |= {"repair": str(tenant1.id), "repair2": str(other.id), "charge": str(charges[0].id),
              "charge2": str(charges[1].id), "photo": str(photo[tenant1.id]), "photo2": str(photo[other.id]),
              "inspection": str(session.scalar(select(SafetyInspection.id))),
              "plan": str(session.scalar(select(EmergencyPlan.id)))}


@dataclass
class Site:
    world: World
    client: TestClient
    session: Session
    connection: Connection
    cookies: dict[str, WebSession] = field(default_factory=dict)

    def session_of(self, who: str) -> WebSession:
        if who not in self.cookies:
            self.cookies[who] = (WebSession.anonymous() if who == ANON
                                 else WebSession.for_user(self.world.users[who]))
        return self.cookies[who]

    def fingerprint(self) -> tuple[Any, ...]:
        counts = self.connection.execute(text("SELECT " + ", ".join(
            f"(SELECT count(*) FROM {t})" for t in sorted(metadata.tables)))).one()
        statuses = self.connection.execute(text("SELECT id, status FROM project ORDER BY id")).all()
        tokens = self.connection.execute(text(
            "SELECT id, is_active, token_version FROM user_account ORDER BY id")).all()
        return tuple(counts), tuple(map(tuple, statuses)), tuple(map(tuple, tokens))

    def call(self, method: str, path: str, who: str, value: str | None) -> tuple[int, str, str, bool]:
        """(status, body, location, wrote) of one request in a savepoint rolled back after it."""
        url = re.sub(r"\{[^}]+\}", value or "1", path)
        ws = self.session_of(who)
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, encode_session(ws))
        savepoint = self.connection.begin_nested()
        try:
            before = self.fingerprint()
            if method == "POST":
                response = self.client.post(url, data={"csrf_token": csrf_token(ws)},
                                            follow_redirects=False)
            else:
                response = self.client.get(url, follow_redirects=False)
            wrote = self.fingerprint() != before
        finally:
            savepoint.rollback()
            self.session.expunge_all()
        return response.status_code, response.text, response.headers.get("location", ""), wrote


@pytest.fixture(scope="module")
def site(engine: Engine) -> Iterator[Site]:
    with app_in_one_transaction(engine, REVIEW_DAY) as (connection, session, client):
        world = build_world(session)
        session.commit()  # into the outer transaction: each case then nests its own savepoint
        yield Site(world, client, session, connection)


# ---- the table against the app -----------------------------------------------------------------

def page_routes() -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, PageRoute):
            found |= {(m, context.path) for m in context.methods or () if m != "HEAD"}
    return found


def test_every_page_route_is_in_the_table() -> None:
    routes = page_routes()
    missing = sorted(routes - set(PAGES))
    stale = sorted(set(PAGES) - routes)
    assert not missing, f"page routes without a rule (add them to PAGES): {missing}"
    assert not stale, f"PAGES names routes the app no longer has: {stale}"


def test_every_route_outside_the_api_is_a_page() -> None:
    """A route for people must be a ``PageRoute`` (sessions, CSRF, error pages) to be listed."""
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if path.startswith("/api/v1/") or path in NOT_PAGES:
            continue
        assert isinstance(context.original_route, PageRoute), (
            f"{path} is not a page route: build it with app.web.core.page_router()")
    assert any(isinstance(c.original_route, APIRoute) for c in iter_route_contexts(app.routes))


@pytest.mark.parametrize(("method", "path"), sorted(PAGES), ids=[f"{m} {p}" for m, p in sorted(PAGES)])
def test_page(site: Site, method: str, path: str) -> None:
    page = PAGES[(method, path)]
    w = site.world
    problems: list[str] = []

    def expect(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    for who in PRINCIPALS:
        allowed = who in page.allowed
        own = w.own(page, who)
        status, body, location, wrote = site.call(method, path, who, own)
        label = f"{who} on {'own ' + page.kind if own else 'the page'}"
        if who == ANON and not page.public:
            expect(status == 303 and location.startswith("/login?next="),
                   f"{label}: {status} {location}, expected 303 to the login page")
            expect(not wrote, f"{label}: wrote")
            continue
        if not allowed:
            expect(status == 403 and "无权" in body, f"{label}: {status}, expected 403")
            expect(not wrote, f"{label}: denied with {status} but wrote")
            if page.kind:
                m_status, m_body, _, _ = site.call(method, path, who, MISSING[page.kind])
                expect((m_status, m_body) == (status, body),
                       f"{label}: a denied answer differs for a missing {page.kind}")
            continue
        if own is not None or page.kind is None:
            ok = page.ok or (frozenset({200}) if method == "GET" else FORM_OUTCOMES)
            expect(status in ok, f"{label}: {status} {text_of(body)[:300]}")
            expect(status < 400 or not wrote, f"{label}: refused with {status} but wrote")
        if page.kind is None:
            continue
        m_status, m_body, _, m_wrote = site.call(method, path, who, MISSING[page.kind])
        expect(m_status == 404, f"{who} on a missing {page.kind}: {m_status}")
        expect(not m_wrote, f"{who} on a missing {page.kind}: wrote")
        foreign = w.foreign(page, who)
        if foreign is not None:
            f_status, f_body, _, f_wrote = site.call(method, path, who, foreign)
            expect(not f_wrote, f"{who} on a foreign {page.kind}: wrote")
            expect((f_status, f_body) == (m_status, m_body),
                   f"{who}: a foreign {page.kind} answers {f_status} {text_of(f_body)[:200]}, "
                   f"a missing one {m_status}")
    assert not problems, f"{method} {path}:\n  " + "\n  ".join(problems)


PAGE_LEAKS = [  # (path, principal who must not see it, principal who does, the text)
    ("/projects", "developer", "auditor", "高新区产业园区员工宿舍"),
    ("/projects", "department", "auditor", "高新区产业园区员工宿舍"),
    ("/projects", "office", "auditor", "珠山区老城区改造公寓（草稿）"),
    ("/projects", "leader", "auditor", "矩阵草稿"),
    ("/department/inbox", "department", "department", "高新区产业园区员工宿舍"),
    ("/leases", "tenant", "office", "张景漂"),
    ("/leases", "employer", "office", "李青"),
    ("/tenant/applications", "tenant", "tenant", "张景漂"),
    ("/repairs", "tenant", "developer", "燃气灶打不着火"),  # tenant2's repair
]


def test_the_demo_employer_has_a_whole_unit_lease_to_place_staff_in(site: Site) -> None:
    """``employer1``'s demo login has work to do: its company's 整体配租 lease and the form."""
    lease_id = site.world.ids["lease_employer"]
    status, body, _, _ = site.call("GET", "/leases", "employer", None)
    assert status == 200 and f'href="/leases/{lease_id}"' in body
    status, body, _, _ = site.call("GET", f"/leases/{lease_id}", "employer", None)
    assert status == 200 and f'action="/leases/{lease_id}/occupants"' in body


@pytest.mark.parametrize(("path", "who", "seer", "hidden"), PAGE_LEAKS)
def test_lists_do_not_leak_other_scopes(site: Site, path: str, who: str, seer: str, hidden: str) -> None:
    status, body, _, _ = site.call("GET", path, who, None)
    assert status == 200 and hidden not in body
    if seer != who:  # the name is there for those who may see it, so its absence means something
        status, body, _, _ = site.call("GET", path, seer, None)
        assert status == 200 and hidden in body


def test_every_form_carries_a_label_for_each_field_and_a_csrf_token(site: Site) -> None:
    """Every visible input, select and textarea of every page has a <label for> (or sits in
    a fieldset whose legend names it) and every POST form has the CSRF field."""
    pages = [(who, path) for (method, path), page in PAGES.items() if method == "GET"
             and not page.kind and "{" not in path for who in sorted(page.allowed - {ANON})]
    pages += [("developer", f"/projects/{site.world.ids['certified']}"),
              ("office", f"/projects/{site.world.ids['in_review']}"),
              ("department", f"/projects/{site.world.ids['in_review']}"),
              ("zhujian", f"/projects/{site.world.ids['certified']}"),
              ("developer", f"/projects/{site.world.ids['dev1_draft']}/edit"),
              ("tenant", f"/leases/{site.world.ids['lease1']}"),
              ("developer", f"/leases/{site.world.ids['lease1']}"),
              ("office", f"/leases/{site.world.ids['lease1']}"),
              ("employer", f"/leases/{site.world.ids['lease_employer']}"),
              ("office", f"/office/applications/{site.world.ids['application2']}"),
              ("developer", f"/leases/new?application_id={site.world.ids['application2']}"),
              ("tenant", f"/repairs/{site.world.ids['repair']}"),
              ("developer", f"/repairs/{site.world.ids['repair']}"),
              ("developer", f"/projects/{site.world.ids['certified']}/upkeep"),
              ("zhujian", f"/projects/{site.world.ids['certified']}/upkeep"),
              ("developer", f"/access/projects/{site.world.ids['certified']}"),
              ("developer", f"/access/signals/{site.world.ids['signal']}"),
              ("zhujian", f"/access/signals/{site.world.ids['signal']}")]
    checked = 0
    for who, path in pages:
        status, body, _, _ = site.call("GET", path, who, None)
        if status != 200:
            continue
        labels = set(re.findall(r'<label for="([^"]+)"', body))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
            if re.search(r'type="(hidden|submit)"', tag):
                continue
            field_id = re.search(r'id="([^"]+)"', tag)
            assert field_id and field_id.group(1) in labels, f"{who} {path}: no label for {tag}"
            checked += 1
        for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', body, re.S):
            assert 'name="csrf_token"' in form, f"{who} {path}: a form without a CSRF token"
    assert checked > 100
