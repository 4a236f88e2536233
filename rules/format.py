"""How the rules write numbers and dates in the messages people read: amounts of money, rates,
areas, percentages, shares against a cap, periods.

Pure functions of Decimals and dates (no rounding of the values themselves: only of what is
shown). Two rules run through them:

* An amount compared against a limit is shown with **every digit it has** when two decimals
  would hide the difference, so a refusal never reads "862.37 超过上限 862.37":
  ``exact(Decimal("27.009")) == "27.009"``, never ``"27.01"``.
* A share above a cap is never shown as the cap: 15.004% above a 15% cap reads ``15.01%``,
  not ``15.00%`` (:func:`share_percent`).

Thousands are separated by commas (``1,234.50``); a percentage is the ratio × 100 with its
significant digits (``0.9`` → ``90%``, ``0.015`` → ``1.5%``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
RATE_UNIT = "元/m²/月"


def _two_or_every_digit(value: Decimal, *, normalize: bool) -> str:
    shown = f"{value:,.2f}"
    if Decimal(shown.replace(",", "")) != value:
        shown = f"{value.normalize() if normalize else value:,f}"
    return shown


def exact(value: Decimal) -> str:
    """Two decimals, or every significant digit when two would hide a difference (27.009 never
    shows as 27.01); a value that is not a finite number (NaN, Infinity) as written."""
    if not value.is_finite():
        return str(value)
    return _two_or_every_digit(value, normalize=True)


def yuan(value: Decimal) -> str:
    """An amount of money in yuan, every digit kept as :func:`exact` does: ``2,160.00 元``."""
    return f"{exact(value)} 元"


def yuan_rounded(value: Decimal) -> str:
    """An amount of money in yuan rounded to the fen, for amounts stated rather than compared
    digit by digit (an investment, a threshold): ``1,000,000.00 元``."""
    return f"{value:,.2f} 元"


def rate(value: Decimal) -> str:
    """A rent or market rent per m² of building area per month: ``27.00 元/m²/月``."""
    return f"{exact(value)} {RATE_UNIT}"


def area(value: Decimal) -> str:
    """A building or land area rounded to two decimals: ``1,234.50 m²``."""
    return f"{value:,.2f} m²"


def area_exact(value: Decimal) -> str:
    """An area with two decimals, or every digit as given when two would hide the difference
    (a unit of 90.001 m² never shows as 90.00 m²): ``90.001 m²``."""
    return f"{_two_or_every_digit(value, normalize=False)} m²"


def plain(value: Decimal) -> str:
    """A number with its significant digits only: ``90``, ``0.5``, ``1,000``."""
    return format(value.normalize(), ",f")


def percent(ratio: Decimal) -> str:
    """A ratio as a percentage with its significant digits: ``0.9`` → ``90%``, ``0.015`` →
    ``1.5%``."""
    return plain(ratio * 100) + "%"


def share_percent(share: Decimal, *caps: Decimal) -> str:
    """``share`` as a percentage with two decimals (half up); a share above one of ``caps`` is
    rounded up instead, so it never shows as that cap (0.150001 against 0.15: ``15.01%``)."""
    shown = (share * 100).quantize(_CENT, ROUND_HALF_UP)
    if any(share > cap and shown <= cap * 100 for cap in caps):
        shown = (share * 100).quantize(_CENT, ROUND_CEILING)
    return f"{shown}%"


def period(start: date, end: date) -> str:
    """A period from ``start`` to ``end``, both as ISO dates: ``2025-01-01 至 2025-06-30``."""
    return f"{start.isoformat()} 至 {end.isoformat()}"


def either(value: bool, yes: str, no: str) -> str:
    """``yes`` when ``value`` holds, otherwise ``no`` (a finding says which way it went)."""
    return yes if value else no
