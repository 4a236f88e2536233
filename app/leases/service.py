"""Leases: signing under the rent cap, renewal, the home-acquired transition, occupants,
violations and credit (第二十三、三十一、三十四–三十八、四十、四十一、四十三、四十六条).

A unit never has two leases overlapping in time and a person never holds two at once: the
unit's row and the person's row are locked (PostgreSQL ``FOR UPDATE``) before the overlap is
checked, so racing requests are decided one after the other.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Organization, User
from app.accounts.roles import Role
from app.accounts.service import load_user
from app.approval import documents
from app.approval.models import Project
from app.approval.service import get_project
from app.approval.status import IN_OPERATION
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import DEFAULT_LIMIT, Page, keyset, mapped, mapped_all
from app.core.personal_data import decrypt_id_number, id_number_digest
from app.leases.models import ACTIVE, Lease, LeaseOccupant, Violation
from app.leases.repository import has_active_lease
from app.leases.schemas import (
    ExtensionDecisionIn,
    ExtensionRequestIn,
    HomeAcquiredIn,
    LeaseIn,
    OccupantIn,
    OperatorViolationIn,
    RenewIn,
    TerminateIn,
    ViolationIn,
)
from app.operation.models import Appraisal, RentStandard, Unit
from app.operation.rents import in_force, rate_for
from app.tenants import service as tenants
from app.tenants.applications import get as get_application
from app.tenants.applications import notify, units_available
from app.tenants.models import Lottery, PropertyRecord, TenantApplication
from rules import art38_transition as art38
from rules.art35_43_lease import LeaseTerms, check_lease_terms, renewal_terms, renewal_window_ok
from rules.art36_37_rent import lease_rent_cap
from rules.art40_41_violations import ViolationKind, outcome_allowed, rectification_deadline
from rules.identifiers import mask_id_number
from rules.params import value_at

STATUS_LABELS = {"active": "履行中", "in_transition": "过渡期中", "renewed": "已续租（至期满）",
                 "ended": "已终止", "terminated": "已解除"}
HOLDING = (*ACTIVE, "renewed")  # statuses that still occupy the unit until ends_on
OPERATOR_VIOLATIONS = {  # 第四十六条
    "false_materials": "提供虚假资料申请", "non_affordable_use": "用于非保障性租赁住房用途",
    "split_transfer": "分割转让或分割抵押", "rent_as_sale": "以租代售",
    "illegal_construction": "新增违建", "unauthorized_fees": "违规收取其他费用或擅自提高租金",
}
VIOLATION_STATUS = {"open": "整改中", "rectified": "已整改", "terminated": "拒不整改，已解除合同"}


# ---- loading and checks -----------------------------------------------------------------

def get(session: Session, user: User, lease_id: int, *, lock: bool = False) -> Lease:
    stmt = select(Lease).where(Lease.id == lease_id, Lease.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    lease = session.scalar(stmt.execution_options(populate_existing=True))
    if lease is None:
        raise NotFound("未找到该租赁合同")
    return lease


def _unit_overlaps(session: Session, unit_id: int, start: date, end: date,
                   exclude: int | None = None) -> bool:
    stmt = select(Lease.id).where(Lease.unit_id == unit_id, Lease.status.in_(HOLDING),
                                  Lease.start_on <= end, Lease.ends_on >= start)
    if exclude is not None:
        stmt = stmt.where(Lease.id != exclude)
    return session.scalar(select(stmt.exists())) or False


def _person_overlaps(session: Session, person_id: int, start: date, end: date,
                     exclude: int | None = None) -> bool:
    own = select(Lease.id).where(Lease.tenant_id == person_id, Lease.status.in_(HOLDING),
                                 Lease.start_on <= end, Lease.ends_on >= start)
    if exclude is not None:
        own = own.where(Lease.id != exclude)
    placed = select(LeaseOccupant.id).join(Lease, Lease.id == LeaseOccupant.lease_id).where(
        LeaseOccupant.tenant_id == person_id, LeaseOccupant.moved_out_on.is_(None),
        Lease.status.in_(HOLDING), Lease.ends_on >= start)
    return bool(session.scalar(select(own.exists())) or session.scalar(select(placed.exists())))


def _lock_person(session: Session, person_id: int) -> None:
    session.execute(select(User.id).where(User.id == person_id).with_for_update())


def _rate(session: Session, project: Project, unit: Unit) -> tuple[RentStandard | None, Decimal | None]:
    standard = in_force(session, project.id)
    return standard, (rate_for(standard, unit.unit_type) if standard else None)


def _appraised_rent(standard: RentStandard, unit_type: str | None) -> Decimal:
    """The appraised market rent behind ``standard`` for a unit of ``unit_type``."""
    own = standard.appraisal.per_unit_type.get(unit_type or "")
    return Decimal(own) if own else standard.appraisal.market_rent_per_m2


def _check_allocation(session: Session, application: TenantApplication) -> None:
    """第三十一条: the lottery's order, or no more approved applicants than units."""
    if application.lottery_id is not None:
        lottery = session.get(Lottery, application.lottery_id)
        if lottery is None or lottery.status != "drawn":
            raise Conflict("该申请所在的摇号尚未开奖")
        ahead = session.scalar(select(TenantApplication.id).where(
            TenantApplication.lottery_id == lottery.id, TenantApplication.status == "approved",
            TenantApplication.allocation_rank < application.allocation_rank).limit(1))
        if ahead is not None:
            raise Conflict("须按摇号顺序配租：排位在前的申请尚未配租")
        return
    waiting = session.scalar(select(TenantApplication.id).where(
        TenantApplication.project_id == application.project_id,
        TenantApplication.status == "approved", TenantApplication.lottery_id.is_(None)).offset(
        units_available(session, application.project_id)).limit(1))
    if waiting is not None:
        raise Conflict("审核通过的申请多于可配租房源，须先公开摇号（第三十一条）")


