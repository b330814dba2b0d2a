"""Saved filters of the task list and the applications list: a user's own, or shared by a manager
with their region's team."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class SavedFilter(db.Model):
    __tablename__ = "saved_filters"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The list it reopens: app.statuses.FilterList.
    list_name: Mapped[str] = mapped_column(String(16), default="tasks", server_default="tasks")
    name: Mapped[str] = mapped_column(String(80))
    # The list's query string as the list itself writes it (section, filters, sort), no page.
    query: Mapped[str] = mapped_column(String(1000))
    # Shared with the team of this region (the owner's when shared; "" for central staff); None: own only.
    shared_region: Mapped[str | None] = mapped_column(String(8), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("owner_id", "list_name", "name", name="uq_saved_filters_owner_list_name"),)
