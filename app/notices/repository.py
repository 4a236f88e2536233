"""Reads of notices, deliveries and channel choices (every ``select`` of the domain)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.errors import NotFound
from app.core.paging import Page, keyset
from app.notices.enums import DeliveryStatus
from app.notices.models import Notice, NoticeDelivery, NoticePreference


def notices_page(session: Session, user: User, *, unread_only: bool = False, cursor: int | None,
                 limit: int) -> Page[Notice]:
    """My notices, newest first (keyset by id)."""
    stmt = select(Notice).where(Notice.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return keyset(session, stmt, Notice.id, cursor=cursor, limit=limit)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))) or 0


def get_notice(session: Session, user: User, notice_id: int) -> Notice:
    """One of my notices; anyone else's is 404."""
    notice = session.scalar(select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id))
    if notice is None:
        raise NotFound("没有这条消息")
    return notice


def unread_ids(session: Session, user: User) -> list[int]:
    return list(session.scalars(select(Notice.id).where(Notice.user_id == user.id,
                                                        Notice.read_at.is_(None))))


def preference_of(session: Session, user_id: int) -> NoticePreference | None:
    return session.get(NoticePreference, user_id)


def due_delivery_ids(session: Session, at: datetime, limit: int) -> list[int]:
    return list(session.scalars(
        select(NoticeDelivery.id).where(NoticeDelivery.status == DeliveryStatus.pending.value,
                                        NoticeDelivery.next_attempt_at <= at)
        .order_by(NoticeDelivery.next_attempt_at, NoticeDelivery.id).limit(limit)))


def delivery_with_notice(session: Session, delivery_id: int) -> tuple[NoticeDelivery, Notice]:
    row = session.execute(select(NoticeDelivery, Notice).join(Notice, Notice.id == NoticeDelivery.notice_id)
                          .where(NoticeDelivery.id == delivery_id)).one()
    return row[0], row[1]


def deliveries_page(session: Session, *, status: str | None, cursor: int | None,
                    limit: int) -> Page[NoticeDelivery]:
    """Deliveries, newest first (the administrator's view; ``failed`` ones first of interest)."""
    stmt = select(NoticeDelivery)
    if status:
        stmt = stmt.where(NoticeDelivery.status == status)
    return keyset(session, stmt, NoticeDelivery.id, cursor=cursor, limit=limit)


def get_delivery(session: Session, delivery_id: int) -> NoticeDelivery:
    delivery = session.get(NoticeDelivery, delivery_id)
    if delivery is None:
        raise NotFound("没有这条发送记录")
    return delivery


def deliveries_of(session: Session, notice_ids: list[int]) -> list[NoticeDelivery]:
    if not notice_ids:
        return []
    return list(session.scalars(select(NoticeDelivery).where(NoticeDelivery.notice_id.in_(notice_ids))))


def users(session: Session, user_ids: set[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
