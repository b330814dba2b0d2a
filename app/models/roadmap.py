"""Done marks of a detailed roadmap's steps, set by the ЦПЭ while it carries the roadmap out (step 10).

Step 10 stays open for weeks and several ЦПЭ staff may work on it, so the marks are rows of their
own, saved as they are made, rather than a draft (one per user, dropped on completion) or the
task's data (known only when the step ends). The roadmap itself is the data the ЦПЭ sent in step
8 or 9.1 and stays in the audit trail; a mark names that version by the audit event's id and the
step by its position in it, so a mark never lands on a step of another version.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class RoadmapMark(db.Model):
    __tablename__ = "roadmap_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # id of the audit event that carried the roadmap
    position: Mapped[int] = mapped_column(Integer)  # the step's row in that roadmap, from 0
    step: Mapped[str] = mapped_column(String(1000))  # the step's text when marked, for reading alone
    done_on: Mapped[date] = mapped_column(Date)
    marked_by: Mapped[str] = mapped_column(String(120))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("instance_id", "version", "position", name="uq_roadmap_marks_step"),)
