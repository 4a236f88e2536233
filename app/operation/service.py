"""The state changes after certification, each by the role the transition table allows
(:data:`app.operation.workflows.OPERATION`), each written to the project's history with its
audit event in the same transaction (:func:`app.approval.service.transition`).

* Units and listing (第七条, 第二十六条, 第三十条, 第四十二条): the developer records the
  completion acceptance date, registers the units in bulk (each at most 90 m², each in one
  building: the platform offers no sale or split), and submits the listing within 15
  calendar days; 市住建局 verifies it, which gives every unit a listing verification code
  (房源核验码) and publishes it.
* Rents (第三十六、三十七条): 市住建局 records a third party's market-rent appraisal; the
  operator proposes a standard from it (each rate at most 90% of the appraised rent, the
  appraisal not older than two years); 市发改委 files it, and only a filed standard is in
  force. Filing a new standard supersedes the previous one.
* Subsidies (第十二、十三条): granted, paid once after the listing, refunded on an
  unapproved exit.
* Operation start (第四十三条) and transfer of operation rights (第四十五条).
* Exit (第四十三、四十四条): new-build and 配建 projects may not exit; a conversion may, after
  8 full years of operation, a public notice without objections and every lease wound up.
  The office decides within 3 working days; consent issues a document copied to 发改、财政、
  税务 and the water, power and gas companies (recorded as outgoing notifications) and ends
  the benefits. Leaving without approval is recorded by the office: benefits cancelled, the
  certificate revoked, and any paid subsidy becomes a refund obligation.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.enums import (
    DEVELOPMENT_COMMISSION,
    HOUSING_BUREAU,
    BenefitEnd,
    CertificateStatus,
    EventAction,
    ProjectStatus,
)
from app.approval.models import Project
from app.approval.service import end_benefits, get_project, next_seq, require_comment, transition
from app.approval.workflows import enforce
from app.core import clock
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from app.core.pgcopy import copy_in
from app.operation import repository, views
from app.operation.enums import (
    EXIT_COPIED_TO,
    ExitRequestStatus,
    RentStandardStatus,
    TransferReason,
    UnitStatus,
)
from app.operation.models import (
    Appraisal,
    ExitRequest,
    OperatorTransfer,
    OutgoingNotification,
    RentStandard,
    Subsidy,
    Unit,
)
from app.operation.schemas import (
    AppraisalIn,
    ExitDecisionIn,
    ExitRequestIn,
    OperationIn,
    RentFilingIn,
    RentStandardIn,
    SubsidyIn,
    SubsidyPayIn,
    TransferIn,
    UnapprovedExitIn,
)
from app.operation.workflows import IN_PROGRAMME, OPERATION, InOperation, department_of, facts_of
from rules import art07_unit_size
from rules.art12_13_subsidy import check_subsidy_grant, check_subsidy_payment, refund_required
from rules.art26_30_listing import check_completion_date, listing_state
from rules.art36_37_rent import ProposedRate, check_appraisal, check_rent_standard
from rules.art43_44_exit import check_exit_request, check_operation_start
from rules.decision import Decision, Finding
from rules.project_facts import ConstructionMethod, UnitKind

S = ProjectStatus
A = EventAction
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by people
CODE_LENGTH = 10
MAX_VIOLATIONS_SHOWN = 50
WRONG_DEPARTMENT = "只有相应职能部门可以进行此操作"


def in_operation(session: Session, user: User, project_id: int, action: str, *,
                 lock: bool = False, doing: str = IN_PROGRAMME) -> tuple[Project, InOperation]:
    """The project (404 if ``user`` may not see it; ``lock``: its row held until commit) and
    its facts, once the table allows ``user`` the step ``action`` on it now (403/409)."""
    project = get_project(session, user, project_id, lock=lock)
    facts = facts_of(session, project)
    enforce(OPERATION, action, user, facts, doing=doing)
    return project, facts


def certified_on(project: Project) -> date | None:
    """The day the project was recognised (its certificate's issue date): where the business
    dates after certification begin (``get_project`` loads the certificate with the project)."""
    return project.certificate.issued_on if project.certificate is not None else None


def _not_before_certificate(project: Project, on: date, field: str, what: str) -> None:
    """Sanity bound of a date recorded on a certified project: not before its certificate."""
    issued = certified_on(project)
    if issued is not None and on < issued:
        raise InvalidInput(f"{what} {on.isoformat()} 早于项目认定书出具日期 {issued.isoformat()}",
                           field=field)


def _another_department(user: User, code: str, otherwise: Exception) -> Exception:
    """A department reviewer of another department may never take the step: 403."""
    return Forbidden(WRONG_DEPARTMENT) if department_of(user) != code else otherwise


# ---- units and listing (第七条, 第二十六条, 第三十条, 第四十二条) ---------------------------------

def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: PostgreSQL's COPY, else executemany.

    COPY streams every row in one command (10,000 units in tens of milliseconds); it runs on
    the session's own connection, so it commits or rolls back with everything else.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    copy_in(connection, table, rows, list(rows[0]))


def _refuse_rows(decision: Decision) -> None:
    violations = decision.violations
    shown = violations[:MAX_VIOLATIONS_SHOWN]
    more = (f"（共 {len(violations)} 行不合规，仅列出前 {len(shown)} 行）"
            if len(violations) > len(shown) else "")
    raise RuleViolation("整批房源未录入：" + "；".join(f.message for f in shown[:3]) + more,
                        violations=shown)


def register_units(session: Session, user: User, project_id: int, units: list[Any]) -> dict[str, Any]:
    """Register a batch of units: all of them, or — if any row is wrong — none."""
    project, _ = in_operation(session, user, project_id, "units", lock=True)
    today = clock.today()
    decision = art07_unit_size.check_units(
        [(f"{u.building}-{u.number}", u.building_area_m2) for u in units], today)
    if not decision.ok:
        _refuse_rows(decision)
    known_types = {t["name"] for t in project.unit_types}
    existing = repository.unit_keys(session, project.id)
    seen: dict[tuple[str, str], int] = {}
    for i, u in enumerate(units):
        key = (u.building.strip(), u.number.strip())
        if key in seen:
            raise InvalidInput(f"第 {i + 1} 行与第 {seen[key] + 1} 行房号重复（{key[0]} {key[1]}）",
                               field=f"units[{i}].number")
        if key in existing:
            raise InvalidInput(f"第 {i + 1} 行房号已录入（{key[0]} {key[1]}）", field=f"units[{i}].number")
        if u.unit_type is not None and u.unit_type not in known_types:
            raise InvalidInput(f"第 {i + 1} 行户型“{u.unit_type}”不在申请书的户型中",
                               field=f"units[{i}].unit_type")
        seen[key] = i
    now = clock.now()
    rows = [{"project_id": project.id, "building": u.building.strip(), "floor": u.floor,
             "number": u.number.strip(), "building_area_m2": u.building_area_m2,
             "kind": UnitKind(u.kind).value, "unit_type": u.unit_type,
             "status": UnitStatus.registered.value, "created_at": now} for u in units]
    bulk_insert(session, Unit.__table__, rows)
    result = views.units_summary(session, project)
    transition(session, project, user, to=project.status, action=A.units_registered,
               details={"added": len(units), "units": result["units"],
                        "building_area_m2": str(result["building_area_m2"])})
    return result | {"added": len(units)}


def record_completion(session: Session, user: User, project_id: int, completed_on: date) -> Project:
    """The completion acceptance date (第二十六条); the listing is due 15 days later (第三十条)."""
    project, _ = in_operation(session, user, project_id, "completion", lock=True)
    decision = check_completion_date(completed_on, clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    project.completed_on = completed_on
    transition(session, project, user, to=project.status, action=A.completion_recorded,
               details={"completed_on": completed_on.isoformat()})
    return project


def submit_listing(session: Session, user: User, project_id: int) -> Project:
    """The developer declares the units entered (录入租赁平台) for 住建's verification."""
    project = get_project(session, user, project_id, lock=True)
    enforce(OPERATION, "listing", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: Conflict("请先记录竣工验收合格日期（第二十六条）", violations=[Finding(
                "第二十六条", "completion_missing", "竣工验收合格后方可录入房源，请先记录竣工验收合格日期")])
            if project.completed_on is None else Conflict("房源已提交审核"))
    if not repository.unit_count(session, project.id):
        raise Conflict("尚未录入任何房源")
    project.listed_on = clock.today()
    state = listing_state(project.completed_on, project.listed_on, clock.today())  # type: ignore[arg-type]
    transition(session, project, user, to=project.status, action=A.listing_submitted,
               details={"due_on": state.due_on.isoformat(), "on_time": state.on_time})
    return project


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_listing(session: Session, user: User, project_id: int) -> tuple[Project, int]:
    """住建 verifies the listing: each registered unit gets its code and is published."""
    project = get_project(session, user, project_id, lock=True)
    enforce(OPERATION, "verify_listing", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: _another_department(user, HOUSING_BUREAU, Conflict(
                "建设单位尚未提交房源审核" if project.listed_on is None else "没有待审核的房源")))
    pending = repository.registered_unit_ids(session, project.id)
    today = clock.today()
    session.execute(update(Unit), [
        {"id": unit_id, "verification_code": _new_code(), "status": UnitStatus.published.value,
         "published_on": today} for unit_id in pending])
    if project.listing_verified_on is None:
        project.listing_verified_on = today
    transition(session, project, user, to=project.status, action=A.listing_verified,
               details={"published": len(pending)})
    return project, len(pending)


# ---- rents (第三十六、三十七条) ------------------------------------------------------------------

def _check_unit_types(project: Project, names: list[str | None], field: str) -> None:
    known = {t["name"] for t in project.unit_types}
    for i, name in enumerate(names):
        if name is not None and name not in known:
            raise InvalidInput(f"户型“{name}”不在申请书的户型中（{'、'.join(sorted(known))}）",
                               field=field.format(i=i, name=name))


def record_appraisal(session: Session, user: User, project_id: int, data: AppraisalIn) -> Appraisal:
    """市住建局 records the third-party market-rent appraisal it commissioned."""
    project = get_project(session, user, project_id, lock=True)
    enforce(OPERATION, "appraisal", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: Forbidden(WRONG_DEPARTMENT))
    decision = check_appraisal(data.appraised_on, data.market_rent_per_m2, data.per_unit_type,
                               clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    _check_unit_types(project, list(data.per_unit_type), "per_unit_type.{name}")
    appraisal = Appraisal(project_id=project.id, appraiser=data.appraiser.strip(),
                          report_no=data.report_no.strip(), appraised_on=data.appraised_on,
                          market_rent_per_m2=data.market_rent_per_m2,
                          per_unit_type={k: str(v) for k, v in data.per_unit_type.items()},
                          recorded_by_id=user.id)
    session.add(appraisal)
    session.flush()
    transition(session, project, user, to=project.status, action=A.appraisal_recorded,
               details={"appraisal_id": appraisal.id, "appraised_on": data.appraised_on.isoformat(),
                        "market_rent_per_m2": str(data.market_rent_per_m2)})
    return appraisal


NO_APPRAISAL = "评估记录不存在或不属于本项目"


def propose_rent_standard(session: Session, user: User, project_id: int,
                          data: RentStandardIn) -> RentStandard:
    """The operator's rent standard; refused citing 第三十七条 above the cap or on a lapsed appraisal."""
    project = get_project(session, user, project_id, lock=True)
    enforce(OPERATION, "rent", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: InvalidInput(NO_APPRAISAL, field="appraisal_id"))
    appraisal = repository.appraisal(session, data.appraisal_id)
    if appraisal is None or appraisal.project_id != project.id:
        raise InvalidInput(NO_APPRAISAL, field="appraisal_id")
    _check_unit_types(project, [r.unit_type for r in data.rates], "rates[{i}].unit_type")
    types = [r.unit_type for r in data.rates]
    if len(set(types)) != len(types):
        raise InvalidInput("同一户型只能有一个租金标准", field="rates")
    rates = [ProposedRate(r.unit_type, r.rate_per_m2) for r in data.rates]
    decision = check_rent_standard(rates, views.appraisal_facts(appraisal), clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    standard = RentStandard(project_id=project.id, appraisal=appraisal,
                            rates=[{"unit_type": r.unit_type, "rate_per_m2": str(r.rate_per_m2)}
                                   for r in data.rates],
                            status=RentStandardStatus.proposed.value, proposed_on=clock.today(),
                            proposed_by_id=user.id)
    session.add(standard)
    session.flush()
    transition(session, project, user, to=project.status, action=A.rent_proposed,
               details={"rent_standard_id": standard.id, "rates": standard.rates})
    return standard


def file_rent_standard(session: Session, user: User, standard_id: int,
                       data: RentFilingIn) -> RentStandard:
    """市发改委 files a proposed standard (报市发改部门备案后执行); it supersedes the previous one."""
    standard = repository.standard_for_filing(session, standard_id)
    if standard is None:
        raise NotFound("未找到该租金标准")
    project = get_project(session, user, standard.project_id, lock=True)
    not_proposed = Conflict(f"该租金标准{RentStandardStatus(standard.status).label}，不能再次备案")
    enforce(OPERATION, "file_rent", user, facts_of(session, project),
            doing="备案租金（项目已不在保障性租赁住房序列）",
            refusal=lambda: _another_department(user, DEVELOPMENT_COMMISSION, not_proposed))
    if standard.status != RentStandardStatus.proposed:
        raise not_proposed
    today = clock.today()
    filed_on = data.filed_on or today
    if filed_on > today or filed_on < standard.proposed_on:
        raise InvalidInput("备案日期须在拟订日期与今天之间", field="filed_on")
    rates = [ProposedRate(r["unit_type"], Decimal(r["rate_per_m2"])) for r in standard.rates]
    decision = check_rent_standard(rates, views.appraisal_facts(standard.appraisal), filed_on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    for previous in repository.filed_standards(session, project.id):
        previous.status = RentStandardStatus.superseded.value
    standard.status, standard.filing_no = RentStandardStatus.filed.value, data.filing_no.strip()
    standard.filed_on, standard.filed_by_id = filed_on, user.id
    transition(session, project, user, to=project.status, action=A.rent_filed,
               details={"rent_standard_id": standard.id, "filing_no": standard.filing_no})
    return standard


def rate_for(standard: RentStandard, unit_type: str | None) -> Decimal | None:
    """The filed rate for a unit of ``unit_type``: its own rate, else the project-wide one."""
    rates = {r["unit_type"]: Decimal(r["rate_per_m2"]) for r in standard.rates}
    if unit_type in rates:
        return rates[unit_type]
    return rates.get(None)


# ---- subsidies (第十二、十三条) ---------------------------------------------------------------

def grant_subsidy(session: Session, user: User, project_id: int, data: SubsidyIn) -> Subsidy:
    project, _ = in_operation(session, user, project_id, "subsidy", lock=True)
    today = clock.today()
    granted_on = data.granted_on or today
    decision = check_subsidy_grant(granted_on, certified_on(project), today)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    subsidy = Subsidy(project_id=project.id, amount_yuan=data.amount_yuan, source=data.source.strip(),
                      document_no=data.document_no.strip(), granted_on=granted_on,
                      granted_by_id=user.id)
    session.add(subsidy)
    session.flush()
    transition(session, project, user, to=project.status, action=A.subsidy_granted,
               details={"subsidy_id": subsidy.id, "amount_yuan": str(data.amount_yuan)})
    return subsidy


def pay_subsidy(session: Session, user: User, subsidy_id: int, data: SubsidyPayIn) -> Subsidy:
    """一次性拨付, only once the project's units are published on the platform (第十二条)."""
    subsidy = repository.subsidy_for_payment(session, subsidy_id)
    if subsidy is None:
        raise NotFound("未找到该补助记录")
    project = get_project(session, user, subsidy.project_id, lock=True)
    today = clock.today()
    paid_on = data.paid_on or today
    decision = check_subsidy_payment(project.listing_verified_on, subsidy.paid_on, paid_on, today)
    already_paid = Conflict("该补助资金已拨付，不能重复拨付（第十二条：一次性拨付）",
                            violations=decision.violations)
    enforce(OPERATION, "subsidy_pay", user, facts_of(session, project),
            doing="拨付补助（项目已不在保障性租赁住房序列）", refusal=lambda: already_paid)
    if not decision.ok:
        if any(v.code == "subsidy_already_paid" for v in decision.violations):
            raise already_paid
        raise RuleViolation.from_decision(decision)
    if paid_on < subsidy.granted_on:
        raise InvalidInput(f"拨付日期 {paid_on.isoformat()} 早于核定日期 {subsidy.granted_on.isoformat()}",
                           field="paid_on")
    subsidy.paid_on, subsidy.paid_by_id = paid_on, user.id
    transition(session, project, user, to=project.status, action=A.subsidy_paid,
               details={"subsidy_id": subsidy.id, "amount_yuan": str(subsidy.amount_yuan),
                        "paid_on": paid_on.isoformat()})
    return subsidy


# ---- operation and transfers (第四十三、四十五条) ----------------------------------------------

def start_operation(session: Session, user: User, project_id: int, data: OperationIn) -> Project:
    """投入运营: the 8-year operation period counts from this day (第四十三条)."""
    project = get_project(session, user, project_id, lock=True)
    enforce(OPERATION, "operation", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: Conflict(f"已于 {project.operation_started_on.isoformat()} "  # type: ignore[union-attr]
                                     "记录投入运营，不能重复记录"))
    decision = check_operation_start(data.started_on, certified_on(project), clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    project.operation_started_on = data.started_on
    transition(session, project, user, to=project.status, action=A.operation_started,
               details={"started_on": data.started_on.isoformat()})
    return project


def transfer_operation(session: Session, user: User, project_id: int, data: TransferIn) -> Project:
    """运营权转让: the transferee keeps the use as affordable rental housing (第四十五条)."""
    project, _ = in_operation(session, user, project_id, "transfer", lock=True)
    target = repository.organization(session, data.to_organization_id)
    if target is None:
        raise InvalidInput("受让单位未在平台登记", field="to_organization_id")
    if target.id == project.organization_id:
        raise InvalidInput("受让单位与当前运营单位相同", field="to_organization_id")
    today = clock.today()
    on = data.transferred_on or today
    if on > today:
        raise InvalidInput("转让日期不能晚于今天", field="transferred_on")
    _not_before_certificate(project, on, "transferred_on", "转让日期")
    earlier = repository.transfers_of(session, project.id)
    if earlier and on < earlier[-1].transferred_on:
        raise InvalidInput(f"转让日期 {on.isoformat()} 早于上一次运营权转让日期 "
                           f"{earlier[-1].transferred_on.isoformat()}", field="transferred_on")
    source = project.organization
    session.add(OperatorTransfer(project_id=project.id, from_organization_id=source.id,
                                 to_organization_id=target.id, reason=data.reason,
                                 document_no=data.document_no.strip(), transferred_on=on,
                                 recorded_by_id=user.id))
    project.organization_id = target.id
    project.operator_unit_name, project.operator_unit_uscc = target.name, target.uscc
    transition(session, project, user, to=project.status, action=A.operator_transferred,
               comment=f"运营权由{source.name}转让给{target.name}（{TransferReason(data.reason).label}），"
                       "受让人不得改变保障性租赁住房用途（第四十五条）",
               details={"from": source.name, "to": target.name, "reason": data.reason})
    session.expire(project, ["organization"])
    return project


# ---- exit (第四十三、四十四条) --------------------------------------------------------------------

def request_exit(session: Session, user: User, project_id: int, data: ExitRequestIn) -> ExitRequest:
    project = get_project(session, user, project_id, lock=True)
    today = clock.today()

    def decision() -> Decision:
        return check_exit_request(ConstructionMethod(project.construction_method),
                                  project.operation_started_on, today, data.notice_from,
                                  data.notice_to, data.objections,
                                  repository.leased_units(session, project.id))

    enforce(OPERATION, "exit", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: (RuleViolation.from_decision(decision())
                             if project.operation_started_on is None
                             else Conflict("已有待决定的退出申请")))
    found = decision()
    if not found.ok:
        raise RuleViolation.from_decision(found)
    request = ExitRequest(project_id=project.id, requested_on=today, requested_by_id=user.id,
                          notice_from=data.notice_from, notice_to=data.notice_to,
                          objections=data.objections, status=ExitRequestStatus.pending.value)
    session.add(request)
    session.flush()
    transition(session, project, user, to=project.status, action=A.exit_requested,
               details={"exit_request_id": request.id})
    return request


def _withdraw_units(session: Session, project: Project) -> None:
    session.execute(update(Unit).where(Unit.project_id == project.id,
                                       Unit.status != UnitStatus.withdrawn.value)
                    .values(status=UnitStatus.withdrawn.value),
                    execution_options={"synchronize_session": False})


def decide_exit(session: Session, user: User, request_id: int, data: ExitDecisionIn) -> ExitRequest:
    request = repository.exit_request_for_decision(session, request_id)
    if request is None:
        raise NotFound("未找到该退出申请")
    project = get_project(session, user, request.project_id, lock=True)
    decided = Conflict(f"该退出申请已{ExitRequestStatus(request.status).label}")
    enforce(OPERATION, "exit_decision", user, facts_of(session, project), doing=IN_PROGRAMME,
            refusal=lambda: decided)
    if request.status != ExitRequestStatus.pending:
        raise decided
    today = clock.today()
    request.decided_on, request.decided_by_id = today, user.id
    if not data.approve:
        request.status = ExitRequestStatus.refused.value
        request.decision_comment = require_comment(data.comment, "comment", "不同意退出")
        transition(session, project, user, to=project.status, action=A.exit_refused,
                   comment=request.decision_comment, details={"exit_request_id": request.id})
        return request
    seq = next_seq(session, "exit", today.year)
    request.status = ExitRequestStatus.approved.value
    request.document_no = f"景保租退〔{today.year}〕{seq}号"
    request.decision_comment = data.comment.strip() or None
    subject = f"关于同意“{project.name}”退出保障性租赁住房序列的通知"
    for department in repository.departments_by_code(session, EXIT_COPIED_TO):
        session.add(OutgoingNotification(project_id=project.id, department_id=department.id,
                                         subject=subject, document_no=request.document_no,
                                         sent_on=today))
    ended = end_benefits(session, project, today, BenefitEnd.exit)
    _withdraw_units(session, project)
    if project.certificate is not None:
        # The certificate's end is recorded in its revoked_* fields with status "exited".
        project.certificate.status = CertificateStatus.exited.value
        project.certificate.revoked_on = today
        project.certificate.revoked_reason = f"经批准退出保障性租赁住房序列（{request.document_no}）"
    transition(session, project, user, to=S.exited, action=A.exit_approved,
               comment=request.decision_comment,
               details={"exit_request_id": request.id, "document_no": request.document_no,
                        "benefits_ended": ended, "copied_to": list(EXIT_COPIED_TO)})
    return request


def record_unapproved_exit(session: Session, user: User, project_id: int,
                           data: UnapprovedExitIn) -> Project:
    """第四十四条: 无正当理由（或未经批准）退出 — benefits cancelled, subsidy refunded."""
    project, _ = in_operation(session, user, project_id, "unapproved_exit", lock=True)
    today = clock.today()
    found_on = data.found_on or today
    if found_on > today:
        raise InvalidInput("发现日期不能晚于今天", field="found_on")
    _not_before_certificate(project, found_on, "found_on", "发现日期")
    reason = require_comment(data.reason, "reason", "记录未经批准退出")
    ended = end_benefits(session, project, found_on, BenefitEnd.cancelled)
    refunds = []
    for subsidy in repository.subsidies_of(session, project.id):
        obligation = refund_required(subsidy.paid_on, exit_approved=False,
                                     operation_years_completed=False)
        if not obligation.ok:
            subsidy.refund_due_yuan, subsidy.refund_reason = subsidy.amount_yuan, reason
            subsidy.refund_recorded_on = today
            refunds.append(str(subsidy.amount_yuan))
    _withdraw_units(session, project)
    if project.certificate is not None and project.certificate.status == CertificateStatus.valid:
        project.certificate.status = CertificateStatus.revoked.value
        project.certificate.revoked_on = today
        project.certificate.revoked_reason = f"未经批准退出保障性租赁住房序列：{reason}（第四十四条）"
        project.certificate.revoked_by_id = user.id
    transition(session, project, user, to=S.exited_unapproved, action=A.exited_unapproved,
               comment=reason, details={"benefits_cancelled": ended, "refunds_yuan": refunds})
    return project
