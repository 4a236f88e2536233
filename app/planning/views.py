"""Presenters of the planning domain: plans with their lines and allowed actions, funds with their
totals, ledger entries, reconciliation, reports. Each batch is a bounded number of statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.planning import repository
from app.planning.enums import PeriodKind, PlanKind, PlanStatus, RefundReason
from app.planning.models import Fund, FundEntry, Plan, StatisticsReport
from app.planning.workflows import PLAN
from rules.art11_13_funds import SOURCE_LABELS, EntryKind, FundSource, FundTotals
from rules.project_facts import ConstructionMethod, SourcingChannel


def plans_view(session: Session, user: User | None, plans: list[Plan]) -> list[dict[str, Any]]:
    lines = repository.lines(session, [p.id for p in plans])
    links = repository.line_projects(session, [line.id for line in lines])
    by_plan: dict[int, list[dict[str, Any]]] = {p.id: [] for p in plans}
    for line in lines:
        by_plan[line.plan_id].append({
            "id": line.id, "district": line.district, "construction_method": line.construction_method,
            "construction_method_label": ConstructionMethod(line.construction_method).label
            if line.construction_method else None,
            "sourcing_channel": line.sourcing_channel,
            "sourcing_channel_label": SourcingChannel(line.sourcing_channel).label
            if line.sourcing_channel else None,
            "year": line.year, "target_units": line.target_units, "target_area_m2": line.target_area_m2,
            "project_ids": links[line.id], "note": line.note})
    return [{c.key: getattr(p, c.key) for c in Plan.__table__.columns}
            | {"kind_label": PlanKind.label_of(p.kind), "status_label": PlanStatus.label_of(p.status),
               "lines": by_plan[p.id], "allowed_actions": PLAN.allowed(user, p) if user else []}
            for p in plans]


def plan_view(session: Session, user: User | None, plan: Plan) -> dict[str, Any]:
    return plans_view(session, user, [plan])[0]


def fund_view(fund: Fund, totals: FundTotals | None) -> dict[str, Any]:
    t = totals or FundTotals()
    return {c.key: getattr(fund, c.key) for c in Fund.__table__.columns} | {
        "source_label": SOURCE_LABELS[FundSource(fund.source)],
        "received_fen": t.received, "allocated_fen": t.allocated, "paid_fen": t.paid,
        "refund_due_fen": t.refund_due, "refunded_fen": t.refunded, "balance_fen": t.balance,
        "unallocated_fen": t.unallocated}


def funds_view(session: Session, funds: list[Fund]) -> list[dict[str, Any]]:
    totals = repository.totals_by_fund(session) if funds else {}
    return [fund_view(f, totals.get(f.id)) for f in funds]


def entries_view(session: Session, entries: list[FundEntry]) -> list[dict[str, Any]]:
    undone = repository.reversed_ids(session, [e.id for e in entries])
    return [{c.key: getattr(e, c.key) for c in FundEntry.__table__.columns}
            | {"kind_label": EntryKind(e.kind).label + ("（冲正）" if e.reverses_id else ""),
               "reason_label": RefundReason.label_of(e.reason) if e.reason else None,
               "reversed": e.id in undone} for e in entries]


def reconciliation(session: Session, fund: Fund) -> dict[str, Any]:
    totals = repository.fund_totals(session, fund.id)
    per_project = repository.totals_by_project(session, fund.id)
    projects = repository.projects_named(session, per_project)
    rows = [{"project_id": pid, "project_name": projects[pid].name, "district": projects[pid].district,
             "allocated_fen": t.allocated, "paid_fen": t.paid, "refund_due_fen": t.refund_due,
             "refunded_fen": t.refunded} for pid, t in sorted(per_project.items())]
    consistent = (sum(r["allocated_fen"] for r in rows) == totals.allocated
                  and sum(r["paid_fen"] for r in rows) == totals.paid
                  and sum(r["refunded_fen"] for r in rows) == totals.refunded
                  and totals.balance >= 0 and totals.unallocated >= 0)
    return {"fund": fund_view(fund, totals), "projects": rows, "consistent": consistent}


def report_view(r: StatisticsReport) -> dict[str, Any]:
    if r.period_kind == PeriodKind.month:
        label = f"{r.period_start.year} 年 {r.period_start.month} 月"
    else:
        label = f"{r.period_start.year} 年第 {(r.period_start.month - 1) // 3 + 1} 季度"
    return {c.key: getattr(r, c.key) for c in StatisticsReport.__table__.columns} | {
        "period_label": f"{label}（{PeriodKind.label_of(r.period_kind)}）",
        "xlsx_url": f"/api/v1/statistics-reports/{r.id}.xlsx",
        "pdf_url": f"/api/v1/statistics-reports/{r.id}.pdf"}


def yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"
