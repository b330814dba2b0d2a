"""Running instances: start, complete a task, fire timers; every change saved in one transaction
(``saving.py`` writes it, the instance row's revision turning a lost race into a 409).

A completion carries only its form's fields and passes its form (the version's, with its rules)
before the engine sees it; the case file gets its entry in the same transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy import select

from ..engine import BudgetExceeded, ScriptFailed, Step, TaskNotFound, TaskNotReady, ThrownMessage
from ..extensions import db
from ..forms.conditions import asked_only
from ..forms.schema import FieldError
from ..incidents.recording import record_failure
from ..models import Deployment, ProcessInstance, Timer
from ..ops import metrics
from ..statuses import AuditAction, ConflictReason, IncidentKind, InstanceState, TimerEffect, TimerState
from ..tasks.fields import check_completion
from .deployments import current_deployment, model_of, model_of_id
from .errors import InvalidTaskData, NotFound, StepFailed, TaskAlreadyDone
from .forms import form_for_reading, form_version
from .runtime import runtime
from .saving import SYSTEM, Completion, apply_step, commit as _commit, open_task_rows as _open_task_rows
from .saving import saving as _saving

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


Check = Callable[[ProcessInstance, dict, dict], list[FieldError]]


def complete_task(instance_id: int, task_id: str, data: dict | None = None, *, actor: str,
                  on_behalf_of: str | None = None, note: dict | None = None,
                  checks: Iterable[Check] = (), found: Iterable[FieldError] = ()) -> ProcessInstance:
    """Complete a ready task with ``data``, which must hold only its form's fields and pass the
    form; ``note`` is added to the audit entry (a retry's administrator). A door adds its own
    ``checks`` (lists as they are now) and the problems it ``found`` reading its input, so one
    InvalidTaskData names every field to fix. A stop in the model's code opens an incident and
    raises StepFailed."""
    instance = get_instance(instance_id)
    data = dict(data or {})
    open_rows = _open_task_rows(instance.id)
    open_task = open_rows.get(str(task_id))
    if open_task is None:
        metrics.conflict(ConflictReason.TASK_DONE)
        raise TaskAlreadyDone(f"задача {task_id} заявки {instance_id} уже выполнена или снята: "
                              "обновите страницу")
    # Filed for another role (a stand-in), the form may ask for more (``forms.on_behalf``).
    schema = form_for_reading(instance, open_task.form, on_behalf=on_behalf_of is not None)
    data = asked_only(schema, data)  # an answer to a question not asked (x-show-if) is not filed
    errors = check_completion(instance, open_task.form, schema, data, checks, found,
                              on_behalf=on_behalf_of is not None)
    if errors:
        raise InvalidTaskData(errors)
    completion = Completion(open_task, data, actor, schema, form_version(instance, open_task.form))
    engine = runtime().engine
    try:
        step = engine.complete(_model(instance), instance.engine_state, task_id, data,
                               cache_key=(instance.id, instance.revision))
        with _saving():  # a message it throws starts another process: its code may fail too
            _apply(instance, step, actor=actor, on_behalf_of=on_behalf_of, action=AuditAction.COMPLETED,
                   details=note, open_rows=open_rows, completion=completion)
            _commit()
    except TaskNotReady as exc:
        metrics.conflict(ConflictReason.TASK_DONE)
        raise TaskAlreadyDone(f"задача уже выполнена или снята: обновите страницу ({exc})") from exc
    except TaskNotFound as exc:
        raise NotFound(f"нет такой задачи в заявке {instance_id}") from exc
    except (ScriptFailed, BudgetExceeded) as exc:
        payload = {"data": data, "on_behalf_of": on_behalf_of, "task_name": open_task.name}
        raise StepFailed(record_failure(IncidentKind.COMPLETION, exc, actor=actor, now=runtime().clock.now(),
                                        instance=instance, task_id=str(task_id), payload=payload)) from exc
    metrics.completed(open_task.step, open_task.role)
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


def _model(instance: ProcessInstance):
    return model_of_id(instance.deployment_id)


def _apply(instance: ProcessInstance, step: Step, *, actor: str, **kwargs) -> None:
    """Write the step (``saving.apply_step``), then start what its thrown messages start."""
    apply_step(instance, step, actor=actor, **kwargs)
    for message in step.messages:
        _route(instance, message, actor)


def _route(instance, message: ThrownMessage, actor: str) -> None:
    """A thrown message starts the deployed process whose start event catches it."""
    deployment = current_deployment()
    process_id = model_of(deployment).message_start(message.name)
    if process_id is None:
        log.warning("message %s thrown by instance %s has no catching process", message.name, instance.id)
        return
    _start(process_id, {}, actor=actor, region=instance.region, company_name=instance.company_name,
           company_inn=instance.company_inn, deployment=deployment, parent_id=instance.id, message=message)