def _terms_or_refuse(terms: LeaseTerms, on: date) -> None:
    decision = check_lease_terms(terms, on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)


def _number(session: Session, on: date) -> str:
    return f"ZL{on.year}{documents.next_seq(session, 'lease', on.year):06d}"


# ---- signing ----------------------------------------------------------------------------

def create(session: Session, user: User, data: LeaseIn) -> Lease:
    """The operator signs a lease for an approved application, or with an employer (整体配租)."""
    if (data.application_id is None) == (data.employer_organization_id is None):
        raise InvalidInput("个人配租须提供 application_id，整体配租须提供 employer_organization_id（二选一）",
                           field="application_id")
    unit = session.scalar(select(Unit).where(Unit.id == data.unit_id).with_for_update())
    if unit is None:
        raise InvalidInput("房源不存在", field="unit_id")
    project = get_project(session, user, unit.project_id)
    if project.status not in IN_OPERATION:
        raise Conflict("项目已不在保障性租赁住房序列，不能签约")
    if unit.status not in ("published", "leased"):
        raise Conflict("房源尚未经市住建局审核发布，不能出租（第三十条）")
    application, tenant_id = None, None
    if data.application_id is not None:
        application = get_application(session, user, data.application_id, lock=True)
        if application.project_id != project.id:
            raise InvalidInput("申请与房源不属于同一项目", field="application_id")
        if application.status != "approved":
            raise Conflict("只能为审核通过、尚未签约的申请签订合同")
        _check_allocation(session, application)
        tenant_id = application.applicant_id
        _lock_person(session, tenant_id)
    else:
        employer = session.get(Organization, data.employer_organization_id)
        if employer is None or employer.id == project.organization_id:
            raise InvalidInput("用人单位不存在或与运营单位相同", field="employer_organization_id")
    today = clock.today()
    standard, rate = _rate(session, project, unit)
    _terms_or_refuse(LeaseTerms(data.start_on, data.end_on, data.monthly_rent, unit.building_area_m2,
                                rate, data.prepaid_rent, data.deposit, data.other_fees), today)
    if _unit_overlaps(session, unit.id, data.start_on, data.end_on):
        raise Conflict("该房源在此期间已有租赁合同")
    if tenant_id is not None and _person_overlaps(session, tenant_id, data.start_on, data.end_on):
        raise Conflict("承租人在此期间已有租赁合同（每人限一套）")
    assert standard is not None and rate is not None
    lease = Lease(number=_number(session, today), kind="individual" if tenant_id else "employer",
                  unit_id=unit.id, project_id=project.id,
                  operator_organization_id=project.organization_id, tenant_id=tenant_id,
                  employer_organization_id=data.employer_organization_id,
                  application_id=application.id if application else None,
                  start_on=data.start_on, end_on=data.end_on, ends_on=data.end_on,
                  monthly_rent=data.monthly_rent, rate_per_m2=rate, rent_standard_id=standard.id,
                  market_rent_per_m2=_appraised_rent(standard, unit.unit_type),
                  building_area_m2=unit.building_area_m2, prepaid_rent=data.prepaid_rent,
                  deposit=data.deposit, status="active", signed_on=today, signed_by_id=user.id)
    session.add(lease)
    unit.status = "leased"
    if application is not None:
        application.status = "leased"
        notify(session, application.applicant_id, "lease_signed",
               f"您的电子租赁合同 {lease.number} 已签订，租期 {data.start_on} 至 {data.end_on}")
    session.flush()
    record(session, actor=user, action="lease.signed", entity_type="lease", entity_id=lease.id,
           summary={"number": lease.number, "unit_id": unit.id, "kind": lease.kind,
                    "monthly_rent": str(lease.monthly_rent), "start_on": lease.start_on,
                    "end_on": lease.end_on})
    return lease


