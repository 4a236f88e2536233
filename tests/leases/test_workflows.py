"""The lease's transition tables (app.leases.workflows) against the services that use them:
for every step, a role outside its ``roles`` is refused 403 by the service, a state outside its
``sources`` 409, and the ``allowed_actions`` the API returns on a lease are what the table
says for that viewer now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import Conflict, Forbidden, ProblemError
from app.leases import repository, service
from app.leases.enums import LeaseStatus, OccupantStatus, ViolationStatus
from app.leases.models import Lease, LeaseOccupant, Violation
from app.leases.schemas import (
    ExtensionDecisionIn,
    ExtensionRequestIn,
    HomeAcquiredIn,
    OccupantIn,
    RenewIn,
    TerminateIn,
    ViolationIn,
)
from app.leases.workflows import LEASE, OCCUPANT, VIOLATION, OccupantNow
from tests.leases.conftest import City, apply, approve, in_force, lease_body

LEASES = "/api/v1/leases"
# The roles that may read a lease (whoever else asks is answered 404 before any table).
READERS = (Role.developer, Role.tenant, Role.employer, Role.office, Role.auditor, Role.admin)
EMPLOYER_STEPS = {"add_occupant", "move_out"}


@dataclass
class World:
    """An individual lease and an employer's lease of one project, with everyone who reads them."""

    city: City
    session: Session
    individual: Lease
    whole: Lease
    users: dict[str, User]
    worker_id_number: str
    headers: dict[str, dict[str, str]]
    worker: User | None = None

    def lease_for(self, action: str) -> Lease:
        return self.whole if action in EMPLOYER_STEPS else self.individual

    def reader(self, role: str) -> User:
        return self.users[role]


@pytest.fixture
def world(city, tenant, make_org, make_user, login, session) -> World:
    person = tenant(name="李小青")
    application = apply(city, person)["id"]
    approve(city, application)
    operator = city.cast.as_("developer")
    individual = in_force(city.client, city.cast.post("developer", LEASES, lease_body(city, application),
                                                      expect=201), person.headers, operator)
    employer = make_org(name="景德镇某陶瓷企业")
    hr = make_user("employer", organization_id=employer.id)
    whole = in_force(city.client, city.cast.post("developer", LEASES, lease_body(
        city, None, unit=1, employer_organization_id=employer.id), expect=201), login(hr), operator)
    worker = tenant(name="赵工")
    users = {"developer": city.cast.developer, "office": city.cast.office, "employer": hr,
             "tenant": session.get(User, person.user_id), "auditor": make_user("auditor"),
             "admin": make_user("admin")}
    headers = {role: login(user) for role, user in users.items()}
    return World(city, session, session.get(Lease, individual["id"]), session.get(Lease, whole["id"]),
                 users, worker.id_number, headers, session.get(User, worker.user_id))


def _invitation(w: World) -> int:
    """An invitation to the worker under the employer's lease, not yet answered."""
    service.invite_occupant(w.session, w.users["employer"], w.whole.id,
                            OccupantIn(id_number=w.worker_id_number))
    return w.session.scalar(select(LeaseOccupant.id).where(
        LeaseOccupant.lease_id == w.whole.id, LeaseOccupant.status == OccupantStatus.invited)
        .order_by(LeaseOccupant.id.desc()).limit(1))  # type: ignore[return-value]


def _occupant(w: World) -> int:
    """A member of staff placed under the employer's lease (the one ``move_out`` acts on): the
    worker accepted the employer's invitation."""
    return service.accept_invitation(w.session, w.worker, _invitation(w)).id  # type: ignore[arg-type]


def _violation(w: World) -> int:
    return service.record_violation(w.session, w.users["developer"], w.individual.id, ViolationIn(
        kind="idle", description="长期闲置", rectify_days=10)).id


# How each step of the table is taken, through its service (``w``: the world, ``u``: who).
TAKE: dict[str, Callable[[World, User], Any]] = {
    "renew": lambda w, u: service.renew(w.session, u, w.individual.id, RenewIn(months=12)),
    "home_acquired": lambda w, u: service.home_acquired(
        w.session, u, w.individual.id, HomeAcquiredIn(acquired_on=date(2025, 6, 3), how="purchase")),
    "request_extension": lambda w, u: service.request_extension(
        w.session, u, w.individual.id, ExtensionRequestIn(until=date(2026, 12, 31), reason="子女上学")),
    "decide_extension": lambda w, u: service.decide_extension(
        w.session, u, w.individual.id, ExtensionDecisionIn(approve=True)),
    "add_occupant": lambda w, u: service.invite_occupant(
        w.session, u, w.whole.id, OccupantIn(id_number=w.worker_id_number)),
    "move_out": lambda w, u: service.move_out(w.session, u, w.whole.id, _occupant(w)),
    "record_violation": lambda w, u: service.record_violation(
        w.session, u, w.individual.id, ViolationIn(kind="idle", description="长期闲置", rectify_days=10)),
    "terminate": lambda w, u: service.terminate(w.session, u, w.individual.id,
                                                TerminateIn(violation_id=_violation(w))),
}


