"""Intake windows (regulation 5.2): the periods in which a region accepts applications for the
supported service."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class IntakeWindow(db.Model):
    __tablename__ = "intake_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(2))
    # Calendar days in Moscow, both inclusive: the regional acts announce periods as dates.
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))  # e.g. the regional act announcing it
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # The one query filing asks: this region's windows around a date.
    __table_args__ = (Index("ix_intake_windows_region_opens_on", "region", "opens_on"),)
