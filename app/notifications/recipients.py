"""Who is told: performers of a step, the role's managers, МО РЭЦ, the client.

A sweep that records thousands of deadlines asks the same few questions over and over, so it
runs inside ``caching()``: within it lookups are answered once; outside it every call asks the
database (nothing outlives the block, so a changed account is never served stale).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import bindparam, or_, select

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


# Built once: every step that tells a lane asks one of these, and building the query costs more
# than the database's answer. Only the columns a recipient needs (a User would load its roles too).
_MEMBERS = select(User.email, User.id).where(User.is_active, User.id.in_(
    select(UserRole.user_id).where(UserRole.role == bindparam("role"))))
_CLIENT_MEMBERS = _MEMBERS.where(User.company_inn == bindparam("company_inn")).order_by(User.id)
_CLIENT_MEMBERS_NO_INN = _MEMBERS.where(User.company_inn.is_(None)).order_by(User.id)  # "= NULL" matches none
_REGIONAL_MEMBERS = _MEMBERS.where(or_(User.region == bindparam("region"), User.region.is_(None))).order_by(User.id)
_CENTRAL_MEMBERS = _MEMBERS.order_by(User.id)
_USER_BY_EMAIL = select(User.email, User.id, User.is_active).where(User.email == bindparam("email"))


def role_members(role, region: str | None = None, company_inn: str | None = None) -> list[Recipient]:
    role = str(role)

    def compute():
        if role == Role.CLIENT.value and company_inn is None:
            query, params = _CLIENT_MEMBERS_NO_INN, {"role": role}
        elif role == Role.CLIENT.value:
            query, params = _CLIENT_MEMBERS, {"role": role, "company_inn": company_inn}
        elif role in REGIONAL:
            query, params = _REGIONAL_MEMBERS, {"role": role, "region": region}
        else:
            query, params = _CENTRAL_MEMBERS, {"role": role}
        return _as_recipients(db.session.execute(query, params))

    return _cached(("members", role, region, company_inn), compute)


def performers(role, region, company_inn, assignee: str | None) -> list[Recipient]:
    """The assignee if the task is claimed, else everyone of the role (and region or company)."""
    if assignee:
        user = _cached(("user", assignee), lambda: db.session.execute(
            _USER_BY_EMAIL, {"email": assignee.lower()}).first())
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
