"""Who may work on an open task, and who may hand it to whom.

The task list, the task pages and the claim actions all ask here, on top of ``app.access``
(which decides who sees an application at all), so a task a user cannot see is never one they
can act on:

- a task belongs to the role of its lane; a ЦПЭ task only to the ЦПЭ of its region, a client
  task only to the clients of the application's company;
- МО РЭЦ records the operator's actions where the operator has no access (regulation 3.10), so
  an МО РЭЦ user may act on operator tasks, on the operator's behalf;
- a task whose element names stand-ins in the model (``on_behalf``: «КБ РЭЦ; ЦПЭ» on step 1,
  the questionnaire КБ РЭЦ or the ЦПЭ may fill for the client) may be taken by those roles too,
  on an application one of them filed, each bound as for its own tasks (a ЦПЭ user in its
  region), on the lane role's behalf;
- a claimed task is its assignee's alone;
- a manager assigns the tasks of the roles they hold, in their region (or anywhere if central);
  an admin assigns any task.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select, true

from ..access import can_see_instance
from ..extensions import db
from ..models import OpenTask, ProcessInstance, User, UserRole
from ..roles import LANE_ROLES, Role, roles_of_lanes

TASK_ROLES = frozenset(LANE_ROLES.values())
# role of the task -> the role that may stand in for it on every task of that role, on its behalf
STAND_INS = {Role.OPERATOR: Role.MO_REC}
# A client acts for its own company and may stand in for nobody: the model check refuses it.
NEVER_STAND_INS = frozenset({Role.CLIENT})


def stand_ins_column(on_behalf: str | None, instance: ProcessInstance) -> str | None:
    """The task-list index's value for an element's ``on_behalf`` property (",kb_rec,cpe,") on
    ``instance``. Stand-ins fill a task only on an application one of them filed on the client's
    behalf: one the client filed itself stays the client's to fill (nobody else may claim it)."""
    roles = [role.value for role in roles_of_lanes(on_behalf) if role not in NEVER_STAND_INS]
    if not roles or not _filed_by_one_of(instance, roles):
        return None
    return "," + ",".join(roles) + ","


def _filed_by_one_of(instance: ProcessInstance, roles: list[str]) -> bool:
    filer = db.session.scalar(select(User).where(User.email == instance.started_by))
    return filer is not None and not filer.has_role(Role.CLIENT) and any(filer.has_role(r) for r in roles)


def stand_ins_of(task: OpenTask) -> set[str]:
    """The roles the model lets fill ``task`` for its lane's role."""
    return {role for role in (task.stand_ins or "").split(",") if role}


def acting_roles(user) -> set[str]:
    """The task roles ``user`` works for: the lane roles held, plus those stood in for on every task."""
    held = user.roles
    roles = {role.value for role in held if role in TASK_ROLES}
    roles |= {role.value for role, stand_in in STAND_INS.items() if stand_in in held}
    return roles


def _lane_roles_held(user) -> set[str]:
    return {role.value for role in user.roles if role in TASK_ROLES and role not in NEVER_STAND_INS}


def _where(role: str, user):
    """SQL condition over OpenTask (joined with ProcessInstance) on where a task may be for
    ``user`` to work on it as ``role``; None when the account lacks what binds it."""
    if role == Role.CLIENT:
        return ProcessInstance.company_inn == user.company_inn if user.company_inn else None
    if role == Role.CPE:
        return OpenTask.region == user.region if user.region else None
    return true()


def eligible_clause(user):
    """SQL condition over OpenTask (joined with ProcessInstance): tasks of ``user``'s roles
    in ``user``'s region or company, and those the model lets them fill for another role,
    whoever holds them."""
    clauses = []
    for role in acting_roles(user):
        if (where := _where(role, user)) is not None:
            clauses.append(and_(OpenTask.role == role, where))
    if stood_in := _stood_in_ids(user):
        clauses.append(OpenTask.id.in_(stood_in))
    return or_(*clauses) if clauses else false()


def _stood_in_ids(user) -> list[int]:
    """Ids of the open tasks ``user`` may fill as a stand-in. They are few (step 1 of the
    applications filed on a client's behalf) and found by their partial index first, so the task
    list's own query keeps its plan over the region's index (a LIKE in its OR would not)."""
    conditions = [and_(OpenTask.stand_ins.like(f"%,{role},%"), where) for role in _lane_roles_held(user)
                  if (where := _where(role, user)) is not None]
    if not conditions:
        return []
    return list(db.session.scalars(select(OpenTask.id).where(OpenTask.stand_ins.is_not(None), or_(*conditions))))


def _within(role: str, user, task: OpenTask, instance: ProcessInstance) -> bool:
    """Whether ``task`` is where ``user`` works as ``role`` (the company's, the region's)."""
    if role == Role.CLIENT:
        return bool(user.company_inn) and user.company_inn == instance.company_inn
    if role == Role.CPE:
        return bool(user.region) and user.region == task.region
    return True


def _stand_in_roles(user, task: OpenTask) -> set[str]:
    """The roles of ``user`` the model lets fill ``task`` for its lane's role."""
    return _lane_roles_held(user) & stand_ins_of(task) - {task.role}


def may_take(user, task: OpenTask, instance: ProcessInstance | None) -> bool:
    """Whether ``user`` may claim or complete ``task``, leaving aside who has claimed it."""
    if instance is None or not can_see_instance(user, instance):
        return False
    if task.role in acting_roles(user) and _within(task.role, user, task, instance):
        return True
    return any(_within(role, user, task, instance) for role in _stand_in_roles(user, task))


def may_complete(user, task: OpenTask, instance: ProcessInstance | None) -> bool:
    return may_take(user, task, instance) and task.assignee in (None, user.email)


def on_behalf_of(user, task: OpenTask) -> str | None:
    """The role ``user`` acts for when completing ``task`` as a stand-in, else None."""
    role = task.role
    if role is None or user.has_role(role):
        return None
    if role in (r.value for r in STAND_INS) or _stand_in_roles(user, task):
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
