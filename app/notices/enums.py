"""Channels, delivery states, and the kinds of notice that cannot be switched off."""

from __future__ import annotations

from app.core.enums import Labelled


class Channel(Labelled):
    in_app = "in_app", "站内信"
    email = "email", "电子邮件"
    sms = "sms", "短信"


class DeliveryStatus(Labelled):
    pending = "pending", "待发送"
    sent = "sent", "已发送"
    failed = "failed", "发送失败"
