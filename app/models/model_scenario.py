"""Model scenarios edited in the modeller: each row replaces the shipped file of the same name
(``bpmn/scenarios/<name>``), so a deployment whose repository is read-only keeps the owners' edits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class ModelScenario(db.Model):
    __tablename__ = "model_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)  # the file's name, «happy_path.yaml»
    content: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
