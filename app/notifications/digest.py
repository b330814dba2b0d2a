"""The daily digest: at 09:00 Moscow of each working day, everyone whose notifications wait for it
gets ONE e-mail holding all of them, and they are marked sent in that e-mail's transaction.

A row waits as ``digest`` with its digest time in ``next_attempt_at`` (set when it was written,
app/notifications/schedule.py), so the job only asks what is due by the clock it is given: run
twice at the same moment it finds nothing the second time. On PostgreSQL several workers may run it
at once: each user's digest is taken under a transaction-scoped advisory lock on the user and its
rows with FOR UPDATE SKIP LOCKED, so one worker sends it and the others pass that user by (row
locks alone could split one user's rows between two workers, and two e-mails).
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select

from ..dates import fmt_date, fmt_datetime
from ..extensions import db
from ..models import Notification, User
from ..plain_text import one_line
from ..statuses import DeliveryState
from ..workflow.runtime import runtime
from .delivery import (BACKOFF, SmtpSettings, app_base_url, checked_address, failure_reason, link_line,
                       reset_transaction)
from .schedule import next_digest_at

log = logging.getLogger(__name__)
# An e-mail lists this many; a longer digest ends with how many more wait on the notifications page.
ITEMS_PER_EMAIL = 200
# The first key of the advisory lock: "digest of user N" is (this, N), apart from any other lock.
LOCK_SPACE = 0x56445347


def send_due_digests(now: datetime) -> dict:
    """Send every user's due digest; counts of e-mails sent, retried, failed and the items sent."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "items": 0}
    url = current_app.config.get("VITRINA_SMTP_URL")
    if not url:
        return counts
    user_ids = db.session.scalars(select(Notification.user_id).where(*_due(now)).distinct()
                                  .order_by(Notification.user_id)).all()
    db.session.rollback()  # the read's transaction ends: each digest is a transaction of its own
    if not user_ids:
        return counts
    settings = SmtpSettings(url)
    conn = None
    try:
        conn = settings.connect()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP server unreachable: %s", exc)
    try:
        for user_id in user_ids:
            outcome, items = _send_one(conn, user_id, settings.sender, now)
            if outcome:
                counts[outcome] += 1
                counts["items"] += items if outcome == "sent" else 0
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return counts


def next_look_at(now: datetime) -> datetime:
    """When the job should look again: the next digest time, or a failed digest's retry if earlier."""
    upcoming = next_digest_at(now, runtime().calendar)
    retry = db.session.scalar(select(func.min(Notification.next_attempt_at)).where(
        Notification.delivery == DeliveryState.DIGEST, Notification.next_attempt_at > now))
    return min(upcoming, retry) if retry is not None else upcoming


def _due(now: datetime):
    return (Notification.delivery == DeliveryState.DIGEST, Notification.next_attempt_at <= now,
            Notification.user_id.is_not(None))


def _send_one(conn, user_id: int, sender: str, now: datetime) -> tuple[str | None, int]:
    """One user's digest in one transaction: (outcome or None when there was nothing to take, items)."""
    if not _lock_user(user_id):
        db.session.rollback()
        return None, 0
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user_id, *_due(now))
                              .order_by(Notification.created_at, Notification.id)
                              .with_for_update(skip_locked=True)).all()
    if not rows:  # another worker sent it meanwhile
        db.session.rollback()
        return None, 0
    user = db.session.get(User, user_id)
    try:
        if conn is None:
            raise smtplib.SMTPServerDisconnected("SMTP server unreachable")
        conn.send_message(digest_email(user, rows, sender, app_base_url()))
    except (OSError, smtplib.SMTPException) as exc:  # the network or the server: the digest waits
        outcome = _postpone(rows, failure_reason(exc), now)
    except Exception as exc:  # noqa: BLE001 - the e-mail itself is wrong: trying again would not help
        log.warning("the digest of user %s cannot be sent: %s", user_id, exc)
        reset_transaction(conn)
        for row in rows:
            row.attempts += 1
            row.delivery, row.last_error = DeliveryState.FAILED, failure_reason(exc)
        outcome = "failed"
    else:
        for row in rows:
            row.delivery, row.sent_at, row.last_error = DeliveryState.SENT, now, None
        outcome = "sent"
    db.session.commit()
    return outcome, len(rows)


def _lock_user(user_id: int) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: one writer at a time, and one process delivers
    return bool(db.session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_SPACE, user_id))))


def _postpone(rows: list[Notification], reason: str, now: datetime) -> str:
    # The digest stays one: every row gets the same attempt and the same retry time.
    attempt = max(row.attempts for row in rows) + 1
    for row in rows:
        row.attempts, row.last_error = attempt, reason
        if attempt > len(BACKOFF):
            row.delivery = DeliveryState.FAILED
        else:
            row.next_attempt_at = now + BACKOFF[attempt - 1]
    return "failed" if attempt > len(BACKOFF) else "retry"


def digest_email(user: User, rows: list[Notification], sender: str, base_url: str) -> EmailMessage:
    period = _period(rows)
    message = EmailMessage()
    message["From"] = one_line(sender)
    message["To"] = checked_address(user.email)
    message["Subject"] = f"Витрина: сводка уведомлений за {period}"
    # One digest, one id: a server that got it already drops a resend.
    message["Message-ID"] = f"<vitrina-digest-{user.id}-{rows[0].id}-{rows[-1].id}@{sender.split('@')[-1]}>"
    lines = [f"Здравствуйте, {one_line(user.full_name)}!", "",
             f"Уведомлений за {period}: {len(rows)} (время московское)."]
    for number, row in enumerate(rows[:ITEMS_PER_EMAIL], 1):
        lines += ["", f"{number}. {one_line(row.subject)}", f"{fmt_datetime(row.created_at)}", row.body]
        if line := link_line(base_url, row.link):
            lines.append(line)
    if len(rows) > ITEMS_PER_EMAIL:
        lines += ["", f"И ещё {len(rows) - ITEMS_PER_EMAIL} — все уведомления в Витрине: {base_url}/notifications"]
    lines += ["", f"Как приходят уведомления (сразу, сводкой или только в Витрине), можно изменить в "
              f"настройках: {base_url}/notifications/settings",
              "", "— Витрина, сводка отправлена автоматически."]
    message.set_content("\n".join(lines))
    return message


def _period(rows: list[Notification]) -> str:
    first, last = fmt_date(rows[0].created_at), fmt_date(rows[-1].created_at)
    return first if first == last else f"{first}–{last}"
