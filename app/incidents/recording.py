"""Opening an incident when the model's code stops an operation.

The failed operation is rolled back whole (its state, tasks and timers were never written);
the incident is committed on its own with what a retry needs. A second failure of the same
operation adds an attempt to the open incident instead of opening another, and timers whose
firing failed are held, so the sweep does not run the broken code again every minute.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ..engine import BudgetExceeded, EngineError
from ..extensions import db
from ..models import Incident, ProcessInstance, Timer
from ..statuses import IncidentKind, IncidentState, TimerEffect, TimerState


def _element_name(instance: ProcessInstance | None, process_id: str | None, element_id: str | None) -> str | None:
    if element_id is None:
        return None
    from ..workflow.deployments import model_of_id
    try:
        catalog = model_of_id(instance.deployment_id).catalogs[process_id] if instance else None
    except (KeyError, EngineError):
        return None
    element = catalog.elements.get(element_id) if catalog else None
    return element.name if element is not None else None


def record_failure(kind: IncidentKind, exc: EngineError, *, actor: str, now, instance: ProcessInstance | None = None,
                   process_id: str | None = None, task_id: str | None = None, payload: dict | None = None,
                   deployment_id: int | None = None) -> Incident:
    """Roll back the failed operation and commit an incident for it (or one more attempt)."""
    db.session.rollback()
    instance_id = instance.id if instance is not None else None
    process_id = process_id or (instance.process_id if instance is not None else None)
    element_id = getattr(exc, "element_id", None)
    incident = None
    if instance_id is not None:
        incident = db.session.scalar(select(Incident).where(
            Incident.instance_id == instance_id, Incident.kind == kind, Incident.state == IncidentState.OPEN,
            Incident.task_id.is_(None) if task_id is None else Incident.task_id == task_id).limit(1))
    if incident is None:
        incident = Incident(instance_id=instance_id, kind=kind, state=IncidentState.OPEN, process_id=process_id,
                            deployment_id=deployment_id or (instance.deployment_id if instance is not None else None),
                            task_id=task_id, actor=actor, opened_at=now, attempts=0)
        db.session.add(incident)
    incident.attempts = (incident.attempts or 0) + 1
    incident.last_failed_at = now
    incident.element_id = element_id
    incident.element_name = _element_name(instance, process_id, element_id)
    incident.resource = exc.resource if isinstance(exc, BudgetExceeded) else None
    incident.message = str(exc)[:4000]
    incident.payload = payload or {}
    if kind == IncidentKind.TIMERS and instance_id is not None:
        db.session.execute(update(Timer).where(
            Timer.instance_id == instance_id, Timer.state == TimerState.WAITING, Timer.effect == TimerEffect.ADVANCE,
            Timer.due_at <= now).values(state=TimerState.HELD).execution_options(synchronize_session=False))
    db.session.commit()
    return incident
