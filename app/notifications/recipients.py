"""Who is told: performers of a step, the role's managers, МО РЭЦ, the client.

A sweep that records thousands of deadlines asks the same few questions over and over, so it
runs inside ``caching()``: within it lookups are answered once; outside it every call asks the
database (nothing outlives the block, so a changed account is never served stale).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import or_, select

from ..accounts import managers_of
from ..extensions import db
from ..models import User, UserRole
from ..roles import Role
from .outbox import Recipient

# Roles whose people work for one region (or one company): the rest are central.
REGIONAL = {Role.CPE.value, Role.CLIENT.value}
_cache: ContextVar[dict | None] = ContextVar("vitrina_recipients", default=None)


@contextmanager
def caching():
    """Answer each lookup once for the length of the block (one batch of a sweep)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def _cached(key, compute):
    cache = _cache.get()
    if cache is None:
        return compute()
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
