"""What follows an engine step besides the state itself: deadline effects, refusal letters, the
sales register (reports and the ЦПЭ's acceptance of them) and the application's operator (from
what the completed task submitted).

Called inside the same transaction as the step's save, so an effect exists exactly when the
step it came from was stored.
"""
from __future__ import annotations

from datetime import datetime

from ..deadlines import register
from ..engine import Step
from ..models import OpenTask
from ..notifications import recipients, texts
from ..notifications.outbox import enqueue
from ..operators.assignments import record_operator
from ..sales.recording import record_sales_acceptance, record_sales_report
from ..statuses import ApplicationStatus, ProcessId, TimerKind

REFUSALS = {ApplicationStatus.REFUSED_CPE.value, ApplicationStatus.REFUSED_CLIENT.value}
CONSULTATION_MESSAGE = "consultation_offer"


def after_step(instance, step: Step, now: datetime, open_rows: dict[str, OpenTask], completion=None) -> None:
    for fired in step.fired:
        if fired.kind in (TimerKind.INDICATIVE, TimerKind.NORMATIVE):
            row = open_rows.get(fired.attached_task_id or "")
            register.record(instance, register.deadline_of(
                fired.kind, fired.task_id, fired.due_at, row, fired.name, fired.step), now)
    still_open = {t.id for t in step.tasks}
    register.close_for_tasks(instance, [r for r in open_rows.values() if r.task_id not in still_open], now)
    if completion is not None:
        record_sales_report(instance, completion, now)
        record_sales_acceptance(instance, completion, now)
        record_operator(instance, completion, now)
    for change in step.status_changes:
        if change.line == "application_status" and change.new in REFUSALS and instance.process_id != ProcessId.CONSULTATION:
            _refusal_letter(instance, step, change.new, now)


def _refusal_letter(instance, step: Step, status: str, now: datetime) -> None:
    offered = any(m.name == CONSULTATION_MESSAGE for m in step.messages)
    message = texts.refusal(instance, status, step.data.get("refusal_reason"), offered)
    enqueue(recipients.clients(instance, step.data), f"refusal:{instance.id}", message,
            now=now, instance_id=instance.id)
