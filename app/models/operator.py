"""Operators (service companies of Appendix 3): the registry, its accreditation checklist with
evidence, the accreditation history, the users who act for an operator, and which operator the
tripartite agreement of an application names."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..statuses import OperatorStatus
from .types import UTCDateTime


class Operator(db.Model):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    inn: Mapped[str] = mapped_column(String(12), unique=True)
    ogrn: Mapped[str] = mapped_column(String(15))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    marketplaces: Mapped[str | None] = mapped_column(Text)  # as written by МО РЭЦ: "Tmall Global, JD.com"
    countries: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(40), default=OperatorStatus.APPLIED, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why refused or suspended
    status_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    users: Mapped[list["OperatorUser"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class OperatorUser(db.Model):
    """A user account acting for the operator (role operator): one operator per account."""

    __tablename__ = "operator_users"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)


class OperatorRequirement(db.Model):
    """The current assessment of one of the nine requirements of Appendix 3."""

    __tablename__ = "operator_requirements"
    __table_args__ = (UniqueConstraint("operator_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1..9 as in Appendix 3
    met: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(254))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OperatorEvidence(db.Model):
    """A file supporting a requirement; stored by content like task documents, never replaced."""

    __tablename__ = "operator_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300))  # relative to the instance folder
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OperatorEvent(db.Model):
    """The operator's audit trail: registration, edits, checklist marks, files, decisions."""

    __tablename__ = "operator_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    status_from: Mapped[str | None] = mapped_column(String(40))
    status_to: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict | None] = mapped_column(JSON)


class ApplicationOperator(db.Model):
    """The operator the application's tripartite agreement (step 6) names."""

    __tablename__ = "application_operators"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                             primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
