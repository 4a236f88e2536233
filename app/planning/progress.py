"""Progress of a plan's lines from the platform's own records (第六条), never typed twice.

For each line, over the projects it counts: units and building area 认定 (certificate issued), 开工
(the construction-start date the developer recorded), 竣工 (completion acceptance), 房源发布 (units
published after 住建's verification) and 出租 (units under leases in force, as ``app.leases`` counts
them), each as a share of the target; ``rules.art06_plans`` flags late and lagging lines.
A few statements per plan, or per page of plans (:func:`plans_progress`), whatever their size.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.planning import repository
from app.planning.models import Plan, PlanLine
from rules.art06_plans import line_progress, share
from rules.project_facts import ConstructionMethod, SourcingChannel

STAGES = (("certified", "认定"), ("started", "开工"), ("completed", "竣工"), ("published", "房源发布"),
          ("let", "出租"))


def _stage(units: int, area: Decimal, target_units: int, target_area: Decimal) -> dict[str, Any]:
    return {"units": units, "area_m2": Decimal(area).quantize(Decimal("0.01")),
            "units_share": share(units, target_units), "area_share": share(area, target_area)}


def line_figures(line: PlanLine, projects: list[int],
                 facts: dict[int, dict[str, Any]]) -> dict[str, Decimal | int]:
    sums: dict[str, Decimal | int] = {f"{s}_{k}": 0 for s, _ in STAGES for k in ("units", "area")}
    for project_id in projects:
        f = facts.get(project_id)
        if f is None:
            continue
        for stage in ("certified", "started", "completed"):
            if f[stage]:
                sums[f"{stage}_units"] += f["units"]
                sums[f"{stage}_area"] += f["area"]
        sums["published_units"] += f["published_units"]
        sums["published_area"] += f["published_area"]
        sums["let_units"] += f["let_units"]
        sums["let_area"] += f["let_area"]
    return sums


def plan_progress(session: Session, plan: Plan, as_of: date) -> dict[str, Any]:
    return plans_progress(session, [plan], as_of)[0]


def plans_progress(session: Session, plans: list[Plan], as_of: date) -> list[dict[str, Any]]:
    """:func:`plan_progress` of a page of plans, in the statements of one plan."""
    lines = repository.lines(session, [plan.id for plan in plans])
    links = repository.line_projects(session, [line.id for line in lines])
    facts = repository.project_facts(session, [p for ps in links.values() for p in ps], as_of)
    return [_progress(plan, [line for line in lines if line.plan_id == plan.id], links, facts, as_of)
            for plan in plans]


def _progress(plan: Plan, lines: list[PlanLine], links: dict[int, list[int]],
              facts: dict[int, dict[str, Any]], as_of: date) -> dict[str, Any]:
    rows, totals = [], {"target_units": 0, "target_area_m2": Decimal(0)} | {
        f"{s}_{k}": 0 for s, _ in STAGES for k in ("units", "area")}
    for line in lines:
        sums = line_figures(line, links[line.id], facts)
        year_from = date(line.year or plan.start_year, 1, 1)
        due_on = date(line.year or plan.end_year, 12, 31)
        state, decision = line_progress(line.target_units, int(sums["certified_units"]), year_from, due_on,
                                        as_of)
        rows.append({
            "line_id": line.id, "district": line.district,
            "construction_method_label": ConstructionMethod(line.construction_method).label
            if line.construction_method else None,
            "sourcing_channel_label": SourcingChannel(line.sourcing_channel).label
            if line.sourcing_channel else None,
            "target_units": line.target_units, "target_area_m2": line.target_area_m2,
            "project_ids": links[line.id],
            **{s: _stage(int(sums[f"{s}_units"]), Decimal(sums[f"{s}_area"]), line.target_units,
                         line.target_area_m2) for s, _ in STAGES},
            "late": state.late, "behind": state.behind,
            "findings": [f.as_dict() for f in decision.findings]})
        totals["target_units"] += line.target_units
        totals["target_area_m2"] += line.target_area_m2
        for key, value in sums.items():
            totals[key] += value
    return {"plan_id": plan.id, "title": plan.title, "as_of": as_of, "lines": rows,
            "totals": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in totals.items()}}


def by_district(progress: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Lines of one or more plans summed per district (targets and every stage, units and area)."""
    found: dict[str, dict[str, Any]] = {}
    for row in progress:
        d = found.setdefault(row["district"], {"target_units": 0, "target_area_m2": Decimal(0)} | {
            f"{s}_{k}": (0 if k == "units" else Decimal(0)) for s, _ in STAGES for k in ("units", "area")})
        d["target_units"] += row["target_units"]
        d["target_area_m2"] += row["target_area_m2"]
        for s, _ in STAGES:
            d[f"{s}_units"] += row[s]["units"]
            d[f"{s}_area"] += row[s]["area_m2"]
    return found


def year_at_a_glance(session: Session, year: int, as_of: date) -> dict[str, Any]:
    """The dashboard's figures (issue 20): the published annual plans of ``year`` against the
    platform's records, per district and in total, and every fund's balance."""
    from app.planning.reports import DISTRICT_ORDER  # (reports imports this module)

    plans = repository.published_annual_plans(session, year)
    rows = [row for plan in plans for row in plan_progress(session, plan, as_of)["lines"]]
    districts = by_district(rows)
    ordered = [d for d in DISTRICT_ORDER if d in districts] + sorted(set(districts) - set(DISTRICT_ORDER))
    keys = ("target_units", "certified_units", "started_units", "completed_units", "published_units",
            "let_units")
    table = [{"district": d} | {k: districts[d][k] for k in keys} for d in ordered]
    total = {k: sum(r[k] for r in table) for k in keys}
    totals = repository.totals_by_fund(session)
    funds = [{"id": f.id, "title": f.title, "received_fen": totals[f.id].received if f.id in totals else 0,
              "paid_fen": totals[f.id].paid if f.id in totals else 0,
              "refunded_fen": totals[f.id].refunded if f.id in totals else 0,
              "balance_fen": totals[f.id].balance if f.id in totals else 0}
             for f in repository.all_funds(session)]
    return {"year": year, "plans": [p.title for p in plans], "districts": table, "total": total,
            "late_lines": sum(1 for r in rows if r["late"] or r["behind"]), "funds": funds,
            "balance_fen": sum(f["balance_fen"] for f in funds)}
