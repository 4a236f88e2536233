"""Leases, the state changes: signing under the rent cap, renewal, the home-acquired
transition, occupants, violations and termination (第二十三、三十一、三十四–三十八、四十、四十六条).

Who may take each step, from which state: :data:`~app.leases.workflows.LEASE` and
:data:`~app.leases.workflows.VIOLATION`; whether the law allows it: ``rules/``. Each change
writes its audit event in the same transaction. The reads are in :mod:`app.leases.repository`,
the presenters in :mod:`app.leases.views`.

A unit never has two leases overlapping in time and a person never holds two at once: the
unit's row and the person's row are locked (PostgreSQL ``FOR UPDATE``) before the overlap is
checked, so racing requests are decided one after the other.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.repository import load_user
from app.approval import documents
from app.approval.enums import IN_OPERATION
from app.approval.models import Project
from app.approval.repository import get_project
from app.audit.service import Actor, record
from app.core import clock
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation, TooManyRequests
from app.core.personal_data import id_number_digest
from app.leases import repository
from app.leases.enums import (
    ExtensionStatus,
    LeaseKind,
    LeaseStatus,
    OccupantStatus,
    ViolationKind,
    ViolationParty,
    ViolationStatus,
)
from app.leases.models import Lease, LeaseOccupant, Violation
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
from app.leases.workflows import LEASE, OCCUPANT, VIOLATION, OccupantNow
from app.operation.enums import UnitStatus
from app.operation.models import RentStandard, Unit
from app.operation.repository import in_force
from app.operation.service import rate_for
from app.tenants import repository as tenants_repo
from app.tenants import service as tenants
from app.tenants.enums import ApplicationStatus, LotteryStatus, NoticeKind
from app.tenants.models import TenantApplication
from app.tenants.workflows import TENANT_APPLICATION
from rules import art38_transition as art38
from rules.art26_30_listing import check_lease_start
from rules.art35_43_lease import LeaseTerms, check_lease_terms, renewal_terms, renewal_window_ok
from rules.art40_41_violations import outcome_allowed, rectification_deadline
from rules.dates import add_months
from rules.decision import Finding
from rules.identifiers import check_id_number, mask_id_number
from rules.params import parameter, value_at

# The labels, by the names other domains read them here (app.oversight, app.web.projects).


# ---- loading and checks -----------------------------------------------------------------

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
        lottery = tenants_repo.lottery(session, application.lottery_id)
        if lottery.status != LotteryStatus.drawn:
            raise Conflict("该申请所在的摇号尚未开奖")
        if tenants_repo.ahead_in_lottery(session, application):
            raise Conflict("须按摇号顺序配租：排位在前的申请尚未配租")
        return
    if tenants_repo.more_waiting_than_units(session, application.project_id):
        raise Conflict("审核通过的申请多于可配租房源，须先公开摇号（第三十一条）", violations=[Finding(
            "第三十一条", "lottery_required", "审核通过的申请多于可配租房源时，按公开摇号确定配租顺序")])


def _terms_or_refuse(terms: LeaseTerms, on: date) -> None:
    decision = check_lease_terms(terms, on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)


def _number(session: Session, on: date) -> str:
    return f"ZL{on.year}{documents.next_seq(session, 'lease', on.year):06d}"


def _start_bounds(unit: Unit, start_on: date, today: date) -> None:
    """A lease starts no earlier than its unit was published (第三十条), and no later than the
    longest a lease signed today may run (``lease_term_months_max`` from today): the unit's
    current lease ends by then at the latest, so no later start is ever needed (a sanity bound;
    a start in year 9999 would otherwise overflow the term's arithmetic). Its end is bounded by
    the term rules (第三十五、四十三条)."""
    decision = check_lease_start(start_on, unit.published_on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    latest = add_months(today, value_at("lease_term_months_max", today))
    if start_on > latest:
        raise InvalidInput(f"租赁开始日期 {start_on.isoformat()} 过远：最迟 {latest.isoformat()} 起租"
                           "（房源现有合同最长也于此前到期）", field="start_on")


def create(session: Session, user: User, data: LeaseIn) -> Lease:
    """The operator concludes a lease for an approved application, or with an employer (整体配租).

    The lease waits for its contract (待签约, ``pending``): it reserves the unit and the person
    at once, and comes into force when the contract is signed by both (:func:`contract_signed`,
    called by ``app.contracts``)."""
    if (data.application_id is None) == (data.employer_organization_id is None):
        raise InvalidInput("个人配租须提供 application_id，整体配租须提供 employer_organization_id（二选一）",
                           field="application_id")
    unit = repository.unit(session, data.unit_id, lock=True)
    if unit is None:
        raise InvalidInput("房源不存在", field="unit_id")
    project = get_project(session, user, unit.project_id)
    if project.status not in IN_OPERATION:
        raise Conflict("项目已不在保障性租赁住房序列，不能签约")
    if unit.status not in (UnitStatus.published, UnitStatus.leased):
        raise Conflict("房源尚未经市住建局审核发布，不能出租（第三十条）", violations=[Finding(
            "第三十条", "unit_not_published", "房源经市住建局审核确认、发布后方可出租")])
    application, tenant_id = None, None
    if data.application_id is not None:
        application = tenants_repo.application(session, user, data.application_id, lock=True)
        if application.project_id != project.id:
            raise InvalidInput("申请与房源不属于同一项目", field="application_id")
        TENANT_APPLICATION.check("sign_lease", user, application, doing="签订合同")
        _check_allocation(session, application)
        tenant_id = application.applicant_id
        _lock_person(session, tenant_id)
    else:
        employer = repository.organization(session, data.employer_organization_id)
        if employer is None or employer.id == project.organization_id:
            raise InvalidInput("用人单位不存在或与运营单位相同", field="employer_organization_id")
    today = clock.today()
    _start_bounds(unit, data.start_on, today)
    standard, rate = _rate(session, project, unit)
    _terms_or_refuse(LeaseTerms(data.start_on, data.end_on, data.monthly_rent, unit.building_area_m2,
                                rate, data.prepaid_rent, data.deposit, data.other_fees), today)
    if repository.unit_overlaps(session, unit.id, data.start_on, data.end_on):
        raise Conflict("该房源在此期间已有租赁合同")
    if tenant_id is not None and repository.person_overlaps(session, tenant_id, data.start_on,
                                                            data.end_on):
        raise Conflict("承租人在此期间已有租赁合同（每人限一套）")
    assert standard is not None and rate is not None
    lease = Lease(number=_number(session, today),
                  kind=LeaseKind.individual if tenant_id else LeaseKind.employer,
                  unit_id=unit.id, project_id=project.id,
                  operator_organization_id=project.organization_id, tenant_id=tenant_id,
                  employer_organization_id=data.employer_organization_id,
                  application_id=application.id if application else None,
                  start_on=data.start_on, end_on=data.end_on, ends_on=data.end_on,
                  monthly_rent=data.monthly_rent, rate_per_m2=rate, rent_standard_id=standard.id,
                  market_rent_per_m2=_appraised_rent(standard, unit.unit_type),
                  building_area_m2=unit.building_area_m2, prepaid_rent=data.prepaid_rent,
                  deposit=data.deposit, status=LeaseStatus.pending, signed_on=today,
                  signed_by_id=user.id)
    session.add(lease)
    unit.status = UnitStatus.leased
    if application is not None:
        application.status = ApplicationStatus.leased
        tenants.notify(session, application.applicant_id, NoticeKind.lease_signed,
                       f"您的电子租赁合同 {lease.number} 已订立，租期 {data.start_on} 至 {data.end_on}；"
                       "运营单位发出合同文本后请在线签署，双方签署后合同生效")
    session.flush()
    record(session, actor=user, action="lease.signed", entity_type="lease", entity_id=lease.id,
           summary={"number": lease.number, "unit_id": unit.id, "kind": lease.kind,
                    "monthly_rent": str(lease.monthly_rent), "start_on": lease.start_on,
                    "end_on": lease.end_on})
    return lease


def renew(session: Session, user: User, lease_id: int, data: RenewIn) -> Lease:
    """第三十五条: at term end, after a fresh eligibility check; refused with the reasons. The
    new lease waits for its own contract (待签约) like any other; the old one runs to its term's
    end meanwhile.

    A lease in its 过渡期 (第三十八条) whose term ends before the transition does is continued
    instead, up to the transition's last day: see :func:`_continue_in_transition`."""
    lease = repository.get(session, user, lease_id, lock=True)
    LEASE.check("renew", user, repository.lease_now(session, lease))
    today = clock.today()
    window = renewal_window_ok(lease.end_on, today)
    if not window.ok:
        raise RuleViolation.from_decision(window)
    if lease.status == LeaseStatus.in_transition:
        return _continue_in_transition(session, user, lease, data, today)
    if lease.tenant_id is not None:
        person = load_user(session, lease.tenant_id)
        declaration = _declaration(session, lease)
        decision, _ = tenants.eligibility(session, person, declaration, today)  # type: ignore[arg-type]
        if not decision.ok:
            raise RuleViolation.from_decision(decision, "承租人已不符合第三十二条规定的条件，不予续租")
    unit = repository.unit(session, lease.unit_id, lock=True)
    project = get_project(session, user, lease.project_id)
    standard, rate = _rate(session, project, unit)  # type: ignore[arg-type]
    start, end = renewal_terms(lease.end_on, data.months)
    rent = data.monthly_rent or lease.monthly_rent
    _terms_or_refuse(LeaseTerms(start, end, rent, lease.building_area_m2, rate, data.prepaid_rent,
                                Decimal(0), Decimal(0)), today)
    if repository.unit_overlaps(session, lease.unit_id, start, end, exclude=lease.id):
        raise Conflict("该房源在续租期间已有其他合同")
    assert standard is not None and rate is not None
    renewed = Lease(number=_number(session, today), kind=lease.kind, unit_id=lease.unit_id,
                    project_id=lease.project_id, operator_organization_id=lease.operator_organization_id,
                    tenant_id=lease.tenant_id, employer_organization_id=lease.employer_organization_id,
                    application_id=lease.application_id, previous_lease_id=lease.id,
                    start_on=start, end_on=end, ends_on=end, monthly_rent=rent, rate_per_m2=rate,
                    rent_standard_id=standard.id, building_area_m2=lease.building_area_m2,
                    market_rent_per_m2=_appraised_rent(standard, unit.unit_type),  # type: ignore[union-attr]
                    prepaid_rent=data.prepaid_rent, deposit=lease.deposit, status=LeaseStatus.pending,
                    signed_on=today, signed_by_id=user.id)
    session.add(renewed)
    lease.status = LeaseStatus.renewed
    if lease.tenant_id:
        tenants.notify(session, lease.tenant_id, NoticeKind.lease_renewed,
                       f"您的合同已续租，新合同 {renewed.number}")
    session.flush()
    record(session, actor=user, action="lease.renewed", entity_type="lease", entity_id=renewed.id,
           summary={"number": renewed.number, "previous": lease.number, "start_on": start,
                    "end_on": end})
    return renewed


def _continue_in_transition(session: Session, user: User, lease: Lease, data: RenewIn,
                            today: date) -> Lease:
    """第三十八条: the 12 months are the tenant's. The lease continues from the day after its
    term up to the (extended) transition's last day — a request past it is cut to it — with
    no fresh eligibility check, at the market rent; it ends with the transition."""
    start, asked_end = renewal_terms(lease.end_on, data.months)
    decision, end = art38.continuation(lease.transition_ends_on, lease.end_on,  # type: ignore[arg-type]
                                       asked_end)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if repository.unit_overlaps(session, lease.unit_id, start, end, exclude=lease.id):
        raise Conflict("该房源在延续期间已有其他合同")
    rent = lease.transition_monthly_rent or lease.monthly_rent
    continued = Lease(number=_number(session, today), kind=lease.kind, unit_id=lease.unit_id,
                      project_id=lease.project_id,
                      operator_organization_id=lease.operator_organization_id,
                      tenant_id=lease.tenant_id, employer_organization_id=lease.employer_organization_id,
                      application_id=lease.application_id, previous_lease_id=lease.id,
                      start_on=start, end_on=end, ends_on=end, monthly_rent=rent,
                      rate_per_m2=lease.rate_per_m2, rent_standard_id=lease.rent_standard_id,
                      building_area_m2=lease.building_area_m2,
                      market_rent_per_m2=lease.market_rent_per_m2, prepaid_rent=data.prepaid_rent,
                      deposit=lease.deposit, status=LeaseStatus.in_transition, signed_on=today,
                      signed_by_id=user.id, home_acquired_on=lease.home_acquired_on,
                      transition_ends_on=lease.transition_ends_on, market_rent_from=start,
                      transition_monthly_rent=rent)
    session.add(continued)
    lease.status = LeaseStatus.renewed
    tenants.notify(session, lease.tenant_id, NoticeKind.lease_renewed,  # type: ignore[arg-type]
                   f"您的合同在过渡期内延续至 {end}，新合同 {continued.number}，"
                   f"租金按市场租金每月 {rent} 元（第三十八条）")
    session.flush()
    record(session, actor=user, action="lease.continued_in_transition", entity_type="lease",
           entity_id=continued.id, summary={"number": continued.number, "previous": lease.number,
                                            "start_on": start, "end_on": end,
                                            "asked_end_on": asked_end})
    return continued


def _declaration(session: Session, lease: Lease) -> dict[str, Any]:
    if lease.application_id:
        application = tenants_repo.application_by_id(session, lease.application_id)
        if application is not None:
            return application.eligibility["declaration"]
    signed = tenants_repo.commitment_of(session, lease.tenant_id)  # type: ignore[arg-type]
    return signed.declaration if signed else {"owns_home_in_central_area": False}


# ---- 第三十八条: a home acquired, the transition ------------------------------------------

def _market_rent(session: Session, lease: Lease, unit: Unit) -> Decimal:
    appraisal = repository.latest_appraisal(session, lease.project_id)
    if appraisal is None:
        raise Conflict("项目尚无市场租金评估，无法确定过渡期租金")
    own = appraisal.per_unit_type.get(unit.unit_type or "")
    return Decimal(own) if own else appraisal.market_rent_per_m2


def _start_transition(session: Session, actor: Actor, lease: Lease, acquired_on: date,
                      how: str) -> Lease:
    """active → in_transition: 12 months at market rent from the next month, then the lease
    ends (the caller checked the step: :data:`LEASE` for a person, the registry's query)."""
    today = clock.today()
    decision = art38.check_acquisition(acquired_on, repository.tenancy_signed_on(session, lease), today)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    unit = repository.unit(session, lease.unit_id)
    state = art38.transition(acquired_on, today)
    lease.status, lease.home_acquired_on = LeaseStatus.in_transition, acquired_on
    lease.transition_ends_on, lease.market_rent_from = state.ends_on, state.market_rent_from
    lease.transition_monthly_rent = art38.transition_rent(lease.building_area_m2,
                                                          _market_rent(session, lease, unit))  # type: ignore[arg-type]
    lease.ends_on = art38.lease_end_after_transition(state, lease.end_on)
    tenants.notify(session, lease.tenant_id, NoticeKind.transition_started,  # type: ignore[arg-type]
                   f"您已在中心城区取得住房（{acquired_on}），给予过渡期至 {state.ends_on}；"
                   f"自 {state.market_rent_from} 起按市场租金每月 {lease.transition_monthly_rent} 元收取；"
                   f"合同于 {lease.ends_on} 终止（第三十八条）")
    record(session, actor=actor, action="lease.transition_started", entity_type="lease",
           entity_id=lease.id, summary={"how": how, "transition_ends_on": state.ends_on,
                                        "market_rent_from": state.market_rent_from,
                                        "transition_monthly_rent": str(lease.transition_monthly_rent)})
    return lease


def home_acquired(session: Session, user: User, lease_id: int, data: HomeAcquiredIn) -> Lease:
    """The tenant (or the office for them) reports a home acquired in the central area."""
    lease = repository.get(session, user, lease_id, lock=True)
    if user.role == Role.tenant and lease.tenant_id != user.id:
        raise NotFound("未找到该租赁合同")  # an occupant reads the lease, never acts on it
    LEASE.check("home_acquired", user, repository.lease_now(session, lease), doing="登记过渡期")
    return _start_transition(session, user, lease, data.acquired_on, data.how)


def transitions_from_registry(session: Session, actor: Actor, import_id: int) -> int:
    """After a property import: every tenant now owning a central home enters the transition
    (第三十八条), each of their leases that ``home_acquired`` may start from."""
    started = 0
    defined = parameter("central_districts").values[0].since
    for record_ in tenants_repo.property_records(session, import_id):
        # the central area as it was on the day the home was acquired (第四条, 第三十八条)
        acquired = max(record_.acquired_on, defined)  # type: ignore[type-var]
        if record_.district not in value_at("central_districts", acquired):
            continue
        for lease in repository.leases_for_transition(session, record_):
            _start_transition(session, actor, lease, record_.acquired_on, "registry")  # type: ignore[arg-type]
            started += 1
    return started


def request_extension(session: Session, user: User, lease_id: int, data: ExtensionRequestIn) -> Lease:
    """第三十八条 因特殊情况确需延长: the tenant asks the operator for a longer transition."""
    lease = repository.get(session, user, lease_id, lock=True)
    if user.role == Role.tenant and lease.tenant_id != user.id:
        raise NotFound("未找到该租赁合同")
    LEASE.check("request_extension", user, repository.lease_now(session, lease))
    state = art38.transition(lease.home_acquired_on, clock.today())  # type: ignore[arg-type]
    decision = art38.check_extension(state, data.until, clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    lease.extension_requested_to, lease.extension_reason = data.until, data.reason.strip()
    lease.extension_status = ExtensionStatus.requested
    record(session, actor=user, action="lease.extension_requested", entity_type="lease",
           entity_id=lease.id, summary={"until": data.until})
    return lease


def decide_extension(session: Session, user: User, lease_id: int, data: ExtensionDecisionIn) -> Lease:
    """The operator approves or refuses a longer transition (第三十八条 因特殊情况确需延长)."""
    lease = repository.get(session, user, lease_id, lock=True)
    LEASE.check("decide_extension", user, repository.lease_now(session, lease))
    if data.approve:
        state = art38.transition(lease.home_acquired_on, clock.today(),  # type: ignore[arg-type]
                                 extended_to=lease.extension_requested_to)
        lease.transition_ends_on = lease.extension_requested_to
        lease.ends_on = art38.lease_end_after_transition(state, lease.end_on)
        lease.extension_status = ExtensionStatus.approved
        message = f"过渡期已延长至 {lease.extension_requested_to}，合同于 {lease.ends_on} 终止"
    else:
        lease.extension_status = ExtensionStatus.refused
        message = f"过渡期延长申请未获同意：{data.comment.strip() or '未说明'}"
    tenants.notify(session, lease.tenant_id, NoticeKind.transition_extension, message)  # type: ignore[arg-type]
    record(session, actor=user, action=f"lease.extension_{lease.extension_status}",
           entity_type="lease", entity_id=lease.id, summary={"ends_on": lease.ends_on})
    return lease


# ---- employer leases: invitations and placements (整体配租, 第三十一条) --------------------------
#
# An employer who leased a unit as a whole places staff in it, each of whom must be eligible
# themself (第三十一条 “由用人单位安排符合准入条件的对象入住”). The employer knows the person's
# 身份证 number; holding it proves nothing about the person's consent. So the employer's step
# is an invitation addressed to the number, and the person accepts (after the eligibility
# check at that moment) or declines it themself. Until they accept, nothing is housed and
# nothing blocks their own lease; and the employer is told the same thing whatever the number
# is — registered or not, eligible or not, housed or not.

INVITATION_SENT = "已向该身份证号码对应的承租人发出入住邀请；对方确认并经资格审查后方可入住"
# How many invitations one lease may send a day, and leave unanswered at once: a whole unit
# houses a handful of people, and a notice goes to a stranger for each number tried.
INVITATIONS_PER_LEASE_PER_DAY = 20
WAITING_INVITATIONS_PER_LEASE = 20


def _retry_tomorrow() -> int:
    """Seconds until the next day begins where the service's days are counted."""
    now = clock.now().astimezone(ZoneInfo(get_settings().timezone))
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(1, int((tomorrow - now).total_seconds()))


def _move_in_bounds(lease: Lease, on: date | None, today: date) -> None:
    """The day proposed for moving in lies in the lease's term and not in the past."""
    if on is None:
        return
    if on < today:
        raise InvalidInput(f"拟入住日期 {on.isoformat()} 早于今天：入住须经本人确认后办理",
                           field="moved_in_on")
    if on > lease.ends_on:
        raise InvalidInput(f"拟入住日期 {on.isoformat()} 晚于合同终止日期 {lease.ends_on.isoformat()}",
                           field="moved_in_on")


def invite_occupant(session: Session, user: User, lease_id: int, data: OccupantIn) -> str:
    """整体配租: the employer invites the holder of a 身份证 number to live in the unit.

    Answers :data:`INVITATION_SENT` whatever the number is: the invitation is stored against
    the number's keyed digest (the holder finds it when they log in, even if they register
    later), and a registered holder is also sent a notice. Refused only for what the employer
    itself controls: a lease it may not place staff under (403/404/409), a malformed number or
    move-in date (422), too many invitations (429 for a day's, 409 for those unanswered)."""
    lease = repository.get(session, user, lease_id, lock=True)
    LEASE.check("add_occupant", user, repository.lease_now(session, lease))
    today = clock.today()
    checked = check_id_number(data.id_number, today)
    if not checked.ok:
        raise RuleViolation.from_decision(checked)
    _move_in_bounds(lease, data.moved_in_on, today)
    sent_today, waiting = repository.invitation_counts(session, lease.id, today)
    if sent_today >= INVITATIONS_PER_LEASE_PER_DAY:
        raise TooManyRequests(f"该合同今天已发出 {sent_today} 份入住邀请，请明天再试",
                              retry_after=_retry_tomorrow())
    if waiting >= WAITING_INVITATIONS_PER_LEASE:
        raise Conflict(f"该合同已有 {waiting} 份入住邀请等待对方确认，请待对方答复或撤回后再邀请")
    digest = id_number_digest(data.id_number)
    if repository.open_occupancy(session, lease.id, digest):
        return INVITATION_SENT  # already invited (or placed) here: nothing new, the same answer
    occupant = LeaseOccupant(lease_id=lease.id, status=OccupantStatus.invited, id_number_digest=digest,
                             id_number_masked=mask_id_number(data.id_number), invited_on=today,
                             moved_in_on=data.moved_in_on, placed_by_id=user.id)
    session.add(occupant)
    session.flush()
    person_id = tenants_repo.tenant_id_by_number(session, data.id_number)
    if person_id is not None:
        unit = repository.unit(session, lease.unit_id)
        project = repository.project(session, lease.project_id)
        employer = repository.organization(session, lease.employer_organization_id)
        tenants.notify(session, person_id, NoticeKind.placement_invited,
                       f"{employer.name if employer else '用人单位'}邀请您入住其整体承租的"
                       f"{project.name if project else ''} {unit.building if unit else ''} "
                       f"{unit.number if unit else ''}（合同 {lease.number}）；"
                       "请在“入住邀请”中确认或谢绝，确认时将审查您是否符合第三十二条规定的条件")
    record(session, actor=user, action="lease.occupant_invited", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id})
    return INVITATION_SENT


def _addressed(session: Session, user: User, occupant_id: int, action: str) -> OccupantNow:
    """The invitation addressed to ``user`` with its lease (both locked), once the table allows
    ``action`` on it (404 for anyone else's, as for a missing one)."""
    occupant = repository.addressed_to(session, user, occupant_id, lock=True)
    lease = repository.leases_by_id(session, {occupant.lease_id}, lock=True)[occupant.lease_id]
    now = OccupantNow(occupant, lease)
    OCCUPANT.check(action, user, now)
    return now


def accept_invitation(session: Session, user: User, occupant_id: int) -> LeaseOccupant:
    """The person accepts an invitation addressed to them: placed, if they are eligible now
    (第三十一、三十二条) and hold no other such housing (one per person)."""
    now = _addressed(session, user, occupant_id, "accept")
    occupant, lease = now.occupant, now.lease
    _lock_person(session, user.id)
    signed = tenants.require_ready(session, user)
    today = clock.today()
    decision, conflicts = tenants.eligibility(session, user, signed.declaration, today)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if repository.has_active_lease(session, user.id):
        raise Conflict("您已有在租或入住的保障性租赁住房（每人限一套），不能再接受入住邀请")
    moved_in = max(occupant.moved_in_on or today, today, lease.start_on)
    if moved_in > lease.ends_on:
        raise Conflict(f"该整体配租合同于 {lease.ends_on.isoformat()} 终止，已不能入住")
    occupant.status, occupant.tenant_id = OccupantStatus.placed, user.id
    occupant.answered_on, occupant.moved_in_on = today, moved_in
    occupant.eligibility = tenants.eligibility_record(decision, conflicts, today)
    record(session, actor=user, action="lease.occupant_placed", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id, "moved_in_on": moved_in})
    return occupant


