"""The subsidy fund ledger (第十一、十二、十三、四十四条), kept by 市保租办.

* :func:`receive` — a fund received from 市财政局 (its source per 第十一条, document number, amount
  in fen, date, year and plan): the fund row and its receipt entry.
* :func:`post` — an entry against a fund: an allocation to a project, a payment of the project's
  one-time subsidy (第十二条: the existing subsidy of :mod:`app.operation`, paid there if not yet paid,
  only after the listing), a refund due (第十三、四十四条) or a refund received.
* :func:`reverse` — the correction of an entry: a reversing entry of the opposite amount (entries are
  never changed or deleted).

Every entry is checked by ``rules.art11_13_funds.check_entry`` against the fund's totals read *after*
the fund's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers already),
in the same transaction that writes it and its audit event: two offices posting at once against one
fund are checked one after the other, so no balance goes negative.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.operation import service as operation
from app.operation.schemas import SubsidyPayIn
from app.planning import repository
from app.planning.models import Fund, FundEntry
from app.planning.schemas import EntryIn, FundIn, ReverseIn
from rules.art11_13_funds import EntryKind, check_drawing, check_entry, check_entry_date
from rules.decision import Finding

FEN_PER_YUAN = 100


def _audit(session: Session, user: User, entry: FundEntry, action: str) -> None:
    record(session, actor=user, action=f"fund.{action}", entity_type="fund_entry", entity_id=entry.id,
           summary={"fund_id": entry.fund_id, "project_id": entry.project_id, "kind": entry.kind,
                    "amount_fen": entry.amount_fen, "on": entry.on.isoformat(),
                    "subsidy_id": entry.subsidy_id, "reverses_id": entry.reverses_id})


def receive(session: Session, user: User, data: FundIn) -> Fund:
    if data.received_on > clock.today():
        raise InvalidInput(f"到账日期 {data.received_on.isoformat()} 不能晚于今天", field="received_on")
    if repository.fund_by_document(session, data.document_no) is not None:
        raise Conflict(f"文号“{data.document_no}”的资金已登记", field="document_no")
    if data.plan_id is not None:
        plan = repository.plan(session, data.plan_id)
        if not plan.start_year <= data.year <= plan.end_year:
            raise InvalidInput(f"资金年度 {data.year} 不在所属计划期 {plan.start_year}–{plan.end_year} 内",
                               field="year")
    fund = Fund(source=data.source, document_no=data.document_no, title=data.title, year=data.year,
                plan_id=data.plan_id, received_on=data.received_on, created_by_id=user.id)
    session.add(fund)
    session.flush()
    entry = FundEntry(fund_id=fund.id, kind=EntryKind.receipt.value, amount_fen=data.amount_fen,
                      on=data.received_on, document_no=data.document_no, note=data.note,
                      created_by_id=user.id)
    session.add(entry)
    session.flush()
    record(session, actor=user, action="fund.receive", entity_type="fund", entity_id=fund.id,
           summary={"source": data.source, "document_no": data.document_no, "amount_fen": data.amount_fen,
                    "received_on": data.received_on.isoformat(), "year": data.year, "plan_id": data.plan_id})
    _audit(session, user, entry, "entry")
    return fund


def post(session: Session, user: User, fund_id: int, data: EntryIn) -> FundEntry:
    """One entry against the fund, checked under the fund's lock."""
    fund = repository.fund(session, fund_id, lock=True)
    kind = EntryKind(data.kind)
    today = clock.today()
    dated = check_entry_date(data.on, fund.received_on, today)
    if not dated.ok:
        raise RuleViolation.from_decision(dated)
    project_id, amount, subsidy_id = data.project_id, data.amount_fen, None
    if kind == EntryKind.payment:
        if data.subsidy_id is None:
            raise InvalidInput("拨付须指明所拨付的建设补助资金（第十二条）", field="subsidy_id", violations=[
                Finding("第十二条", "payment_needs_subsidy", "拨付须指明所拨付的建设补助资金",
                        field="subsidy_id")])
        subsidy = repository.subsidy(session, data.subsidy_id)
        if project_id is not None and project_id != subsidy.project_id:
            raise InvalidInput("该项补助资金不属于所指项目", field="subsidy_id")
        project_id, subsidy_id = subsidy.project_id, subsidy.id
        subsidy_fen = int(subsidy.amount_yuan * FEN_PER_YUAN)
        if amount is not None and amount != subsidy_fen:
            raise InvalidInput(f"拨付金额须为核定的补助金额 {subsidy_fen} 分（一次性拨付，第十二条）",
                               field="amount_fen", violations=[Finding(
                                   "第十二条", "payment_is_the_subsidy",
                                   f"建设补助一次性拨付，金额须为核定的 {subsidy_fen} 分",
                                   field="amount_fen")])
        amount = subsidy_fen
        project = repository.projects_named(session, [project_id])[project_id]
        drawing = check_drawing(project.listing_verified_on, data.on, repository.subsidy_drawn(session,
                                                                                               subsidy.id))
        if not drawing.ok:
            raise RuleViolation.from_decision(drawing)
    elif kind == EntryKind.receipt and project_id is not None:
        raise InvalidInput("资金到账记录不涉及项目", field="project_id")
    if amount is None:
        raise InvalidInput("请填写金额（分）", field="amount_fen")
    if kind != EntryKind.receipt:
        if project_id is None:
            raise InvalidInput("须指明项目", field="project_id")
        if not repository.projects_named(session, [project_id]):
            raise NotFound("未找到该项目", field="project_id")
    if kind in (EntryKind.refund_due,) and data.reason is None:
        raise InvalidInput("请注明应退回的理由（第十三条或第四十四条）", field="reason", violations=[
            Finding("第十三条", "refund_needs_reason", "应退回的资金须注明理由（第十三条或第四十四条）",
                    field="reason")])
    totals = repository.fund_totals(session, fund.id)
    project_totals = repository.project_totals(session, fund.id, project_id) if project_id else None
    decision = check_entry(kind, amount, totals, project_totals)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if kind == EntryKind.payment and subsidy_id is not None:
        subsidy = repository.subsidy(session, subsidy_id)
        if subsidy.paid_on is None:  # paid here, through the operation domain's own check (第十二条)
            operation.pay_subsidy(session, user, subsidy_id, SubsidyPayIn(paid_on=data.on))
    entry = FundEntry(fund_id=fund.id, project_id=project_id, kind=kind.value, amount_fen=amount, on=data.on,
                      document_no=data.document_no, note=data.note, subsidy_id=subsidy_id,
                      reason=data.reason.value if data.reason else None, created_by_id=user.id)
    session.add(entry)
    session.flush()
    _audit(session, user, entry, "entry")
    return entry


