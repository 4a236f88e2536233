"""Authorisation matrix (ASVS 5.0 V8): every API route × every role × own/foreign/missing object.

``TABLE`` is the specification, written from design.md's API map, not read from the code:
for each route, who may call it and, where it takes an object id, which object is the
caller's own. For every route and every principal (anonymous, the 8 roles, and a second
department reviewer bound to 市发改委 for the routes only that department may use):

* anonymous on a route that needs a login: 401;
* a role the table does not allow: 403 or 404, and for an existing object exactly the same
  answer (status and body) as for a missing one;
* an allowed role on its own object: a read answers 200; a write answers 2xx, or 409/422
  when the object's state or the rules of the regulation refuse it (a refusal about the
  payload or the state, not about who asks — e.g. operation already started, meeting
  before every department answered); never 401/403/404;
* an allowed role on another organisation's or person's object: 404, indistinguishable
  from a missing object (same status and body);
* whenever the answer is a refusal (401/403/404, 409, 422), nothing is written: the row
  count of every table, the projects' statuses and the accounts' token versions are
  compared before and after.

A route whose rule carries ``known_bug`` (reported, in a file this suite's authors could not
change) runs as a strict xfail: it fails the suite the day the bug is fixed, so the mark is
removed then. Lists are checked separately: a principal's list never names what another
scope owns (and the same names do appear to the office, so the check means something).

The world (organisations A, B, C; a user per role; projects of A and B in every state;
units, a published listing, an appraisal, a rent standard, a subsidy, an exit request) is
built once through the API in a transaction that is rolled back at the end; every case
runs in its own savepoint, rolled back after it. A separate test fails when a route of
the app is missing from ``TABLE`` (or the table names a route that no longer exists).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.schemas import OrganizationCreate, UserCreate
from app.accounts.security import create_access_token
from app.audit.service import SYSTEM
from app.models import metadata
from app.operation.models import ExitRequest
from tests.approval.conftest import REVIEW_DAY, application
from tests.conftest import PASSWORD, app_in_one_transaction, fake_id_number, fake_uscc
from tests.security.conftest import api_routes
from tests.upkeep.conftest import jpeg, pdf, png

ANON = "anonymous"
ROLES = ("admin", "office", "leader", "auditor", "developer", "department", "tenant", "employer")
PRINCIPALS = (ANON, *ROLES, "fagai")  # fagai: a department reviewer bound to 市发改委
EVERYONE = frozenset(PRINCIPALS)
USERS = EVERYONE - {ANON}
# who may read a project they are party to (tenants and employers see none)
READERS = frozenset({"admin", "office", "leader", "auditor", "developer", "department", "fagai"})
DEPARTMENTS = frozenset({"department", "fagai"})
REFUSED_BY_STATE = {409, 422}
DENIED = {401, 403, 404}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    kind: str | None = None  # what the path parameter names: project, organization, user, …
    state: str = "cert"  # for projects: which of organisation A's projects is the own one
    body: Callable[[World], Any] | None = None
    files: Callable[[World], Any] | None = None
    form: bool = False
    public: bool = False
    why: str = ""  # when an allowed call on the own object is expected to answer 409/422
    ok: frozenset[int] | None = None  # statuses accepted on the own object (default: see below)
    known_bug: str = ""  # a reported bug: the case is a strict xfail until it is fixed


def r(*allowed: str | frozenset[str], **kw: Any) -> Rule:
    roles: set[str] = set()
    for a in allowed:
        roles |= set(a) if isinstance(a, frozenset) else {a}
    if "ok" in kw:
        kw["ok"] = frozenset(kw["ok"])
    return Rule(frozenset(roles), **kw)


def application_of(name: str) -> Callable[[World], Any]:
    return lambda w: application(name=name)


UNIT = {"building": "9栋", "floor": 2, "number": "0201", "building_area_m2": "38.50",
        "kind": "residential"}
LEASE_READERS = frozenset({"developer", "tenant", "employer", "office", "auditor", "admin"})
PROFILE = {"phone": "13912345678", "residence_district": "珠山区", "work_district": "珠山区",
           "employer_name": "某公司"}
DECLARATION = {"owns_home_in_central_area": False}
COMMITMENT = {"clauses": [1, 2, 3, 4], "declaration": DECLARATION}


def csv_upload(header: str, row: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("records.csv", f"{header}\n{row}\n".encode(), "text/csv")}
P = "/api/v1/projects/{project_id}"
# upkeep (issue 17): who reads a repair (its reporter, the project's operator, 住建 — the
# "department" principal — the office, auditors, the administrator), and a project's upkeep
UPKEEP_READERS = frozenset({"developer", "department", "office", "auditor", "admin"})
REPAIR_READERS = UPKEEP_READERS | {"tenant"}
# plans, funds, statistics (issue 20)
PLAN_READERS = frozenset({"department", "office", "leader", "auditor", "admin"})
FUND_READERS = frozenset({"office", "leader", "auditor"})
PLAN_BODY = {"kind": "annual", "title": "矩阵年度建设计划", "start_year": 2025, "end_year": 2025,
             "lines": [{"district": "昌江区", "target_units": 10, "target_area_m2": "500.00"}]}
FUND_BODY = {"source": "central_subsidy", "document_no": "矩阵财建2号", "title": "矩阵资金",
             "amount_fen": 100_000, "received_on": "2025-05-10", "year": 2025}
# door access (issue 19): signals are read by the project's operator, 住建 (the "department"
# principal), the office and auditors; events by the operator, and by 住建 while under review
SIGNAL_READERS = frozenset({"developer", "department", "office", "auditor"})
EVENT_BATCH = {"events": [{"event_id": "m1", "credential_id": "MATRIX-A",
                           "occurred_at": "2025-06-03T10:00:00+08:00", "direction": "in",
                           "result": "granted"}]}
# contracts (issue 16): the templates are read by the office, operators, auditors, the administrator
TEMPLATE_READERS = frozenset({"office", "developer", "auditor", "admin"})


def multipart(fields: dict[str, Any], files: list[Any] | None = None) -> list[Any]:
    """A multipart body: form fields (no file name) and files."""
    return [(k, (None, str(v))) for k, v in fields.items()] + list(files or [])



TABLE: dict[tuple[str, str], Rule] = {
    # ---- accounts ----
    ("POST", "/api/v1/auth/token"): r(EVERYONE, public=True, form=True),
    ("POST", "/api/v1/auth/register"): r(EVERYONE, public=True, body=lambda w: {
        "username": "matrix-newcomer", "password": "jingpiao-2026", "full_name": "新市民",
        "id_number": w.new_id_number, "phone": "13911112222"}),
    ("GET", "/api/v1/auth/me"): r(USERS),
    ("POST", "/api/v1/auth/logout"): r(USERS),
    ("GET", "/api/v1/departments"): r(USERS),
    ("GET", "/api/v1/organizations"): r(USERS),
    ("GET", "/api/v1/organizations/{organization_id}"): r(USERS - {"tenant"}, kind="organization"),
    ("POST", "/api/v1/organizations"): r("admin", body=lambda w: {
        "name": "矩阵测试新单位", "uscc": w.new_uscc}),
    ("GET", "/api/v1/users"): r("admin"),
    ("POST", "/api/v1/users"): r("admin", body=lambda w: {
        "username": "matrix-staff", "password": "reviewer-pass-1", "role": "auditor"}),
    ("GET", "/api/v1/users/{user_id}"): r(USERS, kind="user"),
    ("PATCH", "/api/v1/users/{user_id}"): r("admin", kind="user", body=lambda w: {"is_active": False}),
    # ---- calendar ----
    ("GET", "/api/v1/calendar/add-working-days"): r(EVERYONE, public=True),
    ("GET", "/api/v1/calendar/{year}"): r(EVERYONE, public=True),
    ("PUT", "/api/v1/calendar/{year}"): r("admin", body=lambda w: {
        "notice": "国务院办公厅关于2031年部分节假日安排的通知",
        "holidays": ["2031-01-01"], "makeup_workdays": []}),
    # ---- rules and parameters ----
    ("GET", "/api/v1/parameters"): r(EVERYONE, public=True),
    ("GET", "/api/v1/parameters/{name}"): r(EVERYONE, public=True),
    ("POST", "/api/v1/parameters/{name}/changes"): r("admin", body=lambda w: {
        "value": 2, "since": "2031-01-01", "reason": "矩阵测试调整", "reference": "景保租办〔2031〕1号"}),
    ("POST", "/api/v1/parameters/{name}/preview"): r("admin", "office", body=lambda w: {
        "value": 2, "since": "2031-01-01"}),
    # ---- audit ----
    ("GET", "/api/v1/audit/events"): r("auditor", "admin"),
    ("GET", "/api/v1/audit/verify"): r("auditor", "admin"),
    ("GET", "/api/v1/audit/leases"): r("auditor", "admin"),
    ("POST", "/api/v1/audit/leases/search"): r("auditor", "admin", body=lambda w: {
        "district": "珠山区", "limit": 10}),
    ("GET", "/api/v1/audit/leases.csv"): r("auditor", "admin"),
    ("GET", "/api/v1/audit/leases.xlsx"): r("auditor", "admin"),
    ("POST", "/api/v1/audit/leases/export"): r("auditor", "admin", body=lambda w: {"format": "csv"}),
    ("GET", "/api/v1/dashboard"): r("auditor", "admin", "office", "leader"),
    # ---- project approval ----
    ("POST", "/api/v1/projects"): r("developer", body=application_of("矩阵新申请")),
    ("GET", "/api/v1/projects"): r(USERS),
    ("GET", P): r(READERS, kind="project"),
    ("PUT", P): r("developer", kind="project", state="draft", body=application_of("矩阵修改")),
    ("POST", P + "/submit"): r("developer", kind="project", state="draft", body=lambda w: {}),
    ("POST", P + "/withdraw"): r("developer", kind="project", state="submitted", body=lambda w: {}),
    ("POST", P + "/supplement"): r("developer", kind="project", state="awaiting",
                                   body=lambda w: {"comment": "已补充消防验收材料"}),
    ("POST", P + "/accept"): r("office", kind="project", state="submitted", body=lambda w: {}),
    ("POST", P + "/return"): r("office", kind="project", state="submitted", body=lambda w: {
        "items": ["不动产权证书复印件"], "comment": "请补正"}),
    ("POST", P + "/request-materials"): r("office", kind="project", state="review", body=lambda w: {
        "items": ["消防设计审查意见"], "comment": "请补充"}),
    ("POST", P + "/dispatch"): r("office", kind="project", state="accepted",
                                 body=lambda w: {"department_ids": [w.department_ids["zhujian"]]}),
    ("POST", P + "/opinions"): r(DEPARTMENTS, kind="project", state="review",
                                 body=lambda w: {"opinion": "approve", "comment": "同意"}),
    ("GET", P + "/opinions"): r(READERS, kind="project"),
    ("POST", P + "/meeting"): r("office", kind="project", state="review", body=lambda w: {
        "decision": "pass", "minutes": "评审通过"},
        why="409: the meeting waits until every consulted department has answered"),
    ("POST", P + "/leader-approval"): r("leader", kind="project", state="passed",
                                        body=lambda w: {"approve": True, "comment": "同意认定"}),
    ("GET", P + "/history"): r(READERS, kind="project"),
    ("GET", P + "/material-requests"): r(READERS, kind="project"),
    ("GET", P + "/checks"): r(READERS, kind="project"),
    ("GET", P + "/clock"): r(READERS, kind="project"),
    ("GET", "/api/v1/review-queue"): r("office", "leader"),
    ("GET", "/api/v1/review-stats"): r("office", "leader", "auditor", "admin"),
    ("GET", P + "/notice"): r(READERS, kind="project", state="refused"),
    ("GET", P + "/notice.html"): r(READERS, kind="project", state="refused"),
    ("GET", P + "/notice.pdf"): r(READERS, kind="project", state="refused"),
    ("POST", "/api/v1/certificates/{number}/revoke"): r("office", kind="certificate", body=lambda w: {
        "reason": "擅自改变房屋用途", "article": "第四十六条"}),
    ("GET", "/api/v1/certificates/{number}.pdf"): r(EVERYONE, kind="certificate", public=True),
    ("GET", "/api/v1/certificates/{number}"): r(EVERYONE, kind="certificate", public=True),
    # ---- after certification ----
    ("POST", P + "/units"): r("developer", kind="project", body=lambda w: {"units": [UNIT]}),
    ("GET", P + "/units"): r(READERS, kind="project"),
    ("GET", P + "/units/summary"): r(READERS, kind="project"),
    ("POST", P + "/completion"): r("developer", kind="project",
                                   body=lambda w: {"completed_on": "2025-06-02"},
                                   why="409: the completion date is already recorded"),
    ("POST", P + "/listing"): r("developer", kind="project",
                                why="409: organisation A's listing is already submitted"),
    ("GET", P + "/listing"): r(READERS, kind="project"),
    ("POST", P + "/listing/verify"): r("department", kind="project"),  # 市住建局 only
    ("GET", "/api/v1/listing-queue"): r(DEPARTMENTS, "office"),
    ("POST", P + "/appraisals"): r("department", kind="project", body=lambda w: {  # 市住建局 only
        "appraiser": "江西某房地产评估有限公司", "report_no": "赣评字〔2025〕99号",
        "appraised_on": "2025-05-21", "market_rent_per_m2": "31.00"}),
    ("POST", P + "/rent-standards"): r("developer", kind="project", body=lambda w: {
        "appraisal_id": w.objects["appraisal"], "rates": [{"rate_per_m2": "26.00"}]},
        why="409/422: a proposed standard is pending"),
    ("POST", "/api/v1/rent-standards/{standard_id}/file"): r(  # 市发改委 only
        "fagai", kind="standard", body=lambda w: {"filing_no": "景发改备〔2025〕7号"}),
    ("GET", P + "/rents"): r(READERS, kind="project"),
    ("POST", P + "/subsidies"): r("office", kind="project", body=lambda w: {
        "amount_yuan": "500000.00", "source": "中央补助资金", "document_no": "景保租办〔2025〕9号"}),
    ("POST", "/api/v1/subsidies/{subsidy_id}/pay"): r(
        "office", kind="subsidy", body=lambda w: {},
        why="422: paid only once the listing is published (A's is submitted, not verified)"),
    ("GET", P + "/subsidies"): r(READERS, kind="project"),
    ("GET", P + "/benefits"): r(READERS, kind="project"),
    ("POST", P + "/operation"): r("developer", kind="project", body=lambda w: {
        "started_on": "2025-06-03"}, why="409: operation already started (on its certificate's day)"),
    ("GET", P + "/operation"): r(READERS, kind="project"),
    ("POST", P + "/transfers"): r("office", kind="project", body=lambda w: {
        "to_organization_id": w.organizations["B"], "reason": "merger", "document_no": "合并协议1号"}),
    ("POST", P + "/exit-requests"): r("developer", kind="project", body=lambda w: {
        "notice_from": "2025-05-01", "notice_to": "2025-05-31", "objections": 0},
        why="409: an exit request is already pending"),
    ("GET", P + "/exit-requests"): r(READERS, kind="project"),
    ("POST", "/api/v1/exit-requests/{request_id}/decision"): r("office", kind="exit", body=lambda w: {
        "approve": True, "comment": "公示无异议，同意退出"}),
    ("GET", "/api/v1/exit-queue"): r("office", "leader"),
    ("POST", P + "/unapproved-exit"): r("office", kind="project", body=lambda w: {
        "reason": "擅自将房源转为商品房销售"}),
    ("GET", "/api/v1/listings/{code}"): r(EVERYONE, kind="code", public=True),
    ("GET", "/api/v1/rents"): r(EVERYONE, public=True),
    # ---- tenants, applications, lotteries ----
    ("GET", "/api/v1/tenants/me"): r("tenant"),
    ("PUT", "/api/v1/tenants/me/profile"): r("tenant", body=lambda w: PROFILE),
    ("POST", "/api/v1/tenants/me/commitment"): r("tenant", body=lambda w: COMMITMENT),
    ("GET", "/api/v1/tenants/me/notices"): r("tenant"),
    ("GET", "/api/v1/tenants/me/placements"): r("tenant"),
    ("POST", "/api/v1/tenants/me/placements/{placement_id}/accept"): r(
        "tenant", kind="placement", why="409: the tenant already holds a lease (one per person)"),
    ("POST", "/api/v1/tenants/me/placements/{placement_id}/decline"): r("tenant", kind="placement"),
    ("GET", "/api/v1/tenants/me/housing-fund-eligibility"): r("tenant"),
    ("GET", "/api/v1/tenants/{tenant_id}/credit"): r("tenant", "office", "auditor", "admin",
                                                     kind="tenant"),
    ("GET", "/api/v1/organizations/{organization_id}/credit"): r(
        "developer", "employer", "office", "leader", "auditor", "admin", kind="organization"),
    ("POST", "/api/v1/registry/properties"): r("admin", files=lambda w: csv_upload(
        "id_number,address,district,acquired_on", f"{w.new_id_number},珠山区某路1号,珠山区,2020-01-01")),
    ("POST", "/api/v1/registry/public-rental"): r("admin", files=lambda w: csv_upload(
        "id_number,qualified,receiving", f"{w.new_id_number},false,false")),
    ("GET", "/api/v1/housing"): r(EVERYONE, public=True),
    ("POST", "/api/v1/tenant-applications"): r("tenant", "office", body=lambda w: {
        "project_id": w.projects["A_op"], "declaration": DECLARATION,
        "applicant_id_number": w.objects["tenant5_id_number"]},
        why="409: the tenant already holds a lease (one per person)"),
    ("GET", "/api/v1/tenant-applications"): r(USERS),
    ("GET", "/api/v1/tenant-applications/{application_id}"): r(
        "tenant", "developer", "office", "auditor", "admin", kind="application"),
    ("POST", "/api/v1/tenant-applications/{application_id}/review"): r(
        "office", kind="application", body=lambda w: {"approve": True},
        why="409: the application was approved already"),
    ("POST", "/api/v1/tenant-applications/{application_id}/withdraw"): r(
        "tenant", kind="application", why="409: approved and leased, no longer withdrawable"),
    ("POST", P + "/priority-groups"): r("developer", kind="project", state="op", body=lambda w: {
        "name": "陶瓷工业园区企业员工", "kind": "park", "rank": 0,
        "organization_ids": [w.organizations["C"]]}),
    ("GET", P + "/priority-groups"): r(EVERYONE, kind="project", state="op", public=True),
    ("POST", P + "/lotteries"): r("office", kind="project", state="op",
                                  why="409: a committed lottery is waiting for its draw"),
    ("POST", "/api/v1/lotteries/{lottery_id}/draw"): r("office", kind="lottery"),
    ("GET", "/api/v1/lotteries/{lottery_id}"): r(EVERYONE, kind="lottery", public=True),
    ("GET", "/api/v1/lotteries/{lottery_id}/verify"): r(
        EVERYONE, kind="lottery", public=True, ok={200, 409},
        why="409 until the draw: the seed is not public yet"),
    # ---- leases ----
    ("POST", "/api/v1/leases"): r("developer", body=lambda w: {
        "unit_id": w.objects["free_unit"], "employer_organization_id": w.organizations["C"],
        "start_on": "2025-07-01", "end_on": "2026-06-30", "monthly_rent": "1039.50"},
        why="409: the last free unit is promised to the committed lottery"),
    ("GET", "/api/v1/leases"): r(USERS),
    ("GET", "/api/v1/leases/{lease_id}"): r(LEASE_READERS, kind="lease"),
    ("GET", "/api/v1/leases/{number}/verify"): r(EVERYONE, kind="lease_number", public=True),
    ("POST", "/api/v1/leases/{lease_id}/renew"): r("developer", kind="lease", body=lambda w: {
        "months": 12}, why="409/422: renewal opens only near the end of the term"),
    ("POST", "/api/v1/leases/{lease_id}/home-acquired"): r("tenant", "office", kind="lease",
                                                           body=lambda w: {
        "acquired_on": "2025-06-03", "how": "purchase"}),
    ("POST", "/api/v1/leases/{lease_id}/transition-extension"): r(
        "tenant", kind="lease", body=lambda w: {"until": "2026-12-31", "reason": "子女就学"},
        why="409: the lease is not in a transition period"),
    ("POST", "/api/v1/leases/{lease_id}/transition-extension/decision"): r(
        "developer", kind="lease", body=lambda w: {"approve": True},
        why="409: no extension was requested"),
    ("POST", "/api/v1/leases/{lease_id}/occupants"): r("employer", kind="lease", body=lambda w: {
        "id_number": w.objects["tenant5_id_number"]}, ok={202}),  # an invitation: 202, always
    ("POST", "/api/v1/leases/{lease_id}/occupants/{occupant_id}/withdraw"): r(
        "employer", kind="invitation"),
    ("POST", "/api/v1/leases/{lease_id}/occupants/{occupant_id}/move-out"): r(
        "employer", kind="occupant"),
    ("GET", "/api/v1/leases/{lease_id}/occupants"): r(LEASE_READERS, kind="lease"),
    ("POST", "/api/v1/leases/{lease_id}/violations"): r("developer", "office", kind="lease",
                                                        body=lambda w: {
        "kind": "subletting", "description": "擅自转租", "rectify_days": 30}),
    ("POST", P + "/violations"): r("office", kind="project", state="op", body=lambda w: {
        "kind": "unauthorized_fees", "description": "违规收取费用", "rectify_days": 30}),
    ("POST", "/api/v1/violations/{violation_id}/rectified"): r(
        "developer", "office", kind="violation"),
    ("POST", "/api/v1/leases/{lease_id}/terminate"): r("developer", "office", kind="lease",
                                                       body=lambda w: {
        "violation_id": w.objects["violation"]},
        why="409: the rectification deadline has not passed"),
    # ---- upkeep (issue 17): repairs, photos, charges, safety records, supervision ----
    ("POST", "/api/v1/repairs"): r("tenant", files=lambda w: multipart({
        "unit_id": w.objects["repair_unit"], "category": "other", "urgency": "normal",
        "description": "矩阵新报修"}, [("photos", ("m.jpg", jpeg(), "image/jpeg"))])),
    ("GET", "/api/v1/repairs"): r(USERS),
    ("GET", "/api/v1/repair-queue"): r(UPKEEP_READERS),
    ("GET", "/api/v1/repairs/{repair_id}"): r(REPAIR_READERS, kind="repair"),
    ("GET", "/api/v1/repairs/{repair_id}/history"): r(REPAIR_READERS, kind="repair"),
    ("POST", "/api/v1/repairs/{repair_id}/photos"): r("tenant", kind="repair", files=lambda w: [
        ("photos", ("more.png", png(), "image/png"))]),
    ("POST", "/api/v1/repairs/{repair_id}/accept"): r("developer", kind="repair", body=lambda w: {},
                                                      why="409: accepted already (in progress)"),
    ("POST", "/api/v1/repairs/{repair_id}/assign"): r("developer", kind="repair",
                                                      body=lambda w: {"worker": "矩阵师傅"}),
    ("POST", "/api/v1/repairs/{repair_id}/comments"): r("tenant", "developer", kind="repair",
                                                        body=lambda w: {"comment": "矩阵留言"}),
    ("POST", "/api/v1/repairs/{repair_id}/complete"): r("developer", kind="repair",
                                                        body=lambda w: {"note": "已修好"}),
    ("POST", "/api/v1/repairs/{repair_id}/confirm"): r("tenant", kind="repair", body=lambda w: {},
                                                       why="409: not completed yet"),
    ("POST", "/api/v1/repairs/{repair_id}/reopen"): r("tenant", kind="repair",
                                                      body=lambda w: {"reason": "没修好"},
                                                      why="409: not completed yet"),
    ("POST", "/api/v1/repairs/{repair_id}/close"): r("developer", kind="repair",
                                                     why="409: not completed yet"),
    ("POST", "/api/v1/repairs/{repair_id}/withdraw"): r("tenant", kind="repair", body=lambda w: {}),
    ("POST", "/api/v1/repairs/{repair_id}/charges"): r("developer", kind="repair", body=lambda w: {
        "amount_yuan": "50.00", "tenant_caused": True, "reason": "玻璃被打碎"},
        why="409: a charge is waiting for the tenant's answer"),
    ("POST", "/api/v1/repair-charges/{charge_id}/accept"): r("tenant", kind="charge", body=lambda w: {}),
    ("POST", "/api/v1/repair-charges/{charge_id}/dispute"): r("tenant", kind="charge",
                                                              body=lambda w: {"reason": "不是我损坏的"}),
    ("POST", "/api/v1/repair-charges/{charge_id}/withdraw"): r("developer", kind="charge",
                                                               body=lambda w: {}),
    ("GET", "/api/v1/photos/{photo_id}"): r(REPAIR_READERS, kind="photo"),
    ("GET", P + "/upkeep"): r(UPKEEP_READERS, kind="project", state="op"),
    ("POST", P + "/safety-checks"): r("developer", kind="project", state="op", files=lambda w: multipart({
        "checked_on": "2025-06-03", "fire_facilities": "ok", "equipment": "ok", "evacuation_routes": "ok",
        "safety_exits": "ok", "fire_lanes": "ok"})),
    ("GET", P + "/safety-checks"): r(UPKEEP_READERS, kind="project", state="op"),
    ("POST", P + "/inspections"): r("department", kind="project", state="op", files=lambda w: multipart({
        "inspected_on": "2025-06-03", "result": "passed", "findings": "矩阵检查合格"})),
    ("GET", P + "/inspections"): r(UPKEEP_READERS, kind="project", state="op"),
    ("POST", "/api/v1/inspections/{inspection_id}/rectification"): r(
        "developer", kind="inspection", files=lambda w: multipart({"note": "已整改"})),
    ("POST", P + "/emergency-plans"): r("developer", kind="project", state="op", files=lambda w: multipart(
        {"kind": "flood", "title": "防汛应急预案", "review_on": "2025-12-31"},
        [("file", ("plan.pdf", pdf(), "application/pdf"))])),
    ("GET", P + "/emergency-plans"): r(UPKEEP_READERS, kind="project", state="op"),
    ("GET", "/api/v1/emergency-plans/{plan_id}/file"): r(UPKEEP_READERS, kind="plan"),
    # ---- 附件5 materials (issue 21): the developer uploads, the project's parties read ----
    ("POST", P + "/materials"): r("developer", kind="project", state="draft", files=lambda w: multipart(
        {"code": "feasibility_safety_appraisal"}, [("file", ("appraisal.pdf", pdf(), "application/pdf"))])),
    ("GET", "/api/v1/materials/{material_id}"): r(READERS, kind="material"),
    ("POST", P + "/quality-supervisions"): r("department", kind="project", state="op", body=lambda w: {
        "structure_safe": True, "fire_safe": True, "result": "passed"}),
    ("GET", P + "/quality-supervisions"): r(UPKEEP_READERS, kind="project", state="op"),
    ("GET", "/api/v1/upkeep/supervision/projects"): r(UPKEEP_READERS, "leader"),
    ("GET", "/api/v1/upkeep/supervision/operators"): r(UPKEEP_READERS, "leader"),
    # ---- door access (issue 19): devices, credentials, events, signals ----
    ("POST", "/api/v1/access/events"): r(EVERYONE, public=True, ok={401}, body=lambda w: EVENT_BATCH,
                                         why="a device's key, never a user's token"),
    ("POST", "/api/v1/access/projects/{project_id}/devices"): r("developer", kind="project", state="op",
                                                               body=lambda w: {"name": "矩阵闸机",
                                                                               "location_kind": "entrance",
                                                                               "location": "北门"}),
    ("GET", "/api/v1/access/projects/{project_id}/devices"): r("developer", kind="project", state="op"),
    ("POST", "/api/v1/access/devices/{device_id}/rotate-key"): r("developer", kind="device"),
    ("POST", "/api/v1/access/devices/{device_id}/revoke"): r("developer", kind="device"),
    ("POST", "/api/v1/access/projects/{project_id}/credentials"): r(
        "developer", kind="project", state="op",
        body=lambda w: {"unit_id": w.objects["repair_unit"], "external_id": "MATRIX-NEW", "kind": "card"}),
    ("GET", "/api/v1/access/projects/{project_id}/credentials"): r("developer", kind="project", state="op"),
    ("POST", "/api/v1/access/credentials/{credential_id}/bind"): r(
        "developer", kind="credential", body=lambda w: {"lease_id": w.objects["lease_A"]}),
    ("POST", "/api/v1/access/credentials/{credential_id}/unbind"): r(
        "developer", kind="credential", body=lambda w: {"reason": "矩阵"}, why="409: not bound"),
    ("GET", "/api/v1/access/me/credentials"): r("tenant"),
    ("GET", "/api/v1/access/projects/{project_id}/events"): r("developer", kind="project", state="op"),
    ("GET", "/api/v1/access/signals"): r(SIGNAL_READERS),
    ("POST", "/api/v1/access/signals/recompute"): r("developer", "department", "office", body=lambda w: {}),
    ("GET", "/api/v1/access/signals/{signal_id}"): r(SIGNAL_READERS, kind="signal"),
    ("GET", "/api/v1/access/signals/{signal_id}/events"): r("developer", "department", kind="signal"),
    ("POST", "/api/v1/access/signals/{signal_id}/dismiss"): r(
        "developer", "department", "office", kind="signal", body=lambda w: {"reason": "矩阵"}),
    ("POST", "/api/v1/access/signals/{signal_id}/open-case"): r(
        "developer", "office", kind="signal",
        body=lambda w: {"kind": "lending", "description": "矩阵", "rectify_days": 10}),
    # ---- contracts (issue 16): templates, signing, proofs, public checks ----
    ("GET", "/api/v1/contract-templates"): r(TEMPLATE_READERS),
    ("GET", "/api/v1/contract-templates/{template_id}"): r(TEMPLATE_READERS, kind="template"),
    ("POST", "/api/v1/contract-templates"): r("office", body=lambda w: {
        "version": 77, "title": "矩阵模板", "effective_on": "2031-01-01",
        "body": "# 合同\n{{ contract.number }}"}),
    ("POST", "/api/v1/contracts"): r("developer", body=lambda w: {
        "lease_id": w.objects["lease_A"], "safety_terms": "矩阵安全约定"}, why="the lease has its contract"),
    ("GET", "/api/v1/contracts"): r(USERS),
    ("GET", "/api/v1/contracts/{contract_id}"): r(LEASE_READERS, kind="contract"),
    ("GET", "/api/v1/contracts/{contract_id}/document.pdf"): r(LEASE_READERS, kind="contract"),
    ("POST", "/api/v1/contracts/{contract_id}/revise"): r("developer", kind="contract", body=lambda w: {
        "payment_period_months": 2, "safety_terms": "改"}, why="signed: immutable"),
    ("POST", "/api/v1/contracts/{contract_id}/send"): r("developer", kind="contract", why="already signed"),
    ("POST", "/api/v1/contracts/{contract_id}/sign"): r(
        "tenant", "employer", kind="contract", why="already signed",
        body=lambda w: {"password": PASSWORD, "document_sha256": "0" * 64}),
    ("POST", "/api/v1/contracts/{contract_id}/countersign"): r("developer", kind="contract", body=lambda w: {
        "password": PASSWORD, "document_sha256": "0" * 64}, why="already signed"),
    ("POST", "/api/v1/contracts/{contract_id}/supplements"): r("developer", kind="contract",
                                                               body=lambda w: {"terms": "矩阵补充约定"}),
    ("POST", "/api/v1/contracts/{contract_id}/renewed"): r("developer", "office", kind="contract",
                                                           why="the lease runs"),
    ("POST", "/api/v1/contracts/{contract_id}/ended"): r("developer", "office", kind="contract",
                                                         why="the lease runs"),
    ("POST", "/api/v1/contracts/{contract_id}/proofs"): r("tenant", "employer", kind="contract",
                                                          body=lambda w: {"purpose": "schooling"}),
    ("GET", "/api/v1/leases/{lease_id}/proofs"): r(LEASE_READERS, kind="lease"),
    ("GET", "/api/v1/proofs/{proof_id}/document.pdf"): r(LEASE_READERS, kind="proof"),
    ("GET", "/api/v1/contracts/{reference}/verify"): r(EVERYONE, kind="contract_reference", public=True),
    ("GET", "/api/v1/proofs/{code}/verify"): r(EVERYONE, kind="proof_code", public=True),
    # ---- jobs, notices, reminders (issue 18) ----
    ("GET", "/api/v1/jobs"): r("admin"),
    ("GET", "/api/v1/jobs/runs"): r("admin"),
    ("POST", "/api/v1/jobs/{job_name}/run"): r("admin", kind="job", ok={202}),
    ("GET", "/api/v1/notices"): r(USERS),
    ("GET", "/api/v1/notices/unread-count"): r(USERS),
    ("POST", "/api/v1/notices/read-all"): r(USERS),
    ("POST", "/api/v1/notices/{notice_id}/read"): r(USERS, kind="notice"),
    ("GET", "/api/v1/notices/preferences"): r(USERS),
    ("PUT", "/api/v1/notices/preferences"): r(USERS, body=lambda w: {"sms_enabled": False}),
    ("GET", "/api/v1/notice-deliveries"): r("admin"),
    ("POST", "/api/v1/notice-deliveries/{delivery_id}/retry"): r("admin", kind="delivery", ok={202}),
    ("GET", "/api/v1/reminders"): r(USERS),
    ("GET", "/api/v1/reminders/lead-times"): r(USERS),
    # ---- plans, funds, statistics (issue 20): 住建 (the "department" principal) compiles plans;
    # the office keeps the ledger and generates reports; office, leader, auditor read them ----
    ("POST", P + "/construction-start"): r("developer", kind="project", body=lambda w: {
        "started_on": REVIEW_DAY.isoformat()}),
    ("GET", "/api/v1/plans"): r(PLAN_READERS),
    ("POST", "/api/v1/plans"): r("department", body=lambda w: PLAN_BODY),
    ("GET", "/api/v1/plans/{plan_id}"): r(PLAN_READERS, kind="devplan"),
    ("PUT", "/api/v1/plans/{plan_id}/lines"): r("department", kind="devplan", body=lambda w: {
        "lines": PLAN_BODY["lines"]}, why="a published version is never edited"),
    ("POST", "/api/v1/plans/{plan_id}/publish"): r("department", kind="devplan", why="already published"),
    ("POST", "/api/v1/plans/{plan_id}/adjust"): r("department", kind="devplan", body=lambda w: {
        "reason": "矩阵调整"}),
    ("GET", "/api/v1/plans/{plan_id}/progress"): r(PLAN_READERS, kind="devplan"),
    ("GET", "/api/v1/public/plans"): r(EVERYONE, public=True),
    ("GET", "/api/v1/funds"): r(FUND_READERS),
    ("POST", "/api/v1/funds"): r("office", body=lambda w: FUND_BODY),
    ("GET", "/api/v1/funds/{fund_id}"): r(FUND_READERS, kind="fund"),
    ("GET", "/api/v1/funds/{fund_id}/entries"): r(FUND_READERS, kind="fund"),
    ("POST", "/api/v1/funds/{fund_id}/entries"): r("office", kind="fund", body=lambda w: {
        "kind": "allocation", "project_id": w.projects["A_cert"], "amount_fen": 100, "on": "2025-06-03"}),
    ("POST", "/api/v1/fund-entries/{entry_id}/reverse"): r("office", kind="fund_entry", body=lambda w: {
        "on": "2025-06-03", "note": "矩阵冲正"}),
    ("GET", "/api/v1/statistics-reports"): r(FUND_READERS),
    ("POST", "/api/v1/statistics-reports"): r("office", body=lambda w: {
        "period_kind": "month", "year": 2025, "number": 5}),
    ("GET", "/api/v1/statistics-reports/{report_id}.{fmt}"): r(FUND_READERS, kind="report"),
}

QUERY = {"/api/v1/calendar/add-working-days": "?start=2025-06-03&days=10",
         "/api/v1/tenants/me/housing-fund-eligibility": "?contribution_months=12",
         "/api/v1/lotteries/{lottery_id}/verify": "?seed=not-the-seed"}
FIXED_PATH_VALUES = {"year": {"GET": "2025", "PUT": "2031"},
                     "name": {"GET": "prepaid_rent_months_max", "POST": "prepaid_rent_months_max"},
                     "fmt": {"GET": "xlsx"}}
MISSING = {"project": "999999", "organization": "999999", "user": "999999", "standard": "999999",
           "subsidy": "999999", "exit": "999999", "certificate": "景保租认〔2099〕9999号",
           "code": "NOSUCHCODE", "lease": "999999", "lease_number": "NOSUCHLEASE",
           "application": "999999", "violation": "999999", "lottery": "999999", "tenant": "999999",
           "occupant": "999999/occupants/999999", "invitation": "999999/occupants/999999",
           "placement": "999999"}
MISSING |= {"repair": "999999", "charge": "999999", "photo": "999999", "inspection": "999999",
            "plan": "999999"}
MISSING |= {"devplan": "999999", "fund": "999999", "fund_entry": "999999", "report": "999999"}
MISSING |= {"material": "999999"}
MISSING |= {"job": "no.such.job", "notice": "999999", "delivery": "999999"}
MISSING |= {"device": "999999", "credential": "999999", "signal": "999999"}
MISSING |= {"template": "999999", "contract": "999999", "proof": "999999",
            "contract_reference": "HT2099999999-AAAAAAAA", "proof_code": "NOSUCHPROOF"}


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    department_ids: dict[str, int] = field(default_factory=dict)
    new_uscc: str = ""
    new_id_number: str = ""

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}

    # which object is whose -------------------------------------------------------------
    def own(self, rule: Rule, who: str) -> str:
        kind = rule.kind
        if kind == "project":
            return str(self.projects[f"A_{rule.state}"])
        if kind == "organization":
            return str(self.organizations["C" if who == "employer" else "A"])
        if kind == "user":
            sees_all = who in ("admin", "auditor")
            return str(self.users["tenant2" if sees_all or who == ANON else who])
        if kind == "tenant":
            return str(self.users["tenant"])
        if kind == "lease":
            return str(self.objects["lease_E" if who == "employer" else "lease_A"])
        if kind in ("contract", "proof"):
            return str(self.objects[f"{kind}_E" if who == "employer" else f"{kind}_A"])
        if kind in ("occupant", "invitation"):
            return f"{self.objects['lease_E']}/occupants/{self.objects[kind]}"
        if kind == "notice":
            return str(self.objects.get(f"notice_{who}", self.objects["notice_tenant"]))
        return str(self.objects[kind])

    def foreign(self, rule: Rule, who: str) -> str | None:
        """Another organisation's or person's object, or None where ``who`` sees everything
        (a public route has no owner scope: everyone sees every object)."""
        if rule.public:
            return None
        kind = rule.kind
        if kind == "project":
            if who == "developer":
                return str(self.projects["B_draft" if rule.state == "draft" else "B_cert"])
            if who in DEPARTMENTS:
                return str(self.projects["B_submitted"])  # not sent to them, not certified
            if who in ("office", "leader"):
                return str(self.projects["B_draft"])  # drafts are the applicant's own
            return None
        if kind == "organization" and who in ("developer", "employer"):
            return str(self.organizations["B"])
        if kind == "user" and who not in ("admin", "auditor"):
            return str(self.users["tenant2"])
        if kind == "tenant" and who == "tenant":
            return str(self.users["tenant2"])
        if kind == "lease" and who in ("developer", "tenant"):
            return str(self.objects["lease_B"])
        if kind == "lease" and who == "employer":
            return str(self.objects["lease_A"])
        if kind in ("contract", "proof") and who in ("developer", "tenant"):
            return str(self.objects[f"{kind}_B"])
        if kind in ("contract", "proof") and who == "employer":
            return str(self.objects[f"{kind}_A"])
        if kind == "application" and who in ("developer", "tenant"):
            return str(self.objects["application_B"])
        if kind == "violation" and who == "developer":
            return str(self.objects["violation_B"])
        if kind == "placement" and who == "tenant":
            return str(self.objects["placement_tenant2"])  # addressed to another person
        if kind in ("repair", "charge", "photo") and who in ("developer", "tenant"):
            return str(self.objects[f"{kind}_B"])  # tenant2's, on organisation B's project
        if kind in ("inspection", "plan") and who == "developer":
            return str(self.objects[f"{kind}_B"])
        if kind == "material" and who == "developer":
            return str(self.objects["material_B"])  # organisation B's certified project
        if kind in ("device", "credential", "signal") and who == "developer":
            return str(self.objects[f"{kind}_B"])  # organisation B's project
        if kind == "notice":
            return str(self.objects["notice_tenant2"])  # 站内信 are their addressee's alone
        return None


# ---- building the world ----------------------------------------------------------------------

def build_world(session: Session, client: TestClient) -> World:
    w = World(new_uscc=fake_uscc(), new_id_number=fake_id_number("19970707"))
    for key in ("A", "B", "C"):
        w.organizations[key] = accounts.create_organization(session, actor=SYSTEM, data=OrganizationCreate(
            name=f"矩阵单位{key}", uscc=fake_uscc())).id
    zhujian = accounts.find_department(session, "zhujian")
    fagai = accounts.find_department(session, "fagai")
    assert zhujian is not None and fagai is not None
    w.department_ids = {"zhujian": zhujian.id, "fagai": fagai.id}
    people: dict[str, dict[str, Any]] = {
        "admin": {"role": "admin"}, "office": {"role": "office"}, "leader": {"role": "leader"},
        "auditor": {"role": "auditor"},
        "developer": {"role": "developer", "organization_id": w.organizations["A"]},
        "developerB": {"role": "developer", "organization_id": w.organizations["B"]},
        "department": {"role": "department", "department_id": zhujian.id},
        "fagai": {"role": "department", "department_id": fagai.id},
        "tenant": {"role": "tenant", "full_name": "矩阵承租人", "id_number": fake_id_number()},
        "tenant2": {"role": "tenant", "full_name": "另一承租人", "id_number": fake_id_number()},
        "tenant3": {"role": "tenant", "full_name": "摇号甲", "id_number": fake_id_number()},
        "tenant4": {"role": "tenant", "full_name": "入住职工", "id_number": fake_id_number()},
        "tenant5": {"role": "tenant", "full_name": "窗口申请人", "id_number": fake_id_number()},
        "tenant6": {"role": "tenant", "full_name": "摇号乙", "id_number": fake_id_number()},
        "employer": {"role": "employer", "organization_id": w.organizations["C"]},
    }
    for who, kw in people.items():
        user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username=f"matrix-{who}", password=PASSWORD, **kw))
        w.users[who] = user.id
        w.objects[f"{who}_id_number"] = kw.get("id_number")
        w.tokens[who] = create_access_token(user_id=user.id, role=user.role,
                                            token_version=user.token_version)[0]
    session.flush()

    def post(who: str, path: str, body: Any = None, expect: int = 200) -> Any:
        response = client.post(path, json=body, headers=w.headers(who))
        assert response.status_code == expect, (path, response.text)
        return response.json()

    both = [zhujian.id, fagai.id]
    steps = {  # state: (action, body), applied in order
        "submitted": ("submit", {}), "accepted": ("accept", {}),
        "review": ("dispatch", {"department_ids": both}),
    }

    def project(owner: str, key: str, until: str) -> int:
        pid = post(owner, "/api/v1/projects", application(name=f"矩阵项目{key}"), 201)["id"]
        order = ["draft", "submitted", "accepted", "review", "awaiting", "passed", "cert",
                 "refused"]
        target = order.index(until)
        for state in ("submitted", "accepted", "review"):
            if order.index(state) <= target:
                action, body = steps[state]
                post(owner if state == "submitted" else "office", f"/api/v1/projects/{pid}/{action}",
                     body)
        if until == "awaiting":
            post("office", f"/api/v1/projects/{pid}/request-materials",
                 {"items": ["消防验收意见"], "comment": "请补充"})
        if until in ("passed", "cert", "refused"):
            post("department", f"/api/v1/projects/{pid}/opinions", {"opinion": "approve", "comment": "同意"})
            post("fagai", f"/api/v1/projects/{pid}/opinions", {"opinion": "approve", "comment": "同意"})
            post("office", f"/api/v1/projects/{pid}/meeting", {"decision": "pass", "minutes": "通过"})
        if until == "cert":
            post("leader", f"/api/v1/projects/{pid}/leader-approval", {"approve": True, "comment": "同意"})
        if until == "refused":
            post("leader", f"/api/v1/projects/{pid}/leader-approval",
                 {"approve": False, "comment": "配套设施不足"})
        return pid

    for state in ("draft", "submitted", "accepted", "review", "awaiting", "passed", "cert", "refused"):
        w.projects[f"A_{state}"] = project("developer", f"A-{state}", state)
    for state in ("draft", "submitted", "cert"):
        w.projects[f"B_{state}"] = project("developerB", f"B-{state}", state)
    # the certificate of A; a published unit of B; A's listing submitted, rents, subsidy, exit
    a, b = w.projects["A_cert"], w.projects["B_cert"]
    for owner, pid, key in (("developer", a, "material"), ("developerB", b, "material_B")):
        uploaded = client.post(f"/api/v1/projects/{pid}/materials", headers=w.headers(owner),
                               files=multipart({"code": "feasibility_safety_appraisal"},
                                               [("file", ("appraisal.pdf", pdf(), "application/pdf"))]))
        assert uploaded.status_code == 201, uploaded.text
        w.objects[key] = uploaded.json()["id"]
    w.objects["certificate"] = client.get(f"/api/v1/projects/{a}",
                                          headers=w.headers("developer")).json()["certificate_number"]
    for owner, pid in (("developer", a), ("developerB", b)):
        post(owner, f"/api/v1/projects/{pid}/completion", {"completed_on": "2025-06-01"})
        post(owner, f"/api/v1/projects/{pid}/units", {"units": [UNIT | {"number": "0101"}]}, 201)
        post(owner, f"/api/v1/projects/{pid}/listing")
    post("department", f"/api/v1/projects/{b}/listing/verify")
    w.objects["code"] = client.get(f"/api/v1/projects/{b}/units", headers=w.headers("developerB")
                                   ).json()["items"][0]["verification_code"]
    w.objects["appraisal"] = post("department", f"/api/v1/projects/{a}/appraisals", {
        "appraiser": "江西某房地产评估有限公司", "report_no": "赣评字〔2025〕88号",
        "appraised_on": "2025-05-20", "market_rent_per_m2": "30.00"}, 201)["id"]
    w.objects["standard"] = post("developer", f"/api/v1/projects/{a}/rent-standards", {
        "appraisal_id": w.objects["appraisal"], "rates": [{"rate_per_m2": "27.00"}]}, 201)["id"]
    w.objects["subsidy"] = post("office", f"/api/v1/projects/{a}/subsidies", {
        "amount_yuan": "1800000.00", "source": "中央补助资金", "document_no": "景保租办〔2025〕5号"},
        201)["id"]
    post("developer", f"/api/v1/projects/{a}/operation", {"started_on": REVIEW_DAY.isoformat()})
    # A pending exit request: through the API it needs 8 years of operation (第四十三条), which
    # tests/operation/test_lifecycle.py covers by moving the clock; here it is a row.
    request = ExitRequest(project_id=a, requested_on=REVIEW_DAY, requested_by_id=w.users["developer"],
                          notice_from=date(2025, 5, 1), notice_to=date(2025, 5, 31), objections=0,
                          status="pending")
    session.add(request)
    session.flush()
    w.objects["exit"] = request.id
    build_leases(w, client, post, project)
    build_upkeep(w, client, post)
    build_notices(w, session)
    build_planning(w, client, post)
    build_access(w, session)
    return w


def build_access(w: World, session: Session) -> None:
    """A device, a credential (issued, not bound) and an open signal on each of A's and B's leases
    (issue 19), as rows."""
    from app.access.models import AccessCredential, AccessDevice, AccessSignal
    from app.leases.models import Lease

    for key in ("A", "B"):
        lease = session.get(Lease, w.objects[f"lease_{key}"])
        device = AccessDevice(project_id=lease.project_id, name=f"矩阵闸机{key}", location_kind="entrance",
                              location="北门", status="active", key_hash=f"{key}" * 64, key_hint="bzd_matrix",
                              created_by_id=w.users["developer"])
        credential = AccessCredential(external_id=f"MATRIX-{key}", kind="card", project_id=lease.project_id,
                                      unit_id=lease.unit_id, status="registered")
        session.add_all([device, credential])
        session.flush()
        signal = AccessSignal(kind="lending", project_id=lease.project_id, unit_id=lease.unit_id,
                              lease_id=lease.id, credential_id=credential.id, status="open",
                              first_detected_on=REVIEW_DAY, last_detected_on=REVIEW_DAY,
                              evidence={"rule": f"矩阵门禁{key}", "window_days": 30, "weeks": []})
        session.add(signal)
        session.flush()
        w.objects[f"device_{key}"], w.objects[f"credential_{key}"] = device.id, credential.id
        w.objects[f"signal_{key}"] = signal.id
    for kind in ("device", "credential", "signal"):
        w.objects[kind] = w.objects[f"{kind}_A"]
    session.commit()  # release the builder's savepoint: each case opens its own below it


def build_planning(w: World, client: TestClient, post: Callable[..., Any]) -> None:
    """住建's published plan, a fund with its receipt entry, a stored report (issue 20)."""
    w.objects["devplan"] = post("department", "/api/v1/plans", PLAN_BODY, 201)["id"]
    post("department", f"/api/v1/plans/{w.objects['devplan']}/publish")
    w.objects["fund"] = post("office", "/api/v1/funds", FUND_BODY | {"document_no": "矩阵财建1号"}, 201)["id"]
    w.objects["fund_entry"] = client.get(f"/api/v1/funds/{w.objects['fund']}/entries",
                                         headers=w.headers("office")).json()[0]["id"]
    w.objects["report"] = post("office", "/api/v1/statistics-reports",
                               {"period_kind": "month", "year": 2025, "number": 6}, 201)["id"]


