"""What an administrator does with an incident: run the stopped operation again, or close it.

A retry runs the same operation through the same service as the first time (the completion
with the data the participant sent and in their name, the timers, the filing) on the
application's current model version, so a fix deployed and migrated to is what runs. If it
fails again the incident stays open with one more attempt.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from ..engine import ThrownMessage
from ..extensions import db
from ..models import Incident, Timer
from ..statuses import IncidentKind, IncidentState, TimerState
from ..workflow.errors import Conflict, NotFound, TaskAlreadyDone
from ..workflow.runtime import runtime


class IncidentClosed(Conflict):
    """The incident was retried or closed meanwhile."""


def incidents_of(instance_id: int | None = None, *, state: IncidentState | None = IncidentState.OPEN,
                 limit: int = 200) -> list[Incident]:
    query = select(Incident).order_by(Incident.id.desc()).limit(limit)
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    if state is not None:
        query = query.where(Incident.state == state)
    return list(db.session.scalars(query))


def open_count() -> int:
    return db.session.scalar(select(func.count(Incident.id)).where(Incident.state == IncidentState.OPEN)) or 0


def _open(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"инцидент № {incident_id} не найден")
    if incident.state != IncidentState.OPEN:
        raise IncidentClosed(f"инцидент № {incident_id} уже {IncidentState(incident.state).label.lower()}")
    return incident


def retry(incident_id: int, actor: str) -> Incident:
    """Run the stopped operation again; the incident is resolved when it goes through.

    StepFailed (the same incident, one attempt more) when the model's code stops it again;
    TaskAlreadyDone when the task is gone meanwhile (close the incident then)."""
    from ..workflow.instances import advance_instance, complete_task, start_process
    incident = _open(incident_id)
    kind, payload, incident_id = IncidentKind(incident.kind), dict(incident.payload or {}), incident.id
    note = {"retried_by": actor, "incident": incident_id}
    if kind == IncidentKind.COMPLETION:
        complete_task(incident.instance_id, incident.task_id, payload.get("data") or {}, actor=incident.actor,
                      on_behalf_of=payload.get("on_behalf_of"), note=note)
        instance_id = incident.instance_id
    elif kind == IncidentKind.TIMERS:
        db.session.execute(update(Timer).where(Timer.instance_id == incident.instance_id,
                                               Timer.state == TimerState.HELD)
                           .values(state=TimerState.WAITING).execution_options(synchronize_session=False))
        db.session.commit()
        instance_id = incident.instance_id
        advance_instance(instance_id, actor=incident.actor)
    else:
        message = payload.get("message")
        instance = start_process(  # on the current version: the fixed one
            incident.process_id, payload.get("data") or {}, actor=incident.actor, region=payload.get("region"),
            company_name=payload.get("company_name"), company_inn=payload.get("company_inn"),
            parent_id=payload.get("parent_id"), message=ThrownMessage(message[0], message[1]) if message else None)
        instance_id = instance.id
    return _close(incident_id, IncidentState.RESOLVED, actor, "повторено успешно", instance_id)


def dismiss(incident_id: int, actor: str, note: str) -> Incident:
    """Close without running again (the task was done another way, the filing is not wanted)."""
    incident = _open(incident_id)
    if incident.kind == IncidentKind.TIMERS:  # held timers go back to the sweep
        db.session.execute(update(Timer).where(Timer.instance_id == incident.instance_id,
                                               Timer.state == TimerState.HELD)
                           .values(state=TimerState.WAITING).execution_options(synchronize_session=False))
    return _close(incident.id, IncidentState.DISMISSED, actor, note.strip() or "закрыт без повтора",
                  incident.instance_id)


def _close(incident_id: int, state: IncidentState, actor: str, note: str, instance_id) -> Incident:
    incident = db.session.get(Incident, incident_id)
    incident.state, incident.closed_by, incident.closing_note = state, actor, note[:1000]
    incident.closed_at = runtime().clock.now()
    if instance_id is not None:
        incident.instance_id = instance_id
    db.session.commit()
    return incident


__all__ = ["IncidentClosed", "TaskAlreadyDone", "dismiss", "incidents_of", "open_count", "retry"]
