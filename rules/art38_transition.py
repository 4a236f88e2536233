"""第三十八条: the transition period of a tenant who acquires a home in the central urban area.

第三十八条: “通过购买、获赠、继承等各种方式在中心城区获得住房的，可给予承租人12个月的过渡期，因特殊情况确需
延长的，本人提出申请，产权（投资）或经营管理单位审核同意，可以适当延长。过渡期内的租金按同区域市场平均租金
水平收取。”

Readings:

* The transition starts on the acquisition date and lasts ``transition_months`` months, that day included:
  ``ends_on = add_months(acquired_on, 12) − 1 day`` (acquired 2025-01-15 → ends 2026-01-14).
* The rent switches to the market rent on the first day of the month after the acquisition
  (``market_rent_from``; acquired 2025-01-15 → 2025-02-01). Acquired on the 1st, the switch is still the
  1st of the next month (2025-01-01 → 2025-02-01): the month of acquisition is billed whole at the lease
  rent.
* “同区域市场平均租金水平” is the appraised market rent (元/m²/月) × the unit's building area
  (:func:`transition_rent`), rounded to the fen half up (ROUND_HALF_UP) because it is an amount billed.
* An extension must end after the current (possibly already extended) end and be requested while the
  transition still runs; the operator's approval (“审核同意”) is its decision, not this rule's: the rule only
  checks the dates. A transition that has ended has ended the lease, so there is nothing left to extend.
* After the transition the lease ends (catalog): the lease ends at the earlier of its own end and the
  (extended) transition end (:func:`lease_end_after_transition`).
* ``transition_months`` is looked up on ``on``, the day the acquisition is recorded on the platform.
* The acquisition date reported lies in the tenancy and not in the future (:func:`check_acquisition`);
  an extension reaches at most ``transition_months`` past the current end (:func:`check_extension`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from rules.dates import add_months
from rules.decision import Decision, Finding
from rules.params import value_at

ARTICLE = "第三十八条"
_DAY = timedelta(days=1)
_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TransitionState:
    acquired_on: date
    starts_on: date
    ends_on: date             # the end of the 12 months, before any extension
    market_rent_from: date
    extended_to: date | None  # the approved extended end, if any

    @property
    def current_end(self) -> date:
        """The last day of the transition, extension included."""
        return self.extended_to if self.extended_to is not None else self.ends_on


def transition(acquired_on: date, on: date, extended_to: date | None = None) -> TransitionState:
    """The transition of a tenant who acquired a home in the central area on ``acquired_on``.

    ``extended_to`` is an approved extension (see :func:`check_extension`); one not after the 12-month end is
    not an extension and raises ValueError.
    """
    months: int = value_at("transition_months", on)
    ends_on = add_months(acquired_on, months) - _DAY
    if extended_to is not None and extended_to <= ends_on:
        raise ValueError(f"extended_to {extended_to.isoformat()} is not after the transition end "
                         f"{ends_on.isoformat()}")
    return TransitionState(acquired_on=acquired_on, starts_on=acquired_on, ends_on=ends_on,
                           market_rent_from=add_months(acquired_on.replace(day=1), 1),
                           extended_to=extended_to)


def transition_rent(building_area_m2: Decimal, market_rent_per_m2: Decimal) -> Decimal:
    """Monthly rent during the transition: area × market rent, rounded to the fen (ROUND_HALF_UP)."""
    if not (building_area_m2.is_finite() and building_area_m2 > 0):
        raise ValueError("building_area_m2 must be more than 0")
    if not (market_rent_per_m2.is_finite() and market_rent_per_m2 > 0):
        raise ValueError("market_rent_per_m2 must be more than 0")
    return (building_area_m2 * market_rent_per_m2).quantize(_FEN, rounding=ROUND_HALF_UP)


def check_acquisition(acquired_on: date, tenancy_signed_on: date, today: date) -> Decision:
    """The day a tenant acquired a home in the central area, as reported (第三十八条), lies
    between the day their tenancy was agreed and today.

    Not in the future: a home not yet acquired starts no transition. Not before the tenancy
    was agreed (``tenancy_signed_on``: the signing day of the first lease of the application;
    renewals and continuations carry it along): the 12 months of 第三十八条 are for a tenant
    who acquires a home *while renting*. One who already owned a home in the central area when
    signing did not meet 第三十二条 (无自有住房) — a case for the office's review, not a
    transition at market rent — and the date would cut short, or end at once, the 12 months
    the article gives (acquired 0001-01-01: the transition would have ended in year 2, and the
    lease with it). Such a report is refused citing both articles. (The registry import, which
    starts transitions on its own, only picks leases begun before the acquisition.)"""
    acquired, began = acquired_on.isoformat(), tenancy_signed_on.isoformat()
    if acquired_on > today:
        return Decision((Finding(ARTICLE, "home_acquired_in_future",
                                 f"取得住房日期 {acquired} 晚于今天 {today.isoformat()}，"
                                 "不能登记尚未取得的住房",
                                 field="acquired_on"),))
    if acquired_on < tenancy_signed_on:
        return Decision((
            Finding(ARTICLE, "home_acquired_before_tenancy",
                    f"取得住房日期 {acquired} 早于租赁合同签订日期 {began}："
                    "过渡期适用于租赁期间取得住房的承租人",
                    field="acquired_on"),
            Finding("第三十二条", "owned_home_when_tenancy_began",
                    f"签订租赁合同（{began}）时已在中心城区拥有住房的，不符合保障性租赁住房租赁条件，"
                    "请向市保租办说明情况", field="acquired_on"),
        ))
    return Decision((Finding(ARTICLE, "home_acquired_during_tenancy",
                             f"取得住房日期 {acquired} 在租赁期间（{began} 签订合同起），不晚于今天", ok=True,
                             field="acquired_on"),))


def check_extension(state: TransitionState, new_end: date, on: date) -> Decision:
    """The dates of an extension requested on ``on``; approval is the operator's (审核同意).

    “可以适当延长” gives no length; each request may extend the transition by at most as long as
    the transition itself (``transition_months``, looked up on ``on``): a longer stay is asked
    for again before the extended end. A date years ahead (9999-12-31) is refused, not handed
    to the operator to approve."""
    current = state.current_end.isoformat()
    months: int = value_at("transition_months", on)
    furthest = add_months(state.current_end, months)
    findings = []
    if on > state.current_end:
        findings.append(Finding(ARTICLE, "extension_requested_after_end",
                                f"过渡期已于 {current} 结束，租赁合同随之终止，"
                                f"{on.isoformat()} 不能再申请延长",
                                field="requested_on"))
    else:
        findings.append(Finding(ARTICLE, "extension_requested_in_time",
                                f"{on.isoformat()} 提出申请时过渡期尚未结束（至 {current}）", ok=True,
                                field="requested_on"))
    if new_end <= state.current_end:
        findings.append(Finding(ARTICLE, "extension_not_later",
                                f"延长后的过渡期结束日期 {new_end.isoformat()} 应晚于当前结束日期 {current}",
                                field="new_end"))
    elif new_end > furthest:
        findings.append(Finding(ARTICLE, "extension_too_long",
                                f"延长后的过渡期结束日期 {new_end.isoformat()} 超过当前结束日期 {current} 后 "
                                f"{months} 个月（{furthest.isoformat()}）："
                                f"每次可适当延长不超过 {months} 个月，确需再延长的，可在延长期满前再次申请",
                                field="new_end"))
    else:
        findings.append(Finding(ARTICLE, "extension_later",
                                f"过渡期由 {current} 延长至 {new_end.isoformat()}；"
                                "因特殊情况确需延长，须经产权（投资）或经营管理单位审核同意",
                                ok=True, field="new_end"))
    return Decision.of(findings)


def lease_end_after_transition(state: TransitionState, lease_end_on: date) -> date:
    """The lease ends at the earlier of its own end and the (extended) transition end."""
    return min(lease_end_on, state.current_end)


def continuation(transition_ends_on: date, lease_end_on: date,
                 requested_end: date) -> tuple[Decision, date]:
    """The 12 months are the tenant's (catalog): a lease whose term ends inside the transition
    (which ends on ``transition_ends_on``, extension included) may continue up to the
    transition's last day, without a fresh eligibility check, at the market rent. A
    continuation asked past that day is cut to it. Returns the decision and the end of the
    continued lease."""
    last = transition_ends_on
    if lease_end_on >= last:
        return Decision.of([Finding(ARTICLE, "lease_outlasts_transition",
                                    f"合同期满日 {lease_end_on.isoformat()} 不早于过渡期结束日 "
                                    f"{last.isoformat()}，合同随过渡期终止，无需延续",
                                    field="months")]), lease_end_on
    end = min(requested_end, last)
    cut = f"（申请至 {requested_end.isoformat()}，以过渡期结束日为限）" if requested_end > last else ""
    return Decision.of([Finding(ARTICLE, "continued_in_transition",
                                f"合同期满日 {lease_end_on.isoformat()} 在过渡期内，合同可延续至 "
                                f"{end.isoformat()}{cut}，租金按同区域市场租金收取，无需重新审查资格",
                                ok=True, field="months")]), end