def test_every_step_of_the_table_is_taken_by_a_service() -> None:
    assert set(TAKE) == {s.action for s in LEASE.steps}


def _outsiders() -> list[tuple[str, str]]:
    return [(s.action, role) for s in LEASE.steps for role in READERS if role not in s.roles]


def _visible(action: str, role: str) -> bool:
    """Whether a user of ``role`` in the world sees the lease the step acts on."""
    employer_lease = action in EMPLOYER_STEPS
    return not ((role == Role.employer and not employer_lease) or (role == Role.tenant and employer_lease))


@pytest.mark.parametrize(("action", "role"), [c for c in _outsiders() if _visible(*c)],
                         ids=[f"{a}-{r}" for a, r in _outsiders() if _visible(a, r)])
def test_a_role_outside_the_step_is_refused_403(world: World, action: str, role: str) -> None:
    with pytest.raises(Forbidden) as refused:
        TAKE[action](world, world.reader(role))
    assert refused.value.status == 403


@pytest.mark.parametrize("action", [s.action for s in LEASE.steps if s.sources is not None])
def test_a_state_outside_the_sources_is_refused_409(world: World, action: str) -> None:
    step = LEASE.step(action)
    lease = world.lease_for(action)
    if action == "terminate":
        violation = _violation(world)
        take: Callable[[World, User], Any] = lambda w, u: service.terminate(  # noqa: E731
            w.session, u, lease.id, TerminateIn(violation_id=violation))
    else:
        take = TAKE[action]
    ended = next(s for s in LeaseStatus if s not in step.sources)  # type: ignore[operator]
    lease.status = ended
    world.session.flush()
    who = next(r for r in READERS if r in step.roles)
    with pytest.raises(Conflict) as refused:
        take(world, world.reader(who))
    assert refused.value.status == 409
    assert f"合同当前状态为“{ended.label}”" in refused.value.detail


def test_the_guards_refuse_what_the_state_alone_allows(world: World) -> None:
    """The facts beyond the state: an open violation to terminate on, a request to decide."""
    dev = world.users["developer"]
    rectified = _violation(world)
    service.rectified(world.session, dev, rectified)
    with pytest.raises(Conflict, match="没有整改中的违规记录") as refused:
        service.terminate(world.session, dev, world.individual.id, TerminateIn(violation_id=rectified))
    assert refused.value.status == 409 and "第四十条" in refused.value.detail
    TAKE["home_acquired"](world, world.users["tenant"])
    with pytest.raises(Conflict, match="没有待审核的过渡期延长申请"):
        TAKE["decide_extension"](world, dev)
    TAKE["request_extension"](world, world.users["tenant"])
    with pytest.raises(Conflict, match="已有待运营单位审核的过渡期延长申请"):
        TAKE["request_extension"](world, world.users["tenant"])
    with pytest.raises(Conflict, match="没有在住的职工"):
        LEASE.check("move_out", world.users["employer"], repository.lease_now(world.session, world.whole))


def _allowed(w: World, role: str, lease: Lease) -> list[str]:
    """``allowed_actions`` as the API returns it on one lease, checked against the page of leases."""
    one = w.city.client.get(f"{LEASES}/{lease.id}", headers=w.headers[role])
    assert one.status_code == 200, one.text
    allowed = one.json()["allowed_actions"]
    listed = w.city.client.get(LEASES, headers=w.headers[role]).json()
    assert next(x for x in listed if x["id"] == lease.id)["allowed_actions"] == allowed
    w.session.expire_all()
    assert allowed == LEASE.allowed(w.users[role], repository.lease_now(w.session, lease))
    return allowed


def test_allowed_actions_are_the_table_for_each_viewer(world: World) -> None:
    w, individual, whole = world, world.individual, world.whole
    expected = {"developer": ["renew", "record_violation"], "tenant": ["home_acquired"],
                "office": ["home_acquired", "record_violation"], "auditor": [], "admin": []}
    assert {role: _allowed(w, role, individual) for role in expected} == expected
    assert _allowed(w, "employer", whole) == ["add_occupant"]
    assert _allowed(w, "developer", whole) == ["renew", "record_violation"]

    _occupant(w)
    assert _allowed(w, "employer", whole) == ["add_occupant", "move_out"]
    _violation(w)
    assert _allowed(w, "developer", individual) == ["renew", "record_violation", "terminate"]
    assert _allowed(w, "tenant", individual) == ["home_acquired"]

    TAKE["home_acquired"](w, w.users["tenant"])
    assert _allowed(w, "tenant", individual) == ["request_extension"]
    assert _allowed(w, "developer", individual) == ["record_violation", "terminate"]
    TAKE["request_extension"](w, w.users["tenant"])
    assert _allowed(w, "tenant", individual) == []
    assert _allowed(w, "developer", individual) == ["decide_extension", "record_violation", "terminate"]