def decline_invitation(session: Session, user: User, occupant_id: int) -> LeaseOccupant:
    """The person declines an invitation addressed to them; nothing is placed."""
    occupant = _addressed(session, user, occupant_id, "decline").occupant
    occupant.status, occupant.answered_on = OccupantStatus.declined, clock.today()
    record(session, actor=user, action="lease.invitation_declined", entity_type="lease",
           entity_id=occupant.lease_id, summary={"occupant_id": occupant.id})
    return occupant


def _employers(session: Session, user: User, lease_id: int, occupant_id: int) -> tuple[Lease, LeaseOccupant]:
    lease = repository.get(session, user, lease_id, lock=True)
    occupant = repository.occupant(session, occupant_id, lock=True)
    if occupant is None or occupant.lease_id != lease.id:
        raise NotFound("未找到该入住记录")
    return lease, occupant


def withdraw_invitation(session: Session, user: User, lease_id: int,
                        occupant_id: int) -> LeaseOccupant:
    """The employer withdraws an invitation not yet answered (the holder, if registered, is told)."""
    lease, occupant = _employers(session, user, lease_id, occupant_id)
    OCCUPANT.check("withdraw", user, OccupantNow(occupant, lease))
    occupant.status, occupant.answered_on = OccupantStatus.withdrawn, clock.today()
    person_id = tenants_repo.tenant_id_by_digest(session, occupant.id_number_digest)
    if person_id is not None:
        tenants.notify(session, person_id, NoticeKind.placement_invited,
                       f"用人单位已撤回合同 {lease.number} 的入住邀请")
    record(session, actor=user, action="lease.invitation_withdrawn", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id})
    return occupant


