"""Running instances: start, complete a task, fire timers; every change saved in one transaction.

Each operation loads the instance row, lets the engine work on its state, then writes back the
state, the status columns, the task-list index, the waiting timers and the audit trail
together. The row's revision makes the write conditional, so of two concurrent changes to one
instance the later one fails with ConcurrentUpdate instead of silently undoing the first.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..engine import Step, TaskNotFound, TaskNotReady, ThrownMessage
from ..extensions import db
from ..forms import validate as validate_form
from ..models import AuditEvent, Deployment, OpenTask, ProcessInstance, Timer
from ..roles import role_of_lane
from ..statuses import InstanceState
from .deployments import current_deployment, model_of
from .errors import ConcurrentUpdate, InvalidTaskData, NotFound, TaskAlreadyDone
from .runtime import runtime

log = logging.getLogger(__name__)
SYSTEM = "system"


def start_process(process_id: str, data: dict | None = None, *, actor: str, region: str | None = None,
                  company_name: str | None = None, company_inn: str | None = None,
                  deployment: Deployment | None = None) -> ProcessInstance:
    """Start an instance on the latest deployed version (or the one given)."""
    instance = _start(process_id, data or {}, actor=actor, region=region, company_name=company_name,
                      company_inn=company_inn, deployment=deployment or current_deployment())
    _commit()
    return instance


def complete_task(instance_id: int, task_id: str, data: dict | None = None, *, actor: str,
                  on_behalf_of: str | None = None, validate: bool = True) -> ProcessInstance:
    instance = get_instance(instance_id)
    data = dict(data or {})
    open_task = db.session.scalar(select(OpenTask).where(OpenTask.task_id == str(task_id)))
    if open_task is None or open_task.instance_id != instance.id:
        raise TaskAlreadyDone(f"задача {task_id} заявки {instance_id} уже выполнена или снята: "
                              "обновите страницу")
    if validate and open_task.form:
        errors = validate_form(open_task.form, data)
        if errors:
            raise InvalidTaskData(errors)
    engine = runtime().engine
    try:
        step = engine.complete(model_of(instance.deployment), instance.engine_state, task_id, data,
                               cache_key=(instance.id, instance.revision))
    except TaskNotReady as exc:
        raise TaskAlreadyDone(f"задача уже выполнена или снята: обновите страницу ({exc})") from exc
    except TaskNotFound as exc:
        raise NotFound(f"нет такой задачи в заявке {instance_id}") from exc
    with _saving():
        _apply(instance, step, actor=actor, on_behalf_of=on_behalf_of, action="completed",
               details={"data": data})
        _commit()
    return instance


def advance_instance(instance_id: int, *, actor: str = SYSTEM) -> ProcessInstance:
    """Fire the instance's timers that are due by the clock and run what follows."""
    instance = get_instance(instance_id)
    step = runtime().engine.advance(model_of(instance.deployment), instance.engine_state,
                                    cache_key=(instance.id, instance.revision))
    with _saving():
        _apply(instance, step, actor=actor, action="timers")
        _commit()
    return instance


def fire_due_timers(now: datetime) -> int:
    """Advance every instance with a timer due before ``now``; one failure never stops the rest."""
    ids = db.session.scalars(
        select(Timer.instance_id).where(Timer.due_at < now).distinct().order_by(Timer.instance_id)).all()
    fired = 0
    for instance_id in ids:
        try:
            advance_instance(instance_id)
            fired += 1
        except Exception:  # one broken instance is logged, the sweep goes on
            db.session.rollback()
            log.exception("firing timers of instance %s failed", instance_id)
    return fired


def get_instance(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"заявка {instance_id} не найдена")
    return instance


def inspect_instance(instance: ProcessInstance) -> Step:
    """Current tasks, timers and data of an instance, without changing it."""
    return runtime().engine.inspect(model_of(instance.deployment), instance.engine_state,
                                    cache_key=(instance.id, instance.revision))


# -- internals ----------------------------------------------------------------------------
def _start(process_id, data, *, actor, region, company_name, company_inn, deployment,
           parent_id=None, message: ThrownMessage | None = None) -> ProcessInstance:
    now = runtime().clock.now()
    instance = ProcessInstance(deployment=deployment, process_id=process_id, parent_id=parent_id,
                               region=region, company_name=company_name, company_inn=company_inn,
                               state=InstanceState.RUNNING, engine_state=b"", started_at=now,
                               updated_at=now, started_by=actor)
    db.session.add(instance)
    db.session.flush()  # the id is part of the instance's data
    variables = {"application_id": instance.id, "region": region, "company_name": company_name,
                 "company_inn": company_inn, **data}
    step = runtime().engine.start(model_of(deployment), process_id, variables, message=message)
    _apply(instance, step, actor=actor, action="started",
           details={"process_id": process_id, "message": message.name if message else None})
    return instance


