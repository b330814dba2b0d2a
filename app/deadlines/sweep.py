"""``fire_due_timers(now)``: the one function that fires what is due; the scheduler only calls it.

Two kinds of timers:
- signals (deadline timers whose firing changes nothing in the flow) are recorded straight
  from the timer table, in batches, without loading the instance: that is what keeps a sweep of
  10,000 due deadlines within seconds;
- the others (client waits, report periods) run the engine on their instance.

On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent sweeps share the work;
on both backends a signal is recorded only by the sweep whose conditional update marked it fired,
so it is recorded once however many sweeps run; the instance's revision guards the rest. One
broken instance is logged and skipped.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update

from ..extensions import db
from ..models import AuditEvent, OpenTask, ProcessInstance, Timer
from ..notifications import recipients
from ..ops import metrics
from ..statuses import AuditAction, TimerEffect, TimerState
from ..workflow.errors import ConcurrentUpdate
from ..workflow.instances import SYSTEM, advance_instance
from . import register

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SweepReport:
    signals: int = 0
    instances: int = 0
    failed: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"сроков отмечено: {self.signals}, заявок продвинуто: {self.instances}, "
                f"ошибок: {len(self.failed)}")


def fire_due_timers(now: datetime) -> SweepReport:
    report = SweepReport()
    _record_signals(now, report)
    _advance_instances(now, report)
    return report


def _record_signals(now: datetime, report: SweepReport) -> None:
    while True:
        timers = db.session.scalars(
            select(Timer).where(Timer.state == TimerState.WAITING, Timer.effect == TimerEffect.SIGNAL,
                                Timer.due_at < now)
            .order_by(Timer.due_at, Timer.id).limit(BATCH).with_for_update(skip_locked=True)).all()
        if not timers:
            db.session.rollback()
            return
        # The timers are this sweep's only if they are still waiting when marked, in this very
        # transaction: SQLite has no row locks, and another sweep may have recorded them since the
        # select. RETURNING says which ones this update took, on both backends.
        taken = set(db.session.scalars(
            update(Timer).where(Timer.id.in_([t.id for t in timers]), Timer.state == TimerState.WAITING)
            .values(state=TimerState.FIRED, fired_at=now).returning(Timer.id)
            .execution_options(synchronize_session=False)))
        timers = [t for t in timers if t.id in taken]
        if timers:
            with recipients.caching():
                _record(timers, now, report)
        db.session.commit()
        report.signals += len(timers)
        metrics.timers_fired(TimerEffect.SIGNAL, now, [t.due_at for t in timers])


def _record(timers: list[Timer], now: datetime, report: SweepReport) -> None:
    """The audit row and the deadline's effects of each timer this sweep took."""
    instances = {i.id: i for i in db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_({t.instance_id for t in timers})))}
    rows = {r.task_id: r for r in db.session.scalars(
        select(OpenTask).where(OpenTask.task_id.in_({t.attached_task_id for t in timers if t.attached_task_id})))}
    batch = register.Batch(now)
    for timer in timers:
        try:
            batch.add(instances[timer.instance_id], register.deadline_of(
                timer.kind, timer.task_id, timer.due_at, rows.get(timer.attached_task_id), timer.name, timer.step))
        except Exception:  # a broken row is marked fired (it would fail again) and logged
            report.failed.append(timer.instance_id)
            log.exception("recording the deadline of timer %s (application %s) failed",
                          timer.task_id, timer.instance_id)
    db.session.execute(insert(AuditEvent), [_audit_row(t, now) for t in timers])
    batch.write()


def _audit_row(timer: Timer, now: datetime) -> dict:
    return dict(instance_id=timer.instance_id, at=now, actor=SYSTEM, action=AuditAction.TIMER_FIRED,
                element_id=timer.element_id, element_name=timer.name, task_id=timer.task_id,
                details={"kind": timer.kind, "step": timer.step, "task": timer.attached_element_id,
                         "due_at": timer.due_at.isoformat() if timer.due_at else None})


def _advance_instances(now: datetime, report: SweepReport) -> None:
    # Batches by key range: each instance is visited once per sweep, and the query stays the
    # same size however many instances came before (a list of those seen would grow with them).
    after = 0
    while True:
        ids = db.session.scalars(
            select(Timer.instance_id).distinct().where(Timer.state == TimerState.WAITING,
                                                       Timer.effect == TimerEffect.ADVANCE, Timer.due_at < now,
                                                       Timer.instance_id > after)
            .order_by(Timer.instance_id).limit(BATCH)).all()
        db.session.rollback()
        if not ids:
            return
        after = ids[-1]
        for instance_id in ids:
            try:
                dues = _due_to_advance(instance_id, now)
                if advance_instance(instance_id, due_before=now) is not None:
                    report.instances += 1
                    metrics.timers_fired(TimerEffect.ADVANCE, now, dues)
            except ConcurrentUpdate:
                db.session.rollback()  # another sweep or a person moved it first: nothing is lost
            except Exception:  # one broken instance is logged, the sweep goes on
                db.session.rollback()
                report.failed.append(instance_id)
                log.exception("firing the timers of application %s failed", instance_id)


def _due_to_advance(instance_id: int, now: datetime) -> list[datetime]:
    """The due times of the instance's timers that advancing it now will fire (for the metrics)."""
    return list(db.session.scalars(select(Timer.due_at).where(
        Timer.instance_id == instance_id, Timer.state == TimerState.WAITING, Timer.effect == TimerEffect.ADVANCE,
        Timer.due_at < now)))
