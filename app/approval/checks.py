"""Running the approval rules over an application (GET /projects/{id}/checks)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy.orm import Session

from app.approval import repository
from app.approval.facts import unit_type_facts
from app.approval.models import Project
from rules import art04_location, art07_unit_size, art09_park_land, art27_conversion
from rules.annex5_materials import materials_checklist
from rules.art14_16_benefits import benefits, rent_requirement
from rules.decision import Decision
from rules.project_facts import ProjectFacts, UnitTypeFacts


def application_decision(facts: ProjectFacts, on: date) -> Decision:
    """The rules an application must pass to be filed at all (第四、七、九、二十七条)."""
    return (art04_location.check_location(facts.district, on)
            + art07_unit_size.check_unit_sizes(facts.unit_types, on)
            + art09_park_land.check_park_supporting_land(facts, on)
            + art27_conversion.check_conversion(facts, on))


def certified_unit_types(session: Session, *, exclude_project: int | None = None
                         ) -> tuple[UnitTypeFacts, ...]:
    """Unit types of every project holding a valid certificate (the city-wide stock)."""
    return tuple(u for stored in repository.certified_unit_types(session, exclude_project=exclude_project)
                 for u in unit_type_facts(stored))


def city_share_decision(session: Session, facts: ProjectFacts, project_id: int, on: date) -> Decision:
    """第七条: 70–90 m² units stay within 15% of the city-wide total, counting this project."""
    city = certified_unit_types(session, exclude_project=project_id)
    return art07_unit_size.check_city_large_unit_share(
        art07_unit_size.total_unit_area(city), art07_unit_size.large_unit_area(city, on),
        art07_unit_size.total_unit_area(facts.unit_types),
        art07_unit_size.large_unit_area(facts.unit_types, on), on)


def project_checks(session: Session, project: Project, facts: ProjectFacts, on: date) -> dict[str, object]:
    decision = application_decision(facts, on)
    share = city_share_decision(session, facts, project.id, on)
    return {
        "ok": decision.ok and share.ok,
        "findings": [f.as_dict() for f in decision.findings],
        "city_large_unit_share": share.findings[0].as_dict() if share.findings else None,
        "materials": [asdict(item) for item in materials_checklist(facts, on)],
        "benefits": [asdict(b) for b in benefits(facts, on)],
        "rent_requirement": rent_requirement(on),
    }
