"""The task-list index: one row per open human task, kept in step with the engine state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class OpenTask(db.Model):
    __tablename__ = "open_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(500))
    step: Mapped[str | None] = mapped_column(String(16))
    lane: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(32))
    # The roles the model lets fill the task for its lane's role (its ``on_behalf``), as
    # ",kb_rec,cpe,": delimited on both sides, so the task list matches one role with LIKE.
    stand_ins: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(8))
    form: Mapped[str | None] = mapped_column(String(120))
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    normative_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    indicative_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wait_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # indicative deadline reached
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # normative deadline passed
    assignee: Mapped[str | None] = mapped_column(String(120), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # The task list's main query: my role's tasks in my region, by due date.
        Index("ix_open_tasks_role_region_due", "role", "region", "normative_due"),
        # A region's counts per tab (mine, available, overdue, today) read from the index alone.
        Index("ix_open_tasks_region_role_assignee_due", "region", "role", "assignee", "normative_due"),
        # The few tasks stand-ins may fill (step 1 of an application filed on the client's behalf):
        # a partial index, so the task list finds them beside its own role's without a scan.
        Index("ix_open_tasks_stand_ins", "region", "stand_ins", sqlite_where=text("stand_ins IS NOT NULL"),
              postgresql_where=text("stand_ins IS NOT NULL")),
    )
