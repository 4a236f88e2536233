"""Chinese names for what the audit trail stores as codes: actions, roles, object types and
the keys of an event's summary (the auditor's page, ``/auditor/trail``).

The trail itself keeps the codes (they are part of the hashed record and of the API); only the
page translates. Every action code the code base writes has a label:
``tests/oversight/test_audit_labels.py`` walks every ``record(..., action=...)`` call and fails
on a code without one. A code written as ``prefix.{enum value}`` is labelled through the
enum's own Chinese labels (:data:`FAMILIES`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from app.accounts.enums import Role
from app.approval.enums import EventAction, ProjectStatus
from app.contracts.enums import ContractStatus
from app.leases.enums import ExtensionStatus
from app.tenants.enums import ApplicationStatus
from app.upkeep.enums import RepairAction

ACTION_LABELS: dict[str, str] = {
    "access_credential.bound": "门禁凭证绑定承租人",
    "access_credential.registered": "登记门禁凭证",
    "access_credential.unbound": "门禁凭证解绑",
    "access_device.key_rotated": "门禁设备更换密钥",
    "access_device.registered": "登记门禁设备",
    "access_device.revoked": "停用门禁设备",
    "access_signal.case_opened": "门禁异常线索立案核查",
    "access_signal.dismissed": "门禁异常线索排除",
    "access_signal.raised": "发现门禁异常线索",
    "audit.leases_exported": "导出租赁合同",
    "audit.leases_export_finished": "租赁合同导出完成",
    "audit.leases_searched_by_person": "按身份证号码检索租赁合同",
    "calendar.year_created": "新增年度节假日安排",
    "calendar.year_updated": "修改年度节假日安排",
    "contract.countersigned": "运营单位签署合同",
    "contract.issued": "生成合同文本",
    "contract.revised": "修改合同草稿",
    "contract.sent": "合同发送承租人签署",
    "contract.signed_by_tenant": "承租人签署合同",
    "contract.supplement_issued": "签订补充协议",
    "contract_template.created": "新增合同范本",
    "fund.receive": "登记到账资金",
    "fund.entry": "资金台账记账",
    "fund.reverse": "资金台账冲正",
    "job.run_requested": "手动触发定时任务",
    "lease.continued_in_transition": "过渡期内续租",
    "lease.extension_requested": "申请延长过渡期",
    "lease.in_force": "合同生效",
    "lease.invitation_declined": "员工谢绝入住邀请",
    "lease.invitation_withdrawn": "撤回入住邀请",
    "lease.occupant_invited": "邀请员工入住",
    "lease.occupant_moved_out": "员工迁出",
    "lease.occupant_placed": "安排员工入住",
    "lease.renewed": "续签合同",
    "lease.signed": "签订租赁合同",
    "lease.terminated": "终止租赁合同",
    "lease.transition_started": "进入过渡期（取得住房）",
    "lease_proof.issued": "出具租赁备案证明",
    "lottery.committed": "确认摇号结果",
    "lottery.drawn": "公开摇号",
    "notice.all_read": "全部消息标为已读",
    "notice.delivery_failed": "消息发送失败",
    "notice.delivery_retried": "重新发送消息",
    "notice.preferences_changed": "修改消息接收设置",
    "notice.read": "消息标为已读",
    "organization.created": "新增单位",
    "parameter.changed": "调整政策参数",
    "plan.adjust": "调整计划",
    "plan.create": "编制计划",
    "plan.edit_lines": "修改计划明细",
    "plan.publish": "发布计划",
    "priority_group.created": "新增优先配租对象",
    "registry.property_imported": "导入不动产登记数据",
    "registry.public_rental_imported": "导入公租房保障数据",
    "reminders.sent": "发送到期提醒",
    "report.download": "下载统计报表",
    "report.generate": "生成统计报表",
    "tenant.commitment_signed": "签署个人承诺（附件4）",
    "tenant.profile_saved": "保存个人信息",
    "upkeep.fire_check_recorded": "记录消防安全检查",
    "upkeep.inspected": "市住建局检查",
    "upkeep.plan_filed": "备案应急预案",
    "upkeep.quality_supervised": "记录质量安全监督",
    "upkeep.rectified": "整改完成",
    "user.created": "创建账号",
    "user.disabled": "停用账号",
    "user.enabled": "启用账号",
    "user.logged_out": "退出登录",
    "user.registered": "承租人注册",
    "violation.recorded": "记录违规",
    "violation.rectified": "违规已整改",
}

# ``prefix.{value}``: the value's label from the enum the code is built from.
FAMILIES: dict[str, tuple[str, Callable[[str], str]]] = {
    "project.": ("项目", lambda v: EventAction(v).label),
    "tenant_application.": ("租赁申请", lambda v: ApplicationStatus(v).label),
    "repair.": ("报修", lambda v: RepairAction(v).label),
    "contract.": ("合同", lambda v: ContractStatus(v).label),
    "lease.extension_": ("过渡期延长", lambda v: ExtensionStatus(v).label),
}

ENTITY_LABELS: dict[str, str] = {
    "audit_event": "审计事件", "calendar_year": "节假日安排", "contract_template": "合同范本",
    "fund": "资金", "fund_entry": "资金台账", "job_run": "定时任务", "lease": "租赁合同",
    "lease_contract": "合同文本", "lease_export": "合同导出", "lottery": "摇号",
    "notice": "消息", "notice_delivery": "消息发送", "organization": "单位", "parameter": "政策参数",
    "plan": "计划", "project": "项目", "registry_import": "数据导入", "reminders": "提醒",
    "repair_request": "报修", "statistics_report": "统计报表", "tenant_application": "租赁申请",
    "user": "账号", "violation": "违规记录", "access_credential": "门禁凭证", "access_device": "门禁设备",
    "access_signal": "门禁异常线索", "project_material": "申报材料",
}

SUMMARY_KEY_LABELS: dict[str, str] = {
    "from": "原状态", "to": "新状态", "status": "状态", "departments": "发送部门",
    "departments_proposed": "建议部门", "departments_added": "在建议之外增加",
    "departments_removed": "从建议中取消", "added": "增加", "department": "部门",
    "opinion": "审查意见", "notice": "通知书", "certificate": "认定书", "items": "材料",
    "username": "用户名", "role": "角色", "format": "格式", "rows": "条数", "complete": "完整",
    "reason": "理由", "filters": "筛选条件", "full_id_numbers": "完整身份证号", "amount_fen": "金额（分）",
    "fund_id": "资金", "project_id": "项目", "kind": "类别", "on": "日期", "ends_on": "终止日期",
    "lease_status": "合同状态", "name": "名称", "year": "年度", "value": "取值", "number": "编号",
    "effective_from": "施行日期", "comment": "意见", "count": "数量", "organization": "单位",
    "lease_id": "合同", "unit_id": "房源", "tenant_id": "承租人", "material": "材料",
    "file": "文件", "sha256": "SHA-256",
}

SYSTEM_ROLE = "system"


def action_label(code: str) -> str | None:
    """The Chinese name of an action code, or None when it has none."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    for prefix, (what, label) in FAMILIES.items():
        if code.startswith(prefix):
            try:
                return f"{what}：{label(code[len(prefix):])}"
            except ValueError:
                continue
    return None


