"""Drafts of task forms: what a user has entered so far, saved without validation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class TaskDraft(db.Model):
    __tablename__ = "task_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The engine's task id, not a foreign key: the open-task row goes when the task is done,
    # and a draft outliving it harms no one (it is deleted on completion through the page).
    task_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # One draft per user and task: saving again replaces it.
    __table_args__ = (UniqueConstraint("task_id", "user_id", name="uq_task_drafts_task_user"),)
