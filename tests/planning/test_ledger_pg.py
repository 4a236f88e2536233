"""On a real PostgreSQL server: two offices allocating from one fund at the same instant — the
fund's row lock (``SELECT … FOR UPDATE``) makes the second wait and see the first, so the fund is
never over-allocated."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.schemas import OrganizationCreate, UserCreate
from app.approval import service as approval
from app.approval.schemas import ProjectIn
from app.audit.service import SYSTEM
from app.core.errors import RuleViolation
from app.planning import ledger, repository
from app.planning.schemas import EntryIn, FundIn
from tests.approval.conftest import application
from tests.conftest import PASSWORD, fake_uscc

pytestmark = pytest.mark.postgres


def test_racing_allocations_never_overdraw_a_fund(pg_database, today) -> None:
    today(date(2025, 6, 3))
    engine = create_engine(pg_database, pool_size=4)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        org = accounts.create_organization(session, actor=SYSTEM, data=OrganizationCreate(
            name="并发测试单位", uscc=fake_uscc()))
        dev = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username="pg-dev", password=PASSWORD, role=Role.developer, organization_id=org.id))
        offices = [accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username=f"pg-office{n}", password=PASSWORD, role=Role.office)).id for n in range(2)]
        project = approval.create_project(session, dev, ProjectIn(**application()))
        fund = ledger.receive(session, accounts.load_user(session, offices[0]), FundIn(
            source="central_subsidy", document_no="并发-1", title="并发测试资金", amount_fen=1_000,
            received_on=date(2025, 5, 10), year=2025))
        project_id, fund_id = project.id, fund.id
    barrier = Barrier(2)

    def allocate(office_id: int) -> object:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                with session.begin():
                    return ledger.post(session, accounts.load_user(session, office_id), fund_id, EntryIn(
                        kind="allocation", project_id=project_id, amount_fen=600, on=date(2025, 6, 3)))
            except RuleViolation as exc:
                return exc

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(allocate, offices))
    assert sorted(type(r).__name__ for r in results) == ["FundEntry", "RuleViolation"]
    with Session(engine) as session:
        totals = repository.fund_totals(session, fund_id)
        assert (totals.received, totals.allocated, totals.unallocated) == (1_000, 600, 400)
    engine.dispose()
