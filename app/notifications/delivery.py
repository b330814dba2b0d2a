"""E-mail delivery of the outbox over SMTP, with retries and back-off.

Rows are claimed with SKIP LOCKED on PostgreSQL, so several processes can deliver at once
without sending a message twice; a message is marked sent in the same transaction that
claimed it. Each message's outcome is recorded on its row whatever happens while it is built
or sent, so the batch always reaches its commit: a message that cannot be sent is marked failed
with the reason, and neither stops the later ones nor makes the earlier ones go out again.
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
from ..plain_text import one_line, problem
from ..statuses import DeliveryState

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, … attempt; after the last one the message is given up.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12)]


class UnsendableAddress(ValueError):
    """The stored recipient cannot be put into a header as it is."""


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
    base_url = app_base_url()
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
        counts[_deliver(conn, row, settings.sender, base_url, now)] += 1
    db.session.commit()
    if conn is not None:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts


def _deliver(conn, row: Notification, sender: str, base_url: str, now: datetime) -> str:
    """Send one message and record the outcome on its row: "sent", "retry" or "failed". Never
    raises, so one message cannot stop the batch, whose commit records what was sent."""
    try:
        if conn is None:
            raise smtplib.SMTPServerDisconnected("SMTP server unreachable")
        conn.send_message(_email(row, sender, base_url))
    except (OSError, smtplib.SMTPException) as exc:  # the network or the server: tried again later
        row.attempts += 1
        row.last_error = failure_reason(exc)
        if row.attempts > len(BACKOFF):
            row.delivery = DeliveryState.FAILED
            return "failed"
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
        return "retry"
    except Exception as exc:  # noqa: BLE001 - the message itself is wrong: trying again would not help
        log.warning("notification %s cannot be sent: %s", row.id, exc)
        reset_transaction(conn)
        row.attempts += 1
        row.delivery, row.last_error = DeliveryState.FAILED, failure_reason(exc)
        return "failed"
    row.delivery, row.sent_at, row.last_error = DeliveryState.SENT, now, None
    return "sent"


def reset_transaction(conn) -> None:
    # A failure halfway through a message may leave the SMTP transaction open for the next one.
    try:
        if conn is not None:
            conn.rset()
    except (OSError, smtplib.SMTPException):
        pass


def failure_reason(exc: Exception) -> str:
    # Kept in a text column: one line, and no NUL, which PostgreSQL refuses.
    return one_line(f"{type(exc).__name__}: {exc}")[:1000]


def _email(row: Notification, sender: str, base_url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = one_line(sender)
    message["To"] = checked_address(row.recipient)
    # A subject is one line however it was stored (old rows may carry a company name with a line
    # break): the e-mail library refuses CR/LF in a header, a hand-made one would inject headers.
    message["Subject"] = one_line(row.subject)
    message["Message-ID"] = f"<vitrina-{row.id}@{sender.split('@')[-1]}>"  # lets servers drop resends
    body = row.body
    if line := link_line(base_url, row.link):
        body += f"\n\n{line}"
    message.set_content(body + "\n\n— Витрина, уведомление отправлено автоматически.")
    return message


def app_base_url() -> str:
    return current_app.config.get("VITRINA_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def link_line(base_url: str, link: str | None) -> str | None:
    """«Открыть задачу: https://…/tasks/…» for a row's in-app path; None for no link or anything
    that is not a path of the app (a row's text came from elsewhere: no foreign address goes out)."""
    if not link or not link.startswith("/") or link.startswith("//"):
        return None
    what = ("Открыть задачу" if link.startswith("/tasks/") else
            "Открыть заявку" if link.startswith("/applications/") else "Открыть в Витрине")
    return f"{what}: {base_url}{link}"


def checked_address(recipient: str) -> str:
    # An address is not repaired: with a line break collapsed it would be someone else's.
    if problem(recipient) or recipient != recipient.strip() or " " in recipient:
        raise UnsendableAddress(f"the recipient address {recipient!r} holds spaces or control characters")
    return recipient
