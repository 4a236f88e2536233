"""第三十四、四十、四十三条: a contract's own terms (payment period, deposit, safety duties) as cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.art34_43_contract import check_contract_terms

ON = date(2025, 6, 3)


@pytest.mark.parametrize(("period", "term", "deposit", "safety", "failed"), [
    (1, 12, "1039.50", "遵守消防规定", set()),
    (3, 12, "0", "遵守消防规定", set()),                       # the cap: 3 months (prepaid_rent_months_max)
    (4, 12, "0", "遵守消防规定", {"payment_period_too_long"}),
    (0, 12, "0", "遵守消防规定", {"payment_period_too_short"}),
    (3, 3, "0", "遵守消防规定", {"payment_period_whole_term"}),  # the whole term at once (第四十三条)
    (1, 12, "1039.51", "遵守消防规定", {"deposit_above_cap"}),  # one fen above one month's rent
    (1, 12, "0", "  ", {"safety_terms_missing"}),              # 第三十四、四十条
])
def test_contract_terms(period: int, term: int, deposit: str, safety: str, failed: set[str]) -> None:
    decision = check_contract_terms(payment_period_months=period, term_months=term,
                                    monthly_rent=Decimal("1039.50"), deposit=Decimal(deposit),
                                    safety_terms=safety, on=ON)
    assert {f.code for f in decision.violations} == failed
    assert decision.ok is (not failed)
    assert all(f.article in ("第四十条", "第四十三条") for f in decision.findings)
