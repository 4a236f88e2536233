"""Check characters of national identifiers, checked on input (design.md, Data).

* 公民身份号码, GB 11643-1999: 17 digits and a check character over ISO 7064 MOD 11-2; digits
  7–14 are the birth date, which must exist and not lie in the future.
* 统一社会信用代码, GB 32100-2015: 18 characters over ``0123456789ABCDEFGHJKLMNPQRTUWXY``; the
  18th is the check character for weights 3^i mod 31.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding

GB11643 = "GB 11643-1999"
GB32100 = "GB 32100-2015"

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(value: str, today: date) -> Decision:
    """Whether ``value`` is a well-formed 18-digit 公民身份号码 (check digit and birth date)."""
    v = normalize_id_number(value)

    def fail(code: str, message: str) -> Decision:
        return Decision((Finding(GB11643, code, message, field="id_number"),))

    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return fail("id_number_format", "身份证号码应为 18 位：前 17 位数字，最后一位为数字或 X")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return fail("id_number_birth_date", f"身份证号码中的出生日期 {v[6:14]} 不存在")
    if born > today:
        return fail("id_number_birth_date", f"身份证号码中的出生日期 {born.isoformat()} 晚于今天")
    if id_number_check_character(v[:17]) != v[17]:
        return fail("id_number_check", "身份证号码校验位不正确")
    return Decision((Finding(GB11643, "id_number_valid", "身份证号码校验通过", ok=True),))


def birth_date(id_number: str) -> date:
    v = normalize_id_number(id_number)
    return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 characters shown, the rest hidden (PIPL de-identification)."""
    v = normalize_id_number(id_number)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def normalize_uscc(value: str) -> str:
    return value.strip().upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(value: str) -> Decision:
    """Whether ``value`` is a well-formed 统一社会信用代码 (charset and check character)."""
    v = normalize_uscc(value)

    def fail(code: str, message: str) -> Decision:
        return Decision((Finding(GB32100, code, message, field="uscc"),))

    if len(v) != 18:
        return fail("uscc_format", "统一社会信用代码应为 18 位")
    bad = [c for c in v if c not in USCC_CHARSET]
    if bad:
        return fail("uscc_format", f"统一社会信用代码含有不允许的字符 {bad[0]}（不使用 I、O、Z、S、V）")
    if uscc_check_character(v[:17]) != v[17]:
        return fail("uscc_check", "统一社会信用代码校验位不正确")
    return Decision((Finding(GB32100, "uscc_valid", "统一社会信用代码校验通过", ok=True),))
