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

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm.exc import StaleDataError

from ..engine import BudgetExceeded, ScriptFailed, Step, TaskNotFound, TaskNotReady, ThrownMessage
from ..extensions import db
from ..forms.schema import load_form, validate as validate_form
from ..models import AuditEvent, Deployment, OpenTask, ProcessInstance, Timer
from ..incidents.recording import record_failure
from ..statuses import AuditAction, IncidentKind, InstanceState, TimerEffect, TimerState
from ..tasks.fields import undeclared_fields
from .deployments import current_deployment, forms_dir, model_of, model_of_id
from .errors import ConcurrentUpdate, InvalidTaskData, NotFound, StepFailed, TaskAlreadyDone
from ..deadlines.alarm import notify_alarm
from .reactions import after_step
from .runtime import runtime

log = logging.getLogger(__name__)
SYSTEM = "system"


def start_process(process_id: str, data: dict | None = None, *, actor: str, region: str | None = None,
                  company_name: str | None = None, company_inn: str | None = None,
                  deployment: Deployment | None = None, parent_id: int | None = None,
                  message: ThrownMessage | None = None) -> ProcessInstance:
    """Start an instance on the latest deployed version (or the one given); with ``message``, on
    the start event that catches it, as a message thrown by another instance would."""
    deployment = deployment or current_deployment()
    try:
        with _saving():
            instance = _start(process_id, data or {}, actor=actor, region=region, company_name=company_name,
                              company_inn=company_inn, deployment=deployment, parent_id=parent_id, message=message)
            _commit()
    except (ScriptFailed, BudgetExceeded) as exc:
        payload = {"data": data or {}, "region": region, "company_name": company_name, "company_inn": company_inn,
                   "parent_id": parent_id, "message": [message.name, message.payload] if message else None}
        raise StepFailed(record_failure(IncidentKind.START, exc, actor=actor, now=runtime().clock.now(),
                                        process_id=process_id, payload=payload,
                                        deployment_id=deployment.id)) from exc
    return instance


def complete_task(instance_id: int, task_id: str, data: dict | None = None, *, actor: str,
                  on_behalf_of: str | None = None, note: dict | None = None) -> ProcessInstance:
    """Complete a ready task with ``data``, which must hold only its form's fields and pass the
    form; ``note`` is added to the audit entry (a retry's administrator). A stop in the model's
    code opens an incident and raises StepFailed."""
    instance = get_instance(instance_id)
    data = dict(data or {})
    open_rows = _open_task_rows(instance.id)
    open_task = open_rows.get(str(task_id))
    if open_task is None:
        raise TaskAlreadyDone(f"задача {task_id} заявки {instance_id} уже выполнена или снята: "
                              "обновите страницу")
    folder = forms_dir()
    schema = load_form(open_task.form, folder) if open_task.form else {"type": "object", "properties": {}}
    errors = (validate_form(open_task.form, data, folder) if open_task.form else []) + undeclared_fields(schema, data)
    if errors:
        raise InvalidTaskData(errors)
    engine = runtime().engine
    try:
        step = engine.complete(_model(instance), instance.engine_state, task_id, data,
                               cache_key=(instance.id, instance.revision))
        with _saving():  # a message it throws starts another process: its code may fail too
            _apply(instance, step, actor=actor, on_behalf_of=on_behalf_of, action=AuditAction.COMPLETED,
                   details={"data": data, **_timing(open_task), **(note or {})}, open_rows=open_rows)
            _commit()
    except TaskNotReady as exc:
        raise TaskAlreadyDone(f"задача уже выполнена или снята: обновите страницу ({exc})") from exc
    except TaskNotFound as exc:
        raise NotFound(f"нет такой задачи в заявке {instance_id}") from exc
    except (ScriptFailed, BudgetExceeded) as exc:
        payload = {"data": data, "on_behalf_of": on_behalf_of, "task_name": open_task.name}
        raise StepFailed(record_failure(IncidentKind.COMPLETION, exc, actor=actor, now=runtime().clock.now(),
                                        instance=instance, task_id=str(task_id), payload=payload)) from exc
    return instance


