"""Process instances: the engine state plus the columns lists and filters need."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..statuses import InstanceState
from .deployment import Deployment
from .types import UTCDateTime


class ProcessInstance(db.Model):
    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    company_name: Mapped[str | None] = mapped_column(String(500))
    company_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    application_status: Mapped[str | None] = mapped_column(String(120), index=True)
    service_status: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default=InstanceState.RUNNING, index=True)
    engine_state: Mapped[bytes] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(String(2000))

    deployment: Mapped[Deployment] = relationship()

    # Optimistic locking: every UPDATE says WHERE revision = <the one read>, so of two
    # concurrent completions the second matches no row and fails instead of overwriting.
    __mapper_args__ = {"version_id_col": revision}
