"""E-mail delivery of the outbox over SMTP, with retries and back-off.

Rows are claimed with SKIP LOCKED on PostgreSQL, so several processes can deliver at once
without sending a message twice; a message is marked sent in the same transaction that
claimed it.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Notification
from ..statuses import DeliveryState

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, … attempt; after the last one the message is given up.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12)]


class SmtpSettings:
    """``smtp://user:password@host:port?starttls=1&from=robot@example.ru`` (or ``smtps://``)."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps"):
            raise ValueError(f"VITRINA_SMTP_URL must start with smtp:// or smtps://, not «{url}»")
        query = parse_qs(parsed.query)
        self.ssl = parsed.scheme == "smtps"
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or (465 if self.ssl else 25)
        self.user = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.starttls = query.get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.sender = query.get("from", ["vitrina@localhost"])[0]
        self.timeout = float(query.get("timeout", ["10"])[0])

    def connect(self) -> smtplib.SMTP:
        cls = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        conn = cls(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            conn.starttls()
        if self.user:
            conn.login(self.user, self.password or "")
        return conn


def deliver_pending(now: datetime, batch: int = 100) -> dict:
    """Send the e-mails whose next attempt is due; returns counts of sent, retried, failed."""
    url = current_app.config.get("VITRINA_SMTP_URL")
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not url:
        return counts
    settings = SmtpSettings(url)
    base_url = current_app.config.get("VITRINA_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    rows = db.session.scalars(
        select(Notification).where(Notification.delivery == DeliveryState.PENDING,
                                   Notification.next_attempt_at <= now)
        .order_by(Notification.id).limit(batch).with_for_update(skip_locked=True)).all()
    if not rows:
        db.session.rollback()
        return counts
    conn = None
    try:
        conn = settings.connect()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP server unreachable: %s", exc)
    for row in rows:
        try:
            if conn is None:
                raise smtplib.SMTPServerDisconnected("SMTP server unreachable")
            conn.send_message(_email(row, settings.sender, base_url))
            row.delivery, row.sent_at, row.last_error = DeliveryState.SENT, now, None
            counts["sent"] += 1
        except (OSError, smtplib.SMTPException) as exc:
            row.attempts += 1
            row.last_error = str(exc)[:1000]
            if row.attempts > len(BACKOFF):
                row.delivery = DeliveryState.FAILED
                counts["failed"] += 1
            else:
                row.next_attempt_at = now + BACKOFF[row.attempts - 1]
                counts["retry"] += 1
    db.session.commit()
    if conn is not None:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts


def _email(row: Notification, sender: str, base_url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = f"<vitrina-{row.id}@{sender.split('@')[-1]}>"  # lets servers drop resends
    body = row.body
    if row.link:
        body += f"\n\nОткрыть в Витрине: {base_url}{row.link}"
    message.set_content(body + "\n\n— Витрина, уведомление отправлено автоматически.")
    return message
