"""Drafts of task forms: saved as entered, without validation, one per user and task, up to a size
(``VITRINA_MAX_DRAFT_KB``): a draft is kept in the database and shown again on every visit."""
from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import TaskDraft
from ..request_limits import KB, draft_limit
from ..workflow.errors import WorkflowError
from ..workflow.runtime import runtime


class DraftTooLarge(WorkflowError):
    http_status = 413

    def __init__(self, limit: int):
        super().__init__(f"Черновик больше {limit // KB} КБ и не сохранён: сократите текст")


def load_draft(task_id: str, user_id: int) -> TaskDraft | None:
    return db.session.scalar(select(TaskDraft).where(TaskDraft.task_id == task_id, TaskDraft.user_id == user_id))


def save_draft(task_id: str, user_id: int, data: dict) -> TaskDraft:
    """Keep ``data`` as the user's draft of the task; DraftTooLarge when over the limit."""
    limit = draft_limit()
    if len(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")) > limit:
        raise DraftTooLarge(limit)
    now = runtime().clock.now()
    draft = load_draft(task_id, user_id)
    if draft is None:
        draft = TaskDraft(task_id=task_id, user_id=user_id, data=data, saved_at=now)
        db.session.add(draft)
        try:
            db.session.commit()
            return draft
        except IntegrityError:
            # The same user saved from another tab meanwhile: theirs is replaced, as a save does.
            db.session.rollback()
            draft = load_draft(task_id, user_id)
    draft.data, draft.saved_at = data, now
    db.session.commit()
    return draft


def drop_drafts(task_id: str) -> None:
    """Forget every draft of a task that is done: nobody can send them any more."""
    db.session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))
    db.session.commit()
