"""The upkeep transition tables (app.upkeep.workflows) against the services that use them: for
every step of a repair and every state, a role outside the step's ``roles`` is refused 403, a
state outside its ``sources`` 409, and otherwise the step is taken; ``allowed_actions`` on a
repair is the table's answer for that viewer now. The charge's and the inspection's tables
likewise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.repository import load_user
from app.core import clock
from app.core.errors import Conflict, Forbidden
from app.upkeep import repository, service
from app.upkeep.enums import ChargeStatus, RepairStatus
from app.upkeep.media import Upload
from app.upkeep.models import RepairCharge, RepairRequest
from app.upkeep.schemas import (
    AssignIn,
    ChargeIn,
    CommentIn,
    CompleteIn,
    OptionalCommentIn,
    OptionalReasonIn,
    ReasonIn,
)
from app.upkeep.workflows import CHARGE, REPAIR, RepairNow
from tests.upkeep.conftest import API, Home, jpeg

STEPS: dict[str, Callable[[Session, User, int], Any]] = {
    "accept": lambda s, u, r: service.accept(s, u, r, OptionalCommentIn()),
    "assign": lambda s, u, r: service.assign(s, u, r, AssignIn(worker="王师傅")),
    "complete": lambda s, u, r: service.complete(s, u, r, CompleteIn(note="好了")),
    "confirm": lambda s, u, r: service.confirm(s, u, r, OptionalCommentIn()),
    "reopen": lambda s, u, r: service.reopen(s, u, r, ReasonIn(reason="没修好")),
    "close": lambda s, u, r: service.close(s, u, r),
    "withdraw": lambda s, u, r: service.withdraw(s, u, r, OptionalReasonIn()),
    "comment": lambda s, u, r: service.comment(s, u, r, CommentIn(comment="留言")),
    "add_photos": lambda s, u, r: service.add_photos(s, u, r, [Upload("a.jpg", jpeg(), "photos[0]")]),
    "charge": lambda s, u, r: service.propose_charge(s, u, r, ChargeIn(
        amount_yuan=Decimal("10.00"), tenant_caused=True, reason="损坏")),
}


@pytest.fixture
def people(home: Home, session: Session, make_user) -> dict[str, User]:
    """One account per role that reads repairs, loaded as a request loads its principal."""
    cast = home.city.cast
    ids = {"tenant": home.person.user_id, "developer": cast.developer.id, "office": cast.office.id,
           "zhujian": cast.zhujian.id, "auditor": make_user("auditor").id, "admin": make_user("admin").id}
    return {role: load_user(session, user_id) for role, user_id in ids.items()}  # type: ignore[misc]


def test_every_step_names_a_known_state() -> None:
    states = set(RepairStatus.labels())
    for step in REPAIR.steps:
        assert step.sources is None or set(step.sources) <= states, step.action
        assert step.target is None or step.target in states, step.action
    assert set(STEPS) == {s.action for s in REPAIR.steps}


@pytest.mark.parametrize("action", sorted(STEPS))
def test_each_step_against_every_role_and_state(home: Home, session: Session, people: dict[str, User],
                                                action: str) -> None:
    rid = home.report()["id"]
    step = REPAIR.step(action)
    for status in RepairStatus:
        for role in people:
            user = load_user(session, people[role].id)
            assert user is not None
            savepoint = session.begin_nested()
            try:
                repair = session.get(RepairRequest, rid)
                assert repair is not None
                repair.status = status.value
                # the confirmation period: open, except for ``close`` (which needs it over)
                shift = timedelta(days=-1) if action == "close" else timedelta(days=1)
                repair.confirm_by = clock.now() + shift if status == RepairStatus.completed else None
                session.flush()
                outcome = "ok"
                try:
                    STEPS[action](session, user, rid)
                except Forbidden:
                    outcome = "403"
                except Conflict:
                    outcome = "409"
                if role not in step.roles:
                    assert outcome == "403", (action, status, role, outcome)
                elif not step.open_from(status):
                    assert outcome == "409", (action, status, role, outcome)
                else:
                    assert outcome == "ok", (action, status, role, outcome)
            finally:
                savepoint.rollback()
                session.expire_all()


def test_allowed_actions_are_the_table_s_answer_for_each_viewer(home: Home, session: Session,
                                                                people: dict[str, User]) -> None:
    rid = home.report()["id"]
    for role in ("tenant", "developer", "zhujian", "office"):
        headers = home.person.headers if role == "tenant" else home.city.cast.as_(
            {"developer": "developer", "zhujian": "zhujian", "office": "office"}[role])
        shown = home.client.get(f"{API}/repairs/{rid}", headers=headers).json()["allowed_actions"]
        viewer = load_user(session, people[role].id)
        repair = repository.get_repair(session, viewer, rid)  # type: ignore[arg-type]
        assert shown == REPAIR.allowed(viewer, repository.repair_now(session, repair)), role  # type: ignore[arg-type]
    assert home.client.get(f"{API}/repairs/{rid}",
                           headers=home.city.cast.as_("zhujian")).json()["allowed_actions"] == []


def test_the_guards_say_why_in_chinese(home: Home, people: dict[str, User]) -> None:
    repair = RepairRequest(status=RepairStatus.completed, confirm_by=clock.now() - timedelta(hours=1))
    late = RepairNow(repair, at=clock.now())
    with pytest.raises(Conflict) as refused:
        REPAIR.check("confirm", people["tenant"], late)
    assert "确认期限已过" in refused.value.detail
    full = RepairNow(RepairRequest(status=RepairStatus.submitted), photos=5)
    with pytest.raises(Conflict) as refused:
        REPAIR.check("add_photos", people["tenant"], full)
    assert "最多 5 张" in refused.value.detail


def test_the_charge_table(people: dict[str, User]) -> None:
    for status in ChargeStatus:
        charge = RepairCharge(status=status.value)
        assert CHARGE.allowed(people["tenant"], charge) == (
            ["accept", "dispute"] if status == ChargeStatus.proposed else [])
        assert CHARGE.allowed(people["developer"], charge) == (
            ["withdraw"] if status in (ChargeStatus.proposed, ChargeStatus.disputed) else [])
        assert CHARGE.allowed(people["office"], charge) == []