def build_notices(w: World, session: Session) -> None:
    """A 站内信 for every user, a failed SMS delivery, and the job to run (issue 18)."""
    from app.notices import service as notices
    from app.notices.models import NoticeDelivery

    for who, user_id in w.users.items():
        w.objects[f"notice_{who}"] = notices.send(session, user_id=user_id, kind="matrix", title="矩阵",
                                                  message="矩阵测试消息").id
    failed = NoticeDelivery(notice_id=w.objects["notice_tenant"], channel="sms", address="13912345678",
                            status="failed", attempts=6)
    session.add(failed)
    session.flush()
    w.objects["delivery"] = failed.id
    w.objects["job"] = "reminders.daily"


def build_upkeep(w: World, client: TestClient, post: Callable[..., Any]) -> None:
    """Repairs with a photo and a charge (the tenant's on A's project, tenant2's on B's), an
    inspection ordering rectification and a plan on each of A's and B's projects in operation."""
    units = {}
    for key, who, owner in (("A", "tenant", "developer"), ("B", "tenant2", "developerB")):
        lease = client.get(f"/api/v1/leases/{w.objects[f'lease_{key}']}", headers=w.headers(who)).json()
        units[key] = lease["unit_id"]
        made = client.post("/api/v1/repairs", headers=w.headers(who), files=multipart({
            "unit_id": lease["unit_id"], "category": "doors_windows", "urgency": "normal",
            "description": f"矩阵报修{key}"}, [("photos", ("door.jpg", jpeg(), "image/jpeg"))]))
        assert made.status_code == 201, made.text
        repair = made.json()
        w.objects[f"repair_{key}"], w.objects[f"photo_{key}"] = repair["id"], repair["photos"][0]["id"]
        post(owner, f"/api/v1/repairs/{repair['id']}/accept", {})
        post(owner, f"/api/v1/repairs/{repair['id']}/assign", {"worker": "王师傅"})
        w.objects[f"charge_{key}"] = post(owner, f"/api/v1/repairs/{repair['id']}/charges", {
            "amount_yuan": "80.00", "tenant_caused": True, "reason": "门锁被撬"}, 201)["id"]
        project = lease["project_id"]
        inspected = client.post(f"/api/v1/projects/{project}/inspections", headers=w.headers("department"),
                                files=multipart({"inspected_on": "2025-06-03", "result": "rectify",
                                                 "findings": "灭火器过期", "rectify_by": "2025-06-30"}))
        assert inspected.status_code == 201, inspected.text
        w.objects[f"inspection_{key}"] = inspected.json()["id"]
        filed = client.post(f"/api/v1/projects/{project}/emergency-plans", headers=w.headers(owner),
                            files=multipart({"kind": "fire", "title": "火灾应急预案",
                                             "review_on": "2025-12-31"},
                                            [("file", ("plan.pdf", pdf(), "application/pdf"))]))
        assert filed.status_code == 201, filed.text
        w.objects[f"plan_{key}"] = filed.json()["id"]
    w.objects["repair_unit"] = units["A"]
    for kind in ("repair", "photo", "charge", "inspection", "plan"):
        w.objects[kind] = w.objects[f"{kind}_A"]


