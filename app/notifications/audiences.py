"""Who a ``notify`` audience is for one application and element (see NoticeAudience)."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import ApplicationOperator, CaseEntry, OperatorUser, User
from ..roles import Role
from ..statuses import NoticeAudience
from . import recipients
from .outbox import Recipient

SYSTEM = "system"
# Built once (asked on every step whose element tells these audiences); only the columns a
# recipient needs (a User would load its roles too).
_OPERATOR_USERS = (select(User.email, User.id).join(OperatorUser, OperatorUser.user_id == User.id)
                   .join(ApplicationOperator, ApplicationOperator.operator_id == OperatorUser.operator_id)
                   .where(ApplicationOperator.instance_id == bindparam("instance_id"), User.is_active)
                   .order_by(User.id))
_LAST_CPE_ACTOR = (select(CaseEntry.actor).where(CaseEntry.instance_id == bindparam("instance_id"),
                                                 CaseEntry.role == Role.CPE, CaseEntry.actor != SYSTEM)
                   .order_by(CaseEntry.id.desc()).limit(1).scalar_subquery())
# One query for who and their account. lower() is Python's str.lower on SQLite (app/__init__.py);
# an actor is an e-mail already normalised by it (``normalise_email``), which PostgreSQL's leaves as is.
_SENDER = select(User.email, User.id).where(User.email == func.lower(_LAST_CPE_ACTOR), User.is_active)


def of(audience: NoticeAudience, instance, element, step) -> list[Recipient]:
    if audience == NoticeAudience.CLIENT:
        return recipients.clients(instance, step.data)
    if audience == NoticeAudience.SENDER:
        return sender(instance)
    return lane_people(element.role, instance, step.data)


def role_of(audience: NoticeAudience, element) -> str | None:
    """The role the audience's people act in (the performers', the element's lane)."""
    return {NoticeAudience.CLIENT: Role.CLIENT.value, NoticeAudience.SENDER: Role.CPE.value}.get(audience, element.role)


def lane_people(role: str | None, instance, data: dict) -> list[Recipient]:
    """Everyone who may take a new task of the lane: the role in the application's region, the
    client's own users, or the operator the agreement names."""
    if role is None:
        return []
    if role == Role.CLIENT:
        return recipients.clients(instance, data)
    if role == Role.OPERATOR:
        return operator_people(instance)
    return recipients.role_members(role, instance.region, instance.company_inn)


def operator_people(instance) -> list[Recipient]:
    """The named operator's users; without any, МО РЭЦ, who files on the operator's behalf (3.10)."""
    users = db.session.execute(_OPERATOR_USERS, {"instance_id": instance.id}).all()
    if users:
        return [Recipient(u.email, u.id) for u in users]
    return recipients.role_members(Role.MO_REC)


def sender(instance) -> list[Recipient]:
    """The ЦПЭ employee who last completed a step of the application: approvals and returns go
    back to them, whoever else of the region could take the next task."""
    user = db.session.execute(_SENDER, {"instance_id": instance.id}).first()
    return [Recipient(user.email, user.id)] if user is not None else []
