"""User accounts and the roles they hold (a user may hold several, e.g. a ЦПЭ head: cpe + manager)."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..roles import Role
from .types import UTCDateTime


def _now() -> datetime:
    # Domain time comes from the injected clock, so tests and simulations control it too.
    from ..workflow.runtime import runtime
    return runtime().clock.now()


_KNOWN_ROLES = frozenset(r.value for r in Role)


class UserRole(db.Model):
    """The association table: one row per role a user holds."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # the login, always lower-case
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(256))
    # A ЦПЭ user's, a client's or a regional manager's region; NULL for central staff.
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    # A client acts for exactly one company.
    company_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    company_name: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    # Part of every session's user id (see get_id): raising it ends every session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    # Loaded with the user: every request asks for the current user's roles.
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     order_by=UserRole.role)

    @property
    def roles(self) -> set[Role]:
        # A row naming a role this code no longer knows grants nothing.
        return {Role(r.role) for r in self.role_rows if r.role in _KNOWN_ROLES}

    @property
    def role_list(self) -> list[Role]:
        """The roles in the order of ``Role`` (ЦПЭ before Руководитель), for showing them."""
        held = {r.role for r in self.role_rows}
        return [role for role in Role if role.value in held]

    @roles.setter
    def roles(self, roles) -> None:
        wanted = {Role(r).value for r in roles}
        # Rows that stay are kept as they are: deleting and re-inserting the same key in one
        # flush is not something every backend orders well.
        kept = [r for r in self.role_rows if r.role in wanted]
        self.role_rows = kept + [UserRole(role=v) for v in sorted(wanted - {r.role for r in kept})]

    def has_role(self, role: Role | str) -> bool:
        return any(r.role == str(role) for r in self.role_rows)

    def get_id(self) -> str:
        # Flask-Login keeps this in the session; a session made before the version changed no
        # longer matches (app.accounts.user_for_session).
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session of this user ends on its next request (logged in again, they go on)."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        # Whoever knew the old password may be logged in with it: a new one ends their sessions.
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"
