"""Deploys asked for in the modeller: the bundle as it was sent, kept until its job has run the
model scenarios on it and either deployed it or recorded how it diverged.

The bundle is stored, not re-sent: «Развернуть всё равно» deploys exactly what the scenarios
were run on, and the row reads as a history of who asked to deploy what, and what came of it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..statuses import DeployState
from .types import UTCDateTime


class ModelDeploy(db.Model):
    __tablename__ = "model_deploys"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(64))  # the bundle's content hash, as the version would have
    state: Mapped[str] = mapped_column(String(16), default=DeployState.QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)  # scenarios run so far, for the progress line
    total: Mapped[int] = mapped_column(Integer, default=0)
    # [{"scenario", "file", "step", "expected", "got"}]: what the page's table shows.
    divergences: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, for the owner, in Russian
    deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id", ondelete="SET NULL"))
    created: Mapped[bool | None] = mapped_column()  # False: the bundle was the deployed version already
    # «Развернуть всё равно»: who deployed it despite the divergences, and when.
    forced_by: Mapped[str | None] = mapped_column(String(254))
    forced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    files: Mapped[list["ModelDeployFile"]] = relationship(
        back_populates="deploy", cascade="all, delete-orphan", order_by="ModelDeployFile.name")

    def file_map(self) -> dict[str, bytes]:
        return {f.name: f.content for f in self.files}


class ModelDeployFile(db.Model):
    __tablename__ = "model_deploy_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    deploy_id: Mapped[int] = mapped_column(ForeignKey("model_deploys.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    deploy: Mapped[ModelDeploy] = relationship(back_populates="files")
