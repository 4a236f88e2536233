from datetime import date

import pytest

from rules.art12_13_subsidy import check_subsidy_grant, check_subsidy_payment, refund_required

D = date
TODAY = D(2024, 9, 30)
VERIFIED = D(2024, 7, 15)


def test_first_payment_after_publication_passes_with_evidence() -> None:
    decision = check_subsidy_payment(VERIFIED, None, D(2024, 8, 1), TODAY)
    assert decision.ok
    assert [(f.article, f.code, f.ok) for f in decision.findings] == [
        ("第十二条", "payment_date_valid", True),
        ("第十二条", "listing_published", True),
        ("第十二条", "subsidy_not_yet_paid", True),
    ]
    assert "2024-07-15" in decision.findings[1].message


@pytest.mark.parametrize(("verified_on", "paid_on", "ok"), [
    (VERIFIED, VERIFIED, True),            # paid the day the listing is verified
    (VERIFIED, D(2024, 7, 16), True),
    (VERIFIED, D(2024, 7, 14), False),     # the day before verification
    (None, D(2024, 8, 1), False),          # never verified
])
def test_listing_must_be_published_on_or_before_payment(verified_on: date | None, paid_on: date,
                                                        ok: bool) -> None:
    decision = check_subsidy_payment(verified_on, None, paid_on, TODAY)
    assert decision.ok is ok
    finding = decision.findings[1]
    assert finding.article == "第十二条"
    assert finding.code == ("listing_published" if ok else "listing_not_published")
    if verified_on is not None and not ok:
        assert "2024-07-15" in finding.message and "2024-07-14" in finding.message


def test_a_second_payment_is_refused() -> None:
    decision = check_subsidy_payment(VERIFIED, D(2024, 8, 1), D(2024, 9, 1), TODAY)
    (finding,) = decision.violations
    assert (finding.article, finding.code) == ("第十二条", "subsidy_already_paid")
    assert "一次性拨付" in finding.message and "2024-08-01" in finding.message


@pytest.mark.parametrize(("paid_on", "ok"), [(TODAY, True), (D(2024, 10, 1), False)])
def test_payment_date_not_in_the_future(paid_on: date, ok: bool) -> None:
    decision = check_subsidy_payment(VERIFIED, None, paid_on, TODAY)
    assert decision.ok is ok
    finding = decision.findings[0]
    assert (finding.article, finding.field) == ("第十二条", "paid_on")
    assert finding.code == ("payment_date_valid" if ok else "payment_date_in_future")


def test_every_condition_is_reported_together() -> None:
    decision = check_subsidy_payment(None, D(2024, 8, 1), D(2024, 10, 1), TODAY)
    assert [f.code for f in decision.violations] == [
        "payment_date_in_future", "listing_not_published", "subsidy_already_paid"]


@pytest.mark.parametrize(("paid_on", "approved", "completed", "code", "reasons"), [
    (None, False, False, "no_subsidy_paid", ()),
    (None, True, True, "no_subsidy_paid", ()),
    (D(2023, 1, 5), True, True, "subsidy_refund_not_due", ()),
    (D(2023, 1, 5), True, False, "subsidy_refund_due", ("运营期限未满",)),
    (D(2023, 1, 5), False, True, "subsidy_refund_due", ("退出未经批准",)),
    (D(2023, 1, 5), False, False, "subsidy_refund_due", ("运营期限未满", "退出未经批准")),
])
def test_refund(paid_on: date | None, approved: bool, completed: bool, code: str,
                reasons: tuple[str, ...]) -> None:
    decision = refund_required(paid_on, approved, completed)
    (finding,) = decision.findings
    due = code == "subsidy_refund_due"
    assert (finding.article, finding.code, finding.ok) == ("第四十四条", code, not due)
    assert decision.ok is not due
    for reason in reasons:
        assert reason in finding.message
    if due:
        assert "2023-01-05" in finding.message and "退回" in finding.message


CERTIFIED = D(2024, 5, 20)


@pytest.mark.parametrize(("granted_on", "certified_on", "ok", "code"), [
    (CERTIFIED, CERTIFIED, True, "grant_date_valid"),         # the day of the certificate
    (TODAY, CERTIFIED, True, "grant_date_valid"),             # today
    (D(2024, 5, 19), CERTIFIED, False, "grant_before_certificate"),
    (D(1, 1, 1), CERTIFIED, False, "grant_before_certificate"),
    (D(2024, 10, 1), CERTIFIED, False, "grant_date_in_future"),  # tomorrow
    (D(2024, 5, 19), None, True, "grant_date_valid"),         # no certificate known: today only
])
def test_a_grant_lies_between_the_certificate_and_today(granted_on: date, certified_on: date | None,
                                                        ok: bool, code: str) -> None:
    decision = check_subsidy_grant(granted_on, certified_on, TODAY)
    (finding,) = decision.findings
    assert (decision.ok, finding.article, finding.code, finding.field) == (ok, "第十二条", code,
                                                                           "granted_on")
