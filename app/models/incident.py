"""Incidents: an operation stopped in the model's code, kept with what is needed to run it again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..statuses import IncidentState
from .types import UTCDateTime


class Incident(db.Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL when filing the application itself failed: there is no application yet.
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=IncidentState.OPEN, index=True)
    process_id: Mapped[str | None] = mapped_column(String(120))
    deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(120))
    element_name: Mapped[str | None] = mapped_column(String(500))
    resource: Mapped[str | None] = mapped_column(String(16))  # the budget that ran out; NULL: an error
    message: Mapped[str] = mapped_column(Text)
    # What a retry needs: the submitted data and who submitted it, or the filing's arguments.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(254))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(254))
    closing_note: Mapped[str | None] = mapped_column(String(1000))
