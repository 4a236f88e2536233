from datetime import date
from decimal import Decimal

import pytest

from rules.art07_unit_size import check_units

ON = date(2024, 6, 1)
N = 20_000


def batch(n: int = N, area: str = "38.5") -> list[tuple[str, Decimal]]:
    value = Decimal(area)
    return [(f"{i // 1000 + 1}栋-{i % 1000:04d}", value) for i in range(n)]


@pytest.mark.parametrize("area", ["0.01", "38.5", "70", "89.99", "90", "90.00", "90.000"])
def test_areas_up_to_90_pass_with_one_summary(area: str) -> None:
    decision = check_units([("1栋-0301", Decimal("38.5")), ("1栋-0302", Decimal(area))], ON)
    assert decision.ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.ok, finding.field) == (
        "第七条", "unit_area_within_max", True, "units")
    assert "全部 2 套" in finding.message and "90 m²" in finding.message


@pytest.mark.parametrize(("area", "code", "shown"), [
    ("90.01", "unit_area_exceeds_max", "90.01 m²"),
    ("90.001", "unit_area_exceeds_max", "90.001 m²"),     # never shown as 90.00
    ("1234.5", "unit_area_exceeds_max", "1,234.50 m²"),
    ("0", "unit_area_not_positive", "0.00 m²"),
    ("-38.5", "unit_area_not_positive", "-38.50 m²"),
    ("NaN", "unit_area_invalid", "NaN"),
    ("Infinity", "unit_area_invalid", "Infinity"),
])
def test_a_bad_row_is_named_by_number_and_label(area: str, code: str, shown: str) -> None:
    decision = check_units([("1栋-0301", Decimal("38.5")), ("2栋-1102", Decimal(area))], ON)
    assert not decision.ok
    (finding,) = decision.findings
    assert (finding.article, finding.code, finding.ok) == ("第七条", code, False)
    assert finding.field == "units[1].building_area_m2"
    assert "第 2 行" in finding.message and "2栋-1102" in finding.message and shown in finding.message


def test_one_violation_per_bad_row_in_order() -> None:
    rows = [("A", Decimal("95")), ("B", Decimal("60")), ("C", Decimal("0")), ("D", Decimal("90.01")),
            ("E", Decimal("90"))]
    decision = check_units(rows, ON)
    assert [(f.code, f.field) for f in decision.findings] == [
        ("unit_area_exceeds_max", "units[0].building_area_m2"),
        ("unit_area_not_positive", "units[2].building_area_m2"),
        ("unit_area_exceeds_max", "units[3].building_area_m2"),
    ]
    assert "第 1 行“A”" in decision.findings[0].message
    assert "第 3 行“C”" in decision.findings[1].message
    assert "第 4 行“D”" in decision.findings[2].message


def test_field_prefix() -> None:
    (finding,) = check_units([("x", Decimal("91"))], ON, field="buildings[2].units").findings
    assert finding.field == "buildings[2].units[0].building_area_m2"


def test_empty_list_is_a_violation() -> None:
    (finding,) = check_units([], ON).findings
    assert (finding.article, finding.code, finding.ok, finding.field) == (
        "第七条", "units_required", False, "units")


@pytest.mark.parametrize(("bad_index", "area", "ok"), [
    (12_345, "90.00", True),
    (12_345, "90.01", False),
    (0, "90.01", False),
    (N - 1, "90.01", False),
])
def test_20000_row_batch_boundary(bad_index: int, area: str, ok: bool) -> None:
    rows = batch()
    rows[bad_index] = ("3栋-9999", Decimal(area))
    decision = check_units(rows, ON)
    assert decision.ok is ok
    if ok:
        (finding,) = decision.findings
        assert finding.code == "unit_area_within_max" and "全部 20000 套" in finding.message
    else:
        (finding,) = decision.findings
        assert finding.code == "unit_area_exceeds_max"
        assert finding.field == f"units[{bad_index}].building_area_m2"
        assert f"第 {bad_index + 1} 行“3栋-9999”" in finding.message


def test_20000_rows_smoke() -> None:
    # Timing is not asserted (CI machines vary); this only runs the bulk path end to end.
    assert check_units(batch(), ON).ok
    decision = check_units(batch(area="90.5"), ON)
    assert len(decision.violations) == N
    assert decision.violations[-1].field == f"units[{N - 1}].building_area_m2"
