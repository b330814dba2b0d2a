"""Who may work on an open task, and who may hand it to whom.

The task list, the task pages and the claim actions all ask here, on top of ``app.access``
(which decides who sees an application at all), so a task a user cannot see is never one they
can act on:

- a task belongs to the role of its lane; a ЦПЭ task only to the ЦПЭ of its region, a client
  task only to the clients of the application's company;
- МО РЭЦ records the operator's actions where the operator has no access (regulation 3.10), so
  an МО РЭЦ user may act on operator tasks, on the operator's behalf;
- a claimed task is its assignee's alone;
- a manager assigns the tasks of the roles they hold, in their region (or anywhere if central);
  an admin assigns any task.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from ..access import can_see_instance
from ..extensions import db
from ..models import OpenTask, ProcessInstance, User, UserRole
from ..roles import LANE_ROLES, Role

TASK_ROLES = frozenset(LANE_ROLES.values())
# role of the task -> the role that may stand in for it, on its behalf
STAND_INS = {Role.OPERATOR: Role.MO_REC}


def acting_roles(user) -> set[str]:
    """The task roles ``user`` works for: the lane roles held, plus those stood in for."""
    held = user.roles
    roles = {role.value for role in held if role in TASK_ROLES}
    roles |= {role.value for role, stand_in in STAND_INS.items() if stand_in in held}
    return roles


def eligible_clause(user):
    """SQL condition over OpenTask (joined with ProcessInstance): tasks of ``user``'s roles
    in ``user``'s region or company, whoever holds them."""
    clauses = []
    for role in acting_roles(user):
        if role == Role.CLIENT:
            if user.company_inn:
                clauses.append(and_(OpenTask.role == role, ProcessInstance.company_inn == user.company_inn))
        elif role == Role.CPE:
            if user.region:
                clauses.append(and_(OpenTask.role == role, OpenTask.region == user.region))
        else:
            clauses.append(OpenTask.role == role)
    return or_(*clauses) if clauses else false()


def may_take(user, task: OpenTask, instance: ProcessInstance | None) -> bool:
    """Whether ``user`` may claim or complete ``task``, leaving aside who has claimed it."""
    if instance is None or not can_see_instance(user, instance) or task.role not in acting_roles(user):
        return False
    if task.role == Role.CLIENT:
        return bool(user.company_inn) and user.company_inn == instance.company_inn
    if task.role == Role.CPE:
        return bool(user.region) and user.region == task.region
    return True


def may_complete(user, task: OpenTask, instance: ProcessInstance | None) -> bool:
    return may_take(user, task, instance) and task.assignee in (None, user.email)


def on_behalf_of(user, task: OpenTask) -> str | None:
    """The role ``user`` acts for when completing ``task`` as a stand-in, else None."""
    role = task.role
    if role in (r.value for r in STAND_INS) and not user.has_role(role):
        return role
    return None


def may_assign(user, task: OpenTask, instance: ProcessInstance | None) -> bool:
    if instance is None or not can_see_instance(user, instance):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return (user.has_role(Role.MANAGER) and task.role is not None and user.has_role(task.role)
            and user.region in (None, task.region))


def assignees_for(task: OpenTask, instance: ProcessInstance) -> list[User]:
    """Active users who may take ``task``: holders of its role (or its stand-in) where it is."""
    roles = [task.role] + [stand_in.value for role, stand_in in STAND_INS.items() if role == task.role]
    query = (select(User).where(User.is_active,
                                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
             .order_by(User.full_name))
    if task.role == Role.CPE:
        query = query.where(User.region == task.region)
    elif task.role == Role.CLIENT:
        query = query.where(User.company_inn == instance.company_inn)
    return [u for u in db.session.scalars(query) if may_take(u, task, instance)]
