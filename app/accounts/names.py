"""What people are called on pages: a user's full name for the e-mail kept in a record."""
from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..models import Operator, OperatorUser, User
from ..regions import region_name
from ..roles import Role

# Actors that are Vitrina itself (the timer sweep, the demo, a model scenario).
MACHINE_ACTORS = frozenset({"system", "demo", "scenario", "setup", "cli"})


def display_name(email: str | None) -> str:
    """The user's full name; Vitrina's own entries say so; an unknown address is shown as it is."""
    if not email:
        return "—"
    if email in MACHINE_ACTORS or email.startswith("scenario:"):
        return "Витрина (автоматически)"
    cache = g.setdefault("vitrina_names", {}) if has_app_context() else {}
    if email not in cache:
        cache[email] = db.session.scalar(select(User.full_name).where(User.email == email)) or email
    return cache[email]


# The organisation a staff role works for, as a client reads it.
ORGANISATIONS = {Role.CPE: "ЦПЭ", Role.MO_REC: "МО РЭЦ", Role.OPS_REC: "ОПС РЭЦ", Role.KB_REC: "КБ РЭЦ"}


def name_and_organisation(email: str | None) -> str:
    """«Анна Соколова (ЦПЭ, регион 77)»: who did a step, for a reader who knows nobody by name
    (a client reading its application's history); Vitrina's own entries as display_name says."""
    name = display_name(email)
    if not email or name == email or email in MACHINE_ACTORS or email.startswith("scenario:"):
        return name
    cache = g.setdefault("vitrina_orgs", {}) if has_app_context() else {}
    if email not in cache:
        cache[email] = _organisation(db.session.scalar(select(User).where(User.email == email)))
    organisation = cache[email]
    return f"{name} ({organisation})" if organisation and organisation not in name else name


def _organisation(user: User | None) -> str | None:
    if user is None:
        return None
    roles = set(user.roles)
    if Role.CLIENT in roles and user.company_name:
        return user.company_name
    if Role.OPERATOR in roles:
        operator = db.session.scalar(select(Operator.name).join(OperatorUser, OperatorUser.operator_id == Operator.id)
                                     .where(OperatorUser.user_id == user.id))
        return operator or "Оператор"
    for role, organisation in ORGANISATIONS.items():
        if role in roles:
            return f"{organisation}, {region_name(user.region)}" if role == Role.CPE and user.region else organisation
    return None
