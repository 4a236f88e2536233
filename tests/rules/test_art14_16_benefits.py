from datetime import date

import pytest

from rules.art14_16_benefits import Benefit, benefits, rent_requirement
from rules.params import ParameterNotInForce
from rules.project_facts import ConstructionMethod
from tests.rules.facts import conversion, project

ON = date(2024, 6, 1)


def test_benefits_in_the_order_of_the_articles() -> None:
    listed = benefits(project(), ON)
    assert [(b.code, b.article) for b in listed] == [
        ("fee_exemption", "第十四条"),
        ("vat_simplified", "第十五条"),
        ("property_tax", "第十五条"),
        ("residential_utility_prices", "第十六条"),
    ]
    assert all(isinstance(b, Benefit) and b.title and b.detail for b in listed)


@pytest.mark.parametrize("method", list(ConstructionMethod))
def test_fees_and_taxes_apply_to_every_certified_project(method: ConstructionMethod) -> None:
    fee, vat, tax, _ = benefits(project(construction_method=method), ON)
    assert fee.applies and vat.applies and tax.applies
    assert "城市基础设施配套费" in fee.detail and "政府性基金" in fee.detail
    assert "1.5%" in vat.detail and "简易计税方法" in vat.detail and "向个人出租" in vat.detail
    assert "4%" in tax.detail and "房产税" in tax.detail


@pytest.mark.parametrize(("method", "applies"), [
    (ConstructionMethod.collective_land, True),
    (ConstructionMethod.enterprise_idle_land, True),
    (ConstructionMethod.park_supporting_land, True),
    (ConstructionMethod.conversion, True),
    (ConstructionMethod.new_state_land, False),
])
def test_residential_utility_prices_only_on_non_residential_stock(method: ConstructionMethod,
                                                                  applies: bool) -> None:
    utility = benefits(project(construction_method=method), ON)[-1]
    assert utility.code == "residential_utility_prices"
    assert utility.title == "用水、用电、用气价格按照居民标准执行"
    assert utility.applies is applies
    assert method.label in utility.detail
    if applies:
        assert "按照居民标准执行" in utility.detail
    else:
        assert "不属于利用非居住存量土地或非居住存量房屋建设" in utility.detail
        assert "不适用第十六条" in utility.detail


def test_conversion_utility_prices_end_with_the_exit() -> None:
    utility = benefits(conversion(), ON)[-1]
    assert utility.applies and "第四十三条" in utility.detail


def test_tax_rates_are_dated_parameters() -> None:
    # The tax announcement took effect on 2021-10-01, before the regulation (第十五条 “自2021年10月1日起”).
    _, vat, tax, _ = benefits(project(), date(2021, 10, 1))
    assert "1.5%" in vat.detail and "4%" in tax.detail
    with pytest.raises(ParameterNotInForce):
        benefits(project(), date(2021, 9, 30))


@pytest.mark.parametrize("on", [date(2022, 5, 6), ON])
def test_rent_requirement(on: date) -> None:
    assert rent_requirement(on) == (
        "租金不高于同地段同品质市场租赁住房租金的90%，租金标准报市发改部门备案后执行（第三十六条、第三十七条）")


def test_rent_requirement_before_the_regulation_is_an_error() -> None:
    with pytest.raises(ParameterNotInForce):
        rent_requirement(date(2022, 5, 5))
