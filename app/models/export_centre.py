"""The export support centres (ЦПЭ) of the regions as the documents name them: reference data
kept by admins, one row a region."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class ExportCentre(db.Model):
    __tablename__ = "export_centres"

    region: Mapped[str] = mapped_column(String(3), primary_key=True)  # the region's code, "77"
    full_name: Mapped[str] = mapped_column(String(500))  # as the Act names the party
    short_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    head_position: Mapped[str | None] = mapped_column(String(200))  # nominative: «директор»
    head_name: Mapped[str | None] = mapped_column(String(200))  # nominative: «Соколова Анна Викторовна»
    basis: Mapped[str | None] = mapped_column(String(200))  # genitive, after «на основании»: «устава»
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(254))
