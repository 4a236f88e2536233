from datetime import date

import pytest

from rules.identifiers import (
    check_id_number,
    check_uscc,
    id_number_check_character,
    mask_id_number,
    uscc_check_character,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x",
                                   "360203199803151236"])
def test_valid_id_numbers(value: str) -> None:
    assert check_id_number(value, TODAY).ok


@pytest.mark.parametrize(("value", "code"), [
    ("110105194912310021", "id_number_check"),
    ("11010519491231002", "id_number_format"),
    ("1101051949123100A2", "id_number_format"),
    ("110105194902300020", "id_number_birth_date"),   # 30 February
    ("110105203001010010", "id_number_birth_date"),   # born in the future
])
def test_invalid_id_numbers(value: str, code: str) -> None:
    decision = check_id_number(value, TODAY)
    assert not decision.ok
    assert decision.violations[0].code == code
    assert decision.violations[0].article == "GB 11643-1999"


def test_check_digit_of_the_standard_example() -> None:
    assert id_number_check_character("11010519491231002") == "X"


def test_mask_keeps_first_six_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91360200MA35F1234K"])
def test_valid_uscc(value: str) -> None:
    assert check_uscc(value).ok


@pytest.mark.parametrize(("value", "code"), [
    ("91350100M000100Y44", "uscc_check"),
    ("91350100M000100Y4", "uscc_format"),
    ("91350100I000100Y43", "uscc_format"),  # I is not in the charset
])
def test_invalid_uscc(value: str, code: str) -> None:
    decision = check_uscc(value)
    assert not decision.ok and decision.violations[0].code == code


def test_uscc_check_character_zero_case() -> None:
    # A body whose weighted sum is a multiple of 31 gets check character 0.
    body = "00000000000000000"
    assert uscc_check_character(body) == "0"
