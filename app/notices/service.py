"""Sending notices, reading them, choosing channels, and the delivery job's work.

:func:`send` is what other domains call (``app.tenants``, ``app.reminders``): it writes the
in-app notice and one pending delivery per outside channel the person gets it on —
e-mail for staff and organisations (not tenants) at the address in their profile, SMS to their
phone — when they chose that channel, or always when the notice is mandatory.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.audit.service import SYSTEM, Actor, record
from app.core import clock
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput
from app.notices import channels, repository
from app.notices.enums import Channel, DeliveryStatus
from app.notices.models import Notice, NoticeDelivery, NoticePreference
from app.notices.schemas import PreferenceIn

log = logging.getLogger("baozu.notices")
DELIVERY_BATCH = 200  # deliveries one run of the job takes at most
CLAIM_SECONDS = 600  # a taken delivery is not taken again for this long (a crashed sender)
ERROR_CHARS = 2000


def send(session: Session, *, user_id: int, kind: str, title: str, message: str,
         link: str | None = None, mandatory: bool = False) -> Notice:
    """A notice to ``user_id`` (in-app) and its deliveries on the person's other channels."""
    notice = Notice(user_id=user_id, kind=kind, title=title, message=message, link=link,
                    mandatory=mandatory)
    session.add(notice)
    session.flush()
    user = session.get(User, user_id)
    pref = repository.preference_of(session, user_id)
    if user is None:
        return notice
    if user.role != Role.tenant and pref is not None and pref.email and (pref.email_enabled or mandatory):
        session.add(NoticeDelivery(notice_id=notice.id, channel=Channel.email, address=pref.email,
                                   next_attempt_at=clock.now()))
    if user.phone and ((pref is not None and pref.sms_enabled) or mandatory):
        session.add(NoticeDelivery(notice_id=notice.id, channel=Channel.sms, address=user.phone,
                                   next_attempt_at=clock.now()))
    return notice


# ---- reading ------------------------------------------------------------------------------------

def mark_read(session: Session, user: User, notice_id: int) -> Notice:
    notice = repository.get_notice(session, user, notice_id)
    if notice.read_at is None:
        notice.read_at = clock.now()
        record(session, actor=user, action="notice.read", entity_type="notice", entity_id=notice.id)
    return notice


def mark_all_read(session: Session, user: User) -> int:
    ids = repository.unread_ids(session, user)
    if ids:
        session.execute(update(Notice).where(Notice.id.in_(ids)).values(read_at=clock.now()),
                        execution_options={"synchronize_session": False})
        record(session, actor=user, action="notice.all_read", entity_type="user", entity_id=user.id,
               summary={"count": len(ids)})
    return len(ids)


# ---- channels -----------------------------------------------------------------------------------

def email_allowed(user: User) -> bool:
    """E-mail is for staff and organisations; tenants get 站内信 and SMS."""
    return user.role != Role.tenant


def preferences(session: Session, user: User) -> NoticePreference:
    """My channel choices (defaults, not stored, until I save them)."""
    return repository.preference_of(session, user.id) or NoticePreference(
        user_id=user.id, email=None, email_enabled=False, sms_enabled=False)


def set_preferences(session: Session, user: User, data: PreferenceIn) -> NoticePreference:
    if not email_allowed(user) and (data.email or data.email_enabled):
        raise InvalidInput("承租人通过站内信和短信接收消息，不提供电子邮件", field="email")
    if data.email_enabled and not data.email:
        raise InvalidInput("开启电子邮件须填写邮箱地址", field="email")
    if data.sms_enabled and not user.phone:
        raise InvalidInput("账号未登记手机号码，无法开启短信", field="sms_enabled")
    pref = repository.preference_of(session, user.id)
    if pref is None:
        pref = NoticePreference(user_id=user.id)
        session.add(pref)
    pref.email, pref.email_enabled, pref.sms_enabled = data.email, data.email_enabled, data.sms_enabled
    session.flush()
    record(session, actor=user, action="notice.preferences_changed", entity_type="user", entity_id=user.id,
           summary={"email": bool(data.email), "email_enabled": data.email_enabled,
                    "sms_enabled": data.sms_enabled})
    return pref


# ---- delivering (the notices.deliver job) ----------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: retry × 2^(attempts-1)."""
    return timedelta(seconds=get_settings().notice_retry_seconds * 2 ** max(attempts - 1, 0))


def _outside_text(notice: Notice) -> str:
    base = get_settings().public_base_url.rstrip("/")
    return notice.message + (f"\n\n办理入口：{base}{notice.link}" if notice.link else "")


def _send_one(delivery: NoticeDelivery, notice: Notice) -> None:
    if delivery.channel == Channel.email:
        channels.send_email(delivery.address, f"【保租通】{notice.title}", _outside_text(notice))
    else:
        channels.sms_gateway().send(delivery.address, f"【保租通】{notice.title}：{_outside_text(notice)}")


def deliver_due(session: Session, at: datetime | None = None, *, commit: bool = False) -> int:
    """Send the deliveries that are due; a failure is retried with backoff and, after
    ``BAOZU_NOTICE_MAX_ATTEMPTS`` attempts, marked failed with its error and an audit event.
    Returns the number of deliveries attempted.

    ``commit`` (the job): commit the claim before talking to the SMTP server or the gateway, and
    each outcome after, so no database lock is held over the network (SQLite's write lock would
    stop every writer of the service meanwhile)."""
    at = at or clock.now()
    settings = get_settings()
    attempted = 0
    for delivery_id in repository.due_delivery_ids(session, at, DELIVERY_BATCH):
        taken = session.execute(
            update(NoticeDelivery).where(NoticeDelivery.id == delivery_id,
                                         NoticeDelivery.status == DeliveryStatus.pending.value,
                                         NoticeDelivery.next_attempt_at <= at)
            .values(next_attempt_at=at + timedelta(seconds=CLAIM_SECONDS)),
            execution_options={"synchronize_session": False}).rowcount == 1
        if not taken:
            continue
        delivery, notice = repository.delivery_with_notice(session, delivery_id)
        session.refresh(delivery)
        if commit:  # read everything first: no statement (and no transaction) until the outcome
            session.commit()
        attempted += 1
        delivery.attempts += 1
        try:
            _send_one(delivery, notice)
        except Exception as exc:  # any failure of the channel is one failed attempt
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
            if delivery.attempts >= settings.notice_max_attempts:
                delivery.status, delivery.failed_at = DeliveryStatus.failed, clock.now()
                log.error("delivery %s (%s) failed for good: %s", delivery.id, delivery.channel,
                          delivery.last_error)
                record(session, actor=SYSTEM, action="notice.delivery_failed", entity_type="notice_delivery",
                       entity_id=delivery.id, summary={"channel": delivery.channel,
                                                       "attempts": delivery.attempts,
                                                       "error": delivery.last_error[:200]})
            else:
                delivery.next_attempt_at = at + backoff(delivery.attempts)
        else:
            delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.sent, clock.now(), None
        session.flush()
        if commit:
            session.commit()
    return attempted


def retry_delivery(session: Session, *, actor: Actor, delivery_id: int) -> NoticeDelivery:
    """The administrator sends a failed delivery again (once the channel is fixed)."""
    delivery = repository.get_delivery(session, delivery_id)
    if delivery.status != DeliveryStatus.failed:
        raise Conflict("只有发送失败的记录可以重新发送")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.pending, 0, clock.now()
    delivery.failed_at = None
    record(session, actor=actor, action="notice.delivery_retried", entity_type="notice_delivery",
           entity_id=delivery.id)
    return delivery
