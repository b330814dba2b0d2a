"""The case file: one typed, versioned entry per completed step (and per decision table run).

What a step decided lives here, not in the audit trail: the audit trail says who did what when,
the case file holds the data, the form version it was validated against and its documents.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class CaseEntry(db.Model):
    __tablename__ = "case_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id"))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(120))
    name: Mapped[str | None] = mapped_column(String(500))  # the task's (or decision table's) name
    step: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))  # CaseKind, from the form's x-case
    form: Mapped[str | None] = mapped_column(String(120))
    form_version: Mapped[str | None] = mapped_column(String(64))  # sha256 of the form file as deployed
    version: Mapped[int] = mapped_column(Integer, default=1)  # n-th entry of this kind (or form) here
    actor: Mapped[str] = mapped_column(String(254))
    on_behalf_of: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(8))
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    normative_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    indicative_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"field", "id", "name", "sha256", "size"}]: the documents the entry refers to, as stored.
    documents: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_case_entries_instance_kind", "instance_id", "kind", "version"),
                      Index("ix_case_entries_instance_form", "instance_id", "form"))
