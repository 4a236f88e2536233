"""The transition tables of the tenants domain (app.tenants.workflows) against the services that
use them: for every step of an application and of a lottery, a role outside its ``roles`` is
refused 403 by the service, a state outside its ``sources`` 409, and the ``allowed_actions``
the API returns on an application are what the table says for that viewer now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import Conflict, Forbidden
from app.leases import flows
from app.leases import service as leases
from app.leases.schemas import LeaseIn
from app.tenants import applications, lottery
from app.tenants.enums import ApplicationStatus, LotteryStatus
from app.tenants.models import Lottery, TenantApplication
from app.tenants.schemas import ApplicationIn, ApplicationReview, DeclarationIn
from app.tenants.workflows import LOTTERY, TENANT_APPLICATION
from tests.tenants.conftest import AREA, FILED_RATE, City, Person, apply, approve

APPLY = "/api/v1/tenant-applications"
# Every role but the department's (which sees no application) and the leader's (the same).
ROLES = (Role.tenant, Role.office, Role.developer, Role.employer, Role.auditor, Role.admin)
DECLARATION = DeclarationIn(owns_home_in_central_area=False)


@dataclass
class World:
    city: City
    session: Session
    person: Person
    application: TenantApplication
    users: dict[str, User]
    headers: dict[str, dict[str, str]]


@pytest.fixture
def world(city, tenant, make_user, login, session) -> World:
    person = tenant(name="李小青")
    application = apply(city, person)["id"]
    users = {"tenant": session.get(User, person.user_id), "office": city.cast.office,
             "developer": city.cast.developer, "employer": make_user("employer"),
             "auditor": make_user("auditor"), "admin": make_user("admin")}
    return World(city, session, person, session.get(TenantApplication, application), users,
                 {role: login(user) for role, user in users.items()})


def _sign(w: World, user: User) -> Any:
    return leases.create(w.session, user, LeaseIn(
        unit_id=w.city.unit_ids[0], application_id=w.application.id, start_on=date(2025, 7, 1),
        end_on=date(2026, 6, 30), monthly_rent=Decimal(AREA) * Decimal(FILED_RATE)))


# How each step of the table is taken, through its service.
TAKE: dict[str, Callable[[World, User], Any]] = {
    "apply": lambda w, u: flows.apply(w.session, u, ApplicationIn(
        project_id=w.city.project_id, declaration=DECLARATION, applicant_id_number=w.person.id_number)),
    "withdraw": lambda w, u: applications.withdraw(w.session, u, w.application.id),
    "approve": lambda w, u: applications.review(w.session, u, w.application.id,
                                                ApplicationReview(approve=True)),
    "refuse": lambda w, u: applications.review(w.session, u, w.application.id,
                                               ApplicationReview(approve=False, reason="材料不全")),
    "sign_lease": _sign,
}


def test_every_step_of_the_table_is_taken_by_a_service() -> None:
    assert set(TAKE) == {s.action for s in TENANT_APPLICATION.steps}


def _sees(action: str, role: str) -> bool:
    """Whether a user of ``role`` sees what the step acts on (else 404 before any table): an
    employer sees no application, a tenant no project to sign a lease in."""
    return not ((role == Role.employer and action != "apply")
                or (role == Role.tenant and action == "sign_lease"))


def _outsiders() -> list[tuple[str, str]]:
    return [(s.action, role) for s in TENANT_APPLICATION.steps for role in ROLES
            if role not in s.roles and _sees(s.action, role)]


@pytest.mark.parametrize(("action", "role"), _outsiders(), ids=[f"{a}-{r}" for a, r in _outsiders()])
def test_a_role_outside_the_step_is_refused_403(world: World, action: str, role: str) -> None:
    with pytest.raises(Forbidden) as refused:
        TAKE[action](world, world.users[role])
    assert refused.value.status == 403


# A state outside each step's sources, and who may take the step.
OUTSIDE = {"withdraw": (ApplicationStatus.refused, "tenant"),
           "approve": (ApplicationStatus.approved, "office"),
           "refuse": (ApplicationStatus.withdrawn, "office"),
           "sign_lease": (ApplicationStatus.submitted, "developer")}


def test_the_states_cover_every_step_with_sources() -> None:
    assert set(OUTSIDE) | {"apply"} == {s.action for s in TENANT_APPLICATION.steps}
    assert all(state not in (TENANT_APPLICATION.step(a).sources or ()) and
               role in TENANT_APPLICATION.step(a).roles for a, (state, role) in OUTSIDE.items())


@pytest.mark.parametrize("action", sorted(OUTSIDE))
def test_a_state_outside_the_sources_is_refused_409(world: World, action: str) -> None:
    state, role = OUTSIDE[action]
    world.application.status = state
    world.session.flush()
    with pytest.raises(Conflict) as refused:
        TAKE[action](world, world.users[role])
    assert refused.value.status == 409
    assert f"申请当前状态为“{state.label}”" in refused.value.detail


def test_apply_starts_from_no_application(world: World) -> None:
    assert TENANT_APPLICATION.allowed(world.users["tenant"], None) == ["apply"]
    assert TENANT_APPLICATION.allowed(world.users["office"], None) == ["apply"]
    assert TENANT_APPLICATION.allowed(world.users["developer"], None) == []
    with pytest.raises(Conflict):
        TENANT_APPLICATION.check("apply", world.users["tenant"], world.application)


def _allowed(w: World, role: str) -> list[str]:
    """``allowed_actions`` as the API returns it on the application, one and in the list."""
    one = w.city.client.get(f"{APPLY}/{w.application.id}", headers=w.headers[role])
    assert one.status_code == 200, one.text
    allowed = one.json()["allowed_actions"]
    listed = w.city.client.get(APPLY, headers=w.headers[role]).json()
    assert next(a for a in listed if a["id"] == w.application.id)["allowed_actions"] == allowed
    w.session.expire_all()
    assert allowed == TENANT_APPLICATION.allowed(w.users[role], w.application)
    return allowed


def test_allowed_actions_are_the_table_for_each_viewer(world: World) -> None:
    viewers = ("tenant", "office", "developer", "auditor", "admin")
    assert {role: _allowed(world, role) for role in viewers} == {
        "tenant": ["withdraw"], "office": ["approve", "refuse"], "developer": [], "auditor": [],
        "admin": []}
    approve(world.city, world.application.id)
    assert {role: _allowed(world, role) for role in viewers} == {
        "tenant": ["withdraw"], "office": [], "developer": ["sign_lease"], "auditor": [], "admin": []}
    _sign(world, world.users["developer"])
    assert {role: _allowed(world, role) for role in viewers} == {role: [] for role in viewers}


# ---- lotteries ---------------------------------------------------------------------------------

def test_the_lottery_table(world: World, tenant) -> None:
    for n in range(4):  # five approved applicants for three units: a draw is needed
        approve(world.city, apply(world.city, tenant(name=f"甲{n}"))["id"])
    approve(world.city, world.application.id)
    committed = lottery.commit(world.session, world.users["office"], world.city.project_id)
    assert LOTTERY.allowed(world.users["office"], committed) == ["draw"]
    assert LOTTERY.allowed(world.users["developer"], committed) == []
    with pytest.raises(Forbidden):  # the operator sees its project's draw, and may not draw it
        lottery.draw(world.session, world.users["developer"], committed.id)
    drawn = lottery.draw(world.session, world.users["office"], committed.id)
    assert drawn.status == LotteryStatus.drawn and LOTTERY.allowed(world.users["office"], drawn) == []
    with pytest.raises(Conflict) as again:
        lottery.draw(world.session, world.users["office"], committed.id)
    assert again.value.status == 409 and "摇号当前状态为“已开奖”" in again.value.detail
    assert world.session.get(Lottery, committed.id).status == LotteryStatus.drawn  # type: ignore[union-attr]