def renew(session: Session, user: User, lease_id: int, data: RenewIn) -> Lease:
    """第三十五条: at term end, after a fresh eligibility check; refused with the reasons."""
    lease = get(session, user, lease_id, lock=True)
    if lease.status != "active":
        raise Conflict(f"合同{STATUS_LABELS[lease.status]}，不能续租")
    today = clock.today()
    window = renewal_window_ok(lease.end_on, today)
    if not window.ok:
        raise RuleViolation.from_decision(window)
    if lease.tenant_id is not None:
        person = load_user(session, lease.tenant_id)
        declaration = _declaration(session, lease)
        decision, _ = tenants.eligibility(session, person, declaration, today)  # type: ignore[arg-type]
        if not decision.ok:
            raise RuleViolation.from_decision(decision, "承租人已不符合第三十二条规定的条件，不予续租")
    unit = session.scalar(select(Unit).where(Unit.id == lease.unit_id).with_for_update())
    project = get_project(session, user, lease.project_id)
    standard, rate = _rate(session, project, unit)  # type: ignore[arg-type]
    start, end = renewal_terms(lease.end_on, data.months)
    rent = data.monthly_rent or lease.monthly_rent
    _terms_or_refuse(LeaseTerms(start, end, rent, lease.building_area_m2, rate, data.prepaid_rent,
                                Decimal(0), Decimal(0)), today)
    if _unit_overlaps(session, lease.unit_id, start, end, exclude=lease.id):
        raise Conflict("该房源在续租期间已有其他合同")
    assert standard is not None and rate is not None
    renewed = Lease(number=_number(session, today), kind=lease.kind, unit_id=lease.unit_id,
                    project_id=lease.project_id, operator_organization_id=lease.operator_organization_id,
                    tenant_id=lease.tenant_id, employer_organization_id=lease.employer_organization_id,
                    application_id=lease.application_id, previous_lease_id=lease.id,
                    start_on=start, end_on=end, ends_on=end, monthly_rent=rent, rate_per_m2=rate,
                    rent_standard_id=standard.id, building_area_m2=lease.building_area_m2,
                    market_rent_per_m2=_appraised_rent(standard, unit.unit_type),  # type: ignore[union-attr]
                    prepaid_rent=data.prepaid_rent, deposit=lease.deposit, status="active",
                    signed_on=today, signed_by_id=user.id)
    session.add(renewed)
    lease.status = "renewed"
    if lease.tenant_id:
        notify(session, lease.tenant_id, "lease_renewed", f"您的合同已续租，新合同 {renewed.number}")
    session.flush()
    record(session, actor=user, action="lease.renewed", entity_type="lease", entity_id=renewed.id,
           summary={"number": renewed.number, "previous": lease.number, "start_on": start,
                    "end_on": end})
    return renewed