def advance_instance(instance_id: int, *, actor: str = SYSTEM,
                     due_before: datetime | None = None) -> ProcessInstance | None:
    """Fire the instance's timers that are due by the clock and run what follows.

    A sweep passes ``due_before``: the instance row is then claimed with FOR UPDATE SKIP LOCKED
    (PostgreSQL) and None is returned when another sweep holds it, or has already fired its
    timers by the time the lock is ours.
    """
    if due_before is not None:
        instance = db.session.scalar(select(ProcessInstance).where(ProcessInstance.id == instance_id)
                                     .with_for_update(skip_locked=True))
        still_due = instance is not None and db.session.scalar(select(Timer.id).where(
            Timer.instance_id == instance_id, Timer.state == TimerState.WAITING,
            Timer.effect == TimerEffect.ADVANCE, Timer.due_at < due_before).limit(1))
        if not still_due:
            db.session.rollback()
            return None
    else:
        instance = get_instance(instance_id)
    try:
        step = runtime().engine.advance(_model(instance), instance.engine_state,
                                        cache_key=(instance.id, instance.revision))
        with _saving():
            _apply(instance, step, actor=actor, action=None)  # the timers fired are the entries
            _commit()
    except (ScriptFailed, BudgetExceeded) as exc:
        raise StepFailed(record_failure(IncidentKind.TIMERS, exc, actor=actor, now=runtime().clock.now(),
                                        instance=instance)) from exc
    return instance


def get_instance(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"заявка {instance_id} не найдена")
    return instance


def inspect_instance(instance: ProcessInstance) -> Step:
    """Current tasks, timers and data of an instance, without changing it."""
    return runtime().engine.inspect(_model(instance), instance.engine_state)


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
    _apply(instance, step, actor=actor, action=AuditAction.STARTED, open_rows={},
           details={"process_id": process_id, "message": message.name if message else None})
    return instance


def _timing(task: OpenTask) -> dict:
    """What the SLA figures need of a completed step: who, where, when it began, its deadlines."""
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {"step": task.step, "role": task.role, "region": task.region, "ready_at": iso(task.ready_at),
            "normative_due": iso(task.normative_due), "indicative_due": iso(task.indicative_due)}


def _model(instance: ProcessInstance):
    return model_of_id(instance.deployment_id)


def _open_task_rows(instance_id: int) -> dict[str, OpenTask]:
    return {row.task_id: row for row in db.session.scalars(
        select(OpenTask).where(OpenTask.instance_id == instance_id))}


def _apply(instance: ProcessInstance, step: Step, *, actor: str, action: AuditAction | None,
           on_behalf_of: str | None = None, details: dict | None = None,
           open_rows: dict[str, OpenTask] | None = None) -> None:
    """Write what the engine left behind: state, statuses, task index, timers, audit trail."""
    now = runtime().clock.now()
    instance.engine_state = step.state
    instance.application_status = step.application_status
    instance.service_status = step.service_status
    instance.updated_at = now
    if step.completed:
        instance.state, instance.completed_at = InstanceState.COMPLETED, now
    # The conditional UPDATE goes first: a lost race fails here, before anything else is written.
    db.session.flush()
    if open_rows is None:
        open_rows = _open_task_rows(instance.id)
    after_step(instance, step, now, open_rows)
    _sync_open_tasks(instance, step, set(open_rows))
    recorded = _sync_timers(instance, step, now)
    _audit(instance, step, now, actor=actor, on_behalf_of=on_behalf_of, action=action, details=details,
           recorded=recorded)
    db.session.info.setdefault("vitrina_steps", []).append((instance, step))
    for message in step.messages:
        _route(instance, message, actor)


# The index tables are written with Core statements: a completion touches a handful of rows
# and the ORM's per-object bookkeeping would cost more than the engine step itself.
def _sync_open_tasks(instance, step: Step, existing: set[str]) -> None:
    ready = {t.id for t in step.tasks}
    if stale := existing - ready:
        db.session.execute(delete(OpenTask).where(OpenTask.task_id.in_(stale)))
    rows = []
    for task in step.tasks:
        if task.id in existing:
            continue
        rows.append(dict(
            instance_id=instance.id, task_id=task.id, element_id=task.element_id, name=task.name,
            step=task.step, lane=task.lane, role=task.role, region=instance.region,
            form=task.form, ready_at=task.ready_at, normative_due=task.normative_due,
            indicative_due=task.indicative_due, wait_due=task.wait_due))
    if rows:
        db.session.execute(insert(OpenTask), rows)


