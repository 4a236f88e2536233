"""What every request body accepts: known fields only, booleans and integers as written, and
text people can read.

* :class:`JsonIn` — the base of every JSON request body: an unknown field is refused (422
  naming it), never silently ignored.
* ``StrictBool`` / ``StrictInt`` (pydantic's) for the body's booleans and integers:
  ``"is_active": 0`` or ``"organization_id": false`` is refused, not coerced.
* :data:`Line` and :data:`Paragraph` for free text: normalised to NFC; control and format
  characters (bidi overrides such as U+202E, zero-width characters, NUL, and CR/LF in a
  one-line field) are refused with a message naming the field, because they make what is
  printed on a certificate or shown to an auditor differ from what it seems.
* :data:`Day` for the dates of a body: a date from :data:`EARLIEST_DAY` to :data:`LATEST_DAY`
  (1900–2199), refused with a message naming the field otherwise. Every date a person enters
  lies well inside; the bound keeps the arithmetic of the rules (a lease's end plus a day, a
  term in months, 8 years of operation) inside Python's dates, so ``9999-12-31`` is a 422, not
  an overflow.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

# Unicode categories that have no business in a name or a comment: controls, format characters
# (bidi overrides and isolates, zero-width joiners), surrogates, private use, unassigned.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


class JsonIn(BaseModel):
    """A JSON request body: fields it does not declare are refused."""

    model_config = ConfigDict(extra="forbid")


def _clean(value: str, *, lines: bool) -> str:
    value = unicodedata.normalize("NFC", value)
    if lines:
        value = value.replace("\r\n", "\n")
    allowed = {"\n"} if lines else set()
    bad = [c for c in value if c not in allowed and unicodedata.category(c) in FORBIDDEN_CATEGORIES]
    if bad:
        shown = "、".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        raise ValueError(f"含有不可见或控制字符（{shown}），请删除后重新输入")
    return value


def clean_line(value: str) -> str:
    """One line of text (a name, an address, a number): NFC, no control or format character."""
    return _clean(value, lines=False)


def clean_paragraph(value: str) -> str:
    """Text that may run over lines (a comment, a reason): NFC; line breaks are kept."""
    return _clean(value, lines=True)


Line = Annotated[str, AfterValidator(clean_line)]
Paragraph = Annotated[str, AfterValidator(clean_paragraph)]


EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def check_day(value: date) -> date:
    """A date people enter: from :data:`EARLIEST_DAY` to :data:`LATEST_DAY`."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"日期应在 {EARLIEST_DAY.isoformat()} 至 {LATEST_DAY.isoformat()} 之间")
    return value


Day = Annotated[date, AfterValidator(check_day)]
