"""Hypothesis: any sequence of entries, valid or not, keeps every balance ≥ 0 and the sums
consistent (第十一、十二、十三、四十四条) — against the pure rule and against the service and database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.errors import ProblemError
from app.operation.models import Subsidy
from app.planning import ledger, repository
from app.planning.models import FundEntry
from app.planning.schemas import EntryIn, FundIn, ReverseIn
from rules.art11_13_funds import EntryKind, FundTotals, ProjectTotals, apply, check_entry

KINDS = [k for k in EntryKind if k != EntryKind.receipt]
ON = date(2025, 6, 3)


def sound(fund: FundTotals, projects: dict[int, ProjectTotals]) -> None:
    assert fund.received >= 0 and 0 <= fund.allocated <= fund.received
    assert fund.balance >= 0 and fund.unallocated >= 0
    for p in projects.values():
        assert 0 <= p.paid - p.refunded <= p.allocated
        assert 0 <= p.refunded <= p.refund_due <= p.paid
    for name in ("allocated", "paid", "refund_due", "refunded"):
        assert getattr(fund, name) == sum(getattr(p, name) for p in projects.values())


entry = st.tuples(st.sampled_from(list(EntryKind)), st.integers(-5_000, 20_000), st.integers(0, 2),
                  st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(entry, max_size=40))
def test_the_rule_never_lets_a_balance_go_negative(entries) -> None:
    fund, projects = FundTotals(), {}
    for kind, amount, project, reversal in entries:
        p = None if kind == EntryKind.receipt else projects.get(project, ProjectTotals())
        if check_entry(kind, amount, fund, p, reversal=reversal).ok:
            fund, after = apply(kind, amount, fund, p)
            if after is not None:
                projects[project] = after
        sound(fund, projects)


op = st.one_of(
    st.tuples(st.just("entry"), st.sampled_from(KINDS), st.integers(1, 4_000), st.integers(0, 1)),
    st.tuples(st.just("receive"), st.integers(1, 5_000), st.just(0), st.just(0)),
    st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0), st.just(0)),
    st.tuples(st.just("pay"), st.integers(1, 30), st.integers(0, 1), st.just(0)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=15))
def test_any_sequence_through_the_service_keeps_the_ledger_sound(city, session, ops) -> None:
    office = session.get(User, city.cast.office.id)
    project_id = city.project_id
    outer = session.begin_nested()
    try:
        funds = [ledger.receive(session, office, FundIn(
            source="central_subsidy", document_no=f"财建-{n}", title="中央补助资金", amount_fen=10_000,
            received_on=date(2025, 5, 10), year=2025)).id for n in range(2)]
        made: list[int] = []
        for action, a, b, c in ops:
            before = session.scalar(select(func.count()).select_from(FundEntry))
            step = session.begin_nested()
            try:
                if action == "entry":  # a payment without its subsidy is refused: also a case
                    made.append(ledger.post(session, office, funds[c % len(funds)], EntryIn(
                        kind=a, amount_fen=b, project_id=project_id,
                        reason="exit" if a == "refund_due" else None, on=ON)).id)
                elif action == "receive":
                    funds.append(ledger.receive(session, office, FundIn(
                        source="special_bond", document_no=f"债-{len(funds)}", title="专项债", amount_fen=a,
                        received_on=date(2025, 5, 10), year=2025)).id)
                elif action == "reverse" and made:
                    ledger.reverse(session, office, made[a % len(made)], ReverseIn(on=ON, note="更正"))
                elif action == "pay":
                    granted = Subsidy(project_id=project_id, amount_yuan=Decimal(a), source="中央补助资金",
                                      document_no="核定", granted_on=ON, granted_by_id=office.id)
                    session.add(granted)
                    session.flush()
                    made.append(ledger.post(session, office, funds[b % len(funds)], EntryIn(
                        kind="payment", subsidy_id=granted.id, on=ON)).id)
                step.commit()
            except ProblemError:
                step.rollback()
                assert session.scalar(select(func.count()).select_from(FundEntry)) == before
            for fund_id in funds:
                sound(repository.fund_totals(session, fund_id), repository.totals_by_project(session,
                                                                                             fund_id))
    finally:
        outer.rollback()

