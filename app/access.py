"""Who sees which applications: the one place the region and company isolation is decided.

Every page, file and API that shows an application filters through ``visible_instances`` (lists)
or ``can_see_instance`` (one record), so the rule cannot drift between them:

- a client sees only the applications of their company (by INN);
- a ЦПЭ user (role cpe, also a ЦПЭ head holding cpe + manager) and a manager bound to a region
  see only the applications of that region;
- central staff (МО/ОПС/КБ РЭЦ, operator, process owner, analyst, admin, a manager without a
  region) see all. The operator sees all for now; the task list will narrow it to the
  applications assigned to the operator.
- anyone else, and an account whose scope is incomplete (a client without INN, a ЦПЭ user
  without region), sees nothing: a missing value never widens access.
"""
from __future__ import annotations

from sqlalchemy import Select, false

from .models import ProcessInstance
from .roles import Role

CENTRAL_ROLES = frozenset({Role.MO_REC, Role.OPS_REC, Role.KB_REC, Role.OPERATOR, Role.MANAGER,
                           Role.PROCESS_OWNER, Role.ANALYST, Role.ADMIN})

NOTHING = None  # the scope of a user who may see no application


def scope(user) -> dict[str, str] | None:
    """The columns an instance must match for ``user`` to see it: {} is everything, None nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    roles = user.roles
    bounds: dict[str, str | None] = {}
    if Role.CLIENT in roles:
        bounds["company_inn"] = user.company_inn
    if Role.CPE in roles or (Role.MANAGER in roles and user.region):
        bounds["region"] = user.region
    if bounds:
        # The narrowest role wins even when a central one is held as well.
        return NOTHING if None in bounds.values() else bounds
    return {} if roles & CENTRAL_ROLES else NOTHING


def visible_instances(query: Select, user) -> Select:
    """``query`` (over ProcessInstance) narrowed to what ``user`` may see."""
    bounds = scope(user)
    if bounds is NOTHING:
        return query.where(false())
    for column, value in bounds.items():
        query = query.where(getattr(ProcessInstance, column) == value)
    return query


def can_see_instance(user, instance: ProcessInstance | None) -> bool:
    bounds = scope(user)
    if instance is None or bounds is NOTHING:
        return False
    return all(getattr(instance, column) == value for column, value in bounds.items())
