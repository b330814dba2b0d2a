"""Notifications: what each user sees in the app, and the outbox of e-mails to deliver."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..statuses import DeliveryState
from .types import UTCDateTime


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The event that caused it; with the recipient it makes a notification unique, so one
    # event never notifies (or e-mails) the same person twice.
    event_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))  # user e-mail, or the client's contact e-mail
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        UniqueConstraint("event_key", "recipient", name="uq_notifications_event_recipient"),
        Index("ix_notifications_delivery_next", "delivery", "next_attempt_at"),
    )


class NotificationSetting(db.Model):
    """How one user wants one kind of notification delivered; no row means «Сразу»."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # NotificationKind
    mode: Mapped[str] = mapped_column(String(16))  # DeliveryMode
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
