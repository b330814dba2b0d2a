"""What follows an engine step besides the state itself: deadline effects, the sales register
(reports and the ЦПЭ's acceptance of them) and the application's operator (from what the
completed task submitted). Who is told of the step is the model's (``notify``,
app/notifications/notices.py).

Called inside the same transaction as the step's save, so an effect exists exactly when the
step it came from was stored.
"""
from __future__ import annotations

from datetime import datetime

from ..deadlines import register
from ..engine import Step
from ..models import OpenTask
from ..operators.assignments import record_operator
from ..sales.recording import record_sales_acceptance, record_sales_report
from ..statuses import TimerKind


def after_step(instance, step: Step, now: datetime, open_rows: dict[str, OpenTask], completion=None) -> None:
    breached_now = set()
    for fired in step.fired:
        if fired.kind in (TimerKind.INDICATIVE, TimerKind.NORMATIVE):
            row = open_rows.get(fired.attached_task_id or "")
            register.record(instance, register.deadline_of(
                fired.kind, fired.task_id, fired.due_at, row, fired.name, fired.step), now)
            if fired.kind == TimerKind.NORMATIVE and row is not None:
                breached_now.add(row.task_id)
    still_open = {t.id for t in step.tasks}
    register.close_for_tasks(instance, [r for r in open_rows.values() if r.task_id not in still_open], now,
                             breached_now)
    if completion is not None:
        record_sales_report(instance, completion, now)
        record_sales_acceptance(instance, completion, now)
        record_operator(instance, completion, now)
