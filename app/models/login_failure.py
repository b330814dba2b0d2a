"""Failed sign-ins, one row per failure and what it counts against (an account, an address).

In the database, not in memory, so every web process counts the same failures.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class LoginFailure(db.Model):
    __tablename__ = "login_failures"
    # Counting one key's failures in the window is one range scan.
    __table_args__ = (Index("ix_login_failures_scope_key_failed_at", "scope", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # a ThrottleScope
    key: Mapped[str] = mapped_column(String(254))  # the normalised e-mail or the client address
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
