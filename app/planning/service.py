"""Plans, the state changes (第六条): 住建 drafts a development plan or an annual construction plan,
edits its lines, publishes it; adjusting a published plan starts version n+1 (the lines copied), and
publishing that version marks the one it replaces 已调整 — the original is kept, never edited.

Who may take each step: :data:`app.planning.workflows.PLAN`. Each change writes its audit event in
the same transaction. The fund ledger is :mod:`app.planning.ledger`; the reports are
:mod:`app.planning.reports`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import record
from app.core import clock
from app.core.errors import Forbidden, InvalidInput
from app.planning import repository
from app.planning.enums import PlanStatus
from app.planning.models import Plan, PlanLine, PlanLineProject
from app.planning.schemas import AdjustIn, PlanIn, PlanLineIn
from app.planning.workflows import PLAN, housing_bureau
from rules.decision import Finding


def _check_years(data: PlanIn) -> None:
    if data.end_year < data.start_year:
        raise InvalidInput("结束年度不能早于开始年度", field="end_year")
    if data.kind == "annual" and data.end_year != data.start_year:
        raise InvalidInput("年度建设计划的开始年度与结束年度须相同", field="end_year")


def _write_lines(session: Session, plan: Plan, lines: list[PlanLineIn]) -> None:
    wanted = {i for line in lines for i in line.project_ids}
    known = repository.existing_project_ids(session, wanted)
    if wanted - known:
        missing = "、".join(str(i) for i in sorted(wanted - known))
        raise InvalidInput(f"项目 {missing} 不存在或尚未提交，不能计入计划",
                           field="project_ids")
    for n, line in enumerate(lines):
        if line.year is not None and not plan.start_year <= line.year <= plan.end_year:
            raise InvalidInput(f"第 {n + 1} 行的年度 {line.year} 不在计划期 "
                               f"{plan.start_year}–{plan.end_year} 内",
                               field="year")
        row = PlanLine(plan_id=plan.id, position=n, district=line.district,
                       construction_method=line.construction_method, sourcing_channel=line.sourcing_channel,
                       year=line.year, target_units=line.target_units, target_area_m2=line.target_area_m2,
                       note=line.note)
        session.add(row)
        session.flush()
        session.add_all(PlanLineProject(line_id=row.id,
                                        project_id=p) for p in dict.fromkeys(line.project_ids))


def _summary(lines: list[PlanLineIn]) -> dict[str, Any]:
    return {"lines": len(lines), "target_units": sum(line.target_units for line in lines),
            "target_area_m2": str(sum((line.target_area_m2 for line in lines), start=0))}


def create_plan(session: Session, user: User, data: PlanIn) -> Plan:
    """第六条: 住建 compiles the plan; it starts as a draft (version 1)."""
    if not housing_bureau(user):
        raise Forbidden("只有市住建局可以编制保障性租赁住房发展规划和年度建设计划（第六条）",
                        violations=[Finding("第六条", "plan_by_housing_bureau",
                                            "发展规划和年度建设计划由市住建部门编制")])
    _check_years(data)
    plan = Plan(kind=data.kind, title=data.title, start_year=data.start_year, end_year=data.end_year,
                document_no=data.document_no, notes=data.notes, created_by_id=user.id, version=1,
                status=PlanStatus.draft.value)
    session.add(plan)
    session.flush()
    plan.series_id = plan.id
    _write_lines(session, plan, data.lines)
    session.flush()
    record(session, actor=user, action="plan.create", entity_type="plan", entity_id=plan.id,
           summary={"kind": data.kind, "title": data.title, "years": [data.start_year, data.end_year],
                    **_summary(data.lines)})
    return plan


def replace_lines(session: Session, user: User, plan_id: int, lines: list[PlanLineIn]) -> Plan:
    """A draft's lines, replaced as a whole (a published version is never edited)."""
    plan = repository.plan(session, plan_id, lock=True)
    PLAN.check("edit_lines", user, plan)
    old = repository.lines(session, [plan.id])
    old_links = repository.line_projects(session, [line.id for line in old])
    replaced = clock.now()
    for line in old:  # kept, marked replaced (nothing is deleted); the audit event has their content
        line.replaced_at = replaced
    session.flush()
    _write_lines(session, plan, lines)
    session.flush()
    record(session, actor=user, action="plan.edit_lines", entity_type="plan", entity_id=plan.id,
           summary={"before": [{"district": line.district, "target_units": line.target_units,
                                "target_area_m2": str(line.target_area_m2),
                                "projects": old_links.get(line.id, [])} for line in old],
                    **_summary(lines)})
    return plan


def publish(session: Session, user: User, plan_id: int) -> Plan:
    plan = repository.plan(session, plan_id, lock=True)
    PLAN.check("publish", user, plan)
    if not repository.lines(session, [plan.id]):
        raise InvalidInput("计划尚无任何目标，不能发布", field="lines")
    today = clock.today()
    replaced = [p for p in repository.published_of_series(session, plan.series_id or plan.id, lock=True)
                if p.id != plan.id]
    for old in replaced:
        old.status, old.adjusted_on = PlanStatus.adjusted.value, today
    plan.status, plan.published_on = PlanStatus.published.value, today
    session.flush()
    record(session, actor=user, action="plan.publish", entity_type="plan", entity_id=plan.id,
           summary={"version": plan.version, "replaces": [p.id for p in replaced]})
    return plan


def adjust(session: Session, user: User, plan_id: int, data: AdjustIn) -> Plan:
    """A new draft version of a published plan, its lines copied; the published one stays in force
    until the new version is published."""
    plan = repository.plan(session, plan_id, lock=True)
    PLAN.check("adjust", user, plan)
    series = plan.series_id or plan.id
    if repository.draft_of_series(session, series) is not None:
        raise InvalidInput("该计划已有待发布的调整版本，请先发布或修改该版本", field="plan_id")
    new = Plan(series_id=series, version=repository.latest_version(session, series) + 1, previous_id=plan.id,
               kind=plan.kind, title=plan.title, start_year=plan.start_year, end_year=plan.end_year,
               document_no=plan.document_no, notes=plan.notes, adjustment_reason=data.reason,
               status=PlanStatus.draft.value, created_by_id=user.id)
    session.add(new)
    session.flush()
    old_lines = repository.lines(session, [plan.id])
    links = repository.line_projects(session, [line.id for line in old_lines])
    for line in old_lines:
        copy = PlanLine(plan_id=new.id, position=line.position, district=line.district,
                        construction_method=line.construction_method, sourcing_channel=line.sourcing_channel,
                        year=line.year, target_units=line.target_units, target_area_m2=line.target_area_m2,
                        note=line.note)
        session.add(copy)
        session.flush()
        session.add_all(PlanLineProject(line_id=copy.id, project_id=p) for p in links.get(line.id, []))
    session.flush()
    record(session, actor=user, action="plan.adjust", entity_type="plan", entity_id=new.id,
           summary={"from_plan": plan.id, "version": new.version, "reason": data.reason})
    return new