def build_leases(w: World, client: TestClient, post: Callable[..., Any],
                 project: Callable[[str, str, str], int]) -> None:
    """Projects of A and B in operation with filed rents; applications, leases, an employer's
    lease with an occupant, violations and a committed lottery."""

    def operate(owner: str, key: str) -> tuple[int, list[int]]:
        pid = project(owner, key, "cert")
        base = f"/api/v1/projects/{pid}"
        post(owner, f"{base}/completion", {"completed_on": "2025-06-01"})
        post(owner, f"{base}/units", {"units": [
            UNIT | {"number": f"{101 + n}", "unit_type": "一室户"} for n in range(3)]}, 201)
        post(owner, f"{base}/listing")
        post("department", f"{base}/listing/verify")
        appraisal = post("department", f"{base}/appraisals", {
            "appraiser": "江西某评估公司", "report_no": f"评-{key}", "appraised_on": "2025-05-20",
            "market_rent_per_m2": "30.00"}, 201)["id"]
        standard = post(owner, f"{base}/rent-standards", {
            "appraisal_id": appraisal, "rates": [{"rate_per_m2": "27.00"}]}, 201)["id"]
        post("fagai", f"/api/v1/rent-standards/{standard}/file", {"filing_no": f"景发改备-{key}"})
        units = client.get(f"{base}/units", headers=w.headers(owner)).json()["items"]
        return pid, [u["id"] for u in units]

    templates = client.get("/api/v1/contract-templates", headers=w.headers("office")).json()
    w.objects["template"] = templates[0]["id"]
    a_op, units_a = operate("developer", "A-op")
    b_op, units_b = operate("developerB", "B-op")
    w.projects["A_op"] = a_op
    for who in ("tenant", "tenant2", "tenant3", "tenant4", "tenant5", "tenant6"):
        response = client.put("/api/v1/tenants/me/profile", json=PROFILE, headers=w.headers(who))
        assert response.status_code == 200, response.text
        post(who, "/api/v1/tenants/me/commitment", COMMITMENT, 201)
    term = {"start_on": "2025-07-01", "end_on": "2026-06-30", "monthly_rent": "1039.50"}

    def sign_contract(party: str, owner: str, lease_id: int, key: str) -> None:
        """The lease's contract signed by both (issue 16): the lease is in force; a proof issued."""
        made = post(owner, "/api/v1/contracts", {"lease_id": lease_id, "safety_terms": "矩阵安全约定"}, 201)
        post(owner, f"/api/v1/contracts/{made['id']}/send")
        confirm = {"password": PASSWORD, "document_sha256": made["document_sha256"]}
        post(party, f"/api/v1/contracts/{made['id']}/sign", confirm)
        post(owner, f"/api/v1/contracts/{made['id']}/countersign", confirm)
        w.objects[f"contract_{key}"] = made["id"]
        w.objects["contract_reference"] = (w.objects.get("contract_reference")
                                           or made["verify_reference"])
        proof = post(party, f"/api/v1/contracts/{made['id']}/proofs", {"purpose": "schooling"}, 201)
        w.objects[f"proof_{key}"] = proof["id"]
        w.objects["proof_code"] = w.objects.get("proof_code") or proof["code"]

    def lease(who: str, owner: str, pid: int, unit: int, key: str) -> None:
        application = post(who, "/api/v1/tenant-applications",
                           {"project_id": pid, "declaration": DECLARATION}, 201)["id"]
        post("office", f"/api/v1/tenant-applications/{application}/review", {"approve": True})
        made = post(owner, "/api/v1/leases", {"unit_id": unit, "application_id": application} | term,
                    201)
        w.objects[f"application_{key}"], w.objects[f"lease_{key}"] = application, made["id"]
        w.objects["lease_number"] = w.objects.get("lease_number") or made["verify_reference"]
        sign_contract(who, owner, made["id"], key)
        w.objects[f"violation_{key}"] = post(owner, f"/api/v1/leases/{made['id']}/violations", {
            "kind": "idle", "description": "长期闲置", "rectify_days": 30}, 201)["violation_id"]

    lease("tenant", "developer", a_op, units_a[0], "A")
    lease("tenant2", "developerB", b_op, units_b[0], "B")
    w.objects["application"], w.objects["violation"] = (w.objects["application_A"],
                                                        w.objects["violation_A"])
    employer_lease = post("developer", "/api/v1/leases", {
        "unit_id": units_a[1], "employer_organization_id": w.organizations["C"]} | term, 201)["id"]
    w.objects["lease_E"] = employer_lease
    sign_contract("employer", "developer", employer_lease, "E")
    occupants = f"/api/v1/leases/{employer_lease}/occupants"
    for who in ("tenant4", "tenant", "tenant2"):  # tenant4 accepts; the others' wait
        post("employer", occupants, {"id_number": w.objects[f"{who}_id_number"]}, 202)
        w.objects[f"placement_{who}"] = client.get("/api/v1/tenants/me/placements",
                                                   headers=w.headers(who)).json()[0]["id"]
    w.objects["occupant"] = post("tenant4", f"/api/v1/tenants/me/placements/"
                                            f"{w.objects['placement_tenant4']}/accept")["id"]
    w.objects["placement"] = w.objects["placement_tenant"]
    w.objects["invitation"] = w.objects["placement_tenant2"]
    for who in ("tenant3", "tenant6"):  # two approved applicants for the one unit left: a lottery
        waiting = post(who, "/api/v1/tenant-applications",
                       {"project_id": a_op, "declaration": DECLARATION}, 201)["id"]
        post("office", f"/api/v1/tenant-applications/{waiting}/review", {"approve": True})
    w.objects["lottery"] = post("office", f"/api/v1/projects/{a_op}/lotteries", None, 201)["id"]
    w.objects["free_unit"] = units_a[2]


