"""第二十八条: the design codes a project follows, read from its application, and when 住建 may
record the supervision at completion (rules/art28_quality.py)."""

from __future__ import annotations

from datetime import date

import pytest

from rules.art28_quality import applicable_codes, check_supervision


@pytest.mark.parametrize(("kinds", "method", "building", "codes"), [
    (["residential"], "new_state_land", None, ["code_residential"]),
    (["dormitory"], "park_supporting_land", None, ["code_dormitory"]),
    (["residential", "dormitory"], "new_state_land", None, ["code_residential", "code_dormitory"]),
    (["residential"], "conversion", "commercial_office", ["code_residential"]),
    (["residential"], "conversion", "hotel", ["code_residential", "code_hotel"]),
    (["dormitory"], "conversion", "hotel", ["code_dormitory", "code_hotel"]),
    ([], "conversion", "hotel", ["code_hotel"]),
    ([], "new_state_land", None, []),
])
def test_the_codes_follow_the_unit_kinds_and_a_converted_hotel(kinds: list[str], method: str,
                                                               building: str | None,
                                                               codes: list[str]) -> None:
    found = applicable_codes(kinds, method, building)
    assert [f.code for f in found] == codes
    assert all(f.ok and f.article == "第二十八条" for f in found)


def test_the_labels_are_the_article_s_own_words() -> None:
    messages = " ".join(f.message for f in applicable_codes(["residential", "dormitory"], "conversion",
                                                            "hotel"))
    for name in ("《住宅建筑规范》", "《宿舍建筑设计规范》", "《旅馆建筑设计规范》"):
        assert name in messages


@pytest.mark.parametrize(("completed", "supervised", "code"), [
    (None, date(2025, 6, 3), "completion_not_recorded"),
    (date(2025, 6, 1), date(2025, 6, 4), "supervision_date_in_future"),
    (date(2025, 6, 1), date(2025, 6, 1), "supervision_recorded"),
])
def test_the_supervision_needs_the_completion_on_record(completed: date | None, supervised: date,
                                                        code: str) -> None:
    assert [f.code for f in check_supervision(completed, supervised, date(2025, 6, 3)).findings] == [code]