def _declaration(session: Session, lease: Lease) -> dict[str, Any]:
    if lease.application_id:
        application = session.get(TenantApplication, lease.application_id)
        if application is not None:
            return application.eligibility["declaration"]
    signed = tenants.commitment_of(session, lease.tenant_id)  # type: ignore[arg-type]
    return signed.declaration if signed else {"owns_home_in_central_area": False}


# ---- 第三十八条: a home acquired, the transition ------------------------------------------

def _market_rent(session: Session, lease: Lease, unit: Unit) -> Decimal:
    appraisal = session.scalar(select(Appraisal).where(Appraisal.project_id == lease.project_id)
                               .order_by(Appraisal.appraised_on.desc(), Appraisal.id.desc()).limit(1))
    if appraisal is None:
        raise Conflict("项目尚无市场租金评估，无法确定过渡期租金")
    own = appraisal.per_unit_type.get(unit.unit_type or "")
    return Decimal(own) if own else appraisal.market_rent_per_m2


def start_transition(session: Session, actor: Any, lease: Lease, acquired_on: date, how: str) -> Lease:
    if lease.status != "active" or lease.tenant_id is None:
        raise Conflict(f"合同{STATUS_LABELS[lease.status]}，不能登记过渡期")
    today = clock.today()
    if acquired_on > today:
        raise InvalidInput("取得住房日期不能晚于今天", field="acquired_on")
    unit = session.get(Unit, lease.unit_id)
    state = art38.transition(acquired_on, today)
    lease.status, lease.home_acquired_on = "in_transition", acquired_on
    lease.transition_ends_on, lease.market_rent_from = state.ends_on, state.market_rent_from
    lease.transition_monthly_rent = art38.transition_rent(lease.building_area_m2,
                                                          _market_rent(session, lease, unit))  # type: ignore[arg-type]
    lease.ends_on = art38.lease_end_after_transition(state, lease.end_on)
    notify(session, lease.tenant_id, "transition_started",
           f"您已在中心城区取得住房（{acquired_on}），给予过渡期至 {state.ends_on}；"
           f"自 {state.market_rent_from} 起按市场租金每月 {lease.transition_monthly_rent} 元收取；"
           f"合同于 {lease.ends_on} 终止（第三十八条）")
    record(session, actor=actor, action="lease.transition_started", entity_type="lease",
           entity_id=lease.id, summary={"how": how, "transition_ends_on": state.ends_on,
                                        "market_rent_from": state.market_rent_from,
                                        "transition_monthly_rent": str(lease.transition_monthly_rent)})
    return lease


def home_acquired(session: Session, user: User, lease_id: int, data: HomeAcquiredIn) -> Lease:
    lease = get(session, user, lease_id, lock=True)
    if user.role == Role.tenant and lease.tenant_id != user.id:
        raise NotFound("未找到该租赁合同")
    return start_transition(session, user, lease, data.acquired_on, data.how)


def transitions_from_registry(session: Session, actor: Any, import_id: int) -> int:
    """After a property import: every tenant now owning a central home enters the transition."""
    central = value_at("central_districts", clock.today())
    started = 0
    for record_ in session.scalars(select(PropertyRecord).where(
            PropertyRecord.import_id == import_id, PropertyRecord.district.in_(central),
            PropertyRecord.acquired_on.is_not(None))):
        leases = session.scalars(select(Lease).join(User, User.id == Lease.tenant_id).where(
            User.id_number_digest == record_.id_number_digest, Lease.status == "active",
            Lease.start_on <= record_.acquired_on).with_for_update(of=Lease))  # type: ignore[operator]
        for lease in leases:
            start_transition(session, actor, lease, record_.acquired_on, "registry")  # type: ignore[arg-type]
            started += 1
    return started