# ---- violations --------------------------------------------------------------------------------

def test_the_violation_table(world: World) -> None:
    dev, tenant = world.users["developer"], world.users["tenant"]
    violation_id = _violation(world)
    violation = world.session.get(Violation, violation_id)
    assert VIOLATION.allowed(dev, violation) == ["rectified", "terminate"]
    assert VIOLATION.allowed(tenant, violation) == []
    # a role outside: the tenant sees the record on their lease, and may not mark it rectified
    with pytest.raises(Forbidden):
        service.rectified(world.session, tenant, violation_id)
    with pytest.raises(Forbidden):
        VIOLATION.check("terminate", tenant, violation)
    service.rectified(world.session, world.users["office"], violation_id)
    assert violation.status == ViolationStatus.rectified
    assert VIOLATION.allowed(dev, violation) == []
    # a state outside: once rectified, neither step is open
    with pytest.raises(Conflict) as again:
        service.rectified(world.session, dev, violation_id)
    assert again.value.status == 409 and again.value.detail == "该违规记录已整改"
    with pytest.raises(ProblemError) as refused:
        VIOLATION.check("terminate", dev, violation)
    assert refused.value.status == 409 and "违规记录当前状态为“已整改”" in refused.value.detail


# ---- invitations and placements (整体配租, 第三十一条) --------------------------------------------

def _occupant_now(w: World, occupant_id: int) -> OccupantNow:
    w.session.expire_all()
    return OccupantNow(w.session.get(LeaseOccupant, occupant_id), w.session.get(Lease, w.whole.id))  # type: ignore[arg-type]


OCCUPANT_TAKE: dict[str, Callable[[World, User, int], Any]] = {
    "accept": lambda w, u, o: service.accept_invitation(w.session, u, o),
    "decline": lambda w, u, o: service.decline_invitation(w.session, u, o),
    "withdraw": lambda w, u, o: service.withdraw_invitation(w.session, u, w.whole.id, o),
    "move_out": lambda w, u, o: service.move_out(w.session, u, w.whole.id, o),
}


def test_every_step_of_the_occupant_table_is_taken_by_a_service() -> None:
    assert set(OCCUPANT_TAKE) == {s.action for s in OCCUPANT.steps}
    table = {s.action: (set(s.roles), set(s.sources or ()), s.target) for s in OCCUPANT.steps}
    assert table == {"accept": ({Role.tenant}, {"invited"}, "placed"),
                     "decline": ({Role.tenant}, {"invited"}, "declined"),
                     "withdraw": ({Role.employer}, {"invited"}, "withdrawn"),
                     "move_out": ({Role.employer}, {"placed"}, "moved_out")}


def test_the_occupant_table_refuses_other_roles_and_states(world: World) -> None:
    w = world
    invitation = _invitation(w)
    now = _occupant_now(w, invitation)
    assert OCCUPANT.allowed(w.worker, now) == ["accept", "decline"]
    assert OCCUPANT.allowed(w.users["employer"], now) == ["withdraw"]
    assert OCCUPANT.allowed(w.users["office"], now) == []
    # the employer may not answer for the person: the table's 403
    with pytest.raises(Forbidden):
        OCCUPANT.check("accept", w.users["employer"], now)
    # nor the person withdraw or move out: 404 first, the employer's lease is not theirs
    for action in ("withdraw", "move_out"):
        with pytest.raises(ProblemError) as refused:
            OCCUPANT_TAKE[action](w, w.worker, invitation)  # type: ignore[arg-type]
        assert refused.value.status == 404
    # an invitation not placed cannot be moved out (409, naming the state)
    with pytest.raises(Conflict, match="入住记录当前状态为“待本人确认”"):
        OCCUPANT.check("move_out", w.users["employer"], now)
    service.decline_invitation(w.session, w.worker, invitation)  # type: ignore[arg-type]
    for action, who in (("accept", w.worker), ("decline", w.worker), ("withdraw", w.users["employer"])):
        with pytest.raises(Conflict, match="“本人已谢绝”"):
            OCCUPANT_TAKE[action](w, who, invitation)  # type: ignore[arg-type]
    assert OCCUPANT.allowed(w.worker, _occupant_now(w, invitation)) == []


def test_an_invitation_under_a_lease_no_longer_running_cannot_be_accepted(world: World) -> None:
    w = world
    invitation = _invitation(w)
    w.whole.status = LeaseStatus.terminated
    w.session.flush()
    with pytest.raises(Conflict, match="不在履行中"):
        service.accept_invitation(w.session, w.worker, invitation)  # type: ignore[arg-type]
    assert OCCUPANT.allowed(w.worker, _occupant_now(w, invitation)) == ["decline"]
