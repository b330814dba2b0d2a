"""A user's notifications as the app shows them: the list, the unread count, marking read.

Only rows addressed to the user's account (``user_id``) are theirs; a row e-mailed to a client's
contact address without an account is not shown to anyone in the app.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Notification, OpenTask
from ..statuses import NotificationKind
from .notices import notice_task


def _own(user_id: int):
    return Notification.user_id == user_id


def count_for(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(_own(user_id))) or 0


def unread_count(user_id: int) -> int:
    # Runs on every page view (the header badge): one COUNT over the user_id index.
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        _own(user_id), Notification.read_at.is_(None))) or 0


def page_for(user_id: int, page: int, size: int) -> list[Notification]:
    """Newest first; the id breaks ties, since a sweep writes many rows at one instant."""
    return db.session.scalars(select(Notification).where(_own(user_id))
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(size).offset((page - 1) * size)).all()


def mark_read(user_id: int, notification_id: int, now: datetime) -> bool:
    """Mark one of the user's notifications read; False if there is no such row of theirs.

    Reading an already read row keeps its first reading time and still counts as found.
    """
    found = db.session.scalar(select(Notification.id).where(
        Notification.id == notification_id, _own(user_id)))
    if found is None:
        return False
    db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.read_at.is_(None)).values(read_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return True


def mark_all_read(user_id: int, now: datetime) -> int:
    result = db.session.execute(update(Notification).where(_own(user_id), Notification.read_at.is_(None))
                                .values(read_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def waiting_on(user_id: int, instance_ids) -> dict[int, Notification]:
    """Per application, the latest news addressed to the user about a step still open (the remarks
    to answer, the originals to send): what the pages tell them to do now, in the notice's words."""
    ids = list(instance_ids)
    if not ids:
        return {}
    open_tasks = {(i, t) for i, t in db.session.execute(
        select(OpenTask.instance_id, OpenTask.task_id).where(OpenTask.instance_id.in_(ids)))}
    found: dict[int, Notification] = {}
    for row in db.session.scalars(select(Notification).where(
            _own(user_id), Notification.instance_id.in_(ids), Notification.kind == NotificationKind.CASE)
            .order_by(Notification.id.desc())):
        task_id = notice_task(row.event_key)
        if row.instance_id not in found and (row.instance_id, task_id) in open_tasks:
            found[row.instance_id] = row
    return found
