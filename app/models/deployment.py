"""Deployed versions of the model: a bundle of BPMN (and DMN) files, identified by content hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime


class Deployment(db.Model):
    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The content hash: not unique, since going back deploys an earlier bundle again as a new version.
    key: Mapped[str] = mapped_column(String(64), index=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str | None] = mapped_column(Text)
    files: Mapped[list["DeploymentFile"]] = relationship(
        back_populates="deployment", cascade="all, delete-orphan", order_by="DeploymentFile.name")

    def file_map(self) -> dict[str, bytes]:
        return {f.name: f.content for f in self.files}


class DeploymentFile(db.Model):
    __tablename__ = "deployment_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    deployment: Mapped[Deployment] = relationship(back_populates="files")