def move_out(session: Session, user: User, lease_id: int, occupant_id: int) -> LeaseOccupant:
    """The employer records a member of staff moving out (the history is kept)."""
    lease, occupant = _employers(session, user, lease_id, occupant_id)
    if occupant.moved_out_on is not None:
        raise Conflict("该职工已搬离")
    LEASE.check("move_out", user, repository.lease_now(session, lease))
    OCCUPANT.check("move_out", user, OccupantNow(occupant, lease))
    occupant.status, occupant.moved_out_on = OccupantStatus.moved_out, clock.today()
    record(session, actor=user, action="lease.occupant_moved_out", entity_type="lease",
           entity_id=lease.id, summary={"occupant_id": occupant.id})
    return occupant


# ---- violations (第四十、四十六条) ------------------------------------------------------------

def record_violation(session: Session, user: User, lease_id: int, data: ViolationIn) -> Violation:
    """第四十条: a tenant's misuse of the unit, with a rectification deadline."""
    lease = repository.get(session, user, lease_id, lock=True)
    LEASE.check("record_violation", user, repository.lease_now(session, lease))
    today = clock.today()
    violation = Violation(party=ViolationParty.tenant, lease_id=lease.id, project_id=lease.project_id,
                          tenant_id=lease.tenant_id,
                          organization_id=lease.employer_organization_id, kind=data.kind,
                          description=data.description.strip(), recorded_on=today,
                          rectify_by=rectification_deadline(today, data.rectify_days),
                          status=ViolationStatus.open, recorded_by_id=user.id)
    session.add(violation)
    session.flush()
    if lease.tenant_id:
        tenants.notify(session, lease.tenant_id, NoticeKind.violation,
                       f"您的租赁合同 {lease.number} 存在{ViolationKind(data.kind).label}行为，"
                       f"请于 {violation.rectify_by} 前整改，拒不整改的将解除合同（第四十条）")
    record(session, actor=user, action="violation.recorded", entity_type="lease", entity_id=lease.id,
           summary={"violation_id": violation.id, "kind": data.kind,
                    "rectify_by": violation.rectify_by})
    return violation


