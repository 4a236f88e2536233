"""rules.format: how amounts, rates, areas, percentages and periods read in the rules' messages."""

from datetime import date
from decimal import Decimal

import pytest

from rules import format as fmt

D = Decimal


@pytest.mark.parametrize(("value", "shown"), [
    ("2160", "2,160.00"),
    ("2160.5", "2,160.50"),
    ("862.3635", "862.3635"),          # two decimals would hide the difference from 862.36
    ("27.009", "27.009"),              # never 27.01
    ("27.0090", "27.009"),             # every significant digit, no trailing zeros
    ("1234567.891", "1,234,567.891"),
    ("0", "0.00"),
    ("-38.5", "-38.50"),
    ("1E+3", "1,000.00"),
    ("1E-7", "0.0000001"),
    ("NaN", "NaN"),                    # not a number: as written
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
])
def test_exact(value: str, shown: str) -> None:
    assert fmt.exact(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("2300", "2,300.00 元"),
    ("862.3635", "862.3635 元"),
    ("-5", "-5.00 元"),
    ("NaN", "NaN 元"),
])
def test_yuan(value: str, shown: str) -> None:
    assert fmt.yuan(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("1000000", "1,000,000.00 元"),
    ("1000000.004", "1,000,000.00 元"),    # rounded to the fen
    ("999999.999", "1,000,000.00 元"),
    ("0", "0.00 元"),
])
def test_yuan_rounded(value: str, shown: str) -> None:
    assert fmt.yuan_rounded(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("27", "27.00 元/m²/月"),
    ("24.3", "24.30 元/m²/月"),
    ("24.327", "24.327 元/m²/月"),
    ("-1", "-1.00 元/m²/月"),
    ("Infinity", "Infinity 元/m²/月"),
])
def test_rate(value: str, shown: str) -> None:
    assert fmt.rate(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("38.5", "38.50 m²"),
    ("1234.5", "1,234.50 m²"),
    ("90.001", "90.00 m²"),            # rounded: for areas stated, not compared to a cap
    ("0", "0.00 m²"),
    ("-38.5", "-38.50 m²"),
])
def test_area(value: str, shown: str) -> None:
    assert fmt.area(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("90.01", "90.01 m²"),
    ("90.001", "90.001 m²"),           # never shown as 90.00
    ("90.0010", "90.0010 m²"),         # every digit as given
    ("1234.5", "1,234.50 m²"),
    ("0", "0.00 m²"),
    ("-38.5", "-38.50 m²"),
])
def test_area_exact(value: str, shown: str) -> None:
    assert fmt.area_exact(D(value)) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("90", "90"),
    ("90.00", "90"),
    ("0.5", "0.5"),
    ("1E+3", "1,000"),
    ("12345.60", "12,345.6"),
    ("0", "0"),
])
def test_plain(value: str, shown: str) -> None:
    assert fmt.plain(D(value)) == shown


@pytest.mark.parametrize(("ratio", "shown"), [
    ("0.9", "90%"),
    ("0.90", "90%"),
    ("0.15", "15%"),
    ("0.07", "7%"),
    ("0.015", "1.5%"),
    ("0.04", "4%"),
    ("1", "100%"),
    ("0.12345", "12.345%"),
])
def test_percent(ratio: str, shown: str) -> None:
    assert fmt.percent(D(ratio)) == shown


@pytest.mark.parametrize(("share", "caps", "shown"), [
    ("0.1", (), "10.00%"),
    ("0.123456", (), "12.35%"),                      # half up
    ("0.123449", (), "12.34%"),
    ("0.15", ("0.15",), "15.00%"),                   # at the cap: the cap
    ("0.150001", ("0.15",), "15.01%"),               # above the cap: never shown as the cap
    ("0.149999", ("0.15",), "15.00%"),               # below it, rounded as usual
    ("0.0700001", ("0.07", "0.15"), "7.01%"),        # above the lower of two caps
    ("0.1500004", ("0.07", "0.15"), "15.01%"),
    ("0.2", ("0.07", "0.15"), "20.00%"),
])
def test_share_percent(share: str, caps: tuple[str, ...], shown: str) -> None:
    assert fmt.share_percent(D(share), *map(D, caps)) == shown


@pytest.mark.parametrize(("start", "end", "shown"), [
    (date(2025, 1, 1), date(2025, 6, 30), "2025-01-01 至 2025-06-30"),
    (date(2026, 3, 1), date(2026, 3, 1), "2026-03-01 至 2026-03-01"),
])
def test_period(start: date, end: date, shown: str) -> None:
    assert fmt.period(start, end) == shown


@pytest.mark.parametrize(("value", "shown"), [(True, "成立"), (False, "不成立")])
def test_either(value: bool, shown: str) -> None:
    assert fmt.either(value, "成立", "不成立") == shown