def _sync_timers(instance, step: Step, now: datetime) -> set[str]:
    """Write the waiting timers; returns the ids of timers the sweep had already recorded."""
    states = dict(db.session.execute(select(Timer.task_id, Timer.state).where(Timer.instance_id == instance.id)).all())
    existing = set(states)
    catalog = _model(instance).catalogs[instance.process_id]
    waiting = {t.task_id for t in step.timers}
    if gone := existing - waiting:  # fired (recorded in the audit trail) or cancelled
        db.session.execute(delete(Timer).where(Timer.task_id.in_(gone)))
    rows = [dict(instance_id=instance.id, task_id=t.task_id, element_id=t.element_id, name=t.name,
                 kind=t.kind, step=t.step, region=instance.region, due_at=t.due_at,
                 interrupting=t.interrupting, attached_task_id=t.attached_task_id,
                 attached_element_id=t.attached_element_id, state=TimerState.WAITING, created_at=now,
                 effect=TimerEffect.SIGNAL if catalog.only_signals(t.element_id) else TimerEffect.ADVANCE)
            for t in step.timers if t.task_id not in existing]
    if rows:
        db.session.execute(insert(Timer), rows)
    return {task_id for task_id, state in states.items() if state == TimerState.FIRED}


def _audit(instance, step: Step, now, *, actor, on_behalf_of, action, details, recorded=frozenset()) -> None:
    base = dict(instance_id=instance.id, at=now, actor=actor, on_behalf_of=on_behalf_of, element_id=None,
                element_name=None, task_id=None, status_line=None, status_from=None, status_to=None,
                details=None)
    rows = []
    done = step.completed_task
    if action is not None:
        rows.append({**base, "action": action, "details": details,
                     **({"element_id": done.element_id, "element_name": done.name, "task_id": done.id}
                        if done else {})})
    for fired in step.fired:
        if fired.task_id in recorded:
            continue  # the sweep wrote this firing when it came due
        rows.append({**base, "action": AuditAction.TIMER_FIRED, "actor": SYSTEM, "element_id": fired.element_id,
                     "element_name": fired.name, "task_id": fired.task_id,
                     "details": {"kind": fired.kind, "step": fired.step, "task": fired.attached_element_id,
                                 "due_at": fired.due_at.isoformat() if fired.due_at else None}})
    for decision in step.decisions:
        rows.append({**base, "action": AuditAction.DECIDED, "actor": SYSTEM, "element_id": decision.element_id,
                     "element_name": decision.name,
                     "details": {"decision": decision.decision_id, "outputs": decision.outputs}})
    for change in step.status_changes:
        rows.append({**base, "action": "status", "element_id": change.element_id,
                     "element_name": change.element_name, "status_line": change.line,
                     "status_from": change.old, "status_to": change.new})
    if rows:
        db.session.execute(insert(AuditEvent), rows)


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
    except BaseException as exc:
        db.session.info.pop("vitrina_steps", None)  # nothing of a failed change may reach the cache
        if not isinstance(exc, StaleDataError):
            raise
        db.session.rollback()
        raise ConcurrentUpdate("заявку одновременно изменил другой пользователь: обновите страницу "
                               "и повторите действие") from exc


def _commit() -> None:
    """Commit, then hand each saved instance's live workflow back to the engine's cache.

    The revision an instance gets is known after the flush (the ORM bumps it in memory), so the
    cache key is taken before the commit expires the object.
    """
    steps = db.session.info.pop("vitrina_steps", [])
    keys = [((instance.id, instance.revision), step) for instance, step in steps]
    db.session.commit()
    engine = runtime().engine
    for key, step in keys:
        engine.keep(key, step)
    notify_alarm(current_app, [t.due_at for _, step in keys for t in step.timers if t.due_at is not None])