@dataclass
class Matrix:
    world: World
    client: TestClient
    session: Session
    connection: Connection
    stats: Counter[str] = field(default_factory=Counter)

    def fingerprint(self) -> tuple[Any, ...]:
        counts = self.connection.execute(text("SELECT " + ", ".join(
            f"(SELECT count(*) FROM {t})" for t in sorted(metadata.tables)))).one()
        statuses = self.connection.execute(text("SELECT id, status FROM project ORDER BY id")).all()
        accounts_ = self.connection.execute(text(
            "SELECT id, is_active, token_version FROM user_account ORDER BY id")).all()
        return tuple(counts), tuple(map(tuple, statuses)), tuple(map(tuple, accounts_))

    def call(self, method: str, path: str, rule: Rule, who: str, value: str | None
             ) -> tuple[int, Any, bool]:
        """(status, body, wrote) of one request in a savepoint that is rolled back after it."""
        url = path
        for name, fixed in FIXED_PATH_VALUES.items():
            if method in fixed:
                url = url.replace(f"{{{name}}}", fixed[method])
        if value is not None and rule.kind in ("occupant", "invitation"):
            lease, occupant = value.split("/occupants/")
            url = url.replace("{lease_id}", lease).replace("{occupant_id}", occupant)
        elif value is not None:
            url = re.sub(r"\{[^}]+\}", value, url)
        url += QUERY.get(path, "")
        kwargs: dict[str, Any] = {"headers": self.world.headers(who)}
        if rule.form:
            kwargs["data"] = {"username": "matrix-office", "password": PASSWORD}
        elif rule.files is not None:
            kwargs["files"] = rule.files(self.world)
        elif rule.body is not None:
            kwargs["json"] = rule.body(self.world)
        savepoint = self.connection.begin_nested()
        try:
            before = self.fingerprint()
            response = self.client.request(method, url, **kwargs)
            wrote = self.fingerprint() != before
        finally:
            savepoint.rollback()
            self.session.expunge_all()
        self.stats[f"{response.status_code}"] += 1
        content_type = response.headers.get("content-type", "")
        body = response.json() if "json" in content_type else response.content
        return response.status_code, body, wrote


