"""Who sees which applications: the one place the region and company isolation is decided.

Every page, file and API that shows an application filters through ``visible_instances`` (lists)
or ``can_see_instance`` (one record), so the rule cannot drift between them:

- a client sees only the applications of their company (by INN);
- a ЦПЭ user (role cpe, also a ЦПЭ head holding cpe + manager) and a manager bound to a region
  see only the applications of that region;
- an operator's user sees only the applications whose tripartite agreement names the operator
  the account is linked to (``app.operators``); an account linked to none sees nothing;
- central staff (МО/ОПС/КБ РЭЦ, process owner, analyst, admin, a manager without a region)
  see all.
- anyone else, and an account whose scope is incomplete (a client without INN, a ЦПЭ user
  without region), sees nothing: a missing value never widens access.
"""
from __future__ import annotations

from sqlalchemy import Select, false, select

from .extensions import db
from .models import ApplicationOperator, OperatorUser, ProcessInstance
from .roles import Role

CENTRAL_ROLES = frozenset({Role.MO_REC, Role.OPS_REC, Role.KB_REC, Role.MANAGER,
                           Role.PROCESS_OWNER, Role.ANALYST, Role.ADMIN})
# Not a column: the bound of an operator's user, the user's id, matched through the agreements.
OPERATOR_USER = "operator_user"

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
    if Role.OPERATOR in roles:
        bounds[OPERATOR_USER] = user.id
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
        if column == OPERATOR_USER:
            query = query.where(ProcessInstance.id.in_(_named_by_operator_of(value)))
        else:
            query = query.where(getattr(ProcessInstance, column) == value)
    return query


def can_see_instance(user, instance: ProcessInstance | None) -> bool:
    bounds = scope(user)
    if instance is None or bounds is NOTHING:
        return False
    for column, value in bounds.items():
        if column == OPERATOR_USER:
            if instance.id is None or db.session.scalar(
                    _named_by_operator_of(value).where(ApplicationOperator.instance_id == instance.id)) is None:
                return False
        elif getattr(instance, column) != value:
            return False
    return True


def _named_by_operator_of(user_id: int) -> Select:
    """Ids of the applications whose agreement names the operator ``user_id`` acts for."""
    return (select(ApplicationOperator.instance_id)
            .join(OperatorUser, OperatorUser.operator_id == ApplicationOperator.operator_id)
            .where(OperatorUser.user_id == user_id))
