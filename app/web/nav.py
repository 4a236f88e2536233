"""Where each role works: the navigation and the home page's cards.

Each entry is (route name, label, what it is for). A route name that no module has
registered is shown as text marked 建设中 instead of a link; registering a page route with
that name makes it a link (see ``app/web/README-pages.md``).
"""

from __future__ import annotations

from typing import Any

NavEntry = tuple[str, str, str]

PUBLIC: list[NavEntry] = [
    ("verify", "证书与合同核验", "输入认定书编号、电子合同核验编号或房源核验码核验真伪"),
    ("public_rents", "租金公示", "已备案执行的保障性租赁住房租金标准"),
    ("public_parameters", "规则与参数", "平台执行的每项数值：现行值、施行日期、依据条款或市保租办决定"),
    ("public_plans", "建设计划公示", "已发布的发展规划和年度建设计划及完成情况（第六条）"),
]

BY_ROLE: dict[str, list[NavEntry]] = {
    "developer": [
        ("project_list", "我的项目", "申报的项目、状态、审查计时与历史"),
        ("project_new", "申报项目", "填写附件2申请书（含附件3各项与户型）"),
        ("lease_list", "租赁合同", "本单位项目的租赁合同；为审核通过的申请签约"),
        ("repair_list", "报修处理", "承租人报修：按期限受理、派工、完成（第三十九条）"),
        ("upkeep_overview", "运营维护与安全", "各项目的消防安全检查、住建检查整改、应急预案、报修时效"),
        ("access_overview", "智能门禁", "门禁设备与密钥、门禁凭证绑定、疑似闲置和转借提示的核查（第四十条）"),
    ],
    "office": [
        ("office_queue", "审查队列", "按期限排序的待办申请，标出超期与临近期限"),
        ("office_applications", "租赁申请审核", "承租人申请的资格审核"),
        ("office_lotteries", "公开摇号", "审核通过人数多于房源时公开摇号"),
        ("project_list", "全部项目", "已提交的全部项目"),
        ("lease_list", "租赁合同", "全市租赁合同"),
        ("contract_templates", "合同示范文本", "租赁合同条款的版本：发布新版本及其生效日期"),
        ("access_signals", "门禁提示", "疑似闲置、转借/转租提示：核查排除或立案（第四十条）"),
        ("upkeep_overview", "运营维护监督", "全市报修时效、返修率、消防检查、整改与应急预案"),
        ("auditor_dashboard", "统计看板", "审查时效、房源与合同统计"),
        ("fund_list", "补助资金台账", "资金到账、分配、拨付、退回与对账（第十一、十二、十三、四十四条）"),
        ("report_list", "统计报表", "月报、季报：计划完成、资金、租赁情况（Excel、PDF）"),
        ("plan_list", "建设计划", "发展规划和年度建设计划及完成情况（第六条）"),
        ("admin_parameters", "政策参数", "预览调整政策参数对在办事项的影响"),
    ],
    "department": [
        ("department_inbox", "待审项目", "发送本部门联合审查的项目与审查意见"),
        ("project_list", "相关项目", "本部门可见的项目"),
    ],
    "leader": [
        ("leader_approvals", "待我审批", "评审会已通过、待市领导小组审批的项目"),
        ("upkeep_overview", "运营维护监督", "全市报修时效、返修率、消防检查、整改与应急预案"),
        ("project_list", "全部项目", "已提交的全部项目"),
        ("auditor_dashboard", "统计看板", "审查时效、房源与合同统计"),
        ("plan_list", "建设计划", "发展规划和年度建设计划及完成情况（第六条）"),
        ("fund_list", "补助资金台账", "资金到账、拨付、退回与对账"),
        ("report_list", "统计报表", "月报、季报（Excel、PDF）"),
    ],
    "tenant": [
        ("tenant_home", "我的信息", "个人信息、附件4承诺、消息"),
        ("tenant_apply", "申请租房", "选择项目提交保障性租赁住房申请"),
        ("tenant_applications", "我的申请", "申请进度、审核结果与理由"),
        ("tenant_placements", "入住邀请", "用人单位整体配租的入住邀请：确认或谢绝"),
        ("lease_list", "我的租约", "电子租赁合同；取得住房后在此报告"),
        ("repair_list", "报修", "房屋有问题在此报修，跟进处理进度并确认"),
        ("tenant_access", "门禁凭证", "绑定到我的门禁凭证；通行记录的保存期限与用途"),
        ("tenant_fund", "公积金提取", "第二十二条：能否提取住房公积金支付房租"),
    ],
    "employer": [
        ("lease_list", "整体租赁合同", "本单位整体承租的房源"),
    ],
    "auditor": [
        ("auditor_trail", "审计日志", "全部操作记录与哈希链校验"),
        ("auditor_leases", "合同检索与导出", "按条件检索租赁合同并导出 CSV/XLSX"),
        ("auditor_dashboard", "统计看板", "审查时效、房源与合同统计"),
        ("upkeep_overview", "运营维护监督", "全市报修时效、返修率、消防检查、整改与应急预案"),
        ("access_signals", "门禁提示", "疑似闲置、转借/转租提示及核查结论（只读）"),
        ("plan_list", "建设计划", "发展规划和年度建设计划及完成情况"),
        ("fund_list", "补助资金台账", "资金到账、拨付、退回与对账（只读）"),
        ("report_list", "统计报表", "月报、季报（Excel、PDF）"),
        ("project_list", "全部项目", "全部项目（只读）"),
    ],
    "admin": [
        ("admin_users", "用户管理", "工作人员账号：创建、停用与重新启用"),
        ("admin_organizations", "单位管理", "登记建设/运营单位和用人单位（统一社会信用代码）"),
        ("admin_registry", "数据导入", "导入不动产登记和公租房保障记录（CSV，整体导入）"),
        ("admin_calendar", "节假日日历", "各年放假与调休安排；国务院通知发布后录入新的一年"),
        ("admin_parameters", "政策参数", "市保租办政策设置的定期调整：先预览影响，再按生效日期保存"),
        ("auditor_trail", "审计日志", "全部操作记录与哈希链校验"),
        ("auditor_leases", "合同检索与导出", "按条件检索租赁合同并导出 CSV/XLSX"),
        ("auditor_dashboard", "统计看板", "审查时效、房源与合同统计"),
        ("upkeep_overview", "运营维护监督", "全市报修时效、返修率、消防检查、整改与应急预案"),
        ("project_list", "全部项目", "全部项目（只读）"),
        ("admin_jobs", "定时任务", "期限提醒等定时任务的运行记录；立即运行"),
        ("admin_deliveries", "消息发送", "邮件与短信发送记录；发送失败的可重新发送"),
    ],
}

DEPARTMENT_EXTRA: dict[str, list[NavEntry]] = {
    "zhujian": [("department_listings", "房源核验与租金评估", "待核验的房源、市场租金评估"),
                ("upkeep_overview", "运营维护与安全监督",
                 "全市报修时效、返修率、消防检查、住建检查整改、应急预案"),
                ("repair_list", "报修监督", "全市未完成的报修，按期限排序，标出超期"),
                ("access_signals", "门禁提示核查", "全市疑似闲置、转借/转租提示的核查（第四十条）"),
                ("plan_list", "建设计划", "编制、发布、调整发展规划和年度建设计划，跟踪完成情况（第六条）")],
    "fagai": [("department_filings", "租金备案", "运营单位拟订、待备案的租金标准")],
}


def nav_for(viewer: Any) -> list[NavEntry]:
    """The role's own entries (empty for anonymous visitors)."""
    if not viewer:
        return []
    entries = list(BY_ROLE.get(viewer.role, []))
    if viewer.role == "department":
        entries[1:1] = DEPARTMENT_EXTRA.get(viewer.department_code or "", [])
    return entries
