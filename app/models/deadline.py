"""The breach register: every normative deadline that passed before its step was done."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class Breach(db.Model):
    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    # One breach per timer: the sweep and the engine may both report the same firing.
    timer_task_id: Mapped[str] = mapped_column(String(64), unique=True)  # "late:<task>" when found late
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(120))
    task_name: Mapped[str | None] = mapped_column(String(500))
    step: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(8))
    assignee: Mapped[str | None] = mapped_column(String(120))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late_working_days: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_breaches_region_step", "region", "step"),)
