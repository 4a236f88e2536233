from datetime import date

import pytest

from rules.art11_13_funds import (
    SOURCE_LABELS,
    EntryKind,
    FundSource,
    FundTotals,
    ProjectTotals,
    check_drawing,
    check_entry,
    check_entry_date,
)

K = EntryKind
FUND = FundTotals(received=1_000, allocated=600, paid=400, refund_due=100, refunded=50)
PROJECT = ProjectTotals(allocated=600, paid=400, refund_due=100, refunded=50)


def test_the_six_sources_of_article_11() -> None:
    assert [SOURCE_LABELS[s] for s in FundSource] == [
        "中央补助资金", "省奖励资金", "政府专项债", "融资贷款资金", "土地出让净收益", "住房公积金增值收益"]
    assert FUND.balance == 650 and FUND.unallocated == 400


@pytest.mark.parametrize(("kind", "amount", "reversal", "code"), [
    (K.allocation, 400, False, "entry_valid"),
    (K.allocation, 401, False, "fund_overallocated"),
    (K.payment, 250, False, "entry_valid"),               # paid − refunded 600 ≤ allocated 600
    (K.payment, 251, False, "payment_exceeds_allocation"),
    (K.refund_due, 300, False, "entry_valid"),
    (K.refund_due, 301, False, "refund_exceeds_payment"),
    (K.refund_received, 50, False, "entry_valid"),
    (K.refund_received, 51, False, "refund_exceeds_due"),
    (K.receipt, -400, True, "entry_valid"),               # reversing the unallocated part
    (K.receipt, -401, True, "fund_overallocated"),
    (K.allocation, -250, True, "entry_valid"),            # 350 paid (net of refunds) of 350 left
    (K.allocation, -251, True, "payment_exceeds_allocation"),
    (K.allocation, 0, False, "amount_not_positive"),
    (K.allocation, -5, False, "amount_not_positive"),     # a negative amount only as a reversal
    (K.allocation, 5, True, "amount_not_positive"),
])
def test_every_entry_keeps_the_ledger_sound(kind: EntryKind, amount: int, reversal: bool, code: str) -> None:
    project = None if kind == K.receipt else PROJECT
    decision = check_entry(kind, amount, FUND, project, reversal=reversal)
    assert decision.findings[0].code == code
    assert decision.ok == (code == "entry_valid")


def test_amounts_are_whole_fen_and_entries_two_sided() -> None:
    assert check_entry(K.receipt, 1.5, FUND, None).findings[0].code == "amount_not_fen"  # type: ignore[arg-type]
    assert check_entry(K.receipt, True, FUND, None).findings[0].code == "amount_not_fen"
    assert check_entry(K.allocation, 5, FUND, None).findings[0].code == "project_required"


def test_dates_and_the_one_time_payment_after_listing() -> None:
    received, today = date(2026, 3, 1), date(2026, 6, 1)
    assert check_entry_date(date(2026, 3, 1), received, today).ok
    assert check_entry_date(date(2026, 2, 28), received, today).findings[0].code == "entry_before_receipt"
    assert check_entry_date(date(2026, 6, 2), received, today).findings[0].code == "entry_date_in_future"
    assert check_drawing(date(2026, 5, 1), date(2026, 5, 1), False).ok
    codes = [f.code for f in check_drawing(date(2026, 5, 2), date(2026, 5, 1), True).violations]
    assert codes == ["listing_not_published", "subsidy_already_drawn"]
    assert check_drawing(None, date(2026, 5, 1), False).violations[0].article == "第十二条"
