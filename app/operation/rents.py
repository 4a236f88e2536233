"""The rent chain of 第三十六、三十七条: appraisal → proposed standard → filing → in force.

市住建局 records a third party's market-rent appraisal; the operator proposes a rent standard
from it (each rate at most 90% of the appraised rent, the appraisal not older than two
years); 市发改委 files it, and only a filed standard is in force. Filing a new standard
supersedes the previous one. A project whose latest appraisal has lapsed is flagged for
re-appraisal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.approval.models import Project
from app.approval.service import get_project, transition
from app.approval.status import IN_OPERATION, ProjectStatus
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import DEFAULT_LIMIT, Page, keyset_by
from app.operation.models import Appraisal, RentStandard
from app.operation.schemas import AppraisalIn, RentFilingIn, RentStandardIn
from app.operation.units import operating_project
from rules.art36_37_rent import (
    AppraisalFacts,
    ProposedRate,
    appraisal_valid_until,
    check_appraisal,
    check_rent_standard,
    reappraisal_due,
    rent_cap_rate,
)

S = ProjectStatus
STANDARD_LABELS = {"proposed": "已拟订，待备案", "filed": "已备案（执行中）", "superseded": "已被新标准替代"}


def _facts(appraisal: Appraisal) -> AppraisalFacts:
    return AppraisalFacts(appraisal.appraised_on, appraisal.market_rent_per_m2,
                          {k: Decimal(v) for k, v in appraisal.per_unit_type.items()})


def _check_unit_types(project: Project, names: list[str | None], field: str) -> None:
    known = {t["name"] for t in project.unit_types}
    for i, name in enumerate(names):
        if name is not None and name not in known:
            raise InvalidInput(f"户型“{name}”不在申请书的户型中（{'、'.join(sorted(known))}）",
                               field=field.format(i=i, name=name))


def record_appraisal(session: Session, user: User, project_id: int, data: AppraisalIn) -> Appraisal:
    project = operating_project(session, user, project_id, lock=True)
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
    transition(session, project, user, to=S(project.status), action="appraisal_recorded",
               details={"appraisal_id": appraisal.id, "appraised_on": data.appraised_on.isoformat(),
                        "market_rent_per_m2": str(data.market_rent_per_m2)})
    return appraisal


def _rates(data: RentStandardIn) -> list[ProposedRate]:
    return [ProposedRate(r.unit_type, r.rate_per_m2) for r in data.rates]


def propose(session: Session, user: User, project_id: int, data: RentStandardIn) -> RentStandard:
    """The operator's rent standard; refused citing 第三十七条 above the cap or on a lapsed appraisal."""
    project = operating_project(session, user, project_id, lock=True)
    appraisal = session.get(Appraisal, data.appraisal_id)
    if appraisal is None or appraisal.project_id != project.id:
        raise InvalidInput("评估记录不存在或不属于本项目", field="appraisal_id")
    _check_unit_types(project, [r.unit_type for r in data.rates], "rates[{i}].unit_type")
    types = [r.unit_type for r in data.rates]
    if len(set(types)) != len(types):
        raise InvalidInput("同一户型只能有一个租金标准", field="rates")
    decision = check_rent_standard(_rates(data), _facts(appraisal), clock.today())
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    standard = RentStandard(project_id=project.id, appraisal=appraisal,
                            rates=[{"unit_type": r.unit_type, "rate_per_m2": str(r.rate_per_m2)}
                                   for r in data.rates],
                            status="proposed", proposed_on=clock.today(), proposed_by_id=user.id)
    session.add(standard)
    session.flush()
    transition(session, project, user, to=S(project.status), action="rent_proposed",
               details={"rent_standard_id": standard.id, "rates": standard.rates})
    return standard