def reverse(session: Session, user: User, entry_id: int, data: ReverseIn) -> FundEntry:
    """The reversing entry of ``entry_id``: same fund, project and kind, the opposite amount —
    refused if the ledger would no longer hold (an allocation already paid, a receipt allocated)."""
    original = repository.entry(session, entry_id)
    fund = repository.fund(session, original.fund_id, lock=True)
    if original.reverses_id is not None:
        raise Conflict("冲正记录不能再冲正；如需更正，请重新登记")
    if repository.reversed_ids(session, [original.id]):
        raise Conflict("该记录已冲正")
    dated = check_entry_date(data.on, max(fund.received_on, original.on), clock.today())
    if not dated.ok:
        raise RuleViolation.from_decision(dated)
    kind = EntryKind(original.kind)
    totals = repository.fund_totals(session, fund.id)
    project_totals = (repository.project_totals(session, fund.id, original.project_id)
                      if original.project_id else None)
    decision = check_entry(kind, -original.amount_fen, totals, project_totals, reversal=True)
    if not decision.ok:
        raise RuleViolation.from_decision(decision, "冲正后台账将不平衡：" + "；".join(
            f.message for f in decision.violations))
    entry = FundEntry(fund_id=fund.id, project_id=original.project_id, kind=original.kind,
                      amount_fen=-original.amount_fen, on=data.on, document_no=original.document_no,
                      note=data.note, subsidy_id=original.subsidy_id, reason=original.reason,
                      reverses_id=original.id, created_by_id=user.id)
    session.add(entry)
    session.flush()
    _audit(session, user, entry, "reverse")
    return entry
