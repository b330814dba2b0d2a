"""Drafts of the model saved from the modeller: a bundle of files not (yet) deployed.

Each save is a new draft, so no one's work is overwritten by a colleague's and the table of
drafts reads as a history of who saved what when.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime


class ModelDraft(db.Model):
    __tablename__ = "model_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    saved_by: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str | None] = mapped_column(Text)
    # The version the draft was edited from (None when it came from another draft's lineage lost
    # to a deleted version); shown so reviewers know what it changes.
    base_deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id", ondelete="SET NULL"))
    files: Mapped[list["ModelDraftFile"]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="ModelDraftFile.name")

    def file_map(self) -> dict[str, bytes]:
        return {f.name: f.content for f in self.files}


class ModelDraftFile(db.Model):
    __tablename__ = "model_draft_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("model_drafts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    draft: Mapped[ModelDraft] = relationship(back_populates="files")
