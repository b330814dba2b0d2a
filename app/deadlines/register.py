"""What a deadline does when it comes: warn (indicative) or register a breach (normative).

Both the sweep (straight from the timer table) and the engine (when an instance moves) may
report the same firing; every effect is keyed by the timer, so it happens once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import bindparam, select, update

from ..calendar import MOSCOW
from ..extensions import db
from ..models import Breach, OpenTask
from ..notifications import recipients, texts
from ..ops import metrics
from ..notifications.outbox import rows_for, write
from ..roles import Role
from ..upsert import insert_ignoring_duplicates
from ..workflow.runtime import runtime
from ..statuses import TimerKind


@dataclass(frozen=True)
class Deadline:
    """A deadline timer that came due, with the task it guards."""

    kind: TimerKind  # indicative or normative
    timer_task_id: str
    task_id: str | None
    element_id: str | None
    task_name: str
    step: str | None
    role: str | None
    region: str | None
    assignee: str | None
    due_at: datetime | None
    normative_due: datetime | None


def deadline_of(kind, timer_task_id, due_at, row: OpenTask | None, fallback_name: str, step) -> Deadline:
    return Deadline(kind, timer_task_id, row.task_id if row else None, row.element_id if row else None,
                    row.name if row else fallback_name, row.step if row else step, row.role if row else None,
                    row.region if row else None, row.assignee if row else None, due_at,
                    row.normative_due if row else None)


class Batch:
    """Deadline effects collected and written together: a sweep writes hundreds at once."""

    def __init__(self, now: datetime):
        self.now = now
        self.breaches: list[dict] = []
        self.warned: list[str] = []
        self.breached: list[str] = []
        self.notes: list[dict] = []

    def add(self, instance, d: Deadline, closed_at: datetime | None = None) -> None:
        if d.kind == TimerKind.NORMATIVE:
            self.breaches.append(dict(
                instance_id=instance.id, timer_task_id=d.timer_task_id, task_id=d.task_id,
                element_id=d.element_id, task_name=d.task_name, step=d.step, role=d.role, region=d.region,
                assignee=d.assignee, due_at=d.due_at, breached_at=self.now, closed_at=closed_at,
                late_working_days=late_days(d.due_at, closed_at) if closed_at else None))
            if d.task_id:
                self.breached.append(d.task_id)
            people = recipients.performers(d.role, d.region, instance.company_inn, d.assignee) + \
                recipients.managers(d.role, d.region) + recipients.role_members(Role.MO_REC)
            message, key = texts.deadline_breached(instance, d.task_name, d.step, d.due_at), f"breach:{d.timer_task_id}"
        elif d.kind == TimerKind.INDICATIVE:
            if d.task_id:
                self.warned.append(d.task_id)
            people = recipients.performers(d.role, d.region, instance.company_inn, d.assignee) + \
                recipients.managers(d.role, d.region)
            message = texts.deadline_near(instance, d.task_name, d.step, d.normative_due)
            key = f"near:{d.timer_task_id}"
        else:
            return
        self.notes.extend(rows_for(people, key, message, now=self.now, instance_id=instance.id))

    def write(self) -> None:
        if self.breaches:
            result = db.session.execute(insert_ignoring_duplicates(Breach, ["timer_task_id"]), self.breaches)
            # A breach another path already registered is ignored here, and not counted again.
            metrics.breaches(result.rowcount if result.rowcount >= 0 else len(self.breaches))
        for column, task_ids in ((OpenTask.breached_at, self.breached), (OpenTask.warned_at, self.warned)):
            if task_ids:
                db.session.execute(update(OpenTask).where(OpenTask.task_id.in_(task_ids), column.is_(None))
                                   .values({column: self.now}).execution_options(synchronize_session=False))
        write(self.notes)
        self.breaches, self.warned, self.breached, self.notes = [], [], [], []


def record(instance, deadline: Deadline, now: datetime) -> None:
    batch = Batch(now)
    batch.add(instance, deadline)
    batch.write()


# How far another process's clock may run ahead of this one's (the sweep's now against the step's).
CLOCK_SKEW = timedelta(minutes=1)
_BREACHES_OF = select(Breach).where(Breach.task_id.in_(bindparam("task_ids", expanding=True)))


def close_for_tasks(instance, closed_rows: list[OpenTask], now: datetime,
                    breached_now: Collection[str] = ()) -> None:
    """Tasks that left the task list close their breaches; one done after its normative deadline
    with no breach recorded yet (the sweep had not run) gets its breach now, already closed.

    Only a task that may have a breach is looked up: one this step breached (``breached_now``),
    one whose row says it was breached, or one whose normative deadline has come. A breach is
    recorded only when the normative timer fired, by then its due time had passed, and the same
    transaction marks the task's row (``Batch.write``); so a task closed before its deadline, as
    most are, costs no query."""
    suspects = [row for row in closed_rows if row.breached_at is not None or row.task_id in breached_now
                or (row.normative_due is not None and row.normative_due <= now + CLOCK_SKEW)]
    if not suspects:
        return
    open_breaches = {b.task_id: b for b in db.session.scalars(
        _BREACHES_OF, {"task_ids": sorted(row.task_id for row in suspects)})}
    for row in suspects:
        breach = open_breaches.get(row.task_id)
        if breach is not None:
            if breach.closed_at is None:
                breach.closed_at = now
                breach.late_working_days = late_days(breach.due_at, now)
        elif row.normative_due is not None and row.normative_due < now:
            late = Batch(now)
            late.add(instance, deadline_of(TimerKind.NORMATIVE, f"late:{row.task_id}", row.normative_due, row, row.name,
                                           row.step), closed_at=now)
            late.write()


def late_days(due_at: datetime | None, at: datetime | None) -> int | None:
    """Working days from the day the deadline expired to ``at`` (Moscow dates)."""
    if due_at is None or at is None:
        return None
    return runtime().calendar.working_days_between(due_at.astimezone(MOSCOW).date(),
                                                   at.astimezone(MOSCOW).date())
