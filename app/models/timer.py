"""Waiting timers with their due times: the truth the scheduler sweeps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..statuses import TimerEffect, TimerState
from .types import UTCDateTime


class Timer(db.Model):
    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(8))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interrupting: Mapped[bool] = mapped_column(Boolean, default=False)
    attached_task_id: Mapped[str | None] = mapped_column(String(36))
    attached_element_id: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default=TimerState.WAITING)
    effect: Mapped[str] = mapped_column(String(16), default=TimerEffect.ADVANCE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_timers_state_due", "state", "due_at"),)