def request_extension(session: Session, user: User, lease_id: int, data: ExtensionRequestIn) -> Lease:
    lease = get(session, user, lease_id, lock=True)
    if lease.tenant_id != user.id:
        raise NotFound("未找到该租赁合同")
    if lease.status != "in_transition" or lease.transition_ends_on is None:
        raise Conflict("合同不在过渡期内")
    state = art38.transition(lease.home_acquired_on, clock.today())  # type: ignore[arg-type]
    decision = art38.check_extension(state, data.until, clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    lease.extension_requested_to, lease.extension_reason = data.until, data.reason.strip()
    lease.extension_status = "requested"
    record(session, actor=user, action="lease.extension_requested", entity_type="lease",
           entity_id=lease.id, summary={"until": data.until})
    return lease


def decide_extension(session: Session, user: User, lease_id: int, data: ExtensionDecisionIn) -> Lease:
    """The operator approves or refuses a longer transition (第三十八条 因特殊情况确需延长)."""
    lease = get(session, user, lease_id, lock=True)
    if lease.extension_status != "requested" or lease.extension_requested_to is None:
        raise Conflict("没有待审核的过渡期延长申请")
    if data.approve:
        state = art38.transition(lease.home_acquired_on, clock.today(),  # type: ignore[arg-type]
                                 extended_to=lease.extension_requested_to)
        lease.transition_ends_on = lease.extension_requested_to
        lease.ends_on = art38.lease_end_after_transition(state, lease.end_on)
        lease.extension_status = "approved"
        message = f"过渡期已延长至 {lease.extension_requested_to}，合同于 {lease.ends_on} 终止"
    else:
        lease.extension_status = "refused"
        message = f"过渡期延长申请未获同意：{data.comment.strip() or '未说明'}"
    notify(session, lease.tenant_id, "transition_extension", message)  # type: ignore[arg-type]
    record(session, actor=user, action=f"lease.extension_{lease.extension_status}",
           entity_type="lease", entity_id=lease.id, summary={"ends_on": lease.ends_on})
    return lease


# ---- employer leases: occupants ----------------------------------------------------------

def add_occupant(session: Session, user: User, lease_id: int, data: OccupantIn) -> LeaseOccupant:
    """An employer places a member of staff; they must be eligible themselves (第三十一条)."""
    lease = get(session, user, lease_id, lock=True)
    if lease.kind != "employer" or lease.employer_organization_id != user.organization_id:
        raise NotFound("未找到该租赁合同")
    if lease.status not in ACTIVE:
        raise Conflict("合同已终止，不能安排入住")
    person_id = session.scalar(select(User.id).where(
        User.id_number_digest == id_number_digest(data.id_number), User.role == Role.tenant))
    if person_id is None:
        raise InvalidInput("该职工尚未在平台注册", field="id_number")
    _lock_person(session, person_id)
    person = load_user(session, person_id)
    signed = tenants.require_ready(session, person)  # type: ignore[arg-type]
    today = clock.today()
    decision, conflicts = tenants.eligibility(session, person, signed.declaration, today)  # type: ignore[arg-type]
    if not decision.ok:
        raise RuleViolation.from_decision(decision, "该职工不符合第三十二条规定的条件，不能入住")
    if has_active_lease(session, person_id):
        raise Conflict("该职工已有在租或入住的保障性租赁住房")
    occupant = LeaseOccupant(lease_id=lease.id, tenant_id=person_id,
                             moved_in_on=data.moved_in_on or today,
                             eligibility=tenants.eligibility_view(decision, conflicts, today),
                             placed_by_id=user.id)
    session.add(occupant)
    session.flush()
    record(session, actor=user, action="lease.occupant_placed", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id})
    return occupant


def move_out(session: Session, user: User, lease_id: int, occupant_id: int) -> LeaseOccupant:
    lease = get(session, user, lease_id, lock=True)
    occupant = session.get(LeaseOccupant, occupant_id)
    if occupant is None or occupant.lease_id != lease.id:
        raise NotFound("未找到该入住记录")
    if occupant.moved_out_on is not None:
        raise Conflict("该职工已搬离")
    occupant.moved_out_on = clock.today()
    record(session, actor=user, action="lease.occupant_moved_out", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id})
    return occupant