@pytest.fixture(scope="module")
def matrix(engine: Engine) -> Iterator[Matrix]:
    with app_in_one_transaction(engine, REVIEW_DAY) as (connection, session, client):
        world = build_world(session, client)
        matrix = Matrix(world, client, session, connection)
        yield matrix
        if os.environ.get("BAOZU_MATRIX_STATS"):
            print(f"\nauthorisation matrix: {dict(sorted(matrix.stats.items()))}")


# ---- the tests -------------------------------------------------------------------------------

def route_keys() -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in api_routes()}


def test_every_route_is_in_the_table() -> None:
    routes = route_keys()
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, f"routes without an authorisation rule (add them to TABLE): {missing}"
    assert not stale, f"TABLE names routes the app no longer has: {stale}"


def test_the_table_names_only_known_principals() -> None:
    for key, rule in TABLE.items():
        assert rule.allowed <= EVERYONE, key
        assert rule.kind is None or rule.kind in MISSING, key
        assert not rule.public or rule.allowed == EVERYONE, key


@pytest.mark.parametrize(("method", "path"), sorted(TABLE), ids=[f"{m} {p}" for m, p in sorted(TABLE)])
def test_route(matrix: Matrix, method: str, path: str, request: pytest.FixtureRequest) -> None:
    rule = TABLE[(method, path)]
    if rule.known_bug:
        request.applymarker(pytest.mark.xfail(reason=rule.known_bug, strict=True))
    w = matrix.world
    problems: list[str] = []

    def expect(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    for who in PRINCIPALS:
        allowed = who in rule.allowed
        missing = MISSING[rule.kind] if rule.kind else None
        own = w.own(rule, who) if rule.kind else None
        status, body, wrote = matrix.call(method, path, rule, who, own)
        matrix.stats[f"case:{'own' if allowed else 'denied'}"] += 1
        if allowed and status in REFUSED_BY_STATE:
            matrix.stats[f"state-refusal:{method} {path} {who} {status}"] += 1
        label = f"{who} on {'own ' + rule.kind if rule.kind else 'route'}"
        if allowed:
            ok = rule.ok or ({200} if method == "GET" else {200, 201, 204} | REFUSED_BY_STATE)
            expect(status in ok, f"{label}: {status} {str(body)[:200]}")
            expect(status < 400 or not wrote, f"{label}: refused with {status} but wrote")
        else:
            expected = {401} if who == ANON else {403, 404}
            expect(status in expected, f"{label}: {status}, expected {sorted(expected)}")
            expect(not wrote, f"{label}: denied with {status} but wrote")
        if rule.kind is None:
            continue
        m_status, m_body, m_wrote = matrix.call(method, path, rule, who, missing)
        matrix.stats["case:missing"] += 1
        expect(not m_wrote, f"{who} on a missing {rule.kind}: {m_status} but wrote")
        if allowed:
            expect(m_status == 404, f"{who} on a missing {rule.kind}: {m_status}")
            foreign = w.foreign(rule, who)
            if foreign is not None:
                f_status, f_body, f_wrote = matrix.call(method, path, rule, who, foreign)
                matrix.stats["case:foreign"] += 1
                expect(not f_wrote, f"{who} on a foreign {rule.kind}: {f_status} but wrote")
                expect((f_status, f_body) == (m_status, m_body),
                       f"{who}: foreign {rule.kind} answers {f_status} {str(f_body)[:150]}, "
                       f"missing answers {m_status} {str(m_body)[:150]}")
        else:
            # a denied caller learns nothing from the id: same answer as for a missing object
            expect((status, body) == (m_status, m_body),
                   f"{label} answers {status} {str(body)[:150]}, missing answers {m_status} "
                   f"{str(m_body)[:150]}")
    assert not problems, f"{method} {path}:\n  " + "\n  ".join(problems)


LIST_LEAKS = [  # (path, principal, name that must not appear)
    ("/api/v1/projects", "developer", "矩阵项目B-"),
    ("/api/v1/projects", "department", "矩阵项目B-submitted"),
    ("/api/v1/projects", "office", "矩阵项目B-draft"),
    ("/api/v1/projects", "leader", "矩阵项目A-draft"),
    ("/api/v1/projects", "tenant", "矩阵项目"),
    ("/api/v1/projects", "employer", "矩阵项目"),
    ("/api/v1/organizations", "developer", "矩阵单位B"),
    ("/api/v1/organizations", "employer", "矩阵单位A"),
    ("/api/v1/organizations", "tenant", "矩阵单位"),
    ("/api/v1/review-queue", "office", "矩阵项目A-draft"),
    ("/api/v1/listing-queue", "department", "矩阵项目B-submitted"),
    ("/api/v1/leases", "developer", "另一承租人"),
    ("/api/v1/leases", "tenant", "另一承租人"),
    ("/api/v1/leases", "employer", "矩阵承租人"),
    ("/api/v1/leases", "leader", "承租人"),
    ("/api/v1/tenant-applications", "developer", "另一承租人"),
    ("/api/v1/tenant-applications", "tenant", "另一承租人"),
    ("/api/v1/tenant-applications", "employer", "承租人"),
]
SEEN_BY_THE_OFFICE = [("/api/v1/projects", "矩阵项目B-submitted"), ("/api/v1/leases", "另一承租人"),
                      ("/api/v1/tenant-applications", "另一承租人"), ("/api/v1/organizations", "矩阵单位B")]
LIST_LEAKS += [("/api/v1/repairs", "developer", "矩阵报修B"), ("/api/v1/repairs", "tenant", "矩阵报修B"),
               ("/api/v1/repairs", "employer", "矩阵报修"), ("/api/v1/repairs", "leader", "矩阵报修"),
               ("/api/v1/repair-queue", "developer", "矩阵报修B"),
               ("/api/v1/upkeep/supervision/projects", "developer", "矩阵项目B-op")]
SEEN_BY_THE_OFFICE += [("/api/v1/repairs", "矩阵报修B"), ("/api/v1/repair-queue", "矩阵报修B"),
                       ("/api/v1/upkeep/supervision/projects", "矩阵项目B-op")]
LIST_LEAKS += [("/api/v1/access/signals", "developer", "矩阵门禁B"),
               ("/api/v1/access/me/credentials", "tenant", "MATRIX-")]
SEEN_BY_THE_OFFICE += [("/api/v1/access/signals", "矩阵门禁B")]


@pytest.mark.parametrize(("path", "who", "hidden"), LIST_LEAKS)
def test_lists_do_not_leak_other_scopes(matrix: Matrix, path: str, who: str, hidden: str) -> None:
    response = matrix.client.get(path, headers=matrix.world.headers(who))
    assert response.status_code == 200, response.text
    assert hidden not in response.text


@pytest.mark.parametrize(("path", "shown"), SEEN_BY_THE_OFFICE)
def test_the_leak_checks_look_for_something_that_is_there(matrix: Matrix, path: str,
                                                          shown: str) -> None:
    """The names above do appear to those who may see them, so their absence means something."""
    response = matrix.client.get(path, headers=matrix.world.headers("office"))
    assert response.status_code == 200 and shown in response.text
