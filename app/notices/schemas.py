"""What the notice API reads and returns."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from app.core.schemas import JsonIn, Line

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def check_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > 254 or not EMAIL.match(value):
        raise ValueError("电子邮箱地址格式不正确")
    return value


# One line first (no control or format character: a U+202E would pass the pattern), then the address.
Email = Annotated[Line | None, AfterValidator(check_email)]


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    title: str
    message: str
    link: str | None
    mandatory: bool
    created_at: datetime
    read_at: datetime | None


class UnreadRead(BaseModel):
    unread: int


class PreferenceIn(JsonIn):
    email: Email = Field(default=None, description="接收通知的电子邮箱（工作人员、单位）")
    email_enabled: StrictBool = Field(default=False, description="通过电子邮件接收")
    sms_enabled: StrictBool = Field(default=False, description="通过短信接收（账号登记的手机号）")


class PreferenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    email: str | None
    email_enabled: bool
    sms_enabled: bool
    mandatory_note: str = "强制类提醒（整改期限、租期届满、过渡期届满、审查超期）不受此设置影响，始终发送"


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    notice_id: int
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
