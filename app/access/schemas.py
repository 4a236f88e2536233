"""Shapes of the door-access API. JSON bodies inherit :class:`app.core.schemas.JsonIn`; the
device's batch is parsed strictly (an unknown field, a naive time or a malformed event is a 422
naming the event's index and field); refusals by the rules are answered per event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StrictInt

from app.core.schemas import JsonIn, Line, Paragraph

OPAQUE = r"^[A-Za-z0-9._:\-]{1,64}$"
HARD_CAP = 5000  # parsing bound; the policy's batch size (access_batch_max_events) is checked after


class DeviceIn(JsonIn):
    name: Line = Field(min_length=1, max_length=100, description="设备名称，如“北门闸机”")
    location_kind: Literal["entrance", "building", "floor"] = Field(description="出入口、楼栋门、楼层门")
    location: Line = Field(min_length=1, max_length=100, description="位置，如“3号楼1单元”")


class DeviceRead(BaseModel):
    id: int
    project_id: int
    name: str
    location_kind: str
    location_label: str
    location: str
    status: str
    status_label: str
    key_hint: str
    key_issued_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    allowed_actions: list[str]


class DeviceKeyRead(DeviceRead):
    key: str = Field(description="设备密钥：只显示这一次，平台只保存其 SHA-256；请立即配置到设备")


class CredentialIn(JsonIn):
    unit_id: StrictInt = Field(description="凭证所属房源（本项目）")
    external_id: str = Field(pattern=OPAQUE,
                             description="门禁系统的凭证编号（不透明编号；不得为身份证号或人脸图像）")
    kind: Literal["card", "face", "app"] = Field(description="门禁卡、人脸（设备侧模板编号）、手机开门")


class BindIn(JsonIn):
    lease_id: StrictInt = Field(description="该房源履行中的租赁合同")
    holder_id: StrictInt | None = Field(default=None,
                                        description="入住职工的用户编号（整体配租）；不填为承租人本人")


class UnbindIn(JsonIn):
    reason: Line = Field(min_length=1, max_length=200)


class CredentialRead(BaseModel):
    id: int
    external_id: str
    kind: str
    kind_label: str
    project_id: int
    unit_id: int
    unit_label: str
    status: str
    status_label: str
    lease_id: int | None
    holder_id: int | None
    bound_on: date | None
    unbound_on: date | None
    unbound_reason: str | None
    allowed_actions: list[str]


class MyCredentialsRead(BaseModel):
    retention_days: int = Field(description="门禁通行记录保存天数（期满自动清除）")
    notice: str
    credentials: list[CredentialRead]


class EventIn(BaseModel):
    model_config = {"extra": "forbid"}

    event_id: str = Field(pattern=OPAQUE, description="设备内唯一的事件编号（重发时不变）")
    credential_id: str = Field(pattern=OPAQUE, description="门禁凭证编号（不透明编号）")
    occurred_at: AwareDatetime = Field(description="事件时间（带时区，ISO 8601）")
    direction: Literal["in", "out"]
    result: Literal["granted", "denied"]


class BatchIn(JsonIn):
    events: list[EventIn] = Field(min_length=1, max_length=HARD_CAP)


class EventAnswer(BaseModel):
    event_id: str
    status: Literal["accepted", "duplicate", "refused"]
    reason: str | None = None
    message: str | None = None


class BatchRead(BaseModel):
    accepted: int
    duplicates: int
    refused: int
    unknown_credentials: int = Field(description="已接收、凭证未在平台登记的事件数（按“未登记凭证”保存）")
    events: list[EventAnswer] = Field(description="逐条答复，与请求的顺序相同")


class EventRead(BaseModel):
    device_id: int
    device_name: str
    event_id: str
    occurred_at: datetime
    credential: str
    standing: str
    standing_label: str
    direction: str
    result: str


class DismissIn(JsonIn):
    reason: Paragraph = Field(min_length=1, max_length=2000, description="排除理由（如：承租人出差、住院）")


class OpenCaseIn(JsonIn):
    kind: Literal["idle", "lending", "subletting"] = Field(description="第四十条：闲置、转借、出租（转租）")
    description: Paragraph = Field(min_length=1, max_length=2000)
    rectify_days: StrictInt = Field(ge=1, le=365, description="整改期限（自然日）")


class RecomputeIn(JsonIn):
    project_id: StrictInt | None = Field(default=None, description="只重算该项目；不填为可见范围内全部")


class RecomputeRead(BaseModel):
    raised: int
    updated: int
    detected: int


class SignalRead(BaseModel):
    id: int
    kind: str
    kind_label: str
    project_id: int
    project_name: str
    unit_id: int
    unit_label: str
    lease_id: int
    status: str
    status_label: str
    first_detected_on: date
    last_detected_on: date
    evidence: dict[str, Any] = Field(description="按周统计的进入次数等，不含通行明细")
    reviewed_on: date | None
    reason: str | None
    violation_id: int | None
    events_readable: bool = Field(description="当前用户能否查看该提示涉及的通行记录")
    allowed_actions: list[str]
