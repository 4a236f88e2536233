"""Presenters of notices and deliveries for the pages."""

from __future__ import annotations

from typing import Any

from app.notices.channels import mask_phone
from app.notices.enums import Channel, DeliveryStatus
from app.notices.models import Notice, NoticeDelivery


def notice_view(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "kind": notice.kind, "title": notice.title, "message": notice.message,
            "link": notice.link, "mandatory": notice.mandatory, "created_at": notice.created_at,
            "unread": notice.read_at is None}


def delivery_view(delivery: NoticeDelivery) -> dict[str, Any]:
    address = mask_phone(delivery.address) if delivery.channel == Channel.sms else delivery.address
    return {"id": delivery.id, "notice_id": delivery.notice_id, "channel": Channel(delivery.channel).label,
            "address": address, "status": delivery.status,
            "status_label": DeliveryStatus(delivery.status).label, "attempts": delivery.attempts,
            "next_attempt_at": delivery.next_attempt_at, "last_error": delivery.last_error,
            "sent_at": delivery.sent_at, "failed_at": delivery.failed_at}