def _apply(instance: ProcessInstance, step: Step, *, actor: str, action: str,
           on_behalf_of: str | None = None, details: dict | None = None) -> None:
    now = runtime().clock.now()
    instance.engine_state = step.state
    instance.application_status = step.application_status
    instance.service_status = step.service_status
    instance.updated_at = now
    if step.completed:
        instance.state, instance.completed_at = InstanceState.COMPLETED, now
    _sync_open_tasks(instance, step)
    _sync_timers(instance, step, now)
    _audit(instance, step, now, actor=actor, on_behalf_of=on_behalf_of, action=action, details=details)
    instance._pending_step = step
    for message in step.messages:
        _route(instance, message, actor)


def _sync_open_tasks(instance, step: Step) -> None:
    rows = {row.task_id: row for row in db.session.scalars(
        select(OpenTask).where(OpenTask.instance_id == instance.id))} if instance.id else {}
    ready = {t.id: t for t in step.tasks}
    for task_id, row in rows.items():
        if task_id not in ready:
            db.session.delete(row)
    for task in step.tasks:
        if task.id in rows:
            continue
        role = role_of_lane(task.lane)
        db.session.add(OpenTask(
            instance_id=instance.id, task_id=task.id, element_id=task.element_id, name=task.name,
            step=task.step, lane=task.lane, role=role.value if role else None, region=instance.region,
            form=task.form, ready_at=task.ready_at, normative_due=task.normative_due,
            indicative_due=task.indicative_due, wait_due=task.wait_due))


def _sync_timers(instance, step: Step, now: datetime) -> None:
    rows = {row.task_id: row for row in db.session.scalars(
        select(Timer).where(Timer.instance_id == instance.id))}
    waiting = {t.task_id: t for t in step.timers}
    for task_id, row in rows.items():
        if task_id not in waiting:
            db.session.delete(row)  # fired (recorded in the audit trail) or cancelled
    for timer in step.timers:
        if timer.task_id in rows:
            continue
        db.session.add(Timer(
            instance_id=instance.id, task_id=timer.task_id, element_id=timer.element_id, name=timer.name,
            kind=timer.kind, step=timer.step, region=instance.region, due_at=timer.due_at,
            interrupting=timer.interrupting, attached_task_id=timer.attached_task_id,
            attached_element_id=timer.attached_element_id, created_at=now))


def _audit(instance, step: Step, now, *, actor, on_behalf_of, action, details) -> None:
    events = []
    done = step.completed_task
    if action != "timers":
        events.append(AuditEvent(
            action=action, element_id=done.element_id if done else None,
            element_name=done.name if done else None, task_id=done.id if done else None,
            details=details))
    for fired in step.fired:
        events.append(AuditEvent(
            action="timer_fired", element_id=fired.element_id, element_name=fired.name,
            task_id=fired.task_id, details={"kind": fired.kind, "step": fired.step,
                                            "due_at": fired.due_at.isoformat() if fired.due_at else None,
                                            "task": fired.attached_element_id}))
    for change in step.status_changes:
        events.append(AuditEvent(
            action="status", element_id=change.element_id, element_name=change.element_name,
            status_line=change.line, status_from=change.old, status_to=change.new))
    actor_of_timers = SYSTEM if action == "timers" else actor
    for event in events:
        event.instance_id, event.at = instance.id, now
        event.actor = actor if event.action != "timer_fired" else actor_of_timers
        event.on_behalf_of = on_behalf_of
        db.session.add(event)


def _route(instance, message: ThrownMessage, actor: str) -> None:
    """A thrown message starts the deployed process whose start event catches it."""
    deployment = current_deployment()
    process_id = model_of(deployment).message_start(message.name)
    if process_id is None:
        log.warning("message %s thrown by instance %s has no catching process", message.name, instance.id)
        return
    _start(process_id, {}, actor=actor, region=instance.region, company_name=instance.company_name,
           company_inn=instance.company_inn, deployment=deployment, parent_id=instance.id, message=message)


@contextmanager
def _saving():
    """A write that lost the race (the row's revision moved on) becomes a ConcurrentUpdate.

    The conditional UPDATE may run at commit or at any autoflush before it, hence the block.
    """
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise ConcurrentUpdate("заявку одновременно изменил другой пользователь: обновите страницу "
                               "и повторите действие") from exc


def _commit() -> None:
    pending = [o for o in db.session.new | db.session.dirty if isinstance(o, ProcessInstance)]
    db.session.commit()
    engine = runtime().engine
    for obj in pending:
        step = getattr(obj, "_pending_step", None)
        if step is not None:
            engine.keep((obj.id, obj.revision), step)
            obj._pending_step = None
