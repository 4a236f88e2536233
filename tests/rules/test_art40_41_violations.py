from datetime import date

import pytest

from rules.art40_41_violations import ViolationKind, outcome_allowed, rectification_deadline

D = date
ART = "第四十条"
DEADLINE = D(2025, 3, 31)


def test_labels_are_the_articles_wording() -> None:
    assert {kind: kind.label for kind in ViolationKind} == {
        ViolationKind.sale: "出售", ViolationKind.lending: "转借", ViolationKind.subletting: "出租（转租）",
        ViolationKind.idle: "闲置", ViolationKind.change_of_use: "改变用途",
        ViolationKind.structural_change: "擅自改变房屋结构",
    }
    assert ViolationKind("subletting") is ViolationKind.subletting


@pytest.mark.parametrize(("recorded", "days", "deadline"), [
    (D(2025, 3, 1), 30, D(2025, 3, 31)),
    (D(2025, 2, 15), 15, D(2025, 3, 2)),      # calendar days across February
    (D(2024, 12, 25), 10, D(2025, 1, 4)),
    (D(2025, 3, 1), 1, D(2025, 3, 2)),
])
def test_rectification_deadline(recorded: date, days: int, deadline: date) -> None:
    assert rectification_deadline(recorded, days) == deadline


@pytest.mark.parametrize("days", [0, -5])
def test_a_period_of_no_days_is_an_error(days: int) -> None:
    with pytest.raises(ValueError):
        rectification_deadline(D(2025, 3, 1), days)


@pytest.mark.parametrize(("rectified", "on", "violations"), [
    (False, D(2025, 4, 1), []),                                                  # 拒不整改: terminate
    (False, D(2025, 3, 31), [("rectification_period_running", "deadline")]),     # the deadline day itself
    (False, D(2025, 3, 15), [("rectification_period_running", "deadline")]),
    (True, D(2025, 4, 1), [("already_rectified", "rectified")]),
    (True, D(2025, 3, 15), [("already_rectified", "rectified"),
                            ("rectification_period_running", "deadline")]),
])
@pytest.mark.parametrize("kind", sorted(set(ViolationKind) - {ViolationKind.structural_change}))
def test_termination_after_refusing_to_rectify(kind: ViolationKind, rectified: bool, on: date,
                                               violations: list[tuple[str, str]]) -> None:
    decision = outcome_allowed(kind, rectified, DEADLINE, on)
    assert [(f.code, f.field) for f in decision.violations] == violations
    assert decision.ok is (not violations)
    assert decision.articles == (ART,)
    assert decision.findings[0].code == "termination_ground"
    assert kind.label in decision.findings[0].message


def test_allowed_termination_lists_every_condition() -> None:
    decision = outcome_allowed(ViolationKind.subletting, False, DEADLINE, D(2025, 4, 1))
    assert [(f.code, f.ok) for f in decision.findings] == [
        ("termination_ground", True), ("not_rectified", True), ("rectification_deadline_passed", True)]


def test_a_structural_change_is_not_a_ground_for_termination() -> None:
    decision = outcome_allowed(ViolationKind.structural_change, False, DEADLINE, D(2025, 4, 1))
    (finding,) = decision.violations
    assert (finding.article, finding.code, finding.field) == (
        ART, "termination_not_provided_for_kind", "kind")
    assert "擅自改变房屋结构" in finding.message


def test_the_running_period_names_the_deadline() -> None:
    (finding,) = outcome_allowed(ViolationKind.idle, False, DEADLINE, D(2025, 3, 31)).violations
    assert "2025-03-31（含当日）" in finding.message