def record_operator_violation(session: Session, user: User, project_id: int,
                              data: OperatorViolationIn) -> Violation:
    """第四十六条: an operator's violation, kept on its credit record (第四十一条)."""
    project = get_project(session, user, project_id, lock=True)
    today = clock.today()
    violation = Violation(party=ViolationParty.operator, project_id=project.id,
                          organization_id=project.organization_id, kind=data.kind,
                          description=data.description.strip(), recorded_on=today,
                          rectify_by=rectification_deadline(today, data.rectify_days),
                          status=ViolationStatus.open, recorded_by_id=user.id)
    session.add(violation)
    session.flush()
    record(session, actor=user, action="violation.recorded", entity_type="project",
           entity_id=project.id, summary={"violation_id": violation.id, "kind": data.kind,
                                          "party": ViolationParty.operator})
    return violation


def rectified(session: Session, user: User, violation_id: int) -> Violation:
    """A violation rectified within (or after) its deadline: kept on the credit record."""
    violation = repository.visible_violation(session, user, violation_id, lock=True)
    try:
        VIOLATION.check("rectified", user, violation)
    except Conflict:  # the table refuses the state; say it as the pages always have
        raise Conflict(f"该违规记录{ViolationStatus.label_of(violation.status)}",
                       status_now=violation.status) from None
    violation.status, violation.resolved_on = ViolationStatus.rectified, clock.today()
    record(session, actor=user, action="violation.rectified", entity_type="violation",
           entity_id=violation.id)
    return violation


