"""Claiming, releasing and assigning open tasks, each recorded in the audit trail.

A claim is one conditional UPDATE (… WHERE assignee IS NULL), so of two users who press
«Взять» at once exactly one gets the task and the other learns who did: no lock, no lost
claim. The engine never touches the assignee: the index row of a task keeps it until the task
is done.
"""
from __future__ import annotations

from sqlalchemy import insert, select, update

from ..access import can_see_instance
from ..accounts.names import display_name
from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, User
from .rights import assignees_for, may_assign, may_take
from ..workflow.errors import Conflict, NotFound, TaskAlreadyDone, WorkflowError
from ..workflow.runtime import runtime
from ..statuses import AuditAction


class AlreadyClaimed(Conflict):
    def __init__(self, holder: str | None):
        # By name: whoever reads it (a colleague, a manager) knows people, not their addresses.
        super().__init__(f"Задачу уже взял {display_name(holder)}" if holder else "Задачу уже взял другой пользователь")
        self.holder = holder


class NotAllowed(WorkflowError):
    http_status = 403


class NotAnAssignee(NotAllowed):
    """The person named may not take this task: the caller's input is wrong, not their rights."""

    http_status = 422
    field = "assignee"


def load_task(task_id: str, user) -> tuple[OpenTask, ProcessInstance]:
    """The open task and its instance; NotFound when the user may not see the application,
    TaskAlreadyDone when the task is no longer open."""
    task = db.session.scalar(select(OpenTask).where(OpenTask.task_id == task_id))
    if task is None:
        # Done meanwhile: say so to whoever sees its application; to anyone else, and for an id
        # that never was, it does not exist (a 409 would tell that it did).
        seen_in = db.session.scalar(select(AuditEvent.instance_id).where(AuditEvent.task_id == task_id).limit(1))
        if seen_in is not None and can_see_instance(user, db.session.get(ProcessInstance, seen_in)):
            raise TaskAlreadyDone("Задачу уже выполнил другой пользователь")
        raise NotFound("задача не найдена")
    instance = db.session.get(ProcessInstance, task.instance_id)
    if not can_see_instance(user, instance):
        raise NotFound("задача не найдена")
    return task, instance


def claim(task_id: str, user) -> OpenTask:
    task, instance = load_task(task_id, user)
    if not may_take(user, task, instance):
        raise NotAllowed("Эту задачу выполняет другая роль или другой регион")
    now = runtime().clock.now()
    taken = db.session.execute(update(OpenTask).where(OpenTask.task_id == task_id, OpenTask.assignee.is_(None))
                               .values(assignee=user.email, claimed_at=now)
                               .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        holder = db.session.scalar(select(OpenTask.assignee).where(OpenTask.task_id == task_id))
        if holder == user.email:
            return task  # pressed twice: already ours
        if holder is None and not _still_open(task_id):
            raise TaskAlreadyDone("Задачу уже выполнил другой пользователь")
        raise AlreadyClaimed(holder)
    _audit(task, user.email, AuditAction.CLAIMED, now, assignee=user.email)
    db.session.commit()
    return task


def unclaim(task_id: str, user) -> OpenTask:
    task, instance = load_task(task_id, user)
    if not may_take(user, task, instance):
        # Someone of another role gets "not yours to touch", not "someone else holds it".
        raise NotAllowed("Эту задачу выполняет другая роль или другой регион")
    now = runtime().clock.now()
    released = db.session.execute(update(OpenTask).where(OpenTask.task_id == task_id,
                                                         OpenTask.assignee == user.email)
                                  .values(assignee=None, claimed_at=None)
                                  .execution_options(synchronize_session=False))
    if released.rowcount != 1:
        db.session.rollback()
        raise Conflict("Эта задача не у вас в работе")
    _audit(task, user.email, AuditAction.UNCLAIMED, now, assignee=None)
    db.session.commit()
    return task


def release(task_id: str, user) -> OpenTask:
    """Return the task to «Доступные» whoever holds it: one's own as ``unclaim``, another's by a
    manager who may assign it («Освободить»)."""
    task, instance = load_task(task_id, user)
    if task.assignee == user.email:
        return unclaim(task_id, user)
    if not may_assign(user, task, instance):
        raise NotAllowed("Освобождать эту задачу может руководитель её роли и региона")
    if task.assignee is None:
        raise Conflict("Задача никому не назначена")
    now = runtime().clock.now()
    freed = db.session.execute(update(OpenTask).where(OpenTask.task_id == task_id, OpenTask.assignee == task.assignee)
                               .values(assignee=None, claimed_at=None).execution_options(synchronize_session=False))
    if freed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Задачу тем временем взял или выполнил другой пользователь: обновите страницу")
    _audit(task, user.email, AuditAction.UNCLAIMED, now, assignee=None, previous=task.assignee)
    db.session.commit()
    return task


def assign(task_id: str, user, assignee_email: str) -> User:
    """Hand the task to ``assignee_email`` (or take it from whoever holds it)."""
    task, instance = load_task(task_id, user)
    if not may_assign(user, task, instance):
        raise NotAllowed("Назначать эту задачу может руководитель её роли и региона")
    target = next((u for u in assignees_for(task, instance) if u.email == assignee_email), None)
    if target is None:
        raise NotAnAssignee(f"Пользователю {assignee_email} нельзя назначить задачу: "
                            "нет такого сотрудника с ролью и регионом задачи")
    now = runtime().clock.now()
    # Conditional on the holder read above: a claim made meanwhile is not silently overridden.
    moved = db.session.execute(update(OpenTask).where(
        OpenTask.task_id == task_id,
        OpenTask.assignee.is_(None) if task.assignee is None else OpenTask.assignee == task.assignee)
        .values(assignee=target.email, claimed_at=now).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.rollback()
        raise Conflict("Задачу тем временем взял или выполнил другой пользователь: обновите страницу")
    _audit(task, user.email, AuditAction.ASSIGNED, now, assignee=target.email, previous=task.assignee)
    db.session.commit()
    return target


def _still_open(task_id: str) -> bool:
    return db.session.scalar(select(OpenTask.id).where(OpenTask.task_id == task_id)) is not None


def _audit(task: OpenTask, actor: str, action: str, now, **details) -> None:
    db.session.execute(insert(AuditEvent).values(
        instance_id=task.instance_id, at=now, actor=actor, action=action, element_id=task.element_id,
        element_name=task.name, task_id=task.task_id, details=details))
