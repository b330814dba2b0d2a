"""Background jobs as the admins' page shows them: one row per job key, whichever backend runs it.

The queue's own tables (procrastinate's on PostgreSQL) know when a job runs but not why it
failed; this row keeps the error, the attempts and who asked, and counts the completions, so a
job that must happen once can be seen to have happened once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..statuses import JobKind, JobState
from .types import UTCDateTime


class BackgroundJob(db.Model):
    __tablename__ = "background_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # JobKind
    # What makes the job idempotent: "simulation_run:12"; a recurring kind reuses one key.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED, index=True)
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # starts, retries included
    completions: Mapped[int] = mapped_column(Integer, default=0)  # runs that did the work to the end
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(254))  # an e-mail; NULL: the system
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queue_id: Mapped[int | None] = mapped_column(BigInteger)  # procrastinate's job id, on PostgreSQL

    @property
    def kind_label(self) -> str:
        """The job in words, with what it works on: «Прогон симуляции № 12»."""
        label = JobKind(self.kind).label
        subject = (self.args or {}).get("run_id") or (self.args or {}).get("deploy_id")
        return f"{label} № {subject}" if subject else label