def file(session: Session, user: User, standard_id: int, data: RentFilingIn) -> RentStandard:
    """市发改委 files a proposed standard (报市发改部门备案后执行); it supersedes the previous one."""
    standard = session.scalar(select(RentStandard).where(RentStandard.id == standard_id)
                              .options(joinedload(RentStandard.appraisal, innerjoin=True))
                              .with_for_update(of=RentStandard))
    if standard is None:
        raise NotFound("未找到该租金标准")
    project = get_project(session, user, standard.project_id, lock=True)
    if project.status not in IN_OPERATION:
        raise Conflict("项目已不在保障性租赁住房序列，不能备案租金")
    if standard.status != "proposed":
        raise Conflict(f"该租金标准{STANDARD_LABELS[standard.status]}，不能再次备案")
    today = clock.today()
    filed_on = data.filed_on or today
    if filed_on > today or filed_on < standard.proposed_on:
        raise InvalidInput("备案日期须在拟订日期与今天之间", field="filed_on")
    rates = [ProposedRate(r["unit_type"], Decimal(r["rate_per_m2"])) for r in standard.rates]
    decision = check_rent_standard(rates, _facts(standard.appraisal), filed_on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    for previous in session.scalars(select(RentStandard).where(
            RentStandard.project_id == project.id, RentStandard.status == "filed")):
        previous.status = "superseded"
    standard.status, standard.filing_no = "filed", data.filing_no.strip()
    standard.filed_on, standard.filed_by_id = filed_on, user.id
    transition(session, project, user, to=S(project.status), action="rent_filed",
               details={"rent_standard_id": standard.id, "filing_no": standard.filing_no})
    return standard


def in_force(session: Session, project_id: int) -> RentStandard | None:
    return session.scalar(select(RentStandard).where(RentStandard.project_id == project_id,
                                                     RentStandard.status == "filed")
                          .options(joinedload(RentStandard.appraisal)))


def rate_for(standard: RentStandard, unit_type: str | None) -> Decimal | None:
    """The filed rate for a unit of ``unit_type``: its own rate, else the project-wide one."""
    rates = {r["unit_type"]: Decimal(r["rate_per_m2"]) for r in standard.rates}
    if unit_type in rates:
        return rates[unit_type]
    return rates.get(None)


def appraisal_view(appraisal: Appraisal, today: date) -> dict[str, Any]:
    return {"id": appraisal.id, "appraiser": appraisal.appraiser, "report_no": appraisal.report_no,
            "appraised_on": appraisal.appraised_on,
            "market_rent_per_m2": appraisal.market_rent_per_m2,
            "per_unit_type": {k: Decimal(v) for k, v in appraisal.per_unit_type.items()},
            "valid_until": appraisal_valid_until(appraisal.appraised_on, today),
            "lapsed": reappraisal_due(appraisal.appraised_on, today)}


def standard_view(standard: RentStandard) -> dict[str, Any]:
    facts = _facts(standard.appraisal)
    caps = [{"unit_type": r["unit_type"], "rate_per_m2": rent_cap_rate(
        facts.per_unit_type.get(r["unit_type"], facts.market_rent_per_m2)
        if r["unit_type"] else facts.market_rent_per_m2, standard.proposed_on)}
        for r in standard.rates]
    return {"id": standard.id, "project_id": standard.project_id,
            "appraisal_id": standard.appraisal_id, "rates": standard.rates,
            "status": standard.status, "status_label": STANDARD_LABELS[standard.status],
            "proposed_on": standard.proposed_on, "filing_no": standard.filing_no,
            "filed_on": standard.filed_on, "caps": caps}


def rents_view(session: Session, project: Project) -> dict[str, Any]:
    today = clock.today()
    appraisals = list(session.scalars(select(Appraisal).where(Appraisal.project_id == project.id)
                                      .order_by(Appraisal.appraised_on, Appraisal.id)))
    standards = list(session.scalars(select(RentStandard).where(RentStandard.project_id == project.id)
                                     .options(joinedload(RentStandard.appraisal))
                                     .order_by(RentStandard.id)))
    current = next((s for s in standards if s.status == "filed"), None)
    return {"appraisals": [appraisal_view(a, today) for a in appraisals],
            "standards": [standard_view(s) for s in standards],
            "in_force": standard_view(current) if current else None,
            "reappraisal_due": (not appraisals
                                or reappraisal_due(appraisals[-1].appraised_on, today))}


def public_rents(session: Session, *, cursor: int | None = None,
                 limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """The filed rents in force, for the public list (第三十七条: 向社会公布): one entry per
    rate, project by project in the order of district and name (keyset by district, name and
    project id; a page holds ``limit`` projects). Three statements a page: the projects, their
    standards in force, their latest appraisal dates."""
    today = clock.today()
    filed = exists(select(RentStandard.id).where(RentStandard.project_id == Project.id,
                                                 RentStandard.status == "filed"))
    stmt = (select(Project).where(filed, Project.status.in_([s.value for s in IN_OPERATION]))
            .options(joinedload(Project.organization)))
    found = keyset_by(session, stmt, [Project.district, Project.name], Project.id, cursor=cursor,
                      limit=limit)
    ids = [p.id for p in found.items]
    if not ids:
        return Page([], found.next_cursor)
    standards = {s.project_id: s for s in session.scalars(
        select(RentStandard).where(RentStandard.project_id.in_(ids), RentStandard.status == "filed")
        .options(joinedload(RentStandard.appraisal)).order_by(RentStandard.id))}
    latest = dict(session.execute(
        select(Appraisal.project_id, func.max(Appraisal.appraised_on))
        .where(Appraisal.project_id.in_(ids)).group_by(Appraisal.project_id)).all())
    result = []
    for project in found.items:
        standard = standards[project.id]
        for rate in standard.rates:
            result.append({
                "project_id": project.id, "project_name": project.name,
                "district": project.district, "address": project.address,
                "operator": project.organization.name, "unit_type": rate["unit_type"],
                "rate_per_m2": Decimal(rate["rate_per_m2"]), "filing_no": standard.filing_no,
                "filed_on": standard.filed_on, "appraised_on": standard.appraisal.appraised_on,
                "reappraisal_due": reappraisal_due(latest[project.id], today)})
    return Page(result, found.next_cursor)
