"""Putting notifications in the outbox: one row per recipient and event, never two."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ..extensions import db
from ..models import Notification
from ..plain_text import one_line
from ..statuses import DeliveryState
from ..upsert import insert_ignoring_duplicates
from .preferences import route


SUBJECT_MAX = 300  # the length of notifications.subject


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None = None


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str
    link: str | None = None


def smtp_enabled() -> bool:
    return bool(current_app.config.get("VITRINA_SMTP_URL"))


def rows_for(recipients: list[Recipient], event_key: str, message: Message, *, now: datetime,
             instance_id: int | None = None) -> list[dict]:
    """The outbox rows of one event: one per distinct recipient."""
    unique = {r.email.lower(): r for r in recipients if r.email}
    delivery = DeliveryState.PENDING if smtp_enabled() else DeliveryState.KEPT
    # One line, and cut to its column: a long company name must not make the sweep's insert fail.
    subject = one_line(message.subject)[:SUBJECT_MAX]
    return [dict(event_key=event_key, recipient=email, user_id=r.user_id, instance_id=instance_id,
                 kind=message.kind, subject=subject, body=message.body, link=message.link,
                 created_at=now, delivery=delivery, attempts=0, next_attempt_at=now)
            for email, r in unique.items()]


def write(rows: list[dict]) -> int:
    """Insert outbox rows, skipping any (event, recipient) already notified. Each row's delivery
    follows its user's setting for its kind (e-mail now, in the digest, or in the app only)."""
    if rows:
        route(rows)
        db.session.execute(insert_ignoring_duplicates(Notification, ["event_key", "recipient"]), rows)
    return len(rows)


def enqueue(recipients: list[Recipient], event_key: str, message: Message, *, now: datetime,
            instance_id: int | None = None) -> int:
    """Add the notification for each recipient unless this event already notified them."""
    return write(rows_for(recipients, event_key, message, now=now, instance_id=instance_id))