def role_label(role: str | None) -> str:
    if not role or role == SYSTEM_ROLE:
        return "系统"
    try:
        return Role(role).label
    except ValueError:
        return role


def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value) or "—"
    if isinstance(value, Mapping):
        return "；".join(f"{SUMMARY_KEY_LABELS.get(k, k)}：{_value_text(v)}" for k, v in value.items())
    return str(value)


# The state codes a summary's ``from``/``to``/``status`` name, by object type.
STATUS_LABELS: dict[str, Callable[[str], str]] = {
    "project": lambda v: ProjectStatus(v).label,
    "tenant_application": lambda v: ApplicationStatus(v).label,
    "lease_contract": lambda v: ContractStatus(v).label,
}


def _status_text(entity_type: str, value: Any) -> str | None:
    label = STATUS_LABELS.get(entity_type)
    if label is None or not isinstance(value, str):
        return None
    try:
        return label(value)
    except ValueError:
        return None


def summary_lines(summary: Mapping[str, Any] | None, entity_type: str = "") -> list[tuple[str, str]]:
    """An event's summary as (Chinese key, readable value) pairs, in the stored order."""
    if not summary:
        return []
    if not isinstance(summary, Mapping):
        return [("内容", json.dumps(summary, ensure_ascii=False))]
    lines = []
    for key, value in summary.items():
        text = _status_text(entity_type, value) if key in {"from", "to", "status"} else None
        if key == "role" and isinstance(value, str):
            text = role_label(value)
        lines.append((SUMMARY_KEY_LABELS.get(key, key), text or _value_text(value)))
    return lines
