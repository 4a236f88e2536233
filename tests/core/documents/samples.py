"""Sample documents for the renderer tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.core.documents.models import CertificateDocument, NoticeDocument, NoticeReason

ISSUER = "景德镇市推进保障性租赁住房工作领导小组办公室"
RENT = "租金不高于同地段同品质市场租赁住房租金的90%，由第三方评估后报市发改部门备案执行。"


def certificate(**changes: object) -> CertificateDocument:
    doc = CertificateDocument(
        number="2026-0001",
        status="valid",
        issued_on=date(2026, 11, 29),
        issuer=ISSUER,
        addressee="景德镇市安居住房租赁有限公司",
        project_name="昌南新区陶溪川青年人才公寓",
        address="江西省景德镇市珠山区新厂西路150号陶溪川文创街区7号楼（原宇宙瓷厂仓储用房）",
        construction_unit_name="景德镇市安居住房租赁有限公司",
        construction_unit_uscc="91360200MA38XXXX1A",
        operator_unit_name="景德镇陶溪川物业服务有限公司 & 合作方<联合体>",
        operator_unit_uscc="91360200MA39YYYY2B",
        land_nature="国有建设用地（工业）",
        land_area_m2=Decimal("8765.4"),
        total_floor_area_m2=Decimal("12345.6"),
        total_investment_yuan=Decimal("35000000"),
        construction_method="利用存量闲置房屋改建",
        planned_start="2026年3月",
        planned_in_use="2027年6月",
        affordable_floor_area_m2=Decimal("11000.005"),
        unit_count=236,
        supporting_facilities_area_m2=Decimal("1345.6"),
        supporting_facilities_content="公共厨房、洗衣房、共享客厅、健身房、24小时便利店、非机动车停车棚及充电设施、"
                                      "社区服务站与快递收发室",
        rent_requirement=RENT,
        benefits=(
            "住房租赁企业向个人出租取得的全部出租收入，可选择按照5%的征收率减按1.5%计算缴纳增值税（第十五条）。",
            "用水、用电、用气价格按照居民标准执行（第十六条）。",
            "免征城市基础设施配套费等各项行政事业性收费和政府性基金（第十四条）。",
        ),
        verify_url="https://baozu.jdz.gov.cn/certificates/2026-0001",
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def revoked_certificate() -> CertificateDocument:
    return certificate(status="revoked", revoked_on=date(2027, 2, 3),
                       revoked_reason="项目擅自改变用途，以租代售（第四十三条）")


def notice(**changes: object) -> NoticeDocument:
    doc = NoticeDocument(
        number="景保租不符〔2026〕3号",
        issued_on=date(2026, 11, 29),
        issuer=ISSUER,
        addressee="景德镇市某某置业有限公司",
        project_name="浮梁路商业综合体改建项目",
        stage="项目评审会",
        reasons=(
            NoticeReason("第七条", "户型建筑面积最高不超过90平方米，本项目有12套为105平方米。"),
            NoticeReason("第二十七条", "商办类房屋改建应以地块、楼栋、单元或独立楼层为单位申请。"),
            NoticeReason("第二十九条", "改建前未提供房屋结构安全性能鉴定报告。"),
        ),
        comment="建议调整户型设计并补充安全鉴定材料后重新申报。",
        verify_url="https://baozu.jdz.gov.cn/notices/2026-3",
    )
    return replace(doc, **changes)  # type: ignore[arg-type]