def terminate(session: Session, user: User, lease_id: int, data: TerminateIn) -> Lease:
    """第四十条: the tenant refused to rectify — the lease ends and the unit is recovered."""
    lease = repository.get(session, user, lease_id, lock=True)
    violation = repository.visible_violation(session, user, data.violation_id, lock=True)
    if violation.lease_id != lease.id:
        raise InvalidInput("违规记录不属于该合同", field="violation_id")
    LEASE.check("terminate", user, repository.lease_now(session, lease))
    today = clock.today()
    decision = outcome_allowed(ViolationKind(violation.kind),
                               violation.status == ViolationStatus.rectified, violation.rectify_by, today)
    if not decision.ok:
        raise Conflict("；".join(f.message for f in decision.violations),
                       violations=decision.violations)
    VIOLATION.check("terminate", user, violation)
    lease.status, lease.ends_on = LeaseStatus.terminated, today
    lease.ended_reason = f"{ViolationKind(violation.kind).label}且拒不整改（第四十条）"
    violation.status, violation.resolved_on = ViolationStatus.terminated, today
    unit = repository.unit(session, lease.unit_id)
    if unit is not None and unit.status == UnitStatus.leased:
        unit.status = UnitStatus.published
    if lease.tenant_id:
        tenants.notify(session, lease.tenant_id, NoticeKind.lease_terminated,
                       f"因{lease.ended_reason}，租赁合同 {lease.number} 已于 {today} 解除，房屋收回")
    record(session, actor=user, action="lease.terminated", entity_type="lease", entity_id=lease.id,
           summary={"violation_id": violation.id, "kind": violation.kind})
    return lease


# ---- the contract signed by both (app.contracts calls down here) --------------------------------

def contract_signed(session: Session, user: User, lease: Lease) -> Lease:
    """The lease's contract was signed by the tenant and countersigned by the operator: a lease
    waiting for it (待签约) comes into force (第二十三条: the platform's electronic lease). A lease
    already in force (signed before contracts existed, or a 第三十八条 continuation) stays as it is."""
    if lease.status == LeaseStatus.pending:
        lease.status = LeaseStatus.active
        record(session, actor=user, action="lease.in_force", entity_type="lease", entity_id=lease.id,
               summary={"number": lease.number})
    return lease
