"""Who may take which step on a device, a credential and a signal: the transition tables.

    device:     active ──rotate (operator)──▶ active (a new key; the old one stops at once)
                active ──revoke (operator)──▶ revoked
    credential: registered | unbound ──bind (operator)──▶ bound ──unbind (operator, or the
                lease ending: the ``access.unbind_ended`` job)──▶ unbound
    signal:     open (待核查) ──dismiss (operator, 市住建局, the office; a reason)──▶ dismissed
                open ──open_case (operator, the office: a 第四十条 violation through
                app.leases)──▶ case_opened

A signal never changes a lease by itself: the only way from a signal to a lease is ``open_case``,
a person's decision, which records the violation through the leases service (whose own table
says who may record one: the operator or the office — 市住建局 supervises and may dismiss, and
asks the operator or the office to open the case).
"""

from __future__ import annotations

from typing import Any

from app.access.enums import CredentialStatus, DeviceStatus, SignalStatus
from app.accounts.enums import Role
from app.core.workflow import Step, Workflow
from app.upkeep.models import is_housing_bureau

OPERATOR = frozenset({Role.developer})
REVIEWERS = frozenset({Role.developer, Role.department, Role.office})
CASE_OPENERS = frozenset({Role.developer, Role.office})


def housing_bureau_or_other(user: Any, _: Any) -> bool:
    """A department reviews only as 市住建局 (第四十条 督促检查)."""
    return user.role != Role.department or is_housing_bureau(user)


DEVICE = Workflow("access_device", (
    Step("rotate", "更换密钥", OPERATOR, frozenset({DeviceStatus.active}), None),
    Step("revoke", "停用设备（密钥作废）", OPERATOR, frozenset({DeviceStatus.active}), DeviceStatus.revoked),
), state_labels=DeviceStatus.labels(), noun="设备")


CREDENTIAL = Workflow("access_credential", (
    Step("bind", "绑定到承租人或入住职工", OPERATOR,
         frozenset({CredentialStatus.registered, CredentialStatus.unbound}), CredentialStatus.bound),
    Step("unbind", "解绑", OPERATOR, frozenset({CredentialStatus.bound}), CredentialStatus.unbound),
), state_labels=CredentialStatus.labels(), noun="门禁凭证")


SIGNAL = Workflow("access_signal", (
    Step("dismiss", "核查排除", REVIEWERS, frozenset({SignalStatus.open}), SignalStatus.dismissed,
         when=housing_bureau_or_other, why_not="只有市住建局可以核查门禁提示（第四十条）",
         article="第四十条"),
    Step("open_case", "立案：记录第四十条违规", CASE_OPENERS, frozenset({SignalStatus.open}),
         SignalStatus.case_opened, article="第四十条"),
), state_labels=SignalStatus.labels(), noun="提示")