def occupants(session: Session, lease: Lease, *, cursor: int | None = None,
              limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """The people placed under an employer's lease, history kept, in order of placement
    (keyset by id)."""
    stmt = (select(LeaseOccupant, User, LeaseOccupant.id)
            .join(User, User.id == LeaseOccupant.tenant_id).where(LeaseOccupant.lease_id == lease.id))
    return mapped(keyset(session, stmt, LeaseOccupant.id, cursor=cursor, limit=limit,
                         descending=False, scalars=False), _occupant_view)


def occupant_view(session: Session, occupant: LeaseOccupant) -> dict[str, Any]:
    """One occupant as :func:`occupants` shows them."""
    return _occupant_view(session.execute(
        select(LeaseOccupant, User, LeaseOccupant.id).join(User, User.id == LeaseOccupant.tenant_id)
        .where(LeaseOccupant.id == occupant.id)).one())


def _occupant_view(row: Any) -> dict[str, Any]:
    o, u, _ = row
    return {"id": o.id, "name": u.full_name,
            "id_number_masked": mask_id_number(decrypt_id_number(u.id_number_enc))
            if u.id_number_enc else None, "moved_in_on": o.moved_in_on,
            "moved_out_on": o.moved_out_on, "eligible": bool(o.eligibility.get("ok"))}


# ---- violations and credit (第四十、四十一、四十六条) ---------------------------------------

def record_violation(session: Session, user: User, lease_id: int, data: ViolationIn) -> Violation:
    lease = get(session, user, lease_id, lock=True)
    if lease.status not in ACTIVE:
        raise Conflict("合同已终止")
    today = clock.today()
    violation = Violation(party="tenant", lease_id=lease.id, project_id=lease.project_id,
                          tenant_id=lease.tenant_id,
                          organization_id=lease.employer_organization_id, kind=data.kind,
                          description=data.description.strip(), recorded_on=today,
                          rectify_by=rectification_deadline(today, data.rectify_days),
                          recorded_by_id=user.id)
    session.add(violation)
    session.flush()
    if lease.tenant_id:
        notify(session, lease.tenant_id, "violation",
               f"您的租赁合同 {lease.number} 存在{ViolationKind(data.kind).label}行为，"
               f"请于 {violation.rectify_by} 前整改，拒不整改的将解除合同（第四十条）")
    record(session, actor=user, action="violation.recorded", entity_type="lease", entity_id=lease.id,
           summary={"violation_id": violation.id, "kind": data.kind,
                    "rectify_by": violation.rectify_by})
    return violation


def record_operator_violation(session: Session, user: User, project_id: int,
                              data: OperatorViolationIn) -> Violation:
    project = get_project(session, user, project_id, lock=True)
    today = clock.today()
    violation = Violation(party="operator", project_id=project.id,
                          organization_id=project.organization_id, kind=data.kind,
                          description=data.description.strip(), recorded_on=today,
                          rectify_by=rectification_deadline(today, data.rectify_days),
                          recorded_by_id=user.id)
    session.add(violation)
    session.flush()
    record(session, actor=user, action="violation.recorded", entity_type="project",
           entity_id=project.id, summary={"violation_id": violation.id, "kind": data.kind,
                                          "party": "operator"})
    return violation


def _violation(session: Session, user: User, violation_id: int) -> Violation:
    """The violation if ``user`` may see its lease or project, locked; else 404 like a missing one."""
    found = session.get(Violation, violation_id)
    try:
        if found is None:
            raise NotFound
        if found.lease_id is not None:
            get(session, user, found.lease_id)
        else:
            get_project(session, user, found.project_id)
    except NotFound:
        raise NotFound("未找到该违规记录") from None
    return session.scalar(select(Violation).where(Violation.id == violation_id).with_for_update()
                          .execution_options(populate_existing=True))  # type: ignore[return-value]


def rectified(session: Session, user: User, violation_id: int) -> Violation:
    violation = _violation(session, user, violation_id)
    if violation.status != "open":
        raise Conflict(f"该违规记录{VIOLATION_STATUS[violation.status]}")
    violation.status, violation.resolved_on = "rectified", clock.today()
    record(session, actor=user, action="violation.rectified", entity_type="violation",
           entity_id=violation.id)
    return violation


def terminate(session: Session, user: User, lease_id: int, data: TerminateIn) -> Lease:
    """第四十条: the tenant refused to rectify — the lease ends and the unit is recovered."""
    lease = get(session, user, lease_id, lock=True)
    violation = _violation(session, user, data.violation_id)
    if violation.lease_id != lease.id:
        raise InvalidInput("违规记录不属于该合同", field="violation_id")
    if lease.status not in ACTIVE:
        raise Conflict(f"合同{STATUS_LABELS[lease.status]}")
    today = clock.today()
    decision = outcome_allowed(ViolationKind(violation.kind), violation.status == "rectified",
                               violation.rectify_by, today)
    if not decision.ok:
        raise Conflict("；".join(f.message for f in decision.violations),
                       violations=decision.violations)
    lease.status, lease.ends_on = "terminated", today
    lease.ended_reason = f"{ViolationKind(violation.kind).label}且拒不整改（第四十条）"
    violation.status, violation.resolved_on = "terminated", today
    unit = session.get(Unit, lease.unit_id)
    if unit is not None and unit.status == "leased":
        unit.status = "published"
    if lease.tenant_id:
        notify(session, lease.tenant_id, "lease_terminated",
               f"因{lease.ended_reason}，租赁合同 {lease.number} 已于 {today} 解除，房屋收回")
    record(session, actor=user, action="lease.terminated", entity_type="lease", entity_id=lease.id,
           summary={"violation_id": violation.id, "kind": violation.kind})
    return lease


def _credit_select(condition: Any) -> Select[Any]:
    """Violations with their project's name and lease's number (and the id again, by which a
    page of them is keyed)."""
    return (select(Violation, Project.name, Lease.number, Violation.id)
            .join(Project, Project.id == Violation.project_id)
            .outerjoin(Lease, Lease.id == Violation.lease_id).where(condition))


def _credit_entry(row: Any) -> dict[str, Any]:
    v, name, number, _ = row
    return {"violation_id": v.id, "party": v.party, "kind": v.kind,
            "kind_label": (ViolationKind(v.kind).label if v.party == "tenant"
                           else OPERATOR_VIOLATIONS[v.kind]),
            "description": v.description, "recorded_on": v.recorded_on, "rectify_by": v.rectify_by,
            "status": v.status, "status_label": VIOLATION_STATUS[v.status],
            "resolved_on": v.resolved_on, "project_name": name, "lease_number": number}


def credit(session: Session, *, tenant_id: int | None = None, organization_id: int | None = None,
           cursor: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """第四十一条 credit record: every violation of a tenant or an organisation and its outcome,
    oldest first (keyset by violation id)."""
    if tenant_id is not None:
        who: Any = Violation.tenant_id == tenant_id
    else:
        who = or_(Violation.organization_id == organization_id,
                  and_(Violation.party == "operator", Project.organization_id == organization_id))
    return mapped(keyset(session, _credit_select(who), Violation.id, cursor=cursor,
                         limit=limit, descending=False, scalars=False), _credit_entry)


def tenant_credit(session: Session, user: User, tenant_id: int, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """A tenant's credit record, for the tenant, the office, auditors and the administrator
    (404 for anyone else, as if there were no such tenant)."""
    person = session.get(User, tenant_id)
    if (person is None or person.role != Role.tenant
            or not (user.id == tenant_id or user.role in (Role.office, Role.auditor, Role.admin))):
        raise NotFound("未找到该承租人")
    return credit(session, tenant_id=tenant_id, cursor=cursor, limit=limit)


def organization_credit(session: Session, user: User, organization_id: int, *,
                        cursor: int | None = None, limit: int = DEFAULT_LIMIT
                        ) -> Page[dict[str, Any]]:
    """An operator's or employer's credit record, for its own staff and the city (404 else)."""
    if session.get(Organization, organization_id) is None or not (
            user.organization_id == organization_id
            or user.role in (Role.office, Role.auditor, Role.admin, Role.leader)):
        raise NotFound("未找到该单位")
    return credit(session, organization_id=organization_id, cursor=cursor, limit=limit)


def credit_entry(session: Session, violation_id: int) -> dict[str, Any]:
    """One entry of a credit record (the one a violation step just wrote or changed)."""
    return _credit_entry(session.execute(_credit_select(Violation.id == violation_id)).one())


def lease_credit(session: Session, lease: Lease) -> list[dict[str, Any]]:
    """The credit entries recorded on one lease (a handful: each needs a violation step)."""
    return [_credit_entry(row) for row in session.execute(
        _credit_select(Violation.lease_id == lease.id).order_by(Violation.id))]


# ---- views --------------------------------------------------------------------------------

def masked_name(name: str | None) -> str:
    """张三 → 张*, 李小青 → 李*青: enough to recognise, not to identify (PIPL)."""
    if not name:
        return "*"
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def lease_views(session: Session, leases: list[Lease]) -> list[dict[str, Any]]:
    """Lease views for a page of leases, with their units, projects and parties in few queries."""
    if not leases:
        return []
    units = {u.id: u for u in session.scalars(select(Unit).where(
        Unit.id.in_({lease.unit_id for lease in leases})))}
    projects = {p.id: p for p in session.scalars(select(Project).where(
        Project.id.in_({lease.project_id for lease in leases})))}
    org_ids = {lease.operator_organization_id for lease in leases} | {
        lease.employer_organization_id for lease in leases if lease.employer_organization_id}
    orgs = {o.id: o.name for o in session.scalars(select(Organization).where(Organization.id.in_(org_ids)))}
    people = {u.id: u.full_name for u in session.scalars(select(User).where(
        User.id.in_({lease.tenant_id for lease in leases if lease.tenant_id})))}
    views = []
    for lease in leases:
        unit, project = units[lease.unit_id], projects[lease.project_id]
        views.append({
            "id": lease.id, "number": lease.number, "kind": lease.kind, "status": lease.status,
            "status_label": STATUS_LABELS[lease.status], "project_id": project.id,
            "project_name": project.name, "unit_id": unit.id, "building": unit.building,
            "unit_number": unit.number, "building_area_m2": lease.building_area_m2,
            "tenant_name": people.get(lease.tenant_id) if lease.tenant_id else None,
            "employer": orgs.get(lease.employer_organization_id) if lease.employer_organization_id else None,
            "operator": orgs[lease.operator_organization_id], "start_on": lease.start_on,
            "end_on": lease.end_on, "ends_on": lease.ends_on, "monthly_rent": lease.monthly_rent,
            "rate_per_m2": lease.rate_per_m2,
            "rent_cap": lease_rent_cap(lease.building_area_m2, lease.rate_per_m2),
            "prepaid_rent": lease.prepaid_rent, "deposit": lease.deposit, "signed_on": lease.signed_on,
            "previous_lease_id": lease.previous_lease_id, "home_acquired_on": lease.home_acquired_on,
            "transition_ends_on": lease.transition_ends_on, "market_rent_from": lease.market_rent_from,
            "transition_monthly_rent": lease.transition_monthly_rent,
            "extension_requested_to": lease.extension_requested_to,
            "extension_status": lease.extension_status,
        })
    return views


def list_for(session: Session, user: User, *, cursor: int | None, limit: int) -> Page[Lease]:
    """The leases ``user`` may see, newest first (keyset by id)."""
    return keyset(session, select(Lease).where(Lease.visible_to(user)), Lease.id, cursor=cursor,
                  limit=limit)


def leases_page(session: Session, user: User, *, cursor: int | None,
                limit: int) -> Page[dict[str, Any]]:
    """:func:`list_for` as views (a constant number of statements for the page)."""
    return mapped_all(list_for(session, user, cursor=cursor, limit=limit),
                      lambda found: lease_views(session, found))


def verify_public(session: Session, number: str) -> dict[str, Any]:
    """第二十三条: anyone checks an electronic lease by its number; the tenant's name is masked."""
    lease = session.scalar(select(Lease).where(Lease.number == number.strip().upper()))
    if lease is None:
        raise NotFound("未找到该电子租赁合同编号")
    view = lease_views(session, [lease])[0]
    project = session.get(Project, lease.project_id)
    running = lease.status in HOLDING
    valid = running and clock.today() <= lease.ends_on
    party = view["tenant_name"] if lease.kind == "individual" else view["employer"]
    return {"number": lease.number, "valid": valid,
            "status_label": "已到期" if running and not valid else STATUS_LABELS[lease.status],
            "project_name": view["project_name"],
            "address": project.address if project else "", "building": view["building"],
            "unit_number": view["unit_number"], "building_area_m2": view["building_area_m2"],
            "start_on": lease.start_on, "ends_on": lease.ends_on,
            "tenant": masked_name(party) if lease.kind == "individual" else (party or ""),
            "operator": view["operator"]}

