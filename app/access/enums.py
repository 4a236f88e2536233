"""The states and kinds of the door-access domain, each with its label for people."""

from __future__ import annotations

from app.core.enums import Labelled


class DeviceLocation(Labelled):
    entrance = "entrance", "小区/项目出入口"
    building = "building", "楼栋门"
    floor = "floor", "楼层门"


class DeviceStatus(Labelled):
    active = "active", "启用"
    revoked = "revoked", "已停用（密钥作废）"


class CredentialKind(Labelled):
    card = "card", "门禁卡"
    face = "face", "人脸（仅设备侧模板编号）"
    app = "app", "手机开门"


class CredentialStatus(Labelled):
    """registered (issued for the unit, nobody bound) → bound (to the tenant or a placed occupant
    of the unit's lease in force) → unbound (the lease ended, or the operator unbound it)."""

    registered = "registered", "已登记未绑定"
    bound = "bound", "已绑定"
    unbound = "unbound", "已解绑"


class Direction(Labelled):
    entry = "in", "进"
    exit = "out", "出"


class Result(Labelled):
    granted = "granted", "放行"
    denied = "denied", "拒绝"


class Standing(Labelled):
    """What the platform knew of an event's credential when the event arrived."""

    bound = "bound", "本项目、已绑定在租合同的凭证"
    unbound = "unbound", "本项目、未绑定在租合同的凭证"
    foreign = "foreign", "其他项目的凭证"
    unknown = "unknown", "未登记的凭证"


class SignalKind(Labelled):
    idle = "idle", "疑似闲置"
    lending = "lending", "疑似转借/转租"
    elsewhere = "elsewhere", "疑似转借/转租（承租人凭证在其他项目通行）"


class SignalStatus(Labelled):
    """open (待核查) → dismissed (已排除, with a reason) | case_opened (已立案: a 第四十条 violation)."""

    open = "open", "待核查"
    dismissed = "dismissed", "已排除"
    case_opened = "case_opened", "已立案"


class Refusal(Labelled):
    """Why an event of a batch was refused (the per-event answer's ``reason``)."""

    duplicate_in_batch = "duplicate_in_batch", "同一批次中事件编号重复"
    in_future = "in_future", "事件时间晚于平台时间超过允许的时钟误差"
    older_than_retention = "older_than_retention", "事件时间早于保存期限"
