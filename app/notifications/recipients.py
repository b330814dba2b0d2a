"""Who is told: performers of a step, the role's managers, МО РЭЦ, the client.

Lookups are cached for the length of one transaction: a sweep that records thousands of
deadlines asks the same few questions over and over.
"""
from __future__ import annotations

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from ..accounts import managers_of
from ..extensions import db
from ..models import User, UserRole
from ..roles import Role
from .outbox import Recipient

# Roles whose people work for one region (or one company): the rest are central.
REGIONAL = {Role.CPE.value, Role.CLIENT.value}
_CACHE = "vitrina_recipients"


# Not after_transaction_end: that also fires after every flush's inner transaction.
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session, *_):
    session.info.pop(_CACHE, None)


def _cached(key, compute):
    cache = db.session.info.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _as_recipients(users) -> list[Recipient]:
    return [Recipient(u.email, u.id) for u in users]


def role_members(role, region: str | None = None, company_inn: str | None = None) -> list[Recipient]:
    role = str(role)

    def compute():
        query = select(User).where(User.is_active, User.id.in_(
            select(UserRole.user_id).where(UserRole.role == role)))
        if role == Role.CLIENT.value:
            query = query.where(User.company_inn == company_inn)
        elif role in REGIONAL:
            query = query.where(or_(User.region == region, User.region.is_(None)))
        return _as_recipients(db.session.scalars(query.order_by(User.id)))

    return _cached(("members", role, region, company_inn), compute)


def performers(role, region, company_inn, assignee: str | None) -> list[Recipient]:
    """The assignee if the task is claimed, else everyone of the role (and region or company)."""
    if assignee:
        user = _cached(("user", assignee), lambda: db.session.scalar(
            select(User).where(User.email == assignee.lower())))
        if user is not None and user.is_active:
            return [Recipient(user.email, user.id)]
    if role is None:
        return []
    return role_members(role, region, company_inn)


def managers(role, region) -> list[Recipient]:
    if role is None:
        return []
    return _cached(("managers", str(role), region), lambda: _as_recipients(managers_of(role, region)))


def clients(instance, data: dict) -> list[Recipient]:
    """The client's users; without any, the contact e-mail of the questionnaire."""
    people = role_members(Role.CLIENT, instance.region, instance.company_inn) if instance.company_inn else []
    if people:
        return people
    email = (data or {}).get("contact_email")
    return [Recipient(email)] if email else []
