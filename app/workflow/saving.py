"""Writing what an engine step left behind, in the step's one transaction: the instance's state
and status columns, the task-list index, the waiting timers, the case file, the audit trail,
the step's reactions (deadline effects, the sales register, the operator) and the notices its
model declares.

The instance row's revision makes the write conditional, so of two concurrent changes to one
instance the later fails with ConcurrentUpdate instead of silently undoing the first. The index
tables are written with Core statements built once, at import: a completion touches a handful of
rows, and building a statement and its cache key anew, or the ORM's per-object bookkeeping, would
cost more than the engine step itself (what an ORM delete does to loaded objects: ``rows.py``).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm.exc import StaleDataError

from ..applications import casefile
from ..engine import Step
from ..extensions import db
from ..notifications import notices
from ..models import AuditEvent, OpenTask, ProcessInstance, TaskDraft, Timer
from ..ops import metrics
from ..statuses import AuditAction, ConflictReason, InstanceState, TimerEffect, TimerState
from . import hooks
from .deployments import model_of_id
from .errors import ConcurrentUpdate
from .reactions import after_step
from .rows import forget_deleted
from .runtime import runtime
from ..tasks.rights import stand_ins_column

SYSTEM = "system"
_STEPS = "vitrina_steps"


@dataclass(frozen=True)
class Completion:
    """A task being completed: its index row and what was submitted, as its form declares it."""

    task: OpenTask
    data: dict
    actor: str
    schema: dict = field(default_factory=dict)
    form_version: str | None = None

    @property
    def kind(self) -> str | None:
        return self.schema.get("x-case")

    @property
    def file_fields(self) -> tuple[str, ...]:
        return tuple(k for k, p in (self.schema.get("properties") or {}).items()
                     if isinstance(p, dict) and p.get("x-widget") == "file")


_OPEN, _TIMERS, _DRAFTS = OpenTask.__table__, Timer.__table__, TaskDraft.__table__
_OPEN_ROWS = select(OpenTask).where(OpenTask.instance_id == bindparam("instance_id"))
_DELETE_OPEN = delete(_OPEN).where(_OPEN.c.task_id.in_(bindparam("task_ids", expanding=True)))
_INSERT_OPEN = insert(_OPEN)
_TIMER_STATES = select(_TIMERS.c.task_id, _TIMERS.c.state).where(_TIMERS.c.instance_id == bindparam("instance_id"))
_DELETE_TIMERS = delete(_TIMERS).where(_TIMERS.c.task_id.in_(bindparam("task_ids", expanding=True)))
_INSERT_TIMERS = insert(_TIMERS)
_DELETE_DRAFTS = delete(_DRAFTS).where(_DRAFTS.c.task_id == bindparam("task_id"))
_INSERT_AUDIT = insert(AuditEvent.__table__)


def open_task_rows(instance_id: int) -> dict[str, OpenTask]:
    return {row.task_id: row for row in db.session.scalars(_OPEN_ROWS, {"instance_id": instance_id})}


def apply_step(instance: ProcessInstance, step: Step, *, actor: str, action: AuditAction | None,
               on_behalf_of: str | None = None, details: dict | None = None,
               open_rows: dict[str, OpenTask] | None = None, completion: Completion | None = None) -> None:
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
        open_rows = open_task_rows(instance.id)
    after_step(instance, step, now, open_rows, completion)
    _sync_open_tasks(instance, step, open_rows)
    recorded = _sync_timers(instance, step, now)
    entry_id = None
    # The completion's entry and the decisions' in one insert, the completion's first.
    entries = casefile.decision_rows(instance, step.decisions, now=now)
    if completion is not None:
        entries.insert(0, casefile.completion_row(
            instance, completion.task, completion.data, actor=actor, on_behalf_of=on_behalf_of, now=now,
            kind=completion.kind, form_version=completion.form_version, file_fields=completion.file_fields))
    decided = casefile.write(entries)
    if completion is not None:
        entry_id, decided = decided[0], decided[1:]
        # Nobody can send a draft of a task that is done.
        db.session.execute(_DELETE_DRAFTS, {"task_id": completion.task.task_id})
        forget_deleted(TaskDraft, "task_id", {completion.task.task_id})
    notices.announce(instance, step, now, actor if actor != SYSTEM else None)
    _audit(instance, step, now, actor=actor, on_behalf_of=on_behalf_of, action=action,
           details={**({"case_entry": entry_id} if entry_id else {}), **(details or {})} or None,
           recorded=recorded, decided=decided)
    db.session.info.setdefault(_STEPS, []).append((instance, step))


def _sync_open_tasks(instance, step: Step, open_rows: dict[str, OpenTask]) -> None:
    ready = {t.id for t in step.tasks}
    existing = set(open_rows)
    if stale := existing - ready:
        db.session.execute(_DELETE_OPEN, {"task_ids": sorted(stale)})
        forget_deleted(OpenTask, "task_id", stale)
    rows = [dict(instance_id=instance.id, task_id=task.id, element_id=task.element_id, name=task.name,
                 step=task.step, lane=task.lane, role=task.role, region=instance.region,
                 stand_ins=stand_ins_column(task.properties.get("on_behalf"), instance)
                 if task.properties.get("on_behalf") else None,
                 form=task.form, ready_at=task.ready_at, normative_due=task.normative_due,
                 indicative_due=task.indicative_due, wait_due=task.wait_due)
            for task in step.tasks if task.id not in existing]
    if rows:
        db.session.execute(_INSERT_OPEN, rows)


def _sync_timers(instance, step: Step, now: datetime) -> set[str]:
    """Write the waiting timers; returns the ids of timers the sweep had already recorded."""
    states = dict(db.session.execute(_TIMER_STATES, {"instance_id": instance.id}).all())
    existing = set(states)
    catalog = model_of_id(instance.deployment_id).catalogs[instance.process_id]
    waiting = {t.task_id for t in step.timers}
    if gone := existing - waiting:  # fired (recorded in the audit trail) or cancelled
        db.session.execute(_DELETE_TIMERS, {"task_ids": sorted(gone)})
        forget_deleted(Timer, "task_id", gone)
    rows = [dict(instance_id=instance.id, task_id=t.task_id, element_id=t.element_id, name=t.name,
                 kind=t.kind, step=t.step, region=instance.region, due_at=t.due_at,
                 interrupting=t.interrupting, attached_task_id=t.attached_task_id,
                 attached_element_id=t.attached_element_id, state=TimerState.WAITING, created_at=now,
                 effect=TimerEffect.SIGNAL if catalog.only_signals(t.element_id) else TimerEffect.ADVANCE)
            for t in step.timers if t.task_id not in existing]
    if rows:
        db.session.execute(_INSERT_TIMERS, rows)
    return {task_id for task_id, state in states.items() if state == TimerState.FIRED}


def _audit(instance, step: Step, now, *, actor, on_behalf_of, action, details, recorded, decided) -> None:
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
    for decision, entry_id in zip(step.decisions, decided):
        rows.append({**base, "action": AuditAction.DECIDED, "actor": SYSTEM, "element_id": decision.element_id,
                     "element_name": decision.name, "details": {"case_entry": entry_id}})
    for change in step.status_changes:
        rows.append({**base, "action": AuditAction.STATUS, "element_id": change.element_id,
                     "element_name": change.element_name, "status_line": change.line,
                     "status_from": change.old, "status_to": change.new})
    if rows:
        # One statement for all of them: the table's insert takes rows of one shape, where the
        # ORM's bulk insert would split them by which columns are set.
        db.session.execute(_INSERT_AUDIT, rows)


@contextmanager
def saving():
    """A write that lost the race (the row's revision moved on) becomes a ConcurrentUpdate.

    The conditional UPDATE may run at commit or at any autoflush before it, hence the block.
    """
    try:
        yield
    except BaseException as exc:
        db.session.info.pop(_STEPS, None)  # nothing of a failed change may reach the cache
        if not isinstance(exc, StaleDataError):
            raise
        db.session.rollback()
        metrics.conflict(ConflictReason.CONCURRENT_UPDATE)
        raise ConcurrentUpdate("заявку одновременно изменил другой пользователь: обновите страницу "
                               "и повторите действие") from exc


def commit() -> None:
    """Commit, then hand each saved instance's live workflow back to the engine's cache and tell
    whoever subscribed (the timer alarm) what was saved.

    The revision an instance gets is known after the flush (the ORM bumps it in memory), so the
    cache key is taken before the commit expires the object.
    """
    steps = db.session.info.pop(_STEPS, [])
    keys = [((instance.id, instance.revision), step) for instance, step in steps]
    db.session.commit()
    engine = runtime().engine
    for key, step in keys:
        engine.keep(key, step)
    hooks.saved([step for _, step in keys])
