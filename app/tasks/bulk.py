"""Bulk claim, assign and release of tasks for managers: the page's checkboxes and the API's
POST /api/v1/tasks/bulk.

Each task goes through ``claims`` on its own (its own conditional UPDATE, audit entry and
commit), so a task that cannot be moved (done meanwhile, not the manager's to assign, taken by
someone a moment ago) is reported by its application's number and step and the rest are moved.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..access import can_see_instance
from ..accounts.names import name_and_organisation
from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, User
from ..roles import Role
from ..statuses import BulkAction
from ..workflow.errors import WorkflowError
from . import claims
from .rights import assignees_for

MAX_TASKS = 100


class BadBulkRequest(WorkflowError):
    """The request itself is wrong (no tasks, an unknown action or person): nothing was changed."""

    http_status = 422

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class NotAManager(claims.NotAllowed):
    pass


@dataclass(frozen=True)
class Item:
    task_id: str
    application_id: int | None  # None: not a task the user sees (never was, or of another region)
    step_name: str | None


@dataclass
class Outcome:
    action: BulkAction
    done: list[Item] = field(default_factory=list)
    failed: list[tuple[Item, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.action.done_label} задач: {len(self.done)} из {len(self.done) + len(self.failed)}."

    def failure_lines(self) -> list[str]:
        """«Заявка № 12, «Проверка Заявки в ЦПЭ»: Задачу уже выполнил другой пользователь»."""
        return [f"Заявка № {item.application_id}, «{item.step_name}»: {reason}"
                if item.application_id is not None else "Одна из отмеченных задач не найдена или недоступна"
                for item, reason in self.failed]


def may_bulk(user) -> bool:
    return user.has_role(Role.MANAGER) or user.has_role(Role.ADMIN)


def apply(user, action: str, task_ids, *, assignee: User | None = None) -> Outcome:
    """Do ``action`` to each task of ``task_ids`` (in order, each once); ``assignee`` for ASSIGN."""
    if not may_bulk(user):
        raise NotAManager("Отмечать несколько задач сразу может руководитель")
    try:
        action = BulkAction(action)
    except ValueError:
        raise BadBulkRequest("Выберите действие: взять, назначить или освободить", "action") from None
    ids = list(dict.fromkeys(str(t).strip() for t in task_ids if str(t).strip()))
    if not ids:
        raise BadBulkRequest("Отметьте хотя бы одну задачу", "task_ids")
    if len(ids) > MAX_TASKS:
        raise BadBulkRequest(f"Отмечено больше {MAX_TASKS} задач: выберите меньше", "task_ids")
    if action == BulkAction.ASSIGN and assignee is None:
        raise BadBulkRequest("Выберите сотрудника, которому назначить задачи", "assignee")
    items = _items(user, ids)
    outcome = Outcome(action)
    for task_id in ids:
        try:
            if action == BulkAction.CLAIM:
                claims.claim(task_id, user)
            elif action == BulkAction.RELEASE:
                claims.release(task_id, user)
            else:
                claims.assign(task_id, user, assignee.email)
        except claims.NotAnAssignee:
            outcome.failed.append((items[task_id], f"{assignee.full_name} не может выполнять эту задачу"))
        except WorkflowError as exc:  # done, taken, not theirs, not found: said per task, the rest go on
            db.session.rollback()
            outcome.failed.append((items[task_id], str(exc)))
        else:
            outcome.done.append(items[task_id])
    return outcome


def _items(user, ids: list[str]) -> dict[str, Item]:
    """What each task is called, read before anything moves (a done task leaves the index): its
    application and step, if the user sees its application."""
    found = {task_id: (instance_id, name) for task_id, instance_id, name in db.session.execute(
        select(OpenTask.task_id, OpenTask.instance_id, OpenTask.name).where(OpenTask.task_id.in_(ids)))}
    for task_id, instance_id, name in db.session.execute(
            select(AuditEvent.task_id, AuditEvent.instance_id, AuditEvent.element_name)
            .where(AuditEvent.task_id.in_([t for t in ids if t not in found])).order_by(AuditEvent.id)):
        found.setdefault(task_id, (instance_id, name))
    instances = {i.id: i for i in db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.id.in_({instance_id for instance_id, _ in found.values()})))}
    items = {}
    for task_id in ids:
        instance_id, name = found.get(task_id, (None, None))
        seen = instance_id is not None and can_see_instance(user, instances.get(instance_id))
        items[task_id] = Item(task_id, instance_id if seen else None, name if seen else None)
    return items


def staff_for(user, rows) -> list[tuple[User, str]]:
    """Whom ``user`` may hand the tasks of ``rows`` ((task, instance) they may assign) to, each once,
    by name and organisation. Tasks of one role and region have the same staff: asked once per pair."""
    people: dict[int, User] = {}
    asked = set()
    for task, instance in rows:
        key = (task.role, task.region, instance.company_inn if task.role == Role.CLIENT else None)
        if key not in asked:
            asked.add(key)
            people.update((u.id, u) for u in assignees_for(task, instance))
    return sorted(((u, name_and_organisation(u.email)) for u in people.values()), key=lambda p: p[1])


def staff_member(value, *, by: str = "id") -> User:
    """The active account an assignment names (the page's select sends its id, the API an e-mail)."""
    query = select(User).where(User.is_active)
    if by == "id":
        if not str(value or "").strip().isdigit():
            raise BadBulkRequest("Выберите сотрудника, которому назначить задачи", "assignee")
        query = query.where(User.id == int(value))
    else:
        query = query.where(User.email == str(value or "").strip())
    found = db.session.scalar(query)
    if found is None:
        raise BadBulkRequest("Нет такого сотрудника: выберите из списка", "assignee")
    return found
